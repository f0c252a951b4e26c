"""Two first saves of one case's Decision Form at once: the case row lock serialises them, so
one form is created and the other request gets 409 (never two forms, never a 500)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.decision_form.models import DecisionForm
from shared.errors import PROBLEM_TYPE_BASE
from shared.testing.plugin import CommittingClient
from tests.assessment.cases.builders import CW, make_case

Headers = Callable[..., dict[str, str]]


@pytest.mark.concurrency
async def test_two_concurrent_first_saves_make_one_form_and_one_409__ASM_095(
    committing_client: CommittingClient, auth_headers: Headers
) -> None:
    client, observer = committing_client.client, committing_client.observer
    case_id = uuid.uuid4()
    async with AsyncSession(observer, expire_on_commit=False) as session:
        await make_case(session, case_id=case_id)
        await session.commit()
    url = f"/v1/cases/{case_id}/decision-form"
    headers = auth_headers("caseworker", sub=CW)
    try:
        async with observer.connect() as holder:
            trans = await holder.begin()
            await holder.execute(
                text("SELECT id FROM assessment_case WHERE id = :id FOR UPDATE"), {"id": case_id}
            )
            racing = [
                asyncio.create_task(client.post(url, json={"analysis": note}, headers=headers))
                for note in ("first", "second")
            ]
            deadline = asyncio.get_running_loop().time() + 10
            while True:
                async with observer.connect() as conn:
                    waiting = await conn.scalar(
                        text(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE application_name = :app AND wait_event_type = 'Lock'"
                        ),
                        {"app": committing_client.application_name},
                    )
                if int(waiting or 0) >= len(racing):
                    break
                assert asyncio.get_running_loop().time() < deadline, "requests never queued"
                await asyncio.sleep(0.02)
            await trans.rollback()
        responses: list[httpx.Response] = list(await asyncio.gather(*racing))
        assert sorted(r.status_code for r in responses) == [201, 409]
        lost = next(r for r in responses if r.status_code == 409)
        assert lost.json()["type"] == f"{PROBLEM_TYPE_BASE}decision-form-exists"
        async with observer.connect() as conn:
            forms = await conn.scalar(
                select(func.count())
                .select_from(DecisionForm)
                .where(DecisionForm.case_id == case_id)
            )
        assert forms == 1
    finally:
        # Fake test data only; the audit rows stay, because the database refuses to delete them.
        async with observer.begin() as conn:
            await conn.execute(delete(Case).where(Case.id == case_id))

"""Concurrent acts on one record are serialised by a row lock: one wins, the other gets 409."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, text

from intake_api.people.models import (
    MpDeactivationRequest,
    MpSuccession,
    Person,
    ReasonableAdjustmentRequest,
)
from shared.errors import PROBLEM_TYPE_BASE
from shared.testing.plugin import CommittingClient
from tests.intake.people.conftest import WRITER, Headers, mp_body, person_body


async def _race(
    committing: CommittingClient, lock_sql: str, params: dict[str, Any], *requests: Any
) -> list[httpx.Response]:
    """Hold a row lock until every request is waiting on it, then let them go."""
    observer = committing.observer
    async with observer.connect() as holder:
        trans = await holder.begin()
        await holder.execute(text(lock_sql), params)
        racing = [asyncio.create_task(r) for r in requests]
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            async with observer.connect() as conn:
                waiting = await conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE application_name = :app AND wait_event_type = 'Lock'"
                    ),
                    {"app": committing.application_name},
                )
            if int(waiting or 0) >= len(racing):
                break
            assert asyncio.get_running_loop().time() < deadline, "requests never queued"
            await asyncio.sleep(0.02)
        await trans.rollback()
    return list(await asyncio.gather(*racing))


async def _cleanup(committing: CommittingClient, person_ids: list[uuid.UUID]) -> None:
    # Fake test data only; the audit rows stay, because the database refuses to delete them.
    async with committing.observer.begin() as conn:
        await conn.execute(
            delete(MpDeactivationRequest).where(MpDeactivationRequest.person_id.in_(person_ids))
        )
        await conn.execute(
            delete(MpSuccession).where(
                MpSuccession.previous_person_id.in_(person_ids)
                | MpSuccession.successor_person_id.in_(person_ids)
            )
        )
        await conn.execute(
            delete(ReasonableAdjustmentRequest).where(
                ReasonableAdjustmentRequest.person_id.in_(person_ids)
            )
        )
        await conn.execute(delete(Person).where(Person.id.in_(person_ids)))


@pytest.mark.concurrency
async def test_two_concurrent_decisions_make_one_200_and_one_409__B_5(
    committing_client: CommittingClient, auth_headers: Headers
) -> None:
    client, observer = committing_client.client, committing_client.observer
    h = auth_headers(WRITER)
    person = (await client.post("/v1/people", json=person_body(), headers=h)).json()
    person_id = uuid.UUID(person["id"])
    try:
        ra = (
            await client.post(
                f"/v1/people/{person_id}/reasonable-adjustments",
                json={"requested_adjustments": "Large print"},
                headers=h,
            )
        ).json()
        base = f"/v1/people/{person_id}/reasonable-adjustments/{ra['id']}"
        responses = await _race(
            committing_client,
            "SELECT 1 FROM reasonable_adjustment_request WHERE id = :id FOR UPDATE",
            {"id": uuid.UUID(ra["id"])},
            client.post(
                f"{base}/agree",
                json={
                    "disability_type": "visual",
                    "agreed_adjustments": "Large print",
                    "decided_date": "2026-11-02",
                },
                headers=h,
            ),
            client.post(
                f"{base}/refuse",
                json={
                    "reasons": "Not possible",
                    "alternatives_considered": "Audio",
                    "legal_team_informed_at": "2026-11-02T09:00:00Z",
                    "decided_date": "2026-11-02",
                },
                headers=h,
            ),
        )
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        [lost] = [r for r in responses if r.status_code == 409]
        assert lost.json()["type"] == (
            PROBLEM_TYPE_BASE + "reasonable-adjustment-transition-not-allowed"
        )
        async with observer.connect() as conn:
            version = await conn.scalar(
                select(ReasonableAdjustmentRequest.version).where(
                    ReasonableAdjustmentRequest.id == uuid.UUID(ra["id"])
                )
            )
        assert version == 2
    finally:
        await _cleanup(committing_client, [person_id])


@pytest.mark.concurrency
async def test_two_concurrent_successions_make_one_separate_record__ASM_026(
    committing_client: CommittingClient, auth_headers: Headers
) -> None:
    client, observer = committing_client.client, committing_client.observer
    h = auth_headers(WRITER)
    mp = (await client.post("/v1/people", json=mp_body(), headers=h)).json()
    mp_id = uuid.UUID(mp["id"])
    made: list[uuid.UUID] = [mp_id]
    try:
        successor = {"given_name": "Jo", "family_name": "Placeholder"}
        body = {"successor": successor, "effective_date": "2026-10-30", "reason": "died"}
        responses = await _race(
            committing_client,
            "SELECT 1 FROM person WHERE id = :id FOR UPDATE",
            {"id": mp_id},
            client.post(f"/v1/people/{mp_id}/mp/successor", json=body, headers=h),
            client.post(f"/v1/people/{mp_id}/mp/successor", json=body, headers=h),
        )
        made += [
            uuid.UUID(r.json()["successor_person_id"]) for r in responses if r.status_code == 201
        ]
        assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
        async with observer.connect() as conn:
            successors = (
                await conn.scalars(
                    select(MpSuccession.successor_person_id).where(
                        MpSuccession.previous_person_id == mp_id
                    )
                )
            ).all()
            orphans = (
                await conn.scalars(
                    select(Person.id).where(
                        Person.family_name == "Placeholder", Person.id.not_in(successors)
                    )
                )
            ).all()
        assert len(successors) == 1
        assert orphans == []  # the losing request rolled back its new record too
    finally:
        await _cleanup(committing_client, made)

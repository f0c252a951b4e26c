"""Concurrent acts on one record are serialised by a row lock: one wins, the other gets 409."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from intake_api.people.models import (
    MpDeactivationRequest,
    MpSuccession,
    Person,
    ReasonableAdjustmentRequest,
)
from shared.clock import FixedClock
from shared.config import BaseServiceSettings
from shared.db import Database, create_engine
from shared.errors import PROBLEM_TYPE_BASE
from shared.testing.plugin import ServiceSpec
from tests.intake.people.conftest import WRITER, Headers, mp_body, person_body

APP_NAME = "pytest-people-racers"


@pytest.fixture
async def committing_client(
    service_spec: ServiceSpec,
    settings: BaseServiceSettings,
    database_url: str,
    clock: FixedClock,
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine]]:
    """The intake app on a Database that really commits, and a separate engine to look with."""
    db = Database.from_engine(create_engine(database_url, application_name=APP_NAME, pool_size=5))
    observer = create_engine(database_url, application_name="pytest-people-observer", pool_size=2)
    app = service_spec.create_app(settings)
    app.state.db = db
    app.state.clock = clock
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c, observer
    finally:
        await observer.dispose()
        await db.dispose()


async def _race(
    observer: AsyncEngine, lock_sql: str, params: dict[str, Any], *requests: Any
) -> list[httpx.Response]:
    """Hold a row lock until every request is waiting on it, then let them go."""
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
                    {"app": APP_NAME},
                )
            if int(waiting or 0) >= len(racing):
                break
            assert asyncio.get_running_loop().time() < deadline, "requests never queued"
            await asyncio.sleep(0.02)
        await trans.rollback()
    return list(await asyncio.gather(*racing))


async def _cleanup(observer: AsyncEngine, person_ids: list[uuid.UUID]) -> None:
    # Fake test data only; the audit rows stay, because the database refuses to delete them.
    async with observer.begin() as conn:
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
    committing_client: tuple[httpx.AsyncClient, AsyncEngine], auth_headers: Headers
) -> None:
    client, observer = committing_client
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
            observer,
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
        await _cleanup(observer, [person_id])


@pytest.mark.concurrency
async def test_two_concurrent_successions_make_one_separate_record__ASM_026(
    committing_client: tuple[httpx.AsyncClient, AsyncEngine], auth_headers: Headers
) -> None:
    client, observer = committing_client
    h = auth_headers(WRITER)
    mp = (await client.post("/v1/people", json=mp_body(), headers=h)).json()
    mp_id = uuid.UUID(mp["id"])
    made: list[uuid.UUID] = [mp_id]
    try:
        successor = {"given_name": "Jo", "family_name": "Placeholder"}
        body = {"successor": successor, "effective_date": "2026-10-30", "reason": "died"}
        responses = await _race(
            observer,
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
        await _cleanup(observer, made)

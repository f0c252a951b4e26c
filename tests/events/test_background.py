"""The relay's background tasks in a running intake-api (issue #15 item 18): each supervised on
its own, so that a crash of one restarts it and the metrics never freeze.

intake-api runs its lifespan for real here, with its relay in process, on a scratch database of
this module; its subscriber does not answer, so every event stays pending.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from intake_api.config import IntakeSettings
from intake_api.main import create_app
from shared.config import SubscriberSettings
from tests.events.conftest import Produce, ScratchDb, wait_until

pytestmark = pytest.mark.concurrency

SUBSCRIBER = "assessment-api"


@pytest.fixture
async def running_intake(producer_db: ScratchDb, dev_keys_dir: Path) -> AsyncIterator[FastAPI]:
    settings = IntakeSettings(
        database_url=producer_db.url,
        ENV="testing",
        dev_keys_dir=dev_keys_dir,
        subscribers={
            SUBSCRIBER: SubscriberSettings(
                # Nothing listens on the discard port: the relay refunds and waits.
                url="http://127.0.0.1:9/internal/events",
                audience="assessment-api",
                event_types=["intake.case.referred"],
            )
        },
        relay_poll_interval_s=0.2,
    )
    app = create_app(settings)
    # Crashes come back after 0.05 s here, not the production half second.
    app.state.background.supervisor.initial_backoff_s = 0.05
    async with app.router.lifespan_context(app):
        yield app


async def _metric(app: FastAPI, name: str, **labels: str) -> float | None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        exposition = (await c.get("/metrics")).text
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in exposition.splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return None


async def _terminate(producer_db: ScratchDb, application_name: str) -> int:
    async with producer_db.engine.connect() as conn:
        killed = await conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = :a"
            ),
            {"a": application_name},
        )
    return int(killed or 0)


async def test_every_background_task_of_the_service_is_supervised(
    running_intake: FastAPI,
) -> None:
    assert running_intake.state.background.names == [
        "idempotency-purge",
        "relay",
        "outbox-gauges",
    ]


async def test_the_outbox_gauges_keep_moving_after_their_task_crashes__issue_15_18(
    running_intake: FastAPI, producer_db: ScratchDb, produce: Produce
) -> None:
    app = running_intake

    async def pending() -> float | None:
        return await _metric(app, "outbox_pending_events", subscriber=SUBSCRIBER)

    async def crashes() -> float:
        value = await _metric(app, "background_task_crashes_total", task="outbox-gauges")
        return value or 0.0

    await wait_until(lambda: _is_number(pending()), within=10)
    before = await pending()
    assert before is not None
    await produce([(uuid.uuid4(), "CAS-0000001"), (uuid.uuid4(), "CAS-0000002")])
    await wait_until(lambda: _equals(pending(), before + 2), within=10)

    # The gauges' connection dies under them: the task crashes and is started again.
    await wait_until(
        lambda: _killed(_terminate(producer_db, "intake-api-outbox-gauges")), within=10
    )
    await wait_until(lambda: _at_least(crashes(), 1), within=10)
    stamp = await _metric(app, "outbox_gauges_updated_timestamp_seconds")
    assert stamp is not None
    await produce([(uuid.uuid4(), "CAS-0000003")])

    await wait_until(lambda: _equals(pending(), before + 3), within=10)
    await wait_until(
        lambda: _at_least(_metric(app, "outbox_gauges_updated_timestamp_seconds"), stamp + 1),
        within=10,
    )
    assert await _metric(app, "outbox_relay_leader") == 1.0, "the relay was not disturbed"


async def test_the_gauges_keep_moving_while_the_relay_keeps_crashing(
    running_intake: FastAPI, produce: Produce, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What killed intake's relay in the soak, and froze its gauges with it.
    app = running_intake

    async def broken_claim(*_args: object) -> list[object]:
        raise asyncpg.InternalClientError("cannot switch to state 15; another operation (2)")

    monkeypatch.setattr(app.state.relay, "_claim", broken_claim)

    async def relay_crashes() -> float | None:
        return await _metric(app, "background_task_crashes_total", task="relay")

    await wait_until(lambda: _at_least(relay_crashes(), 2), within=10)
    before = await _metric(app, "outbox_pending_events", subscriber=SUBSCRIBER)
    assert before is not None
    await produce([(uuid.uuid4(), "CAS-0000004")])

    await wait_until(
        lambda: _equals(_metric(app, "outbox_pending_events", subscriber=SUBSCRIBER), before + 1),
        within=10,
    )


async def _is_number(value: Awaitable[float | None]) -> bool:
    return await value is not None


async def _equals(value: Awaitable[float | None], expected: float) -> bool:
    return await value == expected


async def _at_least(value: Awaitable[float | None], expected: float) -> bool:
    got = await value
    return got is not None and got >= expected


async def _killed(count: Awaitable[int]) -> bool:
    return await count > 0

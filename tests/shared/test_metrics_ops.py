"""``/metrics`` for an operator (issue #14): process and runtime metrics, the database pool,
work queues counted at scrape time within a timeout, and no ``_created`` series."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.clock import Clock
from shared.config import BaseServiceSettings
from shared.http_api.app import create_service_app
from shared.metrics import QueueCounts, WorkQueue


def samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


async def test_process_runtime_and_pool_metrics_and_no_created_series(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/health/live")
    response = await client.get("/metrics")
    assert response.status_code == 200
    names = {name for name, _ in samples(response.text)}
    for expected in (
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
        "python_info",
        "python_gc_collections_total",
        "db_pool_size",
        "db_pool_checked_out",
        "db_pool_idle",
        "db_pool_overflow",
        "http_requests_total",
    ):
        assert expected in names, expected
    assert not [line for line in response.text.splitlines() if "_created" in line]


async def test_pool_gauges_follow_connections_in_use(
    settings: BaseServiceSettings, app: FastAPI
) -> None:
    from shared.db import Database, create_engine

    engine = create_engine(
        settings.database_url.get_secret_value(), application_name="pool-gauges", pool_size=3
    )
    app.state.db = Database.from_engine(engine)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            async with engine.connect() as one, engine.connect() as two:
                await one.execute(text("SELECT 1"))
                await two.execute(text("SELECT 1"))
                busy = samples((await c.get("/metrics")).text)
            idle = samples((await c.get("/metrics")).text)
    finally:
        await engine.dispose()
    assert busy[("db_pool_size", ())] == 3
    assert busy[("db_pool_checked_out", ())] == 2
    assert idle[("db_pool_checked_out", ())] == 0
    # The two, and the one the scrape itself used to count intake's work queues.
    assert idle[("db_pool_idle", ())] == 3
    assert idle[("db_pool_overflow", ())] == 0


def _app_with_queues(
    settings: BaseServiceSettings, app: FastAPI, queues: list[WorkQueue], timeout_s: float
) -> FastAPI:
    bare = settings.model_copy(update={"subscribers": {}, "metrics_queue_timeout_s": timeout_s})
    probe = create_service_app(
        settings=bare, title="probe", version="0", description="", work_queues=queues
    )
    probe.state.db = app.state.db
    probe.state.clock = app.state.clock
    return probe


async def test_a_slow_database_never_hangs_metrics_and_the_last_counts_are_kept(
    settings: BaseServiceSettings, app: FastAPI
) -> None:
    slow = {"on": False}

    async def count(session: AsyncSession, clock: Clock) -> QueueCounts:
        if slow["on"]:
            await session.execute(text("SELECT pg_sleep(5)"))
        value = (await session.execute(text("SELECT 7"))).scalar_one()
        return QueueCounts(size=value, overdue=value - 5)

    probe = _app_with_queues(settings, app, [WorkQueue("probe-queue", count)], timeout_s=0.5)
    transport = httpx.ASGITransport(app=probe)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        first = samples((await c.get("/metrics")).text)
        slow["on"] = True
        started = time.perf_counter()
        response = await c.get("/metrics")
        elapsed = time.perf_counter() - started
    later = samples(response.text)

    queue = (("queue", "probe-queue"),)
    assert first[("work_queue_items", queue)] == 7
    assert first[("work_queue_overdue_items", queue)] == 2
    assert first[("work_queue_count_failures_total", ())] == 0
    updated = first[("work_queue_counts_updated_timestamp_seconds", ())]
    assert abs(updated - time.time()) < 30

    assert response.status_code == 200
    assert elapsed < 2.0, "a slow database held /metrics up"
    assert later[("work_queue_items", queue)] == 7  # kept
    assert later[("work_queue_count_failures_total", ())] == 1
    assert later[("work_queue_counts_updated_timestamp_seconds", ())] == updated


async def test_a_queue_without_a_due_point_has_no_overdue_gauge(
    settings: BaseServiceSettings, app: FastAPI
) -> None:
    async def count(session: AsyncSession, clock: Clock) -> QueueCounts:
        return QueueCounts(size=3)

    probe = _app_with_queues(settings, app, [WorkQueue("tasks", count)], timeout_s=2)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=probe), base_url="http://t"
    ) as c:
        body = samples((await c.get("/metrics")).text)
    assert body[("work_queue_items", (("queue", "tasks"),))] == 3
    assert ("work_queue_overdue_items", (("queue", "tasks"),)) not in body


async def test_concurrent_scrapes_count_once(settings: BaseServiceSettings, app: FastAPI) -> None:
    calls: list[int] = []

    async def count(session: AsyncSession, clock: Clock) -> QueueCounts:
        calls.append(1)
        await asyncio.sleep(0.2)
        return QueueCounts(size=1)

    probe = _app_with_queues(settings, app, [WorkQueue("q", count)], timeout_s=2)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=probe), base_url="http://t"
    ) as c:
        answers: list[Any] = await asyncio.gather(*(c.get("/metrics") for _ in range(3)))
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len(calls) == 1

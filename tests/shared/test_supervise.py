"""Background tasks are supervised: a crash of any kind restarts them, logged and counted."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from prometheus_client import CollectorRegistry

from shared.supervise import Supervisor


def _crashes(registry: CollectorRegistry, task: str) -> float:
    return registry.get_sample_value("background_task_crashes_total", {"task": task}) or 0.0


async def test_a_task_that_crashes_with_anything_is_restarted_and_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = CollectorRegistry()
    supervisor = Supervisor(registry, initial_backoff_s=0.01, max_backoff_s=0.02)
    stop = asyncio.Event()
    runs: list[int] = []
    errors: list[Exception] = [
        # What killed the relay in the soak: not an OSError or a PostgresError.
        asyncpg.InternalClientError("cannot switch to state 15; another operation is in progress"),
        RuntimeError("anything at all"),
    ]

    async def task(stop: asyncio.Event) -> None:
        runs.append(1)
        if errors:
            raise errors.pop(0)
        await stop.wait()

    runner = asyncio.create_task(supervisor.run("relay", task, stop))
    for _ in range(200):
        if len(runs) == 3:
            break
        await asyncio.sleep(0.01)
    assert len(runs) == 3  # two crashes, then a run that lasts
    assert _crashes(registry, "relay") == 2
    assert "background task crashed" in caplog.text
    stop.set()
    await asyncio.wait_for(runner, 1)
    assert _crashes(registry, "relay") == 2


async def test_a_task_that_returns_before_stop_is_restarted() -> None:
    registry = CollectorRegistry()
    supervisor = Supervisor(registry, initial_backoff_s=0.01, max_backoff_s=0.01)
    stop = asyncio.Event()
    runs: list[int] = []

    async def task(stop: asyncio.Event) -> None:
        runs.append(1)
        if len(runs) >= 3:
            await stop.wait()

    runner = asyncio.create_task(supervisor.run("gauges", task, stop))
    for _ in range(200):
        if len(runs) == 3:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(runner, 1)
    assert len(runs) == 3
    assert _crashes(registry, "gauges") == 2


async def test_stop_ends_the_backoff_wait_at_once() -> None:
    supervisor = Supervisor(CollectorRegistry(), initial_backoff_s=60, max_backoff_s=60)
    stop = asyncio.Event()

    async def task(stop: asyncio.Event) -> None:
        raise RuntimeError("crash")

    runner = asyncio.create_task(supervisor.run("purge", task, stop))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(runner, 1)  # not 60 s


async def test_cancellation_is_not_a_crash() -> None:
    registry = CollectorRegistry()
    supervisor = Supervisor(registry)
    stop = asyncio.Event()

    async def task(stop: asyncio.Event) -> None:
        await asyncio.sleep(3600)

    runner = asyncio.create_task(supervisor.run("listener", task, stop))
    await asyncio.sleep(0.01)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    assert _crashes(registry, "listener") == 0

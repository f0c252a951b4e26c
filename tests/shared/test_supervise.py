"""Background tasks are supervised: a crash of any kind restarts them, logged and counted."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import pytest
from prometheus_client import CollectorRegistry

from shared.supervise import BackgroundTasks, Supervisor


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


async def test_the_backoff_starts_again_from_the_bottom_after_a_run_that_lasted() -> None:
    # A relay whose connections are cut once in a while must come back at once each time, not
    # after a backoff that grew with every earlier cut.
    supervisor = Supervisor(
        CollectorRegistry(), initial_backoff_s=0.01, max_backoff_s=5, reset_after_s=0.2
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    starts: list[float] = []

    async def task(stop: asyncio.Event) -> None:
        starts.append(loop.time())
        if len(starts) == 8:
            await asyncio.sleep(0.25)  # a healthy run, longer than reset_after_s
        elif len(starts) > 9:
            await stop.wait()
            return
        raise RuntimeError("connection cut")

    runner = asyncio.create_task(supervisor.run("relay", task, stop))
    for _ in range(600):
        if len(starts) >= 10:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(runner, 6)
    assert len(starts) >= 10
    # Seven quick crashes grew the backoff to 0.64 s; after the long run it is 0.01 s again.
    assert starts[7] - starts[6] >= 0.6
    assert starts[8] - starts[7] < 0.25 + 0.2


async def test_background_tasks_run_supervised_and_stop_together() -> None:
    registry = CollectorRegistry()
    background = BackgroundTasks(Supervisor(registry, initial_backoff_s=0.01, max_backoff_s=0.01))
    crashed_once: list[str] = []
    stopped: list[str] = []

    def make(name: str) -> Callable[[asyncio.Event], Awaitable[None]]:
        async def task(stop: asyncio.Event) -> None:
            if name not in crashed_once:
                crashed_once.append(name)
                raise RuntimeError("first run fails")
            await stop.wait()
            stopped.append(name)

        return task

    background.start("relay", make("relay"))
    background.start("outbox-gauges", make("outbox-gauges"))
    with pytest.raises(ValueError, match="already running"):
        background.start("relay", make("relay"))
    await asyncio.sleep(0.1)
    assert background.names == ["relay", "outbox-gauges"]

    await asyncio.wait_for(background.stop(), 1)

    assert sorted(stopped) == ["outbox-gauges", "relay"]
    assert _crashes(registry, "relay") == 1
    assert _crashes(registry, "outbox-gauges") == 1

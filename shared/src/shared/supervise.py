"""Supervised background tasks: restarted with backoff on any exception, each crash logged and
counted, so that no loop a service depends on (the relay, its gauges, purges, listeners) can die
silently and leave the process serving with the flow stopped.

A crash is anything but cancellation: an unexpected driver state (asyncpg's
``InternalClientError`` after a terminated backend, say) is exactly the case a narrow ``except``
misses. A task that returns while ``stop`` is not set is restarted too.

The backoff doubles from ``initial_backoff_s`` up to ``max_backoff_s`` while a task keeps
crashing, and starts again from the bottom after a run that lasted ``reset_after_s``: a relay
whose connections are cut once a day is back within a second each time, not after the cap.

:class:`BackgroundTasks` runs several supervised tasks on one stop event, for an app's lifespan.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter

logger = logging.getLogger("casework.supervise")

TaskFn = Callable[[asyncio.Event], Awaitable[None]]


class Supervisor:
    """Runs background tasks until ``stop``; counts crashes in ``background_task_crashes_total``."""

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        initial_backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        reset_after_s: float = 30.0,
    ) -> None:
        self.crashes = Counter(
            "background_task_crashes",
            "Background tasks that crashed and were restarted",
            ["task"],
            registry=registry,
        )
        self.initial_backoff_s = initial_backoff_s
        self.max_backoff_s = max_backoff_s
        self.reset_after_s = reset_after_s

    async def run(self, name: str, task: TaskFn, stop: asyncio.Event) -> None:
        """Run ``task(stop)`` until ``stop`` is set, restarting it after every crash."""
        backoff = self.initial_backoff_s
        while not stop.is_set():
            started = time.monotonic()
            try:
                await task(stop)
                if stop.is_set():
                    return
                logger.error("background task returned before stop", extra={"task": name})
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.exception(
                    "background task crashed; restarting",
                    extra={"task": name, "error": type(exc).__name__},
                )
            self.crashes.labels(task=name).inc()
            if time.monotonic() - started >= self.reset_after_s:
                backoff = self.initial_backoff_s
            try:
                await asyncio.wait_for(stop.wait(), backoff)
                return
            except TimeoutError:
                backoff = min(backoff * 2, self.max_backoff_s)


class BackgroundTasks:
    """Supervised tasks sharing one stop event: ``start`` each, ``stop`` them all at the end."""

    def __init__(self, supervisor: Supervisor) -> None:
        self.supervisor = supervisor
        self._stop = asyncio.Event()
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def names(self) -> list[str]:
        """The tasks started, in order."""
        return list(self._tasks)

    def start(self, name: str, task: TaskFn) -> None:
        """Run ``task`` under the supervisor until :meth:`stop`."""
        if name in self._tasks:
            raise ValueError(f"a background task named {name!r} is already running")
        self._tasks[name] = asyncio.create_task(
            self.supervisor.run(name, task, self._stop), name=name
        )

    async def stop(self, timeout_s: float = 10.0) -> None:
        """Ask every task to stop, wait up to ``timeout_s`` in all, then cancel what is left."""
        self._stop.set()
        tasks = list(self._tasks.values())
        self._tasks.clear()
        if not tasks:
            return
        _, lingering = await asyncio.wait(tasks, timeout=timeout_s)
        for task in lingering:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

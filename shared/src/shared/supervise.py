"""Supervised background tasks: restarted with backoff on any exception, each crash logged and
counted, so that no loop a service depends on (the relay, its gauges, purges, listeners) can die
silently and leave the process serving with the flow stopped.

A crash is anything but cancellation: an unexpected driver state (asyncpg's
``InternalClientError`` after a terminated backend, say) is exactly the case a narrow ``except``
misses. A task that returns while ``stop`` is not set is restarted too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter

logger = logging.getLogger("casework.supervise")


class Supervisor:
    """Runs background tasks until ``stop``; counts crashes in ``background_task_crashes_total``."""

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        initial_backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
    ) -> None:
        self.crashes = Counter(
            "background_task_crashes",
            "Background tasks that crashed and were restarted",
            ["task"],
            registry=registry,
        )
        self.initial_backoff_s = initial_backoff_s
        self.max_backoff_s = max_backoff_s

    async def run(
        self, name: str, task: Callable[[asyncio.Event], Awaitable[None]], stop: asyncio.Event
    ) -> None:
        """Run ``task(stop)`` until ``stop`` is set, restarting it after every crash."""
        backoff = self.initial_backoff_s
        while not stop.is_set():
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
            try:
                await asyncio.wait_for(stop.wait(), backoff)
                return
            except TimeoutError:
                backoff = min(backoff * 2, self.max_backoff_s)

"""What ``/metrics`` shows besides the HTTP and outbox series: the process and the runtime, the
database pool, and each work queue's size and overdue count.

- Process and runtime: prometheus_client's process (CPU, memory, open files), platform
  (Python version) and garbage-collector collectors, in the app's own registry.
- Database pool: read from SQLAlchemy's pool at each scrape (``db_pool_*``).
- Work queues: a service registers its queues (:class:`WorkQueue`, passed to
  ``create_service_app(work_queues=...)``); each is counted at scrape time by the queue's own
  query, all of them in one read-only transaction cut off after ``metrics_queue_timeout_s``.
  A scrape that times out or fails keeps the last counts, and
  ``work_queue_counts_updated_timestamp_seconds`` says how old they are: a slow database never
  hangs ``/metrics``.

The ``_created`` series prometheus_client adds to every counter and histogram are switched off:
they double the series and no dashboard reads them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import prometheus_client
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.clock import Clock
from shared.db import Database

logger = logging.getLogger("casework.metrics")

prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]
# The default registry is not served; its collectors would only cost memory.
for _default in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    with contextlib.suppress(KeyError):
        prometheus_client.REGISTRY.unregister(_default)


def add_runtime_collectors(registry: CollectorRegistry) -> None:
    """Process, platform and garbage-collector metrics in ``registry``."""
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)


class PoolCollector(Collector):
    """The database pool as gauges, read from SQLAlchemy's pool at each scrape."""

    def __init__(self, database: Callable[[], Database | None]) -> None:
        self._database = database

    def collect(self) -> Iterator[GaugeMetricFamily]:
        database = self._database()
        pool: Any = getattr(getattr(database, "engine", None), "pool", None)
        if pool is None or not hasattr(pool, "checkedout"):
            return  # no app database yet, or a pool that keeps no count (NullPool)
        values = {
            "db_pool_size": ("Connections the pool keeps open (its configured size)", pool.size()),
            "db_pool_checked_out": ("Connections in use by a request or task", pool.checkedout()),
            "db_pool_idle": ("Open connections waiting in the pool", pool.checkedin()),
            # SQLAlchemy counts overflow from -size up; only a positive value is open overflow.
            "db_pool_overflow": ("Connections open beyond the pool size", max(0, pool.overflow())),
        }
        for name, (documentation, value) in values.items():
            yield GaugeMetricFamily(name, documentation, value=value)


@dataclass(frozen=True)
class QueueCounts:
    """One work queue's items, and how many of them are overdue (None: the queue has no due
    point)."""

    size: int
    overdue: int | None = None


QueueCounter = Callable[[AsyncSession, Clock], Awaitable[QueueCounts]]


@dataclass(frozen=True)
class WorkQueue:
    """A work queue shown on ``/metrics``: its name (the queue's path) and its counter, which
    runs the queue's own query and must be cheap (an index range count)."""

    name: str
    count: QueueCounter


class WorkQueueMetrics:
    """The work-queue gauges of one service, refreshed at each scrape."""

    def __init__(
        self, registry: CollectorRegistry, queues: Sequence[WorkQueue], timeout_s: float
    ) -> None:
        self.queues = tuple(queues)
        self.timeout_s = timeout_s
        self._lock = asyncio.Lock()
        self.size = Gauge(
            "work_queue_items",
            "Open items a work queue tracks, due or not (its clocks or tasks)",
            ["queue"],
            registry=registry,
        )
        self.overdue = Gauge(
            "work_queue_overdue_items",
            "Items of a work queue past their due point (what its overdue list shows)",
            ["queue"],
            registry=registry,
        )
        self.updated = Gauge(
            "work_queue_counts_updated_timestamp_seconds",
            "When the work-queue counts were last read in full (Unix time)",
            registry=registry,
        )
        self.failures = Counter(
            "work_queue_count_failures",
            "Scrapes whose work-queue counts timed out or failed (the last counts were kept)",
            registry=registry,
        )

    async def refresh(self, database: Database | None, clock: Clock) -> None:
        """Count every queue now, within ``timeout_s``; on failure keep the last counts."""
        if not self.queues or database is None:
            return
        if self._lock.locked():
            return  # another scrape is counting: serve the counts it is about to set
        async with self._lock:
            try:
                async with asyncio.timeout(self.timeout_s):
                    counts = await self._count(database, clock)
            except Exception as exc:  # a slow or failing database must not fail the scrape
                self.failures.inc()
                logger.warning(
                    "work-queue counts not refreshed", extra={"error": type(exc).__name__}
                )
                return
        for name, queue_counts in counts.items():
            self.size.labels(name).set(queue_counts.size)
            if queue_counts.overdue is not None:
                self.overdue.labels(name).set(queue_counts.overdue)
        self.updated.set(time.time())

    async def _count(self, database: Database, clock: Clock) -> dict[str, QueueCounts]:
        timeout_ms = max(1, int(self.timeout_s * 1000))
        counts: dict[str, QueueCounts] = {}
        # One transaction, read only; closing the session rolls it back.
        async with database.sessionmaker() as session:
            # The server stops too, not only our wait for it.
            await session.execute(text(f"SET LOCAL statement_timeout = {timeout_ms}"))
            for queue in self.queues:
                counts[queue.name] = await queue.count(session, clock)
        return counts

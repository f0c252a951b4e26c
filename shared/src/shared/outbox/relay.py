"""The outbox relay: delivers committed events to each subscriber's ``POST /internal/events``.

Guarantees (DESIGN §2) and how they are kept:
- **No loss**: delivery rows are written by a trigger in the producer's transaction and deleted
  only after the subscriber acknowledged the event (its inbox row committed).
- **At-least-once, effect once**: a crash between the subscriber's commit and our delete means
  a redelivery, which the subscriber's inbox absorbs.
- **Order per case**: a row is only sent when no earlier event of the same case is still
  undelivered *and* waiting (backoff) or parked for that subscriber; within a batch, events keep
  position order, which within a case is sequence (= commit) order. The subscriber stops a case
  at its first failure in a batch and reports the rest as skipped. With a backlog, two batches
  may be in flight at once; each claim excludes every case of the batches still in flight.
- **Poison events**: every send first commits a lease (``attempts + 1`` and the backoff time),
  so a relay crash still counts the attempt. An event that fails ``max_attempts`` times is
  parked; it blocks later events of its own case for that subscriber only, until replayed.
  When a whole batch fails because the subscriber is down, the attempts are refunded: an
  outage is not a poison event. Down means the subscriber answered 503 (it says it cannot
  serve now, say its database is failing), or, after a connection error, timeout or other 5xx,
  its ``/health/ready`` does not answer 200 (dead, or alive with a failing database). Nor is a
  429 a failure: the relay refunds and waits as long as ``Retry-After`` asks (as for a 503).
  A batch bigger than ``max_batch_bytes`` is cut, and the events left out go back uncounted.
- **One active relay per service**: a session-level advisory lock on a dedicated connection.
  A standby polls for it and takes over within about a second of the leader's death.
- **Low latency**: LISTEN/NOTIFY wakes the subscriber loops; polling is the fallback.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from shared.clients import ServiceTokenProvider
from shared.migrations import OUTBOX_CHANNEL

logger = logging.getLogger("casework.relay")


@dataclass(frozen=True)
class Subscriber:
    """One subscriber of a service's events."""

    name: str
    url: str
    audience: str
    event_types: tuple[str, ...]

    @property
    def ready_url(self) -> str:
        """Readiness, not liveness: a subscriber whose database fails is alive but cannot take
        events, and must not have attempts counted against them."""
        base = self.url.split("/internal/", 1)[0]
        return f"{base}/health/ready"


class RelayMetrics:
    """Prometheus metrics of the relay, in the given registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.pending = Gauge(
            "outbox_pending_events",
            "Events waiting for delivery",
            ["subscriber"],
            registry=registry,
        )
        self.oldest_pending_age = Gauge(
            "outbox_oldest_pending_age_seconds",
            "Age of the oldest pending event",
            ["subscriber"],
            registry=registry,
        )
        self.parked = Gauge(
            "outbox_parked_events", "Events parked now", ["subscriber"], registry=registry
        )
        self.delivered_total = Counter(
            "outbox_delivered_total", "Events delivered", ["subscriber"], registry=registry
        )
        self.parked_total = Counter(
            "outbox_parked_total", "Events parked after too many attempts", ["subscriber"],
            registry=registry,
        )  # fmt: skip
        self.failed_attempts_total = Counter(
            "outbox_failed_attempts_total", "Failed delivery attempts", ["subscriber"],
            registry=registry,
        )  # fmt: skip
        self.latency = Histogram(
            "outbox_delivery_latency_seconds",
            "From the event's occurrence to the subscriber's acknowledgement",
            ["subscriber"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
            registry=registry,
        )
        self.leader = Gauge(
            "outbox_relay_leader", "1 while this process is the active relay", registry=registry
        )
        self.gauges_updated = Gauge(
            "outbox_gauges_updated_timestamp_seconds",
            "When the outbox gauges were last read from the database (Unix time); "
            "alert when it falls behind",
            registry=registry,
        )


def relay_lock_key(service: str) -> int:
    """The advisory-lock key of a service's relay."""
    digest = hashlib.blake2b(f"outbox-relay:{service}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


# The ordering guard is a per-row probe of ix_outbox_delivery_case (earlier events of the same
# case that are parked or waiting). ``OFFSET 0`` keeps PostgreSQL from flattening NOT EXISTS into
# an anti-join, which it plans as a sequential scan of every delivery row on every claim (17 ms
# per claim at a 100k backlog, against 1.6 ms for the probes; see `make bench-events`).
# $5 lists the cases of the batch still in flight while the next one is claimed: none of their
# events may overtake it, whatever its lease says.
_CLAIM = """
WITH batch AS (
    SELECT d.subscriber, d.event_position
    FROM outbox_delivery d
    WHERE d.subscriber = $1 AND d.status = 'pending' AND d.next_attempt_at <= now()
      AND d.case_id <> ALL($5::uuid[])
      AND NOT EXISTS (
        SELECT 1 FROM outbox_delivery e
        WHERE e.subscriber = d.subscriber AND e.case_id = d.case_id AND e.sequence < d.sequence
          AND (e.status = 'parked' OR e.next_attempt_at > now())
        OFFSET 0
      )
    ORDER BY d.event_position
    LIMIT $2
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE outbox_delivery d
SET attempts = d.attempts + 1,
    next_attempt_at = now() + make_interval(
        secs => least($3::float8, $4::float8 * power(2, d.attempts)) * (0.5 + random()))
FROM batch, outbox_event ev
WHERE d.subscriber = batch.subscriber AND d.event_position = batch.event_position
  AND ev.position = d.event_position
RETURNING d.event_position, d.attempts, ev.id, ev.type, ev.version, ev.occurred_at, ev.source,
          ev.case_id, ev.sequence, ev.correlation_id, ev.actor, ev.payload::text AS payload
"""

_DELIVERED = "DELETE FROM outbox_delivery WHERE subscriber = $1 AND event_position = ANY($2)"
_REFUND = """
UPDATE outbox_delivery SET attempts = greatest(attempts - 1, 0), next_attempt_at = $3
WHERE subscriber = $1 AND event_position = ANY($2)
"""
_FAILED = """
UPDATE outbox_delivery
SET last_error = $3,
    status = CASE WHEN attempts >= $4 THEN 'parked' ELSE status END,
    parked_at = CASE WHEN attempts >= $4 THEN now() ELSE parked_at END
WHERE subscriber = $1 AND event_position = ANY($2)
RETURNING status
"""
_GAUGES = """
SELECT s.subscriber,
       count(*) FILTER (WHERE d.status = 'pending') AS pending,
       count(*) FILTER (WHERE d.status = 'parked') AS parked,
       coalesce(extract(epoch FROM
         now() - min(d.created_at) FILTER (WHERE d.status = 'pending')), 0) AS oldest
FROM (SELECT unnest($1::text[]) AS subscriber) s
LEFT JOIN outbox_delivery d ON d.subscriber = s.subscriber
GROUP BY s.subscriber
"""


async def sync_subscriptions(conn: asyncpg.Connection, subscribers: list[Subscriber]) -> None:
    """Make ``outbox_subscription`` match the configuration (used by the fan-out trigger)."""
    pairs = sorted({(s.name, t) for s in subscribers for t in s.event_types})
    async with conn.transaction():
        await conn.execute("LOCK TABLE outbox_subscription IN SHARE ROW EXCLUSIVE MODE")
        existing = {
            (r["subscriber"], r["event_type"])
            for r in await conn.fetch("SELECT subscriber, event_type FROM outbox_subscription")
        }
        for sub, typ in existing - set(pairs):
            await conn.execute(
                "DELETE FROM outbox_subscription WHERE subscriber = $1 AND event_type = $2",
                sub,
                typ,
            )
        for sub, typ in set(pairs) - existing:
            await conn.execute(
                "INSERT INTO outbox_subscription (subscriber, event_type) VALUES ($1, $2) "
                "ON CONFLICT DO NOTHING",
                sub,
                typ,
            )


@dataclass
class RelayConfig:
    service: str
    dsn: str
    subscribers: list[Subscriber]
    max_attempts: int = 10
    batch_size: int = 200
    poll_interval_s: float = 1.0
    request_timeout_s: float = 10.0
    backoff_base_s: float = 0.5
    backoff_max_s: float = 300.0
    standby_interval_s: float = 0.5
    # Below the subscribers' default request body limit (256 KiB): a bigger batch is cut, and
    # the events left out go back at once without an attempt counted.
    max_batch_bytes: int = 192 * 1024
    # With a backlog, batches in flight at once (never two with events of the same case).
    max_in_flight: int = 2
    # The outbox gauges: read every gauge_interval_s, each query cut off after gauge_timeout_s.
    gauge_interval_s: float = 2.0
    gauge_timeout_s: float = 2.0


@dataclass
class _Outcome:
    delivered: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    refunded: list[int] = field(default_factory=list)
    error: str = ""
    retry_after_s: float = 0.0


@dataclass
class _Batch:
    """Claimed rows, the prefix of them that fits in one request, and its JSON body."""

    claimed: list[asyncpg.Record]
    sent: list[asyncpg.Record]
    body: bytes

    @property
    def unsent(self) -> list[int]:
        return [r["event_position"] for r in self.claimed[len(self.sent) :]]

    @property
    def case_ids(self) -> list[Any]:
        return list({r["case_id"] for r in self.claimed})


class Relay:
    """Runs until ``stop`` is set: waits for leadership, then delivers for every subscriber.

    ``run`` and ``run_gauges`` are two background tasks, each run under a supervisor
    (``shared.supervise``): the gauges do not depend on the delivery loop, so they keep moving
    whatever happens to it, in the leader and in the standbys alike.
    """

    def __init__(
        self,
        config: RelayConfig,
        *,
        tokens: ServiceTokenProvider,
        metrics: RelayMetrics,
        transport_factory: Callable[[], httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self.config = config
        self.tokens = tokens
        self.metrics = metrics
        self.transport_factory = transport_factory
        self.is_leader = False
        self._wake: dict[str, asyncio.Event] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Leadership loop; survives database restarts and reconnects."""
        failures = 0
        while not stop.is_set():
            try:
                await self._lead_once(stop)
                failures = 0
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                # A leader that loses its connection tries again at once (the first backoff);
                # only failures to get going again back off further.
                failures = 1 if self.is_leader else failures + 1
                logger.warning(
                    "relay lost its database connection", extra={"error": type(exc).__name__}
                )
            finally:
                self.is_leader = False
                self.metrics.leader.set(0)
            if not stop.is_set():
                await _sleep_or_stop(stop, min(5.0, self.config.standby_interval_s * 2**failures))

    async def _lead_once(self, stop: asyncio.Event) -> None:
        named = {"application_name": f"{self.config.service}-relay"}
        lock_conn = await asyncpg.connect(self.config.dsn, timeout=5, server_settings=named)
        try:
            key = relay_lock_key(self.config.service)
            while not await lock_conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
                if await _sleep_or_stop(stop, self.config.standby_interval_s):
                    return
            self.is_leader = True
            self.metrics.leader.set(1)
            logger.info("relay is active", extra={"service": self.config.service})
            await sync_subscriptions(lock_conn, self.config.subscribers)
            self._wake = {s.name: asyncio.Event() for s in self.config.subscribers}
            await lock_conn.add_listener(OUTBOX_CHANNEL, self._on_notify)
            pool = await asyncpg.create_pool(
                self.config.dsn,
                min_size=1,
                max_size=2 * len(self.config.subscribers) + 1,
                server_settings=named,
            )
            try:
                await self._deliver_until_stopped(stop, lock_conn, pool)
            finally:
                await pool.close()
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(lock_conn.close(), 2)
            lock_conn.terminate()

    def _on_notify(self, *_args: Any) -> None:
        for event in self._wake.values():
            event.set()

    async def _deliver_until_stopped(
        self, stop: asyncio.Event, lock_conn: asyncpg.Connection, pool: asyncpg.Pool
    ) -> None:
        tasks = [
            asyncio.create_task(self._subscriber_loop(sub, pool, stop))
            for sub in self.config.subscribers
        ]
        tasks.append(asyncio.create_task(self._watch_lock(lock_conn, stop)))
        stopper = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                error = None if task is stopper else task.exception()
                if error is not None:
                    raise error
        finally:
            for task in [*tasks, stopper]:
                task.cancel()
            await asyncio.gather(*tasks, stopper, return_exceptions=True)

    async def _watch_lock(self, lock_conn: asyncpg.Connection, stop: asyncio.Event) -> None:
        # If the lock's connection dies, another relay may take over: stop delivering at once.
        while not stop.is_set():
            await asyncio.wait_for(lock_conn.fetchval("SELECT 1"), 2)
            await _sleep_or_stop(stop, 0.5)

    async def run_gauges(self, stop: asyncio.Event) -> None:
        """Read the outbox gauges every ``gauge_interval_s`` on a connection of its own.

        Any error ends it; run it supervised, which restarts it. Between a crash and the
        restart the gauges keep their last values, and ``outbox_gauges_updated_timestamp_seconds``
        shows how old they are.
        """
        cfg = self.config
        names = [s.name for s in cfg.subscribers]
        conn = await asyncpg.connect(
            cfg.dsn,
            timeout=cfg.gauge_timeout_s,
            server_settings={"application_name": f"{cfg.service}-outbox-gauges"},
        )
        try:
            while not stop.is_set():
                rows = await conn.fetch(_GAUGES, names, timeout=cfg.gauge_timeout_s)
                for row in rows:
                    sub = row["subscriber"]
                    self.metrics.pending.labels(sub).set(row["pending"])
                    self.metrics.parked.labels(sub).set(row["parked"])
                    self.metrics.oldest_pending_age.labels(sub).set(float(row["oldest"]))
                self.metrics.gauges_updated.set_to_current_time()
                await _sleep_or_stop(stop, cfg.gauge_interval_s)
        finally:
            conn.terminate()

    async def _subscriber_loop(
        self, sub: Subscriber, pool: asyncpg.Pool, stop: asyncio.Event
    ) -> None:
        """Claim, send and settle batches; with a backlog, up to ``max_in_flight`` at once.

        Claims are serialised and each excludes the cases of every batch still in flight, so
        two batches never hold events of one case and order per case does not depend on how
        long a request takes. Outcomes are settled in claim order.
        """
        wake = self._wake[sub.name]
        transport = self.transport_factory() if self.transport_factory else None
        timeout = httpx.Timeout(self.config.request_timeout_s, connect=2.0)
        in_flight: collections.deque[tuple[_Batch, asyncio.Task[_Outcome]]] = collections.deque()
        async with httpx.AsyncClient(timeout=timeout, transport=transport) as http:
            try:
                outage_backoff = 0.0
                isolate = False  # after an unexplained batch failure, send one event at a time
                while not stop.is_set():
                    limit = 1 if isolate else self.config.batch_size
                    window = 1 if isolate else max(1, self.config.max_in_flight)
                    while len(in_flight) < window:
                        if not in_flight:
                            wake.clear()
                        exclude = [c for b, _ in in_flight for c in b.case_ids]
                        batch = await self._next_batch(pool, sub, limit, exclude)
                        if batch is None:
                            break
                        send = asyncio.create_task(self._send(http, sub, batch))
                        in_flight.append((batch, send))
                        if len(batch.claimed) < limit:
                            break  # no backlog: nothing to overlap
                    if not in_flight:
                        await _wait_any(wake, stop, self.config.poll_interval_s)
                        continue
                    batch, send = in_flight.popleft()
                    outcome = await send
                    await self._settle(pool, sub, batch.claimed, outcome)
                    if outcome.refunded and not outcome.delivered and not outcome.failed:
                        # The subscriber is down or pushing back: let the rest come back too.
                        await self._settle_all(pool, sub, in_flight)
                        outage_backoff = min(5.0, max(0.1, outage_backoff * 2))
                        pause = max(outage_backoff, outcome.retry_after_s)
                        await _wait_any(asyncio.Event(), stop, pause)
                        continue
                    outage_backoff = 0.0
                    isolate = (
                        bool(outcome.failed) and not outcome.delivered and len(batch.claimed) > 1
                    )
                    if isolate:
                        await self._settle_all(pool, sub, in_flight)
                    if not in_flight and len(batch.claimed) < limit and not outcome.failed:
                        await _wait_any(wake, stop, 0)  # yield; loop again only if woken or due
            finally:
                # Requests still out are abandoned; their rows stay leased, as after a crash.
                for _, send in in_flight:
                    send.cancel()
                await asyncio.gather(*(t for _, t in in_flight), return_exceptions=True)

    async def _settle_all(
        self,
        pool: asyncpg.Pool,
        sub: Subscriber,
        in_flight: collections.deque[tuple[_Batch, asyncio.Task[_Outcome]]],
    ) -> None:
        while in_flight:
            batch, send = in_flight.popleft()
            await self._settle(pool, sub, batch.claimed, await send)

    async def _next_batch(
        self, pool: asyncpg.Pool, sub: Subscriber, limit: int, exclude: list[Any]
    ) -> _Batch | None:
        claimed = await self._claim(pool, sub, limit, exclude)
        return self._encode(claimed) if claimed else None

    async def _claim(
        self, pool: asyncpg.Pool, sub: Subscriber, limit: int, exclude: list[Any]
    ) -> list[asyncpg.Record]:
        cfg = self.config
        async with pool.acquire() as conn:
            rows = await conn.fetch(
                _CLAIM, sub.name, limit, cfg.backoff_max_s, cfg.backoff_base_s, exclude
            )
        return sorted(rows, key=lambda r: r["event_position"])

    def _encode(self, claimed: list[asyncpg.Record]) -> _Batch:
        """The request body: as many events, in order, as fit in ``max_batch_bytes`` (>= 1)."""
        parts: list[bytes] = []
        size = len(b'{"events":[]}')
        for r in claimed:
            part = _envelope_json(r).encode()
            if parts and size + len(part) + 1 > self.config.max_batch_bytes:
                break
            parts.append(part)
            size += len(part) + 1
        body = b'{"events":[' + b",".join(parts) + b"]}"
        return _Batch(claimed=claimed, sent=claimed[: len(parts)], body=body)

    async def _send(self, http: httpx.AsyncClient, sub: Subscriber, batch: _Batch) -> _Outcome:
        outcome = await self._post(http, sub, batch)
        # Events cut from an oversized batch were never sent: they go again, uncounted.
        outcome.refunded.extend(batch.unsent)
        return outcome

    async def _post(self, http: httpx.AsyncClient, sub: Subscriber, batch: _Batch) -> _Outcome:
        by_id = {str(r["id"]): r["event_position"] for r in batch.sent}
        positions = [r["event_position"] for r in batch.sent]
        outcome = _Outcome()
        try:
            token = await self.tokens.token_for(sub.audience)
            response = await http.post(
                sub.url,
                content=batch.body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
        except httpx.HTTPError as exc:
            outcome.error = f"{type(exc).__name__} delivering to {sub.name}"
            return await self._whole_batch_failed(http, sub, positions, outcome)
        if response.status_code == 200:
            try:
                results = response.json()["results"]
            except (ValueError, KeyError, TypeError):
                outcome.error = "malformed response from subscriber"
                outcome.failed = positions
                return outcome
            for result in results:
                pos = by_id.get(str(result.get("id")))
                if pos is None:
                    continue
                status = result.get("status")
                if status in ("processed", "duplicate"):
                    outcome.delivered.append(pos)
                elif status == "skipped":
                    outcome.refunded.append(pos)
                else:
                    outcome.failed.append(pos)
                    outcome.error = str(result.get("detail") or "handler failed")[:500]
            answered = set(outcome.delivered) | set(outcome.refunded) | set(outcome.failed)
            outcome.failed.extend(p for p in positions if p not in answered)
            return outcome
        if response.status_code in (429, 503):
            # Back-pressure (429) or a subscriber that cannot serve now (503: its database is
            # failing or saturated), not a poison event: no attempt counted; wait as asked.
            outcome.refunded = positions
            outcome.retry_after_s = _retry_after_s(response)
            logger.warning(
                "subscriber rate-limited the relay"
                if response.status_code == 429
                else "subscriber is unavailable",
                extra={"subscriber": sub.name, "retry_after_s": outcome.retry_after_s},
            )
            return outcome
        if response.status_code == 422:
            invalid = _invalid_ids(response)
            if invalid:
                outcome.failed = [by_id[i] for i in invalid if i in by_id]
                outcome.refunded = [p for p in positions if p not in outcome.failed]
                outcome.error = "subscriber rejected the event contract (422)"
                return outcome
        outcome.error = f"subscriber answered {response.status_code}"
        if response.status_code >= 500:
            return await self._whole_batch_failed(http, sub, positions, outcome)
        outcome.failed = positions
        return outcome

    async def _whole_batch_failed(
        self, http: httpx.AsyncClient, sub: Subscriber, positions: list[int], outcome: _Outcome
    ) -> _Outcome:
        # The attempt counts only if the subscriber is ready: dead, or alive with a failing
        # database (its readiness answers 503), it is down and the attempts are refunded.
        try:
            ready = (await http.get(sub.ready_url, timeout=2.0)).status_code == 200
        except httpx.HTTPError:
            ready = False
        if ready:
            outcome.failed = positions
        else:
            outcome.refunded = positions
        return outcome

    async def _settle(
        self, pool: asyncpg.Pool, sub: Subscriber, claimed: list[asyncpg.Record], outcome: _Outcome
    ) -> None:
        now_wall = time.time()
        async with pool.acquire() as conn, conn.transaction():
            if outcome.delivered:
                await conn.execute(_DELIVERED, sub.name, outcome.delivered)
            if outcome.refunded:
                await conn.execute(
                    _REFUND, sub.name, outcome.refunded, _refund_time(bool(outcome.delivered))
                )
            parked = 0
            if outcome.failed:
                rows = await conn.fetch(
                    _FAILED, sub.name, outcome.failed, outcome.error, self.config.max_attempts
                )
                parked = sum(1 for r in rows if r["status"] == "parked")
        if outcome.delivered:
            self.metrics.delivered_total.labels(sub.name).inc(len(outcome.delivered))
            delivered = set(outcome.delivered)
            for r in claimed:
                if r["event_position"] in delivered:
                    self.metrics.latency.labels(sub.name).observe(
                        max(0.0, now_wall - r["occurred_at"].timestamp())
                    )
        if outcome.failed:
            self.metrics.failed_attempts_total.labels(sub.name).inc(len(outcome.failed))
            logger.warning(
                "delivery failed",
                extra={
                    "subscriber": sub.name,
                    "events": len(outcome.failed),
                    "error": outcome.error,
                },
            )
        if parked:
            self.metrics.parked_total.labels(sub.name).inc(parked)
            logger.error("events parked", extra={"subscriber": sub.name, "events": parked})


def _refund_time(progress: bool) -> Any:
    from datetime import UTC, datetime, timedelta

    # Skipped events of a batch that made progress go again at once; an outage waits a little.
    return datetime.now(UTC) + (timedelta(0) if progress else timedelta(milliseconds=200))


def _envelope_json(r: asyncpg.Record) -> str:
    import json

    head = {
        "id": str(r["id"]),
        "type": r["type"],
        "version": r["version"],
        "occurred_at": r["occurred_at"].isoformat(),
        "source": r["source"],
        "case_id": str(r["case_id"]),
        "sequence": r["sequence"],
        "correlation_id": r["correlation_id"],
        "actor": r["actor"],
    }
    payload: str = r["payload"]
    return json.dumps(head)[:-1] + ',"payload":' + payload + "}"


def _retry_after_s(response: httpx.Response, default: float = 1.0, cap: float = 60.0) -> float:
    try:
        return min(cap, max(0.0, float(response.headers.get("Retry-After", default))))
    except ValueError:  # an HTTP date: not worth parsing for a back-off hint
        return default


def _invalid_ids(response: httpx.Response) -> list[str]:
    try:
        ids = response.json().get("invalid_event_ids", [])
    except (ValueError, AttributeError):
        return []
    return [str(i) for i in ids] if isinstance(ids, list) else []


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``; True if ``stop`` was set meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


async def _wait_any(wake: asyncio.Event, stop: asyncio.Event, seconds: float) -> None:
    if seconds <= 0:
        await asyncio.sleep(0)
        return
    waiters = [asyncio.create_task(wake.wait()), asyncio.create_task(stop.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()

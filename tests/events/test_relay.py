"""The relay against real PostgreSQL and a real subscriber app (assessment-api over ASGI).

These commit for real into scratch databases of their own.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy import text

from assessment_api.allocations.router import router as allocations_router
from assessment_api.config import AssessmentSettings
from shared.clients import DevServiceTokenProvider
from shared.config import DEV_ISSUER
from shared.db import Database, create_engine, with_database
from shared.http_api.app import create_service_app
from shared.outbox.relay import Relay, RelayConfig, RelayMetrics, Subscriber, sync_subscriptions
from shared.outbox.runtime import plain_dsn
from tests.events.conftest import Produce, ScratchDb, poison_aware_handlers, scalar, wait_until

pytestmark = pytest.mark.concurrency

SUBSCRIBER = Subscriber(
    name="assessment-api",
    url="http://assessment/internal/events",
    audience="assessment-api",
    event_types=("intake.case.referred",),
)


@dataclass
class FaultyTransport(httpx.AsyncBaseTransport):
    """Forwards to the real app, unless told to fail; counts what it saw."""

    inner: httpx.AsyncBaseTransport
    app: FastAPI
    mode: str = "ok"  # ok | 500 | 503 | 429 | timeout | down
    poison_reference: str | None = None
    batches: list[list[dict[str, Any]]] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        is_health = request.url.path.startswith("/health")
        if self.mode == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if not is_health:
            body = __import__("json").loads(await request.aread())
            self.batches.append(body["events"])
            if self.mode in ("500", "503"):
                return httpx.Response(int(self.mode), request=request)
            if self.mode == "429":
                return httpx.Response(429, headers={"Retry-After": "0"}, request=request)
            if self.mode == "timeout":
                raise httpx.ReadTimeout("timed out", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def subscriber_transport(consumer_db: ScratchDb, dev_keys_dir: Path) -> FaultyTransport:
    settings = AssessmentSettings(
        database_url=consumer_db.url, ENV="testing", dev_keys_dir=dev_keys_dir
    )
    app = create_service_app(
        settings=settings,
        title="assessment-api",
        version="test",
        description="assessment-api with a handler that refuses poison events",
        routers=(allocations_router,),
        event_handlers=poison_aware_handlers(),
        configure_logs=False,
    )
    app.state.db = consumer_db.database
    inner = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return FaultyTransport(inner, app)


RunRelay = Callable[..., Any]


@pytest.fixture
async def run_relay(
    producer_db: ScratchDb, dev_keys_dir: Path, subscriber_transport: FaultyTransport
) -> AsyncIterator[RunRelay]:
    dsn = plain_dsn(producer_db.url)
    conn = await asyncpg.connect(dsn)
    await sync_subscriptions(conn, [SUBSCRIBER])
    await conn.close()
    started: list[tuple[asyncio.Task[None], asyncio.Event]] = []

    def _run(**overrides: Any) -> Relay:
        config = RelayConfig(
            service=f"relay-test-{uuid.uuid4().hex[:6]}",
            dsn=dsn,
            subscribers=[SUBSCRIBER],
            max_attempts=overrides.pop("max_attempts", 3),
            batch_size=overrides.pop("batch_size", 50),
            poll_interval_s=0.1,
            backoff_base_s=overrides.pop("backoff_base_s", 0.02),
            backoff_max_s=overrides.pop("backoff_max_s", 5.0),
            standby_interval_s=0.05,
            max_batch_bytes=overrides.pop("max_batch_bytes", 192 * 1024),
        )
        relay = Relay(
            config,
            tokens=DevServiceTokenProvider(
                keys_dir=dev_keys_dir,
                issuer=DEV_ISSUER,
                subject=overrides.pop("subject", "intake-api"),
            ),
            metrics=RelayMetrics(CollectorRegistry()),
            transport_factory=lambda: subscriber_transport,
        )
        stop = asyncio.Event()
        started.append((asyncio.create_task(relay.run(stop)), stop))
        return relay

    yield _run
    for task, stop in started:
        stop.set()
        await asyncio.wait_for(task, 10)


async def _queued(consumer: ScratchDb, reference: str) -> int:
    return int(
        await scalar(
            consumer.engine,
            "SELECT count(*) FROM allocation_queue_entry WHERE reference = :r",
            r=reference,
        )
    )


async def _delivery(producer: ScratchDb, event_id: uuid.UUID) -> dict[str, Any] | None:
    async with producer.engine.connect() as conn:
        row = (
            (
                await conn.execute(
                    text(
                        "SELECT d.status, d.attempts, d.next_attempt_at > now() AS waiting, "
                        "d.last_error FROM outbox_delivery d "
                        "JOIN outbox_event e ON e.position = d.event_position WHERE e.id = :id"
                    ),
                    {"id": event_id},
                )
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


async def test_relay_delivers_a_batch(
    run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb, producer_db: ScratchDb,
    subscriber_transport: FaultyTransport,
) -> None:  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    items = [(uuid.uuid4(), f"B-{tag}") for _ in range(30)]
    ids = await produce(items)
    run_relay()

    async def all_there() -> bool:
        return await _queued(consumer_db, f"B-{tag}") == 30

    await wait_until(all_there)

    async def acknowledged() -> bool:  # delivered rows are removed once the subscriber answered
        return all([await _delivery(producer_db, event_id) is None for event_id in ids])

    await wait_until(acknowledged)
    sizes = [len(b) for b in subscriber_transport.batches]
    assert max(sizes) > 1, "events should travel in batches"


@pytest.mark.parametrize("mode", ["500", "timeout"])
async def test_500_and_timeouts_back_off_and_count_attempts(
    mode: str, run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb,
    producer_db: ScratchDb, subscriber_transport: FaultyTransport,
) -> None:  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    subscriber_transport.mode = mode
    [event_id] = await produce([(uuid.uuid4(), f"F-{tag}")])
    run_relay(max_attempts=50, backoff_base_s=2.0)

    async def attempted() -> bool:
        row = await _delivery(producer_db, event_id)
        return row is not None and row["attempts"] >= 1 and row["last_error"] is not None

    await wait_until(attempted)
    row = await _delivery(producer_db, event_id)
    assert row is not None
    assert row["status"] == "pending"
    assert row["waiting"], "a failed attempt must push next_attempt_at into the future"
    assert row["last_error"]
    seen = len(subscriber_transport.batches)
    await asyncio.sleep(0.15)
    assert len(subscriber_transport.batches) <= seen + 1, "no hot retry loop while backing off"

    subscriber_transport.mode = "ok"

    async def delivered() -> bool:
        return await _queued(consumer_db, f"F-{tag}") == 1

    await wait_until(delivered)


async def test_poison_event_is_parked_and_other_cases_keep_flowing(
    run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb, producer_db: ScratchDb,
) -> None:  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    poison_case = uuid.uuid4()
    # The contract is valid but the consumer's handler cannot apply it.
    from shared.outbox.emit import emit
    from tests.events.conftest import referred

    async with producer_db.database.sessionmaker() as session, session.begin():
        poison = await emit(
            session, referred(f"P-{tag}"), case_id=poison_case,
            actor=None,
        )  # fmt: skip
        held = await emit(session, referred(f"H-{tag}"), case_id=poison_case, actor=None)
    others = await produce([(uuid.uuid4(), f"O-{tag}") for _ in range(5)])
    run_relay(max_attempts=3)

    async def parked() -> bool:
        row = await _delivery(producer_db, poison.id)
        return row is not None and row["status"] == "parked"

    await wait_until(parked)
    assert await _queued(consumer_db, f"O-{tag}") == 5
    # Order per case: the poison event holds back the later event of its own case.
    held_row = await _delivery(producer_db, held.id)
    assert held_row is not None
    assert held_row["status"] == "pending"
    assert await _queued(consumer_db, f"H-{tag}") == 0
    assert len(others) == 5


async def test_subscriber_outage_does_not_count_attempts(
    run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb, producer_db: ScratchDb,
    subscriber_transport: FaultyTransport,
) -> None:  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    subscriber_transport.mode = "down"
    [event_id] = await produce([(uuid.uuid4(), f"D-{tag}")])
    run_relay(max_attempts=2)
    await asyncio.sleep(1.0)  # several tries against the outage, each refunded

    # A try in flight holds its lease's attempt until it is refunded: read a settled row. Had
    # the outage counted, two tries would have parked the event and this would never hold.
    async def refunded() -> bool:
        row = await _delivery(producer_db, event_id)
        assert row is not None
        assert row["status"] == "pending", "an outage is not a poison event"
        return bool(row["attempts"] == 0)

    await wait_until(refunded)
    subscriber_transport.mode = "ok"

    async def delivered() -> bool:
        return await _queued(consumer_db, f"D-{tag}") == 1

    await wait_until(delivered)


async def test_a_duplicate_delivery_does_nothing(
    run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb, producer_db: ScratchDb,
) -> None:  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    [event_id] = await produce([(uuid.uuid4(), f"U-{tag}")])
    run_relay()

    async def delivered() -> bool:
        return await _queued(consumer_db, f"U-{tag}") == 1

    await wait_until(delivered)

    async def acknowledged() -> bool:
        return await _delivery(producer_db, event_id) is None

    await wait_until(acknowledged)
    # Simulate a relay that crashed after the subscriber committed but before it deleted the
    # delivery row: put the row back and let the relay send the event again.
    async with producer_db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO outbox_delivery (subscriber, event_position, case_id, sequence) "
                "SELECT 'assessment-api', position, case_id, sequence "
                "FROM outbox_event WHERE id = :id"
            ),
            {"id": event_id},
        )

    async def redelivered() -> bool:
        return await _delivery(producer_db, event_id) is None

    await wait_until(redelivered)
    assert await _queued(consumer_db, f"U-{tag}") == 1
    inbox = await scalar(
        consumer_db.engine, "SELECT count(*) FROM inbox_event WHERE event_id = :id", id=event_id
    )
    assert inbox == 1


async def test_only_one_relay_is_active_and_a_standby_takes_over(
    producer_db: ScratchDb, dev_keys_dir: Path
) -> None:
    dsn = plain_dsn(producer_db.url)
    config = RelayConfig(
        service="relay-lock-test", dsn=dsn, subscribers=[SUBSCRIBER], standby_interval_s=0.05,
        poll_interval_s=0.1,
    )  # fmt: skip
    tokens = DevServiceTokenProvider(keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="t")

    def transport() -> httpx.AsyncBaseTransport:
        return httpx.MockTransport(lambda r: httpx.Response(200, json={"results": []}))

    a = Relay(
        config,
        tokens=tokens,
        metrics=RelayMetrics(CollectorRegistry()),
        transport_factory=transport,
    )
    b = Relay(
        config,
        tokens=tokens,
        metrics=RelayMetrics(CollectorRegistry()),
        transport_factory=transport,
    )
    stop_a, stop_b = asyncio.Event(), asyncio.Event()
    task_a = asyncio.create_task(a.run(stop_a))

    async def a_leads() -> bool:
        return a.is_leader

    await wait_until(a_leads)
    task_b = asyncio.create_task(b.run(stop_b))
    await asyncio.sleep(0.5)
    assert a.is_leader
    assert not b.is_leader
    stop_a.set()
    await asyncio.wait_for(task_a, 10)

    async def b_leads() -> bool:
        return b.is_leader

    await wait_until(b_leads, within=5)
    stop_b.set()
    await asyncio.wait_for(task_b, 10)


async def test_a_429_is_back_pressure_not_a_failed_attempt(
    run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb, producer_db: ScratchDb,
    subscriber_transport: FaultyTransport,
) -> None:  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    subscriber_transport.mode = "429"
    [event_id] = await produce([(uuid.uuid4(), f"R-{tag}")])
    run_relay(max_attempts=2)

    async def throttled_a_few_times() -> bool:
        return len(subscriber_transport.batches) >= 3

    await wait_until(throttled_a_few_times)

    # Each send leases the row (attempts + 1) and the 429 refunds it, so a look during a send
    # sees 1: wait for a moment between two sends. Counted attempts would never come back to 0,
    # and with max_attempts=2 the event would be parked by now.
    async def at_rest() -> bool:
        row = await _delivery(producer_db, event_id)
        assert row is not None
        assert row["status"] == "pending", "rate limiting must never park an event"
        return bool(row["attempts"] == 0)

    await wait_until(at_rest)
    subscriber_transport.mode = "ok"

    async def delivered() -> bool:
        return await _queued(consumer_db, f"R-{tag}") == 1

    await wait_until(delivered)


async def test_batches_stay_under_the_byte_cap_and_all_arrive(
    run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb,
    subscriber_transport: FaultyTransport,
) -> None:  # fmt: skip
    import json

    tag = uuid.uuid4().hex[:8]
    await produce([(uuid.uuid4(), f"C-{tag}") for _ in range(40)])
    run_relay(max_batch_bytes=2000)

    async def all_there() -> bool:
        return await _queued(consumer_db, f"C-{tag}") == 40

    await wait_until(all_there)
    sizes = [len(json.dumps({"events": b})) for b in subscriber_transport.batches]
    assert len(sizes) > 1
    assert max(sizes) <= 2200  # the cap, with slack for JSON spacing differences


def _tried_uncounted(
    transport: FaultyTransport, producer: ScratchDb, event_id: uuid.UUID, *, times: int
) -> Callable[[], Awaitable[bool]]:
    """Sent at least ``times`` times, and now pending with no attempt counted."""

    async def check() -> bool:
        if sum(str(event_id) in {e["id"] for e in b} for b in transport.batches) < times:
            return False
        row = await _delivery(producer, event_id)
        assert row is not None
        assert row["status"] == "pending", "an outage is not a poison event"
        return bool(row["attempts"] == 0)

    return check


async def test_a_503_from_the_subscriber_is_an_outage_not_an_attempt(
    run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb, producer_db: ScratchDb,
    subscriber_transport: FaultyTransport,
) -> None:  # fmt: skip
    # Issue #15 item 11: the subscriber is up (ready answers 200) but says it cannot serve now.
    tag = uuid.uuid4().hex[:8]
    subscriber_transport.mode = "503"
    [event_id] = await produce([(uuid.uuid4(), f"S-{tag}")])
    run_relay(max_attempts=2)

    # With max_attempts=2, a third try proves no attempt was counted (it would be parked); and
    # between tries (not while one is in flight, leased) its count is back to 0.
    await wait_until(_tried_uncounted(subscriber_transport, producer_db, event_id, times=3))
    subscriber_transport.mode = "ok"

    async def delivered() -> bool:
        return await _queued(consumer_db, f"S-{tag}") == 1

    await wait_until(delivered)


@pytest.mark.parametrize("mode", ["ok", "500"])
async def test_a_subscriber_whose_database_fails_does_not_burn_attempts(
    mode: str, run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb,
    producer_db: ScratchDb, subscriber_transport: FaultyTransport,
) -> None:  # fmt: skip
    # Issue #15 item 11: the real assessment app, alive (/health/live 200), but its database
    # is gone: /internal/events answers 503 ("ok": the app's own answer) or 500 (a failure the
    # app did not classify), and /health/ready answers 503. Attempts are refunded, and delivery
    # resumes by itself once the database is back.
    tag = uuid.uuid4().hex[:8]
    subscriber_transport.mode = mode
    missing = with_database(consumer_db.url, f"no_such_database_{tag}")
    broken = create_engine(missing, application_name="pytest-broken", pool_size=1)
    subscriber_transport.app.state.db = Database.from_engine(broken)
    try:
        [event_id] = await produce([(uuid.uuid4(), f"K-{tag}")])
        run_relay(max_attempts=2)

        await wait_until(_tried_uncounted(subscriber_transport, producer_db, event_id, times=3))
        assert await _queued(consumer_db, f"K-{tag}") == 0
    finally:
        subscriber_transport.mode = "ok"
        subscriber_transport.app.state.db = consumer_db.database
        await broken.dispose()

    async def delivered() -> bool:
        return await _queued(consumer_db, f"K-{tag}") == 1

    await wait_until(delivered)


async def test_a_relay_whose_token_is_not_the_source_counts_attempts_and_parks(
    run_relay: RunRelay, produce: Produce, consumer_db: ScratchDb, producer_db: ScratchDb,
    subscriber_transport: FaultyTransport,
) -> None:  # fmt: skip
    # A 403 (here: the relay's token names compliance-api, the events intake-api) is the
    # caller's fault, not an outage: each try counts and the event is parked, never applied.
    tag = uuid.uuid4().hex[:8]
    [event_id] = await produce([(uuid.uuid4(), f"W-{tag}")])
    run_relay(max_attempts=2, subject="compliance-api")

    async def parked() -> bool:
        row = await _delivery(producer_db, event_id)
        return row is not None and row["status"] == "parked"

    await wait_until(parked)
    row = await _delivery(producer_db, event_id)
    assert row is not None
    assert row["attempts"] == 2
    assert row["last_error"] == "subscriber answered 403"
    assert await _queued(consumer_db, f"W-{tag}") == 0

"""emit() and the inbox, inside the plugin's rolled-back transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import QueueEntry
from shared.db import Database
from shared.events.envelope import EventEnvelope
from shared.http_api.app import create_service_app
from shared.inbox.models import InboxEvent
from shared.outbox.emit import emit
from shared.outbox.models import OutboxDelivery, OutboxEvent
from shared.testing.plugin import ServiceSpec
from tests.events.conftest import INTAKE_SPEC, poison_aware_handlers, referred


@pytest.fixture
def service_spec(request: pytest.FixtureRequest) -> ServiceSpec:
    from tests.events.conftest import ASSESSMENT_SPEC

    return INTAKE_SPEC if "emit" in request.node.name else ASSESSMENT_SPEC


async def _subscribe(session: AsyncSession, subscriber: str, event_type: str) -> None:
    await session.execute(
        text("INSERT INTO outbox_subscription (subscriber, event_type) VALUES (:s, :t)"),
        {"s": subscriber, "t": event_type},
    )


async def test_emit_adds_outbox_row_and_fans_out_per_subscriber(session: AsyncSession) -> None:
    await _subscribe(session, "assessment-api", "intake.case.referred")
    await _subscribe(session, "compliance-api", "intake.case.referred")
    await _subscribe(session, "compliance-api", "intake.case.closed")
    case_id = uuid.uuid4()
    env = await emit(session, referred(), case_id=case_id, actor="someone")
    row = await session.scalar(select(OutboxEvent).where(OutboxEvent.id == env.id))
    assert row is not None
    assert (row.type, row.version, row.source, row.sequence) == (
        "intake.case.referred", 1, "intake-api", 1,
    )  # fmt: skip
    assert row.payload["reference"] == "CAS-0000001"
    subscribers = (
        await session.scalars(
            select(OutboxDelivery.subscriber).where(OutboxDelivery.event_position == row.position)
        )
    ).all()
    assert sorted(subscribers) == ["assessment-api", "compliance-api"]


async def test_emit_numbers_each_case_stream_from_one(session: AsyncSession) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    seqs = [(await emit(session, referred(), case_id=c, actor=None)).sequence for c in (a, a, b, a)]
    assert seqs == [1, 2, 1, 3]


async def test_emit_event_is_rolled_back_with_its_transaction(session: AsyncSession) -> None:
    case_id = uuid.uuid4()
    nested = await session.begin_nested()
    env = await emit(session, referred(), case_id=case_id, actor=None)
    await nested.rollback()
    assert await session.scalar(select(OutboxEvent).where(OutboxEvent.id == env.id)) is None
    # The stream row went too, so the next committed event of the case is still number 1.
    assert (await emit(session, referred(), case_id=case_id, actor=None)).sequence == 1


def _envelope(case_id: uuid.UUID, sequence: int = 1, **payload: Any) -> dict[str, Any]:
    return EventEnvelope(
        id=uuid.uuid4(),
        type="intake.case.referred",
        version=1,
        occurred_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
        source="intake-api",
        case_id=case_id,
        sequence=sequence,
        payload=referred(**payload).model_dump(mode="json"),
    ).model_dump(mode="json")


async def _queue_rows(session: AsyncSession, case_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(QueueEntry).where(QueueEntry.case_id == case_id)
        )
        or 0
    )


async def test_inbox_applies_a_batch_and_absorbs_a_duplicate(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    event = _envelope(case_id, reference="CAS-0000777")
    h = auth_headers("service", sub="intake-api")
    first = await client.post("/internal/events", json={"events": [event]}, headers=h)
    assert first.status_code == 200, first.text
    assert first.json()["results"] == [{"id": event["id"], "status": "processed", "detail": None}]
    again = await client.post("/internal/events", json={"events": [event]}, headers=h)
    assert again.json()["results"][0]["status"] == "duplicate"
    assert await _queue_rows(session, case_id) == 1
    handlers = (
        await session.scalars(
            select(InboxEvent.handler).where(InboxEvent.event_id == uuid.UUID(event["id"]))
        )
    ).all()
    # One inbox row per handler of the event, each once.
    assert sorted(handlers) == ["allocations.queue_referred_case", "cases.open_referred_case"]


async def test_inbox_rejects_unknown_type_or_version_with_422_naming_them(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    good = _envelope(uuid.uuid4())
    unknown_version = {**_envelope(uuid.uuid4()), "version": 99}
    unknown_type = {**_envelope(uuid.uuid4()), "type": "intake.case.teleported"}
    r = await client.post(
        "/internal/events",
        json={"events": [good, unknown_version, unknown_type]},
        headers=auth_headers("service", sub="intake-api"),
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"].endswith("/invalid-events")
    assert sorted(body["invalid_event_ids"]) == sorted([unknown_version["id"], unknown_type["id"]])


async def test_inbox_rejects_a_payload_that_breaks_its_contract(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    bad = _envelope(uuid.uuid4())
    bad["payload"] = {"reference": "CAS-1"}  # required fields missing
    r = await client.post(
        "/internal/events",
        json={"events": [bad]},
        headers=auth_headers("service", sub="intake-api"),
    )
    assert r.status_code == 422
    assert r.json()["invalid_event_ids"] == [bad["id"]]


async def test_inbox_rejects_a_malformed_envelope(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    r = await client.post(
        "/internal/events",
        json={"events": [{"id": "nope"}]},
        headers=auth_headers("service", sub="intake-api"),
    )
    assert r.status_code == 422
    assert r.json()["type"].endswith("/validation-error")


@pytest.mark.parametrize("role", ["caseworker", "operations_manager", "integration"])
async def test_inbox_requires_the_service_role(
    client: httpx.AsyncClient, auth_headers: Any, role: str
) -> None:
    r = await client.post(
        "/internal/events", json={"events": [_envelope(uuid.uuid4())]}, headers=auth_headers(role)
    )
    assert r.status_code == 403


async def test_inbox_is_hidden_from_the_public_openapi(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not [p for p in paths if p.startswith("/internal")]
    assert "/v1/allocation-queue" in paths


async def test_a_failing_event_stops_its_case_but_not_others(
    settings: Any, engine: Any, sessionmaker: Any, auth_headers: Any, session: AsyncSession
) -> None:
    app = create_service_app(
        settings=settings,
        title="assessment-api",
        version="test",
        description="t",
        event_handlers=poison_aware_handlers(),
        configure_logs=False,
    )
    app.state.db = Database(engine, sessionmaker)
    poison_case, other_case = uuid.uuid4(), uuid.uuid4()
    poison = _envelope(poison_case, 1, reference="P-1")
    later_in_poison_case = _envelope(poison_case, 2, reference="CAS-2")
    other = _envelope(other_case, 1, reference="CAS-3")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.post(
            "/internal/events",
            json={"events": [poison, later_in_poison_case, other]},
            headers=auth_headers("service", sub="intake-api"),
        )
    statuses = [x["status"] for x in r.json()["results"]]
    assert statuses == ["failed", "skipped", "processed"]
    assert await _queue_rows(session, poison_case) == 0
    assert await _queue_rows(session, other_case) == 1
    # The failed event left no inbox row, so a redelivery will apply it.
    assert (
        await session.scalar(
            select(func.count()).select_from(InboxEvent).where(InboxEvent.case_id == poison_case)
        )
        == 0
    )


async def test_inbox_answers_503_when_its_database_fails(
    settings: Any, auth_headers: Any, database_url: str
) -> None:
    # Issue #15 item 11: a database that cannot be reached is not every event's failure (a 200
    # of "failed" results, each counted as an attempt by the relay) but an outage.
    from shared.db import create_engine, with_database

    broken = create_engine(
        with_database(database_url, f"no_such_database_{uuid.uuid4().hex[:8]}"),
        application_name="pytest-broken",
        pool_size=1,
    )
    app = create_service_app(
        settings=settings,
        title="assessment-api",
        version="test",
        description="t",
        event_handlers=poison_aware_handlers(),
        configure_logs=False,
    )
    app.state.db = Database.from_engine(broken)
    try:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            r = await client.post(
                "/internal/events",
                json={"events": [_envelope(uuid.uuid4())]},
                headers=auth_headers("service", sub="intake-api"),
            )
    finally:
        await broken.dispose()
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/upstream-unavailable")
    assert r.headers["Retry-After"] == "1"

"""``emit``: add an event to the caller's transaction (DESIGN §2, transactional outbox)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, Uuid, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from shared.events.envelope import EventEnvelope, EventPayload
from shared.events.registry import producer_of
from shared.logging import get_request_id

# One round trip: take the case's next sequence (the upsert's row lock serialises writers of the
# case until commit) and insert the event with it. The fan-out trigger runs on the INSERT.
_EMIT = text(
    """
    WITH stream AS (
        INSERT INTO outbox_case_stream (case_id, last_sequence) VALUES (:case_id, 1)
        ON CONFLICT (case_id) DO UPDATE SET last_sequence = outbox_case_stream.last_sequence + 1
        RETURNING last_sequence
    )
    INSERT INTO outbox_event
        (id, type, version, occurred_at, source, case_id, sequence, correlation_id, actor, payload)
    SELECT :id, :type, :version, :occurred_at, :source, :case_id, stream.last_sequence,
           :correlation_id, :actor, :payload
    FROM stream
    RETURNING sequence
    """
).bindparams(
    bindparam("id", type_=Uuid()),
    bindparam("case_id", type_=Uuid()),
    bindparam("occurred_at", type_=DateTime(timezone=True)),
    bindparam("payload", type_=JSONB()),
)


def source_of(event_type: str) -> str:
    """The producing service of an event type, from the catalogue (``intake-api`` for
    ``intake.case.referred``): the name its subscribers bind to the relay's token."""
    producer = producer_of(event_type)
    if producer is None:  # pragma: no cover - ``@contract`` refuses uncatalogued types
        raise ValueError(f"{event_type} has no producer in the event catalogue")
    return producer


async def emit(
    session: AsyncSession,
    payload: EventPayload,
    *,
    case_id: uuid.UUID,
    actor: str | None,
    occurred_at: datetime | None = None,
) -> EventEnvelope:
    """Add ``payload`` as an event of ``case_id`` to the caller's transaction, and nothing else.

    The event exists if and only if the transaction commits. Upserting the case's stream row
    takes a row lock held until commit, so concurrent writers of one case are serialised and the
    case's ``sequence`` numbers follow commit order (DESIGN §2 point 3). Delivery rows for each
    subscriber are fanned out by a trigger in the same transaction.
    """
    envelope_id = uuid.uuid4()
    at = occurred_at or datetime.now(UTC)
    correlation_id = get_request_id()
    body = payload.model_dump(mode="json")
    source = source_of(payload.TYPE)
    result = await session.execute(
        _EMIT,
        {
            "id": envelope_id, "type": payload.TYPE, "version": payload.VERSION,
            "occurred_at": at, "source": source, "case_id": case_id,
            "correlation_id": correlation_id, "actor": actor, "payload": body,
        },
    )  # fmt: skip
    return EventEnvelope(
        id=envelope_id,
        type=payload.TYPE,
        version=payload.VERSION,
        occurred_at=at,
        source=source,
        case_id=case_id,
        sequence=int(result.scalar_one()),
        correlation_id=correlation_id,
        actor=actor,
        payload=body,
    )

"""``emit``: add an event to the caller's transaction (DESIGN §2, transactional outbox)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.events.envelope import EventEnvelope, EventPayload
from shared.logging import get_request_id
from shared.outbox.models import OutboxEvent

_NEXT_SEQUENCE = text(
    """
    INSERT INTO outbox_case_stream (case_id, last_sequence) VALUES (:case_id, 1)
    ON CONFLICT (case_id) DO UPDATE SET last_sequence = outbox_case_stream.last_sequence + 1
    RETURNING last_sequence
    """
)


def source_of(event_type: str) -> str:
    """The producing service of an event type: ``intake.case.referred`` → ``intake-api``."""
    return f"{event_type.split('.', 1)[0]}-api"


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
    sequence = int((await session.execute(_NEXT_SEQUENCE, {"case_id": case_id})).scalar_one())
    envelope = EventEnvelope(
        id=uuid.uuid4(),
        type=payload.TYPE,
        version=payload.VERSION,
        occurred_at=occurred_at or datetime.now(UTC),
        source=source_of(payload.TYPE),
        case_id=case_id,
        sequence=sequence,
        correlation_id=get_request_id(),
        actor=actor,
        payload=payload.model_dump(mode="json"),
    )
    session.add(
        OutboxEvent(
            id=envelope.id,
            type=envelope.type,
            version=envelope.version,
            occurred_at=envelope.occurred_at,
            source=envelope.source,
            case_id=envelope.case_id,
            sequence=envelope.sequence,
            correlation_id=envelope.correlation_id,
            actor=envelope.actor,
            payload=envelope.payload,
        )
    )
    await session.flush()
    return envelope

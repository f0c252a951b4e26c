from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import repository
from assessment_api.allocations.models import QueueEntry
from assessment_api.allocations.schemas import QueueEntryRead
from shared.events.contracts.intake import CaseReferredV1
from shared.events.envelope import EventEnvelope
from shared.pagination import Page, decode_cursor, encode_cursor

PRIORITY_RANK = {"high": 0, "standard": 1}


async def queue_referred_case(
    session: AsyncSession, *, envelope: EventEnvelope, payload: CaseReferredV1
) -> QueueEntry:
    """ASM-085: every case passed for further consideration goes into the central queue."""
    entry = QueueEntry(
        id=uuid.uuid4(),
        case_id=envelope.case_id,
        source_event_id=envelope.id,
        reference=payload.reference,
        case_type=payload.case_type,
        jurisdiction=payload.jurisdiction,
        route=payload.route,
        triage_category=payload.triage_category,
        priority=payload.priority,
        priority_rank=PRIORITY_RANK.get(payload.priority, 1),
        organisation_ids=list(payload.organisation_ids),
        received_date=payload.received_date,
        referred_at=envelope.occurred_at,
    )
    repository.add(session, entry)
    return entry


async def read_queue(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    jurisdiction: str | None,
    triage_category: str | None,
) -> Page[QueueEntryRead]:
    after = None
    if cursor:
        rank, received, entry_id = decode_cursor(cursor, arity=3)
        try:
            after = (int(rank), date.fromisoformat(received), uuid.UUID(entry_id))
        except (TypeError, ValueError) as exc:
            from shared.pagination import InvalidCursor

            raise InvalidCursor("Use the next_cursor of a previous page as it was given") from exc
    rows = await repository.list_queued(
        session,
        limit=limit,
        after=after,
        jurisdiction=jurisdiction,
        triage_category=triage_category,
    )
    items = [QueueEntryRead.model_validate(r) for r in rows]
    next_cursor = None
    if len(rows) == limit:
        last = rows[-1]
        next_cursor = encode_cursor(
            [last.priority_rank, last.received_date.isoformat(), str(last.id)]
        )
    return Page[QueueEntryRead](items=items, next_cursor=next_cursor)

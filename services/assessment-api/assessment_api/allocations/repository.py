from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import QueueEntry


def add(session: AsyncSession, entry: QueueEntry) -> None:
    # No flush here: the inbox flushes a batch of entries in one multi-row INSERT.
    session.add(entry)


async def list_queued(
    session: AsyncSession,
    *,
    limit: int,
    after: tuple[int, date, uuid.UUID] | None,
    jurisdiction: str | None,
    triage_category: str | None,
) -> Sequence[QueueEntry]:
    """Up to ``limit`` queued entries after the sort key ``after``, in allocation order: high
    priority first, then oldest received."""
    stmt = (
        select(QueueEntry)
        .where(QueueEntry.status == "queued")
        .order_by(QueueEntry.priority_rank, QueueEntry.received_date, QueueEntry.id)
        .limit(limit)
    )
    if jurisdiction:
        stmt = stmt.where(QueueEntry.jurisdiction == jurisdiction)
    if triage_category:
        stmt = stmt.where(QueueEntry.triage_category == triage_category)
    if after is not None:
        stmt = stmt.where(
            tuple_(QueueEntry.priority_rank, QueueEntry.received_date, QueueEntry.id) > after
        )
    return (await session.scalars(stmt)).all()

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, not_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import (
    AllocationApproval,
    AllocationDeadline,
    AllocationTask,
    DeadlineKind,
    QueueEntry,
    TaskKind,
)
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus

QueueKey = tuple[int, int, date, uuid.UUID]
ORDER = (
    QueueEntry.terminal_rank,
    QueueEntry.priority_rank,
    QueueEntry.received_date,
    QueueEntry.id,
)


def after_key(after: QueueKey) -> ColumnElement[bool]:
    """The entries after ``after`` in the queue's order: at or after its key, and not it.

    The same rows as ``tuple_(*ORDER) > after`` (the entry id, last in the key, is unique), in a
    form PostgreSQL estimates: it rates a row comparison by its first column alone, and
    ``terminal_rank > 1`` (the rank is 0 or 1) matches nothing, so past the terminal-illness
    cases every page looked free on every index and a filtered page could walk the order index
    instead of its filter's (``make bench``, issue #12: 14,500 rows read for one deep page of
    'complex & significant' and 'parliamentary'). ``>=`` is rated as it is, and each page is one
    range of the index for its filters (migration 0014).
    """
    return and_(tuple_(*ORDER) >= after, QueueEntry.id != after[-1])


# ASM-085: the queue is the entries whose case awaits allocation. Joined on the case's primary
# key from one range of the entries' order index, so a page costs the same whatever the size.
WAITING = and_(Case.id == QueueEntry.case_id, Case.status == CaseStatus.awaiting_allocation)


def add(session: AsyncSession, entry: QueueEntry) -> None:
    # No flush here: the inbox flushes a batch of entries in one multi-row INSERT.
    session.add(entry)


async def queued_entry_of(session: AsyncSession, case_id: uuid.UUID) -> QueueEntry | None:
    """The case's earliest queued entry, if any, locked."""
    stmt = (
        select(QueueEntry)
        .where(QueueEntry.case_id == case_id, QueueEntry.status == "queued")
        .order_by(QueueEntry.created_at, QueueEntry.id)
        .limit(1)
        .with_for_update()
    )
    return (await session.scalars(stmt)).first()


async def list_queued(
    session: AsyncSession,
    *,
    limit: int,
    after: QueueKey | None,
    jurisdiction: str | None,
    triage_category: str | None,
) -> Sequence[QueueEntry]:
    """Up to ``limit`` queued entries of cases awaiting allocation after the sort key
    ``after``, in allocation order: terminal illness first, then high priority, then oldest
    received."""
    stmt = (
        select(QueueEntry)
        .join(Case, WAITING)
        .where(QueueEntry.status == "queued")
        .order_by(*ORDER)
        .limit(limit)
    )
    if jurisdiction:
        stmt = stmt.where(QueueEntry.jurisdiction == jurisdiction)
    if triage_category:
        stmt = stmt.where(QueueEntry.triage_category == triage_category)
    if after is not None:
        stmt = stmt.where(after_key(after))
    return (await session.scalars(stmt)).all()


async def next_candidates(
    session: AsyncSession,
    *,
    categories: Collection[str],
    conflicted_cases: Collection[uuid.UUID],
    conflicted_organisations: Collection[uuid.UUID],
    after: QueueKey | None,
    limit: int,
) -> Sequence[QueueEntry]:
    """Queued entries in allocation order whose category is one of ``categories`` and that name
    neither a conflicted case nor a conflicted organisation (one range of the order index)."""
    stmt = (
        select(QueueEntry)
        .join(Case, WAITING)
        .where(QueueEntry.status == "queued", QueueEntry.triage_category.in_(list(categories)))
        .order_by(*ORDER)
        .limit(limit)
    )
    if conflicted_cases:
        stmt = stmt.where(QueueEntry.case_id.not_in(list(conflicted_cases)))
    if conflicted_organisations:
        stmt = stmt.where(not_(QueueEntry.organisation_ids.overlap(list(conflicted_organisations))))
    if after is not None:
        stmt = stmt.where(after_key(after))
    return (await session.scalars(stmt)).all()


async def deadlines_of(session: AsyncSession, entry_id: uuid.UUID) -> Sequence[AllocationDeadline]:
    stmt = (
        select(AllocationDeadline)
        .where(AllocationDeadline.entry_id == entry_id)
        .order_by(AllocationDeadline.created_at, AllocationDeadline.id)
    )
    return (await session.scalars(stmt)).all()


async def tasks_of(session: AsyncSession, entry_id: uuid.UUID) -> Sequence[AllocationTask]:
    stmt = (
        select(AllocationTask)
        .where(AllocationTask.entry_id == entry_id)
        .order_by(AllocationTask.created_at, AllocationTask.id)
    )
    return (await session.scalars(stmt)).all()


async def undecided_approvals(
    session: AsyncSession, entry_id: uuid.UUID
) -> Sequence[AllocationApproval]:
    stmt = select(AllocationApproval).where(
        AllocationApproval.entry_id == entry_id, AllocationApproval.decision.is_(None)
    )
    return (await session.scalars(stmt.with_for_update())).all()


async def approval(
    session: AsyncSession, entry_id: uuid.UUID, approval_id: uuid.UUID
) -> AllocationApproval | None:
    stmt = select(AllocationApproval).where(
        AllocationApproval.id == approval_id, AllocationApproval.entry_id == entry_id
    )
    return (await session.scalars(stmt.with_for_update())).one_or_none()


async def contact_deadlines_of_case(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[AllocationDeadline]:
    """C-07: the case's post-allocation contact clocks (one per allocation), oldest first,
    locked: the contact domain meets or cancels them."""
    stmt = (
        select(AllocationDeadline)
        .where(
            AllocationDeadline.case_id == case_id,
            AllocationDeadline.kind == DeadlineKind.post_allocation_contact,
        )
        .order_by(AllocationDeadline.created_at, AllocationDeadline.id)
    )
    return (await session.scalars(stmt.with_for_update())).all()


async def mp_tasks_of_case(session: AsyncSession, case_id: uuid.UUID) -> Sequence[AllocationTask]:
    """ASM-104: the case's MP contact tasks, oldest first, locked (done once)."""
    stmt = (
        select(AllocationTask)
        .where(AllocationTask.case_id == case_id, AllocationTask.kind == TaskKind.contact_mp)
        .order_by(AllocationTask.created_at, AllocationTask.id)
    )
    return (await session.scalars(stmt.with_for_update())).all()

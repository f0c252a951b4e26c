"""The database keeps the queue joined to the case lifecycle (ASM-085, migration 0015): a case
awaiting allocation has a queued entry when its transaction commits.
The check is deferred to commit; these tests ask for it at once (``SET CONSTRAINTS``) inside
their rolled-back transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from assessment_api.allocations.models import QueueEntry
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from tests.assessment.builders import make_entry

CHECKS = (
    "SET CONSTRAINTS assessment_case_awaiting_allocation_is_queued, "
    "allocation_queue_entry_leaves_queue IMMEDIATE"
)


async def _checked(session: AsyncSession, change: Executable) -> None:
    """``change`` in a savepoint, then the deferred checks at once."""
    async with session.begin_nested():
        await session.execute(change)
        await session.execute(text(CHECKS))


async def test_a_waiting_case_with_its_entry_passes_the_check__ASM_085(
    session: AsyncSession,
) -> None:
    await make_entry(session)
    await session.execute(text(CHECKS))  # nothing pending fails


async def test_a_case_cannot_await_allocation_with_nothing_queued__ASM_085(
    session: AsyncSession,
) -> None:
    allocated = await make_entry(session, allocated_to="cw-1")
    waiting = (
        update(Case)
        .where(Case.id == allocated.case_id)
        .values(status=CaseStatus.awaiting_allocation)
    )
    with pytest.raises(IntegrityError, match="no queued entry"):
        await _checked(session, waiting)


async def test_an_entry_cannot_leave_the_queue_while_its_case_waits__ASM_085(
    session: AsyncSession,
) -> None:
    entry = await make_entry(session)
    leaves = update(QueueEntry).where(QueueEntry.id == entry.id).values(status="allocated")
    with pytest.raises(IntegrityError, match="no queued entry"):
        await _checked(session, leaves)

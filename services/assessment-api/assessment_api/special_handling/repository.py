"""Every query of special handling."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.special_handling.models import InvestigationPriority, LeadLink


def add(session: AsyncSession, row: object) -> None:
    session.add(row)


async def link_of(
    session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False
) -> LeadLink | None:
    """The case's current link to its lead."""
    stmt = select(LeadLink).where(LeadLink.case_id == case_id, LeadLink.removed_at.is_(None))
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def linked_cases(
    session: AsyncSession,
    lead_case_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> list[tuple[LeadLink, Case]]:
    stmt = (
        select(LeadLink, Case)
        .join(Case, Case.id == LeadLink.case_id)
        .where(LeadLink.lead_case_id == lead_case_id, LeadLink.removed_at.is_(None))
        .order_by(LeadLink.linked_at, LeadLink.id)
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(tuple_(LeadLink.linked_at, LeadLink.id) > tuple_(*after))
    return [(link, case) for link, case in (await session.execute(stmt)).all()]


async def priority_of(session: AsyncSession, case_id: uuid.UUID) -> InvestigationPriority | None:
    return await session.scalar(
        select(InvestigationPriority).where(InvestigationPriority.case_id == case_id)
    )

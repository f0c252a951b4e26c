"""Every query of the complaint summary and components."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.components.models import ComplaintComponent, ComplaintSummary


def add(session: AsyncSession, row: object) -> None:
    session.add(row)


async def summary_of(
    session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False
) -> ComplaintSummary | None:
    stmt = select(ComplaintSummary).where(ComplaintSummary.case_id == case_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def components(session: AsyncSession, case_id: uuid.UUID) -> Sequence[ComplaintComponent]:
    rows = await session.scalars(
        select(ComplaintComponent)
        .where(ComplaintComponent.case_id == case_id)
        .order_by(ComplaintComponent.recorded_at, ComplaintComponent.id)
    )
    return rows.all()


async def component_for_update(
    session: AsyncSession, case_id: uuid.UUID, component_id: uuid.UUID
) -> ComplaintComponent | None:
    row: ComplaintComponent | None = await session.scalar(
        select(ComplaintComponent)
        .where(ComplaintComponent.id == component_id, ComplaintComponent.case_id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return row


async def component(
    session: AsyncSession, case_id: uuid.UUID, component_id: uuid.UUID
) -> ComplaintComponent | None:
    row: ComplaintComponent | None = await session.scalar(
        select(ComplaintComponent).where(
            ComplaintComponent.id == component_id, ComplaintComponent.case_id == case_id
        )
    )
    return row


async def precedents(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    organisation_ids: Sequence[uuid.UUID],
    since: datetime,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[ComplaintComponent]:
    """ASM-114: other cases' components about these organisations recorded at or after
    ``since``, newest first."""
    stmt = select(ComplaintComponent).where(
        ComplaintComponent.organisation_id.in_(organisation_ids),
        ComplaintComponent.recorded_at >= since,
        ComplaintComponent.case_id != case_id,
    )
    if after is not None:
        stmt = stmt.where(
            tuple_(ComplaintComponent.recorded_at, ComplaintComponent.id) < tuple_(*after)
        )
    rows = await session.scalars(
        stmt.order_by(ComplaintComponent.recorded_at.desc(), ComplaintComponent.id.desc()).limit(
            limit
        )
    )
    return rows.all()

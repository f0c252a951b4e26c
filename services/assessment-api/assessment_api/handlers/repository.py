"""Every query of the complaint handlers domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.handlers.models import (
    HandlerRecord,
    OrganisationComponentArea,
    OrganisationDecision,
    OrganisationOnCase,
)


def add(session: AsyncSession, row: object) -> None:
    session.add(row)


async def record_of(
    session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False
) -> HandlerRecord | None:
    stmt = select(HandlerRecord).where(HandlerRecord.case_id == case_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def organisations(session: AsyncSession, case_id: uuid.UUID) -> Sequence[OrganisationOnCase]:
    rows = await session.scalars(
        select(OrganisationOnCase)
        .where(OrganisationOnCase.case_id == case_id)
        .order_by(OrganisationOnCase.added_at, OrganisationOnCase.id)
    )
    return rows.all()


async def component_areas(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[OrganisationComponentArea]:
    rows = await session.scalars(
        select(OrganisationComponentArea)
        .where(OrganisationComponentArea.case_id == case_id)
        .order_by(OrganisationComponentArea.area, OrganisationComponentArea.id)
    )
    return rows.all()


async def decisions(session: AsyncSession, case_id: uuid.UUID) -> Sequence[OrganisationDecision]:
    rows = await session.scalars(
        select(OrganisationDecision)
        .where(OrganisationDecision.case_id == case_id)
        .order_by(OrganisationDecision.decided_at, OrganisationDecision.id)
    )
    return rows.all()

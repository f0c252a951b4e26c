from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.staff.models import StaffRecord


async def by_staff_id(
    session: AsyncSession, staff_id: str, *, for_update: bool = False
) -> StaffRecord | None:
    stmt = select(StaffRecord).where(StaffRecord.staff_id == staff_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt.execution_options(populate_existing=True))).one_or_none()


async def list_staff(
    session: AsyncSession,
    *,
    limit: int,
    after: tuple[str] | None,
    team: str | None,
    grade: str | None,
    active: bool | None,
) -> Sequence[StaffRecord]:
    """Up to ``limit`` members of staff after ``after``, by staff id."""
    stmt = select(StaffRecord).order_by(StaffRecord.staff_id).limit(limit)
    if team is not None:
        stmt = stmt.where(StaffRecord.team == team)
    if grade is not None:
        stmt = stmt.where(StaffRecord.grade == grade)
    if active is not None:
        stmt = stmt.where(StaffRecord.active == active)
    if after is not None:
        stmt = stmt.where(StaffRecord.staff_id > after[0])
    return (await session.scalars(stmt)).all()

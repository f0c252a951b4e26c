"""Every query of the risk module."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk.models import RiskApproval, RiskAssessment, RiskEntry, RiskUplift
from compliance_api.risk.rules import Trigger

# Serialises the writers of one case's assessments until commit, so numbers never collide.
_LOCK_CASE = text("SELECT pg_advisory_xact_lock(hashtextextended('risk:' || :case_id, 0))")


async def lock_case(session: AsyncSession, case_id: uuid.UUID) -> None:
    await session.execute(_LOCK_CASE, {"case_id": str(case_id)})


async def latest(session: AsyncSession, case_id: uuid.UUID) -> RiskAssessment | None:
    """The case's latest assessment (the highest number)."""
    stmt = (
        select(RiskAssessment)
        .where(RiskAssessment.case_id == case_id)
        .order_by(RiskAssessment.number.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def latest_number(session: AsyncSession, case_id: uuid.UUID) -> int:
    stmt = select(func.coalesce(func.max(RiskAssessment.number), 0)).where(
        RiskAssessment.case_id == case_id
    )
    return int((await session.execute(stmt)).scalar_one())


async def entries(session: AsyncSession, assessment_id: uuid.UUID) -> Sequence[RiskEntry]:
    stmt = (
        select(RiskEntry)
        .where(RiskEntry.assessment_id == assessment_id)
        .order_by(RiskEntry.position)
    )
    return (await session.scalars(stmt)).all()


async def list_for_case(
    session: AsyncSession, *, case_id: uuid.UUID, limit: int, after: tuple[int] | None
) -> Sequence[RiskAssessment]:
    """The case's assessments, newest first, after the number ``after``."""
    stmt = (
        select(RiskAssessment)
        .where(RiskAssessment.case_id == case_id)
        .order_by(RiskAssessment.number.desc())
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(RiskAssessment.number < after[0])
    return (await session.scalars(stmt)).all()


async def latest_qualifying(
    session: AsyncSession, *, case_id: uuid.UUID, trigger: Trigger, since: datetime
) -> RiskAssessment | None:
    """XC-RSK-001: the latest assessment of ``case_id`` for ``trigger``, with conflicts of
    interest considered, recorded at or after ``since``."""
    stmt = (
        select(RiskAssessment)
        .where(
            RiskAssessment.case_id == case_id,
            RiskAssessment.trigger == trigger,
            RiskAssessment.conflicts_of_interest_considered.is_(True),
            RiskAssessment.recorded_at >= since,
        )
        .order_by(RiskAssessment.recorded_at.desc(), RiskAssessment.number.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def active_uplifts(
    session: AsyncSession, *, case_id: uuid.UUID, organisation_ids: Sequence[uuid.UUID], on: date
) -> Sequence[RiskUplift]:
    """CMP-102: the uplifts in force on ``on`` for the case or one of its organisations."""
    scope = RiskUplift.case_ids.contains([case_id])
    if organisation_ids:
        scope = or_(scope, RiskUplift.organisation_id.in_(organisation_ids))
    stmt = (
        select(RiskUplift)
        .where(RiskUplift.starts_on <= on, RiskUplift.ends_on >= on, scope)
        .order_by(RiskUplift.starts_on, RiskUplift.id)
    )
    return (await session.scalars(stmt)).all()


async def list_uplifts(
    session: AsyncSession,
    *,
    limit: int,
    after: tuple[date, uuid.UUID] | None,
    active_on: date | None,
) -> Sequence[RiskUplift]:
    """Uplifts, latest starting first."""
    stmt = (
        select(RiskUplift).order_by(RiskUplift.starts_on.desc(), RiskUplift.id.desc()).limit(limit)
    )
    if active_on is not None:
        stmt = stmt.where(RiskUplift.starts_on <= active_on, RiskUplift.ends_on >= active_on)
    if after is not None:
        stmt = stmt.where(tuple_(RiskUplift.starts_on, RiskUplift.id) < after)
    return (await session.scalars(stmt)).all()


async def approvals_for(
    session: AsyncSession, assessment_id: uuid.UUID, kind: str
) -> Sequence[RiskApproval]:
    stmt = (
        select(RiskApproval)
        .where(RiskApproval.subject_id == assessment_id, RiskApproval.kind == kind)
        .order_by(RiskApproval.requested_at, RiskApproval.id)
    )
    return (await session.scalars(stmt)).all()


async def approval_for_update(session: AsyncSession, approval_id: uuid.UUID) -> RiskApproval | None:
    return await session.get(
        RiskApproval, approval_id, with_for_update=True, populate_existing=True
    )

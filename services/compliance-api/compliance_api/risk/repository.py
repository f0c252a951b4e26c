"""Every query of the risk module."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk.models import (
    BreachReport,
    OversightRecord,
    OversightUpdate,
    RiskApproval,
    RiskAssessment,
    RiskEntry,
    RiskEscalation,
    RiskTask,
    RiskUplift,
    TaskKind,
    UpdateDeadline,
)
from compliance_api.risk.rules import Trigger
from compliance_api.risk.state import OPEN, EscalationState

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


# --- the high-risk path ------------------------------------------------------------------------


async def open_escalation(session: AsyncSession, case_id: uuid.UUID) -> RiskEscalation | None:
    """The case's open escalation (at most one: a partial unique index)."""
    stmt = select(RiskEscalation).where(
        RiskEscalation.case_id == case_id, RiskEscalation.state.in_(OPEN)
    )
    return (await session.scalars(stmt)).first()


async def latest_escalation(session: AsyncSession, case_id: uuid.UUID) -> RiskEscalation | None:
    stmt = (
        select(RiskEscalation)
        .where(RiskEscalation.case_id == case_id)
        .order_by(RiskEscalation.opened_at.desc(), RiskEscalation.id.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def approvals_of(
    session: AsyncSession, subject_ids: Sequence[uuid.UUID]
) -> list[RiskApproval]:
    if not subject_ids:
        return []
    stmt = (
        select(RiskApproval)
        .where(RiskApproval.subject_id.in_(subject_ids))
        .order_by(RiskApproval.requested_at, RiskApproval.id)
    )
    return list((await session.scalars(stmt)).all())


async def holder_agreed_rating(
    session: AsyncSession, escalation: RiskEscalation, *, kind: str, rating: str
) -> RiskApproval | None:
    """CMP-115: an approval of ``rating`` decided by the escalation's holder, not yet used."""
    stmt = (
        select(RiskApproval)
        .where(
            RiskApproval.subject_id == escalation.id,
            RiskApproval.kind == kind,
            RiskApproval.decision == "approved",
            RiskApproval.decided_by == escalation.holder,
            RiskApproval.evidence["rating"].astext == rating,
            RiskApproval.evidence["used_at"].astext.is_(None),
        )
        .order_by(RiskApproval.decided_at.desc())
        .limit(1)
        .with_for_update()
    )
    return (await session.scalars(stmt)).first()


async def tasks_for_case(session: AsyncSession, case_id: uuid.UUID) -> Sequence[RiskTask]:
    stmt = (
        select(RiskTask)
        .where(RiskTask.case_id == case_id)
        .order_by(RiskTask.created_at, RiskTask.id)
    )
    return (await session.scalars(stmt)).all()


async def open_task(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    kind: TaskKind,
    entry_id: uuid.UUID | None = None,
) -> RiskTask | None:
    stmt = select(RiskTask).where(
        RiskTask.case_id == case_id, RiskTask.kind == kind, RiskTask.done_at.is_(None)
    )
    if entry_id is not None:
        stmt = stmt.where(RiskTask.entry_id == entry_id)
    return (await session.scalars(stmt.limit(1))).first()


async def open_deadline(session: AsyncSession, escalation_id: uuid.UUID) -> UpdateDeadline | None:
    stmt = select(UpdateDeadline).where(
        UpdateDeadline.escalation_id == escalation_id,
        UpdateDeadline.met_at.is_(None),
        UpdateDeadline.cancelled_at.is_(None),
    )
    return (await session.scalars(stmt)).first()


async def records(session: AsyncSession, escalation_id: uuid.UUID) -> Sequence[OversightRecord]:
    stmt = (
        select(OversightRecord)
        .where(OversightRecord.escalation_id == escalation_id)
        .order_by(OversightRecord.recorded_at, OversightRecord.id)
    )
    return (await session.scalars(stmt)).all()


async def updates(session: AsyncSession, escalation_id: uuid.UUID) -> Sequence[OversightUpdate]:
    stmt = (
        select(OversightUpdate)
        .where(OversightUpdate.escalation_id == escalation_id)
        .order_by(OversightUpdate.sent_at, OversightUpdate.id)
    )
    return (await session.scalars(stmt)).all()


async def breach_report_for(session: AsyncSession, entry_id: uuid.UUID) -> BreachReport | None:
    stmt = select(BreachReport).where(BreachReport.entry_id == entry_id)
    return (await session.scalars(stmt)).first()


async def undecided_high_risk(
    session: AsyncSession, *, limit: int, after: tuple[datetime, uuid.UUID] | None
) -> Sequence[RiskEscalation]:
    """CMP-113: escalations the manager has not decided, oldest first (one partial index)."""
    stmt = (
        select(RiskEscalation)
        .where(RiskEscalation.state == EscalationState.awaiting_manager)
        .order_by(RiskEscalation.opened_at, RiskEscalation.id)
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(tuple_(RiskEscalation.opened_at, RiskEscalation.id) > after)
    return (await session.scalars(stmt)).all()


async def updates_due(
    session: AsyncSession,
    *,
    until: date,
    limit: int,
    after: tuple[date, uuid.UUID] | None,
) -> Sequence[tuple[UpdateDeadline, RiskEscalation]]:
    """CMP-131: open update deadlines due on or before ``until``, earliest first."""
    stmt = (
        select(UpdateDeadline, RiskEscalation)
        .join(RiskEscalation, RiskEscalation.id == UpdateDeadline.escalation_id)
        .where(
            UpdateDeadline.met_at.is_(None),
            UpdateDeadline.cancelled_at.is_(None),
            UpdateDeadline.effective_due_date <= until,
        )
        .order_by(UpdateDeadline.effective_due_date, UpdateDeadline.id)
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(tuple_(UpdateDeadline.effective_due_date, UpdateDeadline.id) > after)
    return [(d, e) for d, e in (await session.execute(stmt)).all()]

"""Every query of ECT triage."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.triage.models import (
    PvmAssessment,
    ThresholdSet,
    ThresholdSetStatus,
    TriageApproval,
    TriageClosure,
    TriageCommunication,
)


def add(session: AsyncSession, row: object) -> None:
    session.add(row)


async def lock_threshold_sets(session: AsyncSession) -> None:
    """Serialise approvals of threshold sets (one set in force per date, ASM-046)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('pvm_threshold_set'))"))


async def next_version(session: AsyncSession) -> int:
    return (
        int(await session.scalar(select(func.coalesce(func.max(ThresholdSet.version), 0))) or 0) + 1
    )


async def threshold_sets(session: AsyncSession) -> Sequence[ThresholdSet]:
    return (await session.scalars(select(ThresholdSet).order_by(ThresholdSet.version))).all()


async def approved_sets(session: AsyncSession) -> Sequence[ThresholdSet]:
    return (
        await session.scalars(
            select(ThresholdSet)
            .where(ThresholdSet.status == ThresholdSetStatus.approved)
            .order_by(ThresholdSet.effective_from)
        )
    ).all()


async def threshold_set(session: AsyncSession, set_id: uuid.UUID) -> ThresholdSet | None:
    return await session.get(ThresholdSet, set_id)


async def approval(session: AsyncSession, approval_id: uuid.UUID) -> TriageApproval | None:
    return await session.get(TriageApproval, approval_id, with_for_update=True)


async def latest_assessment(session: AsyncSession, case_id: uuid.UUID) -> PvmAssessment | None:
    return await session.scalar(
        select(PvmAssessment)
        .where(PvmAssessment.case_id == case_id)
        .order_by(PvmAssessment.number.desc())
        .limit(1)
    )


async def closure_of(session: AsyncSession, case_id: uuid.UUID) -> TriageClosure | None:
    return await session.scalar(
        select(TriageClosure)
        .where(TriageClosure.case_id == case_id)
        .order_by(TriageClosure.decided_at.desc())
        .limit(1)
    )


async def communications(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[TriageCommunication]:
    """The calls and letters that issued the case's triage closure, in the order made."""
    result = await session.scalars(
        select(TriageCommunication)
        .where(TriageCommunication.case_id == case_id)
        .order_by(TriageCommunication.created_at, TriageCommunication.id)
    )
    return result.all()

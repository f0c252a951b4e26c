"""Every query of the cases domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import (
    Case,
    CaseTask,
    DecisionCommunication,
    DeclineDecision,
    InvestigationProposal,
)
from assessment_api.cases.rules import RiskRating
from assessment_api.cases.state import CaseStatus
from shared.casework.ownership import Holding


def add(session: AsyncSession, row: object) -> None:
    session.add(row)


async def get(session: AsyncSession, case_id: uuid.UUID) -> Case | None:
    return await session.get(Case, case_id)


async def exists(session: AsyncSession, case_id: uuid.UUID) -> bool:
    return (await session.scalar(select(Case.id).where(Case.id == case_id))) is not None


async def holding(session: AsyncSession, case_id: uuid.UUID) -> Holding | None:
    row = (await session.execute(select(Case.owner, Case.team).where(Case.id == case_id))).first()
    return None if row is None else Holding(owner=row.owner, team=row.team)


async def decline_of(session: AsyncSession, case_id: uuid.UUID) -> DeclineDecision | None:
    return await session.scalar(select(DeclineDecision).where(DeclineDecision.case_id == case_id))


async def decline_communications(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[DecisionCommunication]:
    rows = await session.scalars(
        select(DecisionCommunication)
        .where(DecisionCommunication.case_id == case_id)
        .order_by(DecisionCommunication.created_at, DecisionCommunication.id)
    )
    return rows.all()


async def proposal_of(session: AsyncSession, case_id: uuid.UUID) -> InvestigationProposal | None:
    return await session.scalar(
        select(InvestigationProposal).where(InvestigationProposal.case_id == case_id)
    )


async def tasks(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CaseTask]:
    return (
        await session.scalars(
            select(CaseTask)
            .where(CaseTask.case_id == case_id)
            .order_by(CaseTask.created_at, CaseTask.id)
        )
    ).all()


async def list_cases(
    session: AsyncSession,
    *,
    limit: int,
    after: tuple[date, uuid.UUID] | None,
    statuses: Sequence[CaseStatus],
    jurisdiction: str | None,
    triage_category: str | None,
    owner: str | None,
    risk_rating: RiskRating | None,
    risk_assessment_required: bool | None,
) -> Sequence[Case]:
    """Up to ``limit`` cases after ``after``, newest received first (keyset on
    ``(received_date, id)`` descending)."""
    stmt = select(Case).order_by(Case.received_date.desc(), Case.id.desc()).limit(limit)
    if statuses:
        stmt = stmt.where(Case.status.in_(statuses))
    if jurisdiction is not None:
        stmt = stmt.where(Case.jurisdiction == jurisdiction)
    if triage_category is not None:
        stmt = stmt.where(Case.triage_category == triage_category)
    if owner is not None:
        stmt = stmt.where(Case.owner == owner)
    if risk_rating is not None:
        stmt = stmt.where(Case.risk_rating == risk_rating)
    if risk_assessment_required is not None:
        stmt = stmt.where(Case.risk_assessment_required.is_(risk_assessment_required))
    if after is not None:
        stmt = stmt.where(tuple_(Case.received_date, Case.id) < after)
    return (await session.scalars(stmt)).all()

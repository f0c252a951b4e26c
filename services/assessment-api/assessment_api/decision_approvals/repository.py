"""Every query of decision approvals."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.decision_approvals.models import DecisionApproval


def add(session: AsyncSession, row: DecisionApproval) -> None:
    session.add(row)


async def of_case(session: AsyncSession, case_id: uuid.UUID) -> Sequence[DecisionApproval]:
    """The case's approvals, oldest first."""
    rows = await session.scalars(
        select(DecisionApproval)
        .where(DecisionApproval.case_id == case_id)
        .order_by(DecisionApproval.requested_at, DecisionApproval.id)
    )
    return rows.all()


async def for_update(
    session: AsyncSession, case_id: uuid.UUID, approval_id: uuid.UUID
) -> DecisionApproval | None:
    row: DecisionApproval | None = await session.scalar(
        select(DecisionApproval)
        .where(DecisionApproval.id == approval_id, DecisionApproval.case_id == case_id)
        .with_for_update()
    )
    return row

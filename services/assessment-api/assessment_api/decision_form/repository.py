"""Every query of the Decision Form."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.decision_form.models import (
    DecisionForm,
    DecisionFormApproval,
    DecisionFormVersion,
)
from shared.db import Base


def add(session: AsyncSession, obj: Base) -> None:
    session.add(obj)


async def form_for_case(session: AsyncSession, case_id: uuid.UUID) -> DecisionForm | None:
    form: DecisionForm | None = await session.scalar(
        select(DecisionForm).where(DecisionForm.case_id == case_id)
    )
    return form


async def versions(
    session: AsyncSession, form_id: uuid.UUID, *, limit: int, after: tuple[int] | None
) -> Sequence[DecisionFormVersion]:
    """Up to ``limit`` versions after ``after``, newest first."""
    stmt = select(DecisionFormVersion).where(DecisionFormVersion.form_id == form_id)
    if after is not None:
        stmt = stmt.where(DecisionFormVersion.number < after[0])
    rows = await session.scalars(stmt.order_by(DecisionFormVersion.number.desc()).limit(limit))
    return rows.all()


async def approvals(session: AsyncSession, case_id: uuid.UUID) -> Sequence[DecisionFormApproval]:
    rows = await session.scalars(
        select(DecisionFormApproval)
        .where(DecisionFormApproval.case_id == case_id)
        .order_by(DecisionFormApproval.requested_at, DecisionFormApproval.id)
    )
    return rows.all()


async def approval_for_update(
    session: AsyncSession, case_id: uuid.UUID, approval_id: uuid.UUID
) -> DecisionFormApproval | None:
    approval: DecisionFormApproval | None = await session.scalar(
        select(DecisionFormApproval)
        .where(DecisionFormApproval.id == approval_id, DecisionFormApproval.case_id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return approval

"""Every query of the proposal to investigate."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.proposals.models import (
    ProposalCommentDeadline,
    ProposalCommentExtension,
    ProposalCommunication,
    ProposalPlan,
)


def add(session: AsyncSession, row: object) -> None:
    session.add(row)


async def plan_of(
    session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False
) -> ProposalPlan | None:
    stmt = select(ProposalPlan).where(ProposalPlan.case_id == case_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def communications(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[ProposalCommunication]:
    rows = await session.scalars(
        select(ProposalCommunication)
        .where(ProposalCommunication.case_id == case_id)
        .order_by(ProposalCommunication.occurred_at, ProposalCommunication.created_at,
                  ProposalCommunication.id)
    )  # fmt: skip
    return rows.all()


async def deadlines(session: AsyncSession, case_id: uuid.UUID) -> Sequence[ProposalCommentDeadline]:
    rows = await session.scalars(
        select(ProposalCommentDeadline)
        .where(ProposalCommentDeadline.case_id == case_id)
        .order_by(ProposalCommentDeadline.created_at, ProposalCommentDeadline.id)
    )
    return rows.all()


async def deadline(
    session: AsyncSession, case_id: uuid.UUID, deadline_id: uuid.UUID, *, lock: bool = False
) -> ProposalCommentDeadline | None:
    stmt = select(ProposalCommentDeadline).where(
        ProposalCommentDeadline.case_id == case_id, ProposalCommentDeadline.id == deadline_id
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def extensions(
    session: AsyncSession, deadline_ids: Sequence[uuid.UUID]
) -> Sequence[ProposalCommentExtension]:
    if not deadline_ids:
        return []
    rows = await session.scalars(
        select(ProposalCommentExtension)
        .where(ProposalCommentExtension.deadline_id.in_(deadline_ids))
        .order_by(ProposalCommentExtension.agreed_at, ProposalCommentExtension.id)
    )
    return rows.all()

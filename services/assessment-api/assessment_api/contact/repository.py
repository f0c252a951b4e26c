"""Every query of contact at further consideration."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.contact.models import FcChecklistAnswer, FcContactAttempt, FcWithdrawal, Party
from shared.db import Base


def add(session: AsyncSession, obj: Base) -> None:
    session.add(obj)


async def attempts(
    session: AsyncSession, case_id: uuid.UUID, party: Party | None = None
) -> Sequence[FcContactAttempt]:
    query = select(FcContactAttempt).where(FcContactAttempt.case_id == case_id)
    if party is not None:
        query = query.where(FcContactAttempt.party == party)
    rows = await session.scalars(
        query.order_by(FcContactAttempt.attempted_at, FcContactAttempt.created_at)
    )
    return rows.all()


async def checklist_answers(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[FcChecklistAnswer]:
    rows = await session.scalars(
        select(FcChecklistAnswer)
        .where(FcChecklistAnswer.case_id == case_id)
        .order_by(FcChecklistAnswer.answered_at, FcChecklistAnswer.created_at)
    )
    return rows.all()


async def withdrawal(session: AsyncSession, case_id: uuid.UUID) -> FcWithdrawal | None:
    result = await session.scalar(select(FcWithdrawal).where(FcWithdrawal.case_id == case_id))
    return result

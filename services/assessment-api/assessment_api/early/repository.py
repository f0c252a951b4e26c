"""Every query of early consideration."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.early.models import (
    EcCommunication,
    EcContactAttempt,
    EcDeadline,
    EcDeadlineKind,
    EcDecision,
    EcInformationRequest,
)
from shared.db import Base


def add(session: AsyncSession, obj: Base) -> None:
    session.add(obj)


async def attempts(session: AsyncSession, case_id: uuid.UUID) -> Sequence[EcContactAttempt]:
    rows = await session.scalars(
        select(EcContactAttempt)
        .where(EcContactAttempt.case_id == case_id)
        .order_by(EcContactAttempt.attempted_at, EcContactAttempt.id)
    )
    return rows.all()


async def deadlines(
    session: AsyncSession, case_id: uuid.UUID, kind: EcDeadlineKind | None = None
) -> Sequence[EcDeadline]:
    query = select(EcDeadline).where(EcDeadline.case_id == case_id)
    if kind is not None:
        query = query.where(EcDeadline.kind == kind)
    rows = await session.scalars(query.order_by(EcDeadline.starts_on, EcDeadline.id))
    return rows.all()


async def information_requests(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[EcInformationRequest]:
    rows = await session.scalars(
        select(EcInformationRequest)
        .where(EcInformationRequest.case_id == case_id)
        .order_by(EcInformationRequest.told_at, EcInformationRequest.id)
    )
    return rows.all()


async def deadline(session: AsyncSession, deadline_id: uuid.UUID) -> EcDeadline | None:
    return await session.get(EcDeadline, deadline_id)


async def decision(session: AsyncSession, case_id: uuid.UUID) -> EcDecision | None:
    result = await session.scalar(select(EcDecision).where(EcDecision.case_id == case_id))
    return result


async def letters(session: AsyncSession, case_id: uuid.UUID) -> Sequence[EcCommunication]:
    rows = await session.scalars(
        select(EcCommunication)
        .where(EcCommunication.case_id == case_id)
        .order_by(EcCommunication.occurred_at, EcCommunication.id)
    )
    return rows.all()

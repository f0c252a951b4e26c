"""Every query of advice at assessment."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.advice.models import (
    AdviceRequest,
    AdviserNameRequest,
    ClinicalAdviceDecision,
    ClinicalStandard,
)
from assessment_api.advice.rules import AdviceType
from shared.db import Base


def add(session: AsyncSession, obj: Base) -> None:
    session.add(obj)


async def request(
    session: AsyncSession, case_id: uuid.UUID, request_id: uuid.UUID, *, lock: bool = False
) -> AdviceRequest | None:
    stmt = select(AdviceRequest).where(
        AdviceRequest.id == request_id, AdviceRequest.case_id == case_id
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    found: AdviceRequest | None = await session.scalar(stmt)
    return found


async def requests(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    limit: int | None = None,
    after: tuple[datetime, uuid.UUID] | None = None,
    advice_type: AdviceType | None = None,
) -> Sequence[AdviceRequest]:
    stmt = select(AdviceRequest).where(AdviceRequest.case_id == case_id)
    if advice_type is not None:
        stmt = stmt.where(AdviceRequest.advice_type == advice_type)
    if after is not None:
        stmt = stmt.where(tuple_(AdviceRequest.requested_at, AdviceRequest.id) > tuple_(*after))
    stmt = stmt.order_by(AdviceRequest.requested_at, AdviceRequest.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return (await session.scalars(stmt)).all()


async def latest_decision(
    session: AsyncSession, case_id: uuid.UUID
) -> ClinicalAdviceDecision | None:
    found: ClinicalAdviceDecision | None = await session.scalar(
        select(ClinicalAdviceDecision)
        .where(ClinicalAdviceDecision.case_id == case_id)
        .order_by(
            ClinicalAdviceDecision.recorded_at.desc(), ClinicalAdviceDecision.created_at.desc()
        )
        .limit(1)
    )
    return found


async def standards(session: AsyncSession, case_id: uuid.UUID) -> Sequence[ClinicalStandard]:
    rows = await session.scalars(
        select(ClinicalStandard)
        .where(ClinicalStandard.case_id == case_id)
        .order_by(ClinicalStandard.recorded_at, ClinicalStandard.id)
    )
    return rows.all()


async def name_requests(session: AsyncSession, case_id: uuid.UUID) -> Sequence[AdviserNameRequest]:
    rows = await session.scalars(
        select(AdviserNameRequest)
        .where(AdviserNameRequest.case_id == case_id)
        .order_by(AdviserNameRequest.recorded_at, AdviserNameRequest.id)
    )
    return rows.all()

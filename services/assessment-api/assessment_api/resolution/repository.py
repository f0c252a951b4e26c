"""Every query of resolution at further consideration."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.resolution.models import FcResolutionCommunication, FcResolutionRequest
from assessment_api.resolution.state import RequestStatus


def add(session: AsyncSession, row: object) -> None:
    session.add(row)


async def open_request(
    session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False
) -> FcResolutionRequest | None:
    stmt = select(FcResolutionRequest).where(
        FcResolutionRequest.case_id == case_id,
        FcResolutionRequest.status == RequestStatus.requested,
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def requests(session: AsyncSession, case_id: uuid.UUID) -> Sequence[FcResolutionRequest]:
    rows = await session.scalars(
        select(FcResolutionRequest)
        .where(FcResolutionRequest.case_id == case_id)
        .order_by(FcResolutionRequest.requested_at, FcResolutionRequest.id)
    )
    return rows.all()


async def communications(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[FcResolutionCommunication]:
    rows = await session.scalars(
        select(FcResolutionCommunication)
        .where(FcResolutionCommunication.case_id == case_id)
        .order_by(FcResolutionCommunication.occurred_at, FcResolutionCommunication.id)
    )
    return rows.all()

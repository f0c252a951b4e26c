"""Every query of the DR domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.dr.models import DrCommunication, DrConference, DrProcess, MediatedComponent


def add(session: AsyncSession, row: object) -> None:
    session.add(row)


async def open_process(
    session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False
) -> DrProcess | None:
    stmt = select(DrProcess).where(DrProcess.case_id == case_id, DrProcess.ended_at.is_(None))
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def latest_process(session: AsyncSession, case_id: uuid.UUID) -> DrProcess | None:
    return await session.scalar(
        select(DrProcess)
        .where(DrProcess.case_id == case_id)
        .order_by(DrProcess.complainant_consent_sent_at.desc(), DrProcess.id.desc())
        .limit(1)
    )


async def conference_of(session: AsyncSession, process_id: uuid.UUID) -> DrConference | None:
    return await session.scalar(select(DrConference).where(DrConference.process_id == process_id))


async def mediated_components(
    session: AsyncSession, conference_id: uuid.UUID
) -> Sequence[MediatedComponent]:
    rows = await session.scalars(
        select(MediatedComponent)
        .where(MediatedComponent.conference_id == conference_id)
        .order_by(MediatedComponent.component)
    )
    return rows.all()


async def communications(session: AsyncSession, process_id: uuid.UUID) -> Sequence[DrCommunication]:
    rows = await session.scalars(
        select(DrCommunication)
        .where(DrCommunication.process_id == process_id)
        .order_by(DrCommunication.occurred_at, DrCommunication.created_at, DrCommunication.id)
    )
    return rows.all()

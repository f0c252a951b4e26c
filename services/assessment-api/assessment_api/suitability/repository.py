"""Every query of the suitability assessment."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.suitability.models import SuitabilityAssessment


def add(session: AsyncSession, row: SuitabilityAssessment) -> None:
    session.add(row)


async def for_case(session: AsyncSession, case_id: uuid.UUID) -> SuitabilityAssessment | None:
    row: SuitabilityAssessment | None = await session.scalar(
        select(SuitabilityAssessment).where(SuitabilityAssessment.case_id == case_id)
    )
    return row

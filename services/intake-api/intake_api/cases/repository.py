from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case, case_reference_seq


async def next_reference_number(session: AsyncSession) -> int:
    number = await session.scalar(case_reference_seq.next_value())
    assert number is not None
    return int(number)


async def get(session: AsyncSession, case_id: uuid.UUID) -> Case | None:
    return await session.get(Case, case_id)


async def get_for_update(session: AsyncSession, case_id: uuid.UUID) -> Case | None:
    """The case with a row lock held until commit: transitions of one case are serialised."""
    return await session.get(Case, case_id, with_for_update=True, populate_existing=True)


async def add(session: AsyncSession, case: Case) -> Case:
    session.add(case)
    await session.flush()
    await session.refresh(case)
    return case

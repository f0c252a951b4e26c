"""Every query of the investigations module."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from investigation_api.investigations.models import (
    CommentDeadline,
    CommentExtension,
    Investigation,
    InvestigationOrganisation,
    InvestigationParty,
    MilestoneRecord,
)
from shared.casework.ownership import Holding

Row = InvestigationOrganisation | InvestigationParty | MilestoneRecord | CommentDeadline


async def insert_if_new(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert the investigation unless the case has one; True if this inserted it. One
    statement, so two deliveries of proposals for one case cannot both open a record."""
    stmt = (
        pg_insert(Investigation)
        .values(values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(Investigation.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


def add(session: AsyncSession, *rows: Row) -> None:
    session.add_all(rows)


async def get(session: AsyncSession, case_id: uuid.UUID) -> Investigation | None:
    return await session.get(Investigation, case_id)


async def holding(session: AsyncSession, case_id: uuid.UUID) -> Holding | None:
    row = (
        await session.execute(
            select(Investigation.owner, Investigation.team).where(Investigation.id == case_id)
        )
    ).first()
    return None if row is None else Holding(owner=row.owner, team=row.team)


async def organisations(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[InvestigationOrganisation]:
    stmt = (
        select(InvestigationOrganisation)
        .where(InvestigationOrganisation.investigation_id == case_id)
        .order_by(InvestigationOrganisation.position)
    )
    return (await session.scalars(stmt)).all()


async def parties(session: AsyncSession, case_id: uuid.UUID) -> Sequence[InvestigationParty]:
    stmt = (
        select(InvestigationParty)
        .where(InvestigationParty.investigation_id == case_id)
        .order_by(InvestigationParty.position)
    )
    return (await session.scalars(stmt)).all()


async def milestones(session: AsyncSession, case_id: uuid.UUID) -> Sequence[MilestoneRecord]:
    stmt = (
        select(MilestoneRecord)
        .where(MilestoneRecord.investigation_id == case_id)
        .order_by(MilestoneRecord.number)
    )
    return (await session.scalars(stmt)).all()


async def comment_deadlines(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CommentDeadline]:
    stmt = (
        select(CommentDeadline)
        .where(CommentDeadline.investigation_id == case_id)
        .order_by(CommentDeadline.effective_due_date, CommentDeadline.id)
    )
    return (await session.scalars(stmt)).all()


async def list_investigations(
    session: AsyncSession,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
    owner: str | None,
) -> Sequence[Investigation]:
    """Up to ``limit`` investigations after ``after``, the newest proposal first (keyset on
    ``(proposed_at, id)`` descending; with ``owner``, one range of the owner's index)."""
    stmt = (
        select(Investigation)
        .order_by(Investigation.proposed_at.desc(), Investigation.id.desc())
        .limit(limit)
    )
    if owner is not None:
        stmt = stmt.where(Investigation.owner == owner)
    if after is not None:
        stmt = stmt.where(tuple_(Investigation.proposed_at, Investigation.id) < after)
    return (await session.scalars(stmt)).all()


async def comment_deadline_of(
    session: AsyncSession, case_id: uuid.UUID, recipient_kind: str, recipient_id: uuid.UUID
) -> CommentDeadline | None:
    stmt = (
        select(CommentDeadline)
        .where(
            CommentDeadline.investigation_id == case_id,
            CommentDeadline.recipient_kind == recipient_kind,
            CommentDeadline.recipient_id == recipient_id,
        )
        .with_for_update()
    )
    return await session.scalar(stmt)


async def insert_extension(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Store the extension unless it is stored; True if this stored it (its trigger moves the
    recipient's effective due date)."""
    stmt = (
        pg_insert(CommentExtension)
        .values(values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(CommentExtension.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None

"""Every query of the compliance items module."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.resolutions.models import ComplianceItem
from compliance_api.resolutions.state import ItemKind, ItemStatus


async def insert_if_new(session: AsyncSession, values: dict[str, Any]) -> uuid.UUID | None:
    """Insert the item unless its resolution has one; its id if this inserted it. One
    statement, so two events for one resolution cannot both open an item."""
    stmt = (
        pg_insert(ComplianceItem)
        .values(values)
        .on_conflict_do_nothing(index_elements=["resolution_id"])
        .returning(ComplianceItem.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get(session: AsyncSession, item_id: uuid.UUID) -> ComplianceItem | None:
    return await session.get(ComplianceItem, item_id)


async def by_resolution(session: AsyncSession, resolution_id: uuid.UUID) -> ComplianceItem | None:
    stmt = select(ComplianceItem).where(ComplianceItem.resolution_id == resolution_id)
    return (await session.scalars(stmt)).one_or_none()


async def list_items(
    session: AsyncSession,
    *,
    case_id: uuid.UUID | None,
    kind: ItemKind | None,
    status: ItemStatus | None,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[ComplianceItem]:
    """Up to ``limit`` items after ``after``, the latest agreed first (keyset on
    ``(agreed_at, id)`` descending; with ``case_id``, one range of the case's index)."""
    stmt = (
        select(ComplianceItem)
        .order_by(ComplianceItem.agreed_at.desc(), ComplianceItem.id.desc())
        .limit(limit)
    )
    if case_id is not None:
        stmt = stmt.where(ComplianceItem.case_id == case_id)
    if kind is not None:
        stmt = stmt.where(ComplianceItem.kind == kind)
    if status is not None:
        stmt = stmt.where(ComplianceItem.status == status)
    if after is not None:
        stmt = stmt.where(tuple_(ComplianceItem.agreed_at, ComplianceItem.id) < after)
    return (await session.scalars(stmt)).all()

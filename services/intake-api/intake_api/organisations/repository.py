from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from intake_api.organisations.models import (
    Organisation,
    OrganisationJurisdiction,
    OrganisationKind,
    PvOptOut,
)


def _select() -> Select[Organisation]:
    return (
        select(Organisation)
        .options(selectinload(Organisation.pv_opt_out))
        .execution_options(populate_existing=True)
    )


async def get(session: AsyncSession, organisation_id: uuid.UUID) -> Organisation | None:
    """The organisation with its agreement in force, read afresh."""
    stmt = _select().where(Organisation.id == organisation_id)
    return (await session.scalars(stmt)).one_or_none()


async def add(session: AsyncSession, organisation: Organisation) -> None:
    session.add(organisation)
    await session.flush()


async def insert_if_missing(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert a row unless one with its id exists (an existing row is left exactly as it is)."""
    stmt = (
        insert(Organisation)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Organisation.id])
        .returning(Organisation.id)
    )
    return (await session.scalar(stmt)) is not None


def _like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def list_page(
    session: AsyncSession,
    *,
    limit: int,
    after: tuple[str, uuid.UUID] | None,
    jurisdiction: OrganisationJurisdiction | None,
    kind: OrganisationKind | None,
    in_jurisdiction: bool | None,
    active: bool | None,
    q: str | None,
) -> Sequence[Organisation]:
    """Up to ``limit`` organisations after the sort key ``after``, ordered by name then id."""
    stmt = _select().order_by(Organisation.name, Organisation.id).limit(limit)
    if after is not None:
        stmt = stmt.where(tuple_(Organisation.name, Organisation.id) > after)
    if jurisdiction is not None:
        stmt = stmt.where(Organisation.jurisdiction == jurisdiction)
    if kind is not None:
        stmt = stmt.where(Organisation.kind == kind)
    if in_jurisdiction is not None:
        out = Organisation.kind == OrganisationKind.out_of_jurisdiction
        stmt = stmt.where(~out if in_jurisdiction else out)
    if active is not None:
        stmt = stmt.where(Organisation.active.is_(active))
    if q:
        pattern = _like_pattern(q)
        alias = func.unnest(Organisation.aliases).column_valued("alias")
        alias_match = select(alias).where(alias.ilike(pattern, escape="\\")).exists()
        stmt = stmt.where(or_(Organisation.name.ilike(pattern, escape="\\"), alias_match))
    return (await session.scalars(stmt)).all()


async def add_pv_opt_out(session: AsyncSession, agreement: PvOptOut) -> None:
    session.add(agreement)
    await session.flush()

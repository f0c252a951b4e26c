from __future__ import annotations

import typing
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Row,
    Select,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import (
    Case,
    CaseLink,
    CaseOrganisation,
    CaseParty,
    CaseTask,
    CaseType,
    Channel,
    Communication,
    ContactAttempt,
    Deadline,
    DeadlineKind,
    Jurisdiction,
    OrganisationRole,
    PreviousContactCheck,
    Priority,
)
from intake_api.cases.state import CaseStatus
from shared.audit import AuditEntry


async def get(session: AsyncSession, case_id: uuid.UUID) -> Case | None:
    return await session.get(Case, case_id)


# The hottest read (GET /v1/cases/{id}) runs as one asyncpg prepared statement, compiled once
# here from the model (DESIGN §7 Reads): no ORM or Core execution layers on the way.
CASE_BY_ID_SQL = str(
    select(*Case.__table__.c)
    .where(Case.id == bindparam("case_id"))
    .compile(dialect=asyncpg_dialect())  # type: ignore[no-untyped-call]
)


async def get_row(driver: Any, case_id: uuid.UUID) -> Mapping[str, Any] | None:
    """One case as a mapping of column to value, over the asyncpg connection ``driver``."""
    record: Mapping[str, Any] | None = await driver.fetchrow(CASE_BY_ID_SQL, case_id)
    return record


async def get_for_update(session: AsyncSession, case_id: uuid.UUID) -> Case | None:
    """The case with a row lock held until commit: changes to one case are serialised."""
    return await session.get(Case, case_id, with_for_update=True, populate_existing=True)


# Built once (compiled once): a new case, its reference from the sequence in the same statement.
_NUMBER = cast(
    select(func.nextval("case_reference_seq").label("n")).subquery("next_number").c.n, Text()
)
_REFERENCE = select(
    func.concat(
        bindparam("reference_prefix", type_=Text()),
        "-",
        func.lpad(_NUMBER, func.greatest(7, func.length(_NUMBER)), "0"),
    )
).scalar_subquery()
# On the tables, not the mapped classes: Core statements skip the ORM's bulk-insert path.
_INSERT_CASE = (
    insert(typing.cast(Table, Case.__table__))
    .values(
        reference=_REFERENCE,
        version=1,
        checklist={},
        joint_working_topics=[],
        remit_categories=[],
        organisation_ids=[],
    )
    .returning(*Case.__table__.c)
)
_INSERT_DEADLINES = insert(typing.cast(Table, Deadline.__table__))


async def insert_case(
    session: AsyncSession, *, reference_prefix: str, values: dict[str, Any]
) -> Row[*tuple[Any, ...]]:
    """Insert a new case; the row comes back with its reference, version and timestamps.

    The reference is ``<prefix>-<7 digits>`` from ``case_reference_seq`` (unique, gap-free
    enough: a rolled-back insert uses a number up).
    """
    result = await session.execute(_INSERT_CASE, {"reference_prefix": reference_prefix, **values})
    return result.one()


async def insert_deadlines(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await session.execute(_INSERT_DEADLINES, rows)


async def parties(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CaseParty]:
    rows = await session.scalars(
        select(CaseParty).where(CaseParty.case_id == case_id).order_by(CaseParty.created_at)
    )
    return rows.all()


async def organisations(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CaseOrganisation]:
    rows = await session.scalars(
        select(CaseOrganisation)
        .where(CaseOrganisation.case_id == case_id)
        .order_by(CaseOrganisation.created_at)
    )
    return rows.all()


async def attempts(session: AsyncSession, case_id: uuid.UUID) -> Sequence[ContactAttempt]:
    rows = await session.scalars(
        select(ContactAttempt)
        .where(ContactAttempt.case_id == case_id)
        .order_by(ContactAttempt.attempted_at)
    )
    return rows.all()


async def communications(session: AsyncSession, case_id: uuid.UUID) -> Sequence[Communication]:
    rows = await session.scalars(
        select(Communication)
        .where(Communication.case_id == case_id)
        .order_by(Communication.occurred_at)
    )
    return rows.all()


async def check(session: AsyncSession, check_id: uuid.UUID) -> PreviousContactCheck | None:
    return await session.get(PreviousContactCheck, check_id)


async def earlier_cases(
    session: AsyncSession, *, person_id: uuid.UUID | None, organisation_ids: list[uuid.UUID]
) -> list[dict[str, Any]]:
    """INT-001: cases of the same person (any party role) and cases about the same organisations."""
    by_person: set[uuid.UUID] = set()
    by_org: set[uuid.UUID] = set()
    if person_id is not None:
        by_person = set(
            (
                await session.scalars(
                    select(CaseParty.case_id).where(CaseParty.person_id == person_id)
                )
            ).all()
        )
    if organisation_ids:
        by_org = set(
            (
                await session.scalars(
                    select(CaseOrganisation.case_id).where(
                        CaseOrganisation.organisation_id.in_(organisation_ids)
                    )
                )
            ).all()
        )
    ids = by_person | by_org
    if not ids:
        return []
    rows = (
        await session.execute(
            select(Case.id, Case.reference, Case.status, Case.received_date, Case.closure_code)
            .where(Case.id.in_(ids))
            .order_by(Case.received_date.desc(), Case.reference)
        )
    ).all()
    return [
        {
            "case_id": str(r.id),
            "reference": r.reference,
            "status": r.status.value,
            "received_date": r.received_date.isoformat(),
            "closure_code": r.closure_code,
            "same_person": r.id in by_person,
            "same_organisation": r.id in by_org,
        }
        for r in rows
    ]


async def open_deadlines(
    session: AsyncSession, case_id: uuid.UUID, kind: DeadlineKind | None = None
) -> Sequence[Deadline]:
    stmt = select(Deadline).where(
        Deadline.case_id == case_id, Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None)
    )
    if kind is not None:
        stmt = stmt.where(Deadline.kind == kind)
    # populate_existing: effective_due_date is moved by a trigger the identity map cannot see.
    stmt = stmt.order_by(Deadline.due_date).execution_options(populate_existing=True)
    return (await session.scalars(stmt)).all()


async def latest_clock_start(
    session: AsyncSession, case_id: uuid.UUID, kind: DeadlineKind
) -> date | None:
    """When the newest clock of ``kind`` on the case started (open, met or cancelled)."""
    return await session.scalar(
        select(Deadline.starts_on)
        .where(Deadline.case_id == case_id, Deadline.kind == kind)
        .order_by(Deadline.starts_on.desc(), Deadline.created_at.desc())
        .limit(1)
    )


async def tasks(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CaseTask]:
    rows = await session.scalars(
        select(CaseTask)
        .where(CaseTask.case_id == case_id)
        .order_by(CaseTask.created_at, CaseTask.id)
    )
    return rows.all()


async def later_links(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CaseLink]:
    """Links to cases that the return of ``case_id`` created (G-10)."""
    rows = await session.scalars(select(CaseLink).where(CaseLink.earlier_case_id == case_id))
    return rows.all()


async def links(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CaseLink]:
    rows = await session.scalars(
        select(CaseLink)
        .where(or_(CaseLink.earlier_case_id == case_id, CaseLink.later_case_id == case_id))
        .order_by(CaseLink.created_at)
    )
    return rows.all()


async def timeline(session: AsyncSession, case_id: uuid.UUID) -> Sequence[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    )
    return rows.all()


# --- The case list (DESIGN §3 Lists; §7 Scale: 1,000,000 cases, a page in p95 ≤ 50 ms).


@dataclass(frozen=True, slots=True)
class CaseListFilters:
    """``GET /v1/cases`` filters; every one given must hold (AND)."""

    statuses: tuple[CaseStatus, ...] = ()
    organisation_id: uuid.UUID | None = None
    owner: str | None = None
    case_type: CaseType | None = None
    jurisdiction: Jurisdiction | None = None
    channel: Channel | None = None
    priority: Priority | None = None
    received_from: date | None = None
    received_to: date | None = None


CASE_LIST_COLUMNS = (
    Case.id,
    Case.reference,
    Case.status,
    Case.case_type,
    Case.channel,
    Case.jurisdiction,
    Case.received_date,
    Case.owner,
    Case.priority,
    Case.organisation_ids,
    Case.closure_code,
    Case.version,
)


def case_list_query(
    filters: CaseListFilters, *, after: tuple[date, uuid.UUID] | None, limit: int
) -> Select[*tuple[Any, ...]]:
    """Newest received first, keyset on ``(received_date, id)``; one extra row tells of more.

    The indexes it is built for: ``ix_case_received_date_id`` walked backwards for the newest
    cases, ``ix_case_status_received_date_id`` per status (migration 0008), and
    ``ix_case_organisation_listing`` for an organisation (migration 0011).
    """
    keys: tuple[Any, Any] = (Case.received_date, Case.id)
    stmt = select(*CASE_LIST_COLUMNS)
    if filters.organisation_id is not None:
        # One organisation's cases come in order from ix_case_organisation_listing, whose
        # received_date and case_id are the case's own: the keyset is the same.
        link = CaseOrganisation
        stmt = stmt.join(link, link.case_id == Case.id).where(
            link.organisation_id == filters.organisation_id,
            link.role == OrganisationRole.original,
        )
        keys = (link.received_date, link.case_id)
    if filters.statuses:
        stmt = stmt.where(Case.status.in_(filters.statuses))
    if filters.owner is not None:
        stmt = stmt.where(Case.owner == filters.owner)
    if filters.case_type is not None:
        stmt = stmt.where(Case.case_type == filters.case_type)
    if filters.jurisdiction is not None:
        stmt = stmt.where(Case.jurisdiction == filters.jurisdiction)
    if filters.channel is not None:
        stmt = stmt.where(Case.channel == filters.channel)
    if filters.priority is not None:
        stmt = stmt.where(Case.priority == filters.priority)
    if filters.received_from is not None:
        stmt = stmt.where(keys[0] >= filters.received_from)
    if filters.received_to is not None:
        stmt = stmt.where(keys[0] <= filters.received_to)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) < tuple_(*after))
    return stmt.order_by(keys[0].desc(), keys[1].desc()).limit(limit + 1)


async def list_cases(
    session: AsyncSession,
    filters: CaseListFilters,
    *,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> Sequence[Row[*tuple[Any, ...]]]:
    return (await session.execute(case_list_query(filters, after=after, limit=limit))).all()

"""Every query of the cases module, except the two hot paths' statements (``hot_paths``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Row,
    Select,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import (
    Case,
    CaseApproval,
    CaseLink,
    CaseOrganisation,
    CaseParty,
    CaseStage,
    CaseSupport,
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
    SupportKind,
)
from intake_api.cases.state import CaseStatus
from shared.casework.ownership import Holding


async def get(session: AsyncSession, case_id: uuid.UUID) -> Case | None:
    return await session.get(Case, case_id)


def add(session: AsyncSession, row: object) -> None:
    session.add(row)


async def exists(session: AsyncSession, case_id: uuid.UUID) -> bool:
    return (await session.scalar(select(Case.id).where(Case.id == case_id))) is not None


async def stage_for_update(session: AsyncSession, case_id: uuid.UUID) -> CaseStage | None:
    """The register's projection of the case's later stage, locked until commit."""
    return await session.get(CaseStage, case_id, with_for_update=True, populate_existing=True)


async def parties(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CaseParty]:
    rows = await session.scalars(
        select(CaseParty).where(CaseParty.case_id == case_id).order_by(CaseParty.created_at)
    )
    return rows.all()


async def holding(session: AsyncSession, case_id: uuid.UUID) -> Holding | None:
    row = (await session.execute(select(Case.owner, Case.team).where(Case.id == case_id))).first()
    return None if row is None else Holding(owner=row.owner, team=row.team)


async def cases_of_party(
    session: AsyncSession, person_id: uuid.UUID, statuses: Sequence[CaseStatus]
) -> list[tuple[Case, list[str]]]:
    """The cases in ``statuses`` the person is a party on, each with the person's roles there."""
    rows = await session.execute(
        select(Case, CaseParty.role)
        .join(CaseParty, CaseParty.case_id == Case.id)
        .where(CaseParty.person_id == person_id, Case.status.in_(list(statuses)))
        .order_by(Case.id, CaseParty.role)
    )
    found: dict[uuid.UUID, tuple[Case, list[str]]] = {}
    for case, role in rows.all():
        found.setdefault(case.id, (case, []))[1].append(role.value)
    return list(found.values())


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


async def support(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CaseSupport]:
    rows = await session.scalars(
        select(CaseSupport)
        .where(CaseSupport.case_id == case_id)
        .order_by(CaseSupport.provided_at, CaseSupport.id)
    )
    return rows.all()


async def forms_awaiting_signature(session: AsyncSession, case_id: uuid.UUID) -> bool:
    """ASM-010: whether a form completed for the complainant has not come back signed."""
    outstanding = await session.scalar(
        select(CaseSupport.id).where(
            CaseSupport.case_id == case_id,
            CaseSupport.kind == SupportKind.complaint_form_completed_for_complainant,
            CaseSupport.signed_form_returned_at.is_(None),
        )
    )
    return outstanding is not None


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
    Case.team,
    Case.priority,
    Case.organisation_ids,
    Case.closure_code,
    Case.version,
)


def case_list_query(
    filters: CaseListFilters, *, after: tuple[date, uuid.UUID] | None, limit: int
) -> Select[*tuple[Any, ...]]:
    """Newest received first, keyset on ``(received_date, id)``: at most ``limit`` rows strictly
    after ``after`` (``shared.pagination.paginate`` asks for a page and one row more).

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
    return stmt.order_by(keys[0].desc(), keys[1].desc()).limit(limit)


async def list_cases(
    session: AsyncSession,
    filters: CaseListFilters,
    *,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> Sequence[Row[*tuple[Any, ...]]]:
    return (await session.execute(case_list_query(filters, after=after, limit=limit))).all()


async def undecided_approvals(
    session: AsyncSession, case_id: uuid.UUID, kind: str
) -> Sequence[CaseApproval]:
    """The case's undecided approvals of ``kind``, oldest first."""
    rows = await session.scalars(
        select(CaseApproval)
        .where(
            CaseApproval.case_id == case_id,
            CaseApproval.kind == kind,
            CaseApproval.decision.is_(None),
        )
        .order_by(CaseApproval.requested_at, CaseApproval.id)
    )
    return rows.all()


async def approvals(session: AsyncSession, case_id: uuid.UUID) -> Sequence[CaseApproval]:
    """Every approval asked for on the case, oldest first."""
    rows = await session.scalars(
        select(CaseApproval)
        .where(CaseApproval.case_id == case_id)
        .order_by(CaseApproval.requested_at, CaseApproval.id)
    )
    return rows.all()

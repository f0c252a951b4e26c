"""Work-queue queries: each queue is one SELECT over due and overdue deadlines (DESIGN §5).

Every queue reads one index in its own order and is keyset-paginated on its urgency key plus a
unique id (``shared.pagination.paginate``: each builder returns at most ``limit`` rows strictly
after the sort key ``after``), so a page costs about ``limit`` index entries whatever the
office's or the owner's size, and whatever the planner's statistics say (migration 0015; plus
the entries a queue's own test skips, one probe each: two-week-contact's reached complainants):
- the deadline queues range-scan the partial indexes of open clocks, ``ix_deadline_open_due``
  (kind, due_date), ``ix_deadline_open_effective_due`` (kind, effective_due_date) and
  ``ix_deadline_open_due_at`` (kind, due_at), then join the case by its primary key; for one
  owner, ``ix_deadline_owner_open_*`` (kind, case_owner, …, id), the owner being a column of
  the clock kept by PostgreSQL;
- ``my-open-cases`` reads ``ix_case_owner_next_due``: the owner's open cases by their next
  clock, a column of the case kept by PostgreSQL (no lookup per case);
- ``open-tasks`` reads ``ix_case_task_open`` (created_at, id), or ``ix_case_task_owner_open``;
- ``contacts-missing-discussion`` (INT-011) reads ``ix_contact_attempt_missing_discussion``
  (attempted_at, id) backwards, or ``ix_contact_attempt_owner_missing_discussion``.

The statuses and the far-future date are written into the SQL as literals, as the partial and
expression indexes spell them: a bound value would hide them from a prepared statement's
generic plan. And each page is read with sorting off (``NO_SORT``): for an owner the statistics
do not know (one whose cases were added since the last ANALYZE), the planner guesses an average
caseload and would rather fetch all of them and sort. Every owner's queue has an index in its
full keyset order, so its page needs no sort; the office-wide deadline indexes end at the due
date, so there only the clocks due on one date are put in id order (an incremental sort).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeAlias, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Row,
    Select,
    and_,
    func,
    literal_column,
    not_,
    select,
    text,
    true,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from intake_api.cases.models import (
    NO_DUE_DATE_SQL,
    OPEN_CASE_SQL,
    Case,
    CaseParty,
    CaseTask,
    ContactAttempt,
    Deadline,
    DeadlineKind,
    PartyRole,
)
from intake_api.cases.state import CaseStatus
from intake_api.workqueues.schemas import MissingDiscussion
from shared.casework.communications import ContactOutcome

Ts = TypeVarTuple("Ts")
QueueRow: TypeAlias = Row[*tuple[Any, ...]]
QueueSelect: TypeAlias = Select[*tuple[Any, ...]]

# INT-008: the case has not yet been passed on (joint-working review is a decision in progress).
AT_INTAKE = (CaseStatus.received, CaseStatus.intake, CaseStatus.awaiting_information)
# The predicate of ix_case_owner_next_due, and its sort key: a case with no open clock sorts
# after every real date, so the keyset stays NULL-free.
IS_OPEN_CASE = text(OPEN_CASE_SQL)
SORT_DUE = func.coalesce(Case.next_due_date, literal_column(NO_DUE_DATE_SQL, Date()))

IS_OPEN = (Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None))  # ix_deadline_open_* rows

CASE_COLUMNS = (
    Case.id.label("case_id"),
    Case.reference,
    Case.status,
    Case.owner,
    Case.received_date,
)
DEADLINE_COLUMNS = (Deadline.id.label("deadline_id"), Deadline.source_id)
# ``EXISTS (… OFFSET 0)``: PostgreSQL keeps such a test as a check on each row the queue's index
# gives (one probe of the other table's index by case), instead of turning it into a join it
# may start from, and sort, when its statistics misjudge the sizes.
PER_ROW: ColumnElement[int] = literal_column("0")
# For the page's own transaction (the request's, which reads nothing else afterwards).
NO_SORT = "SET LOCAL enable_sort = off"


async def _page(session: AsyncSession, stmt: QueueSelect) -> Sequence[QueueRow]:
    """The rows of one page, read in the queue's index order (see the module's docstring)."""
    await session.execute(text(NO_SORT))
    return (await session.execute(stmt)).all()


async def count(session: AsyncSession, stmt: QueueSelect) -> int:
    """How many rows the queue query ``stmt`` gives in all (its order and page limit dropped):
    the same index range its pages read, counted (``/metrics``)."""
    rows = stmt.order_by(None).limit(None).subquery()
    return int((await session.execute(select(func.count()).select_from(rows))).scalar_one())


def _owned_by(
    stmt: Select[*Ts], owner: str | None, case_owner: QueryableAttribute[str | None]
) -> Select[*Ts]:
    """Only ``owner``'s cases: the row's own copy of its case's owner, which leads the owner's
    index (after the clock's kind), so the owner's rows are one range in the queue's order."""
    if owner is None:
        return stmt
    return stmt.where(case_owner == owner)


def my_open_cases_query(
    *, owner: str, after: tuple[date, date, uuid.UUID] | None, limit: int
) -> QueueSelect:
    """The owner's open cases, nearest clock first: a range of ``ix_case_owner_next_due``."""
    stmt = select(
        *CASE_COLUMNS,
        Case.next_due_kind,
        Case.next_due_date,
        SORT_DUE.label("sort_due"),
    ).where(Case.owner == owner, IS_OPEN_CASE)
    keys = (SORT_DUE, Case.received_date, Case.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return stmt.order_by(*keys).limit(limit)


async def my_open_cases(
    session: AsyncSession,
    *,
    owner: str,
    after: tuple[date, date, uuid.UUID] | None,
    limit: int,
) -> Sequence[QueueRow]:
    return await _page(session, my_open_cases_query(owner=owner, after=after, limit=limit))


def overdue_acknowledgements_query(
    *, today: date, owner: str | None, after: tuple[date, uuid.UUID] | None, limit: int
) -> QueueSelect:
    stmt = (
        select(*CASE_COLUMNS, *DEADLINE_COLUMNS, Deadline.due_date)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.kind == DeadlineKind.acknowledgement, *IS_OPEN, Deadline.due_date < today)
    )
    stmt = _owned_by(stmt, owner, Deadline.case_owner)
    keys = (Deadline.due_date, Deadline.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return stmt.order_by(*keys).limit(limit)


async def overdue_acknowledgements(
    session: AsyncSession,
    *,
    today: date,
    owner: str | None,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> Sequence[QueueRow]:
    stmt = overdue_acknowledgements_query(today=today, owner=owner, after=after, limit=limit)
    return await _page(session, stmt)


def information_deadlines_passed_query(
    *, today: date, owner: str | None, after: tuple[date, uuid.UUID] | None, limit: int
) -> QueueSelect:
    """INT-016: the effective deadline is before ``today`` (never on the deadline day itself).

    A case in awaiting_information has exactly one open information deadline: T4 opens it from
    intake only, and T5 and closure meet or cancel every one.
    """
    due = Deadline.effective_due_date  # the latest agreed extension, else the original
    stmt = (
        select(
            *CASE_COLUMNS,
            *DEADLINE_COLUMNS,
            due.label("due_date"),
            Deadline.due_date.label("original_due_date"),
        )
        .join(Case, Case.id == Deadline.case_id)
        .where(
            Deadline.kind == DeadlineKind.information,
            *IS_OPEN,
            due < today,  # a range of ix_deadline_open_effective_due, in the queue's order
            Case.status == CaseStatus.awaiting_information,
        )
    )
    stmt, keys = _owned_by(stmt, owner, Deadline.case_owner), (due, Deadline.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return stmt.order_by(*keys).limit(limit)


async def information_deadlines_passed(
    session: AsyncSession,
    *,
    today: date,
    owner: str | None,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> Sequence[QueueRow]:
    stmt = information_deadlines_passed_query(today=today, owner=owner, after=after, limit=limit)
    return await _page(session, stmt)


def two_week_contact_query(
    *, due_by: date, owner: str | None, after: tuple[date, uuid.UUID] | None, limit: int
) -> QueueSelect:
    """INT-008: cases still at intake, two-week point by ``due_by``, complainant never reached."""
    complainant_reached = (
        select(ContactAttempt.id)
        .join(
            CaseParty,
            and_(
                CaseParty.case_id == ContactAttempt.case_id,
                CaseParty.person_id == ContactAttempt.person_id,
                CaseParty.role == PartyRole.complainant,
            ),
        )
        .where(ContactAttempt.case_id == Case.id, ContactAttempt.outcome == ContactOutcome.reached)
        .offset(PER_ROW)
        .exists()
    )
    stmt = (
        select(*CASE_COLUMNS, *DEADLINE_COLUMNS, Deadline.due_date)
        .join(Case, Case.id == Deadline.case_id)
        .where(
            Deadline.kind == DeadlineKind.intake_contact,
            *IS_OPEN,
            Deadline.due_date <= due_by,
            Case.status.in_(AT_INTAKE),
            ~complainant_reached,
        )
    )
    stmt = _owned_by(stmt, owner, Deadline.case_owner)
    keys = (Deadline.due_date, Deadline.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return stmt.order_by(*keys).limit(limit)


async def two_week_contact(
    session: AsyncSession,
    *,
    due_by: date,
    owner: str | None,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> Sequence[QueueRow]:
    stmt = two_week_contact_query(due_by=due_by, owner=owner, after=after, limit=limit)
    return await _page(session, stmt)


def overdue_callbacks_query(
    *, now: datetime, owner: str | None, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> QueueSelect:
    due_at = Deadline.due_at
    stmt = (
        select(*CASE_COLUMNS, *DEADLINE_COLUMNS, due_at)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.kind == DeadlineKind.callback, *IS_OPEN, due_at < now)
    )
    stmt, keys = _owned_by(stmt, owner, Deadline.case_owner), (due_at, Deadline.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return stmt.order_by(*keys).limit(limit)


async def overdue_callbacks(
    session: AsyncSession,
    *,
    now: datetime,
    owner: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[QueueRow]:
    stmt = overdue_callbacks_query(now=now, owner=owner, after=after, limit=limit)
    return await _page(session, stmt)


def open_tasks_query(
    *, owner: str | None, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> QueueSelect:
    """Tasks not yet done (ASM-039), the oldest first; ``ix_case_task_open`` is in this order."""
    stmt = (
        select(
            *CASE_COLUMNS,
            CaseTask.id.label("task_id"),
            CaseTask.kind,
            CaseTask.organisation_id,
            CaseTask.created_at,
        )
        .join(Case, Case.id == CaseTask.case_id)
        .where(CaseTask.done_at.is_(None))
    )
    stmt = _owned_by(stmt, owner, CaseTask.case_owner)
    keys = (CaseTask.created_at, CaseTask.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return stmt.order_by(*keys).limit(limit)


async def open_tasks(
    session: AsyncSession,
    *,
    owner: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[QueueRow]:
    stmt = open_tasks_query(owner=owner, after=after, limit=limit)
    return await _page(session, stmt)


def contacts_missing_discussion_query(
    *,
    missing: MissingDiscussion | None,
    owner: str | None,
    since: datetime | None,
    before: datetime | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> QueueSelect:
    """INT-011 (¶1.13): contacts that reached a complainant of the case without explaining what
    we can and cannot do, or without discussing reasonable adjustments; newest first.

    ``missing`` picks one of the two gaps (``None``: either); ``since`` is inclusive and
    ``before`` exclusive, both instants.
    """
    complainant = (
        select(CaseParty.id)
        .where(
            CaseParty.case_id == ContactAttempt.case_id,
            CaseParty.person_id == ContactAttempt.person_id,
            CaseParty.role == PartyRole.complainant,
        )
        .offset(PER_ROW)
        .exists()
    )
    # The predicate of the report's partial indexes, spelt as they are (literal outcome, NOT of
    # an AND) so PostgreSQL can prove the rows are in them; the columns are NOT NULL.
    explained = ContactAttempt.expectations_explained
    discussed = ContactAttempt.adjustments_discussed
    missing_either = and_(
        ContactAttempt.outcome == literal_column(f"'{ContactOutcome.reached.value}'"),
        not_(and_(explained, discussed)),
    )
    gap = {
        None: true(),
        MissingDiscussion.expectations: not_(explained),
        MissingDiscussion.adjustments: not_(discussed),
    }[missing]
    attempted_at = ContactAttempt.attempted_at
    stmt = (
        select(
            ContactAttempt.id.label("contact_id"),
            ContactAttempt.case_id,
            Case.reference,
            ContactAttempt.person_id,
            attempted_at,
            ContactAttempt.channel,
            ContactAttempt.direction,
            ContactAttempt.expectations_explained,
            ContactAttempt.adjustments_discussed,
            ContactAttempt.recorded_by,
        )
        .join(Case, Case.id == ContactAttempt.case_id)
        .where(missing_either, gap, complainant)
    )
    if since is not None:
        stmt = stmt.where(attempted_at >= since)
    if before is not None:
        stmt = stmt.where(attempted_at < before)
    stmt = _owned_by(stmt, owner, ContactAttempt.case_owner)
    keys = (attempted_at, ContactAttempt.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) < after)
    return stmt.order_by(*(key.desc() for key in keys)).limit(limit)


async def contacts_missing_discussion(
    session: AsyncSession,
    *,
    missing: MissingDiscussion | None,
    owner: str | None,
    since: datetime | None,
    before: datetime | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[QueueRow]:
    stmt = contacts_missing_discussion_query(
        missing=missing, owner=owner, since=since, before=before, after=after, limit=limit
    )
    return await _page(session, stmt)

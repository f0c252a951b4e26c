"""Intake work queues (DESIGN §5: queries over due and overdue items; requirements.md §C).

Each function is read-only and takes "today" (the Europe/London business date) or "now" from
the caller's clock, so the boundaries are exact and testable:

- C-01/INT-008 two-week contact: listed from ``within_days`` before the two-week point;
  ``overdue`` from the day after it.
- C-02/INT-016 information deadline: listed from the day after the deadline or the latest
  extension, never on the deadline day itself (¶1.20).
- C-03/¶1.27 acknowledgement: overdue from the day after the 10th working day.
- C-04/INT-030 call-back: overdue once 48 hours have passed (``due_at < now``, to the second).
- INT-011/¶1.13 contacts missing a discussion: ``from``/``to`` are London business dates of the
  contact, both inclusive (from 00:00 London on ``from`` to before 00:00 London the day after
  ``to``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.workqueues import repository
from intake_api.workqueues.repository import QueueRow
from intake_api.workqueues.schemas import (
    ContactMissingDiscussionItem,
    ContactMissingDiscussionPage,
    InformationDeadlinePassedItem,
    InformationDeadlinePassedPage,
    MissingDiscussion,
    OpenCaseItem,
    OpenCasePage,
    OpenTaskItem,
    OpenTaskPage,
    OverdueAcknowledgementItem,
    OverdueAcknowledgementPage,
    OverdueCallbackItem,
    OverdueCallbackPage,
    TwoWeekContactItem,
    TwoWeekContactPage,
)
from shared.calendar import WorkingCalendar
from shared.clock import BUSINESS_TIMEZONE
from shared.pagination import InvalidCursor, decode_cursor, encode_cursor

K = TypeVar("K")

# A cursor names its queue, so one queue's cursor is refused by another rather than misread.
MY_OPEN_CASES = "my-open-cases"
OVERDUE_ACKNOWLEDGEMENTS = "overdue-acknowledgements"
INFORMATION_DEADLINES_PASSED = "information-deadlines-passed"
TWO_WEEK_CONTACT = "two-week-contact"
OVERDUE_CALLBACKS = "overdue-callbacks"
OPEN_TASKS = "open-tasks"
CONTACTS_MISSING_DISCUSSION = "contacts-missing-discussion"


# --- cursors ---------------------------------------------------------------------------------


def _decode(
    cursor: str | None, queue: str, parse: Callable[[list[Any]], K], *, keys: int = 2
) -> K | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor, arity=1 + keys)
    try:
        if values[0] != queue:
            raise ValueError("cursor of another queue")
        return parse(values[1:])
    except (TypeError, ValueError, AttributeError) as exc:
        raise InvalidCursor("Use the next_cursor of a previous page as it was given") from exc


def _date_id(values: list[Any]) -> tuple[date, uuid.UUID]:
    return date.fromisoformat(values[0]), uuid.UUID(values[1])


def _at_id(values: list[Any]) -> tuple[datetime, uuid.UUID]:
    at = datetime.fromisoformat(values[0])
    if at.tzinfo is None:
        raise ValueError("naive timestamp")
    return at, uuid.UUID(values[1])


def _date_date_id(values: list[Any]) -> tuple[date, date, uuid.UUID]:
    return date.fromisoformat(values[0]), date.fromisoformat(values[1]), uuid.UUID(values[2])


def _split(
    rows: Sequence[QueueRow], limit: int, queue: str, key: Callable[[QueueRow], Sequence[Any]]
) -> tuple[Sequence[QueueRow], str | None]:
    page = rows[:limit]
    if len(rows) <= limit:
        return page, None
    values = [v.isoformat() if isinstance(v, date) else str(v) for v in key(page[-1])]
    return page, encode_cursor([queue, *values])


def _london_midnight(day: date) -> datetime:
    """The instant the business date ``day`` starts in Europe/London."""
    return datetime.combine(day, time.min, tzinfo=BUSINESS_TIMEZONE)


def _case(r: QueueRow) -> dict[str, Any]:
    return {
        "case_id": r.case_id,
        "reference": r.reference,
        "status": r.status,
        "owner": r.owner,
        "received_date": r.received_date,
    }


def _deadline(r: QueueRow) -> dict[str, Any]:
    return {**_case(r), "deadline_id": r.deadline_id, "source_id": r.source_id}


# --- queues ----------------------------------------------------------------------------------


async def my_open_cases(
    session: AsyncSession, *, owner: str, today: date, limit: int, cursor: str | None
) -> OpenCasePage:
    """The caller's cases still in intake, the one with the nearest clock first."""
    rows = await repository.my_open_cases(
        session,
        owner=owner,
        after=_decode(cursor, MY_OPEN_CASES, _date_date_id, keys=3),
        limit=limit,
    )
    page, next_cursor = _split(
        rows, limit, MY_OPEN_CASES, lambda r: (r.sort_due, r.received_date, r.case_id)
    )
    items = [
        OpenCaseItem(
            **_case(r),
            age_days=(today - r.received_date).days,
            next_due_date=r.next_due_date,
            next_due_kind=r.next_due_kind,
        )
        for r in page
    ]
    return OpenCasePage(items=items, next_cursor=next_cursor)


async def overdue_acknowledgements(
    session: AsyncSession,
    *,
    today: date,
    calendar: WorkingCalendar,
    owner: str | None,
    limit: int,
    cursor: str | None,
) -> OverdueAcknowledgementPage:
    """C-03, ¶1.27: contacts not acknowledged within 10 working days, the oldest first."""
    rows = await repository.overdue_acknowledgements(
        session,
        today=today,
        owner=owner,
        after=_decode(cursor, OVERDUE_ACKNOWLEDGEMENTS, _date_id),
        limit=limit,
    )
    page, next_cursor = _split(
        rows, limit, OVERDUE_ACKNOWLEDGEMENTS, lambda r: (r.due_date, r.deadline_id)
    )
    items = [
        OverdueAcknowledgementItem(
            **_deadline(r),
            due_date=r.due_date,
            days_overdue=(today - r.due_date).days,
            working_days_overdue=calendar.working_days_between(r.due_date, today),
        )
        for r in page
    ]
    return OverdueAcknowledgementPage(items=items, next_cursor=next_cursor)


async def information_deadlines_passed(
    session: AsyncSession, *, today: date, owner: str | None, limit: int, cursor: str | None
) -> InformationDeadlinePassedPage:
    """C-02, INT-016: cases ready to close as 'withdrawn', the longest-passed first."""
    rows = await repository.information_deadlines_passed(
        session,
        today=today,
        owner=owner,
        after=_decode(cursor, INFORMATION_DEADLINES_PASSED, _date_id),
        limit=limit,
    )
    page, next_cursor = _split(
        rows, limit, INFORMATION_DEADLINES_PASSED, lambda r: (r.due_date, r.deadline_id)
    )
    items = [
        InformationDeadlinePassedItem(
            **_deadline(r),
            due_date=r.due_date,
            original_due_date=r.original_due_date,
            extended=r.due_date != r.original_due_date,
            days_past=(today - r.due_date).days,
        )
        for r in page
    ]
    return InformationDeadlinePassedPage(items=items, next_cursor=next_cursor)


async def two_week_contact(
    session: AsyncSession,
    *,
    today: date,
    within_days: int,
    owner: str | None,
    limit: int,
    cursor: str | None,
) -> TwoWeekContactPage:
    """C-01, INT-008: complainants not yet reached whose case nears or passed two weeks."""
    rows = await repository.two_week_contact(
        session,
        due_by=today + timedelta(days=within_days),
        owner=owner,
        after=_decode(cursor, TWO_WEEK_CONTACT, _date_id),
        limit=limit,
    )
    page, next_cursor = _split(rows, limit, TWO_WEEK_CONTACT, lambda r: (r.due_date, r.deadline_id))
    items = [
        TwoWeekContactItem(
            **_deadline(r),
            due_date=r.due_date,
            days_remaining=(r.due_date - today).days,
            overdue=r.due_date < today,
        )
        for r in page
    ]
    return TwoWeekContactPage(items=items, next_cursor=next_cursor)


async def overdue_callbacks(
    session: AsyncSession, *, now: datetime, owner: str | None, limit: int, cursor: str | None
) -> OverdueCallbackPage:
    """C-04, INT-030: call-back requests not returned within 48 hours, the oldest first."""
    rows = await repository.overdue_callbacks(
        session,
        now=now,
        owner=owner,
        after=_decode(cursor, OVERDUE_CALLBACKS, _at_id),
        limit=limit,
    )
    page, next_cursor = _split(rows, limit, OVERDUE_CALLBACKS, lambda r: (r.due_at, r.deadline_id))
    items = [
        OverdueCallbackItem(
            **_deadline(r),
            due_at=r.due_at,
            minutes_overdue=int((now - r.due_at).total_seconds() // 60),
        )
        for r in page
    ]
    return OverdueCallbackPage(items=items, next_cursor=next_cursor)


async def open_tasks(
    session: AsyncSession, *, owner: str | None, limit: int, cursor: str | None
) -> OpenTaskPage:
    """Follow-up tasks rules left on cases (ASM-039) and not yet done, the oldest first."""
    rows = await repository.open_tasks(
        session, owner=owner, after=_decode(cursor, OPEN_TASKS, _at_id), limit=limit
    )
    page, next_cursor = _split(rows, limit, OPEN_TASKS, lambda r: (r.created_at, r.task_id))
    items = [
        OpenTaskItem(
            **_case(r),
            task_id=r.task_id,
            kind=r.kind,
            organisation_id=r.organisation_id,
            created_at=r.created_at,
        )
        for r in page
    ]
    return OpenTaskPage(items=items, next_cursor=next_cursor)


async def contacts_missing_discussion(
    session: AsyncSession,
    *,
    missing: MissingDiscussion | None,
    owner: str | None,
    from_date: date | None,
    to_date: date | None,
    limit: int,
    cursor: str | None,
) -> ContactMissingDiscussionPage:
    """INT-011, ¶1.13: contacts in which the complainant was reached but what we can and cannot
    do was not explained, or reasonable adjustments were not discussed; the newest first."""
    rows = await repository.contacts_missing_discussion(
        session,
        missing=missing,
        owner=owner,
        since=None if from_date is None else _london_midnight(from_date),
        # The last representable date has no day after it, and no contact after it either.
        before=None
        if to_date is None or to_date == date.max
        else _london_midnight(to_date + timedelta(days=1)),
        after=_decode(cursor, CONTACTS_MISSING_DISCUSSION, _at_id),
        limit=limit,
    )
    page, next_cursor = _split(
        rows, limit, CONTACTS_MISSING_DISCUSSION, lambda r: (r.attempted_at, r.contact_id)
    )
    items = [
        ContactMissingDiscussionItem(
            contact_id=r.contact_id,
            case_id=r.case_id,
            reference=r.reference,
            person_id=r.person_id,
            attempted_at=r.attempted_at,
            channel=r.channel,
            direction=r.direction,
            expectations_explained=r.expectations_explained,
            adjustments_discussed=r.adjustments_discussed,
            recorded_by=r.recorded_by,
        )
        for r in page
    ]
    return ContactMissingDiscussionPage(items=items, next_cursor=next_cursor)

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

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.errors import InvalidDateRange
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
from shared.clock import BUSINESS_TIMEZONE, Clock
from shared.metrics import QueueCounts, WorkQueue
from shared.pagination import Keyset, key_date, key_datetime, key_uuid, paginate

# Each queue's cursor is named after the queue (its path), so one queue's cursor is refused by
# another rather than misread.
MY_OPEN_CASES = Keyset("my-open-cases", (key_date, key_date, key_uuid))
OVERDUE_ACKNOWLEDGEMENTS = Keyset("overdue-acknowledgements", (key_date, key_uuid))
INFORMATION_DEADLINES_PASSED = Keyset("information-deadlines-passed", (key_date, key_uuid))
TWO_WEEK_CONTACT = Keyset("two-week-contact", (key_date, key_uuid))
OVERDUE_CALLBACKS = Keyset("overdue-callbacks", (key_datetime, key_uuid))
OPEN_TASKS = Keyset("open-tasks", (key_datetime, key_uuid))
CONTACTS_MISSING_DISCUSSION = Keyset("contacts-missing-discussion", (key_datetime, key_uuid))


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
    return await paginate(
        lambda after, n: repository.my_open_cases(session, owner=owner, after=after, limit=n),
        keyset=MY_OPEN_CASES,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.sort_due, r.received_date, r.case_id),
        item=lambda r: OpenCaseItem(
            **_case(r),
            age_days=(today - r.received_date).days,
            next_due_date=r.next_due_date,
            next_due_kind=r.next_due_kind,
        ),
        page=OpenCasePage,
    )


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
    return await paginate(
        lambda after, n: repository.overdue_acknowledgements(
            session, today=today, owner=owner, after=after, limit=n
        ),
        keyset=OVERDUE_ACKNOWLEDGEMENTS,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.due_date, r.deadline_id),
        item=lambda r: OverdueAcknowledgementItem(
            **_deadline(r),
            due_date=r.due_date,
            days_overdue=(today - r.due_date).days,
            working_days_overdue=calendar.working_days_between(r.due_date, today),
        ),
        page=OverdueAcknowledgementPage,
    )


async def information_deadlines_passed(
    session: AsyncSession, *, today: date, owner: str | None, limit: int, cursor: str | None
) -> InformationDeadlinePassedPage:
    """C-02, INT-016: cases ready to close as 'withdrawn', the longest-passed first."""
    return await paginate(
        lambda after, n: repository.information_deadlines_passed(
            session, today=today, owner=owner, after=after, limit=n
        ),
        keyset=INFORMATION_DEADLINES_PASSED,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.due_date, r.deadline_id),
        item=lambda r: InformationDeadlinePassedItem(
            **_deadline(r),
            due_date=r.due_date,
            original_due_date=r.original_due_date,
            extended=r.due_date != r.original_due_date,
            days_past=(today - r.due_date).days,
        ),
        page=InformationDeadlinePassedPage,
    )


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
    return await paginate(
        lambda after, n: repository.two_week_contact(
            session, due_by=today + timedelta(days=within_days), owner=owner, after=after, limit=n
        ),
        keyset=TWO_WEEK_CONTACT,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.due_date, r.deadline_id),
        item=lambda r: TwoWeekContactItem(
            **_deadline(r),
            due_date=r.due_date,
            days_remaining=(r.due_date - today).days,
            overdue=r.due_date < today,
        ),
        page=TwoWeekContactPage,
    )


async def overdue_callbacks(
    session: AsyncSession, *, now: datetime, owner: str | None, limit: int, cursor: str | None
) -> OverdueCallbackPage:
    """C-04, INT-030: call-back requests not returned within 48 hours, the oldest first."""
    return await paginate(
        lambda after, n: repository.overdue_callbacks(
            session, now=now, owner=owner, after=after, limit=n
        ),
        keyset=OVERDUE_CALLBACKS,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.due_at, r.deadline_id),
        item=lambda r: OverdueCallbackItem(
            **_deadline(r),
            due_at=r.due_at,
            minutes_overdue=int((now - r.due_at).total_seconds() // 60),
        ),
        page=OverdueCallbackPage,
    )


async def open_tasks(
    session: AsyncSession, *, owner: str | None, limit: int, cursor: str | None
) -> OpenTaskPage:
    """Follow-up tasks rules left on cases (ASM-039) and not yet done, the oldest first."""
    return await paginate(
        lambda after, n: repository.open_tasks(session, owner=owner, after=after, limit=n),
        keyset=OPEN_TASKS,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.created_at, r.task_id),
        item=lambda r: OpenTaskItem(
            **_case(r),
            task_id=r.task_id,
            kind=r.kind,
            organisation_id=r.organisation_id,
            created_at=r.created_at,
        ),
        page=OpenTaskPage,
    )


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
    if from_date is not None and to_date is not None and from_date > to_date:
        raise InvalidDateRange("from is after to")
    since = None if from_date is None else _london_midnight(from_date)
    # The last representable date has no day after it, and no contact after it either.
    before = (
        None
        if to_date is None or to_date == date.max
        else _london_midnight(to_date + timedelta(days=1))
    )
    return await paginate(
        lambda after, n: repository.contacts_missing_discussion(
            session,
            missing=missing,
            owner=owner,
            since=since,
            before=before,
            after=after,
            limit=n,
        ),
        keyset=CONTACTS_MISSING_DISCUSSION,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.attempted_at, r.contact_id),
        item=lambda r: ContactMissingDiscussionItem(
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
        ),
        page=ContactMissingDiscussionPage,
    )


# --- the queues' sizes on /metrics (shared.metrics) --------------------------------------------
# Each queue's own query, counted twice: with no bound on the due point (every open item it
# tracks) and with today's (the overdue ones, which its overdue list shows).

NO_BOUND_DATE = date.max
NO_BOUND_INSTANT = datetime.max.replace(tzinfo=UTC)


async def _acknowledgement_counts(session: AsyncSession, clock: Clock) -> QueueCounts:
    def query(today: date) -> repository.QueueSelect:
        return repository.overdue_acknowledgements_query(
            today=today, owner=None, after=None, limit=1
        )

    return QueueCounts(
        size=await repository.count(session, query(NO_BOUND_DATE)),
        overdue=await repository.count(session, query(clock.today())),
    )


async def _information_deadline_counts(session: AsyncSession, clock: Clock) -> QueueCounts:
    def query(today: date) -> repository.QueueSelect:
        return repository.information_deadlines_passed_query(
            today=today, owner=None, after=None, limit=1
        )

    return QueueCounts(
        size=await repository.count(session, query(NO_BOUND_DATE)),
        overdue=await repository.count(session, query(clock.today())),
    )


async def _two_week_contact_counts(session: AsyncSession, clock: Clock) -> QueueCounts:
    def query(due_by: date) -> repository.QueueSelect:
        return repository.two_week_contact_query(due_by=due_by, owner=None, after=None, limit=1)

    # Overdue from the day after the two-week point: due before today.
    return QueueCounts(
        size=await repository.count(session, query(NO_BOUND_DATE)),
        overdue=await repository.count(session, query(clock.today() - timedelta(days=1))),
    )


async def _callback_counts(session: AsyncSession, clock: Clock) -> QueueCounts:
    def query(now: datetime) -> repository.QueueSelect:
        return repository.overdue_callbacks_query(now=now, owner=None, after=None, limit=1)

    return QueueCounts(
        size=await repository.count(session, query(NO_BOUND_INSTANT)),
        overdue=await repository.count(session, query(clock.now())),
    )


async def _open_task_counts(session: AsyncSession, clock: Clock) -> QueueCounts:
    # A task has no due point: its size only.
    query = repository.open_tasks_query(owner=None, after=None, limit=1)
    return QueueCounts(size=await repository.count(session, query))


WORK_QUEUES = (
    WorkQueue("overdue-acknowledgements", _acknowledgement_counts),
    WorkQueue("information-deadlines-passed", _information_deadline_counts),
    WorkQueue("two-week-contact", _two_week_contact_counts),
    WorkQueue("overdue-callbacks", _callback_counts),
    WorkQueue("open-tasks", _open_task_counts),
)

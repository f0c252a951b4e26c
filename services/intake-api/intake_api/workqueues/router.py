"""Intake work queues: read-only queries over due and overdue clocks (DESIGN §5, requirements §C).

"Today" and "now" come from the clock dependency (Europe/London business date). Each queue is
keyset-paginated and ordered most urgent first; the INT-011 report of contacts missing a
discussion is ordered newest contact first. The queue of undecided reasonable-adjustment
requests lives with the people module: ``GET /v1/people/reasonable-adjustments?status=requested``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from intake_api.cases.dependencies import Calendar, CaseReader, OwnerQuery
from intake_api.cases.errors import InvalidDateRange
from intake_api.workqueues import service
from intake_api.workqueues.schemas import (
    ContactMissingDiscussionPage,
    InformationDeadlinePassedPage,
    MissingDiscussion,
    OpenCasePage,
    OpenTaskPage,
    OverdueAcknowledgementPage,
    OverdueCallbackPage,
    TwoWeekContactPage,
)
from shared.clock import ClockDep
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import IsoDate

router = APIRouter(prefix="/v1/work-queues", tags=["work-queues"])

LIST = problem_responses(400, 401, 403, 422, 429)


@router.get("/my-open-cases", response_model=OpenCasePage, responses=LIST)
async def my_open_cases(
    principal: CaseReader,
    session: DbSession,
    clock: ClockDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> OpenCasePage:
    """The caller's cases still in intake, the one with the nearest deadline first."""
    return await service.my_open_cases(
        session, owner=principal.sub, today=clock.today(), limit=limit, cursor=cursor
    )


@router.get("/overdue-acknowledgements", response_model=OverdueAcknowledgementPage, responses=LIST)
async def overdue_acknowledgements(
    principal: CaseReader,
    session: DbSession,
    clock: ClockDep,
    calendar: Calendar,
    owner: OwnerQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> OverdueAcknowledgementPage:
    """Contacts not acknowledged within 10 working days (C-03, ¶1.27), oldest due first."""
    return await service.overdue_acknowledgements(
        session, today=clock.today(), calendar=calendar, owner=owner, limit=limit, cursor=cursor
    )


@router.get(
    "/information-deadlines-passed", response_model=InformationDeadlinePassedPage, responses=LIST
)
async def information_deadlines_passed(
    principal: CaseReader,
    session: DbSession,
    clock: ClockDep,
    owner: OwnerQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> InformationDeadlinePassedPage:
    """Cases past their information deadline or extension: close as 'withdrawn' (INT-016)."""
    return await service.information_deadlines_passed(
        session, today=clock.today(), owner=owner, limit=limit, cursor=cursor
    )


@router.get("/two-week-contact", response_model=TwoWeekContactPage, responses=LIST)
async def two_week_contact(
    principal: CaseReader,
    session: DbSession,
    clock: ClockDep,
    within_days: Annotated[
        int, Query(ge=0, le=14, description="Include cases whose two-week point is this close")
    ] = 3,
    owner: OwnerQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> TwoWeekContactPage:
    """Complainants not yet reached whose case nears or passed two weeks at intake (INT-008)."""
    return await service.two_week_contact(
        session, today=clock.today(), within_days=within_days, owner=owner, limit=limit,
        cursor=cursor,
    )  # fmt: skip


@router.get("/overdue-callbacks", response_model=OverdueCallbackPage, responses=LIST)
async def overdue_callbacks(
    principal: CaseReader,
    session: DbSession,
    clock: ClockDep,
    owner: OwnerQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> OverdueCallbackPage:
    """Call-back requests not returned within 48 hours (C-04, INT-030), oldest due first."""
    return await service.overdue_callbacks(
        session, now=clock.now(), owner=owner, limit=limit, cursor=cursor
    )


@router.get("/open-tasks", response_model=OpenTaskPage, responses=LIST)
async def open_tasks(
    principal: CaseReader,
    session: DbSession,
    owner: OwnerQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> OpenTaskPage:
    """Follow-up tasks not yet done (e.g. ASM-039 ask for a written response), oldest first."""
    return await service.open_tasks(session, owner=owner, limit=limit, cursor=cursor)


@router.get(
    "/contacts-missing-discussion", response_model=ContactMissingDiscussionPage, responses=LIST
)
async def contacts_missing_discussion(
    principal: CaseReader,
    session: DbSession,
    missing: Annotated[
        MissingDiscussion | None,
        Query(description="Only this gap: 'expectations' or 'adjustments'; omitted, either"),
    ] = None,
    owner: OwnerQuery = None,
    from_date: Annotated[
        IsoDate | None,
        Query(alias="from", description="Contacts on or after this date (Europe/London)"),
    ] = None,
    to_date: Annotated[
        IsoDate | None,
        Query(alias="to", description="Contacts on or before this date (Europe/London)"),
    ] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> ContactMissingDiscussionPage:
    """Contacts that reached the complainant without explaining what we can and cannot do, or
    without discussing reasonable adjustments (INT-011, ¶1.13), newest first."""
    if from_date is not None and to_date is not None and from_date > to_date:
        raise InvalidDateRange("from is after to")
    return await service.contacts_missing_discussion(
        session, missing=missing, owner=owner, from_date=from_date, to_date=to_date, limit=limit,
        cursor=cursor,
    )  # fmt: skip

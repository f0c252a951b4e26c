"""Intake work queues: read-only queries over due and overdue clocks (DESIGN §5, requirements §C).

"Today" and "now" come from the clock dependency (Europe/London business date). Each queue is
keyset-paginated and ordered most urgent first; the INT-011 report of contacts missing a
discussion is ordered newest contact first. The queue of undecided reasonable-adjustment
requests lives with the people module: ``GET /v1/people/reasonable-adjustments?status=requested``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from intake_api.workqueues import service
from intake_api.workqueues.dependencies import LIST, Calendar, CaseReader, OwnerQuery
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
from shared.http_api.responses import resource_response
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import IsoDate

router = APIRouter(prefix="/v1/work-queues", tags=["work-queues"])


@router.get("/my-open-cases", response_model=OpenCasePage, responses=LIST)
async def my_open_cases(
    principal: CaseReader,
    session: DbSession,
    clock: ClockDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """The caller's cases still in intake, the one with the nearest deadline first."""
    page = await service.my_open_cases(
        session, owner=principal.sub, today=clock.today(), limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.get("/overdue-acknowledgements", response_model=OverdueAcknowledgementPage, responses=LIST)
async def overdue_acknowledgements(
    principal: CaseReader,
    session: DbSession,
    clock: ClockDep,
    calendar: Calendar,
    owner: OwnerQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Contacts not acknowledged within 10 working days (C-03, ¶1.27), oldest due first."""
    page = await service.overdue_acknowledgements(
        session, today=clock.today(), calendar=calendar, owner=owner, limit=limit, cursor=cursor
    )
    return resource_response(page)


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
) -> Response:
    """Cases past their information deadline or extension: close as 'withdrawn' (INT-016)."""
    page = await service.information_deadlines_passed(
        session, today=clock.today(), owner=owner, limit=limit, cursor=cursor
    )
    return resource_response(page)


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
) -> Response:
    """Complainants not yet reached whose case nears or passed two weeks at intake (INT-008)."""
    page = await service.two_week_contact(
        session, today=clock.today(), within_days=within_days, owner=owner, limit=limit,
        cursor=cursor,
    )  # fmt: skip
    return resource_response(page)


@router.get("/overdue-callbacks", response_model=OverdueCallbackPage, responses=LIST)
async def overdue_callbacks(
    principal: CaseReader,
    session: DbSession,
    clock: ClockDep,
    owner: OwnerQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Call-back requests not returned within 48 hours (C-04, INT-030), oldest due first."""
    page = await service.overdue_callbacks(
        session, now=clock.now(), owner=owner, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.get("/open-tasks", response_model=OpenTaskPage, responses=LIST)
async def open_tasks(
    principal: CaseReader,
    session: DbSession,
    owner: OwnerQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Follow-up tasks not yet done (e.g. ASM-039 ask for a written response), oldest first."""
    page = await service.open_tasks(session, owner=owner, limit=limit, cursor=cursor)
    return resource_response(page)


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
) -> Response:
    """Contacts that reached the complainant without explaining what we can and cannot do, or
    without discussing reasonable adjustments (INT-011, ¶1.13), newest first."""
    page = await service.contacts_missing_discussion(
        session, missing=missing, owner=owner, from_date=from_date, to_date=to_date, limit=limit,
        cursor=cursor,
    )  # fmt: skip
    return resource_response(page)

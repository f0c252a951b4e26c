"""Reasonable adjustments (their queue across everyone, and a person's) and other accessibility
requests under ``/v1/people``."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from intake_api.people import adjustments
from intake_api.people.dependencies import (
    ACT,
    CREATE,
    LIST,
    READ,
    TOP_LIST,
    PersonId,
    PersonReader,
    PersonWriter,
    RaWriter,
)
from intake_api.people.schemas_adjustments import (
    AccessibilityRequestClose,
    AccessibilityRequestCreate,
    AccessibilityRequestPage,
    AccessibilityRequestRead,
    ReasonableAdjustmentAgree,
    ReasonableAdjustmentCreate,
    ReasonableAdjustmentOutcomeLetter,
    ReasonableAdjustmentPage,
    ReasonableAdjustmentRead,
    ReasonableAdjustmentRefusal,
)
from intake_api.people.state import RaStatus
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter()


# --- reasonable adjustments ------------------------------------------------------------------


@router.get("/reasonable-adjustments", response_model=ReasonableAdjustmentPage, responses=TOP_LIST)
async def reasonable_adjustment_queue(
    principal: PersonReader,
    session: DbSession,
    status: Annotated[
        RaStatus, Query(description="'requested' gives the undecided requests")
    ] = RaStatus.requested,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Work queue of reasonable-adjustment requests in one status, oldest first."""
    page = await adjustments.list_reasonable_adjustments(
        session, person_id=None, status=status, actor=principal, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.post(
    "/{person_id}/reasonable-adjustments",
    status_code=201,
    response_model=ReasonableAdjustmentRead,
    responses=CREATE,
)
async def request_reasonable_adjustment(
    request: Request,
    person_id: PersonId,
    body: ReasonableAdjustmentCreate,
    principal: RaWriter,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Log a reasonable-adjustment request under the Equality Act 2010."""
    ra = await adjustments.request_reasonable_adjustment(
        session, person_id=person_id, data=body, actor=principal, now=clock.now()
    )
    read = ReasonableAdjustmentRead.model_validate(ra)
    location = request.url_for(
        "get_reasonable_adjustment", person_id=str(read.person_id), ra_id=str(read.id)
    ).path
    return await idem.save(
        resource_response(read, status_code=201, version=read.version, location=str(location))
    )


@router.get(
    "/{person_id}/reasonable-adjustments", response_model=ReasonableAdjustmentPage, responses=LIST
)
async def list_reasonable_adjustments(
    person_id: PersonId,
    principal: PersonReader,
    session: DbSession,
    status: RaStatus | None = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """List the person's reasonable-adjustment requests, oldest first (audited)."""
    page = await adjustments.list_reasonable_adjustments(
        session, person_id=person_id, status=status, actor=principal, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.get(
    "/{person_id}/reasonable-adjustments/{ra_id}",
    name="get_reasonable_adjustment",
    response_model=ReasonableAdjustmentRead,
    responses=READ,
)
async def get_reasonable_adjustment(
    person_id: PersonId, ra_id: uuid.UUID, principal: PersonReader, session: DbSession
) -> Response:
    """Read one reasonable-adjustment request (audited); the ETag carries its version."""
    ra = await adjustments.get_reasonable_adjustment(
        session, person_id=person_id, ra_id=ra_id, actor=principal
    )
    read = ReasonableAdjustmentRead.model_validate(ra)
    return resource_response(read, version=read.version)


@router.post(
    "/{person_id}/reasonable-adjustments/{ra_id}/agree",
    response_model=ReasonableAdjustmentRead,
    responses=ACT,
)
async def agree_reasonable_adjustment(
    person_id: PersonId,
    ra_id: uuid.UUID,
    body: ReasonableAdjustmentAgree,
    principal: RaWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Agree the adjustment, with the disability type and the date agreed."""
    ra = await adjustments.agree_reasonable_adjustment(
        session,
        person_id=person_id,
        ra_id=ra_id,
        data=body,
        actor=principal,
        now=clock.now(),
        today=clock.today(),
        if_match=if_match,
    )
    read = ReasonableAdjustmentRead.model_validate(ra)
    return resource_response(read, version=read.version)


@router.post(
    "/{person_id}/reasonable-adjustments/{ra_id}/refuse",
    response_model=ReasonableAdjustmentRead,
    responses=ACT,
)
async def refuse_reasonable_adjustment(
    person_id: PersonId,
    ra_id: uuid.UUID,
    body: ReasonableAdjustmentRefusal,
    principal: RaWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Decide the adjustment is not reasonable, with reasons; the Legal Team must be told."""
    ra = await adjustments.refuse_reasonable_adjustment(
        session,
        person_id=person_id,
        ra_id=ra_id,
        data=body,
        actor=principal,
        now=clock.now(),
        today=clock.today(),
        if_match=if_match,
    )
    read = ReasonableAdjustmentRead.model_validate(ra)
    return resource_response(read, version=read.version)


@router.post(
    "/{person_id}/reasonable-adjustments/{ra_id}/record-outcome-letter",
    response_model=ReasonableAdjustmentRead,
    responses=ACT,
)
async def record_outcome_letter(
    person_id: PersonId,
    ra_id: uuid.UUID,
    body: ReasonableAdjustmentOutcomeLetter,
    principal: RaWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Record the letter that confirmed the outcome of the request."""
    ra = await adjustments.record_outcome_letter(
        session,
        person_id=person_id,
        ra_id=ra_id,
        data=body,
        actor=principal,
        now=clock.now(),
        today=clock.today(),
        if_match=if_match,
    )
    read = ReasonableAdjustmentRead.model_validate(ra)
    return resource_response(read, version=read.version)


# --- other accessibility requests ------------------------------------------------------------


@router.post(
    "/{person_id}/accessibility-requests",
    status_code=201,
    response_model=AccessibilityRequestRead,
    responses=CREATE,
)
async def record_accessibility_request(
    person_id: PersonId,
    body: AccessibilityRequestCreate,
    principal: PersonWriter,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Record accessibility help outside the Equality Act, or an anticipatory adjustment."""
    item = await adjustments.record_accessibility_request(
        session, person_id=person_id, data=body, actor=principal, now=clock.now()
    )
    read = AccessibilityRequestRead.model_validate(item)
    return await idem.save(resource_response(read, status_code=201, version=read.version))


@router.get(
    "/{person_id}/accessibility-requests", response_model=AccessibilityRequestPage, responses=LIST
)
async def list_accessibility_requests(
    person_id: PersonId,
    principal: PersonReader,
    session: DbSession,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """List the person's other accessibility requests and notes (audited)."""
    page = await adjustments.list_accessibility_requests(
        session, person_id=person_id, actor=principal, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.post(
    "/{person_id}/accessibility-requests/{request_id}/close",
    response_model=AccessibilityRequestRead,
    responses=ACT,
)
async def close_accessibility_request(
    person_id: PersonId,
    request_id: uuid.UUID,
    body: AccessibilityRequestClose,
    principal: PersonWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Close an accessibility request or anticipatory note with an outcome note."""
    item = await adjustments.close_accessibility_request(
        session,
        person_id=person_id,
        request_id=request_id,
        data=body,
        actor=principal,
        now=clock.now(),
        if_match=if_match,
    )
    read = AccessibilityRequestRead.model_validate(item)
    return resource_response(read, version=read.version)

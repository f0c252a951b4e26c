from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from intake_api.people import service
from intake_api.people.dependencies import (
    ForCase,
    PersonId,
    PersonReader,
    PersonWriter,
    RaWriter,
)
from intake_api.people.schemas import (
    AccessibilityRequestClose,
    AccessibilityRequestCreate,
    AccessibilityRequestPage,
    AccessibilityRequestRead,
    CallVerificationStatus,
    ConsentCreate,
    ConsentPage,
    ConsentRead,
    ConsentWithdrawal,
    ContactCard,
    IdentityVerificationCreate,
    IdentityVerificationPage,
    IdentityVerificationRead,
    MpDeactivation,
    MpDeactivationRequestPage,
    MpSuccessionCreate,
    MpSuccessionRead,
    PersonCreate,
    PersonPage,
    PersonRead,
    PersonUpdate,
    ReasonableAdjustmentAgree,
    ReasonableAdjustmentCreate,
    ReasonableAdjustmentOutcomeLetter,
    ReasonableAdjustmentPage,
    ReasonableAdjustmentRead,
    ReasonableAdjustmentRefusal,
)
from intake_api.people.state import RaStatus
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader, make_etag
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import QueryBool

router = APIRouter(prefix="/v1/people", tags=["people"])

CREATE = problem_responses(401, 403, 404, 409, 413, 422, 429)
READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 404, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 429)
TOP_CREATE = problem_responses(401, 403, 409, 413, 422, 429)
TOP_LIST = problem_responses(400, 401, 403, 422, 429)

# PostgreSQL text cannot hold NUL: refuse it as a 422 rather than fail with a 500.
NO_NUL = r"^[^\x00]*$"
SearchText = Annotated[str | None, Query(min_length=1, max_length=254, pattern=NO_NUL)]
CallRef = Annotated[
    str, Query(min_length=1, max_length=200, pattern=NO_NUL, description="The call's reference")
]


def _respond(
    body: BaseModel,
    *,
    status_code: int = 200,
    version: int | None = None,
    location: str | None = None,
) -> Response:
    # Personal data: never cached by intermediaries or browsers.
    headers = {"Cache-Control": "no-store"}
    if version is not None:
        headers["ETag"] = make_etag(version)
    if location is not None:
        headers["Location"] = location
    return JSONResponse(body.model_dump(mode="json"), status_code=status_code, headers=headers)


# --- people ----------------------------------------------------------------------------------


@router.post("", status_code=201, response_model=PersonRead, responses=TOP_CREATE)
async def create_person(
    request: Request,
    body: PersonCreate,
    principal: PersonWriter,
    session: DbSession,
    idem: IdempotencyDep,
) -> Response:
    """Record a person, an organisation acting as a party, or an MP."""
    person = await service.create_person(session, data=body, actor=principal)
    location = str(request.url_for("get_person", person_id=str(person.id)).path)
    return await idem.save(
        _respond(person, status_code=201, version=person.version, location=location)
    )


@router.get("", response_model=PersonPage, responses=TOP_LIST)
async def search_people(
    principal: PersonReader,
    session: DbSession,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
    name: SearchText = None,
    email: SearchText = None,
    phone: SearchText = None,
    postcode: SearchText = None,
) -> Response:
    """Find earlier contacts by name, email, phone or postcode (all given must match)."""
    page = await service.search_people(
        session,
        name=name,
        email=email,
        phone=phone,
        postcode=postcode,
        limit=limit,
        cursor=cursor,
        actor=principal,
    )
    return _respond(page)


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
    page = await service.list_reasonable_adjustments(
        session, person_id=None, status=status, actor=principal, limit=limit, cursor=cursor
    )
    return _respond(page)


@router.get(
    "/mp-deactivation-requests", response_model=MpDeactivationRequestPage, responses=TOP_LIST
)
async def mp_deactivation_requests(
    principal: PersonReader,
    session: DbSession,
    open_only: Annotated[
        QueryBool, Query(alias="open", description="Only uncompleted ones")
    ] = True,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Requests to make old MP records inactive, oldest first."""
    page = await service.list_mp_deactivation_requests(
        session, open_only=open_only, limit=limit, cursor=cursor
    )
    return _respond(page)


# ``:uuid`` so that /v1/people/reasonable-adjustments and its static siblings are never read as a
# person id: a PATCH there is a 405, as for any method the path does not serve.
@router.get("/{person_id:uuid}", name="get_person", response_model=PersonRead, responses=READ)
async def get_person(
    person_id: PersonId, principal: PersonReader, session: DbSession, case_id: ForCase = None
) -> Response:
    """Read a person's record (audited); the ETag header carries its version."""
    person = await service.read_person(
        session, person_id=person_id, actor=principal, case_id=case_id
    )
    return _respond(person, version=person.version)


@router.patch(
    "/{person_id:uuid}",
    response_model=PersonRead,
    responses=problem_responses(401, 403, 404, 412, 413, 422, 428, 429),
)
async def update_person(
    person_id: PersonId,
    body: PersonUpdate,
    principal: PersonWriter,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """Change contact details and preferences; If-Match is required."""
    person = await service.update_person(
        session, person_id=person_id, changes=body, actor=principal, if_match=if_match
    )
    return _respond(person, version=person.version)


@router.get("/{person_id}/contact-card", response_model=ContactCard, responses=READ)
async def get_contact_card(
    person_id: PersonId, principal: PersonReader, session: DbSession, case_id: ForCase = None
) -> Response:
    """What another service needs to address a letter to the person (audited)."""
    card = await service.read_contact_card(
        session, person_id=person_id, actor=principal, case_id=case_id
    )
    return _respond(card, version=card.version)


# --- consents --------------------------------------------------------------------------------


@router.post("/{person_id}/consents", status_code=201, response_model=ConsentRead, responses=CREATE)
async def record_consent(
    person_id: PersonId,
    body: ConsentCreate,
    principal: PersonWriter,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Record a consent the person gave."""
    consent = await service.record_consent(
        session, person_id=person_id, data=body, actor=principal, now=clock.now()
    )
    read = ConsentRead.model_validate(consent)
    return await idem.save(_respond(read, status_code=201, version=read.version))


@router.get("/{person_id}/consents", response_model=ConsentPage, responses=LIST)
async def list_consents(
    person_id: PersonId,
    principal: PersonReader,
    session: DbSession,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """List the person's consents, withdrawn ones included (audited)."""
    page = await service.list_consents(
        session, person_id=person_id, actor=principal, limit=limit, cursor=cursor
    )
    return _respond(page)


@router.post(
    "/{person_id}/consents/{consent_id}/withdraw", response_model=ConsentRead, responses=ACT
)
async def withdraw_consent(
    person_id: PersonId,
    consent_id: uuid.UUID,
    body: ConsentWithdrawal,
    principal: PersonWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Record that the person withdrew a consent."""
    consent = await service.withdraw_consent(
        session,
        person_id=person_id,
        consent_id=consent_id,
        data=body,
        actor=principal,
        now=clock.now(),
        if_match=if_match,
    )
    read = ConsentRead.model_validate(consent)
    return _respond(read, version=read.version)


# --- reasonable adjustments ------------------------------------------------------------------


def _ra_response(
    request: Request, ra: ReasonableAdjustmentRead, status_code: int = 200
) -> Response:
    location = None
    if status_code == 201:
        location = str(
            request.url_for(
                "get_reasonable_adjustment", person_id=str(ra.person_id), ra_id=str(ra.id)
            ).path
        )
    return _respond(ra, status_code=status_code, version=ra.version, location=location)


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
    ra = await service.request_reasonable_adjustment(
        session, person_id=person_id, data=body, actor=principal, now=clock.now()
    )
    return await idem.save(_ra_response(request, ReasonableAdjustmentRead.model_validate(ra), 201))


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
    page = await service.list_reasonable_adjustments(
        session, person_id=person_id, status=status, actor=principal, limit=limit, cursor=cursor
    )
    return _respond(page)


@router.get(
    "/{person_id}/reasonable-adjustments/{ra_id}",
    name="get_reasonable_adjustment",
    response_model=ReasonableAdjustmentRead,
    responses=READ,
)
async def get_reasonable_adjustment(
    request: Request,
    person_id: PersonId,
    ra_id: uuid.UUID,
    principal: PersonReader,
    session: DbSession,
) -> Response:
    """Read one reasonable-adjustment request (audited); the ETag carries its version."""
    ra = await service.get_reasonable_adjustment(
        session, person_id=person_id, ra_id=ra_id, actor=principal
    )
    return _ra_response(request, ReasonableAdjustmentRead.model_validate(ra))


@router.post(
    "/{person_id}/reasonable-adjustments/{ra_id}/agree",
    response_model=ReasonableAdjustmentRead,
    responses=ACT,
)
async def agree_reasonable_adjustment(
    request: Request,
    person_id: PersonId,
    ra_id: uuid.UUID,
    body: ReasonableAdjustmentAgree,
    principal: RaWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Agree the adjustment, with the disability type and the date agreed."""
    ra = await service.agree_reasonable_adjustment(
        session,
        person_id=person_id,
        ra_id=ra_id,
        data=body,
        actor=principal,
        now=clock.now(),
        today=clock.today(),
        if_match=if_match,
    )
    return _ra_response(request, ReasonableAdjustmentRead.model_validate(ra))


@router.post(
    "/{person_id}/reasonable-adjustments/{ra_id}/refuse",
    response_model=ReasonableAdjustmentRead,
    responses=ACT,
)
async def refuse_reasonable_adjustment(
    request: Request,
    person_id: PersonId,
    ra_id: uuid.UUID,
    body: ReasonableAdjustmentRefusal,
    principal: RaWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Decide the adjustment is not reasonable, with reasons; the Legal Team must be told."""
    ra = await service.refuse_reasonable_adjustment(
        session,
        person_id=person_id,
        ra_id=ra_id,
        data=body,
        actor=principal,
        now=clock.now(),
        today=clock.today(),
        if_match=if_match,
    )
    return _ra_response(request, ReasonableAdjustmentRead.model_validate(ra))


@router.post(
    "/{person_id}/reasonable-adjustments/{ra_id}/record-outcome-letter",
    response_model=ReasonableAdjustmentRead,
    responses=ACT,
)
async def record_outcome_letter(
    request: Request,
    person_id: PersonId,
    ra_id: uuid.UUID,
    body: ReasonableAdjustmentOutcomeLetter,
    principal: RaWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Record the letter that confirmed the outcome of the request."""
    ra = await service.record_outcome_letter(
        session,
        person_id=person_id,
        ra_id=ra_id,
        data=body,
        actor=principal,
        now=clock.now(),
        today=clock.today(),
        if_match=if_match,
    )
    return _ra_response(request, ReasonableAdjustmentRead.model_validate(ra))


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
    item = await service.record_accessibility_request(
        session, person_id=person_id, data=body, actor=principal, now=clock.now()
    )
    read = AccessibilityRequestRead.model_validate(item)
    return await idem.save(_respond(read, status_code=201, version=read.version))


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
    page = await service.list_accessibility_requests(
        session, person_id=person_id, actor=principal, limit=limit, cursor=cursor
    )
    return _respond(page)


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
    item = await service.close_accessibility_request(
        session,
        person_id=person_id,
        request_id=request_id,
        data=body,
        actor=principal,
        now=clock.now(),
        if_match=if_match,
    )
    read = AccessibilityRequestRead.model_validate(item)
    return _respond(read, version=read.version)


# --- identity verification -------------------------------------------------------------------


@router.post(
    "/{person_id}/identity-verifications",
    status_code=201,
    response_model=IdentityVerificationRead,
    responses=CREATE,
)
async def record_identity_verification(
    person_id: PersonId,
    body: IdentityVerificationCreate,
    principal: PersonWriter,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Record the security questions asked on a call, or a reasoned waiver."""
    verification = await service.record_identity_verification(
        session, person_id=person_id, data=body, actor=principal, now=clock.now()
    )
    read = IdentityVerificationRead.model_validate(verification)
    return await idem.save(_respond(read, status_code=201))


@router.get(
    "/{person_id}/identity-verifications",
    response_model=IdentityVerificationPage,
    responses=LIST,
)
async def list_identity_verifications(
    person_id: PersonId,
    principal: PersonReader,
    session: DbSession,
    call_ref: Annotated[str | None, Query(min_length=1, max_length=200, pattern=NO_NUL)] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """List the person's identity checks, optionally for one call (audited)."""
    page = await service.list_identity_verifications(
        session, person_id=person_id, call_ref=call_ref, actor=principal, limit=limit, cursor=cursor
    )
    return _respond(page)


@router.get(
    "/{person_id}/identity-verifications/call-status",
    response_model=CallVerificationStatus,
    responses=READ,
)
async def call_verification_status(
    person_id: PersonId, call_ref: CallRef, principal: PersonReader, session: DbSession
) -> Response:
    """Say whether case information may be disclosed on a call."""
    status = await service.call_verification_status(session, person_id=person_id, call_ref=call_ref)
    return _respond(status)


# --- MP records ------------------------------------------------------------------------------


@router.post(
    "/{person_id}/mp/successor", status_code=201, response_model=MpSuccessionRead, responses=CREATE
)
async def record_mp_successor(
    person_id: PersonId,
    body: MpSuccessionCreate,
    principal: PersonWriter,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Record the successor of an MP as a separate record and request deactivation."""
    succession = await service.record_mp_successor(
        session,
        person_id=person_id,
        data=body,
        actor=principal,
        now=clock.now(),
        today=clock.today(),
    )
    return await idem.save(_respond(succession, status_code=201))


@router.post("/{person_id}/mp/deactivate", response_model=PersonRead, responses=ACT)
async def deactivate_mp(
    person_id: PersonId,
    body: MpDeactivation,
    principal: PersonWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Make an MP record inactive, completing any request to do so."""
    person = await service.deactivate_mp(
        session, person_id=person_id, data=body, actor=principal, now=clock.now(), if_match=if_match
    )
    return _respond(person, version=person.version)

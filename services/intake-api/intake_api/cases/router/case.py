"""``/v1/cases``: the case itself: create, list, read, update, take into intake; its parties,
organisations and history."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from intake_api.cases import hot_paths, service
from intake_api.cases.dependencies import (
    ACT,
    LIST,
    READ,
    AssessmentUrl,
    Calendar,
    CaseActor,
    CaseIdPath,
    CaseReader,
    IntakeCaseworker,
    OwnerQuery,
    ReferencePrefix,
    case_location,
)
from intake_api.cases.models import CaseType, Channel, Jurisdiction, Priority
from intake_api.cases.schemas import (
    BeginIntake,
    CaseCreate,
    CaseOrganisationRead,
    CaseRead,
    CaseSummaryPage,
    CaseUpdate,
    OrganisationAdd,
    PartyAdd,
    PartyRead,
)
from intake_api.cases.schemas_register import CaseRegisterRead
from intake_api.cases.state import CaseStatus
from shared.casework.timeline import TimelineEntry
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession, DriverConnection
from shared.http_api.problems import problem_responses
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import IsoDate

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.post(
    "",
    status_code=201,
    response_model=CaseRead,
    responses=problem_responses(401, 403, 404, 409, 413, 422, 429),
)
async def create_case(
    request: Request,
    body: CaseCreate,
    principal: IntakeCaseworker,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    calendar: Calendar,
    reference_prefix: ReferencePrefix,
) -> Response:
    """Record a newly received request (enquiry or complaint)."""
    case = await hot_paths.create_case(
        session, data=body, actor=principal, today=clock.today(), now=clock.now(),
        reference_prefix=reference_prefix, calendar=calendar,
    )  # fmt: skip
    return await idem.save(
        resource_response(
            case, status_code=201, version=case.version, location=case_location(request, case.id)
        )
    )


@router.get("", response_model=CaseSummaryPage, responses=LIST)
async def list_cases(
    principal: CaseReader,
    session: DbSession,
    status: Annotated[
        list[CaseStatus] | None, Query(max_length=10, description="Any of these statuses")
    ] = None,
    organisation_id: Annotated[
        uuid.UUID | None, Query(description="Cases about this organisation (role 'original')")
    ] = None,
    owner: OwnerQuery = None,
    case_type: CaseType | None = None,
    jurisdiction: Jurisdiction | None = None,
    channel: Channel | None = None,
    priority: Priority | None = None,
    received_from: Annotated[IsoDate | None, Query(description="Received on or after")] = None,
    received_to: Annotated[IsoDate | None, Query(description="Received on or before")] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """Cases, newest received first, filtered; keyset-paginated (pass `next_cursor` back)."""
    page = await service.list_cases(
        session, statuses=status or (), organisation_id=organisation_id, owner=owner,
        case_type=case_type, jurisdiction=jurisdiction, channel=channel, priority=priority,
        received_from=received_from, received_to=received_to, limit=limit, cursor=cursor,
    )  # fmt: skip
    return resource_response(page)


@router.get("/{case_id}", name="get_case", response_model=CaseRegisterRead, responses=READ)
async def get_case(
    case_id: CaseIdPath,
    principal: CaseReader,
    driver: DriverConnection,
    assessment_url: AssessmentUrl,
) -> Response:
    """Read one case; the ETag header carries its version. `now_at` says where the case is now
    and which service to ask for the detail (intake, or assessment once it has reported on a
    case passed on); `later_stage` is that stage as its service last reported it."""
    case = await hot_paths.read_case(driver, case_id=case_id, assessment_url=assessment_url)
    return resource_response(case, version=case.version)


@router.patch("/{case_id}", response_model=CaseRead, responses=ACT | problem_responses(428))
async def update_case(
    case_id: uuid.UUID,
    body: CaseUpdate,
    principal: CaseActor,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """Record facts gathered at intake (If-Match required)."""
    case = await service.update_case(
        session, case_id=case_id, data=body, actor=principal, if_match=if_match
    )
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post("/{case_id}/begin-intake", response_model=CaseRead, responses=ACT)
async def begin_intake(
    case_id: uuid.UUID,
    body: BeginIntake,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T2: take a received case into intake after the previous-contact check (INT-001/002)."""
    case = await service.begin_intake(
        session, case_id=case_id, check_id=body.previous_contact_check_id, actor=principal,
        at=clock.now(), if_match=if_match,
    )  # fmt: skip
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.get("/{case_id}/parties", response_model=list[PartyRead], responses=READ)
async def list_parties(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """The people on the case and their roles."""
    return resource_response(await service.list_parties(session, case_id=case_id))


@router.post("/{case_id}/parties", status_code=201, response_model=PartyRead, responses=ACT)
async def add_party(
    case_id: uuid.UUID,
    body: PartyAdd,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Add a person to the case in a role (INT-010). A complainant under a contact restriction
    covering the request cancels its acknowledgement deadline (XC-COM-001)."""
    party = await service.add_party(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return resource_response(PartyRead.model_validate(party), status_code=201)


@router.get("/{case_id}/organisations", response_model=list[CaseOrganisationRead], responses=READ)
async def list_organisations(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """The organisations complained about and otherwise involved."""
    return resource_response(await service.list_organisations(session, case_id=case_id))


@router.post(
    "/{case_id}/organisations", status_code=201, response_model=CaseOrganisationRead, responses=ACT
)
async def add_organisation(
    case_id: uuid.UUID, body: OrganisationAdd, principal: CaseActor, session: DbSession
) -> Response:
    """Add an organisation from the register (original, second tier, commissioner, contractor)."""
    link = await service.add_organisation(session, case_id=case_id, data=body, actor=principal)
    return resource_response(CaseOrganisationRead.model_validate(link), status_code=201)


@router.get("/{case_id}/timeline", response_model=list[TimelineEntry], responses=READ)
async def timeline(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """The case's history: who did what, when and why."""
    return resource_response(await service.timeline(session, case_id=case_id))

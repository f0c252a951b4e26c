from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from intake_api.organisations import service
from intake_api.organisations.dependencies import (
    OrganisationFromPath,
    OrganisationId,
    OrganisationReader,
    PvOptOutRecorder,
    RegisterWriter,
)
from intake_api.organisations.models import OrganisationJurisdiction, OrganisationKind
from intake_api.organisations.schemas import (
    OrganisationCreate,
    OrganisationPage,
    OrganisationRead,
    OrganisationUpdate,
    PvOptOutRecord,
    PvOptOutWithdrawal,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import NO_NUL, QueryBool

router = APIRouter(prefix="/v1/organisations", tags=["organisations"])


@router.post(
    "",
    status_code=201,
    response_model=OrganisationRead,
    responses=problem_responses(401, 403, 409, 413, 422, 429),
)
async def create_organisation(
    request: Request,
    body: OrganisationCreate,
    principal: RegisterWriter,
    session: DbSession,
    idem: IdempotencyDep,
) -> Response:
    """Add a body to the register."""
    org = await service.create_organisation(session, data=body, actor=principal)
    read = OrganisationRead.from_model(org)
    location = str(request.url_for("get_organisation", organisation_id=str(read.id)).path)
    return await idem.save(
        resource_response(read, status_code=201, version=read.version, location=location)
    )


@router.get(
    "", response_model=OrganisationPage, responses=problem_responses(400, 401, 403, 422, 429)
)
async def list_organisations(
    principal: OrganisationReader,
    session: DbSession,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    jurisdiction: OrganisationJurisdiction | None = None,
    kind: OrganisationKind | None = None,
    in_jurisdiction: Annotated[
        QueryBool | None, Query(description="ASM-001: false lists out-of-jurisdiction bodies")
    ] = None,
    active: Annotated[QueryBool | None, Query()] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            pattern=NO_NUL,
            description="Part of a name or alias, any case",
        ),
    ] = None,
) -> Response:
    """List the register by name, with filters and a case-insensitive name or alias search."""
    page = await service.list_organisations(
        session,
        limit=limit,
        cursor=cursor,
        jurisdiction=jurisdiction,
        kind=kind,
        in_jurisdiction=in_jurisdiction,
        active=active,
        q=q,
    )
    return resource_response(page)


@router.get(
    "/{organisation_id}",
    name="get_organisation",
    response_model=OrganisationRead,
    responses=problem_responses(401, 403, 404, 422, 429),
)
async def get_organisation(principal: OrganisationReader, org: OrganisationFromPath) -> Response:
    """Read one organisation; the ETag header carries its version."""
    return resource_response(OrganisationRead.from_model(org), version=org.version)


@router.patch(
    "/{organisation_id}",
    response_model=OrganisationRead,
    responses=problem_responses(401, 403, 404, 412, 413, 422, 428, 429),
)
async def update_organisation(
    organisation_id: OrganisationId,
    body: OrganisationUpdate,
    principal: RegisterWriter,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """Change some fields of an organisation (If-Match required)."""
    org = await service.update_organisation(
        session, organisation_id=organisation_id, changes=body, actor=principal, if_match=if_match
    )
    return resource_response(OrganisationRead.from_model(org), version=org.version)


@router.post(
    "/{organisation_id}/pv-opt-out",
    response_model=OrganisationRead,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 429),
)
async def record_pv_opt_out(
    organisation_id: OrganisationId,
    body: PvOptOutRecord,
    principal: PvOptOutRecorder,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Record the body's written agreement not to receive not-upheld provisional views."""
    org = await service.record_pv_opt_out(
        session,
        organisation_id=organisation_id,
        data=body,
        actor=principal,
        at=clock.now(),
        today=clock.today(),
        if_match=if_match,
    )
    return await idem.save(resource_response(OrganisationRead.from_model(org), version=org.version))


@router.post(
    "/{organisation_id}/pv-opt-out/withdraw",
    response_model=OrganisationRead,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 429),
)
async def withdraw_pv_opt_out(
    organisation_id: OrganisationId,
    body: PvOptOutWithdrawal,
    principal: PvOptOutRecorder,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Withdraw the agreement in force, so not-upheld provisional views go to the body again."""
    org = await service.withdraw_pv_opt_out(
        session,
        organisation_id=organisation_id,
        data=body,
        actor=principal,
        at=clock.now(),
        if_match=if_match,
    )
    return resource_response(OrganisationRead.from_model(org), version=org.version)

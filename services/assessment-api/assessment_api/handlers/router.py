"""``/v1/cases/{case_id}/handlers``: the organisations of a case where more than one complaint
handler is involved (second tiers, provider and commissioner, CHC and IFR; ¶2.142–2.180). The
ETag of every answer is the handler record's version; each act accepts ``If-Match``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.handlers import service
from assessment_api.handlers.dependencies import (
    ACT,
    CHANGE,
    READ,
    CaseActor,
    CaseIdPath,
    CaseReader,
    OrganisationIdPath,
)
from assessment_api.handlers.schemas import (
    CaseOrganisationRead,
    CaseOrganisationUpdate,
    ChcPut,
    ComponentAreaAdd,
    ExceptionPut,
    HandlersOpen,
    HandlersRead,
    IfrPut,
    OrganisationAdd,
    OrganisationDecisionCreate,
    ScopePut,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases/{case_id}/handlers", tags=["complaint handlers"])


async def _answer(session: DbSession, case_id: CaseIdPath, status_code: int = 200) -> Response:
    read, version = await service.read_handlers(session, case_id)
    return resource_response(read, version=version, status_code=status_code)


@router.get("", response_model=HandlersRead, responses=READ)
async def get_handlers(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """The case's organisations with their roles, the scope, readiness, decisions per
    organisation, the organisations a proposal writes to, and the CHC and IFR checks."""
    return await _answer(session, case_id)


@router.post("", status_code=201, response_model=HandlersRead, responses=ACT)
async def open_handlers(
    case_id: CaseIdPath,
    body: HandlersOpen,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-072 / ASM-079: record intake's organisations as the original organisation (health:
    provider) unless the complainant said the second tier (commissioner) only."""
    await service.open_handlers(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(await _answer(session, case_id, 201))


@router.post("/scope", response_model=HandlersRead, responses=ACT)
async def put_scope(
    case_id: CaseIdPath,
    body: ScopePut,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-074 / ASM-080: the scope as the complainant put it; 409 `records-outside-scope` if
    decisions or areas are recorded against an organisation it leaves out."""
    await service.put_scope(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id))


@router.post("/organisations", status_code=201, response_model=HandlersRead, responses=ACT)
async def add_organisation(
    case_id: CaseIdPath,
    body: OrganisationAdd,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-074: an organisation with its role (a contractor is its own organisation); 409
    `handler-only-not-said` for a second tier alone unless the complainant said so (ASM-072)."""
    await service.add_organisation(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id, 201))


async def _organisation(
    session: DbSession, case_id: CaseIdPath, organisation_id: OrganisationIdPath
) -> Response:
    read, version = await service.read_organisation(session, case_id, organisation_id)
    return resource_response(read, version=version)


@router.get("/organisations/{organisation_id}", response_model=CaseOrganisationRead, responses=READ)
async def get_organisation(
    case_id: CaseIdPath,
    organisation_id: OrganisationIdPath,
    principal: CaseReader,
    session: DbSession,
) -> Response:
    """One organisation on the case: its role, whether it is complained about, its component
    areas and decision; the ETag is the case's handler record version."""
    return await _organisation(session, case_id, organisation_id)


@router.patch(
    "/organisations/{organisation_id}", response_model=CaseOrganisationRead, responses=CHANGE
)
async def update_organisation(
    case_id: CaseIdPath,
    organisation_id: OrganisationIdPath,
    body: CaseOrganisationUpdate,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-071 / ASM-078: whether the organisation's stage of the complaints process is
    complete (If-Match required)."""
    await service.update_organisation(
        session, case_id=case_id, organisation_id=organisation_id, data=body, actor=principal,
        at=clock.now(), if_match=if_match,
    )  # fmt: skip
    return await _organisation(session, case_id, organisation_id)


@router.post("/exception", response_model=HandlersRead, responses=ACT)
async def record_exception(
    case_id: CaseIdPath,
    body: ExceptionPut,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-073: considered before the second tier is complete, and why."""
    await service.record_exception(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id))


@router.post("/component-areas", status_code=201, response_model=HandlersRead, responses=ACT)
async def add_component_area(
    case_id: CaseIdPath,
    body: ComponentAreaAdd,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-080: an area of complaint against an organisation complained about; the read warns
    of areas recorded for only one of provider and commissioner."""
    await service.add_component_area(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id, 201))


@router.post("/decisions", status_code=201, response_model=HandlersRead, responses=ACT)
async def record_decision(
    case_id: CaseIdPath,
    body: OrganisationDecisionCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-076 / ASM-081: an organisation decision; 409 `organisation-not-complained-about`
    outside the scope, `ifr-checks-outstanding` (ASM-084), `chc-checks-outstanding` (ASM-083)."""
    await service.record_decision(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id, 201))


@router.post("/chc", response_model=HandlersRead, responses=ACT)
async def record_chc(
    case_id: CaseIdPath,
    body: ChcPut,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-082 / ASM-083: a Continuing Healthcare complaint's checks; the read gives the
    guidance and whom to record."""
    await service.record_chc(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id))


@router.post("/ifr", response_model=HandlersRead, responses=ACT)
async def record_ifr(
    case_id: CaseIdPath,
    body: IfrPut,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-084: an Individual Funding Request complaint's checklist; the read lists what is
    outstanding."""
    await service.record_ifr(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id))

"""``/v1/cases/{case_id}/components`` (with ``/complaint-summary``, ``/precedents`` and
``/organisation-decisions`` beside it, so no fixed path sits under a component id): the
complaint summary, the complaint components with their decisions, and the organisation
decisions they make, at further consideration (¶2.227–2.245, ¶3.119–3.124; ASM-105…108,
ASM-114, ASM-116, ASM-117, ASM-126, ASM-176)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.components import service
from assessment_api.components.dependencies import (
    ACT,
    CHANGE,
    LIST,
    READ,
    CaseActor,
    CaseIdPath,
    CaseReader,
    ComponentIdPath,
)
from assessment_api.components.schemas import (
    ComplaintComponentCreate,
    ComplaintComponentRead,
    ComplaintComponentUpdate,
    ComplaintSummaryPut,
    ComplaintSummaryRead,
    ComponentDecisionPut,
    ComponentsRead,
    OrganisationDecisionDerive,
    PrecedentPage,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter(prefix="/v1/cases/{case_id}", tags=["complaint components"])


def _summary(summary: service.ComplaintSummary, status_code: int = 200) -> Response:
    return resource_response(
        ComplaintSummaryRead.model_validate(summary),
        version=summary.version,
        status_code=status_code,
        location=f"/v1/cases/{summary.case_id}/complaint-summary",
    )


def _component(component: service.ComplaintComponent, status_code: int = 200) -> Response:
    return resource_response(
        ComplaintComponentRead.model_validate(component),
        version=component.version,
        status_code=status_code,
        location=f"/v1/cases/{component.case_id}/components/{component.id}",
    )


@router.get(
    "/components", summary="The case's components", response_model=ComponentsRead, responses=READ
)
async def read_components(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """The complaint summary, every component with its decision, each organisation's decision
    as its components make it and as recorded, and what is missing before a decline and a
    proposal, each naming its requirement."""
    return resource_response(await service.read_components(session, case_id))


@router.post(
    "/complaint-summary",
    status_code=201,
    summary="Record the complaint summary",
    response_model=ComplaintSummaryRead,
    responses=ACT,
)
async def create_summary(
    case_id: CaseIdPath,
    body: ComplaintSummaryPut,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-105: the summary developed with the complainant, the issues in and out (each left
    out agreed, or decided with reasons); ASM-107 the conversation's contact attempt; 409
    `complaint-summary-exists`, `components-not-at-further-consideration`."""
    summary = await service.create_summary(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(_summary(summary, 201))


@router.get(
    "/complaint-summary",
    summary="Read the complaint summary",
    response_model=ComplaintSummaryRead,
    responses=READ,
)
async def read_summary(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """The summary as it stands; its ETag is its version."""
    return _summary(await service.read_summary(session, case_id))


@router.put(
    "/complaint-summary",
    summary="Save a new version of the complaint summary",
    response_model=ComplaintSummaryRead,
    responses=CHANGE,
)
async def save_summary(
    case_id: CaseIdPath,
    body: ComplaintSummaryPut,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The whole summary as a new version (`If-Match` required), audited; 409
    `issues-still-covered` when an issue taken out still has a component (ASM-105)."""
    summary = await service.save_summary(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return _summary(summary)


@router.get(
    "/precedents",
    summary="Precedent check: the organisations' components of the past two years",
    response_model=PrecedentPage,
    responses=LIST,
)
async def precedents(
    case_id: CaseIdPath,
    principal: CaseReader,
    session: DbSession,
    clock: ClockDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """ASM-114: other cases' components about this case's organisations, recorded from the same
    day two years ago, newest first."""
    page = await service.precedents(
        session, case_id=case_id, today=clock.today(), limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.post(
    "/organisation-decisions",
    status_code=201,
    summary="Record an organisation decision from its components",
    response_model=ComponentsRead,
    responses=ACT,
)
async def record_organisation_decision(
    case_id: CaseIdPath,
    body: OrganisationDecisionDerive,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-176: once each of its components has a decision, the organisation's decision as they
    make it ('propose to investigate' forced, 'resolution', else the main reason's code); 409
    `organisation-decision-not-ready` lists why not."""
    await service.record_organisation_decision(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(
        resource_response(await service.read_components(session, case_id), status_code=201)
    )


@router.post(
    "/components",
    status_code=201,
    summary="Add a complaint component",
    response_model=ComplaintComponentRead,
    responses=ACT,
)
async def add_component(
    case_id: CaseIdPath,
    body: ComplaintComponentCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-108: a component for an organisation complained about, one per area, with its
    summary description and the summary's issues it covers; 409 `component-area-duplicate`,
    `complaint-summary-required`, `issue-not-in-summary`."""
    component = await service.add_component(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(_component(component, 201))


@router.get(
    "/components/{component_id}",
    summary="Read a complaint component",
    response_model=ComplaintComponentRead,
    responses=READ,
)
async def read_component(
    case_id: CaseIdPath, component_id: ComponentIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """One component with its decision; its ETag is its version."""
    return _component(await service.get_component(session, case_id, component_id))


@router.patch(
    "/components/{component_id}",
    summary="Change a complaint component",
    response_model=ComplaintComponentRead,
    responses=CHANGE,
)
async def update_component(
    case_id: CaseIdPath,
    component_id: ComponentIdPath,
    body: ComplaintComponentUpdate,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The fields sent (`If-Match` required): description, issues covered, and ASM-126 the
    component's own time-limit decision."""
    component = await service.update_component(
        session, case_id=case_id, component_id=component_id, data=body, actor=principal,
        at=clock.now(), if_match=if_match,
    )  # fmt: skip
    return _component(component)


@router.post(
    "/components/{component_id}/decision",
    summary="Record a component's decision",
    response_model=ComplaintComponentRead,
    responses=ACT,
)
async def decide_component(
    case_id: CaseIdPath,
    component_id: ComponentIdPath,
    body: ComponentDecisionPut,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-108: the component's decision (why and the material evidence when not investigated;
    ASM-116/117 premature, ASM-126 out of time); 422 `component-decision-invalid` lists each
    broken rule with its requirement."""
    component = await service.decide_component(
        session, case_id=case_id, component_id=component_id, data=body, actor=principal,
        at=clock.now(), if_match=if_match,
    )  # fmt: skip
    return await idem.save(_component(component))

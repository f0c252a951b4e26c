"""``/v1/cases``: assessment's case record, and the two decisions that end assessment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assessment_api.cases import decisions, readiness, service
from assessment_api.cases.dependencies import (
    DECIDE,
    LIST,
    READ,
    Calendar,
    CaseActor,
    CaseIdPath,
    CaseReader,
    OwnerQuery,
    RiskClient,
)
from assessment_api.cases.rules import RiskRating
from assessment_api.cases.schemas import (
    CasePage,
    CaseRead,
    CaseTaskRead,
    DecisionReadinessRead,
    DeclineCreate,
    ProposalCreate,
)
from assessment_api.cases.state import CaseStatus
from assessment_api.dependencies import IntakeClient
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import QueryBool

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.get("", response_model=CasePage, responses=LIST)
async def list_cases(
    principal: CaseReader,
    session: DbSession,
    status: Annotated[
        list[CaseStatus] | None, Query(max_length=10, description="Any of these statuses")
    ] = None,
    jurisdiction: Annotated[str | None, Query(pattern="^(health|parliamentary)$")] = None,
    triage_category: Annotated[
        str | None, Query(pattern="^(general|senior caseworker|complex & significant)$")
    ] = None,
    owner: OwnerQuery = None,
    risk_rating: RiskRating | None = None,
    risk_assessment_required: Annotated[
        QueryBool | None, Query(description="Intake's 'risk assessment required' tick")
    ] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """Cases at assessment, newest received first, filtered; keyset-paginated."""
    page = await service.list_cases(
        session, statuses=status or (), jurisdiction=jurisdiction,
        triage_category=triage_category, owner=owner, risk_rating=risk_rating,
        risk_assessment_required=risk_assessment_required, limit=limit, cursor=cursor,
    )  # fmt: skip
    return resource_response(page)


@router.get("/{case_id}", name="get_case", response_model=CaseRead, responses=READ)
async def get_case(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """Read one case at assessment; the ETag header carries its version."""
    case = await service.get_case(session, case_id)
    return resource_response(await service.read_case(session, case), version=case.version)


@router.get("/{case_id}/tasks", response_model=list[CaseTaskRead], responses=READ)
async def list_tasks(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """Follow-up work rules left on the case (CMP-120: consider reallocation or supervision)."""
    return resource_response(await service.list_tasks(session, case_id))


@router.get(
    "/{case_id}/decision-readiness",
    summary="What is left before a decline, a proposal or a resolution",
    response_model=DecisionReadinessRead,
    responses=READ,
)
async def decision_readiness(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """Every condition not yet met before a decision not to investigate (whichever reason),
    before a proposal to investigate and before closing the case as the resolution an
    organisation agreed (T33, ASM-156), each naming its requirement: the Decision Form (ASM-090…
    095, ASM-118…), contact after allocation (ASM-101, ASM-102), the proposal plan, a lead link
    (ASM-168), advice (ASM-142…146), the components and organisation decisions (ASM-105…108,
    ASM-176) and the approval under the Delegation Scheme (ASM-172). Empty lists: ready (the
    risk assessment and the recipients are checked when deciding)."""
    return resource_response(await readiness.read(session, case_id))


@router.post("/{case_id}/decline", response_model=CaseRead, responses=DECIDE)
async def decline(
    case_id: CaseIdPath,
    body: DeclineCreate,
    principal: CaseActor,
    session: DbSession,
    risk: RiskClient,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T32: decide not to investigate, on a single reason (ASM-093). 409 `decision-not-ready`
    lists every condition not yet met (`missing`: the Decision Form, contact after allocation,
    an approval of this very decline under the Delegation Scheme, ASM-172; see
    `decision-readiness`), checked before anything is asked of intake or compliance-api and
    again under the case's lock. Needs a risk assessment
    with trigger `decline` at compliance-api, conflicts of interest considered (XC-RSK-001,
    ASM-137, ASM-177): 409 `risk-assessment-required` with a link to record one, 503 with
    Retry-After when compliance-api cannot say. Issued to the parties intake holds (ASM-173,
    ASM-174; ¶3.117 organisations contacted): a letter addressed to the complainant (a call
    first is recorded too), copies to MPs and representatives with authority always in writing
    (ASM-055), the letters recorded through the casework kit; 409
    `decision-recipients-incomplete` (naming the requirement) while a recipient is undecided,
    503 `intake-unavailable` when intake cannot say who the parties are."""
    case = await decisions.decline(
        session, risk, intake, case_id=case_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    read = await service.read_case(session, case)
    return await idem.save(resource_response(read, version=case.version))


@router.post("/{case_id}/proposal", response_model=CaseRead, responses=DECIDE)
async def propose(
    case_id: CaseIdPath,
    body: ProposalCreate,
    principal: CaseActor,
    session: DbSession,
    risk: RiskClient,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
    calendar: Calendar,
    if_match: IfMatchHeader = None,
) -> Response:
    """T35: propose to investigate. 409 `decision-not-ready` lists every condition not yet met
    (`missing`: the Decision Form's tests, contact after allocation, an approval of the
    proposal under the Delegation Scheme, ASM-172). Needs a risk assessment with trigger
    `propose` at compliance-api, conflicts of interest considered (XC-RSK-001, ASM-177): 409
    `risk-assessment-required` with a link to record one, 503 with Retry-After when
    compliance-api cannot say. Issued as the proposal plan says (`/proposal/plan`): a letter
    and a ten-working-day comment deadline (C-15) for each organisation, named person and
    party intake holds (ASM-158…167); 503 `intake-unavailable` when intake cannot say."""
    case = await decisions.propose(
        session, risk, intake, case_id=case_id, data=body, actor=principal, at=clock.now(),
        calendar=calendar, if_match=if_match,
    )  # fmt: skip
    read = await service.read_case(session, case)
    return await idem.save(resource_response(read, version=case.version))

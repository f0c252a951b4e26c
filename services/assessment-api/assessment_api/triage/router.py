"""ECT triage with the Public Value Model: ``/v1/triage`` (the guide and the Executive Team's
threshold sets) and ``/v1/cases/{case_id}/triage`` (a case's PVM assessment and T17–T19)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.dependencies import IntakeClient
from assessment_api.triage import decisions, service
from assessment_api.triage.dependencies import (
    ASSESS,
    CLOSE,
    DECIDE_SET,
    LIST,
    PASS_ON,
    PROPOSE,
    READ,
    CaseIdPath,
    SetIdPath,
    ThresholdDecider,
    ThresholdProposer,
    TriageActor,
    TriageReader,
)
from assessment_api.triage.schemas import (
    PvmAssessmentCreate,
    PvmAssessmentRead,
    ThresholdSetCreate,
    ThresholdSetDecision,
    ThresholdSetRead,
    TriageDeclineCreate,
    TriageGuideRead,
    TriagePassOn,
    TriageRead,
    TriageResolutionCreate,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.http_api.risk_guard import RiskGuardClient
from shared.idempotency import IdempotencyDep

router = APIRouter(tags=["triage"])


@router.get(
    "/v1/triage/guide", response_model=TriageGuideRead, responses=LIST,
    summary="The Public Value Model as data",
)  # fmt: skip
async def triage_guide(principal: TriageReader) -> Response:
    """The four criteria, their §D.8 questions, the scales and the minimal-intervention
    conditions (ASM-044, ¶2.83, ¶2.85)."""
    return resource_response(service.guide())


@router.get(
    "/v1/triage/threshold-sets", response_model=list[ThresholdSetRead], responses=LIST,
    summary="Threshold sets, oldest first",
)  # fmt: skip
async def list_threshold_sets(principal: TriageReader, session: DbSession) -> Response:
    """Every threshold set, proposed, approved or refused (ASM-046)."""
    return resource_response(await service.list_threshold_sets(session))


@router.post(
    "/v1/triage/threshold-sets", status_code=201, response_model=ThresholdSetRead,
    responses=PROPOSE, summary="Propose a threshold set to the Executive Team",
)  # fmt: skip
async def propose_threshold_set(
    body: ThresholdSetCreate,
    principal: ThresholdProposer,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-046: a new set of capacity and demand levels, in force from its date once the
    Executive Team approves it; it takes effect no earlier than its approval and after every
    approved set (422 `threshold-set-date-invalid`), so it changes only later assessments."""
    threshold = await service.propose_threshold_set(
        session, data=body, actor=principal, at=clock.now(), today=clock.today()
    )
    read = ThresholdSetRead.model_validate(threshold)
    return await idem.save(resource_response(read, status_code=201))


@router.get(
    "/v1/triage/threshold-sets/{set_id}", response_model=ThresholdSetRead, responses=READ,
    summary="Read a threshold set",
)  # fmt: skip
async def get_threshold_set(
    set_id: SetIdPath, principal: TriageReader, session: DbSession
) -> Response:
    """One threshold set (ASM-046)."""
    threshold = await service.get_threshold_set(session, set_id)
    return resource_response(ThresholdSetRead.model_validate(threshold))


@router.post(
    "/v1/triage/threshold-sets/{set_id}/decision", response_model=ThresholdSetRead,
    responses=DECIDE_SET, summary="The Executive Team approves or refuses a threshold set",
)  # fmt: skip
async def decide_threshold_set(
    set_id: SetIdPath,
    body: ThresholdSetDecision,
    principal: ThresholdDecider,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """ASM-046 (¶2.84): decided once, by the Executive Team (Deputy Ombudsman or Ombudsman;
    403 `approval-level-not-held`), not by whoever proposed it (403 `approver-is-requester`)."""
    threshold = await service.decide_threshold_set(
        session, set_id=set_id, data=body, actor=principal, at=clock.now(), today=clock.today()
    )
    return resource_response(ThresholdSetRead.model_validate(threshold))


@router.get(
    "/v1/cases/{case_id}/triage", response_model=TriageRead, responses=READ,
    summary="A case's triage",
)  # fmt: skip
async def get_triage(case_id: CaseIdPath, principal: TriageReader, session: DbSession) -> Response:
    """The case's status, its latest PVM assessment and how it left triage closed, if it did;
    the ETag carries the case's version."""
    read = await service.read_triage(session, case_id)
    return resource_response(read, version=read.version)


@router.post(
    "/v1/cases/{case_id}/triage/assessments", status_code=201, response_model=PvmAssessmentRead,
    responses=ASSESS, summary="Record the PVM triage of a case",
)  # fmt: skip
async def record_assessment(
    case_id: CaseIdPath,
    body: PvmAssessmentCreate,
    principal: TriageActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-044…049: the claimed injustices, the four criteria, the §D.8 answers, minimal
    intervention and reasonable adjustments considered. The injustice level, score and
    outcome are computed against the threshold set in force today (409
    `no-threshold-set-in-force` without one); a case at ECT triage only (409)."""
    assessment = await service.record_assessment(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), today=clock.today()
    )
    read = service.assessment_read(assessment)
    return await idem.save(resource_response(read, status_code=201))


@router.post(
    "/v1/cases/{case_id}/triage/decline", response_model=TriageRead, responses=CLOSE,
    summary="T17: close as 'Triage - other reason to decline'",
)  # fmt: skip
async def decline(
    case_id: CaseIdPath,
    body: TriageDeclineCreate,
    principal: TriageActor,
    session: DbSession,
    risk: RiskGuardClient,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T17 (ASM-046…050): the score below the threshold, minimal intervention considered, the
    triage section complete, a requested or agreed reasonable adjustment considered (asked of
    intake-api), written responses to any MP and to a complainant who asked (409
    `triage-decision-blocked` listing what is missing); the recipients read from intake-api
    (ASM-173, ASM-174: 409 `decision-recipients-incomplete`), each call and letter recorded
    (ASM-050); then the risk guard (XC-RSK-001). 503 when intake-api or compliance-api cannot
    answer."""
    case = await decisions.decline(
        session, risk, intake, case_id=case_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    read = await service.read_triage(session, case.id)
    return await idem.save(resource_response(read, version=case.version))


@router.post(
    "/v1/cases/{case_id}/triage/resolution", response_model=TriageRead, responses=CLOSE,
    summary="T18: close as 'ECT triage - Resolution'",
)  # fmt: skip
async def resolve(
    case_id: CaseIdPath,
    body: TriageResolutionCreate,
    principal: TriageActor,
    session: DbSession,
    risk: RiskGuardClient,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T18 (ASM-051): minimal intervention resolved the case (the triage's outcome says it
    could); a decision not to investigate, so through the risk guard (XC-RSK-001, ASM-069) and
    issued to the parties intake holds (ASM-050, ASM-173; 409 `decision-recipients-incomplete`
    while a recipient is undecided, ASM-174); each call and letter is recorded. 503 when
    intake-api or compliance-api cannot answer."""
    case = await decisions.resolve(
        session, risk, intake, case_id=case_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    read = await service.read_triage(session, case.id)
    return await idem.save(resource_response(read, version=case.version))


@router.post(
    "/v1/cases/{case_id}/triage/pass-on", response_model=TriageRead, responses=PASS_ON,
    summary="T19: pass the case on to early consideration or allocation",
)  # fmt: skip
async def pass_on(
    case_id: CaseIdPath,
    body: TriagePassOn,
    principal: TriageActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T19: the score supports further consideration (a minimal-intervention case goes to
    early consideration, ¶2.95); 409 `triage-decision-blocked` otherwise."""
    case = await decisions.pass_on(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    read = await service.read_triage(session, case.id)
    return await idem.save(resource_response(read, version=case.version))

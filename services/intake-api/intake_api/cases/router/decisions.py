"""The decisions at intake: information requests, joint working, priority, properly made, triage,
the hand-off and closure; who receives the decision, and the ¶1.23 checklist.

``questionnaire_router`` serves the triage questions under ``/v1/reference``: they are the
question set of this module's triage function (INT-024), published with the reference data.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from intake_api.cases import decisions, information, service
from intake_api.cases.dependencies import (
    ACT,
    READ,
    CaseActor,
    CaseIdPath,
    CaseReader,
    Manager,
)
from intake_api.cases.schemas import CaseRead, ChecklistRead
from intake_api.cases.schemas_decisions import (
    CaseApprovalRead,
    CaseReferral,
    ClosureRequest,
    DecisionRecipient,
    ExtensionCreate,
    ExtensionRead,
    InformationReceived,
    InformationRequest,
    JointWorkingDecision,
    JointWorkingReferral,
    PriorityApproval,
    PriorityRequest,
    ProperlyMadeDecision,
    TriageQuestionnaireRead,
    TriageSubmission,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.http_api.responses import resource_response

router = APIRouter(prefix="/v1/cases", tags=["cases"])
questionnaire_router = APIRouter(prefix="/v1/reference", tags=["reference"])


@router.post("/{case_id}/joint-working-referral", response_model=CaseRead, responses=ACT)
async def refer_to_joint_working(
    case_id: uuid.UUID,
    body: JointWorkingReferral,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T11: refer a joint working case (LGSCO, shared, consent recorded) to the JW team."""
    case = await decisions.refer_to_joint_working(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post("/{case_id}/joint-working-decision", response_model=CaseRead, responses=ACT)
async def decide_joint_working(
    case_id: uuid.UUID,
    body: JointWorkingDecision,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T12: record the joint working team's decision."""
    case = await decisions.decide_joint_working(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post("/{case_id}/information-request", response_model=CaseRead, responses=ACT)
async def request_information(
    case_id: uuid.UUID,
    body: InformationRequest,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T4: wait for information asked for by email, with a deadline (INT-016)."""
    case = await information.request_information(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post("/{case_id}/information-received", response_model=CaseRead, responses=ACT)
async def information_received(
    case_id: uuid.UUID,
    body: InformationReceived,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T5: the information arrived; the case is back in intake."""
    case = await information.information_received(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post(
    "/{case_id}/information-deadline/extensions",
    status_code=201,
    response_model=ExtensionRead,
    responses=ACT,
)
async def extend_information_deadline(
    case_id: uuid.UUID, body: ExtensionCreate, principal: CaseActor, session: DbSession
) -> Response:
    """Agree an extension; the original deadline is kept (INT-016)."""
    ext = await information.extend_information_deadline(
        session, case_id=case_id, data=body, actor=principal
    )
    return resource_response(ExtensionRead.model_validate(ext), status_code=201)


@router.post("/{case_id}/priority-request", response_model=CaseRead, responses=ACT)
async def request_priority(
    case_id: uuid.UUID,
    body: PriorityRequest,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """INT-025: ask for special handling in exceptional circumstances."""
    case = await decisions.request_priority(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.get("/{case_id}/approvals", response_model=list[CaseApprovalRead], responses=READ)
async def list_approvals(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """Approvals under the delegation scheme on the case: who asked, who decided, at which level."""
    rows = await decisions.list_approvals(session, case_id=case_id)
    return resource_response([CaseApprovalRead.model_validate(a) for a in rows])


@router.post("/{case_id}/priority-decision", response_model=CaseRead, responses=ACT)
async def decide_priority(
    case_id: uuid.UUID,
    body: PriorityApproval,
    principal: Manager,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """INT-025: a manager approves or refuses special handling."""
    case = await decisions.decide_priority(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post("/{case_id}/properly-made", response_model=CaseRead, responses=ACT)
async def decide_properly_made(
    case_id: uuid.UUID,
    body: ProperlyMadeDecision,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """ASM-014: record whether the complaint is properly made (refused if the rules disagree)."""
    case = await decisions.decide_properly_made(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), today=clock.today()
    )
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post("/{case_id}/triage", response_model=CaseRead, responses=ACT)
async def triage_case(
    case_id: uuid.UUID,
    body: TriageSubmission,
    principal: CaseActor,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """INT-023/024: answer the categorisation questions; the category is derived from them
    (too little information: 'general', ¶1.37) and stored with the question-set version."""
    case = await decisions.triage_case(
        session, case_id=case_id, data=body, actor=principal, if_match=if_match
    )
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post("/{case_id}/refer", response_model=CaseRead, responses=ACT)
async def refer_case(
    case_id: uuid.UUID,
    body: CaseReferral,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Pass the case to assessment; 422 lists every unmet requirement."""
    case = await decisions.refer_case(
        session, case_id=case_id, referral=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post("/{case_id}/close", response_model=CaseRead, responses=ACT)
async def close_case(
    case_id: uuid.UUID,
    body: ClosureRequest,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Close at intake with a closure code; 422 lists every unmet requirement."""
    case = await decisions.close_case(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.get(
    "/{case_id}/decision-recipients", response_model=list[DecisionRecipient], responses=READ
)
async def decision_recipients(
    case_id: uuid.UUID, principal: CaseReader, session: DbSession
) -> Response:
    """Who the decision or report goes to in writing: the complainant, representatives, and the
    MP who referred or helped with the complaint, even after the complainant moves (ASM-027),
    or that MP's successor (ASM-023); a vacant seat is shown as such (ASM-024)."""
    return resource_response(await service.decision_recipients(session, case_id=case_id))


@router.get("/{case_id}/checklist", response_model=ChecklistRead, responses=READ)
async def checklist(case_id: uuid.UUID, principal: CaseReader, session: DbSession) -> Response:
    """The ¶1.23 checklist (INT-021): what is missing, and the channel to ask for it by, the
    complainant's preferred method or else telephone (INT-022, INT-006)."""
    return resource_response(await service.checklist(session, case_id=case_id))


@questionnaire_router.get(
    "/triage-questionnaire",
    response_model=TriageQuestionnaireRead,
    responses=problem_responses(401, 403, 422, 429),
)
async def triage_questionnaire(principal: CaseReader) -> Response:
    """INT-024: the questions of the triage function; answer them with
    POST /v1/cases/{id}/triage and the category is derived (¶1.38)."""
    return resource_response(decisions.QUESTIONNAIRE)

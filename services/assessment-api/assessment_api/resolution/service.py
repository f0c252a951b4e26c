"""Use cases of resolution at further consideration (¶3.59–3.67; §B.3 T33, T34; ASM-153…156).

- ``request_resolution`` (T33, first half): the caseworker holding the case requests actions of
  the case's organisations, having told both sides these are not formal recommendations
  (ASM-154); the case moves to ``resolution_requested``.
- ``record_refusal`` (T34, ¶3.65): audited; the case returns to further consideration, where
  the caseworker may propose to investigate.
- ``record_agreement`` (T33, second half): the case closes as a resolution, a decision not to
  investigate (ASM-156 ¶3.67), issued under the normal requirements. It follows
  ``cases/decisions.py``: the agreement's own rules (ASM-153); the case's state; the complaint
  handlers' rules and every decision gate of ``cases.readiness`` for its closure code, the
  approval under the Delegation Scheme (ASM-172) among them (``_check_ready``); who it goes to,
  read from intake (``closing.service.issue_list``: 409 ``decision-recipients-incomplete``, 503);
  the risk guard with trigger ``decline`` (XC-RSK-001); the row lock and ``If-Match``; the state
  and the gates again; the transition with the clearance, audited; the approval used and
  recorded on the request; the answer, letters and calls through the casework kit;
  ``assessment.case.closed`` and ``assessment.resolution.agreed`` (compliance's resolution item,
  never escalated: ASM-155, CMP-023) in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.errors import CaseNotFound
from assessment_api.cases.models import Case
from assessment_api.cases.readiness import require_ready
from assessment_api.cases.service import CASE, get_case, scan_and_announce_communication
from assessment_api.cases.state import CaseStatus, check_allowed, transition
from assessment_api.closing import service as closing
from assessment_api.components import service as components
from assessment_api.decision_approvals import service as approvals
from assessment_api.handlers.service import check_ready_for_decision
from assessment_api.resolution import repository
from assessment_api.resolution.errors import (
    AgreementInvalid,
    NoResolutionRequested,
    NotAtFurtherConsideration,
    NotRecommendationsUntold,
    OrganisationNotOnCase,
    ResolutionRequestInvalid,
)
from assessment_api.resolution.models import FcResolutionCommunication, FcResolutionRequest
from assessment_api.resolution.rules import (
    NOT_TOLD,
    Component,
    RequestProblem,
    agreement_problems,
    closure_code,
    request_problems,
)
from assessment_api.resolution.schemas import (
    FcResolutionAgreement,
    FcResolutionAnswer,
    FcResolutionCommunicationRead,
    FcResolutionRead,
    FcResolutionRefusal,
    FcResolutionRequestCreate,
    FcResolutionRequestRead,
)
from assessment_api.resolution.state import RequestStatus
from assessment_api.resolution.state import transition as answer
from shared.auth import Principal
from shared.casework.communications import Recipient
from shared.casework.risk_guard import GuardTrigger, require_risk_assessment
from shared.changes import Audited, load_for_update
from shared.clients import ServiceClient
from shared.clock import BUSINESS_TIMEZONE
from shared.concurrency import check_if_match, make_etag
from shared.errors import UnprocessableContent
from shared.events.contracts.assessment import (
    CaseClosedV1,
    ResolutionAction,
    ResolutionAgreedV1,
)
from shared.outbox.emit import emit

__all__ = ["read", "record_agreement", "record_refusal", "request_resolution"]

REQUEST: Audited[FcResolutionRequest] = Audited(
    entity_type="fc_resolution_request",
    snapshot=lambda r: FcResolutionRequestRead.model_validate(r).model_dump(mode="json"),
    case_id=lambda r: r.case_id,
)
COMMUNICATION: Audited[FcResolutionCommunication] = Audited(
    entity_type="fc_resolution_communication",
    snapshot=lambda c: FcResolutionCommunicationRead.model_validate(c).model_dump(mode="json"),
    case_id=lambda c: c.case_id,
)

ANSWER_PURPOSE = "¶3.65–3.66: the organisation's answer to the resolution request"


class AnswerHeardTooEarly(UnprocessableContent):
    type = "fc-resolution-answer-time-invalid"
    title = "An answer is heard after the request and by the time it is recorded"


def _at_further_consideration(case: Case) -> None:
    if case.status is not CaseStatus.further_consideration:
        raise NotAtFurtherConsideration(
            f"Resolution is requested at further consideration; this case is {case.status.value}",
            extensions={"current_status": case.status.value},
        )


def _awaiting_answer(case: Case) -> None:
    if case.status is not CaseStatus.resolution_requested:
        raise NoResolutionRequested(
            "No resolution request awaits the organisation's answer on this case",
            extensions={"current_status": case.status.value},
        )


async def _check_ready(
    session: AsyncSession,
    case_id: uuid.UUID,
    code: str,
    parties: Sequence[closing.Party] | None = None,
) -> approvals.DecisionApproval:
    """The decision gates of a decision not to investigate (a resolution is one, ¶3.67): the
    complaint handlers' rules (ASM-071…084, their own typed 409s), then every gate of the
    aggregator for the resolution's closure code (409 ``decision-not-ready`` listing each gap:
    the Decision Form's resolution, contact, a lead link, advice, the components resolved, the
    approval; with intake's ``parties``, suitability's role check, ASM-113); the approval the
    case closes under."""
    await check_ready_for_decision(session, case_id, proposing=False)
    approval = await require_ready(
        session, case_id, proposing=False, closure_code=code, parties=parties
    )
    # A resolution's code is approved here (ASM-172): the gate refused above if none covers it.
    assert approval is not None
    return approval


# --- T33 first half: the request -------------------------------------------------------------


async def request_resolution(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: FcResolutionRequestCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T33: request the actions of the organisations (ASM-154); the case awaits their answer."""
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _at_further_consideration(case)
    problems = request_problems(
        complainant_told=data.complainant_told_not_recommendations,
        organisations_told=data.organisations_told_not_recommendations,
        actions=[a.value for a in data.actions],
        organisation_ids=data.organisation_ids,
        case_organisation_ids=case.organisation_ids,
        due_date=data.due_date,
        today=at.astimezone(BUSINESS_TIMEZONE).date(),
    )
    _refuse_request(problems, data)
    async with CASE.change(session, case, actor=actor, action="case.resolution_requested"):
        transition(case, CaseStatus.resolution_requested, at=at)
    request = FcResolutionRequest(
        id=uuid.uuid4(),
        case_id=case.id,
        organisation_ids=list(data.organisation_ids),
        actions=[a.value for a in data.actions],
        due_date=data.due_date,
        rationale=data.rationale,
        complainant_told_not_recommendations=True,
        organisations_told_not_recommendations=True,
        requested_by=actor.sub,
        requested_at=at,
        status=RequestStatus.requested,
        version=1,
    )
    repository.add(session, request)
    await REQUEST.created(session, request, actor=actor, action="fc_resolution.requested")
    return case


def _refuse_request(problems: list[RequestProblem], data: FcResolutionRequestCreate) -> None:
    untold = [p.value for p in problems if p in NOT_TOLD]
    if untold:
        raise NotRecommendationsUntold(
            "ASM-154 (¶3.64): we can only request action; tell both the complainant and the "
            "organisation that these are not formal recommendations before requesting it",
            extensions={"requirement": "ASM-154", "problems": untold},
        )
    if RequestProblem.organisation_not_on_case in problems:
        raise OrganisationNotOnCase(
            "A resolution is requested of the organisations the case is about",
            extensions={"organisation_ids": sorted({str(o) for o in data.organisation_ids})},
        )
    if problems:
        raise ResolutionRequestInvalid(
            "The resolution request cannot be recorded: " + ", ".join(p.value for p in problems),
            extensions={"problems": [p.value for p in problems]},
        )


# --- T34: refused ----------------------------------------------------------------------------


async def record_refusal(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: FcResolutionRefusal,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T34 (¶3.65): the organisation refused, audited; the case is back at further
    consideration."""
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _awaiting_answer(case)
    request = await _open_request(session, case_id)
    _heard_in_time(data, request, at)
    async with CASE.change(session, case, actor=actor, action="case.resolution_refused"):
        transition(case, CaseStatus.further_consideration, at=at)
    async with REQUEST.change(session, request, actor=actor, action="fc_resolution.refused"):
        _answered(request, data, RequestStatus.refused, actor=actor, at=at)
    await _record_answer(session, case, request, data, actor=actor)
    return case


# --- T33 second half: agreed -----------------------------------------------------------------


async def record_agreement(
    session: AsyncSession,
    risk: ServiceClient,
    intake: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: FcResolutionAgreement,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T33: the organisation agreed; the case closes as a resolution (ASM-153, ASM-156)."""
    today = at.astimezone(BUSINESS_TIMEZONE).date()
    problems = agreement_problems(
        organisation_already_acting=data.organisation_already_acting,
        components=[Component(c.significant, c.resolved) for c in data.components],
        due_date=data.due_date,
        today=today,
    )
    if problems:
        raise AgreementInvalid(
            "ASM-153: not a resolution: " + ", ".join(p.value for p in problems),
            extensions={"requirement": "ASM-153", "problems": [p.value for p in problems]},
        )
    case = await get_case(session, case_id)
    _awaiting_answer(case)
    check_allowed(case, CaseStatus.closed)
    check_if_match(if_match, make_etag(case.version), required=False)
    request = await _open_request(session, case_id)
    _heard_in_time(data, request, at)
    code = closure_code(
        complaints_process_complete=data.complaints_process_complete,
        properly_made=data.properly_made,
    )
    # What assessment can tell alone is refused before asking intake or compliance-api.
    await _check_ready(session, case_id, code)
    parties = await closing.case_parties(intake, case_id)
    owed = await closing.issue_list(
        intake, case, kind=closing.ClosureKind.resolution,
        decision_by_telephone=data.decision_by_telephone,
        written_decision_requested=True,  # ¶3.109–3.110: the letter is addressed to them
        aggrieved_copy=data.aggrieved_copy,
        organisations_contacted=request.organisation_ids,  # ¶3.117: they were asked to act
        parties=parties,
    )  # fmt: skip
    clearance = await require_risk_assessment(
        risk, case_id=case_id, trigger=GuardTrigger.decline, at=at
    )
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _awaiting_answer(case)
    approval = await _check_ready(session, case_id, code, parties)
    request = await _open_request(session, case_id, lock=True)
    async with CASE.change(
        session, case, actor=actor, action="case.resolved_at_further_consideration"
    ):
        transition(case, CaseStatus.closed, at=at, clearance=clearance, closure_code=code)
    async with REQUEST.change(session, request, actor=actor, action="fc_resolution.agreed"):
        _answered(request, data, RequestStatus.agreed, actor=actor, at=at)
        if data.due_date is not None:
            request.due_date = data.due_date
        request.agreement = data.model_dump(
            mode="json", include={"organisation_already_acting", "components",
                                  "complaints_process_complete", "properly_made",
                                  "decision_by_telephone", "aggrieved_copy"},
        )  # fmt: skip
        request.closure_code = code
        request.risk_assessment_id = clearance.assessment_id
        request.approval_id = approval.id
        request.approved_by = approval.decided_by
    await approvals.use(session, approval, actor=actor, at=at)
    await _record_answer(session, case, request, data, actor=actor)
    await _issue(session, case, request, owed, by_telephone=data.decision_by_telephone, actor=actor)
    await emit(
        session,
        CaseClosedV1(
            reference=case.reference,
            closure_code=code,
            decision="decision_not_to_investigate",
            decision_id=request.id,
            risk_assessment_id=clearance.assessment_id,
            approved_by=approval.decided_by,
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=at,
    )
    await emit(
        session,
        ResolutionAgreedV1(
            reference=case.reference,
            resolution_id=request.id,
            organisation_ids=list(request.organisation_ids),
            component_ids=await components.resolved_component_ids(session, case.id),
            actions=[ResolutionAction(a) for a in request.actions],
            due_date=request.due_date,
            decided_by=actor.sub,
            risk_assessment_id=clearance.assessment_id,
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=at,
    )
    return case


# --- Shared steps ----------------------------------------------------------------------------


async def _open_request(
    session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False
) -> FcResolutionRequest:
    request = await repository.open_request(session, case_id, lock=lock)
    if request is None:
        raise NoResolutionRequested("No resolution request awaits the organisation's answer")
    return request


def _heard_in_time(data: FcResolutionAnswer, request: FcResolutionRequest, at: datetime) -> None:
    if not request.requested_at <= data.heard_at <= at:
        raise AnswerHeardTooEarly(
            "heard_at: the answer is heard after the request was made and by now",
            extensions={"requested_at": request.requested_at.isoformat()},
        )


def _answered(
    request: FcResolutionRequest,
    data: FcResolutionAnswer,
    to: RequestStatus,
    *,
    actor: Principal,
    at: datetime,
) -> None:
    answer(request, to, at=at)
    request.heard_at = data.heard_at
    request.heard_by = data.heard_by
    request.answer_recorded_by = actor.sub


async def _record_answer(
    session: AsyncSession,
    case: Case,
    request: FcResolutionRequest,
    data: FcResolutionAnswer,
    *,
    actor: Principal,
) -> None:
    """The organisation's answer as a kit communication (inbound): what it said is scanned for
    legal wording (XC-RSK-004) before it is stored."""
    row = FcResolutionCommunication(
        id=uuid.uuid4(), case_id=case.id, request_id=request.id, medium=data.heard_by,
        direction="inbound", purpose=ANSWER_PURPOSE, occurred_at=data.heard_at,
        recipients=[], summary=data.summary, headers=[], documents=[], paragraphs=[],
        recorded_by=actor.sub,
    )  # fmt: skip
    await _add_communication(session, case, row, actor=actor, action="fc_resolution.answer_heard")


async def _add_communication(
    session: AsyncSession,
    case: Case,
    row: FcResolutionCommunication,
    *,
    actor: Principal,
    action: str,
) -> None:
    await scan_and_announce_communication(session, case, row, actor=actor)
    repository.add(session, row)
    await COMMUNICATION.created(session, row, actor=actor, action=action)


async def _issue(
    session: AsyncSession,
    case: Case,
    request: FcResolutionRequest,
    owed: list[closing.Owed],
    *,
    by_telephone: bool,
    actor: Principal,
) -> None:
    """The closure's call (when the complainant was told by phone first) and one letter to each
    recipient owed one in writing (ASM-156, ASM-173, ASM-174, ¶3.117)."""
    at = request.answer_recorded_at
    assert at is not None
    for o in owed:
        if by_telephone and o.form is closing.Form.decision and o.person_id is not None:
            purpose = "the decision given by telephone first (¶2.104); the letter follows"
            await _add_communication(
                session, case, _outbound(case, request, o, medium="telephone", purpose=purpose,
                                         at=at, actor=actor),
                actor=actor, action="fc_resolution.communication_recorded",
            )  # fmt: skip
    for o in owed:
        if o.in_writing:
            await _add_communication(
                session, case, _outbound(case, request, o, medium="letter", purpose=o.rule,
                                         at=at, actor=actor),
                actor=actor, action="fc_resolution.communication_recorded",
            )  # fmt: skip


def _outbound(
    case: Case,
    request: FcResolutionRequest,
    owed: closing.Owed,
    *,
    medium: str,
    purpose: str,
    at: datetime,
    actor: Principal,
) -> FcResolutionCommunication:
    recipient = Recipient(
        person_id=owed.person_id, organisation_id=owed.organisation_id,
        is_copy=owed.form is closing.Form.copy,
    )  # fmt: skip
    # A call's summary would be what the party said (scanned); we record none here.
    summary = None if medium == "telephone" else request.closure_code
    return FcResolutionCommunication(
        id=uuid.uuid4(), case_id=case.id, request_id=request.id, medium=medium,
        direction="outbound", purpose=purpose, occurred_at=at,
        recipients=[recipient.model_dump(mode="json")], summary=summary,
        headers=[], documents=[], paragraphs=[], recorded_by=actor.sub,
    )  # fmt: skip


# --- Reading ---------------------------------------------------------------------------------


async def read(session: AsyncSession, *, case_id: uuid.UUID) -> FcResolutionRead:
    """Each resolution request of the case with its answer, and the communications."""
    case = await get_case(session, case_id)
    return FcResolutionRead(
        case_id=case.id,
        case_status=case.status.value,
        case_version=case.version,
        requests=[
            FcResolutionRequestRead.model_validate(r)
            for r in await repository.requests(session, case_id)
        ],
        communications=[
            FcResolutionCommunicationRead.model_validate(c)
            for c in await repository.communications(session, case_id)
        ],
    )

"""The decisions taken at intake, each refused with every unmet requirement listed.

- joint working: the referral to the JW team and its decision (T11, T12; INT-038/039/042);
- priority: special handling asked for, and a manager's decision on it (INT-025);
- properly made (ASM-014) and triage (INT-023/024), while the case is at intake;
- the hand-off to assessment (T13–T16) and closure at intake (T3, T6–T8, T10), which leaves the
  tasks its rules require (ASM-024, ASM-039).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import clocks, repository, rules, tasks, triage
from intake_api.cases.errors import (
    ApproverIsRequester,
    CaseNotAtIntake,
    CaseNotFound,
    ClosureBlocked,
    JointWorkingReferralBlocked,
    JurisdictionRequired,
    NotProperlyMade,
    PriorityNotRequested,
    ReferralBlocked,
    TriageIncomplete,
)
from intake_api.cases.models import (
    Case,
    CaseApproval,
    DeadlineKind,
    OrgResponseFormat,
    OtherOmbudsman,
    Priority,
    Route,
    SignpostingType,
)
from intake_api.cases.schemas_decisions import (
    CaseApprovalRead,
    CaseReferral,
    ClosureRequest,
    JointWorkingDecision,
    JointWorkingReferral,
    PriorityApproval,
    PriorityRequest,
    ProperlyMadeDecision,
    TriageQuestionnaireRead,
    TriageQuestionRead,
    TriageSubmission,
)
from intake_api.cases.service import CASE, facts, facts_may_change, get_case, move
from intake_api.cases.state import ALLOWED, CaseStatus, transition
from intake_api.reference.signposting import NoMpSituation, no_mp_signposting
from shared.auth import MANAGERS, Principal
from shared.casework.approvals import (
    ApprovalDecision,
    Delegation,
    decide_approval,
    request_approval,
)
from shared.changes import Audited, load_for_update
from shared.errors import UnprocessableContent

AT_INTAKE = frozenset(
    {CaseStatus.intake, CaseStatus.awaiting_information, CaseStatus.joint_working_review}
)


def _refuse(error: type[UnprocessableContent], problems: rules.Problems) -> None:
    """Raise ``error`` listing every unmet requirement (problem ``missing``), if there is one."""
    if problems:
        raise error(
            f"{len(problems.items)} requirement(s) not met", extensions={"missing": problems.items}
        )


def _at_intake(case: Case, what: str) -> None:
    if case.status not in AT_INTAKE:
        raise CaseNotAtIntake(
            f"The case is {case.status.value}; {what} at intake",
            extensions={"current_status": case.status.value},
        )


# --- Joint working (T11, T12; INT-038, INT-039, INT-042).
# ¶1.53 orders the acts: the JW team decides first; only after it accepts does the intake
# caseworker ask the complainant for consent, and the case goes on only with it (the hand-off
# gate in ``rules.referral_problems``). The referral itself needs no consent.


async def refer_to_joint_working(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: JointWorkingReferral,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    problems = rules.Problems()
    if not case.joint_working:
        problems.add("INT-039", "joint_working", "Record the case as a joint working case")
    if case.other_ombudsman is not OtherOmbudsman.lgsco:
        problems.add("INT-039", "other_ombudsman",
                     "Only joint working with LGSCO goes to the JW team")  # fmt: skip
    if case.joint_working_shared_at is None:
        problems.add(
            "INT-038", "joint_working_shared_at", "Share the case with LGSCO first (Legal)"
        )
    _refuse(JointWorkingReferralBlocked, problems)
    async with CASE.change(
        session, case, actor=actor, action="case.joint_working_referred", reason=data.reason
    ):
        await move(session, case, CaseStatus.joint_working_review, at=at, actor=actor)
    return case


async def decide_joint_working(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: JointWorkingDecision,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T12: accepted → routed to the JW team for hand-off; declined → back to intake."""
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    action = "case.joint_working_accepted" if data.accepted else "case.joint_working_declined"
    async with CASE.change(session, case, actor=actor, action=action, reason=data.reason):
        if case.status is CaseStatus.joint_working_review:
            case.joint_working_decided_at = at
            case.joint_working_accepted = data.accepted
            if data.accepted:
                case.route = Route.joint_working_team
                case.routing_rationale = f"Accepted by the joint working team: {data.reason}"
        await move(session, case, CaseStatus.intake, at=at, actor=actor)
    if data.accepted:
        # ¶1.53: consent is asked for only now, after the JW team's acceptance.
        await tasks.ask_joint_working_consent(session, case, actor=actor)
    return case


# --- Priority (INT-025), properly made (ASM-014) and triage (INT-023, INT-024).


# INT-025 (¶1.39): special handling is discussed with a manager, whose agreement is its own act.
SPECIAL_HANDLING = Delegation(
    kind="special_handling",
    level="manager",
    roles=MANAGERS,
    rule="INT-025 ¶1.39: special handling is agreed with a manager",
)
APPROVAL = Audited[CaseApproval](
    entity_type="case_approval",
    snapshot=lambda a: CaseApprovalRead.model_validate(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)


async def request_priority(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: PriorityRequest,
    actor: Principal,
    at: datetime,
) -> Case:
    """INT-025: ask for special handling; a manager decides it (``decide_priority``)."""
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    facts_may_change(case, "its priority")
    for earlier in await repository.undecided_approvals(session, case.id, SPECIAL_HANDLING.kind):
        earlier.decision, earlier.decided_at = ApprovalDecision.superseded, at
    approval = request_approval(
        CaseApproval, delegation=SPECIAL_HANDLING, requested_by=actor, at=at,
        reason=data.reason, case_id=case.id,
    )  # fmt: skip
    session.add(approval)
    await APPROVAL.created(session, approval, actor=actor, action="case.approval_requested")
    async with CASE.change(
        session, case, actor=actor, action="case.priority_requested", reason=data.reason
    ):
        case.special_handling_reason = data.reason
        case.priority_requested_by = actor.sub
        case.priority_approved_by = None
        case.priority_approved_at = None
    return case


async def decide_priority(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: PriorityApproval,
    actor: Principal,
    at: datetime,
) -> Case:
    """INT-025: the manager's own audited act under the delegation scheme (XC-ROL)."""
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    facts_may_change(case, "its priority")
    pending = await repository.undecided_approvals(session, case.id, SPECIAL_HANDLING.kind)
    if case.priority_requested_by is None or not pending:
        raise PriorityNotRequested("Ask for special handling first")
    approval = pending[-1]
    if approval.requested_by == actor.sub:
        raise ApproverIsRequester("A manager other than the requester decides")
    async with APPROVAL.change(
        session, approval, actor=actor, action="case.approval_decided", reason=data.reason
    ):
        decide_approval(
            approval, delegation=SPECIAL_HANDLING, actor=actor, approve=data.approve, at=at,
            reason=data.reason,
        )  # fmt: skip
    action = "case.priority_approved" if data.approve else "case.priority_refused"
    async with CASE.change(session, case, actor=actor, action=action, reason=data.reason):
        if data.approve:
            case.priority = Priority.high
            case.priority_approved_by = actor.sub
            case.priority_approved_at = at
        else:
            case.priority = Priority.standard
            case.priority_requested_by = None
    return case


async def decide_properly_made(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ProperlyMadeDecision,
    actor: Principal,
    at: datetime,
    today: date,
) -> Case:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    _at_intake(case, "properly made is decided")
    if data.properly_made:
        problems = rules.properly_made_problems(case, await facts(session, case, today=today))
        if problems:
            raise NotProperlyMade(
                "The recorded facts do not make this complaint properly made",
                extensions={"missing": problems.items},
            )
    async with CASE.change(
        session, case, actor=actor, action="case.properly_made_decided", reason=data.reason
    ):
        case.properly_made = data.properly_made
        case.properly_made_decided_by = actor.sub
        case.properly_made_decided_at = at
    return case


QUESTIONNAIRE = TriageQuestionnaireRead(
    version=triage.CURRENT_VERSION,
    questions=[
        TriageQuestionRead(id=q.id, text=q.text, category=q.category)
        for q in triage.QUESTIONNAIRES[triage.CURRENT_VERSION]
    ],
    answers=["yes", "no", "insufficient_information"],
)


async def triage_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: TriageSubmission,
    actor: Principal,
    if_match: str | None,
) -> Case:
    """Derive and store the category from the questionnaire's answers, with its version."""
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _at_intake(case, "triage is done")
    category, problems = triage.derive(data.version, dict(data.answers))
    if problems:
        raise TriageIncomplete(
            f"{len(problems.items)} answer(s) missing or invalid",
            extensions={"missing": problems.items},
        )
    async with CASE.change(session, case, actor=actor, action="case.triaged", reason=data.reason):
        case.triage_category = category
        case.triage_answers = dict(data.answers)
        case.triage_questionnaire_version = data.version
    return case


# --- Hand-off (T13–T16) and closure (T3, T6–T8, T10).


async def refer_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    referral: CaseReferral,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> Case:
    """Pass the case to assessment; emits ``intake.case.referred`` in this transaction.

    Refused with every unmet requirement listed (problem ``missing``) until it may go.
    """
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    async with CASE.change(
        session, case, actor=actor, action="case.referred", reason=referral.reason
    ):
        for name in ("route", "routing_rationale", "jurisdiction"):
            value = getattr(referral, name)
            if value is not None:
                setattr(case, name, value)
        if case.status is not CaseStatus.intake:
            transition(case, CaseStatus.referred, at=at)  # raises the 409 with the current status
        if case.jurisdiction is None:
            raise JurisdictionRequired("Give the jurisdiction (health or parliamentary)")
        with session.no_autoflush:  # one version bump for the whole act, not one per query
            case_facts = await facts(session, case, today=today)
        _refuse(ReferralBlocked, rules.referral_problems(case, case_facts))
        await move(session, case, CaseStatus.referred, at=at, actor=actor)
        await clocks.meet_all(session, case.id, DeadlineKind.intake_contact, at)
    return case


async def close_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ClosureRequest,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> Case:
    """Close at intake with a D.1/D.3 code; emits ``intake.case.closed``."""
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    if CaseStatus.closed not in ALLOWED[case.status]:
        transition(case, CaseStatus.closed, at=at)  # raises the 409
    data = _with_no_mp_signposting(data, today=today)
    case_facts = await facts(session, case, today=today)
    problems = rules.closure_problems(
        case,
        case_facts,
        code=data.closure_code,
        decision_channel=data.decision_channel,
        written_decision_requested=data.written_decision_requested,
        enough_information_to_decide=data.enough_information_to_decide,
        signposting=data.signposting_type,
        signposting_detail=data.signposting_detail,
        time_limit_explained=data.time_limit_explained,
        information_deadline_passed=await clocks.information_deadline_passed(
            session, case.id, today
        ),
    )
    _refuse(ClosureBlocked, problems)
    async with CASE.change(session, case, actor=actor, action="case.closed", reason=data.reasons):
        case.closure_code = data.closure_code
        case.closure_reasons = data.reasons
        case.decision_channel = data.decision_channel
        case.written_decision_requested = data.written_decision_requested
        case.signposting_type = data.signposting_type
        case.signposting_detail = data.signposting_detail
        if data.closure_code in rules.REMIT_CATEGORIES:
            case.remit_categories = [data.closure_code]
        await move(session, case, CaseStatus.closed, at=at, actor=actor)
        await clocks.cancel_all(session, case.id, at)
    if (
        data.closure_code in rules.PREMATURE_CODES
        and case.org_response_format is OrgResponseFormat.audio_only
    ):
        await tasks.ask_for_written_response(session, case, actor=actor)
    await tasks.copies_for_new_mps(session, case, case_facts.vacant_mp_seats, actor=actor)
    return case


def _with_no_mp_signposting(data: ClosureRequest, *, today: date) -> ClosureRequest:
    """ASM-028 (¶2.51–2.54): where a complainant without an MP referral is directed."""
    if data.no_mp_situation is None:
        return data
    problems = rules.Problems()
    if data.closure_code != rules.NO_MP_REFERRAL:
        problems.add("ASM-028", "no_mp_situation", "Only a 'No MP referral' closure says why "
                     "there is no MP")  # fmt: skip
    elif (
        data.no_mp_situation is NoMpSituation.own_mp_refuses
        and "pacac" in (data.signposting_detail or "").casefold()
    ):
        problems.add("ASM-028", "signposting", "The complainant's own MP refused to refer: do "
                     "not direct them to PACAC")  # fmt: skip
    _refuse(ClosureBlocked, problems)
    if data.signposting_type is not None:
        return data
    advice = no_mp_signposting(data.no_mp_situation, left_uk_on=data.left_uk_on, today=today)
    return data.model_copy(
        update={
            "signposting_type": SignpostingType.other_body,
            "signposting_detail": advice.signposting_detail,
        }
    )


async def list_approvals(session: AsyncSession, *, case_id: uuid.UUID) -> list[CaseApproval]:
    """Every approval asked for on the case: who asked, who decided, at which level (XC-ROL)."""
    await get_case(session, case_id=case_id)  # 404 for an unknown case
    return list(await repository.approvals(session, case_id))

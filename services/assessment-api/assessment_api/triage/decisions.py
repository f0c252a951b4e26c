"""The three ways out of ECT triage (requirements §B.3):

- T17 'Triage - other reason to decline' (ASM-046, ASM-047, ASM-048, ASM-050): the PVM score
  below the threshold in force, minimal intervention considered, the triage section complete,
  a requested or agreed reasonable adjustment considered (intake says whether there is one), a
  written response to any MP and to a complainant who asks; then through the risk guard;
- T18 'ECT triage - Resolution' (ASM-051): minimal intervention resolved it; a resolution is a
  decision not to investigate too (ASM-069), so through the risk guard;
- T19 pass-on to early consideration or the allocation queue: the score supports further
  consideration (a minimal-intervention case goes to early consideration, ¶2.95).

Each checks what it can locally first, then asks intake and compliance-api, then locks the case
(``If-Match``) and checks again on the latest assessment before moving it.

T17 and T18 close the case, so they go to the parties intake holds, read when the decision is
made (``closing.service.issue_list``: never ids from the request; 409
``decision-recipients-incomplete`` naming ASM-173 or ASM-174 while the list is not complete; 503
when intake cannot say). ASM-050 (¶2.92–2.93): the complainant is usually told by telephone and
gets it in writing when they ask; MPs and representatives with authority are always written to.
Each call and letter is a ``TriageCommunication`` row of the casework kit's communications, in
the closure's transaction with its ``assessment.case.closed``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import service as allocations
from assessment_api.cases import service as cases
from assessment_api.closing import service as closing
from assessment_api.triage import intake, repository, rules
from assessment_api.triage.errors import NotAtTriage, TriageDecisionBlocked
from assessment_api.triage.models import PvmAssessment, TriageClosure, TriageCommunication
from assessment_api.triage.schemas import (
    ToldBy,
    TriageClosureRead,
    TriageCommunicationRead,
    TriageDeclineCreate,
    TriagePassOn,
    TriageResolutionCreate,
)
from shared.auth import Principal
from shared.casework.communications import Recipient
from shared.casework.risk_guard import GuardTrigger, RiskClearance, require_risk_assessment
from shared.changes import Audited
from shared.clients import ServiceClient
from shared.concurrency import check_if_match, make_etag
from shared.events.contracts.assessment import CaseClosedV1
from shared.outbox.emit import emit

CLOSURE: Audited[TriageClosure] = Audited(
    entity_type="triage_closure",
    snapshot=lambda c: TriageClosureRead.model_validate(c).model_dump(mode="json"),
    case_id=lambda c: c.case_id,
)
COMMUNICATION: Audited[TriageCommunication] = Audited(
    entity_type="triage_communication",
    snapshot=lambda c: TriageCommunicationRead.model_validate(c).model_dump(mode="json"),
    case_id=lambda c: c.case_id,
)
MISSING_ASSESSMENT = "pvm_assessment_missing"


def _at_triage(case: cases.Case, to: cases.CaseStatus) -> None:
    if case.status is not cases.CaseStatus.ect_triage:
        raise NotAtTriage(
            f"The case is {case.status.value}; only a case at ECT triage leaves it this way",
            extensions={"current_status": case.status.value, "requested_status": to.value},
        )
    cases.check_allowed(case, to)


def _blocked(requirement: str, problems: list[str]) -> TriageDecisionBlocked:
    return TriageDecisionBlocked(
        f"{requirement}: the triage does not support this yet: {', '.join(problems)}",
        extensions={"requirement": requirement, "problems": problems},
    )


async def _assessment(session: AsyncSession, case_id: uuid.UUID, requirement: str) -> PvmAssessment:
    found = await repository.latest_assessment(session, case_id)
    if found is None:
        raise _blocked(requirement, [MISSING_ASSESSMENT])
    return found


def _decline_problems(
    assessment: PvmAssessment, data: TriageDeclineCreate, facts: intake.IntakeFacts
) -> list[str]:
    return [
        p.value
        for p in rules.decline_problems(
            outcome=assessment.outcome,
            minimal_intervention_considered=assessment.minimal_intervention_considered,
            answered=assessment.answers,
            adjustment_exists=facts.adjustment_exists,
            adjustment_considered=assessment.adjustment_considered,
            mp_involved=facts.mp_involved,
            mp_written_response=data.mp_written_response is not None,
            written_response_requested=data.written_response_requested,
            written_response=data.written_response is not None,
        )
    ]


async def _recipients(
    intake_client: ServiceClient,
    case: cases.Case,
    *,
    kind: closing.ClosureKind,
    told_by: ToldBy,
    written_requested: bool,
    copy_to_aggrieved: bool | None,
) -> list[closing.Owed]:
    """Everyone the closure goes to, from intake's parties now (ASM-173, ASM-174), with ASM-050's
    rule: the complainant by telephone first and in writing on request (or in writing when told
    that way); MPs and representatives with authority always in writing."""
    return await closing.issue_list(
        intake_client, case, kind=kind, decision_by_telephone=told_by is ToldBy.telephone,
        written_decision_requested=written_requested, aggrieved_copy=copy_to_aggrieved,
    )  # fmt: skip


def _communication(
    closure: TriageClosure, owed: closing.Owed, *, medium: str, purpose: str
) -> TriageCommunication:
    recipient = Recipient(
        person_id=owed.person_id, organisation_id=owed.organisation_id,
        is_copy=owed.form is closing.Form.copy,
    )  # fmt: skip
    # A call's summary would be what the party said (scanned, XC-RSK-004); we record none here,
    # so our own closure code is never read as their words.
    summary = None if medium == "telephone" else closure.closure_code
    return TriageCommunication(
        id=uuid.uuid4(), case_id=closure.case_id, triage_closure_id=closure.id, medium=medium,
        direction="outbound", purpose=purpose, occurred_at=closure.decided_at,
        recipients=[recipient.model_dump(mode="json")], summary=summary,
        headers=[], documents=[], paragraphs=[], recorded_by=closure.decided_by,
    )  # fmt: skip


async def _issue(
    session: AsyncSession,
    case: cases.Case,
    closure: TriageClosure,
    owed: list[closing.Owed],
    *,
    told_by: ToldBy,
    actor: Principal,
) -> None:
    """The closure's call and letters through the casework kit (ASM-050 ¶2.92–2.93): the call
    that told the complainant, when by telephone; then one letter (or the email the complainant
    was told by) to each recipient owed one in writing."""
    rows: list[TriageCommunication] = []
    for o in owed:
        if told_by is ToldBy.telephone and o.form is closing.Form.decision and o.person_id:
            purpose = "ASM-050 (¶2.92): the complainant told by telephone"
            rows.append(_communication(closure, o, medium="telephone", purpose=purpose))
    for o in owed:
        if o.in_writing:
            email = told_by is ToldBy.email and o.form is closing.Form.decision
            rows.append(
                _communication(closure, o, medium="email" if email else "letter", purpose=o.rule)
            )
    for row in rows:
        await cases.scan_and_announce_communication(session, case, row, actor=actor)
        repository.add(session, row)
        await COMMUNICATION.created(
            session, row, actor=actor, action="triage.communication_recorded"
        )


async def _close(
    session: AsyncSession,
    case: cases.Case,
    *,
    closure: TriageClosure,
    owed: list[closing.Owed],
    told_by: ToldBy,
    actor: Principal,
    at: datetime,
    clearance: RiskClearance,
    action: str,
) -> None:
    async with cases.CASE.change(session, case, actor=actor, action=action):
        cases.transition(
            case, cases.CaseStatus.closed, at=at, clearance=clearance,
            closure_code=closure.closure_code,
        )  # fmt: skip
    repository.add(session, closure)
    await CLOSURE.created(session, closure, actor=actor, action="triage.closure_recorded")
    await _issue(session, case, closure, owed, told_by=told_by, actor=actor)
    await emit(
        session,
        CaseClosedV1(
            reference=case.reference,
            closure_code=closure.closure_code,
            decision="decision_not_to_investigate",
            decision_id=closure.id,
            discretion="general",  # ¶2.94: under our general discretion
            risk_assessment_id=closure.risk_assessment_id,
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=at,
    )


async def decline(
    session: AsyncSession,
    risk: ServiceClient,
    intake_client: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: TriageDeclineCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> cases.Case:
    """T17: close as 'Triage - other reason to decline'."""
    case = await cases.get_case(session, case_id)
    _at_triage(case, cases.CaseStatus.closed)
    check_if_match(if_match, make_etag(case.version), required=False)
    assessment = await _assessment(session, case_id, "ASM-050")
    no_facts = intake.IntakeFacts(adjustment_exists=False, mp_involved=False)
    if problems := _decline_problems(assessment, data, no_facts):
        raise _blocked("ASM-050", problems)
    facts = await intake.case_facts(intake_client, case_id)
    if problems := _decline_problems(assessment, data, facts):
        raise _blocked("ASM-048" if facts.adjustment_exists else "ASM-050", problems)
    owed = await _recipients(
        intake_client, case, kind=closing.ClosureKind.decline, told_by=data.complainant_told_by,
        written_requested=data.written_response_requested,
        copy_to_aggrieved=data.copy_to_aggrieved,
    )  # fmt: skip
    clearance = await require_risk_assessment(
        risk, case_id=case_id, trigger=GuardTrigger.decline, at=at
    )
    case = await cases.lock_case(session, case_id, if_match=if_match)
    _at_triage(case, cases.CaseStatus.closed)
    assessment = await _assessment(session, case_id, "ASM-050")
    if problems := _decline_problems(assessment, data, facts):
        raise _blocked("ASM-050", problems)
    closure = TriageClosure(
        id=uuid.uuid4(),
        case_id=case.id,
        closure_code=rules.TRIAGE_DECLINE_CODE,
        pvm_assessment_id=assessment.id,
        rationale=data.rationale,
        complainant_told_by=data.complainant_told_by.value,
        written_response_requested=data.written_response_requested,
        written_response=data.written_response.model_dump(mode="json")
        if data.written_response
        else None,
        mp_written_response=data.mp_written_response.model_dump(mode="json")
        if data.mp_written_response
        else None,
        mp_involved=facts.mp_involved,
        adjustment_exists=facts.adjustment_exists,
        risk_assessment_id=clearance.assessment_id,
        decided_by=actor.sub,
        decided_at=at,
    )
    await _close(
        session, case, closure=closure, owed=owed, told_by=data.complainant_told_by,
        actor=actor, at=at, clearance=clearance, action="case.triage_declined",
    )  # fmt: skip
    return case


def _resolution_problems(assessment: PvmAssessment) -> list[str]:
    if rules.resolution_allowed(assessment.outcome):
        return []
    return ["outcome_not_minimal_intervention"]


async def resolve(
    session: AsyncSession,
    risk: ServiceClient,
    intake_client: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: TriageResolutionCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> cases.Case:
    """T18: close as 'ECT triage - Resolution' (ASM-051); a resolution is a decision not to
    investigate (ASM-069), issued to intake's parties as a decline is (ASM-050, ASM-173)."""
    case = await cases.get_case(session, case_id)
    _at_triage(case, cases.CaseStatus.closed)
    check_if_match(if_match, make_etag(case.version), required=False)
    assessment = await _assessment(session, case_id, "ASM-051")
    if problems := _resolution_problems(assessment):
        raise _blocked("ASM-051", problems)
    owed = await _recipients(
        intake_client, case, kind=closing.ClosureKind.resolution,
        told_by=data.complainant_told_by, written_requested=data.written_response_requested,
        copy_to_aggrieved=data.copy_to_aggrieved,
    )  # fmt: skip
    clearance = await require_risk_assessment(
        risk, case_id=case_id, trigger=GuardTrigger.decline, at=at
    )
    case = await cases.lock_case(session, case_id, if_match=if_match)
    _at_triage(case, cases.CaseStatus.closed)
    assessment = await _assessment(session, case_id, "ASM-051")
    if problems := _resolution_problems(assessment):
        raise _blocked("ASM-051", problems)
    closure = TriageClosure(
        id=uuid.uuid4(),
        case_id=case.id,
        closure_code=rules.TRIAGE_RESOLUTION_CODE,
        pvm_assessment_id=assessment.id,
        rationale=data.rationale,
        complainant_told_by=data.complainant_told_by.value,
        written_response_requested=data.written_response_requested,
        risk_assessment_id=clearance.assessment_id,
        decided_by=actor.sub,
        decided_at=at,
    )
    await _close(
        session, case, closure=closure, owed=owed, told_by=data.complainant_told_by,
        actor=actor, at=at, clearance=clearance, action="case.triage_resolved",
    )  # fmt: skip
    return case


async def pass_on(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: TriagePassOn,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> cases.Case:
    """T19: to early consideration or the allocation queue, when the score supports it."""
    to = cases.CaseStatus(data.to.value)
    case = await cases.lock_case(session, case_id, if_match=if_match)
    _at_triage(case, to)
    assessment = await _assessment(session, case_id, "T19")
    problem = rules.pass_on_problem(assessment.outcome, data.to)
    if problem is not None:
        raise TriageDecisionBlocked(
            problem,
            extensions={"requirement": "ASM-046", "outcome": assessment.outcome.value},
        )
    if to is cases.CaseStatus.awaiting_allocation:
        await allocations.enter_queue(
            session, case, actor=actor, at=at, action="case.triage_passed_on", reason=data.reason
        )
        return case
    async with cases.CASE.change(
        session, case, actor=actor, action="case.triage_passed_on", reason=data.reason
    ):
        cases.transition(case, to, at=at)
    return case

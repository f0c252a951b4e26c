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
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import service as allocations
from assessment_api.cases import service as cases
from assessment_api.triage import intake, repository, rules
from assessment_api.triage.errors import NotAtTriage, TriageDecisionBlocked
from assessment_api.triage.models import PvmAssessment, TriageClosure
from assessment_api.triage.schemas import (
    TriageClosureRead,
    TriageDeclineCreate,
    TriagePassOn,
    TriageResolutionCreate,
)
from shared.auth import Principal
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


async def _close(
    session: AsyncSession,
    case: cases.Case,
    *,
    closure: TriageClosure,
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
        session, case, closure=closure, actor=actor, at=at, clearance=clearance,
        action="case.triage_declined",
    )  # fmt: skip
    return case


def _resolution_problems(assessment: PvmAssessment) -> list[str]:
    if rules.resolution_allowed(assessment.outcome):
        return []
    return ["outcome_not_minimal_intervention"]


async def resolve(
    session: AsyncSession,
    risk: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: TriageResolutionCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> cases.Case:
    """T18: close as 'ECT triage - Resolution' (ASM-051)."""
    case = await cases.get_case(session, case_id)
    _at_triage(case, cases.CaseStatus.closed)
    check_if_match(if_match, make_etag(case.version), required=False)
    assessment = await _assessment(session, case_id, "ASM-051")
    if problems := _resolution_problems(assessment):
        raise _blocked("ASM-051", problems)
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
        written_response_requested=False,
        risk_assessment_id=clearance.assessment_id,
        decided_by=actor.sub,
        decided_at=at,
    )
    await _close(
        session, case, closure=closure, actor=actor, at=at, clearance=clearance,
        action="case.triage_resolved",
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

"""The two decisions that end assessment, each behind the risk guard (XC-RSK-001):

- a decision not to investigate (T32; ASM-093 a single reason; ASM-137, ASM-177 risk assessed
  with conflicts of interest) closes the case and emits ``assessment.case.closed``;
- a proposal to investigate (T35; ASM-177) emits ``assessment.proposal.issued``, which opens
  investigation's record at Milestone 1 (INV-003).

Each follows the same steps, so issue #13 can add the Decision Form checks, approvals and letters
at the marked point without reordering them: the request's own rules; the case's state (a case
that cannot move is refused before compliance-api is asked); the guard; the row lock and
``If-Match``; the state again (another request may have moved it meanwhile); the transition with
the guard's clearance, audited; the decision record, audited; the event.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases import repository
from assessment_api.cases.errors import CaseNotFound, DeclineReasonInvalid
from assessment_api.cases.models import Case, DeclineDecision, InvestigationProposal
from assessment_api.cases.rules import decline_problems
from assessment_api.cases.schemas import DeclineCreate, DeclineRead, ProposalCreate, ProposalRead
from assessment_api.cases.service import CASE, get_case
from assessment_api.cases.state import (
    CaseStatus,
    CaseTransitionNotAllowed,
    check_allowed,
    transition,
)
from assessment_api.handlers.service import check_ready_for_decision
from shared.auth import Principal
from shared.calendar import WorkingCalendar
from shared.casework.deadlines import DeadlineRule, Unit
from shared.casework.risk_guard import GuardTrigger, RiskClearance, require_risk_assessment
from shared.changes import Audited, load_for_update
from shared.clients import ServiceClient
from shared.clock import BUSINESS_TIMEZONE
from shared.concurrency import check_if_match, make_etag
from shared.events.contracts.assessment import (
    CaseClosedV1,
    CommentDeadline,
    ProposalIssuedV1,
    ProposalOrganisation,
    ProposalOrganisationRole,
    RecipientKind,
)
from shared.outbox.emit import emit

DECLINE: Audited[DeclineDecision] = Audited(
    entity_type="decline_decision",
    snapshot=lambda d: DeclineRead.model_validate(d).model_dump(mode="json"),
    case_id=lambda d: d.case_id,
)
PROPOSAL: Audited[InvestigationProposal] = Audited(
    entity_type="investigation_proposal",
    snapshot=lambda p: ProposalRead.model_validate(p).model_dump(mode="json"),
    case_id=lambda p: p.case_id,
)

# C-15 (¶3.78, ASM-161): ten working days for comments, stated in each proposal letter.
PROPOSAL_COMMENTS = DeadlineRule(
    text="C-15 ¶3.78: comments on the proposal to investigate within 10 working days",
    amount=10,
    unit=Unit.working_days,
)

# T32 and T35 start from further consideration (a caseworker holds the case).
DECIDES_FROM = CaseStatus.further_consideration


async def _cleared(
    session: AsyncSession,
    risk: ServiceClient,
    *,
    case_id: uuid.UUID,
    to: CaseStatus,
    trigger: GuardTrigger,
    at: datetime,
    if_match: str | None,
) -> tuple[Case, RiskClearance]:
    """The case, locked and checked for ``to``, and the guard's clearance for ``trigger``."""
    case = await get_case(session, case_id)
    _from_further_consideration(case, to)
    check_if_match(if_match, make_etag(case.version), required=False)
    clearance = await require_risk_assessment(risk, case_id=case_id, trigger=trigger, at=at)
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _from_further_consideration(case, to)
    # ASM-071…084: the complaint handlers' rules (a decision per organisation complained
    # about, the IFR and CHC checks, and for a proposal a completed complaints process).
    await check_ready_for_decision(
        session, case_id, proposing=to is CaseStatus.proposed_to_investigate
    )
    return case, clearance


def _from_further_consideration(case: Case, to: CaseStatus) -> None:
    """409 unless the case is at further consideration (T32 and T35 start there; the table's
    other ways into ``to`` (T17, T20, T22…) are other decisions)."""
    check_allowed(case, to)
    if case.status is not DECIDES_FROM:
        raise CaseTransitionNotAllowed(
            f"Only a case at further consideration can be moved to {to.value} this way; this "
            f"one is {case.status.value}",
            extensions={"current_status": case.status.value, "requested_status": to.value},
        )


async def decline(
    session: AsyncSession,
    risk: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: DeclineCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T32: a decision not to investigate, made on a qualifying ``decline`` risk assessment."""
    problems = decline_problems(data.closure_code, data.discretion, data.other_reason)
    if problems:
        raise DeclineReasonInvalid(
            "ASM-093: a decline gives a single reason: a decline code, with its discretion "
            "type when it is a discretion, and which other reason for 'other reason to decline'",
            extensions={"problems": [p.value for p in problems]},
        )
    case, clearance = await _cleared(
        session, risk, case_id=case_id, to=CaseStatus.closed, trigger=GuardTrigger.decline,
        at=at, if_match=if_match,
    )  # fmt: skip
    # Issue #13: the Decision Form, organisation decisions, approval and recipients go here.
    async with CASE.change(session, case, actor=actor, action="case.declined"):
        transition(
            case, CaseStatus.closed, at=at, clearance=clearance, closure_code=data.closure_code
        )
    decision = DeclineDecision(
        id=uuid.uuid4(),
        case_id=case.id,
        closure_code=data.closure_code,
        discretion=data.discretion,
        other_reason=data.other_reason,
        rationale=data.rationale,
        risk_assessment_id=clearance.assessment_id,
        decided_by=actor.sub,
        decided_at=at,
    )
    repository.add(session, decision)
    await DECLINE.created(session, decision, actor=actor, action="case.decline_decision_recorded")
    await emit(
        session,
        CaseClosedV1(
            reference=case.reference,
            closure_code=data.closure_code,
            decision="decision_not_to_investigate",
            decision_id=decision.id,
            discretion=data.discretion.value if data.discretion else None,
            other_reason=data.other_reason.value if data.other_reason else None,
            risk_assessment_id=clearance.assessment_id,
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=at,
    )
    return case


async def propose(
    session: AsyncSession,
    risk: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: ProposalCreate,
    actor: Principal,
    at: datetime,
    calendar: WorkingCalendar,
    if_match: str | None,
) -> Case:
    """T35: a proposal to investigate, made on a qualifying ``propose`` risk assessment."""
    case, clearance = await _cleared(
        session, risk, case_id=case_id, to=CaseStatus.proposed_to_investigate,
        trigger=GuardTrigger.propose, at=at, if_match=if_match,
    )  # fmt: skip
    # Issue #13: gate tests, named persons, approval, letters and Milestone 1 go here.
    async with CASE.change(session, case, actor=actor, action="case.investigation_proposed"):
        transition(case, CaseStatus.proposed_to_investigate, at=at, clearance=clearance)
    proposal = InvestigationProposal(
        id=uuid.uuid4(),
        case_id=case.id,
        rationale=data.rationale,
        risk_assessment_id=clearance.assessment_id,
        proposed_by=actor.sub,
        proposed_at=at,
    )
    repository.add(session, proposal)
    await PROPOSAL.created(session, proposal, actor=actor, action="case.proposal_recorded")
    issued_on = at.astimezone(BUSINESS_TIMEZONE).date()
    comments_due = PROPOSAL_COMMENTS.due_date(issued_on, calendar)
    # The organisations intake referred are the ones complained about; the Decision Form (issue
    # #13) adds second tiers, contractors, named persons, parties and components.
    await emit(
        session,
        ProposalIssuedV1(
            reference=case.reference,
            proposal_id=proposal.id,
            case_type=case.case_type,
            jurisdiction=case.jurisdiction,
            organisations=[
                ProposalOrganisation(organisation_id=o, role=ProposalOrganisationRole.organisation)
                for o in case.organisation_ids
            ],
            comment_deadlines=[
                CommentDeadline(
                    recipient_kind=RecipientKind.organisation,
                    recipient_id=o,
                    due_date=comments_due,
                )
                for o in case.organisation_ids
            ],
            milestone_1_date=issued_on,
            risk_assessment_id=clearance.assessment_id,
            proposed_by=actor.sub,
            case_allocated_to=case.owner,
            team=case.team,
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=at,
    )
    return case

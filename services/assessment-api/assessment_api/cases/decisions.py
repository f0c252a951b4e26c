"""The two decisions that end assessment, each behind the risk guard (XC-RSK-001):

- a decision not to investigate (T32; ASM-093 a single reason; ASM-137, ASM-177 risk assessed
  with conflicts of interest) closes the case and emits ``assessment.case.closed``;
- a proposal to investigate (T35; ASM-177) emits ``assessment.proposal.issued``, which opens
  investigation's record at Milestone 1 (INV-003), carrying the case's exceptional
  prioritisation for investigation when it has one (ASM-169, ids and dates only).

Each follows the same steps: the request's own rules; the case's state (a case that cannot move
is refused before compliance-api is asked); what must be in place first (``_ready``: the
complaint handlers' rules, then every decision gate of ``readiness``, 409 ``decision-not-ready``
listing each gap: the Decision Form, contact after allocation, the approval under the Delegation
Scheme, ASM-172); for a decline, who it goes to, read from intake (``closing.service.issue_list``:
409 ``decision-recipients-incomplete`` while a recipient is undecided, 503 when intake cannot
say); the guard; the row lock and ``If-Match``; the state and ``_ready`` again under the lock
(another request may have changed either meanwhile); the transition with the guard's clearance,
audited; the decision record with its approver, audited, and the approval used; its letters and
calls through the casework kit; the event.

A decline at further consideration is issued under ¶3.109–3.110 (Legal): the decision letter is
addressed to the complainant even when they were told by phone first (the call is recorded
too); MPs, representatives with authority and organisations contacted are written to (ASM-173,
ASM-174, ASM-055, ¶3.117).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases import repository
from assessment_api.cases.errors import CaseNotFound, DeclineReasonInvalid
from assessment_api.cases.models import (
    Case,
    DecisionCommunication,
    DeclineDecision,
    InvestigationProposal,
)
from assessment_api.cases.readiness import require_ready
from assessment_api.cases.rules import decline_problems
from assessment_api.cases.schemas import (
    DecisionCommunicationRead,
    DeclineCreate,
    DeclineRead,
    ProposalCreate,
    ProposalRead,
)
from assessment_api.cases.service import CASE, get_case, scan_and_announce_communication
from assessment_api.cases.state import (
    CaseStatus,
    CaseTransitionNotAllowed,
    check_allowed,
    transition,
)
from assessment_api.closing import service as closing
from assessment_api.decision_approvals import service as approvals
from assessment_api.handlers.service import check_ready_for_decision
from assessment_api.proposals import service as proposals
from assessment_api.proposals.schemas import IssueInput
from assessment_api.special_handling import service as special_handling
from shared.auth import Principal
from shared.calendar import WorkingCalendar
from shared.casework.communications import Recipient
from shared.casework.risk_guard import GuardTrigger, RiskClearance, require_risk_assessment
from shared.changes import Audited, load_for_update
from shared.clients import ServiceClient
from shared.clock import BUSINESS_TIMEZONE
from shared.concurrency import check_if_match, make_etag
from shared.events.contracts.assessment import CaseClosedV1, ProposalIssuedV1
from shared.outbox.emit import emit

DECLINE: Audited[DeclineDecision] = Audited(
    entity_type="decline_decision",
    snapshot=lambda d: DeclineRead.model_validate(d).model_dump(mode="json"),
    case_id=lambda d: d.case_id,
)
COMMUNICATION: Audited[DecisionCommunication] = Audited(
    entity_type="decision_communication",
    snapshot=lambda c: DecisionCommunicationRead.model_validate(c).model_dump(mode="json"),
    case_id=lambda c: c.case_id,
)
PROPOSAL: Audited[InvestigationProposal] = Audited(
    entity_type="investigation_proposal",
    snapshot=lambda p: ProposalRead.model_validate(p).model_dump(mode="json"),
    case_id=lambda p: p.case_id,
)

# C-15 (¶3.78, ASM-161): ten working days for comments, stated in each proposal letter (the
# proposals domain sets one per recipient).
PROPOSAL_COMMENTS = proposals.PROPOSAL_COMMENTS

# T32 and T35 start from further consideration (a caseworker holds the case).
DECIDES_FROM = CaseStatus.further_consideration


@dataclass(frozen=True)
class Gated:
    """The decision the gates are asked about (a decline's whole reason: its approval is bound
    to it, ASM-172)."""

    proposing: bool
    closure_code: str | None = None
    discretion: str | None = None
    other_reason: str | None = None


async def _ready(
    session: AsyncSession,
    case_id: uuid.UUID,
    gated: Gated,
    parties: Sequence[closing.Party] | None = None,
) -> approvals.DecisionApproval:
    """What must be in place before the decision, and the approval it is made under (with
    intake's ``parties``, suitability's role check too, ASM-113)."""
    # ASM-071…084: the complaint handlers' rules (a decision per organisation complained
    # about, the IFR and CHC checks, and for a proposal a completed complaints process).
    await check_ready_for_decision(session, case_id, proposing=gated.proposing)
    approval = await require_ready(
        session, case_id, proposing=gated.proposing, closure_code=gated.closure_code,
        discretion=gated.discretion, other_reason=gated.other_reason, parties=parties,
    )  # fmt: skip
    # The approval gate found one covering the decision (ASM-172), or it refused above.
    assert approval is not None
    return approval


async def _prechecked(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    to: CaseStatus,
    gated: Gated,
    if_match: str | None,
) -> Case:
    """What assessment can tell alone, before asking intake or compliance-api (checked again
    under the case's lock in ``_cleared``)."""
    case = await get_case(session, case_id)
    _from_further_consideration(case, to)
    check_if_match(if_match, make_etag(case.version), required=False)
    await _ready(session, case_id, gated)
    return case


async def _cleared(
    session: AsyncSession,
    risk: ServiceClient,
    *,
    case_id: uuid.UUID,
    to: CaseStatus,
    trigger: GuardTrigger,
    at: datetime,
    if_match: str | None,
    gated: Gated,
    parties: Sequence[closing.Party],
) -> tuple[Case, RiskClearance, approvals.DecisionApproval]:
    """The case, locked and checked for ``to``, the guard's clearance for ``trigger``, and the
    approval the decision is made under (every gate checked again under the lock, with
    intake's ``parties``)."""
    clearance = await require_risk_assessment(risk, case_id=case_id, trigger=trigger, at=at)
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _from_further_consideration(case, to)
    approval = await _ready(session, case_id, gated, parties)
    return case, clearance, approval


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
    intake: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: DeclineCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T32: a decision not to investigate, made on a qualifying ``decline`` risk assessment and
    issued to everyone the guidance names (ASM-173, ASM-174, ASM-055, ¶3.117)."""
    problems = decline_problems(data.closure_code, data.discretion, data.other_reason)
    if problems:
        raise DeclineReasonInvalid(
            "ASM-093: a decline gives a single reason: a decline code, with its discretion "
            "type when it is a discretion, and which other reason for 'other reason to decline'",
            extensions={"problems": [p.value for p in problems]},
        )
    gated = Gated(
        proposing=False, closure_code=data.closure_code,
        discretion=data.discretion.value if data.discretion else None,
        other_reason=data.other_reason.value if data.other_reason else None,
    )  # fmt: skip
    case = await _prechecked(
        session, case_id=case_id, to=CaseStatus.closed, gated=gated, if_match=if_match
    )
    parties = await closing.case_parties(intake, case_id)
    owed = await closing.issue_list(
        intake, case, kind=closing.ClosureKind.decline,
        decision_by_telephone=data.decision_by_telephone,
        written_decision_requested=True,  # ¶3.109–3.110: the letter is addressed to them
        aggrieved_copy=data.aggrieved_copy, organisations_contacted=data.organisations_contacted,
        parties=parties,
    )  # fmt: skip
    case, clearance, approval = await _cleared(
        session, risk, case_id=case_id, to=CaseStatus.closed, trigger=GuardTrigger.decline,
        at=at, if_match=if_match, gated=gated, parties=parties,
    )  # fmt: skip
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
        approval_id=approval.id,
        approved_by=approval.decided_by,
    )
    repository.add(session, decision)
    await DECLINE.created(session, decision, actor=actor, action="case.decline_decision_recorded")
    await approvals.use(session, approval, actor=actor, at=at)
    await _issue(
        session, case, decision, owed, by_telephone=data.decision_by_telephone, actor=actor
    )
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
            approved_by=approval.decided_by,
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=at,
    )
    return case


async def _issue(
    session: AsyncSession,
    case: Case,
    decision: DeclineDecision,
    owed: list[closing.Owed],
    *,
    by_telephone: bool,
    actor: Principal,
) -> None:
    """The decline's calls and letters through the casework kit: the call to the complainant
    when they were told by phone, then one letter to each recipient owed one in writing (MPs and
    representatives always, ASM-055 ¶2.104)."""
    rows: list[DecisionCommunication] = []
    for o in owed:
        if by_telephone and o.form is closing.Form.decision and o.person_id is not None:
            purpose = "the decision given by telephone first (¶2.104); the letter follows"
            rows.append(_communication(case, decision, o, medium="telephone", purpose=purpose))
    for o in owed:
        if o.in_writing:
            rows.append(_communication(case, decision, o, medium="letter", purpose=o.rule))
    for row in rows:
        # XC-RSK-004: a call's note is what a party told us: the kit scans it.
        await scan_and_announce_communication(session, case, row, actor=actor)
        repository.add(session, row)
        await COMMUNICATION.created(
            session, row, actor=actor, action="case.decline_communication_recorded"
        )


def _communication(
    case: Case, decision: DeclineDecision, owed: closing.Owed, *, medium: str, purpose: str
) -> DecisionCommunication:
    recipient = Recipient(
        person_id=owed.person_id, organisation_id=owed.organisation_id,
        is_copy=owed.form is closing.Form.copy,
    )  # fmt: skip
    # A call's summary would be what the party said (scanned, XC-RSK-004); we record none here,
    # so our own closure code is never read as their words.
    summary = None if medium == "telephone" else decision.closure_code
    return DecisionCommunication(
        id=uuid.uuid4(), case_id=case.id, decline_decision_id=decision.id, medium=medium,
        direction="outbound", purpose=purpose, occurred_at=decision.decided_at,
        recipients=[recipient.model_dump(mode="json")], summary=summary,
        headers=[], documents=[], paragraphs=[], recorded_by=decision.decided_by,
    )  # fmt: skip


async def propose(
    session: AsyncSession,
    risk: ServiceClient,
    intake: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: ProposalCreate,
    actor: Principal,
    at: datetime,
    calendar: WorkingCalendar,
    if_match: str | None,
    issues: Sequence[IssueInput] | None = None,
) -> Case:
    """T35: a proposal to investigate, made on a qualifying ``propose`` risk assessment, when
    every decision gate is satisfied and the proposal is approved (ASM-172), issued through the
    proposals domain: a letter and a C-15 comment deadline for each organisation, named person
    and party (ASM-158…167, XC-COM-004). ``issues`` (the components' decisions, ASM-160)
    override the plan's when given."""
    gated = Gated(proposing=True)
    to = CaseStatus.proposed_to_investigate
    await _prechecked(session, case_id=case_id, to=to, gated=gated, if_match=if_match)
    parties = await closing.case_parties(intake, case_id)
    case, clearance, approval = await _cleared(
        session, risk, case_id=case_id, to=to, trigger=GuardTrigger.propose, at=at,
        if_match=if_match, gated=gated, parties=parties,
    )  # fmt: skip
    async with CASE.change(session, case, actor=actor, action="case.investigation_proposed"):
        transition(case, CaseStatus.proposed_to_investigate, at=at, clearance=clearance)
    proposal = InvestigationProposal(
        id=uuid.uuid4(),
        case_id=case.id,
        rationale=data.rationale,
        risk_assessment_id=clearance.assessment_id,
        proposed_by=actor.sub,
        proposed_at=at,
        approval_id=approval.id,
        approved_by=approval.decided_by,
    )
    repository.add(session, proposal)
    await PROPOSAL.created(session, proposal, actor=actor, action="case.proposal_recorded")
    await approvals.use(session, approval, actor=actor, at=at)
    issued_on = at.astimezone(BUSINESS_TIMEZONE).date()
    issued = await proposals.issue(
        session, intake, case, proposal_id=proposal.id, issues=issues, actor=actor, at=at,
        calendar=calendar, parties=parties,
    )  # fmt: skip
    await emit(
        session,
        ProposalIssuedV1(
            reference=case.reference,
            proposal_id=proposal.id,
            case_type=case.case_type,
            jurisdiction=case.jurisdiction,
            organisations=issued.organisations,
            named_person_ids=issued.named_person_ids,
            parties=issued.parties,
            component_ids=issued.component_ids,
            comment_deadlines=issued.comment_deadlines,
            milestone_1_date=issued_on,
            risk_assessment_id=clearance.assessment_id,
            proposed_by=actor.sub,
            approved_by=approval.decided_by,
            case_allocated_to=case.owner,
            team=case.team,
            investigation_priority=await special_handling.priority_ref(session, case.id),
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=at,
    )
    return case

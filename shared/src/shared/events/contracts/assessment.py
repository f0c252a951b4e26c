"""Contracts assessment-api publishes. Ids and codes only: no free text, no personal data."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contracts.intake import LegalTermsFoundV1
from shared.events.envelope import EventPayload
from shared.events.registry import contract
from shared.schemas import IsoDate, IsoDateTime


@contract
class CaseClosedV1(EventPayload):
    """assessment.case.closed v1: the case closed at assessment with its closure code
    (requirements §E.2 DecisionNotToInvestigateIssued when ``decision`` says so). Intake's
    register reflects it; the risk assessment it was decided on is named (ASM-137, ASM-177)."""

    TYPE: ClassVar[str] = "assessment.case.closed"
    VERSION: ClassVar[int] = 1

    reference: str
    closure_code: str = Field(description="D.1 / D.3 closure code, as the guidance writes it")
    decision: str = Field(description="decision_not_to_investigate, or withdrawn")
    decision_id: uuid.UUID | None = Field(description="The decline decision's id, if one")
    discretion: str | None = Field(default=None, description="specific or general (ASM-093)")
    other_reason: str | None = Field(default=None, description="D.11 reason, if 'other reason'")
    risk_assessment_id: uuid.UUID | None = Field(
        description="The qualifying risk assessment at compliance-api (XC-RSK-001)"
    )
    approved_by: str | None = Field(
        default=None,
        description="Who approved the decision under the Delegation Scheme (ASM-172; a decline "
        "or a resolution at further consideration), as a token subject; none otherwise",
    )


class ProposalOrganisationRole(StrEnum):
    """The part an organisation plays in a proposal to investigate (¶3.82–3.89, ASM-164–166):
    the organisation complained about (original, or the health provider), the second tier
    complaint handler (or commissioner), or a contractor acting for the organisation (¶3.84)."""

    organisation = "organisation"
    second_tier = "second_tier"
    contractor = "contractor"


class ProposalPartyRole(StrEnum):
    """The parties who get the complainant's proposal letter (¶3.75, ASM-159(b))."""

    complainant = "complainant"
    aggrieved = "aggrieved"
    representative = "representative"
    mp = "mp"


class RecipientKind(StrEnum):
    """Who a proposal letter went to: an organisation, a named person (¶3.90: a person includes
    companies and partnerships) or a party."""

    organisation = "organisation"
    named_person = "named_person"
    party = "party"


class ProposalOrganisation(BaseModel):
    """An organisation of the proposal, for investigation's organisations tab (¶3.102). Like
    the payload, the nested parts ignore fields they do not know (changes are additive)."""

    model_config = ConfigDict(frozen=True)

    organisation_id: uuid.UUID
    role: ProposalOrganisationRole


class ProposalParty(BaseModel):
    """A party of the case (a person at intake), by id and role."""

    model_config = ConfigDict(frozen=True)

    person_id: uuid.UUID
    role: ProposalPartyRole


class CommentDeadline(BaseModel):
    """One recipient's comment deadline (C-15, ASM-161: ten working days, stated in the
    letter). An extension for one recipient moves only that recipient's date."""

    model_config = ConfigDict(frozen=True)

    recipient_kind: RecipientKind
    recipient_id: uuid.UUID = Field(description="The organisation's or person's id")
    due_date: IsoDate


class InvestigationPriorityRef(BaseModel):
    """The case was prioritised for investigation in exceptional circumstances after a
    discussion with the caseworker's line manager (¶3.100, ASM-169), as investigation records
    it: ids and dates only. The reason stays at assessment: it can hold health information (a
    terminal illness), and events carry no free text and no personal data (DESIGN §1)."""

    model_config = ConfigDict(frozen=True)

    priority_id: uuid.UUID = Field(description="The prioritisation's id at assessment")
    line_manager_id: str = Field(
        description="The line manager it was discussed with (token subject)"
    )
    discussed_at: IsoDateTime = Field(description="When the line manager discussion took place")
    recorded_by: str = Field(description="The caseworker who recorded it (token subject)")


@contract
class ProposalIssuedV1(EventPayload):
    """assessment.proposal.issued v1: a proposal to investigate was issued (requirements §E.2
    ProposalToInvestigateIssued; T35; ¶3.73–3.108, ¶4.4), on a qualifying risk assessment
    (ASM-177). Milestone 1 'Investigation Allocated' is recorded with it (INV-003):
    investigation-api opens its investigation record from it.

    Everything investigation needs, as ids and codes: no free text, no personal data (DESIGN §1).
    The lists the Decision Form fills (named persons, parties, components) are empty until it
    records them; the contract is complete so that consumers need no new version then. An
    exceptional prioritisation for investigation (ASM-169) travels as ids and dates, never its
    reason.
    """

    TYPE: ClassVar[str] = "assessment.proposal.issued"
    VERSION: ClassVar[int] = 1

    reference: str
    proposal_id: uuid.UUID
    case_type: str = Field(description="enquiry or complaint")
    jurisdiction: str = Field(description="health or parliamentary")
    organisations: list[ProposalOrganisation] = Field(
        default_factory=list, description="Organisations to investigate and to write to (¶3.102)"
    )
    named_person_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Named persons (¶3.90–3.95, ASM-167)"
    )
    parties: list[ProposalParty] = Field(
        default_factory=list, description="Complainant, aggrieved, representative and MP (¶3.75)"
    )
    component_ids: list[uuid.UUID] = Field(
        default_factory=list, description="The complaint components (issues) in scope (¶3.77)"
    )
    comment_deadlines: list[CommentDeadline] = Field(
        default_factory=list, description="Each recipient's comment deadline (C-15, ¶3.78)"
    )
    milestone_1_date: IsoDate = Field(
        description="M1 'Investigation Allocated': the day the proposal was issued (¶4.4)"
    )
    risk_assessment_id: uuid.UUID = Field(description="riskAssessmentId (§E.2, ASM-177)")
    proposed_by: str = Field(description="The caseworker who issued it (token subject)")
    approved_by: str | None = Field(
        default=None,
        description="Who approved it under the Delegation Scheme (ASM-172), once recorded",
    )
    case_allocated_to: str | None = Field(
        default=None,
        description="'Case Allocated' (¶3.107): the caseworker who carries on, usually the same",
    )
    team: str | None = Field(default=None, description="That caseworker's team")
    investigation_priority: InvestigationPriorityRef | None = Field(
        default=None,
        description="Prioritised for investigation in exceptional circumstances (¶3.100, "
        "ASM-169), else null; absent from events of producers before it (additive within v1)",
    )


@contract
class ProposalCommentDeadlineExtendedV1(EventPayload):
    """assessment.proposal.comment_deadline_extended v1: an extension agreed, after the proposal
    was issued, for ONE recipient's comments (ASM-161 ¶3.78, C-15): investigation-api moves that
    recipient's date on its record, so that the investigation is not confirmed before the latest
    date has passed (ASM-158, INV-019). The original date is kept; ids and dates only."""

    TYPE: ClassVar[str] = "assessment.proposal.comment_deadline_extended"
    VERSION: ClassVar[int] = 1

    proposal_id: uuid.UUID
    recipient_kind: RecipientKind
    recipient_id: uuid.UUID = Field(description="The organisation's or person's id")
    original_due_date: IsoDate
    new_due_date: IsoDate
    extension_id: uuid.UUID
    agreed_by: str = Field(description="Who agreed it (token subject)")


class ResolutionAction(StrEnum):
    """What an organisation agreed to do to resolve the complaint at further consideration
    (§D.20 "resolution at assessment examples", ¶2.139, ¶3.63). We only **request** these: they
    are not recommendations (¶3.64). Our own explanation resolves without the organisation, so
    it leaves nothing for compliance to follow."""

    payment_for_admitted_loss = "payment_for_admitted_loss"
    further_response_to_unanswered_issues = "further_response_to_unanswered_issues"
    financial_redress = "financial_redress"
    service_improvements = "service_improvements"


@contract
class ResolutionAgreedV1(EventPayload):
    """assessment.resolution.agreed v1: the organisation agreed a resolution at further
    consideration and the case closes as a resolution (requirements §E.2 ResolutionAgreed; T33;
    ¶3.63–3.67, ASM-153–156). A resolution is a decision not to investigate (¶3.67).

    compliance-api records it as a resolution item, closed once done, which never enters the
    escalation process: a resolution is not a recommendation (¶3.66, ASM-155, CMP-023).
    """

    TYPE: ClassVar[str] = "assessment.resolution.agreed"
    VERSION: ClassVar[int] = 1

    reference: str
    resolution_id: uuid.UUID = Field(description="The resolution's id at assessment")
    organisation_ids: list[uuid.UUID] = Field(
        min_length=1, description="The organisations that agreed to act"
    )
    component_ids: list[uuid.UUID] = Field(
        default_factory=list, description="The complaint components the resolution resolves"
    )
    actions: list[ResolutionAction] = Field(min_length=1, description="What was agreed (§D.20)")
    due_date: IsoDate | None = Field(
        default=None, description="The date agreed for the action, if one (§E.2 agreed date)"
    )
    decided_by: str = Field(description="The caseworker who recorded the agreement")
    risk_assessment_id: uuid.UUID | None = Field(
        default=None, description="The risk assessment the decision was made on (XC-RSK-001)"
    )


@contract
class CaseAllocatedV1(EventPayload):
    """assessment.case.allocated v1: a queued case was allocated to a caseworker (requirements
    §E.2 CaseAllocated; ¶2.182–2.184, ASM-085). The 10-working-day contact clock starts
    (ASM-099); the MP contact task (ASM-104) and risk task (XC-RSK-002) are left with it."""

    TYPE: ClassVar[str] = "assessment.case.allocated"
    VERSION: ClassVar[int] = 1

    reference: str
    caseworker_id: str = Field(description="The staff directory id (IdP subject) allocated")
    team: str | None
    triage_category: str
    allocated_at: datetime
    contact_due_date: IsoDate = Field(description="ASM-099: contact the complainant by this day")


@contract
class AssessmentLegalTermsFoundV1(LegalTermsFoundV1):
    """assessment.correspondence.legal_terms_found v1: a returned form, a reply or a call note
    recorded at assessment has legal-action wording (XC-RSK-004, CMP-025; §D.26). The same
    payload as intake's event: compliance-api opens the Legal Team referral either way."""

    TYPE: ClassVar[str] = "assessment.correspondence.legal_terms_found"
    VERSION: ClassVar[int] = 1


@contract
class CaseStatusChangedV1(EventPayload):
    """assessment.case.status_changed v1: where a case stands at assessment now, sent when
    assessment opens its record (T13–T16) and on every later change of its status, holder or
    closure code (§B.1 statuses 5–12 and closed). Intake's case register projects it (DESIGN §1:
    the register a front end opens first); the envelope's ``sequence`` orders a case's events."""

    TYPE: ClassVar[str] = "assessment.case.status_changed"
    VERSION: ClassVar[int] = 1

    reference: str
    status: str = Field(description="The case's status at assessment (§B.1)")
    previous_status: str | None = Field(description="None when assessment opened the record")
    owner: str | None = Field(description="The caseworker who holds the case (token subject)")
    team: str | None = Field(default=None, description="The holder's team")
    closure_code: str | None = Field(default=None, description="D.1 / D.3 code once closed")


@contract
class CategoryChangeRequestedV1(EventPayload):
    """assessment.category_change.requested v1: the allocated caseworker asked their manager to
    approve a category change and reallocation (requirements §E.2 CaseCategoryChanged; ASM-086,
    ASM-088 ¶2.189, ¶2.192). The reasons stay on the approval (no free text here)."""

    TYPE: ClassVar[str] = "assessment.category_change.requested"
    VERSION: ClassVar[int] = 1

    reference: str
    entry_id: uuid.UUID = Field(description="The allocation queue entry")
    approval_id: uuid.UUID = Field(description="The approval the manager decides")
    from_category: str = Field(description="§D.4 triage category now")
    to_category: str = Field(description="§D.4 triage category asked for")
    requested_by: str = Field(description="The allocated caseworker (token subject)")
    superseded_approval_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Undecided requests this one replaces"
    )


@contract
class CategoryChangeDecidedV1(EventPayload):
    """assessment.category_change.decided v1: the manager approved or refused a category change
    (requirements §E.2 CaseCategoryChanged / CaseReallocated; ASM-086 ¶2.189). Approved, the
    case is back in the allocation queue under its new category (``requeued``)."""

    TYPE: ClassVar[str] = "assessment.category_change.decided"
    VERSION: ClassVar[int] = 1

    reference: str
    entry_id: uuid.UUID
    approval_id: uuid.UUID
    decision: str = Field(description="approved or refused")
    from_category: str
    to_category: str
    decided_by: str = Field(description="The approver (token subject)")
    requeued: bool = Field(description="The case went back to the queue for reallocation")


@contract
class ComplexReferralRequestedV1(EventPayload):
    """assessment.complex_referral.requested v1: the caseworker, after discussing it with a
    manager, sent the case to the AD responsible for the complex teams as complex (requirements
    §E.2 ComplexReferralRequested; ASM-089 ¶2.194: who it was discussed with, who decides)."""

    TYPE: ClassVar[str] = "assessment.complex_referral.requested"
    VERSION: ClassVar[int] = 1

    reference: str
    entry_id: uuid.UUID
    approval_id: uuid.UUID
    from_category: str
    to_category: str = Field(description="complex & significant")
    requested_by: str
    discussed_with: str = Field(description="The manager it was discussed with (staff id)")
    sent_to: str = Field(description="The AD for the complex teams who decides (staff id)")
    superseded_approval_ids: list[uuid.UUID] = Field(default_factory=list)


@contract
class ComplexReferralDecidedV1(EventPayload):
    """assessment.complex_referral.decided v1: the AD the referral was sent to agreed or refused
    it (requirements §E.2 ComplexReferralDecided; ASM-089 ¶2.195: agreed, the category is
    amended and the case goes back to the queue for a complex team)."""

    TYPE: ClassVar[str] = "assessment.complex_referral.decided"
    VERSION: ClassVar[int] = 1

    reference: str
    entry_id: uuid.UUID
    approval_id: uuid.UUID
    decision: str = Field(description="approved or refused")
    from_category: str
    to_category: str
    discussed_with: str
    decided_by: str = Field(description="The AD (token subject)")
    requeued: bool


@contract
class SystemicIssueFlaggedV1(EventPayload):
    """assessment.systemic_issue.flagged v1: the caseworker sent a possible systemic issue to
    the AD – Casework for complex and senior caseworker teams (requirements §E.2
    SystemicIssueFlagged; ASM-087 ¶2.191). The description stays on the AD's task."""

    TYPE: ClassVar[str] = "assessment.systemic_issue.flagged"
    VERSION: ClassVar[int] = 1

    reference: str
    entry_id: uuid.UUID
    task_id: uuid.UUID = Field(description="The AD's review task")
    flagged_by: str
    sent_to: str = Field(description="The AD – Casework (staff id)")

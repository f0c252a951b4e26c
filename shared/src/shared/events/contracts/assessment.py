"""Contracts assessment-api publishes. Ids and codes only: no free text, no personal data."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from pydantic import Field

from shared.events.contracts.intake import LegalTermsFoundV1
from shared.events.envelope import EventPayload
from shared.events.registry import contract
from shared.schemas import IsoDate


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


@contract
class InvestigationProposedV1(EventPayload):
    """assessment.investigation.proposed v1: a proposal to investigate was issued (requirements
    §E.2 ProposalToInvestigateIssued; T35), on a qualifying risk assessment (ASM-177)."""

    TYPE: ClassVar[str] = "assessment.investigation.proposed"
    VERSION: ClassVar[int] = 1

    reference: str
    proposal_id: uuid.UUID
    jurisdiction: str = Field(description="health or parliamentary")
    organisation_ids: list[uuid.UUID] = Field(default_factory=list)
    risk_assessment_id: uuid.UUID = Field(description="riskAssessmentId (§E.2)")


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

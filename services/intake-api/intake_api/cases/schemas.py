from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from intake_api.cases.models import (
    CaseType,
    Channel,
    ComplaintProcessStage,
    ContactOutcome,
    DecisionChannel,
    ExceptionReason,
    Jurisdiction,
    LinkReason,
    MpReferralSignedBy,
    OrganisationRole,
    OrgResponseFormat,
    OtherOmbudsman,
    PartyRole,
    Priority,
    PrisonCaseType,
    Route,
    SignpostingType,
    TaskKind,
    TriageCategory,
)
from intake_api.cases.state import CaseStatus
from shared.pagination import Page
from shared.schemas import (
    JSON_INTEGER,
    PG_INTEGER_MAX,
    IsoDate,
    IsoDateTime,
    StrictBool,
    given,
    when,
)

Text2k = Field(default=None, max_length=20_000)
Reason = Field(min_length=3, max_length=5_000)


# Money is an integer in pence (DESIGN §3), held in a PostgreSQL integer.
Pence = Annotated[int, Field(ge=0, le=PG_INTEGER_MAX), JSON_INTEGER]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseCreate(Input):
    """A new request, as received (¶1.1–1.5). With a previous-contact check it goes straight
    into intake, owned by you (INT-001/002); without one it is recorded as received (T1)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "case_type": "complaint",
                    "channel": "online_form",
                    "jurisdiction": "health",
                    "received_date": "2026-11-02",
                    "complaint_summary": "Delay in a fictional hospital's reply to a complaint.",
                }
            ],
            # The rules of ``_type`` below (INT-003/004).
            "allOf": [
                {
                    "anyOf": [
                        given("case_type"),
                        {
                            "properties": {"copied_in_only": {"const": True}},
                            "required": ["copied_in_only"],
                        },
                    ]
                },
                when(
                    "copied_in_only",
                    True,
                    when(
                        "case_type",
                        "complaint",
                        {
                            **given("type_reason"),
                            "properties": {"type_reason": {"type": "string", "minLength": 1}},
                        },
                    ),
                ),
            ],
        },
    )

    case_type: CaseType | None = Field(
        default=None,
        description="INT-003/004: enquiry or complaint. Required, except that a request we were "
        "only copied into (copied_in_only) defaults to 'enquiry'",
    )
    channel: Channel
    received_date: IsoDate = Field(
        description="Business date the request reached us (Europe/London)"
    )
    jurisdiction: Jurisdiction | None = None
    copied_in_only: StrictBool = Field(default=False, description="INT-004: we were only copied in")
    type_reason: str | None = Field(default=None, max_length=2000)
    complaint_summary: str | None = Text2k
    previous_contact_check_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _type(self) -> CaseCreate:
        if self.case_type is None:
            if not self.copied_in_only:
                raise ValueError("INT-003: say whether the request is an enquiry or a complaint")
            self.case_type = CaseType.enquiry  # INT-004: the proposed default
        if self.copied_in_only and self.case_type is CaseType.complaint and not self.type_reason:
            raise ValueError("INT-004: recording a copied-in request as a complaint needs a reason")
        return self


class CaseUpdate(Input):
    """Facts gathered at intake. Status, closure and approvals have their own acts."""

    case_type: CaseType | None = None
    type_reason: str | None = Field(default=None, max_length=2000)
    jurisdiction: Jurisdiction | None = None
    complaint_summary: str | None = Text2k
    injustice_claimed: str | None = Text2k
    outcome_sought: str | None = Text2k
    financial_remedy_sought: StrictBool | None = None
    financial_amount_pence: Annotated[int, Field(ge=0, le=PG_INTEGER_MAX), JSON_INTEGER] | None = (
        None
    )
    complaint_process_stage: ComplaintProcessStage | None = None
    reason_unhappy_with_response: str | None = Text2k
    org_response_format: OrgResponseFormat | None = None
    not_reasonable_to_expect_local_resolution: StrictBool | None = None
    readiness_rationale: str | None = Text2k
    exception_reason: ExceptionReason | None = None
    exception_rationale: str | None = Text2k
    self_referred_by_organisation: StrictBool | None = None
    victims_code_checked: StrictBool | None = None
    victims_code: StrictBool | None = None
    vpa_answers: (
        dict[
            Literal[
                "under_victims_code",
                "treated_poorly",
                "witness_of_crime",
                "crime_by_organisation",
                "linked",
            ],
            bool,
        ]
        | None
    ) = None
    vpa_no_mp_referral: StrictBool | None = None
    vpa_legal_advice_requested_at: IsoDateTime | None = None
    vpa_pass_through_note: str | None = Text2k
    mp_person_id: uuid.UUID | None = None
    mp_referred_date: IsoDate | None = None
    complaint_to_mp_in_writing: StrictBool | None = None
    aggrieved_consent: StrictBool | None = None
    mp_requests_investigation: StrictBool | None = None
    mp_referral_signed_by: MpReferralSignedBy | None = None
    written_complaint_received: StrictBool | None = None
    complaint_form_awaiting_confirmation: StrictBool | None = None
    joint_working: StrictBool | None = None
    other_ombudsman: OtherOmbudsman | None = None
    joint_working_topics: list[str] | None = Field(default=None, max_length=21)
    joint_working_shared_at: IsoDateTime | None = None
    prison_case_type: PrisonCaseType | None = None
    route: Route | None = None
    routing_rationale: str | None = Text2k
    specialist_team: str | None = Field(default=None, max_length=200)
    triage_category: TriageCategory | None = None
    triage_answers: dict[str, Any] | None = None
    checklist: (
        dict[
            Literal[
                "complaint_form_or_answers",
                "organisation_responses",
                "meeting_recordings",
                "transcripts",
                "representation_consent",
                "phone_numbers",
            ],
            bool,
        ]
        | None
    ) = None
    checklist_override_reason: str | None = Field(default=None, max_length=5000)
    risk_assessment_required: StrictBool | None = None
    reason: str | None = Field(
        default=None, max_length=5000, description="Why, for the audit trail"
    )


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str = Field(examples=["CAS-0000042"])
    status: CaseStatus
    case_type: CaseType
    channel: Channel
    jurisdiction: Jurisdiction | None
    received_date: date
    owner: str | None
    copied_in_only: bool
    type_reason: str | None
    previous_contact_check_id: uuid.UUID | None
    complaint_summary: str | None
    injustice_claimed: str | None
    outcome_sought: str | None
    financial_remedy_sought: bool
    financial_amount_pence: int | None
    complaint_process_stage: ComplaintProcessStage | None
    reason_unhappy_with_response: str | None
    victims_code_checked: bool
    victims_code: bool
    vpa_answers: dict[str, Any] | None
    vpa_no_mp_referral: bool
    vpa_legal_advice_requested_at: datetime | None
    vpa_pass_through_note: str | None
    mp_person_id: uuid.UUID | None
    mp_referred_date: date | None
    complaint_to_mp_in_writing: bool
    aggrieved_consent: bool
    mp_requests_investigation: bool
    mp_referral_signed_by: MpReferralSignedBy | None
    written_complaint_received: bool
    complaint_form_awaiting_confirmation: bool
    properly_made: bool | None
    properly_made_decided_by: str | None
    properly_made_decided_at: datetime | None
    org_response_format: OrgResponseFormat | None
    not_reasonable_to_expect_local_resolution: bool
    readiness_rationale: str | None
    exception_reason: ExceptionReason | None
    exception_rationale: str | None
    self_referred_by_organisation: bool
    joint_working: bool
    other_ombudsman: OtherOmbudsman | None
    joint_working_topics: list[str]
    joint_working_shared_at: datetime | None
    prison_case_type: PrisonCaseType | None
    route: Route | None
    routing_rationale: str | None
    specialist_team: str | None
    triage_category: TriageCategory | None
    triage_answers: dict[str, Any] | None
    priority: Priority
    special_handling_reason: str | None
    priority_requested_by: str | None
    priority_approved_by: str | None
    priority_approved_at: datetime | None
    checklist: dict[str, Any]
    checklist_override_reason: str | None
    risk_assessment_required: bool
    organisation_ids: list[uuid.UUID]
    closure_code: str | None
    closure_reasons: str | None
    decision_channel: DecisionChannel | None
    written_decision_requested: bool
    signposting_type: SignpostingType | None
    signposting_detail: str | None
    closed_at: datetime | None
    status_changed_at: datetime | None
    referred_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class CaseSummary(BaseModel):
    """One row of the case list: what a list screen or a CRM sync needs, no personal data."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str = Field(examples=["CAS-0000042"])
    status: CaseStatus
    case_type: CaseType
    channel: Channel
    jurisdiction: Jurisdiction | None
    received_date: date
    owner: str | None = Field(description="The owning caseworker's token subject")
    priority: Priority
    organisation_ids: list[uuid.UUID] = Field(
        description="The organisations complained about (role 'original')"
    )
    closure_code: str | None
    version: int = Field(description="The case's version, as in its ETag")


class CaseSummaryPage(Page[CaseSummary]):
    pass


class CaseReferral(Input):
    """Pass the case to assessment (T13–T16). Routing and triage may be given here or before."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "route": "awaiting_allocation",
                    "routing_rationale": "Needs the clinical specialism team",
                    "triage_category": "general",
                    "jurisdiction": "health",
                    "reason": "Checklist complete; ready for allocation",
                }
            ]
        },
    )

    route: Route | None = None
    routing_rationale: str | None = Field(default=None, max_length=5000)
    triage_category: TriageCategory | None = None
    jurisdiction: Jurisdiction | None = None
    reason: str = Reason


class PreviousContactCheckCreate(Input):
    """INT-001: search for the person's earlier cases and earlier cases about the organisations."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                given("person_id"),
                {
                    "required": ["organisation_ids"],
                    "properties": {"organisation_ids": {"minItems": 1}},
                },
            ]
        },
    )

    person_id: uuid.UUID | None = None
    organisation_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _something(self) -> PreviousContactCheckCreate:
        if self.person_id is None and not self.organisation_ids:
            raise ValueError("Give a person_id, organisation_ids or both")
        return self


class PreviousContactCheckRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID | None
    organisation_ids: list[uuid.UUID]
    done_by: str
    matches: list[dict[str, Any]]
    created_at: datetime


class BeginIntake(Input):
    """T2: take a received case into intake after the previous-contact check."""

    previous_contact_check_id: uuid.UUID


class PartyAdd(Input):
    person_id: uuid.UUID
    role: PartyRole
    authority_to_receive_info: StrictBool = False
    description: str | None = Field(default=None, max_length=500)


class PartyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    role: PartyRole
    authority_to_receive_info: bool
    description: str | None


class OrganisationAdd(Input):
    organisation_id: uuid.UUID
    role: OrganisationRole = OrganisationRole.original


class CaseOrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    role: OrganisationRole
    in_jurisdiction: bool
    remit_only_for_victims_code: bool


class ContactAttemptCreate(Input):
    person_id: uuid.UUID
    channel: Literal["telephone", "email", "letter", "text_relay", "in_person", "other"]
    direction: Literal["outbound", "inbound"] = "outbound"
    attempted_at: IsoDateTime
    outcome: ContactOutcome
    expectations_explained: StrictBool = False
    adjustments_discussed: StrictBool = False
    channel_override_reason: str | None = Field(default=None, max_length=2000)
    notes: str | None = Field(default=None, max_length=20_000)


class ContactAttemptRead(ContactAttemptCreate):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: uuid.UUID
    recorded_by: str


class Recipient(Input):
    person_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    is_copy: StrictBool = False


Purpose = Literal[
    "acknowledgement",
    "decision",
    "information_request",
    "further_information_request",
    "party_contact",
    "callback_request",
    "call",
    "written_response_request",
    "other",
]


class CommunicationCreate(Input):
    """A letter, email or call. A call that discloses case information names its ``call_ref``
    and needs the caller's identity verified on that call first (INT-051/052)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=when(
            "discloses_case_information",
            True,
            {
                "required": ["medium", "call_ref", "from_person_id"],
                "properties": {
                    "medium": {"const": "telephone"},
                    "call_ref": {"type": "string", "minLength": 1},
                    "from_person_id": {"not": {"type": "null"}},
                },
            },
        ),
    )

    medium: Literal["letter", "email", "telephone"]
    direction: Literal["inbound", "outbound"]
    purpose: Purpose
    occurred_at: IsoDateTime
    from_person_id: uuid.UUID | None = None
    recipients: list[Recipient] = Field(default_factory=list, max_length=50)
    summary: str | None = Field(default=None, max_length=20_000)
    acknowledges_id: uuid.UUID | None = None
    discloses_case_information: StrictBool = False
    call_ref: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _disclosure_names_the_call(self) -> CommunicationCreate:
        if self.discloses_case_information and not (
            self.medium == "telephone" and self.call_ref and self.from_person_id
        ):
            raise ValueError(
                "INT-051: a disclosure on a call is a telephone communication naming the call "
                "(call_ref) and the caller (from_person_id)"
            )
        return self


class CommunicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    medium: str
    direction: str
    purpose: str
    occurred_at: AwareDatetime
    from_person_id: uuid.UUID | None
    recipients: list[dict[str, Any]]
    summary: str | None
    headers: list[str]
    acknowledges_id: uuid.UUID | None
    recorded_by: str


class InformationRequest(Input):
    """T4 (INT-016): ask by email for what is missing, with a deadline usually under a week."""

    communication_id: uuid.UUID = Field(description="The outbound email asking for it")
    deadline: IsoDate
    reason: str = Reason


class InformationReceived(Input):
    """T5: the information arrived (before or after the deadline, while not yet closed)."""

    reason: str = Reason


class ExtensionCreate(Input):
    new_due_date: IsoDate
    reason: str = Reason
    is_reasonable_adjustment: StrictBool = False


class ClosureRequest(Input):
    """Close at intake with a closure code from requirements.md D.1/D.3, stored as written."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "closure_code": "Premature: local resolution ongoing",
                    "reasons": "The trust is still considering the complaint.",
                    "decision_channel": "telephone",
                    "time_limit_explained": True,
                    "signposting_type": "organisation",
                    "signposting_detail": "Back to the trust's complaints team",
                }
            ]
        },
    )

    closure_code: str = Field(min_length=3, max_length=200)
    reasons: str = Reason
    decision_channel: DecisionChannel | None = None
    written_decision_requested: StrictBool = False
    enough_information_to_decide: StrictBool = False
    signposting_type: SignpostingType | None = None
    signposting_detail: str | None = Field(default=None, max_length=2000)
    time_limit_explained: StrictBool = False


class PriorityRequest(Input):
    """INT-025: ask for special handling (e.g. terminal illness), after discussing it."""

    reason: str = Reason


class PriorityApproval(Input):
    approve: StrictBool
    reason: str = Reason


class ProperlyMadeDecision(Input):
    """ASM-014: the intake caseworker's decision; the system refuses one the rules contradict."""

    properly_made: StrictBool
    reason: str = Reason


class RestartRequest(Input):
    """ASM-034/035, INT-019: a returning complainant; without progress there is no restart."""

    progress_since_previous_decision: str | None = Field(default=None, max_length=5000)
    reason: str = Reason


class ReturnAsNewCase(Input):
    """T54/T55: a returning complainant whose earlier case stays closed gets a linked new case."""

    link_reason: LinkReason
    channel: Channel
    received_date: IsoDate
    reason: str = Reason


class CaseLinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    earlier_case_id: uuid.UUID
    later_case_id: uuid.UUID
    reason: LinkReason
    created_by: str
    created_at: datetime


class TaskRead(BaseModel):
    """Follow-up work a rule left on the case (e.g. ASM-039)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: TaskKind
    rule: str
    organisation_id: uuid.UUID | None
    created_by: str
    created_at: datetime
    done_at: datetime | None
    done_by: str | None
    done_note: str | None
    communication_id: uuid.UUID | None = Field(
        description="The communication that did the task, when one did"
    )


class TaskCompletion(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"note": "Rang the trust's complaints team to ask"}]},
    )

    note: str = Field(min_length=3, max_length=5_000, description="What was done")


class TimelineEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    reason: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class JointWorkingReferral(Input):
    """T11: refer a joint working case to the joint working team (INT-038/039/042)."""

    reason: str = Reason


class JointWorkingDecision(Input):
    """T12: the joint working team accepts (case routed to it) or declines (back to intake)."""

    accepted: StrictBool
    reason: str = Reason


_EXAMPLES: dict[type[BaseModel], dict[str, Any]] = {
    CaseUpdate: {
        "injustice_claimed": "Distress and time spent chasing (example only).",
        "outcome_sought": "An apology and an explanation (example only).",
        "complaint_process_stage": "complete",
        "route": "awaiting_allocation",
        "routing_rationale": "No specialism needed",
        "triage_category": "general",
        "checklist": {"complaint_form_or_answers": True, "organisation_responses": True},
        "reason": "Facts from the intake call",
    },
    BeginIntake: {"previous_contact_check_id": "4f1c9c3e-6a55-4cbb-9d2b-0a4f8e1d2c33"},
    PartyAdd: {
        "person_id": "8a3b7f8e-2f0c-4f4e-9c1e-5d6a7b8c9d0e",
        "role": "representative (person)",
        "authority_to_receive_info": True,
    },
    OrganisationAdd: {
        "organisation_id": "5eed0000-0000-4000-8000-000000000001",
        "role": "original",
    },
    ContactAttemptCreate: {
        "person_id": "8a3b7f8e-2f0c-4f4e-9c1e-5d6a7b8c9d0e",
        "channel": "telephone",
        "attempted_at": "2026-11-02T10:15:00+00:00",
        "outcome": "no_answer",
    },
    CommunicationCreate: {
        "medium": "letter",
        "direction": "outbound",
        "purpose": "acknowledgement",
        "occurred_at": "2026-11-02T11:00:00+00:00",
        "recipients": [{"person_id": "8a3b7f8e-2f0c-4f4e-9c1e-5d6a7b8c9d0e"}],
    },
    JointWorkingReferral: {"reason": "Continuing care with a local authority element"},
    JointWorkingDecision: {"accepted": True, "reason": "The JW team will take the case"},
    InformationRequest: {
        "communication_id": "0d9b2f4a-3c1e-4b5a-8f7e-6d5c4b3a2f10",
        "deadline": "2026-11-06",
        "reason": "The organisation's final response is missing",
    },
    InformationReceived: {"reason": "Final response received by email"},
    ExtensionCreate: {
        "new_due_date": "2026-11-13",
        "reason": "Asked for more time because of a hospital stay",
        "is_reasonable_adjustment": True,
    },
    PriorityRequest: {"reason": "Terminal illness; discussed with my manager"},
    PriorityApproval: {"approve": True, "reason": "Agreed: terminal illness"},
    ProperlyMadeDecision: {"properly_made": True, "reason": "Made in writing on the online form"},
    RestartRequest: {
        "progress_since_previous_decision": "The complaint form has come back signed",
        "reason": "Complainant returned with the information we asked for",
    },
    ReturnAsNewCase: {
        "link_reason": "contact_after_withdrawn",
        "channel": "email",
        "received_date": "2026-11-20",
        "reason": "Complainant came back after the case was withdrawn",
    },
    PreviousContactCheckCreate: {
        "person_id": "8a3b7f8e-2f0c-4f4e-9c1e-5d6a7b8c9d0e",
        "organisation_ids": ["5eed0000-0000-4000-8000-000000000001"],
    },
}

for _model, _example in _EXAMPLES.items():
    # Keep what the class states already (its cross-field rules, say).
    _extra = _model.model_config.get("json_schema_extra")
    _model.model_config["json_schema_extra"] = {
        **(_extra if isinstance(_extra, dict) else {}),
        "examples": [_example],
    }
    _model.model_rebuild(force=True)

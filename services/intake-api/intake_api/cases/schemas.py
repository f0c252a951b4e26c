from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

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
    SupportKind,
    TaskKind,
    TriageCategory,
)
from intake_api.cases.state import CaseStatus
from intake_api.reference.signposting import NoMpSituation
from intake_api.reference.topics import JointWorkingTopic
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
    joint_working_topics: list[JointWorkingTopic] | None = Field(
        default=None,
        max_length=21,
        description="INT-040: ¶1.51 topics (GET /v1/reference/joint-working-topics)",
    )
    joint_working_shared_at: IsoDateTime | None = None
    prison_case_type: PrisonCaseType | None = None
    route: Route | None = None
    routing_rationale: str | None = Text2k
    specialist_team: str | None = Field(default=None, max_length=200)
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

    @field_validator("joint_working_topics")
    @classmethod
    def _each_topic_once(
        cls, topics: list[JointWorkingTopic] | None
    ) -> list[JointWorkingTopic] | None:
        return list(dict.fromkeys(topics)) if topics is not None else None


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
    mp_referral_reuse: dict[str, Any] | None = Field(
        description="ASM-031: the earlier MP referral this case relies on, and who confirmed it"
    )
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
    joint_working_decided_at: datetime | None = Field(
        description="When the joint working team decided on the case (T12)"
    )
    joint_working_accepted: bool | None
    prison_case_type: PrisonCaseType | None
    route: Route | None
    routing_rationale: str | None
    specialist_team: str | None
    triage_category: TriageCategory | None
    triage_answers: dict[str, Any] | None
    triage_questionnaire_version: str | None = Field(
        description="The question set the triage was answered on (INT-024)"
    )
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
    """Pass the case to assessment (T13–T16). Routing may be given here or before; the triage
    category comes from the triage questionnaire (POST /v1/cases/{id}/triage, INT-024)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "route": "awaiting_allocation",
                    "routing_rationale": "Needs the clinical specialism team",
                    "jurisdiction": "health",
                    "reason": "Checklist complete; ready for allocation",
                }
            ]
        },
    )

    route: Route | None = None
    routing_rationale: str | None = Field(default=None, max_length=5000)
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


class DocumentRef(Input):
    """A case document a communication encloses or shares (INT-053/054)."""

    title: str = Field(min_length=1, max_length=300)
    document_id: uuid.UUID | None = None
    sensitive: StrictBool = Field(
        default=False,
        description="Personal or sensitive information, e.g. medical history (¶1.66)",
    )


class RiskDisclosure(Input):
    """XC-DP-012: a deliberate, reasoned override of the consent rules where there is a risk
    to others (¶1.66, ¶10.50), under the disclosure policy."""

    reason: str = Field(min_length=10, max_length=5_000)
    policy_reference: str | None = Field(default=None, max_length=200)


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
    documents: list[DocumentRef] = Field(
        default_factory=list,
        max_length=50,
        description=(
            "Case documents enclosed or shared. To anyone but the complainant or aggrieved "
            "person they need the complainant's authority (INT-053); sensitive ones need their "
            "consent to share sensitive information, or a risk_disclosure (INT-054)."
        ),
    )
    risk_disclosure: RiskDisclosure | None = None

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
    paragraphs: list[str] = Field(
        description="Standard paragraphs the letter carries (ASM-025: a new MP's first letter)"
    )
    documents: list[dict[str, Any]]
    risk_disclosure: dict[str, Any] | None
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
    no_mp_situation: NoMpSituation | None = Field(
        default=None,
        description=(
            "'No MP referral' only: why the complainant has no MP to refer it (ASM-028). Without "
            "signposting given, the signposting is the ¶2.51–2.54 advice for the situation."
        ),
    )
    left_uk_on: IsoDate | None = Field(
        default=None, description="no_mp_situation 'former_uk_resident': when they left the UK"
    )


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
    reuse_mp_referral: MpReferralReuse | None = Field(
        default=None,
        description=(
            "ASM-031: a premature, properly made parliamentary case back after local resolution "
            "stays properly made on the earlier MP referral, once you confirm both"
        ),
    )
    reason: str = Reason


class MpReferralReuse(Input):
    """ASM-031 (¶2.59): the caseworker's confirmation that the earlier referral still fits."""

    same_organisation: StrictBool
    same_complaint: StrictBool


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
    person_id: uuid.UUID | None = Field(description="ASM-024: the MP whose seat was vacant")
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


TriageAnswer = Literal["yes", "no", "insufficient_information"]


class TriageSubmission(Input):
    """INT-023/024 (¶1.35–1.38): answers to the casework categorisation questions of one
    question set (GET /v1/reference/triage-questionnaire); the category is derived from them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "version": "ccc-2026.1",
                    "answers": {
                        "enough_information": "yes",
                        "complex_and_significant": "no",
                        "senior_caseworker": "yes",
                        "general": "no",
                    },
                    "reason": "Two organisations and a long history; senior caseworker",
                },
                {
                    "version": "ccc-2026.1",
                    "answers": {"enough_information": "insufficient_information"},
                    "reason": "Too little to categorise yet (¶1.37)",
                },
            ]
        },
    )

    version: str = Field(min_length=1, max_length=50)
    answers: dict[Annotated[str, Field(min_length=1, max_length=100)], TriageAnswer] = Field(
        max_length=50
    )
    reason: str | None = Field(default=None, max_length=5000)


class SupportCreate(Input):
    """INT-031 (¶1.40–1.41): extra help given, with the communication that carried it.

    - ``forwarded_to_organisation``: an outbound communication to an organisation.
    - ``advocacy_details``: the note names the advocacy service.
    - ``mp_referral_assistance``: the referral to the MP is in writing (a letter or email to an
      MP), unless the case is under the Victims and Prisoners Act.
    - ``complaint_form_completed_for_complainant``: the form sent to the complainant to sign;
      the case cannot be properly made until the signed form comes back (ASM-010).
    """

    kind: SupportKind
    note: str = Field(min_length=3, max_length=5_000)
    communication_id: uuid.UUID | None = None


class SupportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: SupportKind
    note: str
    communication_id: uuid.UUID | None
    provided_at: datetime
    provided_by: str
    signed_form_returned_at: datetime | None
    signed_form_communication_id: uuid.UUID | None
    signed_form_recorded_by: str | None


class SignedFormReturned(Input):
    """The signed complaint form is back: the inbound letter or email that brought it."""

    communication_id: uuid.UUID
    reason: str = Reason


class DecisionRecipient(BaseModel):
    """Who the decision or report goes to, and why (INT-015/026, ASM-023/024/027)."""

    person_id: uuid.UUID
    role: PartyRole
    status: Literal["required", "seat_vacant"] = Field(
        description=(
            "'seat_vacant': the MP's seat is empty; a copy goes to the new MP once elected "
            "(ASM-024)"
        )
    )
    on_behalf_of_person_id: uuid.UUID | None = Field(
        description="For a successor MP: the MP record on the case they succeed (ASM-023)"
    )
    rule: str


class ChecklistItem(BaseModel):
    item: str
    done: bool
    required: bool


class ChecklistRead(BaseModel):
    """The ¶1.23 checklist (INT-021) and how to ask for what is missing (INT-022)."""

    items: list[ChecklistItem]
    missing: list[str]
    override_reason: str | None
    suggested_channel: str = Field(
        description=(
            "INT-022/INT-006: ask by the complainant's preferred method, else by telephone"
        )
    )
    complainant_person_id: uuid.UUID | None


_EXAMPLES: dict[type[BaseModel], dict[str, Any]] = {
    CaseUpdate: {
        "injustice_claimed": "Distress and time spent chasing (example only).",
        "outcome_sought": "An apology and an explanation (example only).",
        "complaint_process_stage": "complete",
        "route": "awaiting_allocation",
        "routing_rationale": "No specialism needed",
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
    SupportCreate: {
        "kind": "complaint_form_completed_for_complainant",
        "note": "Completed the form from the call; sent for signature",
        "communication_id": "0d9b2f4a-3c1e-4b5a-8f7e-6d5c4b3a2f10",
    },
    SignedFormReturned: {
        "communication_id": "0d9b2f4a-3c1e-4b5a-8f7e-6d5c4b3a2f10",
        "reason": "Signed form came back by post",
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

"""Bodies of the case itself: create, read, list, update, parties, organisations, history.

The other acts on a case have their bodies next to their use cases: ``schemas_contacts``
(contacts, communications, help given), ``schemas_decisions`` (information, gates, triage,
priority, hand-off, closure) and ``schemas_reopening`` (restarts, linked cases, tasks).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from intake_api.cases.models import (
    CaseType,
    Channel,
    ComplaintProcessStage,
    DecisionChannel,
    ExceptionReason,
    Jurisdiction,
    MpReferralSignedBy,
    OrganisationRole,
    OrgResponseFormat,
    OtherOmbudsman,
    PartyRole,
    Priority,
    PrisonCaseType,
    Route,
    SignpostingType,
    TriageCategory,
)
from intake_api.cases.state import CaseStatus
from intake_api.reference.topics import JointWorkingTopic
from shared.pagination import Page
from shared.schemas import (
    JSON_INTEGER,
    PG_INTEGER_MAX,
    IsoDate,
    IsoDateTime,
    NotNull,
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


def example(values: dict[str, Any]) -> ConfigDict:
    """An input model's config with the example OpenAPI shows for it (extra fields forbidden)."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [values]})


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
    """Facts gathered at intake. Status, closure and approvals have their own acts.

    A field left out is kept. Null clears a field that may be empty; the ``NotNull`` ones (the
    case's type, the yes/no facts, the topics and the checklist) cannot be cleared.
    """

    model_config = example(
        {
            "injustice_claimed": "Distress and time spent chasing (example only).",
            "outcome_sought": "An apology and an explanation (example only).",
            "complaint_process_stage": "complete",
            "route": "awaiting_allocation",
            "routing_rationale": "No specialism needed",
            "checklist": {"complaint_form_or_answers": True, "organisation_responses": True},
            "reason": "Facts from the intake call",
        }
    )

    case_type: NotNull[CaseType] = None
    type_reason: str | None = Field(default=None, max_length=2000)
    jurisdiction: Jurisdiction | None = None
    complaint_summary: str | None = Text2k
    injustice_claimed: str | None = Text2k
    outcome_sought: str | None = Text2k
    financial_remedy_sought: NotNull[StrictBool] = None
    financial_amount_pence: Pence | None = None
    complaint_process_stage: ComplaintProcessStage | None = None
    reason_unhappy_with_response: str | None = Text2k
    org_response_format: OrgResponseFormat | None = None
    not_reasonable_to_expect_local_resolution: NotNull[StrictBool] = None
    readiness_rationale: str | None = Text2k
    exception_reason: ExceptionReason | None = None
    exception_rationale: str | None = Text2k
    self_referred_by_organisation: NotNull[StrictBool] = None
    victims_code_checked: NotNull[StrictBool] = None
    victims_code: NotNull[StrictBool] = None
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
    vpa_no_mp_referral: NotNull[StrictBool] = None
    vpa_legal_advice_requested_at: IsoDateTime | None = None
    vpa_pass_through_note: str | None = Text2k
    mp_person_id: uuid.UUID | None = None
    mp_referred_date: IsoDate | None = None
    complaint_to_mp_in_writing: NotNull[StrictBool] = None
    aggrieved_consent: NotNull[StrictBool] = None
    mp_requests_investigation: NotNull[StrictBool] = None
    mp_referral_signed_by: MpReferralSignedBy | None = None
    written_complaint_received: NotNull[StrictBool] = None
    complaint_form_awaiting_confirmation: NotNull[StrictBool] = None
    joint_working: NotNull[StrictBool] = None
    other_ombudsman: OtherOmbudsman | None = None
    joint_working_topics: NotNull[list[JointWorkingTopic]] = Field(
        default=None,
        max_length=21,
        description="INT-040: ¶1.51 topics (GET /v1/reference/joint-working-topics)",
    )
    joint_working_shared_at: IsoDateTime | None = None
    prison_case_type: PrisonCaseType | None = None
    route: Route | None = None
    routing_rationale: str | None = Text2k
    specialist_team: str | None = Field(default=None, max_length=200)
    checklist: NotNull[
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
    ] = None
    checklist_override_reason: str | None = Field(default=None, max_length=5000)
    risk_assessment_required: NotNull[StrictBool] = None
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
    team: str | None
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
    team: str | None = Field(description="The owner's team, whose members may act on it too")
    priority: Priority
    organisation_ids: list[uuid.UUID] = Field(
        description="The organisations complained about (role 'original')"
    )
    closure_code: str | None
    version: int = Field(description="The case's version, as in its ETag")


class CaseSummaryPage(Page[CaseSummary]):
    pass


class BeginIntake(Input):
    """T2: take a received case into intake after the previous-contact check."""

    model_config = example({"previous_contact_check_id": "4f1c9c3e-6a55-4cbb-9d2b-0a4f8e1d2c33"})

    previous_contact_check_id: uuid.UUID


class PartyAdd(Input):
    model_config = example(
        {
            "person_id": "8a3b7f8e-2f0c-4f4e-9c1e-5d6a7b8c9d0e",
            "role": "representative (person)",
            "authority_to_receive_info": True,
        }
    )

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
    model_config = example(
        {"organisation_id": "5eed0000-0000-4000-8000-000000000001", "role": "original"}
    )

    organisation_id: uuid.UUID
    role: OrganisationRole = OrganisationRole.original


class CaseOrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    role: OrganisationRole
    in_jurisdiction: bool
    remit_only_for_victims_code: bool


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

"""API models of the proposal to investigate. Input models forbid extra fields."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from assessment_api.proposals.rules import (
    Basis,
    ContractType,
    NamedPersonKind,
    Part,
    RecipientKind,
    TraceStep,
)
from shared.schemas import IsoDate, IsoDateTime, LongText, Reason, ShortText

ORG = "6b1f2c3d-0000-4000-8000-000000000001"
SECOND_TIER = "6b1f2c3d-0000-4000-8000-000000000002"
NAMED = "7c2a3b4d-0000-4000-8000-000000000001"


class PlanOrganisationInput(BaseModel):
    """What the caseworker records about one organisation of the plan."""

    model_config = ConfigDict(extra="forbid")

    organisation_id: uuid.UUID
    contract_type: ContractType | None = Field(
        default=None,
        description="ASM-162: a family health service provider's NHS contract, as confirmed "
        "with it (when intake's register has none)",
    )
    contract_copy_requested: StrictBool = Field(
        default=False, description="ASM-162 ¶3.79: the provider was unsure; a copy was asked for"
    )
    handles_complaints_on_behalf_of: uuid.UUID | None = Field(
        default=None,
        description="ASM-165 ¶3.85: a second tier acting only as complaint handler for this "
        "organisation (which must then be given the chance to comment, Legal)",
    )


class TracingStepInput(BaseModel):
    """¶3.93–3.95: one step taken to trace a named person."""

    model_config = ConfigDict(extra="forbid")

    step: TraceStep
    on: IsoDate
    outcome: LongText
    found: StrictBool = Field(description="Contact details were obtained")


class ProceedWithoutInput(BaseModel):
    """ASM-167 ¶3.95 (C-17): the case-by-case decision to proceed without a named person who
    cannot be traced within a reasonable time, with regard to the seriousness of the
    allegations."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    seriousness_considered: Reason


class NamedPersonInput(BaseModel):
    """ASM-167 (¶3.90–3.95): a person named as having taken or authorised the actions
    complained of: an individual (clinical or administrative staff), a company or a
    partnership. Their letter goes via ``organisation_id``, asked to forward it."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID | None = Field(default=None, description="Kept from an earlier save")
    person_id: uuid.UUID | None = Field(default=None, description="intake's person, if recorded")
    kind: NamedPersonKind
    description: ShortText = Field(description="Their part, e.g. 'ward manager' (no names)")
    organisation_id: uuid.UUID
    clinician: StrictBool = False
    still_employed: StrictBool | None = None
    position: ShortText | None = None
    professional_registration: ShortText | None = None
    details_not_established: Reason | None = Field(
        default=None, description="¶3.93: what could not be established, and why"
    )
    tracing_steps: list[TracingStepInput] = Field(default_factory=list, max_length=20)
    proceed_without: ProceedWithoutInput | None = None


class IssueInput(BaseModel):
    """ASM-160 (¶3.77): an issue of the complaint, proposed for investigation or not, and why."""

    model_config = ConfigDict(extra="forbid")

    component_id: uuid.UUID | None = None
    summary: LongText
    proposed: StrictBool
    reason: Reason


class ProposalPlanWrite(BaseModel):
    """The proposal plan, saved whole (ASM-159 the scope, injustice and outcome sought)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scope": "How the trust handled the discharge in March",
                    "injustice_claimed": "Distress and a readmission",
                    "outcome_sought": "An apology and a review of the discharge procedure",
                    "organisations": [],
                    "named_persons": [],
                    "issues": [
                        {
                            "summary": "The discharge decision",
                            "proposed": True,
                            "reason": "Indications of service failure",
                        }
                    ],
                }
            ]
        },
    )

    scope: LongText
    injustice_claimed: LongText
    outcome_sought: LongText
    organisations: list[PlanOrganisationInput] = Field(default_factory=list, max_length=50)
    named_persons: list[NamedPersonInput] = Field(default_factory=list, max_length=100)
    issues: list[IssueInput] = Field(default_factory=list, max_length=100)


class PlanOrganisationRead(BaseModel):
    """One organisation written to, derived from the complaint handlers and intake's register
    (``source`` names the register's version read), with the caseworker's records."""

    organisation_id: uuid.UUID
    part: Part
    investigated: bool
    basis: Basis
    kind: str
    addressee: str
    copies: list[str]
    addressing_rule: str
    contract_type: str | None
    contract_copy_requested: bool
    handles_complaints_on_behalf_of: uuid.UUID | None
    pv_opt_out_reference: str | None = Field(description="ASM-163: the agreement, if in force")
    source: str


class ProceedWithoutRead(BaseModel):
    reason: str
    seriousness_considered: str
    decided_by: str
    decided_at: datetime


class NamedPersonRead(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID | None
    kind: NamedPersonKind
    description: str
    organisation_id: uuid.UUID
    clinician: bool
    still_employed: bool | None
    position: str | None
    professional_registration: str | None
    details_not_established: str | None
    tracing_steps: list[TracingStepInput]
    proceed_without: ProceedWithoutRead | None
    reachable: bool = Field(description="A letter can be sent (via the organisation)")


class IssueRead(BaseModel):
    component_id: uuid.UUID | None
    summary: str
    proposed: bool
    reason: str


class ProposalGap(BaseModel):
    """An unmet condition before the proposal is issued: its requirement and what is missing."""

    requirement: str
    detail: str


class ProposalPlanRead(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    scope: str
    injustice_claimed: str
    outcome_sought: str
    organisations: list[PlanOrganisationRead]
    named_persons: list[NamedPersonRead]
    issues: list[IssueRead]
    gaps: list[ProposalGap]
    ready: bool
    prepared_by: str
    changed_at: datetime
    version: int


class ProposalLetterRead(BaseModel):
    """A proposal letter to one recipient, or a recipient's reply."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    recipient_kind: RecipientKind
    recipient_id: uuid.UUID
    medium: str
    direction: str
    purpose: str
    occurred_at: datetime
    recipients: list[dict[str, object]]
    summary: str | None
    paragraphs: list[str]
    recorded_by: str


class CommentExtensionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    new_due_date: date
    reason: str
    granted_by: str
    agreed_at: datetime


class RecipientDeadlineRead(BaseModel):
    """C-15: one recipient's comment deadline; ``met_at`` is when their reply was recorded."""

    id: uuid.UUID
    recipient_kind: RecipientKind
    recipient_id: uuid.UUID
    rule: str
    starts_on: date
    due_date: date
    effective_due_date: date
    met_at: datetime | None
    extensions: list[CommentExtensionRead]


class CommentWindowRead(BaseModel):
    """ASM-158: closed once the latest due date has passed or every recipient has replied."""

    latest_due_date: date | None
    all_replied: bool
    closed: bool
    reason: str


class ProposalRecord(BaseModel):
    """``GET /v1/cases/{case_id}/proposal``: the plan, the letters, the deadlines, the window."""

    case_id: uuid.UUID
    plan: ProposalPlanRead | None
    proposal_id: uuid.UUID | None
    issued_at: datetime | None
    letters: list[ProposalLetterRead]
    deadlines: list[RecipientDeadlineRead]
    window: CommentWindowRead


class CommentReplyCreate(BaseModel):
    """A recipient's comments received (what they tell us is scanned, XC-RSK-004)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "received_at": "2025-04-10T10:00:00Z",
                    "medium": "letter",
                    "summary": "The trust's comments on the allegations",
                }
            ]
        },
    )

    received_at: IsoDateTime
    medium: str = Field(pattern="^(letter|email|telephone)$")
    summary: LongText


class CommentExtensionCreate(BaseModel):
    """ASM-161 (¶3.78): an extension agreed for one recipient, case by case."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "new_due_date": "2025-04-24",
                    "reason": "The trust asked for a week more to consult the ward team",
                }
            ]
        },
    )

    new_due_date: IsoDate
    reason: Reason

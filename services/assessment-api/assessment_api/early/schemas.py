"""API models of early consideration. Input models forbid extra fields; cross-field rules are
stated in their JSON Schema too."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from assessment_api.cases.rules import DECLINE_CODES, RESOLUTION_CODES, Discretion, OtherReason
from assessment_api.early.models import EcDecisionKind
from assessment_api.early.rules import EarlyUnlock, Evidence
from shared.casework.communications import ContactOutcome
from shared.schemas import IsoDate, IsoDateTime, LongText, Reason, ShortText, absent, given

PHONE = "telephone"
_DECLINE_CODES: list[Any] = sorted(DECLINE_CODES)
_RESOLUTION_CODES: list[Any] = sorted(RESOLUTION_CODES)
Channel = Literal["telephone", "letter", "email"]
Written = Literal["letter", "email"]

COMPLAINANT = "5a0e8a1c-1f0b-4a7e-9b0e-2d5e6b7c8d01"


# --- Contact attempts (ASM-053) ---------------------------------------------------------------


class ContactAttemptCreate(BaseModel):
    """A call or written contact to reach the complainant before deciding (ASM-053), or their
    reply (inbound)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                {
                    "if": {"required": ["channel"], "properties": {"channel": {"const": PHONE}}},
                    "then": {"properties": {"outcome": {"not": {"const": "written_no_reply"}}}},
                }
            ],
            "examples": [
                {
                    "person_id": COMPLAINANT,
                    "channel": "telephone",
                    "direction": "outbound",
                    "attempted_at": "2026-11-02T10:00:00Z",
                    "outcome": "no_answer",
                    "notes": "No answer; no voicemail set up.",
                },
                {
                    "person_id": COMPLAINANT,
                    "channel": "letter",
                    "direction": "outbound",
                    "attempted_at": "2026-11-02T10:00:00Z",
                    "outcome": "written_no_reply",
                },
            ],
        },
    )

    person_id: uuid.UUID = Field(description="Intake's person id of the party contacted")
    channel: Channel
    direction: Literal["inbound", "outbound"] = "outbound"
    attempted_at: IsoDateTime
    outcome: ContactOutcome = Field(
        description="reached; or how it failed. Outbound written contact is 'written_no_reply' "
        "until a reply comes (an inbound attempt with outcome 'reached')"
    )
    expectations_explained: StrictBool = False
    adjustments_discussed: StrictBool = False
    notes: LongText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ContactAttemptCreate:
        if self.channel == PHONE and self.outcome is ContactOutcome.written_no_reply:
            raise ValueError("a call cannot end as 'written_no_reply'")
        if self.direction == "inbound" and self.outcome is not ContactOutcome.reached:
            raise ValueError("an inbound contact reached us: its outcome is 'reached'")
        return self


class ContactAttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    person_id: uuid.UUID
    channel: str
    direction: str
    attempted_at: datetime
    outcome: str
    expectations_explained: bool
    adjustments_discussed: bool
    notes: str | None
    recorded_by: str


class DeadlineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    rule: str
    starts_on: date
    due_date: date
    effective_due_date: date
    met_at: datetime | None
    cancelled_at: datetime | None


# --- Information needed (ASM-054) -------------------------------------------------------------


class InformationRequestCreate(BaseModel):
    """ASM-054 (¶2.102): further information is needed before deciding; told to the complainant,
    with the deadline given, if any."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "information_needed": "The trust's final response letter.",
                    "told_by": "telephone",
                    "told_at": "2026-11-02T10:00:00Z",
                    "deadline": "2026-11-16",
                },
                {
                    "information_needed": "The trust's final response letter.",
                    "told_by": "letter",
                    "told_at": "2026-11-02T10:00:00Z",
                },
            ]
        },
    )

    information_needed: Reason
    told_by: Channel = Field(description="How the complainant was told")
    told_at: IsoDateTime
    deadline: IsoDate | None = Field(
        default=None, description="The date given to the complainant, if any (C-06)"
    )


class InformationRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    information_needed: str
    told_by: str
    told_at: datetime
    deadline_id: uuid.UUID | None
    recorded_by: str


class WithdrawCreate(BaseModel):
    """T21: close as 'withdrawn' after an information request (ASM-054)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"rationale": "The final response letter did not come by the date given."}]
        },
    )

    rationale: Reason


# --- Delivery (ASM-055, ASM-069, ASM-173, ASM-174) ------------------------------------------
# Who the decision goes to is read from intake's parties when it is made (DESIGN §1): the request
# carries only the choice the guidance leaves to the caseworker.

COPY_TO_AGGRIEVED = (
    "ASM-174 (¶3.111): whether a separate aggrieved gets a copy, decided case by case; required "
    "when intake has one (409 decision-recipients-incomplete until decided)"
)


class Suitability(BaseModel):
    """ASM-058 (¶2.109–2.110): when the complainant is not the aggrieved, any concern that they
    may not be suitable, and whether a full suitability consideration has been done."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "if": {
                "required": ["complainant_is_aggrieved"],
                "properties": {"complainant_is_aggrieved": {"const": False}},
            },
            "then": given("concern"),
        },
    )

    complainant_is_aggrieved: StrictBool
    concern: StrictBool | None = None
    full_consideration_done: StrictBool = False

    @model_validator(mode="after")
    def _concern_recorded(self) -> Suitability:
        if not self.complainant_is_aggrieved and self.concern is None:
            raise ValueError("ASM-058: record whether there is a suitability concern")
        return self


class EcDeclineCreate(BaseModel):
    """T20: a decision not to investigate at early consideration (¶2.101, ¶2.105–2.113)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                {
                    "if": {
                        "required": ["closure_code"],
                        "properties": {"closure_code": {"const": "other reason to decline"}},
                    },
                    "then": given("other_reason"),
                    "else": absent("other_reason"),
                },
                {"oneOf": [given("standard"), given("no_standard_rationale")]},
            ],
            "examples": [
                {
                    "closure_code": "other reason to decline",
                    "discretion": "general",
                    "other_reason": "outcome not achievable",
                    "summary": "The complainant says the ward staff were rude at discharge.",
                    "rationale": "The trust apologised sincerely and retrained the staff member.",
                    "no_standard_rationale": "A sincere apology answers a single remark.",
                    "evidence": ["complaint_and_response"],
                    "suitability": {"complainant_is_aggrieved": True},
                    "copy_to_aggrieved": False,
                    "given_by_phone": True,
                    "written_confirmation_requested": False,
                }
            ],
        },
    )

    closure_code: str = Field(json_schema_extra={"enum": _DECLINE_CODES})
    discretion: Discretion | None = None
    other_reason: OtherReason | None = None
    summary: Reason = Field(description="ASM-057: our understanding of the complaint")
    rationale: Reason
    standard: ShortText | None = Field(default=None, description="The standard applied")
    no_standard_rationale: Reason | None = Field(
        default=None, description="ASM-060: why a robust decision needed no standard"
    )
    evidence: list[Evidence] = Field(min_length=1, max_length=10)
    suitability: Suitability
    copy_to_aggrieved: StrictBool | None = Field(default=None, description=COPY_TO_AGGRIEVED)
    given_by_phone: StrictBool = Field(description="ASM-055: the decision was given by phone")
    written_confirmation_requested: StrictBool = False

    @model_validator(mode="after")
    def _checks(self) -> EcDeclineCreate:
        if self.closure_code not in DECLINE_CODES:
            raise ValueError("closure_code must be a decline code (D.1, D.3)")
        if (self.standard is None) == (self.no_standard_rationale is None):
            raise ValueError("ASM-060: give the standard, or why none was used, not both")
        if self.written_confirmation_requested and not self.given_by_phone:
            raise ValueError("written confirmation is asked for a decision given by phone")
        if len(set(self.evidence)) != len(self.evidence):
            raise ValueError("each kind of evidence is named once")
        return self


class ComponentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: ShortText
    significant: StrictBool = False
    resolved: StrictBool


class ResolutionCreate(BaseModel):
    """T22: resolution at early consideration (¶2.132–2.141)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "closure_code": "general discretion - resolution",
                    "our_action": "We asked the trust to pay for the lost hearing aid.",
                    "organisation_already_acting": False,
                    "outcome": "The trust agreed to pay £250 for the hearing aid.",
                    "complainant_agreed": True,
                    "agreed_at": "2026-11-02T10:00:00Z",
                    "components": [
                        {"description": "Lost hearing aid", "significant": True, "resolved": True},
                        {"description": "Late reply", "resolved": False},
                    ],
                    "complaints_process_complete": True,
                    "properly_made": True,
                    "copy_to_aggrieved": False,
                }
            ],
        },
    )

    closure_code: str = Field(json_schema_extra={"enum": _RESOLUTION_CODES})
    our_action: Reason = Field(description="ASM-066: the specific action WE took")
    organisation_already_acting: StrictBool = Field(
        description="ASM-066: the organisation was already taking it, or took it only because "
        "we are involved (then it is not a resolution)"
    )
    outcome: Reason = Field(description="The outcome achieved for the complainant")
    complainant_agreed: StrictBool = Field(description="ASM-066: resolved to their satisfaction")
    agreed_at: IsoDateTime | None = None
    components: list[ComponentIn] = Field(min_length=1, max_length=50)
    complaints_process_complete: StrictBool = Field(description="ASM-070 readiness")
    properly_made: StrictBool = Field(description="ASM-070: in writing; MP referral if needed")
    copy_to_aggrieved: StrictBool | None = Field(default=None, description=COPY_TO_AGGRIEVED)

    @model_validator(mode="after")
    def _checks(self) -> ResolutionCreate:
        if self.closure_code not in RESOLUTION_CODES:
            raise ValueError("closure_code must be a resolution code (ASM-070)")
        if self.complainant_agreed and self.agreed_at is None:
            raise ValueError("agreed_at: when the complainant agreed")
        return self


PrimaryInvestigationIndicator = Literal[
    # ¶2.107 (D.9): a case goes to primary investigation instead when…
    "too_complex",
    "very_serious_injustice",
    "disproportionate_work",
    "service_failings_with_serious_injustice",
    "records_needed",
    "clinical_or_legal_advice_needed",
    "long_organisation_delays",
]


class ResolutionNotAccepted(BaseModel):
    """ASM-067 (¶2.136): what we did, what it achieved, and why it did not resolve it."""

    model_config = ConfigDict(extra="forbid")

    action_taken: Reason
    outcome_achieved: Reason
    why_not_resolved: Reason


class PassOnCreate(BaseModel):
    """T23: pass the case on for primary investigation (ASM-056, D.9 indicators) or because the
    complainant did not accept our resolution (ASM-067)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [given("indicators"), given("resolution_not_accepted")],
            "examples": [
                {"indicators": ["records_needed"], "rationale": "The medical records are needed."},
                {
                    "resolution_not_accepted": {
                        "action_taken": "We asked the trust to reply to the unanswered points.",
                        "outcome_achieved": "The trust sent a further reply.",
                        "why_not_resolved": "The reply does not explain the delay in diagnosis.",
                    },
                    "rationale": "Passing for further consideration.",
                },
            ],
        },
    )

    indicators: list[PrimaryInvestigationIndicator] | None = Field(
        default=None, min_length=1, max_length=7
    )
    resolution_not_accepted: ResolutionNotAccepted | None = None
    rationale: Reason

    @model_validator(mode="after")
    def _one_reason(self) -> PassOnCreate:
        if (self.indicators is None) == (self.resolution_not_accepted is None):
            raise ValueError("give the D.9 indicators or why the resolution was not accepted")
        if self.indicators is not None and len(set(self.indicators)) != len(self.indicators):
            raise ValueError("each indicator is named once")
        return self


class LetterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    medium: str
    purpose: str
    occurred_at: datetime
    recipients: list[dict[str, Any]]
    decision_id: uuid.UUID | None


class EcDecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: EcDecisionKind
    closure_code: str | None
    discretion: str | None
    other_reason: str | None
    summary: str | None
    rationale: str | None
    standard: str | None
    no_standard_rationale: str | None
    evidence: list[str]
    suitability: dict[str, Any] | None
    parties: dict[str, Any] | None = Field(
        description="The parties read from intake when the decision was made (ids and roles) "
        "and the caseworker's choice on the aggrieved's copy"
    )
    given_by_phone: bool | None
    written_confirmation_requested: bool | None
    unlocked_by: str | None
    resolution: dict[str, Any] | None
    pass_on: dict[str, Any] | None
    information_request_id: uuid.UUID | None
    risk_assessment_id: uuid.UUID | None
    decided_by: str
    decided_at: datetime


class EarlyConsiderationRead(BaseModel):
    """Where early consideration of a case stands."""

    case_id: uuid.UUID
    status: str
    decision_unlocked_by: EarlyUnlock | None = Field(
        description="ASM-053: why a decision may be made now; null while contact must still be "
        "tried (two failed calls in a week, or written contact unanswered for a week)"
    )
    withdrawal_allowed: bool = Field(description="ASM-054: 'withdrawn' may be closed now")
    contact_attempts: list[ContactAttemptRead]
    deadlines: list[DeadlineRead]
    information_requests: list[InformationRequestRead]
    decision: EcDecisionRead | None
    letters: list[LetterRead]

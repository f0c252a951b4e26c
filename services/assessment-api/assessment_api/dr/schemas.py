"""API models of Dispute Resolution. Input models forbid extra fields; the conference states its
cross-field rules (ASM-063, ASM-065) in its JSON Schema too."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from assessment_api.cases.state import CaseStatus
from assessment_api.dr.models import DrLetterKind
from assessment_api.dr.rules import (
    ConferenceMode,
    ConferenceOutcome,
    DrParty,
    WithdrawalReason,
)
from shared.casework.communications import DocumentRef, Recipient
from shared.schemas import IsoDateTime, LongText, Reason, ShortText, when

EXAMPLE_ORG = "0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11"


class DrProposalCreate(BaseModel):
    """T26 (or a case intake allocated to DR, T15): both parties are willing, so both consent
    forms go out: the caseworker's to the complainant (intake's, read when the forms go out:
    never named here), the DR caseworker's to the organisation (¶2.120–2.122)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": EXAMPLE_ORG,
                    "dr_caseworker": "cw-dr-1",
                    "complainant_willing": True,
                    "organisation_willing": True,
                }
            ]
        },
    )

    organisation_id: uuid.UUID = Field(description="The organisation (one the case is about)")
    dr_caseworker: ShortText = Field(description="The DR team member (token subject, ¶2.118)")
    complainant_willing: StrictBool = Field(description="¶2.120: the complainant wants mediation")
    organisation_willing: StrictBool = Field(
        description="¶2.120: the organisation, asked by the DR caseworker, wants mediation"
    )


class DrConsentReturn(BaseModel):
    """¶2.122: a party's consent form came back."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"party": "complainant", "document": {"title": "Signed DR consent form"}},
                {"party": "organisation"},
            ]
        },
    )

    party: DrParty
    document: DocumentRef | None = Field(default=None, description="The returned form")


class DrWithdrawal(BaseModel):
    """T28 (¶2.121–2.122): DR does not go ahead; the case stays with its caseworker."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reason": "consent_not_returned",
                    "note": "The trust did not return its consent form after two reminders.",
                }
            ]
        },
    )

    reason: WithdrawalReason
    note: Reason


class MediatedComponentIn(BaseModel):
    """ASM-065 (¶2.130): a complaint component resolved through mediation."""

    model_config = ConfigDict(extra="forbid")

    component: ShortText = Field(description="The complaint component (its area or summary)")
    mediation_outcome: LongText = Field(description="What the parties agreed on it")


_REACHED_PROPERTIES: dict[str, Any] = {
    "agreed_by_complainant": {"const": True},
    "agreed_by_organisation": {"const": True},
    "agreed_outcomes": {"minItems": 1},
}
_REACHED_REQUIRED = ["agreed_by_complainant", "agreed_by_organisation", "agreed_outcomes"]
_REACHED: dict[str, Any] = {
    "properties": _REACHED_PROPERTIES,
    "required": _REACHED_REQUIRED,
}
_CONFERENCE_RULES: dict[str, Any] = {
    "allOf": [
        when("outcome", "agreed", {**_REACHED, "properties": {
            **_REACHED_PROPERTIES, "mediated_components": {"maxItems": 0}}}),
        when("outcome", "partly_agreed", {**_REACHED, "properties": {
            **_REACHED_PROPERTIES, "mediated_components": {"minItems": 1}},
            "required": [*_REACHED_REQUIRED, "mediated_components"]}),
        when("outcome", "not_agreed", {"properties": {
            "agreed_outcomes": {"maxItems": 0}, "mediated_components": {"maxItems": 0}}}),
    ]
}  # fmt: skip


class ConferenceCreate(BaseModel):
    """ASM-063: the resolution conference (¶2.125–2.126) and what it reached: an agreement
    closes the case (T29), a partial one or none leaves it with the DR caseworker at further
    consideration (T30). ``held_at`` is not in the future."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            **_CONFERENCE_RULES,
            "examples": [
                {
                    "mode": "videoconference",
                    "held_at": "2026-11-20T10:00:00+00:00",
                    "outcome": "agreed",
                    "agreed_outcomes": [
                        "The trust apologises in writing and reviews its discharge checklist."
                    ],
                    "agreed_by_complainant": True,
                    "agreed_by_organisation": True,
                    "mediated_components": [],
                },
                {
                    "mode": "teleconference",
                    "held_at": "2026-11-20T10:00:00+00:00",
                    "outcome": "partly_agreed",
                    "agreed_outcomes": ["The trust answers the unanswered questions."],
                    "agreed_by_complainant": True,
                    "agreed_by_organisation": True,
                    "mediated_components": [
                        {
                            "component": "Complaint handling",
                            "mediation_outcome": "The trust answers the unanswered questions.",
                        }
                    ],
                },
            ],
        },
    )

    mode: ConferenceMode
    held_at: IsoDateTime
    outcome: ConferenceOutcome
    agreed_outcomes: list[LongText] = Field(default_factory=list, max_length=50)
    agreed_by_complainant: StrictBool
    agreed_by_organisation: StrictBool
    mediated_components: list[MediatedComponentIn] = Field(default_factory=list, max_length=50)
    copy_to_aggrieved: StrictBool | None = Field(
        default=None,
        description="ASM-174 (¶3.111): on an agreement, whether a separate aggrieved person "
        "(intake's party) gets a copy of the Resolution Agreement letter, decided case by case; "
        "required when intake has one (409 `decision-recipients-incomplete`)",
    )


class DrCommunicationRead(BaseModel):
    """A DR letter, in or out (XC-COM)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: DrLetterKind
    party: DrParty
    medium: str
    direction: str
    purpose: str
    occurred_at: datetime
    from_person_id: uuid.UUID | None
    recipients: list[Recipient]
    documents: list[DocumentRef]
    paragraphs: list[str]
    recorded_by: str


class MediatedComponentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    component: str
    mediation_outcome: str


class ConferenceRead(BaseModel):
    """ASM-063: the resolution conference."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    mode: ConferenceMode
    held_at: datetime
    outcome: ConferenceOutcome
    agreed_outcomes: list[str]
    agreed_by_complainant: bool
    agreed_by_organisation: bool
    risk_assessment_id: uuid.UUID | None = Field(
        description="T29: the qualifying risk assessment the closure was made on"
    )
    recorded_by: str
    mediated_components: list[MediatedComponentRead] = Field(default_factory=list)


class DrRead(BaseModel):
    """A case's Dispute Resolution process (its latest), with its letters and conference."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_status: CaseStatus
    closure_code: str | None
    prior_status: CaseStatus | None = Field(description="T28: where the case returns")
    caseworker: str
    dr_caseworker: str
    complainant_person_id: uuid.UUID
    organisation_id: uuid.UUID
    complainant_consent_sent_at: datetime
    complainant_consent_returned_at: datetime | None
    organisation_consent_sent_at: datetime
    organisation_consent_returned_at: datetime | None
    consents_outstanding: list[DrParty] = Field(description="T27 waits for none")
    accepted_at: datetime | None
    withdrawal_reason: WithdrawalReason | None
    outcome: ConferenceOutcome | None
    ended_at: datetime | None
    review_eligible: bool = Field(
        description="ASM-061: a DR resolution agreement cannot be reviewed (no decision made)"
    )
    conference: ConferenceRead | None
    communications: list[DrCommunicationRead]
    version: int

"""API models of the case record, its decisions and its tasks. Input models forbid extra
fields; a decline states its cross-field rules (ASM-093) in its JSON Schema too."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from assessment_api.cases.models import TaskKind
from assessment_api.cases.rules import (
    DECLINE_CODES,
    DISCRETION_CODES,
    LEGAL_BAR_CODES,
    OTHER_REASON_TO_DECLINE,
    Discretion,
    OtherReason,
    RiskRating,
)
from assessment_api.cases.state import CaseStatus
from shared.casework.communications import Recipient
from shared.pagination import Page
from shared.schemas import Reason, absent, given


class DeclineRead(BaseModel):
    """A decision not to investigate (T32)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    closure_code: str
    discretion: Discretion | None
    other_reason: OtherReason | None
    rationale: str
    risk_assessment_id: uuid.UUID = Field(description="The qualifying assessment (XC-RSK-001)")
    decided_by: str
    decided_at: datetime
    approval_id: uuid.UUID | None = Field(
        default=None, description="The approval under the Delegation Scheme (ASM-172)"
    )
    approved_by: str | None = Field(default=None, description="Who approved it (ASM-172)")


class DecisionCommunicationRead(BaseModel):
    """A letter or call that issued the decision not to investigate to one recipient (ASM-173,
    ASM-174, ASM-055, ¶3.117): by id; the address is intake's contact card's."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    decline_decision_id: uuid.UUID
    medium: str = Field(examples=["letter"])
    direction: str
    purpose: str = Field(description="The rule it follows")
    occurred_at: datetime
    recipients: list[Recipient]
    summary: str | None
    recorded_by: str


class ProposalRead(BaseModel):
    """A proposal to investigate (T35)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    rationale: str
    risk_assessment_id: uuid.UUID = Field(description="The qualifying assessment (XC-RSK-001)")
    proposed_by: str
    proposed_at: datetime
    approval_id: uuid.UUID | None = Field(
        default=None, description="The approval under the Delegation Scheme (ASM-172)"
    )
    approved_by: str | None = Field(default=None, description="Who approved it (ASM-172)")


class CaseSummary(BaseModel):
    """A case at assessment, as lists show it. Ids and codes only: no personal data."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Intake's case id: one case, one id in every service")
    reference: str
    case_type: str = Field(description="enquiry or complaint")
    jurisdiction: str = Field(description="health or parliamentary")
    route: str = Field(description="How intake passed it on (D.4 routing)")
    triage_category: str
    priority: str = Field(description="standard or high")
    risk_assessment_required: bool = Field(description="Intake's tick (XC-RSK-002, ¶10.14)")
    organisation_ids: list[uuid.UUID]
    received_date: date
    referred_at: datetime
    status: CaseStatus
    status_changed_at: datetime
    closure_code: str | None
    closed_at: datetime | None
    owner: str | None = Field(description="The caseworker who holds the case (token subject)")
    team: str | None
    risk_rating: RiskRating | None = Field(description="Current rating at compliance-api")
    risk_assessment_id: uuid.UUID | None
    risk_rated_at: datetime | None
    version: int


class CaseRead(CaseSummary):
    """A case at assessment with the decision that ended it, if any."""

    decline: DeclineRead | None = None
    decline_communications: list[DecisionCommunicationRead] = Field(
        default_factory=list, description="How the decline reached each recipient (ASM-173)"
    )
    proposal: ProposalRead | None = None


CasePage = Page[CaseSummary]
_DECLINE_CODES: list[Any] = sorted(DECLINE_CODES)

_DECLINE_RULES: dict[str, Any] = {
    "allOf": [
        {
            "if": {
                "required": ["closure_code"],
                "properties": {"closure_code": {"enum": sorted(DISCRETION_CODES)}},
            },
            "then": given("discretion"),
        },
        {
            "if": {
                "required": ["closure_code"],
                "properties": {"closure_code": {"enum": sorted(LEGAL_BAR_CODES)}},
            },
            "then": absent("discretion"),
        },
        {
            "if": {
                "required": ["closure_code"],
                "properties": {"closure_code": {"const": OTHER_REASON_TO_DECLINE}},
            },
            "then": given("other_reason"),
            "else": absent("other_reason"),
        },
    ]
}


class DeclineCreate(BaseModel):
    """T32: a decision not to investigate, on a single reason (ASM-093)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            **_DECLINE_RULES,
            "examples": [
                {
                    "closure_code": "other reason to decline",
                    "discretion": "general",
                    "other_reason": "outcome not achievable",
                    "rationale": "The trust has already apologised and changed its procedure; "
                    "an investigation could achieve nothing more for the complainant.",
                    "decision_by_telephone": True,
                    "aggrieved_copy": False,
                },
                {
                    "closure_code": "Three-year rule",
                    "rationale": "The events complained about ended in 2019.",
                },
            ],
        },
    )

    closure_code: str = Field(
        json_schema_extra={"enum": _DECLINE_CODES},
        description="The single reason, as a D.1 / D.3 closure code",
    )
    discretion: Discretion | None = Field(
        default=None, description="ASM-093: for a discretion code; none for a legal bar"
    )
    other_reason: OtherReason | None = Field(
        default=None, description="D.11: which other reason, for 'other reason to decline' only"
    )
    rationale: Reason = Field(description="Why (ASM-093), as recorded on the Decision Form")
    decision_by_telephone: StrictBool = Field(
        default=False,
        description="The complainant was told by phone first (recorded as a call); the decision "
        "letter is still addressed to them (¶3.109–3.110, Legal)",
    )
    aggrieved_copy: StrictBool | None = Field(
        default=None,
        description="ASM-174 (¶3.111): whether a separate aggrieved gets a copy; required when "
        "intake has one (409 decision-recipients-incomplete until decided)",
    )
    organisations_contacted: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=50,
        description="¶3.117 (ASM-090, ASM-175): organisations contacted during further "
        "consideration, each told of the decision",
    )

    @model_validator(mode="after")
    def _code_is_known(self) -> DeclineCreate:
        if self.closure_code not in DECLINE_CODES:
            raise ValueError("closure_code must be a decline code (D.1, D.3)")
        return self


class ProposalCreate(BaseModel):
    """T35: a proposal to investigate."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rationale": "Indications of service failure in the discharge planning and "
                    "an unremedied injustice; every gate test passed."
                }
            ]
        },
    )

    rationale: Reason = Field(description="Why an investigation is proposed")


class CaseTaskRead(BaseModel):
    """Follow-up work a rule left on the case."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: TaskKind
    rule: str
    risk_assessment_id: uuid.UUID | None
    previous_rating: RiskRating | None
    rating: RiskRating | None
    created_by: str
    created_at: datetime
    done_at: datetime | None
    done_by: str | None
    done_note: str | None


class DecisionGapRead(BaseModel):
    """One condition the guidance sets before a decision, not yet met."""

    requirement: str = Field(examples=["ASM-172"])
    detail: str


class DecisionReadinessRead(BaseModel):
    """What is left before a decision not to investigate, before a proposal to investigate and
    before closing the case as a resolution the organisation agreed (T33) (empty lists: ready),
    each gap naming its requirement."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11",
                    "status": "further_consideration",
                    "before_decline": [
                        {
                            "requirement": "ASM-093",
                            "detail": "decision.decline_reason: record the single reason to "
                            "decline, with its discretion and rationale",
                        }
                    ],
                    "before_proposal": [
                        {
                            "requirement": "ASM-172",
                            "detail": "ask for a proposal to investigate to be approved under "
                            "the Delegation Scheme (¶3.108)",
                        }
                    ],
                    "before_resolution": [
                        {
                            "requirement": "ASM-156",
                            "detail": "decision.outcome: record the decision to close the case "
                            "as a resolution (¶3.67)",
                        }
                    ],
                }
            ]
        }
    )

    case_id: uuid.UUID
    status: CaseStatus
    before_decline: list[DecisionGapRead]
    before_proposal: list[DecisionGapRead]
    before_resolution: list[DecisionGapRead]

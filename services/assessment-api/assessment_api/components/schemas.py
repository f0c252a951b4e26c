"""API models of the complaint summary, complaint components and organisation decisions
(ASM-105…108, ASM-114, ASM-116, ASM-117, ASM-126, ASM-176). Input models forbid extra fields;
cross-field rules are stated in their JSON Schema too. Each decision rule the models cannot see
alone is the service's 422 ``component-decision-invalid``, naming its requirement."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from assessment_api.cases.rules import Discretion, OtherReason
from assessment_api.components.rules import (
    ComponentArea,
    ComponentDecision,
    PrematureFactor,
    TimeLimitOutcome,
    duplicate_issues,
)
from shared.pagination import Page
from shared.schemas import IsoDate, LongText, NotNull, Reason, ShortText, given, when

EXAMPLE_ORG = "0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11"
MAX_ISSUES = 50
Channel = Literal["telephone", "letter", "email", "in_person"]


class ExcludedIssue(BaseModel):
    """ASM-105 (¶2.229–2.231): an issue left out of the summary: agreed with the complainant
    (when and how), or, with no agreement, decided by the caseworker weighing proportionality
    and the impact on the customer service we give (¶2.230)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                when("agreed_with_complainant", True, given("agreed_on", "agreed_how")),
                when(
                    "agreed_with_complainant",
                    False,
                    given("proportionality", "customer_service_impact"),
                ),
            ]
        },
    )

    issue: ShortText
    agreed_with_complainant: StrictBool
    agreed_on: IsoDate | None = None
    agreed_how: Channel | None = None
    proportionality: Reason | None = Field(
        default=None, description="¶2.230: why leaving it out is proportionate (no agreement)"
    )
    customer_service_impact: Reason | None = Field(
        default=None, description="¶2.230: the impact on the customer service we give"
    )

    @model_validator(mode="after")
    def _agreed_or_reasoned(self) -> ExcludedIssue:
        if self.agreed_with_complainant and (self.agreed_on is None or self.agreed_how is None):
            raise ValueError("ASM-105: say when and how the complainant agreed to leave it out")
        if not self.agreed_with_complainant and (
            self.proportionality is None or self.customer_service_impact is None
        ):
            raise ValueError(
                "ASM-105 (¶2.230): with no agreement, record the proportionality and "
                "customer-service reasoning for leaving it out"
            )
        return self


SUMMARY_EXAMPLE: dict[str, Any] = {
    "summary": "Mx Example says the practice missed the signs of an infection in March and the "
    "receptionist was rude when they asked for a second appointment.",
    "issues": ["Missed infection", "Receptionist's manner"],
    "excluded_issues": [
        {
            "issue": "Car parking charges",
            "agreed_with_complainant": True,
            "agreed_on": "2026-11-04",
            "agreed_how": "telephone",
        }
    ],
    "discussed_on": "2026-11-04",
    "complainant_told_on": "2026-11-05",
    "complainant_told_how": "letter",
}


class ComplaintSummaryPut(BaseModel):
    """ASM-105 (¶2.227–2.232): the whole summary, saved as a new version (If-Match on a
    change). ``issues`` empty: no part of the complaint continues (ASM-106, ¶2.233)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [SUMMARY_EXAMPLE],
            **when("complainant_told_on", None, {}, given("complainant_told_how")),
        },
    )

    summary: LongText
    issues: list[ShortText] = Field(max_length=MAX_ISSUES)
    excluded_issues: list[ExcludedIssue] = Field(default_factory=list, max_length=MAX_ISSUES)
    discussed_on: IsoDate = Field(description="The detailed discussion with the complainant")
    discussion_attempt_id: uuid.UUID | None = Field(
        default=None,
        description="ASM-107 (¶2.234): the contact attempt holding the conversation's notes",
    )
    complainant_told_on: IsoDate | None = Field(
        default=None, description="¶2.231: the complainant told what is in and out"
    )
    complainant_told_how: Channel | None = None
    reason: Reason | None = Field(default=None, description="Why it changed (audited)")

    @model_validator(mode="after")
    def _consistent(self) -> ComplaintSummaryPut:
        out = [e.issue for e in self.excluded_issues]
        dup = duplicate_issues([*self.issues, *out])
        if dup:
            raise ValueError(f"each issue is either in or out, once: {', '.join(dup)}")
        if (self.complainant_told_on is None) != (self.complainant_told_how is None):
            raise ValueError("say both when and how the complainant was told")
        return self


class ComplaintSummaryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    case_id: uuid.UUID
    summary: str
    issues: list[str]
    excluded_issues: list[ExcludedIssue]
    discussed_on: date
    discussion_attempt_id: uuid.UUID | None
    complainant_told_on: date | None
    complainant_told_how: str | None
    saved_by: str
    saved_at: datetime
    version: int


COMPONENT_EXAMPLE: dict[str, Any] = {
    "organisation_id": EXAMPLE_ORG,
    "area": "diagnosis",
    "summary_description": "The GP did not recognise the signs of an infection on 3 March.",
    "issues": ["Missed infection"],
}


class ComplaintComponentCreate(BaseModel):
    """ASM-108 (¶2.236–2.242): a component: its organisation (one on the case), its area from
    the drop-down, a summary description, and the summary issues it covers (ASM-105)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [COMPONENT_EXAMPLE]})

    organisation_id: uuid.UUID = Field(description="intake's id of an organisation on the case")
    area: ComponentArea
    summary_description: LongText
    issues: list[ShortText] = Field(min_length=1, max_length=MAX_ISSUES)


class ComplaintComponentUpdate(BaseModel):
    """The fields sent change (If-Match required): the description, the issues covered, and
    ASM-126 (¶2.293) the component's own time-limit decision where it is a separate complaint
    for the time limit (null clears it)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "time_limit_outcome": "out of time, limit not set aside",
                    "time_limit_rationale": "The care complained of ended in 2023; the "
                    "complainant knew of it then and gave no reason for the delay.",
                }
            ],
            **when("time_limit_outcome", None, {}, given("time_limit_rationale")),
        },
    )

    summary_description: NotNull[LongText] = None
    issues: NotNull[list[ShortText]] = Field(default=None, min_length=1, max_length=MAX_ISSUES)
    time_limit_outcome: TimeLimitOutcome | None = None
    time_limit_rationale: Reason | None = None

    @model_validator(mode="after")
    def _with_rationale(self) -> ComplaintComponentUpdate:
        if (self.time_limit_outcome is None) != (self.time_limit_rationale is None):
            raise ValueError("ASM-126/ASM-127: a time-limit decision comes with its reasons")
        return self


class PrematureFactorRecord(BaseModel):
    """ASM-116: one ¶2.268 point and how it was weighed."""

    model_config = ConfigDict(extra="forbid")

    factor: PrematureFactor
    consideration: Reason


class ComponentDecisionPut(BaseModel):
    """ASM-108 (¶2.243–2.244): the decision against one component (If-Match accepted)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "propose to investigate"},
                {
                    "decision": "decline",
                    "closure_code": "other reason to decline",
                    "discretion": "specific",
                    "other_reason": "outcome not achievable",
                    "rationale": "The apology sought has been given in the final response.",
                    "material_evidence": ["DOC-0001"],
                },
            ]
        },
    )

    decision: ComponentDecision
    closure_code: ShortText | None = Field(
        default=None,
        description="Decline: a decline code (D.1, D.3); premature: 'premature' or "
        "'Premature: local resolution ongoing'; out of time: 'out of time'",
    )
    discretion: Discretion | None = None
    other_reason: OtherReason | None = None
    rationale: LongText | None = Field(
        default=None, description="¶2.243: why it is not investigated (required then)"
    )
    material_evidence: list[ShortText] = Field(
        default_factory=list,
        max_length=MAX_ISSUES,
        description="¶2.243: the Decision Form's document refs relied on (required when not "
        "investigated)",
    )
    premature_factors: list[PrematureFactorRecord] = Field(
        default_factory=list, max_length=len(PrematureFactor)
    )
    sent_back_to_organisation: StrictBool = False
    organisation_agreed_to_respond: StrictBool = False
    complainant_told_time_limit: StrictBool = False


class ComplaintComponentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    organisation_id: uuid.UUID
    area: ComponentArea
    summary_description: str
    issues: list[str]
    recorded_by: str
    recorded_at: datetime
    time_limit_outcome: TimeLimitOutcome | None
    time_limit_rationale: str | None
    decision: ComponentDecision | None
    closure_code: str | None
    discretion: Discretion | None
    other_reason: OtherReason | None
    rationale: str | None
    material_evidence: list[str]
    premature_factors: list[PrematureFactorRecord]
    sent_back_to_organisation: bool
    organisation_agreed_to_respond: bool
    complainant_told_time_limit: bool
    decided_by: str | None
    decided_at: datetime | None
    version: int


class OrganisationDecisionDerive(BaseModel):
    """ASM-176 (¶3.119–3.124): record the organisation's decision from its components. The
    caseworker picks the main reason among its components' codes when they differ and none was
    resolved or proposed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": EXAMPLE_ORG,
                    "rationale": "The missed infection is the heart of the complaint.",
                }
            ]
        },
    )

    organisation_id: uuid.UUID
    main_reason: ShortText | None = Field(
        default=None, description="¶3.121: the code of the main reason, among the components'"
    )
    rationale: LongText


class GapRead(BaseModel):
    requirement: str
    detail: str


class OrganisationStandingRead(BaseModel):
    """ASM-176: an organisation with components, what they make of its decision, and what is
    recorded."""

    organisation_id: uuid.UUID
    component_codes: list[str | None]
    derived_decision: str | None
    recorded_decision: str | None


class ComponentsRead(BaseModel):
    """The case's summary, components and organisation decisions, and what is missing before a
    decline, a proposal and a resolution (T33) (empty: ready)."""

    case_id: uuid.UUID
    summary: ComplaintSummaryRead | None
    components: list[ComplaintComponentRead]
    organisations: list[OrganisationStandingRead]
    before_decline: list[GapRead]
    before_proposal: list[GapRead]
    before_resolution: list[GapRead]


class PrecedentRead(BaseModel):
    """ASM-114 (¶2.265): a component of another case about one of this case's organisations."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    organisation_id: uuid.UUID
    area: ComponentArea
    summary_description: str
    decision: ComponentDecision | None
    closure_code: str | None
    recorded_at: datetime


class PrecedentPage(Page[PrecedentRead]):
    pass

"""API schemas of the risk module. Examples use fake data only.

The cross-field rules (CMP-105 both-or-neither, CMP-110 the downgrade's cell, CMP-117 the
cumulative assessment, CMP-108 the low rationale, CMP-118 the mitigation plan) are enforced by
the model validators and stated in the JSON Schema, built from the same matrix (``rules.MATRIX``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from compliance_api.risk.rules import (
    FLAG_CATEGORY,
    MATRIX,
    REVIEW_TRIGGERS,
    Category,
    EntryFlag,
    HighRiskPath,
    Impact,
    Informed,
    Likelihood,
    MitigationOutcome,
    OverrideDirection,
    Prompt,
    Rating,
    ReviewReason,
    RiskTo,
    Trigger,
    UpliftScope,
    flag_fits,
    needs_review_reason,
)
from shared.pagination import Page
from shared.schemas import (
    IsoDate,
    LongText,
    Reason,
    ShortText,
    StrictBool,
    absent,
    given,
    when,
)

MAX_RISKS = 25


def _cells(impact: str, likelihood: str, *, rating: Rating, may_be_low: bool | None = None) -> Any:
    """JSON Schema: (``impact``, ``likelihood``) is one of the matrix cells of ``rating``."""
    return {
        "anyOf": [
            {
                "required": [impact, likelihood],
                "properties": {impact: {"const": i.value}, likelihood: {"const": li.value}},
            }
            for (i, li), cell in MATRIX.items()
            if cell.rating is rating and (may_be_low is None or cell.may_be_low is may_be_low)
        ]
    }


def _matches(data: RiskEntryCreate, rating: Rating, *, after: bool) -> bool:
    impact = data.impact_after if after and data.impact_after else data.impact
    likelihood = data.likelihood_after if after and data.likelihood_after else data.likelihood
    return MATRIX[(impact, likelihood)].rating is rating


def _review_triggers() -> Any:
    return sorted(t.value for t in REVIEW_TRIGGERS)


def _true(field: str) -> Any:
    """JSON Schema ``if``: ``field`` is given as true."""
    return {"required": [field], "properties": {field: {"const": True}}}


def _flag_in_category(flag: EntryFlag) -> Any:
    """JSON Schema: ``flag`` may be true only on a risk of its own category (¶10.47–10.61)."""
    return {
        "if": _true(flag.value),
        "then": {"properties": {"category": {"const": FLAG_CATEGORY[flag].value}}},
    }


class DisclosureDecision(StrEnum):
    disclose = "disclose"
    not_disclose = "not_disclose"


class Disclosure(BaseModel):
    """CMP-122 / XC-DP-012 (¶10.50): for a threat of harm, whether to disclose to a suitable
    person (e.g. an advocate), possibly before the decision is shared, and why."""

    model_config = ConfigDict(extra="forbid")

    decision: DisclosureDecision
    reason: Reason
    before_decision_shared: StrictBool = Field(
        default=False, description="Tell the suitable person before the decision is shared"
    )


class Mitigation(BaseModel):
    """CMP-118: the plan, aiming at one of the four outcomes of D.24 (¶10.39)."""

    model_config = ConfigDict(extra="forbid")

    outcome: MitigationOutcome
    plan: LongText


class Downgrade(BaseModel):
    """CMP-110: a "Medium or Low" cell graded Low for the external factors recorded (¶10.27–10.28:
    seriousness of the allegations, the complainant's vulnerability, an advocate available)."""

    model_config = ConfigDict(extra="forbid")

    factors: LongText
    discussed_with: ShortText | None = Field(
        default=None, description="The manager it was discussed with, if it was (¶10.27)"
    )


class RiskEntryCreate(BaseModel):
    """One risk: the ¶10.15 questions (CMP-106). Ratings are computed from the matrix (D.23),
    never typed (CMP-105, CMP-109)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "category": "legal",
                    "description": "The complainant says they will seek judicial review",
                    "impact": "critical",
                    "likelihood": "likely",
                    "impact_after": "moderate",
                    "likelihood_after": "likely",
                    "downgrade": {"factors": "An advocate supports the complainant"},
                    "mitigation": {
                        "outcome": "reduce",
                        "plan": "Legal Team reviews the draft decision before it is sent",
                    },
                    "action_if_occurs": "Refer the pre-action letter to the Legal Team at once",
                    "who_to_contact": "Legal Team duty lawyer",
                    "mitigation_effect": "Legal review lowers the impact from critical to moderate",
                }
            ],
            "allOf": [
                # CMP-105: after-mitigation impact and likelihood, both or neither.
                {
                    "anyOf": [
                        given("impact_after", "likelihood_after"),
                        absent("impact_after", "likelihood_after"),
                    ]
                },
                # CMP-118: medium or high before mitigation needs a plan.
                {
                    "anyOf": [
                        _cells("impact", "likelihood", rating=Rating.low),
                        given("mitigation"),
                    ]
                },
                # CMP-110: only a "Medium or Low" cell after mitigation may be graded Low.
                {
                    "anyOf": [
                        absent("downgrade"),
                        {
                            "allOf": [
                                absent("impact_after", "likelihood_after"),
                                _cells("impact", "likelihood", rating=Rating.medium),
                            ]
                        },
                        {
                            "allOf": [
                                given("impact_after", "likelihood_after"),
                                _cells("impact_after", "likelihood_after", rating=Rating.medium),
                            ]
                        },
                    ]
                },
                # ¶10.50: a threat of harm, and only one, records the disclosure considered.
                {"if": _true("threat_of_harm"), "then": given("disclosure")},
                {"if": {"not": _true("threat_of_harm")}, "then": absent("disclosure")},
                _flag_in_category(EntryFlag.threat_of_harm),
                # CMP-119 (a changed rating explained), ¶10.36 (an immediate risk's action) and
                # the other flags' categories are checked by the validator below with their own
                # error types: stated here too, the conditions together exceed what the contract
                # tests' generator (schemathesis) can bring to canonical form.
            ],
        },
    )

    category: Category = Field(description="One of the five D.22 categories")
    description: LongText = Field(description="The risk in a short statement")
    impact: Impact
    likelihood: Likelihood
    impact_after: Impact | None = Field(
        default=None, description="Impact expected after mitigation; omit when unchanged"
    )
    likelihood_after: Likelihood | None = Field(
        default=None, description="Likelihood expected after mitigation; omit when unchanged"
    )
    downgrade: Downgrade | None = Field(
        default=None, description="CMP-110: grade a 'Medium or Low' cell Low, with the factors"
    )
    cumulative_effect: LongText | None = Field(
        default=None, description="How it combines with the case's other risks"
    )
    mitigation: Mitigation | None = Field(
        default=None, description="Required when the rating before mitigation is medium or high"
    )
    action_if_occurs: LongText = Field(
        description="What to do if the risk happens despite mitigation (CMP-121)"
    )
    who_to_contact: LongText | None = Field(
        default=None, description="CMP-121 (¶10.46): who to contact if it happens"
    )
    mitigation_effect: LongText | None = Field(
        default=None,
        description="CMP-119 (¶10.41): whether the mitigation lowered the rating; required when "
        "the rating after mitigation differs from the rating before",
    )
    risk_to: RiskTo | None = Field(
        default=None,
        description="XC-RSK-005: the person the risk falls on; omit for a risk to our casework",
    )
    immediate: StrictBool = Field(
        default=False, description="¶10.36: an immediate risk, e.g. to someone's welfare"
    )
    immediate_action: LongText | None = Field(
        default=None, description="¶10.36: the action decided (required when immediate)"
    )
    terminal_illness: StrictBool = Field(
        default=False, description="People (¶10.47–10.48): the complainant is terminally ill"
    )
    threat_of_harm: StrictBool = Field(
        default=False, description="People (¶10.49): a threat to harm self or others"
    )
    disclosure: Disclosure | None = Field(
        default=None, description="¶10.50: required with a threat of harm"
    )
    information_breach: StrictBool = Field(
        default=False, description="Financial (¶10.53): information was lost or misused"
    )
    unresolved_by_management: StrictBool = Field(
        default=False,
        description="Our Service (¶10.59): a complaint about us management could not resolve",
    )

    @model_validator(mode="after")
    def _rules(self) -> RiskEntryCreate:
        if (self.impact_after is None) != (self.likelihood_after is None):
            raise ValueError("CMP-105: give both impact_after and likelihood_after, or neither")
        if self.mitigation is None and not _matches(self, Rating.low, after=False):
            raise ValueError("CMP-118: a medium or high risk needs a mitigation plan")
        if self.downgrade is not None and not _matches(self, Rating.medium, after=True):
            raise ValueError(
                "CMP-110: only a 'Medium or Low' cell after mitigation may be graded Low"
            )
        if self.threat_of_harm != (self.disclosure is not None):
            raise ValueError("CMP-122: a threat of harm, and only one, records the disclosure")
        before = MATRIX[(self.impact, self.likelihood)].rating
        if self.mitigation_effect is None and not _matches(self, before, after=True):
            raise PydanticCustomError(
                "mitigation_effect_required",
                "CMP-119: explain how the mitigation changed the rating",
            )
        if self.immediate and self.immediate_action is None:
            raise PydanticCustomError(
                "immediate_action_required", "CMP-116: an immediate risk records the action decided"
            )
        for flag in EntryFlag:
            if getattr(self, flag.value) and not flag_fits(flag, self.category):
                raise PydanticCustomError(
                    "flag_outside_category",
                    "{flag} belongs to a {category} risk",
                    {"flag": flag.value, "category": FLAG_CATEGORY[flag].value},
                )
        return self


class CumulativeAssessment(BaseModel):
    """CMP-117 (¶10.37–10.38): whether the risks together justify a higher rating."""

    model_config = ConfigDict(extra="forbid")

    common_root: StrictBool = Field(description="Do the risks all stem from one issue?")
    raised: StrictBool = Field(description="Raise the rating one level for the risks together")
    reason: Reason


class RiskAssessmentCreate(BaseModel):
    """A new assessment of the case: a new version, whose rating becomes the case's."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "trigger": "decline",
                    "conflicts_of_interest_considered": True,
                    "organisation_ids": ["0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11"],
                    "risks": [],
                    "low_rationale": "No indication at this stage that a risk is present",
                },
                {
                    "trigger": "propose",
                    "conflicts_of_interest_considered": True,
                    "organisation_ids": [],
                    "risks": [
                        {
                            "category": "reputation_political",
                            "description": "Local media are following the complaint",
                            "impact": "moderate",
                            "likelihood": "likely",
                            "mitigation": {
                                "outcome": "reduce",
                                "plan": "Press office briefed before the decision is shared",
                            },
                            "action_if_occurs": "Press office handles enquiries",
                        },
                        {
                            "category": "our_service",
                            "description": "An earlier complaint about our service was upheld",
                            "impact": "minor",
                            "likelihood": "likely",
                            "action_if_occurs": "Escalate to the manager",
                        },
                    ],
                    "cumulative": {
                        "common_root": False,
                        "raised": False,
                        "reason": "Separate issues, each with its own plan, none serious",
                    },
                    "earlier_cases_reviewed": True,
                    "earlier_service_complaint": True,
                    "mp_involved": True,
                    "others_informed": ["press_office"],
                },
                {
                    "trigger": "ad_hoc",
                    "review_reason": "jurisdiction_challenge",
                    "conflicts_of_interest_considered": True,
                    "risks": [
                        {
                            "category": "people",
                            "description": "The complainant has said they may harm themselves",
                            "impact": "critical",
                            "likelihood": "likely",
                            "risk_to": "complainant",
                            "threat_of_harm": True,
                            "disclosure": {
                                "decision": "disclose",
                                "reason": "Their advocate can support them when we decide",
                                "before_decision_shared": True,
                            },
                            "immediate": True,
                            "immediate_action": "Manager called the advocate the same day",
                            "mitigation": {
                                "outcome": "reduce",
                                "plan": "The advocate is present when the decision is shared",
                            },
                            "action_if_occurs": "Follow the disclosure policy",
                        }
                    ],
                },
            ],
            "allOf": [
                # CMP-117: two or more risks need the cumulative assessment; one needs none.
                {
                    "if": {"required": ["risks"], "properties": {"risks": {"minItems": 2}}},
                    "then": given("cumulative"),
                    "else": absent("cumulative"),
                },
                # CMP-108: no risk means Low with a brief summary of why.
                {
                    "if": {"required": ["risks"], "properties": {"risks": {"maxItems": 0}}},
                    "then": given("low_rationale"),
                },
                # XC-RSK-003: an ad hoc or new-risk review says what triggered it; a formal
                # point's assessment does not.
                {
                    "if": {
                        "required": ["trigger"],
                        "properties": {"trigger": {"enum": _review_triggers()}},
                    },
                    "then": given("review_reason"),
                    "else": absent("review_reason"),
                },
                # CMP-125 (¶10.58): an Our Service risk is rated after reviewing earlier cases.
                {
                    "if": {
                        "required": ["risks"],
                        "properties": {
                            "risks": {
                                "contains": {
                                    "required": ["category"],
                                    "properties": {
                                        "category": {"const": Category.our_service.value}
                                    },
                                }
                            }
                        },
                    },
                    "then": _true("earlier_cases_reviewed"),
                },
            ],
        },
    )

    trigger: Trigger
    conflicts_of_interest_considered: StrictBool = Field(
        description="XC-RSK-001: conflicts of interest of casework and senior staff considered"
    )
    organisation_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=50,
        description="The case's organisations: an organisation's uplift applies to them (CMP-102)",
        json_schema_extra={"uniqueItems": True},
    )
    risks: list[RiskEntryCreate] = Field(max_length=MAX_RISKS)
    cumulative: CumulativeAssessment | None = None
    low_rationale: LongText | None = Field(
        default=None, description="CMP-108: why there is no risk (required with no risks)"
    )
    monitoring_notes: LongText | None = Field(
        default=None,
        description="¶10.23: information that is not a risk now but helps see one develop",
    )
    review_reason: ReviewReason | None = Field(
        default=None,
        description="XC-RSK-003: what triggered an ad_hoc or new_risk_identified review",
    )
    mp_involved: StrictBool = Field(
        default=False, description="CMP-124 (¶10.55): an MP is involved in the complaint"
    )
    earlier_cases_reviewed: StrictBool | None = Field(
        default=None,
        description="CMP-125 (¶10.58): the complainant's earlier cases and complaints about our "
        "service were reviewed (required true with an Our Service risk)",
    )
    earlier_service_complaint: StrictBool = Field(
        default=False,
        description="CMP-125 (¶10.57): the complainant complained about our service before",
    )
    others_informed: list[Informed] = Field(
        default_factory=list,
        max_length=len(Informed),
        description="CMP-116 (¶10.35): who else was made aware or involved in the mitigation",
        json_schema_extra={"uniqueItems": True},
    )

    @model_validator(mode="after")
    def _rules(self) -> RiskAssessmentCreate:
        if needs_review_reason(self.trigger) != (self.review_reason is not None):
            raise ValueError(
                "XC-RSK-003: an ad_hoc or new_risk_identified review, and only one, names its "
                "review_reason"
            )
        if (
            any(r.category is Category.our_service for r in self.risks)
            and self.earlier_cases_reviewed is not True
        ):
            raise ValueError("CMP-125: review the complainant's earlier cases first")
        if len(set(self.others_informed)) != len(self.others_informed):
            raise ValueError("others_informed lists a team twice")
        if len(self.risks) >= 2 and self.cumulative is None:
            raise ValueError("CMP-117: two or more risks need the cumulative assessment")
        if len(self.risks) < 2 and self.cumulative is not None:
            raise ValueError("CMP-117: a cumulative assessment needs two or more risks")
        if not self.risks and self.low_rationale is None:
            raise ValueError("CMP-108: with no risk, say briefly why the rating is low")
        if len(set(self.organisation_ids)) != len(self.organisation_ids):
            raise ValueError("organisation_ids lists an organisation twice")
        return self


class RiskEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    position: int
    category: Category
    description: str
    impact: Impact
    likelihood: Likelihood
    impact_after: Impact | None
    likelihood_after: Likelihood | None
    pre_rating: Rating = Field(description="The matrix before mitigation (CMP-109)")
    matrix_post_rating: Rating = Field(description="The matrix after mitigation")
    post_rating: Rating = Field(description="After mitigation and any CMP-110 downgrade")
    downgrade_factors: str | None
    downgrade_discussed_with: str | None
    cumulative_effect: str | None
    mitigation_outcome: MitigationOutcome | None
    mitigation_plan: str | None
    action_if_occurs: str
    who_to_contact: str | None
    mitigation_effect: str | None
    risk_to: RiskTo | None
    immediate: bool
    immediate_action: str | None
    terminal_illness: bool
    threat_of_harm: bool
    disclosure_decision: str | None
    disclosure_reason: str | None
    disclosure_before_decision: bool | None
    information_breach: bool
    unresolved_by_management: bool


class RiskAssessmentSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    number: int = Field(description="1 for the case's first assessment, then 2, 3, …")
    trigger: Trigger
    conflicts_of_interest_considered: bool
    organisation_ids: list[uuid.UUID]
    pre_rating: Rating = Field(description="The highest rating before mitigation (CMP-109)")
    highest_post_rating: Rating = Field(description="The highest rating after mitigation")
    cumulative_common_root: bool | None
    cumulative_raised: bool | None
    cumulative_reason: str | None
    uplift_floor: Rating | None = Field(description="CMP-102: the active uplifts' minimum")
    uplift_ids: list[uuid.UUID]
    generated_rating: Rating = Field(description="What the rules give, before any override")
    override_rating: Rating | None
    override_direction: OverrideDirection | None
    override_explanation: str | None
    override_approval_id: uuid.UUID | None
    rating: Rating = Field(description="The case's overall rating from this assessment")
    low_rationale: str | None
    monitoring_notes: str | None
    review_reason: ReviewReason | None
    mp_involved: bool
    earlier_cases_reviewed: bool | None
    earlier_service_complaint: bool
    others_informed: list[Informed]
    prompts: list[Prompt] = Field(description="What to consider (CMP-116, CMP-124, CMP-125)")
    high_risk_path: HighRiskPath = Field(
        description="escalation (CMP-113), people_mitigations (XC-RSK-005) or none"
    )
    prioritise_allocation: bool = Field(description="CMP-122: a terminally ill complainant")
    recorded_by: str
    recorded_at: datetime
    version: int


class RiskAssessmentRead(RiskAssessmentSummary):
    risks: list[RiskEntryRead]


class RiskAssessmentPage(Page[RiskAssessmentSummary]):
    pass


class CaseRiskRating(BaseModel):
    """CMP-101: the case's current rating, from its latest assessment."""

    case_id: uuid.UUID
    rating: Rating
    assessment_id: uuid.UUID
    number: int
    trigger: Trigger
    recorded_at: datetime
    overridden: bool
    uplift_floor: Rating | None
    high_risk_path: HighRiskPath = Field(
        description="escalation (CMP-113), people_mitigations (XC-RSK-005) or none"
    )
    prioritise_allocation: bool = Field(
        description="CMP-122 / XC-RSK-006 (¶10.48): a terminally ill complainant: consider "
        "prioritising the case for allocation"
    )
    under_oversight: bool = Field(
        description="CMP-115: the Ombudsman or a deputy holds oversight; the rating is locked"
    )


class OverrideRequestCreate(BaseModel):
    """CMP-112: ask a manager to raise or lower the generated rating, saying why."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rating": "high",
                    "explanation": "Four unlinked medium risks need separate management",
                }
            ]
        },
    )

    rating: Rating = Field(description="The rating the case should have")
    explanation: Reason


class OverrideDecision(BaseModel):
    """The manager's decision on an override request (its own act under the delegation scheme)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"approve": True, "reason": "Agreed at supervision"}]},
    )

    approve: StrictBool
    reason: Reason | None = None


class OverrideRequestRead(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    assessment_id: uuid.UUID
    rating: Rating
    direction: OverrideDirection
    explanation: str | None
    requested_by: str
    requested_at: datetime
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


class UpliftRating(StrEnum):
    """An uplift raises the rating: its minimum is medium or high."""

    medium = "medium"
    high = "high"


class UpliftCreate(BaseModel):
    """CMP-102: a minimum rating for an organisation's cases or a group of cases, for a period
    (¶10.6, ¶10.24)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scope": "organisation",
                    "organisation_id": "0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11",
                    "minimum_rating": "medium",
                    "starts_on": "2026-11-01",
                    "ends_on": "2027-01-31",
                    "reason": "National media interest in the trust's maternity services",
                }
            ],
            "allOf": [
                when(
                    "scope",
                    UpliftScope.organisation.value,
                    {
                        "allOf": [
                            given("organisation_id"),
                            {"properties": {"case_ids": {"maxItems": 0}}},
                        ]
                    },
                    {
                        "allOf": [
                            absent("organisation_id"),
                            given("case_ids"),
                            {"properties": {"case_ids": {"minItems": 1}}},
                        ]
                    },
                )
            ],
        },
    )

    scope: UpliftScope
    organisation_id: uuid.UUID | None = Field(default=None, description="For scope organisation")
    case_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=500,
        description="For scope case_group: the cases of the group",
        json_schema_extra={"uniqueItems": True},
    )
    minimum_rating: UpliftRating
    starts_on: IsoDate
    ends_on: IsoDate = Field(description="The last day it applies")
    reason: Reason

    @model_validator(mode="after")
    def _rules(self) -> UpliftCreate:
        if self.scope is UpliftScope.organisation:
            if self.organisation_id is None or self.case_ids:
                raise ValueError("An organisation uplift names the organisation and no cases")
        elif self.organisation_id is not None or not self.case_ids:
            raise ValueError("A case-group uplift lists its cases and no organisation")
        if len(set(self.case_ids)) != len(self.case_ids):
            raise ValueError("case_ids lists a case twice")
        # A rule JSON Schema cannot state: the same error type as the other reversed ranges.
        if self.ends_on < self.starts_on:
            raise PydanticCustomError("date_range_reversed", "ends_on is before starts_on")
        return self


class UpliftRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    scope: UpliftScope
    organisation_id: uuid.UUID | None
    case_ids: list[uuid.UUID]
    minimum_rating: Rating
    starts_on: date
    ends_on: date
    reason: str
    decided_by: str
    decided_at: datetime
    version: int


class UpliftPage(Page[UpliftRead]):
    pass


class QualifyingAssessment(BaseModel):
    """XC-RSK-001: whether the case has the assessment a transition needs."""

    case_id: uuid.UUID
    trigger: Trigger
    qualifying: bool
    assessment_id: uuid.UUID | None = Field(description="The latest qualifying assessment")
    recorded_at: datetime | None
    window_days: int = Field(description="Recorded on the same day or this many days before")
    create_path: str = Field(description="Where to record one: POST this path")

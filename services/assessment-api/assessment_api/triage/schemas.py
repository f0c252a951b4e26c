"""API models of ECT triage. Input models forbid extra fields; the score, injustice level and
outcome are never input: the service computes them (ASM-044…046)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from assessment_api.triage.models import ThresholdSetStatus
from assessment_api.triage.rules import (
    CRITERION_MAX,
    CRITERION_MIN,
    INJUSTICE_MAX,
    INJUSTICE_MIN,
    SCORE_MAX,
    SCORE_MIN,
    Criterion,
    MinimalInterventionCondition,
    PassOnTo,
    Question,
    TriageOutcome,
)
from shared.casework.communications import DocumentRef, Recipient
from shared.schemas import JSON_INTEGER, IsoDate, JsonInt, LongText, Reason

CriterionScore = Annotated[int, Field(ge=CRITERION_MIN, le=CRITERION_MAX), JSON_INTEGER]
InjusticeLevel = Annotated[int, Field(ge=INJUSTICE_MIN, le=INJUSTICE_MAX), JSON_INTEGER]


# ---------------------------------------------------------------------------------------------
# Threshold sets (ASM-046)
# ---------------------------------------------------------------------------------------------


class ThresholdSetCreate(BaseModel):
    """A new threshold set, for the Executive Team to approve (¶2.84)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "effective_from": "2027-01-04",
                    "decline_below": 9,
                    "rationale": "Demand exceeds capacity by about 20% this quarter; consider "
                    "cases scoring 9 or more.",
                }
            ]
        },
    )

    effective_from: IsoDate = Field(
        description="The first assessment date it applies to: no earlier than its approval, "
        "after every approved set"
    )
    decline_below: JsonInt = Field(
        ge=SCORE_MIN + 1, le=SCORE_MAX,
        description=f"A PVM score below this ({SCORE_MIN}–{SCORE_MAX}) is not taken further",
    )  # fmt: skip
    rationale: Reason = Field(description="The capacity and demand levels it reflects")


class ThresholdSetDecision(BaseModel):
    """The Executive Team's decision on a threshold set."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"approve": True, "reason": "Agreed at the Executive Team meeting."}]
        },
    )

    approve: StrictBool
    reason: Reason


class ThresholdSetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    effective_from: date
    decline_below: int
    rationale: str
    status: ThresholdSetStatus
    proposed_by: str
    proposed_at: datetime
    approval_id: uuid.UUID
    approved_by: str | None
    approved_at: datetime | None


class QuestionRead(BaseModel):
    """A §D.8 question, under the criterion it informs."""

    key: Question
    text: str
    criterion: Criterion


class TriageGuideRead(BaseModel):
    """The PVM as data: criteria, questions, scales and the minimal-intervention conditions."""

    criteria: list[Criterion]
    criterion_scale: list[int]
    injustice_scale: list[int]
    score_range: list[int]
    questions: list[QuestionRead]
    minimal_intervention_conditions: list[MinimalInterventionCondition]


# ---------------------------------------------------------------------------------------------
# PVM assessments (ASM-044…049)
# ---------------------------------------------------------------------------------------------


class ClaimedInjustice(BaseModel):
    """ASM-049: an injustice the complainant claims, placed on the Severity Scale (¶2.89)."""

    model_config = ConfigDict(extra="forbid")

    description: LongText = Field(description="As the complainant puts it (¶2.90); no names")
    level: InjusticeLevel = Field(description="Severity Scale of Injustice level 1–6 (G-06)")
    near_miss: StrictBool = Field(
        default=False,
        description="¶2.91: something serious could have happened but did not; the level is "
        "the distress it caused",
    )


class CriteriaScores(BaseModel):
    """ASM-044: the four criteria, each scored 0–3."""

    model_config = ConfigDict(extra="forbid")

    access_and_equality: CriterionScore
    continuing_impact: CriterionScore
    public_interest: CriterionScore
    systemic_risk: CriterionScore


class Answers(BaseModel):
    """§D.8 / ¶2.83: the caseworker's note on each question; all seven complete the triage
    section (ASM-050)."""

    model_config = ConfigDict(extra="forbid")

    access_and_engagement: LongText | None = None
    underrepresented_or_protected: LongText | None = None
    parliamentary_monitoring: LongText | None = None
    continuing_significant_impact: LongText | None = None
    wider_public_interest: LongText | None = None
    larger_scale_or_safety: LongText | None = None
    volume_and_recurrence: LongText | None = None


class PvmAssessmentCreate(BaseModel):
    """ASM-044…049: the PVM triage of a case at ECT triage."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "claimed_injustices": [
                        {"description": "Distress at a delayed diagnosis letter", "level": 2},
                        {"description": "Two wasted journeys to the clinic", "level": 1},
                    ],
                    "cumulative_note": "Together the delays added about a month of worry.",
                    "criteria": {
                        "access_and_equality": 1,
                        "continuing_impact": 0,
                        "public_interest": 1,
                        "systemic_risk": 0,
                    },
                    "answers": {
                        "access_and_engagement": "Engages well by email.",
                        "underrepresented_or_protected": "No indication.",
                        "parliamentary_monitoring": "Health body: not applicable.",
                        "continuing_significant_impact": "The impact has ended.",
                        "wider_public_interest": "None found.",
                        "larger_scale_or_safety": "None found.",
                        "volume_and_recurrence": "One similar case in the precedent check.",
                    },
                    "information_sources": "Complaint form, the trust's response, a precedent "
                    "check of similar cases.",
                    "minimal_intervention_considered": True,
                    "minimal_intervention_conditions": [],
                    "minimal_intervention_note": "The trust has not acknowledged a failing; a "
                    "few calls would not resolve it.",
                }
            ]
        },
    )

    claimed_injustices: list[ClaimedInjustice] = Field(
        min_length=1, max_length=20,
        description="ASM-045, ASM-049: the level is that of the most serious",
    )  # fmt: skip
    cumulative_note: LongText | None = Field(
        default=None, description="ASM-049: the cumulative effect, when more than one"
    )
    criteria: CriteriaScores
    answers: Answers = Field(default_factory=Answers)
    information_sources: Reason = Field(
        description="ASM-046 (¶2.82): complaint form, demographic data, own research, precedent "
        "check"
    )
    minimal_intervention_considered: StrictBool = Field(
        description="ASM-047 (¶2.85): considered whether minimal intervention could resolve it"
    )
    minimal_intervention_conditions: list[MinimalInterventionCondition] = Field(
        default_factory=list, max_length=3,
        description="§D.8: the conditions that hold; any makes minimal intervention possible",
    )  # fmt: skip
    minimal_intervention_note: LongText | None = None
    adjustment_considered: StrictBool = Field(
        default=False,
        description="ASM-048 (¶2.86): the complainant's requested reasonable adjustments "
        "considered, incl. whether a need stopped them explaining the complaint",
    )
    adjustment_explanation: LongText | None = Field(
        default=None, description="ASM-048 (¶2.87): how the consideration was adjusted"
    )


class PvmAssessmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    number: int
    assessed_on: date
    claimed_injustices: list[ClaimedInjustice]
    injustice_level: int = Field(description="ASM-045: the most serious claimed injustice")
    cumulative_note: str | None
    criteria: dict[Criterion, int]
    answers: dict[Question, str]
    information_sources: str
    score: int = Field(description="Computed: the injustice level plus the four criteria")
    threshold_set_id: uuid.UUID
    threshold_version: int
    decline_below: int
    outcome: TriageOutcome = Field(description="Computed against the set in force on assessed_on")
    section_complete: bool = Field(description="ASM-050: every §D.8 question answered")
    minimal_intervention_considered: bool
    minimal_intervention_conditions: list[MinimalInterventionCondition]
    minimal_intervention_note: str | None
    adjustment_considered: bool
    adjustment_explanation: str | None
    recorded_by: str
    recorded_at: datetime


# ---------------------------------------------------------------------------------------------
# Leaving triage (T17–T19)
# ---------------------------------------------------------------------------------------------


class ToldBy(StrEnum):
    """ASM-050 (¶2.92): how the complainant was told (usually by telephone)."""

    telephone = "telephone"
    letter = "letter"
    email = "email"


class TriageDeclineCreate(BaseModel):
    """T17: close as 'Triage - other reason to decline' (ASM-050)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rationale": "The PVM score is below the threshold in force and minimal "
                    "intervention could not resolve it.",
                    "complainant_told_by": "telephone",
                    "written_response_requested": False,
                    "mp_written_response": {"title": "Decision letter to the referring MP"},
                }
            ]
        },
    )

    rationale: Reason
    complainant_told_by: ToldBy
    written_response_requested: StrictBool = Field(
        default=False, description="ASM-050 (¶2.93): after a call, the complainant asked"
    )
    written_response: DocumentRef | None = Field(
        default=None, description="The written response to the complainant, when one is due"
    )
    mp_written_response: DocumentRef | None = Field(
        default=None, description="ASM-050 (¶2.93): required when an MP is involved"
    )
    copy_to_aggrieved: StrictBool | None = Field(
        default=None,
        description="ASM-174 (¶3.111): whether a separate aggrieved person (intake's party) gets "
        "a copy, decided case by case; required when intake has one (409 "
        "`decision-recipients-incomplete`); ignored otherwise",
    )


class TriageResolutionCreate(BaseModel):
    """T18: close as 'ECT triage - Resolution' (ASM-051)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rationale": "The trust agreed to apologise in writing; the complainant "
                    "agrees this resolves the complaint.",
                    "complainant_told_by": "telephone",
                }
            ]
        },
    )

    rationale: Reason = Field(description="What minimal intervention achieved (¶2.96)")
    complainant_told_by: ToldBy
    written_response_requested: StrictBool = Field(
        default=False,
        description="ASM-050 (¶2.93): after a call, the complainant asked for it in writing",
    )
    copy_to_aggrieved: StrictBool | None = Field(
        default=None,
        description="ASM-174 (¶3.111): whether a separate aggrieved person (intake's party) gets "
        "a copy, decided case by case; required when intake has one (409 "
        "`decision-recipients-incomplete`); ignored otherwise",
    )


class TriagePassOn(BaseModel):
    """T19: pass the case on to early consideration or the allocation queue."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"to": "awaiting_allocation", "reason": "Score supports further consideration."}
            ]
        },
    )

    to: PassOnTo
    reason: Reason


class TriageClosureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    closure_code: str
    pvm_assessment_id: uuid.UUID
    rationale: str
    complainant_told_by: str | None
    written_response_requested: bool
    written_response: DocumentRef | None
    mp_written_response: DocumentRef | None
    mp_involved: bool | None = Field(
        description="ASM-050: intake named an MP (asked at a decline only)"
    )
    adjustment_exists: bool | None = Field(
        description="ASM-048: intake had a requested or agreed adjustment (asked at a decline)"
    )
    risk_assessment_id: uuid.UUID
    decided_by: str
    decided_at: datetime


class TriageCommunicationRead(BaseModel):
    """A call or letter that issued the triage closure to one recipient (ASM-050, ASM-173,
    ASM-174): by intake's id; the address is intake's contact card's."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    triage_closure_id: uuid.UUID
    medium: str = Field(examples=["letter"])
    direction: str
    purpose: str = Field(description="The rule it follows")
    occurred_at: datetime
    recipients: list[Recipient]
    summary: str | None
    recorded_by: str


class TriageRead(BaseModel):
    """A case's triage: where the case is, its latest PVM assessment and its closure, if any."""

    case_id: uuid.UUID
    status: str
    version: int
    assessment: PvmAssessmentRead | None
    closure: TriageClosureRead | None
    communications: list[TriageCommunicationRead] = Field(
        default_factory=list,
        description="The closure's calls and letters to intake's parties (ASM-050, ASM-173)",
    )

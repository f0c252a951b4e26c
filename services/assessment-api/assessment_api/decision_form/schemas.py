"""API models of the Decision Form. The form's content is one structured document, saved whole
as a new version; closed lists are the enums of ``rules`` (requirements §D). Input models forbid
extra fields: a second decline reason, or a financial-evidence attachment (ASM-136), has nowhere
to go. Dates the rules compute (the time limit, whether the complaint came in time) are read,
never typed."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from assessment_api.cases.rules import Discretion, OtherReason
from assessment_api.decision_form.rules import (
    AlrFactor,
    ApprovalKind,
    CourtStage,
    DecisionOutcome,
    DeclineCode,
    DiscretionBasis,
    GateResult,
    GateTest,
    LegalRoute,
    MeasuredTo,
    OtherForumDecision,
    Remedied,
    RemitCategory,
    SupervisionPoint,
    TimeLimitDecision,
    TypedGate,
)
from shared.pagination import Page
from shared.schemas import PG_BIGINT_MAX, IsoDate, LongText, Reason, ShortText, given, when

_FORBID = ConfigDict(extra="forbid")
MAX_ITEMS = 50
# ASM-098: a requirement of the Service Model, as requirements.md numbers them.
REQUIREMENT_REF = r"^(INT|ASM|INV|CMP|XC-[A-Z]{2,3})-[0-9]{3}$"
RequirementRef = Annotated[str, StringConstraints(pattern=REQUIREMENT_REF, max_length=12)]


class RemitSection(BaseModel):
    """ASM-091, ASM-115 (¶2.200, ¶2.266): is the complaint in remit? Considered first."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                when("in_remit", True, {"properties": {"out_of_remit_category": {"type": "null"}}}),
                when("in_remit", False, given("out_of_remit_category")),
            ]
        },
    )

    in_remit: StrictBool
    out_of_remit_category: RemitCategory | None = Field(
        default=None, description="D.3, when not in remit (its jurisdiction must apply)"
    )
    note: LongText | None = None

    @model_validator(mode="after")
    def _category(self) -> RemitSection:
        if self.in_remit and self.out_of_remit_category is not None:
            raise ValueError("a complaint in remit has no out-of-remit category")
        if not self.in_remit and self.out_of_remit_category is None:
            raise ValueError("name the out-of-remit category (D.3)")
        return self


class SuitabilitySection(BaseModel):
    """ASM-091 (¶2.200): is the person bringing the complaint suitable to do so?"""

    model_config = _FORBID

    suitable: StrictBool
    note: LongText | None = None


class GateRecord(BaseModel):
    """ASM-092: a gate test's result. Remit, time limit and ALR come from their sections."""

    model_config = _FORBID

    test: TypedGate
    result: GateResult
    note: LongText | None = None


class ComplainantContact(BaseModel):
    """ASM-121 (¶2.281): the complainant spoken to, or tried, before the discretion decision."""

    model_config = _FORBID

    on: IsoDate
    channel: Literal["telephone", "letter", "email", "in_person"]
    outcome: Literal["spoke", "attempted"]


class DelayReason(BaseModel):
    """ASM-121 (¶2.279–2.282): one of the complainant's reasons for the delay, and how it was
    considered."""

    model_config = _FORBID

    reason: LongText
    assessment: LongText | None = None


class TimeLimitDiscretion(BaseModel):
    """ASM-121…124, ASM-127: whether to set the limit aside, on what basis, and why."""

    model_config = _FORBID

    basis: DiscretionBasis
    decision: TimeLimitDecision
    rationale: LongText = Field(description="This case's reasons; a stock phrase is refused")
    complainant_contact: ComplainantContact | None = None


class TimeLimitPart(BaseModel):
    """ASM-126 (¶2.293): a part of the complaint that is a separate complaint for the time
    limit, with its own awareness date and decision."""

    model_config = _FORBID

    label: ShortText = Field(description="The complaint component or issue the part is")
    awareness_date: IsoDate
    discretion: TimeLimitDiscretion | None = None


class PreviouslyPremature(BaseModel):
    """ASM-125 (¶2.292): the complaint was closed as premature before; the limit still runs from
    the awareness date, and whether we warned about it counts."""

    model_config = _FORBID

    earlier_case_reference: ShortText
    time_limit_warned: StrictBool


class TimeLimitSection(BaseModel):
    """ASM-118…127: the facts the time limit is computed from, and the discretion."""

    model_config = _FORBID

    awareness_date: IsoDate = Field(
        description="The day the aggrieved first became aware of a reason to complain (ASM-120)"
    )
    vpa_case: StrictBool = Field(
        default=False, description="A Victims and Prisoners Act case: measured to PHSO (¶2.275)"
    )
    complaint_to_mp_date: IsoDate | None = Field(
        default=None, description="Parliamentary (not VPA): the day the matter went to an MP"
    )
    delay_reasons: list[DelayReason] = Field(default_factory=list, max_length=MAX_ITEMS)
    discretion: TimeLimitDiscretion | None = None
    previously_premature: PreviouslyPremature | None = None
    parts: list[TimeLimitPart] = Field(default_factory=list, max_length=MAX_ITEMS)


class CourtProceedings(BaseModel):
    """ASM-130 (¶2.301–2.303): legal action the aggrieved took, and how far it got."""

    model_config = _FORBID

    stage: CourtStage
    stage_reached: LongText | None = None
    could_give_full_remedy: StrictBool | None = None
    outcomes_not_available: LongText | None = None


class AlrFactorRecord(BaseModel):
    """ASM-133 (D.10, ¶2.311): a factor weighed."""

    model_config = _FORBID

    factor: AlrFactor
    assessment: LongText


class FinancialPosition(BaseModel):
    """ASM-129, ASM-134, ASM-136: the amount sought and whether the complainant can afford legal
    action. The complainant's own account: no financial evidence is asked for (¶2.326)."""

    model_config = _FORBID

    amount_sought_pence: int | None = Field(default=None, ge=0, le=PG_BIGINT_MAX)
    above_usual: StrictBool = Field(description="More than we would usually recommend (¶2.313)")
    discussed_with_complainant: StrictBool = False
    can_afford: StrictBool | None = None
    reasons: LongText | None = None


class MixedOutcomes(BaseModel):
    """ASM-135 (¶2.319–2.322): some outcomes sought could be achieved in court, some not. The
    ALR is still considered, including whether any money sought is an amount we would likely
    recommend; what legal action would directly achieve; and, if the ALR is to be pursued
    first, the complainant is told they may come back with the outcomes a court did not give,
    and our time limit."""

    model_config = _FORBID

    achievable_in_court: LongText = Field(description="The outcomes legal action would achieve")
    not_achievable_in_court: LongText = Field(description="The outcomes it would not")
    directly_achieved: LongText | None = Field(
        default=None, description="What the complainant would achieve as a direct result (¶2.321)"
    )
    money_sought_considered: StrictBool = Field(
        default=False,
        description="Whether any money sought is an amount we would likely recommend (¶2.320)",
    )
    told_may_return: StrictBool = Field(
        default=False,
        description="Told they may come back with outcomes the courts do not give (¶2.322)",
    )
    time_limit_given: StrictBool = Field(
        default=False, description="Given the details of our time limit (¶2.322)"
    )


class AlrSection(BaseModel):
    """ASM-128…136: is or was there an alternative legal remedy, and is or was it reasonable to
    use it."""

    model_config = _FORBID

    exists: StrictBool
    routes: list[LegalRoute] = Field(default_factory=list, max_length=len(LegalRoute))
    other_route: ShortText | None = None
    court: CourtProceedings | None = None
    reasonable_to_use: StrictBool | None = None
    factors: list[AlrFactorRecord] = Field(default_factory=list, max_length=MAX_ITEMS)
    negligence_claim_pointed_out: StrictBool = False
    financial: FinancialPosition | None = None
    rationale: LongText | None = None
    mixed_outcomes: MixedOutcomes | None = None


class DeclineReason(BaseModel):
    """ASM-093 (¶2.203–2.204): the single reason to decline."""

    model_config = _FORBID

    closure_code: DeclineCode
    discretion: Discretion | None = None
    other_reason: OtherReason | None = None
    rationale: LongText
    general_over_specific_justification: LongText | None = None


class DecisionSection(BaseModel):
    """ASM-092, ASM-093: the decision the form records."""

    model_config = _FORBID

    outcome: DecisionOutcome
    decline_reason: DeclineReason | None = None


class Departure(BaseModel):
    """ASM-098 (¶2.211): a consequential departure from a requirement, and why."""

    model_config = _FORBID

    requirement_ref: RequirementRef = Field(examples=["ASM-101"])
    explanation: Reason


class MaterialEvidence(BaseModel):
    """ASM-170 (¶3.101): evidence relied on (or seen but not relied on, ¶8.54)."""

    model_config = _FORBID

    document_ref: ShortText
    description: ShortText
    relied_on: StrictBool = True


class PrecedentCheck(BaseModel):
    """ASM-114 (¶2.265): the search of the organisation's components over two years."""

    model_config = _FORBID

    carried_out_on: IsoDate
    findings: LongText


class WiderImportance(BaseModel):
    """ASM-094 (¶2.205)."""

    model_config = _FORBID

    possible: StrictBool
    discussed_with_manager_on: IsoDate | None = None
    note: LongText | None = None


class SupervisionNote(BaseModel):
    """ASM-095 (¶2.207): a Supervision Model point at which the form is treated as agreed."""

    model_config = _FORBID

    point: SupervisionPoint
    note: LongText | None = None


# --- Should we look into it? (guidance §3, ASM-138…141, ASM-157) ------------------------------


class OtherForum(BaseModel):
    """ASM-138 (¶3.1–3.2): another complaint handler could also look at the complaint; usually
    only one investigation takes place. Which body is better placed, and, when the caseworker
    was unsure, the discussion with that handler first."""

    model_config = _FORBID

    name: ShortText = Field(description="The other complaint handler")
    unsure: StrictBool = Field(
        default=False, description="Unsure which body is better placed (¶3.2: discuss first)"
    )
    discussed_at: IsoDate | None = Field(default=None, description="When it was discussed")
    decision: OtherForumDecision
    rationale: LongText = Field(description="Why that body is better placed to achieve the remedy")


class MaladministrationIndications(BaseModel):
    """ASM-139 (¶3.3–3.4): only indications at this stage: what should have happened, what did,
    and the gap; failings the organisation admitted; the standards considered."""

    model_config = _FORBID

    indicated: StrictBool = Field(description="Indications of maladministration or service failure")
    should_have_happened: LongText
    did_happen: LongText
    gap: LongText | None = None
    admitted_failings: LongText | None = Field(
        default=None, description="Failings the organisation has already admitted (¶3.4)"
    )
    standards_considered: LongText | None = Field(
        default=None, description="Relevant standards or guidelines considered (¶3.4)"
    )


class ComplexityBasis(BaseModel):
    """ASM-139, ASM-140 (¶3.5, ¶3.9): no view can be reached without substantial advice or
    disproportionate time, so the case is proposed on its size and complexity, with the audit
    trail of how that was decided."""

    model_config = _FORBID

    applies: StrictBool
    rationale: LongText


class InjusticeIndications(BaseModel):
    """ASM-140 (¶3.6–3.8): whether the failings could have caused an unremedied injustice (not
    proven), whether the injustice claimed likely resulted from them, what the organisation has
    already done, and whether we judge it remedied (guided, not led, by the outcome sought)."""

    model_config = _FORBID

    could_have_caused_injustice: StrictBool
    likely_caused_by_failings: StrictBool
    reasoning: LongText
    organisation_actions: LongText | None = Field(
        default=None, description="What the organisation has already done to put things right"
    )
    remedied: Remedied = Field(description="Our judgement, not the complainant's (¶3.8)")
    remedied_rationale: LongText
    outcome_sought_considered: StrictBool = Field(
        default=False, description="The outcome sought taken into account, not led by (¶3.8)"
    )


class Presumption(BaseModel):
    """ASM-157 (¶3.68–3.72): cases we are more likely to investigate. A health complaint with
    indications of potentially avoidable death is presumed investigated (¶3.69); avoidable serious
    harm and wider public interest make it more likely (¶3.70–3.71); declining any of them needs
    exceptional circumstances, recorded (¶3.69, ¶3.72)."""

    model_config = _FORBID

    potential_avoidable_death: StrictBool = False
    avoidable_serious_harm: StrictBool = False
    wider_public_interest: StrictBool = False
    exceptional_circumstances: LongText | None = Field(
        default=None, description="Why this case is an exception, when declining one of them"
    )


EXAMPLE: dict[str, Any] = {
    "remit": {"in_remit": True},
    "suitability": {"suitable": True},
    "analysis": "The trust's records show the referral was sent three weeks late.",
    "gate_results": [
        {"test": "properly_made", "result": "passed"},
        {"test": "premature", "result": "passed"},
    ],
    "time_limit": {"awareness_date": "2026-03-02"},
    "alr": {"exists": False},
    "material_evidence": [
        {"document_ref": "DOC-0001", "description": "Trust's final response", "relied_on": True}
    ],
    "duty_of_candour": False,
}


class FormContent(BaseModel):
    """The Decision Form's sections (requirements §0.3 ``DecisionForm``, §F.2). Every save sends
    the whole form; a section left out is not recorded yet."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    remit: RemitSection | None = None
    suitability: SuitabilitySection | None = None
    analysis: LongText | None = Field(default=None, description="ASM-090: before deciding")
    gate_results: list[GateRecord] = Field(default_factory=list, max_length=len(TypedGate))
    time_limit: TimeLimitSection | None = None
    alr: AlrSection | None = None
    decision: DecisionSection | None = None
    departures: list[Departure] = Field(default_factory=list, max_length=MAX_ITEMS)
    material_evidence: list[MaterialEvidence] = Field(default_factory=list, max_length=MAX_ITEMS)
    precedent_check: PrecedentCheck | None = None
    duty_of_candour: StrictBool = Field(default=False, description="ASM-097 (¶2.209)")
    wider_importance: WiderImportance | None = None
    supervised: StrictBool = Field(
        default=False, description="ASM-095: under the Supervision Model"
    )
    supervision_points: list[SupervisionNote] = Field(
        default_factory=list, max_length=len(SupervisionPoint)
    )
    other_forum: OtherForum | None = Field(default=None, description="ASM-138")
    maladministration: MaladministrationIndications | None = Field(
        default=None, description="ASM-139"
    )
    injustice: InjusticeIndications | None = Field(default=None, description="ASM-140")
    propose_due_to_complexity: ComplexityBasis | None = Field(
        default=None, description="ASM-139, ASM-140 (¶3.5, ¶3.9)"
    )
    presumption: Presumption | None = Field(default=None, description="ASM-157")


class DecisionFormSave(FormContent):
    """A save of the whole form, as a new version."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    reason: Reason | None = Field(default=None, description="Why it changed (audited)")


# --- Reads ------------------------------------------------------------------------------------


class DecisionFormProblemRead(BaseModel):
    requirement: str
    field: str
    detail: str
    awaits_approval: ApprovalKind | None = None


class TimeLimitRead(BaseModel):
    """Computed (ASM-119, ASM-123): never typed."""

    limit_date: date
    measured_to: MeasuredTo
    measured_on: date | None
    in_time: bool | None
    covid_window_eligible: bool


class PartTimeLimitRead(TimeLimitRead):
    label: str


class ReadinessRead(BaseModel):
    """What is missing before a decline, a proposal and a resolution (empty: ready)."""

    before_decline: list[DecisionFormProblemRead]
    before_proposal: list[DecisionFormProblemRead]
    before_resolution: list[DecisionFormProblemRead]


class DecisionFormApprovalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    level: str
    rule: str
    form_version: int
    requested_by: str
    requested_at: datetime
    request_reason: str | None
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    current: bool = Field(
        default=False,
        description="Agreed to the time-limit decision the form records now (a later change "
        "to it needs a new agreement)",
    )


class DecisionFormRead(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    version: int
    content: FormContent
    saved_by: str
    saved_at: datetime
    time_limit: TimeLimitRead | None
    time_limit_parts: list[PartTimeLimitRead]
    gates: dict[GateTest, GateResult | None]
    readiness: ReadinessRead
    approvals: list[DecisionFormApprovalRead]


class VersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    content: FormContent
    saved_by: str
    saved_at: datetime
    reason: str | None


class VersionPage(Page[VersionRead]):
    pass


class ApprovalCreate(BaseModel):
    """Ask an Assistant Director to agree the time-limit decision the form records."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "time_limit_exceptional_circumstances",
                    "reason": "The complainant was abroad caring for a dying parent throughout.",
                }
            ]
        },
    )

    kind: ApprovalKind
    reason: Reason


class ApprovalDecide(BaseModel):
    """The Assistant Director's decision, with reasons (¶2.288, ¶2.291)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"approve": True, "reason": "Exceptional: the delay was not hers."}]
        },
    )

    approve: StrictBool
    reason: Reason

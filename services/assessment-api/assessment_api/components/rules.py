"""Pure rules of the complaint summary, complaint components and organisation decisions at
further consideration (guidance ¶2.227–2.245, ¶2.265–2.271, ¶2.293, ¶3.119–3.124; ASM-105…108,
ASM-114, ASM-116, ASM-117, ASM-126, ASM-176). No I/O: tested without a database; the closed
lists are data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from assessment_api.cases.rules import (
    OTHER_REASON_TO_DECLINE,
    DeclineProblem,
    Discretion,
    OtherReason,
    decline_problems,
)


class ComponentArea(StrEnum):
    """ASM-108 (¶2.236–2.242): the heading a component is recorded under ("pick the most
    relevant" drop-down value). The guidance names no drop-down list; these are the areas its
    own examples use: clinical care and treatment (¶7.63), diagnosis (¶2.238 misdiagnosis),
    communication (¶2.238 a receptionist's rudeness), nursing care (¶7.59), complaint handling
    (¶2.236, ¶2.293, ¶7.63), commissioning and funding (¶2.162), Continuing Healthcare
    (¶2.170), an Individual Funding Request (¶2.178), hospital discharge (D.5), delay (¶5.9),
    and a named person (¶7.59: a component may be a named person); 'other' for the rest."""

    clinical_care_and_treatment = "clinical care and treatment"
    diagnosis = "diagnosis"
    communication = "communication"
    nursing_care = "nursing care"
    complaint_handling = "complaint handling"
    commissioning_and_funding = "commissioning and funding"
    continuing_healthcare = "continuing healthcare"
    individual_funding_request = "individual funding request"
    hospital_discharge = "hospital discharge"
    delay = "delay"
    named_person = "named person"
    other = "other"


class ComponentDecision(StrEnum):
    """ASM-108 (¶2.244): the decision recorded against one component at further consideration:
    proposed for investigation, declined with its closure code, resolved (¶3.120), closed as
    premature (¶2.267–2.271) or as out of time on its own time-limit decision (¶2.293)."""

    propose = "propose to investigate"
    decline = "decline"
    resolved = "resolved"
    premature = "premature"
    out_of_time = "out of time"


RESOLUTION = "resolution"
PROPOSE_TO_INVESTIGATE = "propose to investigate"
OUT_OF_TIME = "out of time"
# ¶2.267–2.271: the premature closure codes (D.1).
PREMATURE_CODES = frozenset({"premature", "Premature: local resolution ongoing"})


class PrematureFactor(StrEnum):
    """ASM-116, the ¶2.268 points weighed before closing a component as premature (D.13)."""

    organisation_can_do_more = "organisation can do more (e.g. a local resolution meeting)"
    relationship_broken_down = "relationship between complainant and organisation broken down"
    too_small_to_send_back = "too small in scale to send back"
    events_old_evidence_at_risk = "events long ago, evidence at risk"
    multiple_opportunities = "organisation already had several opportunities"
    better_closure_reason = "a more appropriate closure reason (e.g. ALR)"


class TimeLimitOutcome(StrEnum):
    """ASM-126 (¶2.293): a component's own time-limit decision, where it is a separate
    complaint for the time limit."""

    in_time = "in time"
    set_aside = "out of time, limit set aside"
    not_set_aside = "out of time, limit not set aside"


class Problem(StrEnum):
    """What is wrong with a component's decision; each names its requirement in ``REQUIREMENT``."""

    rationale_required = "rationale_required"
    material_evidence_required = "material_evidence_required"
    closure_code_required = "closure_code_required"
    closure_code_not_applicable = "closure_code_not_applicable"
    closure_code_not_premature = "closure_code_not_premature"
    closure_code_not_a_decline = "closure_code_not_a_decline"
    premature_factors_not_weighed = "premature_factors_not_weighed"
    organisation_agreement_required = "organisation_agreement_required"
    time_limit_not_told = "time_limit_not_told"
    time_limit_decision_required = "time_limit_decision_required"
    premature_fields_not_applicable = "premature_fields_not_applicable"
    unknown_code = DeclineProblem.unknown_code.value
    discretion_required = DeclineProblem.discretion_required.value
    discretion_not_applicable = DeclineProblem.discretion_not_applicable.value
    other_reason_required = DeclineProblem.other_reason_required.value
    other_reason_not_applicable = DeclineProblem.other_reason_not_applicable.value


REQUIREMENT: dict[Problem, str] = {
    Problem.rationale_required: "ASM-108",
    Problem.material_evidence_required: "ASM-108",
    Problem.closure_code_required: "ASM-108",
    Problem.closure_code_not_applicable: "ASM-108",
    Problem.closure_code_not_premature: "ASM-116",
    Problem.closure_code_not_a_decline: "ASM-108",
    Problem.premature_factors_not_weighed: "ASM-116",
    Problem.organisation_agreement_required: "ASM-116",
    Problem.time_limit_not_told: "ASM-117",
    Problem.time_limit_decision_required: "ASM-126",
    Problem.premature_fields_not_applicable: "ASM-116",
    Problem.unknown_code: "ASM-093",
    Problem.discretion_required: "ASM-093",
    Problem.discretion_not_applicable: "ASM-093",
    Problem.other_reason_required: "ASM-093",
    Problem.other_reason_not_applicable: "ASM-093",
}


@dataclass(frozen=True)
class DecisionInput:
    """A component's decision as recorded (the API's fields, plain values)."""

    decision: ComponentDecision
    closure_code: str | None = None
    discretion: Discretion | None = None
    other_reason: OtherReason | None = None
    rationale: str | None = None
    material_evidence: Sequence[str] = ()
    premature_factors: Iterable[PrematureFactor] = ()
    sent_back_to_organisation: bool = False
    organisation_agreed_to_respond: bool = False
    complainant_told_time_limit: bool = False
    time_limit_outcome: TimeLimitOutcome | None = None


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def decision_problems(d: DecisionInput) -> list[Problem]:
    """What is wrong with one component's decision, or nothing.

    ASM-108 (¶2.243): a component not investigated keeps why (a rationale) and the material
    evidence used. A decline's code is a decline code with the discretion and D.11 reason the
    decline rules need (ASM-093); a premature one is a premature code, weighs every ¶2.268 point
    (ASM-116), has the organisation's agreement to respond before the complainant is sent back
    (¶2.270) and tells the complainant the time limit (ASM-117, ¶2.271); an out-of-time one rests
    on the component's own time-limit decision, not set aside (ASM-126, ¶2.293). Proposed and
    resolved components carry no closure code ('resolution' is theirs, ¶3.120).
    """
    problems: list[Problem] = []
    investigated = d.decision is ComponentDecision.propose
    if not investigated and _blank(d.rationale):
        problems.append(Problem.rationale_required)
    if not investigated and not [e for e in d.material_evidence if not _blank(e)]:
        problems.append(Problem.material_evidence_required)
    premature = d.decision is ComponentDecision.premature
    if not premature and (
        d.sent_back_to_organisation
        or d.organisation_agreed_to_respond
        or d.complainant_told_time_limit
        or any(True for _ in d.premature_factors)
    ):
        problems.append(Problem.premature_fields_not_applicable)
    if d.decision in (ComponentDecision.propose, ComponentDecision.resolved):
        if d.closure_code is not None or d.discretion is not None or d.other_reason is not None:
            problems.append(Problem.closure_code_not_applicable)
        return problems
    if d.closure_code is None:
        problems.append(Problem.closure_code_required)
        return problems
    if premature and d.closure_code not in PREMATURE_CODES:
        problems.append(Problem.closure_code_not_premature)
    if d.decision is ComponentDecision.out_of_time and d.closure_code != OUT_OF_TIME:
        problems.append(Problem.closure_code_not_a_decline)
    if d.decision is ComponentDecision.decline and (
        d.closure_code in PREMATURE_CODES or d.closure_code == OUT_OF_TIME
    ):
        problems.append(Problem.closure_code_not_a_decline)
    problems.extend(
        Problem(p.value) for p in decline_problems(d.closure_code, d.discretion, d.other_reason)
    )
    if premature:
        if set(d.premature_factors) != set(PrematureFactor):
            problems.append(Problem.premature_factors_not_weighed)
        if d.sent_back_to_organisation and not d.organisation_agreed_to_respond:
            problems.append(Problem.organisation_agreement_required)
        if not d.complainant_told_time_limit:
            problems.append(Problem.time_limit_not_told)
    if d.decision is ComponentDecision.out_of_time and (
        d.time_limit_outcome is not TimeLimitOutcome.not_set_aside
    ):
        problems.append(Problem.time_limit_decision_required)
    return problems


def component_code(decision: ComponentDecision | None, closure_code: str | None) -> str | None:
    """The code a decided component was closed with, as ¶3.120–3.124 weigh them: 'propose to
    investigate', 'resolution', or its closure code. None while undecided."""
    if decision is None:
        return None
    if decision is ComponentDecision.propose:
        return PROPOSE_TO_INVESTIGATE
    if decision is ComponentDecision.resolved:
        return RESOLUTION
    return closure_code


class OrganisationDecisionProblem(StrEnum):
    no_components = "no_components"
    component_undecided = "component_undecided"
    main_reason_required = "main_reason_required"
    main_reason_not_a_component_code = "main_reason_not_a_component_code"


@dataclass(frozen=True)
class Derived:
    """ASM-176: the organisation decision the components make, or why none can be recorded."""

    decision: str | None
    problems: tuple[OrganisationDecisionProblem, ...] = ()


def organisation_decision(codes: Sequence[str | None], main_reason: str | None) -> Derived:
    """ASM-176 (¶3.119–3.124) for one organisation, from its components' codes (None: not
    decided yet) and the caseworker's main reason.

    Only once every component has a decision (¶3.119). Any component proposed: 'propose to
    investigate', forced (¶3.122: we are not closing the case, so ¶3.120 does not apply).
    Else any resolved: 'resolution' (¶3.120). Else the code of the main reason for not pursuing
    the complaint against the organisation (¶3.121), which the caseworker picks among its
    components' codes (one code: that one).
    """
    if not codes:
        return Derived(None, (OrganisationDecisionProblem.no_components,))
    if any(c is None for c in codes):
        return Derived(None, (OrganisationDecisionProblem.component_undecided,))
    if PROPOSE_TO_INVESTIGATE in codes:
        return Derived(PROPOSE_TO_INVESTIGATE)
    if RESOLUTION in codes:
        return Derived(RESOLUTION)
    distinct = sorted({c for c in codes if c is not None})
    if main_reason is None:
        if len(distinct) == 1:
            return Derived(distinct[0])
        return Derived(None, (OrganisationDecisionProblem.main_reason_required,))
    if main_reason not in distinct:
        return Derived(None, (OrganisationDecisionProblem.main_reason_not_a_component_code,))
    return Derived(main_reason)


def decision_consistent(recorded: str, codes: Sequence[str | None]) -> bool:
    """ASM-176: a recorded organisation decision is what its components make: the forced
    'propose to investigate' or 'resolution', else one of its components' codes."""
    derived = organisation_decision(codes, recorded)
    return derived.decision == recorded


def closure_code_gap(closure_code: str | None, codes: Sequence[str | None]) -> bool:
    """ASM-176 (¶3.124): the case's overall closure code is chosen considering how most
    components were closed: a gap when it is none of the components' codes."""
    return closure_code is None or closure_code not in {c for c in codes if c is not None}


def nothing_left_gap(closure_code: str | None, other_reason: str | None) -> bool:
    """ASM-106 (¶2.233): no part of the complaint continues after the summary discussion: the
    case closes as 'other reason to decline', for the D.11 reason 'nothing left after agreeing
    the summary'. A gap when a decline says otherwise (``other_reason`` None: not known)."""
    if closure_code != OTHER_REASON_TO_DECLINE:
        return True
    return other_reason is not None and other_reason != OtherReason.nothing_left_after_summary


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def precedent_since(today: date) -> date:
    """ASM-114 (¶2.265): precedent checks look back over the past two years: the first day
    included."""
    return _add_years(today, -2)


def issues_without_component(issues: Iterable[str], covered: Iterable[str]) -> list[str]:
    """ASM-105 (¶2.232): the summary's issues are added as complaint components; the issues
    no component covers (compared without case), in the summary's order."""
    have = {c.casefold() for c in covered}
    return [i for i in issues if i.casefold() not in have]


def duplicate_issues(issues: Iterable[str]) -> list[str]:
    """The issues given twice (compared without case), once each."""
    seen: set[str] = set()
    dup: list[str] = []
    for issue in issues:
        key = issue.casefold()
        if key in seen and issue not in dup:
            dup.append(issue)
        seen.add(key)
    return dup

"""The pure rules of ECT triage with the Public Value Model (guidance ¶2.77–2.96; requirements
ASM-044…051, §D.8, §B.3 T17–T19). No I/O: tested without a database.

The guidance does not name the PVM's "four distinct criteria" nor give the scale or the
thresholds (G-04): they are the Executive Team's to set (¶2.84). Here the four criteria group
the seven §D.8 questions (¶2.83), each scored 0–3; the injustice level score (¶2.81) is the
Severity Scale level 1–6 (G-06) of the most serious claimed injustice (¶2.88). The PVM score is
the injustice level plus the four criteria (1–18), compared with the threshold set in force on
the assessment date (ASM-046): below ``decline_below`` the case is not taken further.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Question(StrEnum):
    """§D.8 / ¶2.83: the questions the caseworker considers as part of the criteria."""

    access_and_engagement = "access_and_engagement"
    underrepresented_or_protected = "underrepresented_or_protected"
    parliamentary_monitoring = "parliamentary_monitoring"
    continuing_significant_impact = "continuing_significant_impact"
    wider_public_interest = "wider_public_interest"
    larger_scale_or_safety = "larger_scale_or_safety"
    volume_and_recurrence = "volume_and_recurrence"


QUESTION_TEXT: Mapping[Question, str] = {
    Question.access_and_engagement: (
        "the complainant's ability to access our service and engage with us"
    ),
    Question.underrepresented_or_protected: (
        "whether they are from an underrepresented group or community or their complaint "
        "relates to a protected characteristic"
    ),
    Question.parliamentary_monitoring: (
        "the case relates to a parliamentary organisation and therefore we need to undertake "
        "closer levels of monitoring to identify systemic issues or ensure we consider a "
        "representative number of cases"
    ),
    Question.continuing_significant_impact: (
        "whether the injustice is continuing to cause a significant impact"
    ),
    Question.wider_public_interest: (
        "any wider interest indicating the public want us to consider this issue"
    ),
    Question.larger_scale_or_safety: (
        "any external factors that indicate a larger scale problem or safety issue"
    ),
    Question.volume_and_recurrence: (
        "the number of complaints we have received about the issue, the likelihood it will "
        "recur, or that we understand are occurring in the wider system"
    ),
}


class Criterion(StrEnum):
    """The PVM's four scored criteria (¶2.78; unnamed in the guidance, G-04)."""

    access_and_equality = "access_and_equality"
    continuing_impact = "continuing_impact"
    public_interest = "public_interest"
    systemic_risk = "systemic_risk"


CRITERION_QUESTIONS: Mapping[Criterion, tuple[Question, ...]] = {
    Criterion.access_and_equality: (
        Question.access_and_engagement,
        Question.underrepresented_or_protected,
    ),
    Criterion.continuing_impact: (Question.continuing_significant_impact,),
    Criterion.public_interest: (
        Question.parliamentary_monitoring,
        Question.wider_public_interest,
    ),
    Criterion.systemic_risk: (Question.larger_scale_or_safety, Question.volume_and_recurrence),
}

CRITERION_MIN, CRITERION_MAX = 0, 3
INJUSTICE_MIN, INJUSTICE_MAX = 1, 6  # the Severity Scale of Injustice levels (G-06)
SCORE_MIN = INJUSTICE_MIN + CRITERION_MIN * len(Criterion)
SCORE_MAX = INJUSTICE_MAX + CRITERION_MAX * len(Criterion)


class MinimalInterventionCondition(StrEnum):
    """§D.8 / ¶2.85: when minimal intervention could resolve a case."""

    few_calls_or_contacts = "few_calls_or_contacts"
    simple_outcome_linked = "simple_outcome_linked"
    organisation_acknowledged_failing = "organisation_acknowledged_failing"


class TriageOutcome(StrEnum):
    """ASM-044: the triage outcome, computed, never typed."""

    decline = "decline"
    consider_further = "consider_further"
    resolve_minimal_intervention = "resolve_minimal_intervention"


class PassOnTo(StrEnum):
    """T19: where a case the PVM supports goes next (¶2.80, ¶2.84)."""

    early_consideration = "early_consideration"
    awaiting_allocation = "awaiting_allocation"


# ¶2.94 and ¶2.96: the closure codes of ECT triage, as the guidance writes them (D.1 11, 12).
TRIAGE_DECLINE_CODE = "Triage - other reason to decline"
TRIAGE_RESOLUTION_CODE = "ECT triage - Resolution"


@dataclass(frozen=True)
class ThresholdBand:
    """One threshold set's effective date and score, as the rules need them."""

    version: int
    effective_from: date
    decline_below: int


def injustice_level(levels: Iterable[int]) -> int:
    """ASM-049 (¶2.88): the most serious claimed injustice gives the level."""
    found = list(levels)
    if not found:
        raise ValueError("at least one claimed injustice is needed (ASM-045)")
    return max(found)


def cumulative_note_required(levels: Sequence[int]) -> bool:
    """ASM-049 (¶2.88): with more than one claimed injustice, their cumulative effect is
    taken into account, so the caseworker notes it."""
    return len(levels) > 1


def pvm_score(level: int, criteria: Mapping[Criterion, int]) -> int:
    """The PVM score: the injustice level plus the four criteria (ASM-044, ASM-045)."""
    if set(criteria) != set(Criterion):
        raise ValueError("all four criteria are scored (ASM-044)")
    if not INJUSTICE_MIN <= level <= INJUSTICE_MAX:
        raise ValueError("the injustice level is 1 to 6")
    for value in criteria.values():
        if not CRITERION_MIN <= value <= CRITERION_MAX:
            raise ValueError("a criterion is scored 0 to 3")
    return level + sum(criteria.values())


def in_force(sets: Iterable[ThresholdBand], on: date) -> ThresholdBand | None:
    """ASM-046: the approved set in force on ``on``: the latest effective on or before it."""
    candidates = [s for s in sets if s.effective_from <= on]
    if not candidates:
        return None
    return max(candidates, key=lambda s: s.effective_from)


def effective_from_problem(
    effective_from: date, *, approved_on: date, approved: Iterable[ThresholdBand]
) -> str | None:
    """ASM-046: why a set cannot take effect from ``effective_from``, or None.

    A new set changes only later assessments: it takes effect no earlier than the day it is
    approved, and after every set already approved (so two sets never cover one day)."""
    if effective_from < approved_on:
        return "a threshold set cannot take effect before the day it is approved"
    latest = max((s.effective_from for s in approved), default=None)
    if latest is not None and effective_from <= latest:
        return "a threshold set takes effect after the latest approved set"
    return None


def outcome(
    score: int, decline_below: int, *, minimal_intervention_possible: bool
) -> TriageOutcome:
    """ASM-046, ASM-047, ASM-051: below the threshold the case is not taken further, unless
    minimal intervention could resolve it (¶2.85, ¶2.95); at or above it, considered further."""
    if score >= decline_below:
        return TriageOutcome.consider_further
    if minimal_intervention_possible:
        return TriageOutcome.resolve_minimal_intervention
    return TriageOutcome.decline


class DeclineProblem(StrEnum):
    """Why a triage decline (T17) cannot be made yet."""

    score_supports_further_consideration = "score_supports_further_consideration"
    minimal_intervention_not_considered = "minimal_intervention_not_considered"
    triage_section_incomplete = "triage_section_incomplete"
    reasonable_adjustment_not_considered = "reasonable_adjustment_not_considered"
    mp_written_response_missing = "mp_written_response_missing"
    written_response_missing = "written_response_missing"


def section_complete(answered: Iterable[str]) -> bool:
    """ASM-050 (¶2.92): the triage section is complete when every §D.8 question is answered."""
    return {q.value for q in Question} <= set(answered)


def decline_problems(
    *,
    outcome: TriageOutcome,
    minimal_intervention_considered: bool,
    answered: Iterable[str],
    adjustment_exists: bool,
    adjustment_considered: bool,
    mp_involved: bool,
    mp_written_response: bool,
    written_response_requested: bool,
    written_response: bool,
) -> list[DeclineProblem]:
    """T17: what stands between the triage and 'Triage - other reason to decline', or nothing.

    ASM-046 the PVM score is below the threshold (a case minimal intervention did not resolve
    may be closed now too, ¶2.96); ASM-047 minimal intervention considered; ASM-050 the
    triage section complete, a written response to any MP, and to the complainant when they ask
    for one; ASM-048 a requested or agreed reasonable adjustment considered."""
    problems: list[DeclineProblem] = []
    if outcome is TriageOutcome.consider_further:
        problems.append(DeclineProblem.score_supports_further_consideration)
    if not minimal_intervention_considered:
        problems.append(DeclineProblem.minimal_intervention_not_considered)
    if not section_complete(answered):
        problems.append(DeclineProblem.triage_section_incomplete)
    if adjustment_exists and not adjustment_considered:
        problems.append(DeclineProblem.reasonable_adjustment_not_considered)
    if mp_involved and not mp_written_response:
        problems.append(DeclineProblem.mp_written_response_missing)
    if written_response_requested and not written_response:
        problems.append(DeclineProblem.written_response_missing)
    return problems


def pass_on_problem(outcome: TriageOutcome, to: PassOnTo) -> str | None:
    """T19: where the outcome lets the case go, or why not. A minimal-intervention case goes to
    early consideration (¶2.95), and one it did not resolve may need more work (¶2.96)."""
    if outcome is TriageOutcome.decline:
        return "the PVM score does not support further consideration (T19)"
    if (
        outcome is TriageOutcome.resolve_minimal_intervention
        and to is not PassOnTo.early_consideration
    ):
        return "minimal intervention is taken under the early consideration guidance (¶2.95)"
    return None


def resolution_allowed(outcome: TriageOutcome) -> bool:
    """T18 (¶2.95–2.96): 'ECT triage - Resolution' closes a case minimal intervention resolved."""
    return outcome is TriageOutcome.resolve_minimal_intervention


class InputProblem(StrEnum):
    """Why a PVM assessment cannot be recorded as given."""

    cumulative_note_required = "cumulative_note_required"
    minimal_intervention_note_required = "minimal_intervention_note_required"
    conditions_without_consideration = "conditions_without_consideration"
    adjustment_explanation_required = "adjustment_explanation_required"


def input_problems(
    *,
    levels: Sequence[int],
    cumulative_note: str | None,
    minimal_intervention_considered: bool,
    conditions: Sequence[str],
    minimal_intervention_note: str | None,
    adjustment_considered: bool,
    adjustment_explanation: str | None,
) -> list[InputProblem]:
    """ASM-049 a cumulative note with several injustices; ASM-047 minimal intervention
    considered with a note, and its conditions only when considered; ASM-048 (¶2.87) how the
    consideration was adjusted, when an adjustment was considered."""
    problems: list[InputProblem] = []
    if cumulative_note_required(levels) and not cumulative_note:
        problems.append(InputProblem.cumulative_note_required)
    if minimal_intervention_considered and not minimal_intervention_note:
        problems.append(InputProblem.minimal_intervention_note_required)
    if conditions and not minimal_intervention_considered:
        problems.append(InputProblem.conditions_without_consideration)
    if adjustment_considered and not adjustment_explanation:
        problems.append(InputProblem.adjustment_explanation_required)
    return problems

"""The pure rules of ECT triage (assessment_api.triage.rules), without a database. The
guidance's values are stated here as literals (requirements ASM-044…051, §D.8, §B.3 T17–T19),
never imported from the module under test."""

from __future__ import annotations

from datetime import date

import pytest

from assessment_api.triage import rules
from assessment_api.triage.rules import (
    Criterion,
    DeclineProblem,
    InputProblem,
    PassOnTo,
    ThresholdBand,
    TriageOutcome,
)


def _s(value: str) -> str:
    """A new string object, as JSON and PostgreSQL give them (not an interned literal)."""
    return "".join(list(value))


def test_four_scored_criteria__ASM_044() -> None:
    assert len(list(Criterion)) == 4
    assert {c.value for c in Criterion} == {
        "access_and_equality", "continuing_impact", "public_interest", "systemic_risk",
    }  # fmt: skip


def test_the_seven_d8_questions_each_inform_one_criterion__ASM_046_D8() -> None:
    keys = [q for qs in rules.CRITERION_QUESTIONS.values() for q in qs]
    assert sorted(k.value for k in keys) == sorted(
        [
            "access_and_engagement",
            "underrepresented_or_protected",
            "parliamentary_monitoring",
            "continuing_significant_impact",
            "wider_public_interest",
            "larger_scale_or_safety",
            "volume_and_recurrence",
        ]
    )
    assert len(set(keys)) == 7
    assert (
        "protected characteristic"
        in rules.QUESTION_TEXT[rules.Question("underrepresented_or_protected")]
    )


def test_minimal_intervention_conditions_are_the_three_of_d8__ASM_047() -> None:
    assert {c.value for c in rules.MinimalInterventionCondition} == {
        "few_calls_or_contacts", "simple_outcome_linked", "organisation_acknowledged_failing",
    }  # fmt: skip


def test_closure_codes_as_the_guidance_writes_them__ASM_050_ASM_051() -> None:
    assert rules.TRIAGE_DECLINE_CODE == "Triage - other reason to decline"
    assert rules.TRIAGE_RESOLUTION_CODE == "ECT triage - Resolution"


@pytest.mark.parametrize(
    ("levels", "level"),
    [([1], 1), ([2, 5, 3], 5), ([6, 1], 6), ([4, 4], 4), ([1, 1, 2], 2)],
)
def test_the_most_serious_claimed_injustice_gives_the_level__ASM_049(
    levels: list[int], level: int
) -> None:
    assert rules.injustice_level(levels) == level


def test_an_injustice_level_needs_a_claimed_injustice__ASM_045() -> None:
    with pytest.raises(ValueError, match="ASM-045"):
        rules.injustice_level([])


@pytest.mark.parametrize(("levels", "required"), [([3], False), ([3, 1], True), ([1, 1, 1], True)])
def test_several_injustices_need_a_cumulative_note__ASM_049(
    levels: list[int], required: bool
) -> None:
    assert rules.cumulative_note_required(levels) is required


def _criteria(a: int, b: int, c: int, d: int) -> dict[Criterion, int]:
    return {
        Criterion(_s("access_and_equality")): a,
        Criterion(_s("continuing_impact")): b,
        Criterion(_s("public_interest")): c,
        Criterion(_s("systemic_risk")): d,
    }


@pytest.mark.parametrize(
    ("level", "scores", "total"),
    [
        (1, (0, 0, 0, 0), 1),
        (6, (3, 3, 3, 3), 18),
        (3, (1, 2, 0, 3), 9),
        (2, (0, 0, 0, 1), 3),
    ],
)
def test_the_score_is_the_level_plus_the_four_criteria__ASM_044_ASM_045(
    level: int, scores: tuple[int, int, int, int], total: int
) -> None:
    assert rules.pvm_score(level, _criteria(*scores)) == total
    assert (rules.SCORE_MIN, rules.SCORE_MAX) == (1, 18)


@pytest.mark.parametrize(
    ("level", "scores"),
    [(0, (0, 0, 0, 0)), (7, (0, 0, 0, 0)), (1, (4, 0, 0, 0)), (1, (0, 0, 0, -1))],
)
def test_out_of_range_scores_are_refused__ASM_044(
    level: int, scores: tuple[int, int, int, int]
) -> None:
    with pytest.raises(ValueError, match=r"0 to 3|1 to 6"):
        rules.pvm_score(level, _criteria(*scores))


def test_all_four_criteria_are_scored__ASM_044() -> None:
    three = _criteria(1, 1, 1, 1)
    del three[Criterion.systemic_risk]
    with pytest.raises(ValueError, match="ASM-044"):
        rules.pvm_score(2, three)


# The boundary: a score exactly at the threshold is considered further (ASM-046).
@pytest.mark.parametrize(
    ("score", "decline_below", "possible", "expected"),
    [
        (9, 9, False, "consider_further"),
        (8, 9, False, "decline"),
        (10, 9, False, "consider_further"),
        (8, 9, True, "resolve_minimal_intervention"),
        (9, 9, True, "consider_further"),
        (1, 2, False, "decline"),
        (18, 18, False, "consider_further"),
        (17, 18, True, "resolve_minimal_intervention"),
    ],
)
def test_outcome_against_the_threshold__ASM_046_ASM_047_ASM_051(
    score: int, decline_below: int, possible: bool, expected: str
) -> None:
    assert rules.outcome(
        score, decline_below, minimal_intervention_possible=possible
    ) == TriageOutcome(_s(expected))


SETS = [
    ThresholdBand(1, date(2026, 1, 5), 8),
    ThresholdBand(2, date(2026, 7, 1), 10),
    ThresholdBand(3, date(2027, 1, 4), 6),
]


@pytest.mark.parametrize(
    ("on", "version"),
    [
        (date(2026, 1, 4), None),
        (date(2026, 1, 5), 1),
        (date(2026, 6, 30), 1),
        (date(2026, 7, 1), 2),
        (date(2027, 1, 3), 2),
        (date(2027, 1, 4), 3),
        (date(2030, 1, 1), 3),
    ],
)
def test_the_set_in_force_on_the_assessment_date__ASM_046(on: date, version: int | None) -> None:
    found = rules.in_force(list(reversed(SETS)), on)
    assert (found.version if found else None) == version


@pytest.mark.parametrize(
    ("effective_from", "approved_on", "ok"),
    [
        (date(2027, 1, 5), date(2027, 1, 5), True),  # from the approval day
        (date(2027, 1, 4), date(2027, 1, 5), False),  # backdated: would change past ones
        (date(2027, 1, 4), date(2026, 12, 1), False),  # the latest set's own day: overlap
        (date(2027, 1, 3), date(2026, 12, 1), False),  # before the latest set
        (date(2027, 1, 5), date(2026, 12, 1), True),
    ],
)
def test_a_new_set_changes_only_later_assessments__ASM_046(
    effective_from: date, approved_on: date, ok: bool
) -> None:
    problem = rules.effective_from_problem(effective_from, approved_on=approved_on, approved=SETS)
    assert (problem is None) is ok


def test_the_first_set_needs_only_its_approval_day__ASM_046() -> None:
    assert (
        rules.effective_from_problem(date(2026, 5, 1), approved_on=date(2026, 5, 1), approved=[])
        is None
    )
    assert (
        rules.effective_from_problem(date(2026, 4, 30), approved_on=date(2026, 5, 1), approved=[])
        is not None
    )


ALL_ANSWERED = [
    _s("access_and_engagement"),
    _s("underrepresented_or_protected"),
    _s("parliamentary_monitoring"),
    _s("continuing_significant_impact"),
    _s("wider_public_interest"),
    _s("larger_scale_or_safety"),
    _s("volume_and_recurrence"),
]


def test_the_triage_section_is_complete_with_all_seven_answers__ASM_050() -> None:
    assert rules.section_complete(ALL_ANSWERED)
    for missing in ALL_ANSWERED:
        assert not rules.section_complete([a for a in ALL_ANSWERED if a != missing])
    assert rules.section_complete([*ALL_ANSWERED, _s("something_else")])


OK = {
    "outcome": TriageOutcome.decline,
    "minimal_intervention_considered": True,
    "answered": ALL_ANSWERED,
    "adjustment_exists": False,
    "adjustment_considered": False,
    "mp_involved": False,
    "mp_written_response": False,
    "written_response_requested": False,
    "written_response": False,
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"outcome": TriageOutcome.consider_further}, "score_supports_further_consideration"),
        ({"minimal_intervention_considered": False}, "minimal_intervention_not_considered"),
        ({"answered": ALL_ANSWERED[:6]}, "triage_section_incomplete"),
        ({"adjustment_exists": True}, "reasonable_adjustment_not_considered"),
        ({"mp_involved": True}, "mp_written_response_missing"),
        ({"written_response_requested": True}, "written_response_missing"),
    ],
)
def test_what_a_triage_decline_needs__T17_ASM_046_ASM_047_ASM_048_ASM_050(
    change: dict[str, object], problem: str
) -> None:
    assert rules.decline_problems(**OK) == []  # type: ignore[arg-type]
    assert rules.decline_problems(**(OK | change)) == [DeclineProblem(_s(problem))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change",
    [
        {"outcome": TriageOutcome.resolve_minimal_intervention},  # ¶2.96: not resolved, closed now
        {"adjustment_exists": True, "adjustment_considered": True},
        {"mp_involved": True, "mp_written_response": True},
        {"written_response_requested": True, "written_response": True},
        {"written_response": True},
    ],
)
def test_a_decline_with_what_it_needs_has_no_problem__T17_ASM_048_ASM_050(
    change: dict[str, object],
) -> None:
    assert rules.decline_problems(**(OK | change)) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("outcome", "to", "ok"),
    [
        ("consider_further", "early_consideration", True),
        ("consider_further", "awaiting_allocation", True),
        ("resolve_minimal_intervention", "early_consideration", True),
        ("resolve_minimal_intervention", "awaiting_allocation", False),
        ("decline", "early_consideration", False),
        ("decline", "awaiting_allocation", False),
    ],
)
def test_pass_on_where_the_score_supports_it__T19_ASM_051(outcome: str, to: str, ok: bool) -> None:
    assert (rules.pass_on_problem(TriageOutcome(_s(outcome)), PassOnTo(_s(to))) is None) is ok


@pytest.mark.parametrize(
    ("outcome", "ok"),
    [("resolve_minimal_intervention", True), ("decline", False), ("consider_further", False)],
)
def test_resolution_only_where_minimal_intervention_could_resolve__T18_ASM_051(
    outcome: str, ok: bool
) -> None:
    assert rules.resolution_allowed(TriageOutcome(_s(outcome))) is ok


BASE = {
    "levels": [3],
    "cumulative_note": None,
    "minimal_intervention_considered": True,
    "conditions": [],
    "minimal_intervention_note": "Considered; the trust denies any failing.",
    "adjustment_considered": False,
    "adjustment_explanation": None,
}


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        ({}, []),
        ({"levels": [3, 2]}, ["cumulative_note_required"]),
        ({"levels": [3, 2], "cumulative_note": "Together, months of worry."}, []),
        ({"minimal_intervention_note": None}, ["minimal_intervention_note_required"]),
        (
            {"minimal_intervention_considered": False, "minimal_intervention_note": None,
             "conditions": ["few_calls_or_contacts"]},
            ["conditions_without_consideration"],
        ),
        ({"minimal_intervention_considered": False, "minimal_intervention_note": None}, []),
        ({"adjustment_considered": True}, ["adjustment_explanation_required"]),
        ({"adjustment_considered": True, "adjustment_explanation": "Phoned first."}, []),
    ],
)  # fmt: skip
def test_what_a_pvm_assessment_needs__ASM_047_ASM_048_ASM_049(
    change: dict[str, object], problems: list[str]
) -> None:
    assert rules.input_problems(**(BASE | change)) == [InputProblem(p) for p in problems]  # type: ignore[arg-type]

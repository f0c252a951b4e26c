"""The allocation rules as a table, without a database (ASM-085, CMP-114, CMP-128, XC-RSK-006).

Categories are the guidance's literals (§D.4, INT-023), fed as JSON gives them."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import date

import pytest

from assessment_api.allocations import rules
from shared.staff import DeclaredConflict, StaffMember

CASE = uuid.UUID("11111111-1111-4111-8111-111111111111")
ORG = uuid.UUID("22222222-2222-4222-8222-222222222222")
COMPLEX_TEAMS = frozenset({"complex-1"})


def cat(value: str) -> str:
    return str(json.loads(json.dumps(value)))


def staff(
    grade: str = "caseworker",
    team: str | None = "general-1",
    *,
    available: bool = True,
    active: bool = True,
    conflicts: tuple[DeclaredConflict, ...] = (),
) -> StaffMember:
    return StaffMember(
        staff_id="s-1",
        display_name="Test",
        grade=grade,
        team=team,
        available=available,
        active=active,
        conflicts=conflicts,
    )


def codes(member: StaffMember, category: str, rating: str | None = None) -> list[str]:
    return [
        r.code
        for r in rules.refusals(
            member,
            case_id=CASE,
            organisation_ids=[ORG],
            category=cat(category),
            rating=rating,
            complex_teams=COMPLEX_TEAMS,
        )
    ]


@pytest.mark.parametrize(
    ("grade", "team", "category", "expected"),
    [
        ("caseworker", "general-1", "general", []),
        ("caseworker", "general-1", "senior caseworker", ["category-mismatch"]),
        ("caseworker", "general-1", "complex & significant", ["category-mismatch"]),
        ("senior_caseworker", "general-1", "senior caseworker", []),
        ("senior_caseworker", "general-1", "complex & significant", ["category-mismatch"]),
        ("senior_caseworker", "complex-1", "complex & significant", []),
        ("caseworker", "complex-1", "complex & significant", []),
        ("senior_caseworker", None, "general", []),
        ("caseworker", None, "complex & significant", ["category-mismatch"]),
        ("caseworker", "general-1", "early consideration", ["category-mismatch"]),
        ("operations_manager", "complex-1", "general", ["not-a-caseworker"]),
        ("intake_caseworker", "general-1", "general", ["not-a-caseworker"]),
        ("deputy_ombudsman", None, "general", ["not-a-caseworker"]),
    ],
)
def test_category_matches_grade_and_team__ASM_085(
    grade: str, team: str | None, category: str, expected: list[str]
) -> None:
    assert codes(staff(grade, team), category) == expected


@pytest.mark.parametrize(
    ("grade", "rating", "expected"),
    [
        ("caseworker", "high", ["high-risk-needs-senior-caseworker"]),
        ("caseworker", "medium", []),
        ("caseworker", "low", []),
        ("caseworker", None, []),
        ("senior_caseworker", "high", []),
    ],
)
def test_high_risk_only_to_a_senior_caseworker__CMP_114(
    grade: str, rating: str | None, expected: list[str]
) -> None:
    assert codes(staff(grade), "general", rating=cat(rating) if rating else None) == expected


def test_high_risk_refusal_names_its_rule__CMP_114() -> None:
    [r] = rules.refusals(
        staff(), case_id=CASE, organisation_ids=[], category="general", rating="high",
        complex_teams=COMPLEX_TEAMS,
    )  # fmt: skip
    assert (r.rule, r.code) == ("CMP-114", "high-risk-needs-senior-caseworker")


@pytest.mark.parametrize(
    ("conflict", "expected"),
    [
        (DeclaredConflict(case_id=CASE, declared_on=date(2026, 1, 1)), ["declared-conflict"]),
        (
            DeclaredConflict(organisation_id=ORG, declared_on=date(2026, 1, 1)),
            ["declared-conflict"],
        ),
        (DeclaredConflict(case_id=uuid.uuid4(), declared_on=date(2026, 1, 1)), []),
        (DeclaredConflict(organisation_id=uuid.uuid4(), declared_on=date(2026, 1, 1)), []),
    ],
)
def test_declared_conflicts_refuse_allocation__CMP_128(
    conflict: DeclaredConflict, expected: list[str]
) -> None:
    assert codes(staff(conflicts=(conflict,)), "general") == expected


def test_unavailable_or_inactive_are_refused__ASM_085() -> None:
    assert codes(staff(available=False), "general") == ["staff-unavailable"]
    assert codes(staff(active=False), "general") == ["staff-inactive"]
    assert codes(staff(available=False, active=False), "general") == [
        "staff-inactive",
        "staff-unavailable",
    ]


def test_every_reason_is_given_at_once() -> None:
    member = staff(
        "caseworker",
        available=False,
        conflicts=(DeclaredConflict(case_id=CASE, declared_on=date(2026, 1, 1)),),
    )
    assert codes(member, "senior caseworker", rating="high") == [
        "staff-unavailable",
        "category-mismatch",
        "high-risk-needs-senior-caseworker",
        "declared-conflict",
    ]


@pytest.mark.parametrize(
    ("grade", "team", "expected"),
    [
        ("caseworker", "general-1", {"general"}),
        ("senior_caseworker", "general-1", {"general", "senior caseworker"}),
        (
            "senior_caseworker",
            "complex-1",
            {"general", "senior caseworker", "complex & significant"},
        ),
        ("caseworker", "complex-1", {"general", "complex & significant"}),
        ("caseworker", None, {"general"}),
        ("operations_manager", "complex-1", set()),
    ],
)
def test_categories_a_caller_may_take__ASM_085(
    grade: str, team: str | None, expected: set[str]
) -> None:
    assert rules.categories_for(staff(grade, team), complex_teams=COMPLEX_TEAMS) == expected


def test_terminal_illness_sorts_first__XC_RSK_006() -> None:
    assert rules.terminal_rank(True) == 0
    assert rules.terminal_rank(False) == 1


def test_the_explanation_names_why__XC_RSK_006() -> None:
    text = rules.why_next(
        terminal_illness=True, priority=cat("high"), received_date=date(2026, 10, 1),
        category="general", skipped_high_risk=2,
    )  # fmt: skip
    assert "terminal illness" in text
    assert "special handling" in text
    assert "2026-10-01" in text
    assert "2 case(s) before it are high risk" in text
    plain = rules.why_next(
        terminal_illness=False, priority="standard", received_date=date(2026, 10, 1),
        category="general", skipped_high_risk=0,
    )  # fmt: skip
    assert "terminal" not in plain
    assert "special handling" not in plain
    assert "high risk" not in plain


def test_standard_priority_is_not_called_special_handling() -> None:
    text = rules.why_next(
        terminal_illness=False, priority=cat("standard"), received_date=date(2026, 10, 1),
        category="general", skipped_high_risk=0,
    )  # fmt: skip
    assert "special handling" not in text


def test_a_refusal_cannot_be_altered() -> None:
    [r] = rules.refusals(
        staff(available=False), case_id=CASE, organisation_ids=[], category="general",
        rating=None, complex_teams=COMPLEX_TEAMS,
    )  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.code = "other"  # type: ignore[misc]

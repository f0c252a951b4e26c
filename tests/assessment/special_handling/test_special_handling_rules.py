"""The pure rules of special handling (ASM-168 linked to lead, ASM-169 exceptional
prioritisation), without a database; the guidance's values as literals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assessment_api.cases.rules import OtherReason
from assessment_api.special_handling.rules import discussion_problems, lead_gaps

OTHER = "other reason to decline"
LINKED = OtherReason("linked to lead")


def _gaps(**overrides: object) -> list[str]:
    values: dict[str, object] = {
        "proposing": False,
        "closure_code": OTHER,
        "linked": True,
        "form_other_reason": LINKED,
    }
    gaps = lead_gaps(**(values | overrides))  # type: ignore[arg-type]
    assert all(requirement == "ASM-168" for requirement, _ in gaps)
    return [detail for _, detail in gaps]


def test_a_linked_case_declined_as_other_reason_explained_on_the_form_is_ready__ASM_168() -> None:
    assert _gaps() == []


def test_a_decline_the_form_says_is_linked_to_lead_needs_the_link__ASM_168() -> None:
    (gap,) = _gaps(linked=False)
    assert "connect the case to its lead case" in gap


def test_a_linked_case_is_declined_as_other_reason_to_decline__ASM_168() -> None:
    (gap,) = _gaps(closure_code="Three-year rule")
    assert "'other reason to decline'" in gap
    (gap,) = _gaps(closure_code=None)
    assert "'other reason to decline'" in gap


def test_a_linked_case_is_explained_as_linked_on_the_decision_form__ASM_168() -> None:
    (gap,) = _gaps(form_other_reason=OtherReason("outcome not achievable"))
    assert "Decision Form" in gap
    (gap,) = _gaps(form_other_reason=None)
    assert "Decision Form" in gap
    assert len(_gaps(closure_code="premature", form_other_reason=None)) == 2


def test_an_unlinked_case_with_another_reason_has_no_gap__ASM_168() -> None:
    assert _gaps(linked=False, form_other_reason=None) == []
    assert _gaps(linked=False, form_other_reason=OtherReason("outcome not achievable")) == []
    assert _gaps(linked=False, closure_code="premature", form_other_reason=None) == []


@pytest.mark.parametrize("code", ["general discretion - resolution", "premature - resolution"])
def test_a_linked_case_resolved_is_not_held_to_the_decline_code__ASM_168(code: str) -> None:
    assert _gaps(closure_code=code, form_other_reason=None) == []


def test_a_linked_case_is_not_proposed__ASM_168() -> None:
    (gap,) = _gaps(proposing=True, closure_code=None)
    assert "declined, not proposed" in gap
    assert _gaps(proposing=True, closure_code=None, linked=False) == []


AT = datetime(2026, 11, 2, 10, tzinfo=UTC)


def _discussion(**overrides: object) -> list[str]:
    values: dict[str, object] = {
        "manager_id": "om-1",
        "actor": "cw-1",
        "manager_grade": "operations_manager",
        "manager_active": True,
        "discussed_at": AT - timedelta(hours=1),
        "at": AT,
    }
    return [p.value for p in discussion_problems(**(values | overrides))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "grade",
    ["operations_manager", "assistant_director", "director", "deputy_ombudsman", "ombudsman"],
)
def test_a_discussion_with_a_line_manager_first_is_sound__ASM_169(grade: str) -> None:
    assert _discussion(manager_grade=grade) == []
    assert _discussion(manager_grade=grade, discussed_at=AT) == []


@pytest.mark.parametrize(
    ("overrides", "problems"),
    [
        ({"manager_id": "cw-1"}, ["manager_is_caseworker"]),
        ({"manager_grade": None, "manager_active": False}, ["manager_unknown"]),
        ({"manager_active": False}, ["manager_inactive"]),
        ({"manager_grade": "caseworker"}, ["not_a_manager"]),
        ({"manager_grade": "senior_caseworker"}, ["not_a_manager"]),
        ({"manager_grade": "intake_caseworker"}, ["not_a_manager"]),
        ({"discussed_at": AT + timedelta(seconds=1)}, ["discussed_after_recording"]),
    ],
)
def test_prioritisation_needs_a_line_manager_discussion_first__ASM_169(
    overrides: dict[str, object], problems: list[str]
) -> None:
    assert _discussion(**overrides) == problems

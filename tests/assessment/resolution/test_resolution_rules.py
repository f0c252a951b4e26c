"""The pure rules of resolution at further consideration (ASM-153, ASM-154; T33, T34), without a
database. Values are the guidance's, written here as literals."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from assessment_api.resolution.models import FcResolutionRequest
from assessment_api.resolution.rules import (
    AgreementProblem,
    Component,
    RequestProblem,
    agreement_problems,
    closure_code,
    request_problems,
)
from assessment_api.resolution.state import (
    RequestStatus,
    RequestTransitionNotAllowed,
    transition,
)

ORG = uuid.UUID("0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11")
OTHER = uuid.UUID("9e4f1a2b-6c3d-4e8f-a1b2-3c4d5e6f7a33")
TODAY = date(2026, 11, 2)


def _request(**overrides: object) -> list[RequestProblem]:
    values: dict[str, object] = {
        "complainant_told": True,
        "organisations_told": True,
        "actions": ["financial_redress"],
        "organisation_ids": [ORG],
        "case_organisation_ids": [ORG, OTHER],
        "due_date": date(2026, 12, 1),
        "today": TODAY,
    }
    return request_problems(**(values | overrides))  # type: ignore[arg-type]


def test_a_request_told_to_both_sides_is_sound__ASM_154() -> None:
    assert _request() == []
    assert _request(due_date=None) == []
    assert _request(due_date=TODAY, organisation_ids=[ORG, OTHER]) == []


@pytest.mark.parametrize(
    ("overrides", "problems"),
    [
        ({"complainant_told": False}, ["complainant_not_told_not_recommendations"]),
        ({"organisations_told": False}, ["organisation_not_told_not_recommendations"]),
        (
            {"complainant_told": False, "organisations_told": False},
            [
                "complainant_not_told_not_recommendations",
                "organisation_not_told_not_recommendations",
            ],
        ),
    ],
)
def test_both_sides_are_told_these_are_not_recommendations__ASM_154(
    overrides: dict[str, object], problems: list[str]
) -> None:
    assert [p.value for p in _request(**overrides)] == problems


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"actions": ["financial_redress", "financial_redress"]}, "duplicate_action"),
        ({"organisation_ids": [ORG, ORG]}, "duplicate_organisation"),
        ({"organisation_ids": [uuid.uuid4()]}, "organisation_not_on_case"),
        ({"case_organisation_ids": []}, "organisation_not_on_case"),
        ({"due_date": date(2026, 11, 1)}, "due_date_in_past"),
    ],
)
def test_a_request_names_the_cases_organisations_once__ASM_154(
    overrides: dict[str, object], problem: str
) -> None:
    assert [p.value for p in _request(**overrides)] == [problem]


RESOLVED = Component(significant=False, resolved=True)
UNRESOLVED = Component(significant=False, resolved=False)
SIGNIFICANT_RESOLVED = Component(significant=True, resolved=True)


@pytest.mark.parametrize(
    ("components", "resolved"),
    [
        ([RESOLVED, RESOLVED, UNRESOLVED], True),  # most issues (¶3.62)
        ([RESOLVED, UNRESOLVED], False),  # half is not most
        ([SIGNIFICANT_RESOLVED, UNRESOLVED, UNRESOLVED], True),  # the significant issue
        ([Component(significant=True, resolved=False), RESOLVED, UNRESOLVED], False),
        ([], False),
    ],
)
def test_overall_resolution_needs_most_issues_or_the_significant_one__ASM_153(
    components: list[Component], resolved: bool
) -> None:
    problems = agreement_problems(
        organisation_already_acting=False, components=components, due_date=None, today=TODAY
    )
    assert (problems == []) is resolved
    if not resolved:
        assert problems == [AgreementProblem.not_resolved_overall]


def test_action_the_organisation_was_already_taking_is_not_a_resolution__ASM_153() -> None:
    # ¶3.61: "If an organisation was already taking the action required … this is not a
    # resolution."
    problems = agreement_problems(
        organisation_already_acting=True, components=[RESOLVED], due_date=None, today=TODAY
    )
    assert [p.value for p in problems] == ["organisation_action_does_not_count"]


def test_the_agreed_date_is_not_in_the_past__ASM_154() -> None:
    problems = agreement_problems(
        organisation_already_acting=False,
        components=[RESOLVED],
        due_date=date(2026, 11, 1),
        today=TODAY,
    )
    assert [p.value for p in problems] == ["due_date_in_past"]
    assert (
        agreement_problems(
            organisation_already_acting=False, components=[RESOLVED], due_date=TODAY, today=TODAY
        )
        == []
    )


@pytest.mark.parametrize(
    ("complete", "properly_made", "code"),
    [
        (True, True, "general discretion - resolution"),
        (False, True, "premature - resolution"),
        (True, False, "premature - resolution"),
        (False, False, "premature - resolution"),
    ],
)
def test_the_closure_code_is_the_resolution_code_by_readiness__ASM_153_ASM_070(
    complete: bool, properly_made: bool, code: str
) -> None:
    assert closure_code(complaints_process_complete=complete, properly_made=properly_made) == code


def _row(status: str = "requested") -> FcResolutionRequest:
    return FcResolutionRequest(status=RequestStatus(status))


@pytest.mark.parametrize("to", ["agreed", "refused"])
def test_a_request_is_answered_once__T33_T34(to: str) -> None:
    at = datetime(2026, 11, 2, 10, tzinfo=UTC)
    row = _row()
    transition(row, RequestStatus(to), at=at)
    assert (row.status, row.answer_recorded_at) == (to, at)
    for again in ("agreed", "refused", "requested"):
        with pytest.raises(RequestTransitionNotAllowed):
            transition(row, RequestStatus(again), at=at)


def test_a_request_cannot_go_back_to_requested__T33() -> None:
    with pytest.raises(RequestTransitionNotAllowed):
        transition(_row(), RequestStatus.requested, at=datetime(2026, 11, 2, tzinfo=UTC))

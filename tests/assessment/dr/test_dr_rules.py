"""Dispute Resolution's pure rules (ASM-061…065, §B.3 T26–T30), without a database. Values are
the guidance's, written here as literals (¶2.115–2.131)."""

from __future__ import annotations

import pytest

from assessment_api.cases.state import CaseStatus
from assessment_api.dr.rules import (
    ConferenceMode,
    ConferenceOutcome,
    DrParty,
    conference_problems,
    consents_outstanding,
    review_eligible,
    status_after_conference,
    status_on_withdrawal,
    unwilling_parties,
)


def _s(value: str) -> str:
    """A new string object, as JSON and PostgreSQL give it (not an interned literal)."""
    return "".join(list(value))


@pytest.mark.parametrize(
    ("complainant", "organisation", "expected"),
    [
        (True, True, []),
        (False, True, ["complainant"]),
        (True, False, ["organisation"]),
        (False, False, ["complainant", "organisation"]),
    ],
)
def test_both_parties_must_be_willing__T26_ASM_062(
    complainant: bool, organisation: bool, expected: list[str]
) -> None:
    got = unwilling_parties(complainant_willing=complainant, organisation_willing=organisation)
    assert [p.value for p in got] == expected


@pytest.mark.parametrize(
    ("complainant", "organisation", "expected"),
    [
        (True, True, []),
        (False, True, ["complainant"]),
        (True, False, ["organisation"]),
        (False, False, ["complainant", "organisation"]),
    ],
)
def test_transfer_waits_for_both_consents__T27_ASM_062(
    complainant: bool, organisation: bool, expected: list[str]
) -> None:
    got = consents_outstanding(complainant_returned=complainant, organisation_returned=organisation)
    assert [p.value for p in got] == expected


def test_conference_modes_are_the_three_of_the_guidance__ASM_063() -> None:
    # ¶2.125: "either in person, by teleconference or videoconference".
    assert {m.value for m in ConferenceMode} == {"in_person", "teleconference", "videoconference"}
    assert ConferenceMode(_s("videoconference")) is ConferenceMode.videoconference


ONE = ["The trust apologises in writing."]


@pytest.mark.parametrize(
    ("outcome", "by_c", "by_o", "agreed", "components", "expected"),
    [
        ("agreed", True, True, ONE, 0, []),
        ("agreed", False, True, ONE, 0, ["not_agreed_by_complainant"]),
        ("agreed", True, False, ONE, 0, ["not_agreed_by_organisation"]),
        (
            "agreed",
            False,
            False,
            ONE,
            0,
            ["not_agreed_by_complainant", "not_agreed_by_organisation"],
        ),
        ("agreed", True, True, [], 0, ["agreed_outcomes_required"]),
        ("agreed", True, True, ONE, 1, ["mediated_components_not_applicable"]),
        ("partly_agreed", True, True, ONE, 1, []),
        ("partly_agreed", True, True, ONE, 0, ["mediated_components_required"]),
        ("partly_agreed", True, False, ONE, 2, ["not_agreed_by_organisation"]),
        (
            "partly_agreed",
            False,
            True,
            [],
            2,
            ["not_agreed_by_complainant", "agreed_outcomes_required"],
        ),
        ("not_agreed", False, False, [], 0, []),
        # No agreement reached: whether either side "agreed" to nothing is immaterial.
        ("not_agreed", True, True, [], 0, []),
        ("not_agreed", False, False, ONE, 0, ["agreed_outcomes_not_applicable"]),
        ("not_agreed", False, False, [], 1, ["mediated_components_not_applicable"]),
    ],
)
def test_any_outcome_is_agreed_by_both_parties__ASM_063_ASM_065(
    outcome: str,
    by_c: bool,
    by_o: bool,
    agreed: list[str],
    components: int,
    expected: list[str],
) -> None:
    got = conference_problems(
        ConferenceOutcome(_s(outcome)),
        agreed_by_complainant=by_c,
        agreed_by_organisation=by_o,
        agreed_outcomes=agreed,
        mediated_components=components,
    )
    assert [p.value for p in got] == expected


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("agreed", "closed"),  # T29
        ("partly_agreed", "further_consideration"),  # T30
        ("not_agreed", "further_consideration"),  # T30
    ],
)
def test_agreement_closes_else_further_consideration__T29_T30(outcome: str, status: str) -> None:
    assert status_after_conference(ConferenceOutcome(_s(outcome))).value == status


@pytest.mark.parametrize(
    ("prior", "back"),
    [
        ("early_consideration", "early_consideration"),
        ("further_consideration", "further_consideration"),
        (None, "awaiting_allocation"),  # T15: intake allocated it to DR
        ("closed", "awaiting_allocation"),
    ],
)
def test_withdrawal_returns_the_case_where_it_was__T28(prior: str | None, back: str) -> None:
    got = status_on_withdrawal(CaseStatus(_s(prior)) if prior else None)
    assert got.value == back


@pytest.mark.parametrize(
    ("closure_code", "eligible"),
    [
        ("DR resolution agreement", False),  # ¶2.119: we made no decision
        ("other reason to decline", True),
        ("general discretion - resolution", True),
        ("Three-year rule", True),
        (None, False),  # not closed: nothing to review
    ],
)
def test_no_review_of_a_dr_resolution_agreement__ASM_061(
    closure_code: str | None, eligible: bool
) -> None:
    assert review_eligible(_s(closure_code) if closure_code else None) is eligible


def test_the_two_parties__ASM_062() -> None:
    assert [p.value for p in DrParty] == ["complainant", "organisation"]

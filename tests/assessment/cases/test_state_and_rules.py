"""The lifecycle's guard and ASM-093's single reason, without a database. Values are the
guidance's, written out here (requirements §B.3, §D.1, §D.3, §D.11), not read from the code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from assessment_api.cases.models import Case
from assessment_api.cases.rules import DeclineProblem, Discretion, OtherReason, decline_problems
from assessment_api.cases.state import (
    CaseStatus,
    CaseTransitionNotAllowed,
    RiskClearanceMissing,
    guard_trigger,
    opening_status,
    transition,
)
from shared.casework.risk_guard import GuardTrigger, RiskClearance

AT = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


def _case(status: CaseStatus) -> Case:
    return Case(id=uuid.uuid4(), status=status, version=1)


def _clearance(case: Case, trigger: GuardTrigger) -> RiskClearance:
    return RiskClearance(
        case_id=case.id, trigger=trigger, assessment_id=uuid.uuid4(), recorded_at=AT,
        checked_at=AT,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "to", "code"),
    [
        (CaseStatus.further_consideration, CaseStatus.closed, "other reason to decline"),  # T32
        (CaseStatus.further_consideration, CaseStatus.proposed_to_investigate, None),  # T35
        (CaseStatus.ect_triage, CaseStatus.closed, "Triage - other reason to decline"),  # T17
        (CaseStatus.early_consideration, CaseStatus.closed, "general discretion - resolution"),
        (CaseStatus.resolution_requested, CaseStatus.closed, "resolution"),  # T33
        (CaseStatus.proposed_to_investigate, CaseStatus.closed, "other reason to decline"),  # T37
    ],
)
def test_every_way_into_a_decision_needs_the_guards_clearance__XC_RSK_001(
    start: CaseStatus, to: CaseStatus, code: str | None
) -> None:
    """The guard holds on any route reaching the state: transition() refuses without it."""
    case = _case(start)
    with pytest.raises(RiskClearanceMissing):
        transition(case, to, at=AT, closure_code=code)
    assert case.status is start
    trigger = (
        GuardTrigger.propose if to is CaseStatus.proposed_to_investigate else GuardTrigger.decline
    )
    wrong = GuardTrigger.decline if trigger is GuardTrigger.propose else GuardTrigger.propose
    with pytest.raises(RiskClearanceMissing):  # the other decision's assessment (ASM-177)
        transition(case, to, at=AT, closure_code=code, clearance=_clearance(case, wrong))
    with pytest.raises(RiskClearanceMissing):  # another case's clearance
        transition(case, to, at=AT, closure_code=code, clearance=_clearance(_case(start), trigger))
    transition(case, to, at=AT, closure_code=code, clearance=_clearance(case, trigger))
    assert (case.status, case.status_changed_at, case.closure_code) == (to, AT, code)


@pytest.mark.parametrize(
    "start", [CaseStatus.early_consideration, CaseStatus.further_consideration]
)
def test_withdrawn_is_not_a_decision_about_investigating(start: CaseStatus) -> None:
    # T21, T31 (¶2.102, ¶2.224): the information asked for did not come.
    assert guard_trigger(CaseStatus.closed, "withdrawn") is None
    case = _case(start)
    transition(case, CaseStatus.closed, at=AT, closure_code="withdrawn")
    assert case.closed_at == AT


def test_guard_triggers_by_target__XC_RSK_001() -> None:
    assert guard_trigger(CaseStatus.proposed_to_investigate, None) is GuardTrigger.propose
    assert guard_trigger(CaseStatus.closed, "premature") is GuardTrigger.decline
    assert guard_trigger(CaseStatus.further_consideration, None) is None
    assert guard_trigger(CaseStatus.awaiting_allocation, None) is None


def test_a_closed_case_goes_nowhere_and_needs_a_code() -> None:
    with pytest.raises(CaseTransitionNotAllowed):
        transition(_case(CaseStatus.closed), CaseStatus.further_consideration, at=AT)
    with pytest.raises(CaseTransitionNotAllowed):
        transition(_case(CaseStatus.awaiting_allocation), CaseStatus.closed, at=AT)
    with pytest.raises(CaseTransitionNotAllowed):
        transition(_case(CaseStatus.further_consideration), CaseStatus.closed, at=AT)


@pytest.mark.parametrize(
    ("route", "status"),
    [
        ("ect_triage", CaseStatus.ect_triage),  # T13
        ("awaiting_allocation", CaseStatus.awaiting_allocation),  # T14
        ("dispute_resolution", CaseStatus.dr_consent_pending),  # T15
        ("ad_senior_caseworker_teams", CaseStatus.awaiting_allocation),  # T16
        ("something new", CaseStatus.awaiting_allocation),
    ],
)
def test_a_referred_case_opens_where_its_route_says__T13_T16(
    route: str, status: CaseStatus
) -> None:
    assert opening_status("".join(route)) is status


@pytest.mark.parametrize(
    ("code", "discretion", "other", "problems"),
    [
        ("other reason to decline", "general", "linked to lead", []),
        ("premature", "specific", None, []),
        ("Premature: local resolution ongoing", "general", None, []),
        ("reasonable to pursue an alternative legal remedy", "specific", None, []),
        ("out of time", "specific", None, []),
        ("organisation out of jurisdiction", None, None, []),
        ("Out of remit - other", None, None, []),
        ("Three-year rule", None, None, []),
        ("out of remit - alternative legal remedy achieved", None, None, []),
        ("premature", None, None, ["discretion_required"]),
        ("Three-year rule", "general", None, ["discretion_not_applicable"]),
        ("other reason to decline", "general", None, ["other_reason_required"]),
        ("other reason to decline", None, None, ["discretion_required", "other_reason_required"]),
        ("premature", "general", "outcome not achievable", ["other_reason_not_applicable"]),
        ("withdrawn", None, None, ["unknown_code"]),
        ("OTHER REASON TO DECLINE", "general", None, ["unknown_code"]),
    ],
)
def test_a_decline_has_one_reason_with_its_discretion__ASM_093(
    code: str, discretion: str | None, other: str | None, problems: list[str]
) -> None:
    # As JSON gives them: fresh strings, not interned literals.
    got = decline_problems(
        "".join(code),
        Discretion("".join(discretion)) if discretion else None,
        OtherReason("".join(other)) if other else None,
    )
    assert [p.value for p in got] == problems
    assert all(isinstance(p, DeclineProblem) for p in got)


def test_the_other_reasons_are_d11() -> None:
    assert {r.value for r in OtherReason} == {
        "outcome sought not reasonable for the claimed injustice",
        "outcome not achievable",
        "investigation impractical / no satisfactory conclusion / no value",
        "complainant unhappy with the proposed investigation and no agreement",
        "nature or theme not appropriate for us",
        "another organisation considering the same issues",
        "out of remit or not ready on a closer look",
        "linked to lead",
        "nothing left after agreeing the summary",
    }

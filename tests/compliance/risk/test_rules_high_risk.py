"""The pure rules of the high-risk path and the category rules, without a database: which path
a rating takes (CMP-113, XC-RSK-005), the lock (CMP-115), who may hold oversight (CMP-127/128),
the monthly updates (CMP-131), review reasons (XC-RSK-003), flags and prompts (CMP-116,
CMP-122…125) and the escalation's lifecycle (B.6). Expected values are literals."""

from __future__ import annotations

import json
import uuid
from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from compliance_api.risk.errors import (
    EscalationTransitionNotAllowed,
    OversightConflict,
    RatingLocked,
    StaffNotEligible,
)
from compliance_api.risk.rules import (
    MATRIX,
    Category,
    EntryFacts,
    EntryFlag,
    EntryRatings,
    HighRiskPath,
    Impact,
    Likelihood,
    OversightRole,
    Rating,
    RiskTo,
    Trigger,
    check_eligible,
    check_oversight_assignee,
    check_rating_lock,
    flag_fits,
    high_risk_path,
    holds,
    needs_review_reason,
    next_meeting,
    prioritise_allocation,
    prompts,
    update_due,
)
from compliance_api.risk.state import OPEN, EscalationState, next_state
from shared.staff import DeclaredConflict, Grade, StaffMember


def _j(value: str) -> str:
    """A string as JSON and PostgreSQL hand it over: a new object, not an interned literal."""
    out: str = json.loads(json.dumps(value))
    return out


def fact(category: str, post: str, risk_to: str | None = None) -> EntryFacts:
    return EntryFacts(
        category=Category(_j(category)),
        post=Rating(_j(post)),
        risk_to=RiskTo(_j(risk_to)) if risk_to else None,
    )


# --- XC-RSK-005, CMP-113 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "facts", "floor", "path"),
    [
        ("low", [], None, "none"),
        ("medium", [("people", "medium", "complainant")], None, "none"),
        ("high", [("legal", "high")], None, "escalation"),
        ("high", [("people", "high", "complainant")], None, "people_mitigations"),
        ("high", [("people", "high", "stakeholders")], None, "people_mitigations"),
        ("high", [("people", "high", "third_parties")], None, "people_mitigations"),
        # Only the high risks count: a medium risk to us does not make it escalate.
        (
            "high",
            [("people", "high", "complainant"), ("legal", "medium")],
            None,
            "people_mitigations",
        ),
        ("high", [("people", "high", "complainant"), ("legal", "high")], None, "escalation"),
        ("high", [("people", "high")], None, "escalation"),  # People, but not to a person
        ("high", [("financial", "high", "complainant")], None, "escalation"),
        ("high", [("reputation_political", "high", "complainant")], None, "escalation"),
        # High by the risks together, an override or an uplift: escalates.
        ("high", [("people", "medium", "complainant")], None, "escalation"),
        ("high", [], None, "escalation"),
        ("high", [("people", "high", "complainant")], "high", "escalation"),
        ("high", [("people", "high", "complainant")], "medium", "people_mitigations"),
    ],
)
def test_the_path_a_rating_takes__XC_RSK_005_CMP_113(
    rating: str, facts: list[tuple[str, ...]], floor: str | None, path: str
) -> None:
    got = high_risk_path(
        Rating(_j(rating)),
        [fact(*f) for f in facts],
        floor=Rating(_j(floor)) if floor else None,
    )
    assert got is HighRiskPath(path)


def test_terminal_illness_prioritises_allocation__CMP_122_XC_RSK_006() -> None:
    assert prioritise_allocation([False, True]) is True
    assert prioritise_allocation([False, False]) is False
    assert prioritise_allocation([]) is False


# --- CMP-115 -------------------------------------------------------------------------------------


def test_the_lock_allows_the_same_rating_or_the_one_agreed__CMP_115() -> None:
    high, low, medium = Rating(_j("high")), Rating(_j("low")), Rating(_j("medium"))
    check_rating_lock(current=high, new=Rating(_j("high")), holder_agreed=None)
    check_rating_lock(current=high, new=low, holder_agreed=Rating(_j("low")))
    with pytest.raises(RatingLocked) as refused:
        check_rating_lock(current=high, new=medium, holder_agreed=low)
    assert refused.value.extensions == {
        "rule": "CMP-115",
        "rating": "high",
        "requested_rating": "medium",
    }
    with pytest.raises(RatingLocked):
        check_rating_lock(current=high, new=low, holder_agreed=None)
    for current, new in [(medium, high), (low, high), (low, medium)]:  # raising is locked too
        with pytest.raises(RatingLocked):
            check_rating_lock(current=current, new=new, holder_agreed=None)


# --- CMP-127, CMP-128 ----------------------------------------------------------------------------

CASE = uuid.UUID(int=1)
ORG = uuid.UUID(int=2)


def member(grade: str, **extra: object) -> StaffMember:
    return StaffMember.model_validate(
        {"staff_id": "s-1", "display_name": "Test", "grade": _j(grade), **extra}
    )


def assign(m: StaffMember, role: str = "deputy_ombudsman", *, legal: bool = False) -> None:
    check_oversight_assignee(
        m,
        role=OversightRole(_j(role)),
        case_id=CASE,
        organisation_ids=[ORG],
        legal_advice_key=legal,
    )


def test_the_ombudsman_or_a_deputy_holds_oversight__CMP_127() -> None:
    assign(member("deputy_ombudsman"))
    assign(member("ombudsman"), "ombudsman")
    assign(member("director", posts=["deputy_ombudsman"]))  # acting as deputy
    for grade, role in [
        ("ombudsman", "deputy_ombudsman"),
        ("deputy_ombudsman", "ombudsman"),
        ("director", "deputy_ombudsman"),
        ("assistant_director", "deputy_ombudsman"),
    ]:
        with pytest.raises(StaffNotEligible):
            assign(member(grade), role)
    with pytest.raises(StaffNotEligible) as refused:
        assign(member("deputy_ombudsman", active=False))
    assert refused.value.extensions == {"staff_id": "s-1", "part": "deputy_ombudsman"}


@pytest.mark.parametrize(
    "conflict",
    [
        {"case_id": str(CASE)},
        {"organisation_id": str(ORG)},
    ],
)
def test_a_declared_conflict_on_the_case_or_its_organisation_refuses__CMP_128(
    conflict: dict[str, str],
) -> None:
    conflicts = [{**conflict, "declared_on": "2026-01-05"}]
    with pytest.raises(OversightConflict) as refused:
        assign(member("deputy_ombudsman", conflicts=conflicts))
    assert refused.value.extensions == {"rule": "CMP-128", "staff_id": "s-1"}
    elsewhere = [
        DeclaredConflict(
            case_id=uuid.UUID(int=9), organisation_id=uuid.UUID(int=8), declared_on=date(2026, 1, 5)
        )
    ]
    assign(member("deputy_ombudsman", conflicts=elsewhere))


def test_the_dlps_does_not_take_a_case_where_legal_advice_is_key__CMP_128() -> None:
    dlps = member("deputy_ombudsman", posts=[_j("director_legal_and_professional_services")])
    with pytest.raises(OversightConflict):
        assign(dlps, legal=True)
    assign(dlps, legal=False)
    assign(member("deputy_ombudsman"), legal=True)


def test_a_post_or_grade_is_held_whatever_string_object_names_it__CMP_127() -> None:
    assert holds(member("deputy_ombudsman"), _j("deputy_ombudsman")) is True
    assert holds(member("director", posts=[_j("deputy_ombudsman")]), _j("deputy_ombudsman"))
    assert holds(member("director"), _j("deputy_ombudsman")) is False


@pytest.mark.parametrize(
    "value",
    [
        MATRIX[(Impact.minor, Likelihood.likely)],
        EntryRatings(Rating.low, Rating.low, Rating.low, downgraded=False),
        EntryFacts(category=Category.people, post=Rating.low, risk_to=None),
    ],
)
def test_rule_values_cannot_be_changed_once_made(value: object) -> None:
    field = next(iter(vars(value)))
    with pytest.raises(FrozenInstanceError):
        setattr(value, field, None)


def test_an_eligible_member_holds_one_of_the_grades() -> None:
    grades = (Grade.operations_manager, Grade.assistant_director)
    check_eligible(member("assistant_director"), grades=grades, part="manager or AD")
    check_eligible(member("operations_manager"), grades=grades, part="manager or AD")
    with pytest.raises(StaffNotEligible):
        check_eligible(member("caseworker"), grades=grades, part="manager or AD")
    with pytest.raises(StaffNotEligible):
        check_eligible(member("assistant_director", active=False), grades=grades, part="AD")


# --- CMP-131 (C-35) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting", "given", "following", "due"),
    [
        (date(2026, 11, 2), None, date(2026, 12, 2), date(2026, 12, 1)),
        (date(2027, 1, 31), None, date(2027, 2, 28), date(2027, 2, 27)),
        (date(2026, 11, 2), date(2026, 11, 23), date(2026, 11, 23), date(2026, 11, 22)),
        (date(2026, 12, 1), None, date(2027, 1, 1), date(2026, 12, 31)),
    ],
)
def test_an_update_is_due_the_day_before_the_next_monthly_meeting__CMP_131(
    meeting: date, given: date | None, following: date, due: date
) -> None:
    assert next_meeting(meeting, given) == following
    assert update_due(following) == due


# --- XC-RSK-003, flags, prompts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "needed"),
    [
        ("decline", False),
        ("propose", False),
        ("confirm_investigation", False),
        ("provisional_views", False),
        ("further_work_after_service_complaint", False),
        ("compliance_escalation", False),
        ("new_risk_identified", True),
        ("ad_hoc", True),
    ],
)
def test_an_ad_hoc_review_names_its_reason__XC_RSK_003(trigger: str, needed: bool) -> None:
    assert needs_review_reason(Trigger(_j(trigger))) is needed


@pytest.mark.parametrize(
    ("flag", "category"),
    [
        ("terminal_illness", "people"),
        ("threat_of_harm", "people"),
        ("information_breach", "financial"),
        ("unresolved_by_management", "our_service"),
    ],
)
def test_each_flag_belongs_to_one_category__CMP_122_CMP_123_CMP_125(
    flag: str, category: str
) -> None:
    for other in ("people", "financial", "reputation_political", "our_service", "legal"):
        assert flag_fits(EntryFlag(_j(flag)), Category(_j(other))) is (other == category)


@pytest.mark.parametrize(
    ("categories", "mp", "earlier", "expected"),
    [
        ([], False, False, []),
        ([], True, False, ["consider_reputation_political_risk"]),
        (["reputation_political"], True, False, ["consider_informing_external_affairs"]),
        ([], False, True, ["consider_our_service_risk"]),
        (["our_service"], False, True, []),
        (
            ["legal"],
            True,
            True,
            ["consider_reputation_political_risk", "consider_our_service_risk"],
        ),
    ],
)
def test_prompts_never_force_a_risk__CMP_116_CMP_124_CMP_125(
    categories: list[str], mp: bool, earlier: bool, expected: list[str]
) -> None:
    got = prompts(
        categories=[Category(_j(c)) for c in categories],
        mp_involved=mp,
        earlier_service_complaint=earlier,
    )
    assert [p.value for p in got] == expected


# --- B.6 -----------------------------------------------------------------------------------------

# requirements §B.6, as the escalation's table states it.
B6 = {
    "awaiting_manager": {"manager_agreed", "manager_disagreed", "stood_down"},
    "manager_agreed": {"plan_with_ad", "stood_down"},
    "plan_with_ad": {"plan_reviewed", "manager_agreed", "stood_down"},
    "plan_reviewed": {"oversight_requested", "stood_down"},
    "oversight_requested": {"oversight_assigned", "stood_down"},
    "oversight_assigned": {"oversight_ended"},
    "oversight_ended": set(),
    "manager_disagreed": set(),
    "stood_down": set(),
}


@pytest.mark.parametrize("current", sorted(B6))
def test_the_escalations_lifecycle__B6_CMP_113_CMP_127(current: str) -> None:
    for to in B6:
        state, target = EscalationState(_j(current)), EscalationState(_j(to))
        if to in B6[current]:
            assert next_state(state, target) is target
        else:
            with pytest.raises(EscalationTransitionNotAllowed) as refused:
                next_state(state, target)
            assert refused.value.extensions == {
                "current_state": current,
                "requested_state": to,
            }
    assert (EscalationState(current) in OPEN) is bool(B6[current])

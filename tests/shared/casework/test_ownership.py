"""``shared.casework.ownership.decide_access``: owner, team, a case nobody owns, and a manager's
override with a reason; everyone else 403 (issue #15 item 14)."""

from __future__ import annotations

import pytest

from shared.auth import Principal
from shared.casework.ownership import (
    Access,
    Holding,
    NotCaseOwner,
    OverrideNotAllowed,
    decide_access,
    team_of,
)


def _p(sub: str, *roles: str, teams: tuple[str, ...] = ()) -> Principal:
    return Principal(sub=sub, roles=frozenset(roles), teams=frozenset(teams))


ALICE = _p("ic-alice", "intake_caseworker", teams=("intake-north",))
BOB_SAME_TEAM = _p("ic-bob", "intake_caseworker", teams=("intake-north",))
CHRIS_OTHER_TEAM = _p("ic-chris", "intake_caseworker", teams=("intake-south",))
OM = _p("om-dana", "operations_manager")
HELD = Holding(owner="ic-alice", team="intake-north")
CW = frozenset({"intake_caseworker"})


@pytest.mark.parametrize(
    ("principal", "holding", "expected"),
    [
        (ALICE, HELD, Access.owner),
        (BOB_SAME_TEAM, HELD, Access.team),
        (CHRIS_OTHER_TEAM, Holding(owner=None, team=None), Access.unowned),
        (
            _p("om-dana", "operations_manager", "intake_caseworker"),
            Holding("om-dana", None),
            Access.owner,
        ),
    ],
)
def test_who_may_act_without_an_override(
    principal: Principal, holding: Holding, expected: Access
) -> None:
    assert decide_access(principal, holding, override_reason=None, caseworkers=CW) is expected


@pytest.mark.parametrize(
    "principal",
    [CHRIS_OTHER_TEAM, _p("ic-erin", "intake_caseworker"), OM],
)
def test_anyone_else_is_refused(principal: Principal) -> None:
    with pytest.raises(NotCaseOwner):
        decide_access(principal, HELD, override_reason=None, caseworkers=CW)


def test_a_team_is_needed_on_both_sides() -> None:
    # A case with no team is its owner's alone, whatever teams the caller is in.
    with pytest.raises(NotCaseOwner):
        decide_access(
            BOB_SAME_TEAM, Holding("ic-alice", None), override_reason=None, caseworkers=CW
        )


def test_a_manager_overrides_with_a_reason() -> None:
    reason = "Covering an absence"
    assert (
        decide_access(OM, HELD, override_reason=reason, caseworkers=CW) is Access.manager_override
    )


@pytest.mark.parametrize("reason", ["", "   ", "ab", "x" * 501])
def test_an_override_needs_a_real_reason(reason: str) -> None:
    with pytest.raises(NotCaseOwner):
        decide_access(OM, HELD, override_reason=reason, caseworkers=CW)


def test_only_a_manager_may_override() -> None:
    with pytest.raises(OverrideNotAllowed):
        decide_access(CHRIS_OTHER_TEAM, HELD, override_reason="I was asked to", caseworkers=CW)
    with pytest.raises(OverrideNotAllowed):  # even on one's own case: it is not theirs to give
        decide_access(ALICE, HELD, override_reason="Mine anyway", caseworkers=CW)


def test_a_needless_override_is_not_an_override() -> None:
    om_caseworker = _p("om-dana", "operations_manager", "intake_caseworker")
    mine = Holding(owner="om-dana", team=None)
    assert decide_access(om_caseworker, mine, override_reason="x y z", caseworkers=CW) is (
        Access.owner
    )


def test_a_manager_who_is_not_a_caseworker_acts_only_by_override() -> None:
    for holding in (Holding(owner=None, team=None), Holding(owner="om-dana", team=None), HELD):
        with pytest.raises(NotCaseOwner):
            decide_access(OM, holding, override_reason=None, caseworkers=CW)
        assert decide_access(OM, holding, override_reason="Cover", caseworkers=CW) is (
            Access.manager_override
        )


def test_the_team_of_a_new_case_is_the_owner_s_one_team() -> None:
    assert team_of(ALICE) == "intake-north"
    assert team_of(OM) is None
    assert team_of(_p("ic-f", "intake_caseworker", teams=("a", "b"))) is None

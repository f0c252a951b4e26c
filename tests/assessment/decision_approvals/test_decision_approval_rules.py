"""The pure rules of approving a decline or a proposal (ASM-172, XC-ROL-002; G-21: the levels
are data), without a database. Values are written out here, never read from the module."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assessment_api.config import AssessmentSettings
from assessment_api.decision_approvals.rules import (
    ApprovalTable,
    DecisionAsked,
    DecisionKind,
    Level,
    asked_from,
    covers,
    level_for,
)
from shared.auth import Role

SENIOR = Level("senior", frozenset({Role.senior_caseworker, Role.operations_manager}))
MANAGER = Level("manager", frozenset({Role.operations_manager}))
TABLE = ApprovalTable(
    levels=(SENIOR, MANAGER),
    by_requester={
        DecisionKind.decline: {"caseworker": "senior", "senior_caseworker": "manager"},
        DecisionKind.proposal: {"caseworker": "manager"},
    },
    default_level="manager",
)


@pytest.mark.parametrize(
    ("kind", "roles", "level"),
    [
        (DecisionKind.decline, {"caseworker"}, "senior"),
        (DecisionKind.decline, {"senior_caseworker"}, "manager"),
        # Several roles: the most senior level any of them names.
        (DecisionKind.decline, {"caseworker", "senior_caseworker"}, "manager"),
        (DecisionKind.proposal, {"caseworker"}, "manager"),
        # A role the table does not name: the default level.
        (DecisionKind.proposal, {"senior_caseworker"}, "manager"),
        (DecisionKind.decline, {"operations_manager"}, "manager"),
    ],
)
def test_the_level_follows_the_table__XC_ROL_002(
    kind: DecisionKind, roles: set[str], level: str
) -> None:
    assert level_for(TABLE, kind, frozenset(roles)).name == level


def test_a_default_level_below_the_named_one_is_not_chosen_over_it__XC_ROL_002() -> None:
    table = ApprovalTable(
        levels=(SENIOR, MANAGER),
        by_requester={DecisionKind.decline: {"caseworker": "manager"}},
        default_level="senior",
    )
    assert level_for(table, DecisionKind.decline, {"caseworker"}).name == "manager"
    assert level_for(table, DecisionKind.decline, {"legal"}).name == "senior"


def test_an_approval_covers_only_the_decision_asked__ASM_172() -> None:
    decline = DecisionAsked(DecisionKind.decline, "other reason to decline", "general", "x")
    assert covers(decline, DecisionAsked(DecisionKind.decline, "other reason to decline",
                                         "general", "x"))  # fmt: skip
    assert not covers(decline, DecisionAsked(DecisionKind.decline, "other reason to decline",
                                             "specific", "x"))  # fmt: skip
    assert not covers(decline, DecisionAsked(DecisionKind.decline, "other reason to decline",
                                             "general", "y"))  # fmt: skip
    assert not covers(decline, DecisionAsked(DecisionKind.decline, "premature", "general", "x"))
    assert not covers(decline, DecisionAsked(DecisionKind.proposal))
    assert not covers(DecisionAsked(DecisionKind.proposal), decline)
    assert covers(DecisionAsked(DecisionKind.proposal), DecisionAsked(DecisionKind.proposal))
    # What is left before a decline not yet worded: any approved decline.
    assert covers(decline, DecisionAsked(DecisionKind.decline), exact=False)
    assert not covers(decline, DecisionAsked(DecisionKind.proposal), exact=False)


def test_the_evidence_round_trips_through_json__ASM_172() -> None:
    asked = DecisionAsked(DecisionKind.decline, "premature", "specific", None)
    stored = {
        "decision": "decline",
        "closure_code": "premature",
        "discretion": "specific",
        "other_reason": None,
    }
    assert asked.evidence() == stored
    assert asked_from({k: (None if v is None else "".join(v)) for k, v in stored.items()}) == asked
    assert asked.describe() == "a decline on 'premature' / 'specific'"
    assert DecisionAsked(DecisionKind.proposal).describe() == "a proposal to investigate"


def test_the_table_names_only_levels_it_defines__XC_ROL_002() -> None:
    broken = ApprovalTable(
        levels=(SENIOR, SENIOR, Level("empty", frozenset())),
        by_requester={DecisionKind.decline: {"caseworker": "nowhere"}},
        default_level="missing",
    )
    assert broken.problems() == [
        "level 'senior' is defined twice",
        "level 'empty' has no roles",
        "level 'missing' is not defined",
        "level 'nowhere' is not defined",
    ]
    assert TABLE.problems() == []


def test_settings_refuse_a_table_naming_an_undefined_level__XC_ROL_002() -> None:
    with pytest.raises(ValidationError, match="level 'director' is not defined"):
        AssessmentSettings(
            database_url="postgresql+asyncpg://u@h/d",
            decision_approval_default_level="director",
        )
    default = AssessmentSettings(
        database_url="postgresql+asyncpg://u@h/d"
    ).decision_approval_table()
    # The default: a senior caseworker or a manager approves a caseworker's decision, a manager
    # a senior caseworker's.
    for kind in (DecisionKind.decline, DecisionKind.proposal):
        assert level_for(default, kind, {"caseworker"}).roles == {
            Role.senior_caseworker, Role.operations_manager, Role.assistant_director,
            Role.director,
        }  # fmt: skip
        assert level_for(default, kind, {"senior_caseworker"}).roles == {
            Role.operations_manager, Role.assistant_director, Role.director,
        }  # fmt: skip


def test_a_resolution_is_covered_by_an_approval_of_a_resolution_only__ASM_156_ASM_172() -> None:
    resolution = DecisionAsked(DecisionKind.resolution)
    decline = DecisionAsked(DecisionKind.decline, "other reason to decline", "general", "x")
    assert covers(resolution, DecisionAsked(DecisionKind.resolution))
    assert not covers(resolution, decline)
    assert not covers(decline, resolution)
    assert not covers(DecisionAsked(DecisionKind.proposal), resolution)
    assert not covers(resolution, DecisionAsked(DecisionKind.proposal), exact=False)
    assert resolution.describe() == "closing the case as a resolution"

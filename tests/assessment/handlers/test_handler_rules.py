"""Organisations on a case with more than one complaint handler (ASM-071…084, ¶2.142–2.180):
second tier, provider and commissioner, Continuing Healthcare and Individual Funding Requests.
Pure rules, table tests; values written as literals from the guidance."""

from __future__ import annotations

import pytest

from assessment_api.handlers.rules import (
    ChcStage,
    IfrCheck,
    OrganisationRole,
    Scope,
    chc_guidance,
    chc_outstanding,
    complained_about,
    decision_allowed,
    ifr_checks_outstanding,
    individual_signatory_problems,
    local_resolution_complete,
    missing_component_areas,
    organisation_decision_valid,
    premature_for_second_tier,
    proposal_organisations,
    recorded_at_intake,
    roles_in_setting,
    separate_decisions_needed,
)

_WRITTEN = "written complaints about both the ICB and NHS England on file"
_ADDED = "add both the ICB and the NHS commissioning region as organisations complained about"


def _s(value: str) -> str:
    return "".join(list(value))


@pytest.mark.parametrize(
    ("health", "handler_only", "role"),
    [
        (False, False, "original"),  # ASM-072: the original organisation by default
        (False, True, "second_tier"),  # only when the complainant says so
        (True, False, "provider"),  # ASM-079: the provider by default
        (True, True, "commissioner"),
    ],
)
def test_intake_records_the_original_organisation_by_default__ASM_072_ASM_079(
    health: bool, handler_only: bool, role: str
) -> None:
    got = recorded_at_intake(health=health, handler_only_said=handler_only)
    assert got.value == role


@pytest.mark.parametrize(
    ("scope", "health", "role", "allowed"),
    [
        # ASM-076: organisation only: never against the second tier.
        ("original_only", False, "original", True),
        ("original_only", False, "second_tier", False),
        ("original_only", False, "contractor", True),
        ("handler_only", False, "second_tier", True),
        ("handler_only", False, "original", False),
        ("handler_only", False, "contractor", False),
        ("both", False, "original", True),
        ("both", False, "second_tier", True),
        # ASM-081: provider only / commissioner only / both.
        ("original_only", True, "provider", True),
        ("original_only", True, "commissioner", False),
        ("handler_only", True, "commissioner", True),
        ("handler_only", True, "provider", False),
        ("both", True, "provider", True),
        ("both", True, "commissioner", True),
        # A role of the other setting is never complained about.
        ("both", True, "second_tier", False),
        ("both", False, "commissioner", False),
    ],
)
def test_decisions_only_against_organisations_complained_about__ASM_076_ASM_081(
    scope: str, health: bool, role: str, allowed: bool
) -> None:
    got = decision_allowed(OrganisationRole(_s(role)), Scope(_s(scope)), health=health)
    assert got is allowed


def test_complained_about_sets__ASM_074_ASM_080() -> None:
    assert {r.value for r in complained_about(Scope.both, health=False)} == {
        "original",
        "second_tier",
        "contractor",
    }
    assert {r.value for r in complained_about(Scope.handler_only, health=True)} == {"commissioner"}


@pytest.mark.parametrize(
    ("scope", "separate"), [("both", True), ("original_only", False), ("handler_only", False)]
)
def test_both_complained_about_means_separate_decisions__ASM_076_ASM_081(
    scope: str, separate: bool
) -> None:
    assert separate_decisions_needed(Scope(_s(scope))) is separate


@pytest.mark.parametrize(
    ("in_process", "complete", "reason", "premature"),
    [
        (True, False, None, True),  # ASM-071: normally declined as premature
        (True, False, "   ", True),  # a blank reason is no reason
        (True, False, "Terminal illness", False),  # ASM-073: exception, reason recorded
        (True, True, None, False),
        (False, False, None, False),  # no second tier in the process
    ],
)
def test_second_tier_must_be_completed_unless_an_exception__ASM_071_ASM_073(
    in_process: bool, complete: bool, reason: str | None, premature: bool
) -> None:
    got = premature_for_second_tier(
        second_tier_in_process=in_process, second_tier_complete=complete, exception_reason=reason
    )
    assert got is premature


@pytest.mark.parametrize(
    ("provider", "commissioner", "complete"),
    [(True, False, True), (False, True, True), (True, True, True), (False, False, False)],
)
def test_local_resolution_with_either_provider_or_commissioner__ASM_078(
    provider: bool, commissioner: bool, complete: bool
) -> None:
    got = local_resolution_complete(with_provider=provider, with_commissioner=commissioner)
    assert got is complete


def test_component_areas_for_each_organisation__ASM_080() -> None:
    areas = {
        OrganisationRole.provider: [_s("Clinical care"), _s("Communication")],
        OrganisationRole.commissioner: [_s("clinical care"), _s("Funding")],
    }
    assert missing_component_areas(areas) == {
        "provider": ["funding"],
        "commissioner": ["communication"],
    }
    same = {
        OrganisationRole.provider: ["Funding"],
        OrganisationRole.commissioner: ["Funding"],
    }
    assert missing_component_areas(same) == {}


def test_proposal_goes_to_the_organisation_contractor_and_second_tier__ASM_075_ASM_077() -> None:
    roles = {
        OrganisationRole.second_tier: ["st"],
        OrganisationRole.original: ["org", "org"],
        OrganisationRole.contractor: ["con"],
    }
    assert proposal_organisations(roles) == ["org", "con", "st"]
    health = {OrganisationRole.commissioner: ["icb"], OrganisationRole.provider: ["trust"]}
    assert proposal_organisations(health) == ["trust", "icb"]


@pytest.mark.parametrize(
    ("stage", "icb", "nhse", "both", "actions", "orgs"),
    [
        # ASM-082 ¶2.170: checklist stage, ICB review not done: check it; record the ICB.
        (
            "checklist",
            False,
            False,
            False,
            ["check that the ICB (or former CCG) reviewed the decision"],
            ["ICB"],
        ),
        ("checklist", True, False, False, ["proceed"], ["ICB"]),
        # ¶2.171: full assessment, no NHS England review: signpost it.
        (
            "full_assessment",
            True,
            False,
            False,
            ["signpost NHS England's review process"],
            ["ICB"],
        ),
        (
            "full_assessment",
            False,
            False,
            False,
            [
                "check that the ICB (or former CCG) reviewed the decision",
                "signpost NHS England's review process",
            ],
            ["ICB"],
        ),
        # ASM-083 ¶2.174–2.175: NHS England reviewed: its review only, the region recorded.
        (
            "full_assessment",
            True,
            True,
            False,
            [
                "ask why the complainant is unhappy with NHS England's review",
                "write: we investigate NHS England's review only, not the ICB",
            ],
            ["NHS commissioning region"],
        ),
        # ¶2.176–2.177: both investigated: a manager, written complaints, both organisations.
        (
            "full_assessment",
            True,
            True,
            True,
            [
                "discuss with a manager",
                "written complaints about both the ICB and NHS England on file",
            ],
            ["ICB", "NHS commissioning region"],
        ),
    ],
)
def test_continuing_healthcare_stage_checks__ASM_082_ASM_083(
    stage: str, icb: bool, nhse: bool, both: bool, actions: list[str], orgs: list[str]
) -> None:
    got = chc_guidance(
        ChcStage(_s(stage)), icb_review_done=icb, nhse_review_done=nhse, investigate_icb_too=both
    )
    assert [a.value for a in got.actions] == actions
    assert [o.value for o in got.organisations] == orgs


def test_ifr_checklist_as_data__ASM_084() -> None:
    # ¶2.180: application complete, the policy used, the decision per its policies and the NHS
    # Directions, the policy itself reasonable.
    assert [c.value for c in IfrCheck] == [
        "the application includes the information outlined by the patient",
        "which policy was used",
        "the ICB's decision follows its policies and the NHS Directions",
        "the policy itself appears reasonable",
    ]
    answered = {IfrCheck.application_complete: True, IfrCheck.policy_used: _s("IFR policy v3")}
    assert [c.name for c in ifr_checks_outstanding(answered)] == [
        "compliant_with_policy_and_directions",
        "policy_reasonable",
    ]
    everything = dict.fromkeys(IfrCheck, False)
    assert ifr_checks_outstanding(everything) == []


@pytest.mark.parametrize(
    ("health", "roles"),
    [
        (False, {"original", "second_tier", "contractor"}),  # ¶2.148
        (True, {"provider", "commissioner", "contractor"}),  # ¶2.158–2.160
    ],
)
def test_roles_in_each_setting__ASM_074_ASM_080(health: bool, roles: set[str]) -> None:
    assert {r.value for r in roles_in_setting(health=health)} == roles


@pytest.mark.parametrize(
    ("both", "discussed", "written", "added", "outstanding"),
    [
        (False, False, False, False, []),  # ¶2.174: NHS England's review only: nothing to wait
        (True, False, False, False, ["discuss with a manager", _WRITTEN, _ADDED]),
        (True, True, False, True, [_WRITTEN]),
        (True, False, True, True, ["discuss with a manager"]),
        (True, True, True, False, [_ADDED]),
        (True, True, True, True, []),
    ],
)
def test_investigating_both_icb_and_nhse_waits_for_manager_and_written_complaints__ASM_083(
    both: bool, discussed: bool, written: bool, added: bool, outstanding: list[str]
) -> None:
    got = chc_outstanding(
        investigate_icb_too=both,
        manager_discussed=discussed,
        written_complaints_about_both=written,
        both_organisations_added=added,
    )
    assert [a.value for a in got] == outstanding


# --- ASM-096, ASM-176: an individual signatory; what an organisation decision may be -----------


def test_individual_signatory_recorded_as_the_provider__ASM_096() -> None:
    provider = OrganisationRole("provider")
    assert individual_signatory_problems(health=True, role=provider, practice_on_case=False) == []
    problems = individual_signatory_problems(
        health=False, role=OrganisationRole("commissioner"), practice_on_case=True
    )
    assert [p.value for p in problems] == ["not_health", "not_provider", "practice_on_case"]
    problems = individual_signatory_problems(health=True, role=provider, practice_on_case=True)
    assert [p.value for p in problems] == ["practice_on_case"]


@pytest.mark.parametrize(
    ("decision", "investigate", "valid"),
    [
        ("propose to investigate", True, True),
        ("propose to investigate", False, False),
        ("resolution", False, True),
        ("resolution", True, False),
        ("other reason to decline", False, True),
        ("Premature: local resolution ongoing", False, True),
        ("General discretion", False, False),
    ],
)
def test_organisation_decision_values__ASM_176(
    decision: str, investigate: bool, valid: bool
) -> None:
    assert organisation_decision_valid("".join(decision), investigate=investigate) is valid

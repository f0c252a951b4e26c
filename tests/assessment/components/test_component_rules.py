"""The pure rules of complaint components and organisation decisions, without a database. The
guidance's values are literals quoted from requirements.md and the guidance (¶2.268, ¶3.120–
3.124, D.1, D.11), never imported from the module under test."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assessment_api.cases.rules import Discretion, OtherReason
from assessment_api.components.rules import (
    ComponentArea,
    ComponentDecision,
    DecisionInput,
    OrganisationDecisionProblem,
    PrematureFactor,
    Problem,
    TimeLimitOutcome,
    closure_code_gap,
    component_code,
    decision_consistent,
    decision_problems,
    duplicate_issues,
    issues_without_component,
    nothing_left_gap,
    organisation_decision,
    precedent_since,
)


def s(text: str) -> str:
    """A fresh string, as JSON and PostgreSQL give them (not an interned literal)."""
    return "".join(list(text))


ALL_FACTORS = [
    PrematureFactor(s("organisation can do more (e.g. a local resolution meeting)")),
    PrematureFactor(s("relationship between complainant and organisation broken down")),
    PrematureFactor(s("too small in scale to send back")),
    PrematureFactor(s("events long ago, evidence at risk")),
    PrematureFactor(s("organisation already had several opportunities")),
    PrematureFactor(s("a more appropriate closure reason (e.g. ALR)")),
]
WHY = "The practice has apologised."
EVIDENCE = ["DOC-0001"]


def premature(**overrides: Any) -> DecisionInput:
    values: dict[str, Any] = {
        "decision": ComponentDecision.premature,
        "closure_code": s("premature"),
        "discretion": Discretion.specific,
        "rationale": WHY,
        "material_evidence": EVIDENCE,
        "premature_factors": ALL_FACTORS,
        "sent_back_to_organisation": True,
        "organisation_agreed_to_respond": True,
        "complainant_told_time_limit": True,
    }
    return DecisionInput(**(values | overrides))


# --- ASM-108: a component not investigated keeps why and the material evidence -----------------


def test_proposed_component_needs_no_reason__ASM_108() -> None:
    assert decision_problems(DecisionInput(ComponentDecision.propose)) == []


@pytest.mark.parametrize("rationale", [None, "", "   "])
def test_component_not_investigated_keeps_why__ASM_108(rationale: str | None) -> None:
    d = DecisionInput(ComponentDecision.resolved, rationale=rationale, material_evidence=EVIDENCE)
    assert decision_problems(d) == [Problem.rationale_required]


@pytest.mark.parametrize("evidence", [[], ["  "]])
def test_component_not_investigated_records_material_evidence__ASM_108(
    evidence: list[str],
) -> None:
    d = DecisionInput(ComponentDecision.resolved, rationale=WHY, material_evidence=evidence)
    assert decision_problems(d) == [Problem.material_evidence_required]


def test_resolved_and_proposed_components_carry_no_closure_code__ASM_108() -> None:
    d = DecisionInput(
        ComponentDecision.resolved, closure_code=s("premature"), rationale=WHY,
        material_evidence=EVIDENCE,
    )  # fmt: skip
    assert decision_problems(d) == [Problem.closure_code_not_applicable]
    d = DecisionInput(ComponentDecision.propose, discretion=Discretion.general)
    assert decision_problems(d) == [Problem.closure_code_not_applicable]
    d = DecisionInput(ComponentDecision.propose, other_reason=OtherReason.linked_to_lead)
    assert decision_problems(d) == [Problem.closure_code_not_applicable]


def test_decline_uses_the_decline_rules__ASM_108_ASM_093() -> None:
    ok = DecisionInput(
        ComponentDecision.decline, closure_code=s("other reason to decline"),
        discretion=Discretion.general,
        other_reason=OtherReason(s("outcome not achievable")), rationale=WHY,
        material_evidence=EVIDENCE,
    )  # fmt: skip
    assert decision_problems(ok) == []
    no_reason = DecisionInput(
        ComponentDecision.decline, closure_code=s("other reason to decline"),
        discretion=Discretion.general, rationale=WHY, material_evidence=EVIDENCE,
    )  # fmt: skip
    assert decision_problems(no_reason) == [Problem.other_reason_required]
    unknown = DecisionInput(
        ComponentDecision.decline, closure_code=s("not a code"), rationale=WHY,
        material_evidence=EVIDENCE,
    )  # fmt: skip
    assert decision_problems(unknown) == [Problem.unknown_code]
    missing = DecisionInput(ComponentDecision.decline, rationale=WHY, material_evidence=EVIDENCE)
    assert decision_problems(missing) == [Problem.closure_code_required]
    bar = DecisionInput(
        ComponentDecision.decline, closure_code=s("organisation out of jurisdiction"),
        rationale=WHY, material_evidence=EVIDENCE,
    )  # fmt: skip
    assert decision_problems(bar) == []


@pytest.mark.parametrize(
    "code", ["premature", "Premature: local resolution ongoing", "out of time"]
)
def test_decline_is_not_premature_or_out_of_time__ASM_108(code: str) -> None:
    d = DecisionInput(
        ComponentDecision.decline, closure_code=s(code), discretion=Discretion.specific,
        rationale=WHY, material_evidence=EVIDENCE,
    )  # fmt: skip
    assert decision_problems(d) == [Problem.closure_code_not_a_decline]


# --- ASM-116, ASM-117: premature ---------------------------------------------------------------


def test_premature_with_every_point_weighed_and_agreement__ASM_116() -> None:
    assert decision_problems(premature()) == []
    assert decision_problems(premature(closure_code=s("Premature: local resolution ongoing"))) == []
    kept_here = premature(sent_back_to_organisation=False, organisation_agreed_to_respond=False)
    assert decision_problems(kept_here) == []


def test_premature_needs_every_268_point_weighed__ASM_116() -> None:
    assert decision_problems(premature(premature_factors=ALL_FACTORS[:5])) == [
        Problem.premature_factors_not_weighed
    ]
    assert decision_problems(premature(premature_factors=[])) == [
        Problem.premature_factors_not_weighed
    ]


def test_sent_back_only_with_the_organisations_agreement__ASM_116() -> None:
    d = premature(organisation_agreed_to_respond=False)
    assert decision_problems(d) == [Problem.organisation_agreement_required]


def test_premature_tells_the_complainant_the_time_limit__ASM_117() -> None:
    assert decision_problems(premature(complainant_told_time_limit=False)) == [
        Problem.time_limit_not_told
    ]


def test_premature_needs_a_premature_code__ASM_116() -> None:
    d = premature(
        closure_code=s("other reason to decline"), other_reason=OtherReason.linked_to_lead
    )
    assert decision_problems(d) == [Problem.closure_code_not_premature]


@pytest.mark.parametrize(
    "field",
    ["sent_back_to_organisation", "organisation_agreed_to_respond", "complainant_told_time_limit"],
)
def test_premature_fields_only_on_a_premature_closure__ASM_116(field: str) -> None:
    values: dict[str, Any] = {"rationale": WHY, "material_evidence": EVIDENCE, field: True}
    d = DecisionInput(ComponentDecision.resolved, **values)
    assert decision_problems(d) == [Problem.premature_fields_not_applicable]
    d = DecisionInput(ComponentDecision.propose, premature_factors=ALL_FACTORS[:1])
    assert decision_problems(d) == [Problem.premature_fields_not_applicable]


# --- ASM-126: out of time on the component's own time-limit decision ---------------------------


def out_of_time(outcome: TimeLimitOutcome | None, code: str = "out of time") -> DecisionInput:
    return DecisionInput(
        ComponentDecision.out_of_time, closure_code=s(code), discretion=Discretion.specific,
        rationale=WHY, material_evidence=EVIDENCE, time_limit_outcome=outcome,
    )  # fmt: skip


def test_out_of_time_rests_on_the_components_time_limit_decision__ASM_126() -> None:
    kept = TimeLimitOutcome(s("out of time, limit not set aside"))
    assert decision_problems(out_of_time(kept)) == []
    for outcome in (
        None,
        TimeLimitOutcome(s("in time")),
        TimeLimitOutcome(s("out of time, limit set aside")),
    ):
        assert decision_problems(out_of_time(outcome)) == [Problem.time_limit_decision_required]


def test_out_of_time_uses_the_out_of_time_code__ASM_126() -> None:
    d = out_of_time(TimeLimitOutcome.not_set_aside, "premature")
    assert decision_problems(d) == [Problem.closure_code_not_a_decline]


# --- ASM-176: the organisation decision --------------------------------------------------------


def test_component_codes__ASM_176() -> None:
    assert component_code(None, None) is None
    assert component_code(ComponentDecision.propose, None) == "propose to investigate"
    assert component_code(ComponentDecision.resolved, None) == "resolution"
    assert component_code(ComponentDecision.premature, s("premature")) == "premature"


def test_resolved_and_declined_make_resolution__ASM_176() -> None:
    # Test (a): closing with components {resolved, declined} → 'resolution'.
    derived = organisation_decision([s("resolution"), s("other reason to decline")], None)
    assert derived.decision == "resolution"
    assert derived.problems == ()
    assert (
        organisation_decision(
            [s("other reason to decline"), s("resolution")], s("other reason to decline")
        ).decision
        == "resolution"
    )


def test_one_component_proposed_forces_propose_to_investigate__ASM_176() -> None:
    # Test (b): with one component 'propose to investigate' the decision is forced (¶3.122).
    codes = [s("resolution"), s("premature"), s("propose to investigate")]
    assert organisation_decision(codes, s("premature")).decision == "propose to investigate"
    assert organisation_decision(codes, None).decision == "propose to investigate"


def test_no_organisation_decision_while_a_component_is_undecided__ASM_176() -> None:
    # Test (c): not while a component lacks a decision.
    derived = organisation_decision([s("propose to investigate"), None], None)
    assert derived.decision is None
    assert derived.problems == (OrganisationDecisionProblem.component_undecided,)
    assert organisation_decision([], None).problems == (OrganisationDecisionProblem.no_components,)


def test_main_reason_among_the_components_codes__ASM_176() -> None:
    codes = [s("premature"), s("other reason to decline")]
    assert organisation_decision(codes, None).problems == (
        OrganisationDecisionProblem.main_reason_required,
    )
    assert organisation_decision(codes, s("premature")).decision == "premature"
    assert organisation_decision(codes, s("out of time")).problems == (
        OrganisationDecisionProblem.main_reason_not_a_component_code,
    )
    assert organisation_decision([s("premature"), s("premature")], None).decision == "premature"
    assert organisation_decision([s("premature")], s("premature")).decision == "premature"


def test_recorded_decision_consistent_with_components__ASM_176() -> None:
    codes: list[str | None] = [s("resolution"), s("premature")]
    assert decision_consistent(s("resolution"), codes)
    assert not decision_consistent(s("premature"), codes)
    assert not decision_consistent(s("resolution"), [s("premature"), None])
    assert decision_consistent(s("premature"), [s("premature"), s("out of time")])


def test_closure_code_among_the_components_codes__ASM_176() -> None:
    codes: list[str | None] = [s("premature"), s("resolution")]
    assert not closure_code_gap(s("premature"), codes)
    assert closure_code_gap(s("out of time"), codes)
    assert closure_code_gap(None, codes)


# --- ASM-106, ASM-105, ASM-114 -----------------------------------------------------------------


def test_nothing_left_closes_as_other_reason_to_decline__ASM_106() -> None:
    assert not nothing_left_gap(s("other reason to decline"), None)
    assert not nothing_left_gap(
        s("other reason to decline"), s("nothing left after agreeing the summary")
    )
    assert nothing_left_gap(s("other reason to decline"), s("outcome not achievable"))
    assert nothing_left_gap(s("premature"), None)
    assert nothing_left_gap(None, None)


def test_each_summary_issue_becomes_a_component__ASM_105() -> None:
    issues = [s("Missed infection"), s("Receptionist's manner"), s("Delay")]
    assert issues_without_component(issues, [s("missed INFECTION")]) == [
        "Receptionist's manner",
        "Delay",
    ]
    assert issues_without_component(issues, issues) == []
    assert duplicate_issues([s("A"), s("b"), s("a"), s("B"), s("a")]) == ["a", "B"]
    assert duplicate_issues([s("A"), s("B")]) == []


@pytest.mark.parametrize(
    ("today", "since"),
    [
        (date(2026, 12, 7), date(2024, 12, 7)),
        (date(2028, 2, 29), date(2026, 2, 28)),
    ],
)
def test_precedent_check_looks_back_two_years__ASM_114(today: date, since: date) -> None:
    assert precedent_since(today) == since


def test_component_areas_are_the_guidance_examples__ASM_108() -> None:
    assert {a.value for a in ComponentArea} == {
        "clinical care and treatment", "diagnosis", "communication", "nursing care",
        "complaint handling", "commissioning and funding", "continuing healthcare",
        "individual funding request", "hospital discharge", "delay", "named person", "other",
    }  # fmt: skip
    assert {f.value for f in ALL_FACTORS} == {f.value for f in PrematureFactor}

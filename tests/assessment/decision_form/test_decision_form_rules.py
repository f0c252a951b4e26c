"""The Decision Form's pure rules, without a database. Values are quoted from requirements.md
(§C, §D, the ASM tests) as literals, never imported from the module under test. Forms are fed
as JSON, as the API receives them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from assessment_api.cases.rules import DECLINE_CODES
from assessment_api.decision_form.rules import (
    AlrFactor,
    ApprovalKind,
    CaseFacts,
    DeclineCode,
    GateResult,
    GateTest,
    Jurisdiction,
    LegalRoute,
    MeasuredTo,
    Problem,
    RemitCategory,
    assess_time_limit,
    covid_window_eligible,
    gates,
    is_boilerplate,
    limit_date,
    missing_before_decline,
    missing_before_proposal,
    missing_before_resolution,
    save_problems,
    time_limit_result,
)
from assessment_api.decision_form.schemas import FormContent
from shared.calendar import bank_holidays
from tests.assessment.decision_form.builders import SHOULD_WE

HEALTH = CaseFacts(jurisdiction=Jurisdiction.health, received=date(2026, 10, 1))
PARLIAMENTARY = CaseFacts(jurisdiction=Jurisdiction.parliamentary, received=date(2026, 10, 1))
TODAY = date(2026, 11, 2)
REASONS = (
    "She was in hospital for four months after the operation and her husband was her carer, "
    "so nobody could write to the trust until she was discharged in May."
)
CONTACT = {"on": "2026-10-20", "channel": "telephone", "outcome": "spoke"}


def form(**sections: Any) -> FormContent:
    """A form as the API receives it: through JSON text, so strings are new objects."""
    return FormContent.model_validate(json.loads(json.dumps(sections)))


def ready_for_proposal(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "remit": {"in_remit": True},
        "suitability": {"suitable": True},
        "analysis": "The referral was three weeks late on the trust's own records.",
        "gate_results": [
            {"test": t, "result": "passed"}
            for t in (
                "properly_made",
                "premature",
                "maladministration_indications",
                "injustice",
                "unremedied",
            )
        ],
        "time_limit": {"awareness_date": "2026-01-05"},
        "alr": {"exists": False},
        "material_evidence": [{"document_ref": "DOC-1", "description": "Final response"}],
        "precedent_check": {"carried_out_on": "2026-10-30", "findings": "No similar findings."},
        **SHOULD_WE,
    }
    return base | overrides


def requirements(problems: list[Problem]) -> set[str]:
    return {p.requirement for p in problems}


# --- Time limits: arithmetic (ASM-119, C-10, C-11, G-12) --------------------------------------


@pytest.mark.parametrize(
    ("received", "in_time"),
    [
        (date(2025, 3, 1), True),  # the anniversary itself (G-12)
        (date(2025, 2, 28), True),
        (date(2025, 3, 2), False),  # boundary exact: the day after
        (date(2025, 3, 3), False),
    ],
)
def test_health_measured_to_phso_received__ASM_119(received: date, in_time: bool) -> None:
    result = assess_time_limit(
        Jurisdiction.health,
        awareness=date(2024, 3, 1),
        vpa_case=False,
        received=received,
        complaint_to_mp=None,
    )
    assert result.limit_date == date(2025, 3, 1)
    assert result.measured_to is MeasuredTo.phso_received
    assert result.in_time is in_time


def test_parliamentary_measured_to_the_mp_not_phso__ASM_119() -> None:
    result = assess_time_limit(
        Jurisdiction.parliamentary,
        awareness=date(2024, 3, 1),
        vpa_case=False,
        received=date(2025, 6, 10),
        complaint_to_mp=date(2025, 2, 28),
    )
    assert result.measured_to is MeasuredTo.complaint_to_mp
    assert result.measured_on == date(2025, 2, 28)
    assert result.in_time is True
    late = assess_time_limit(
        Jurisdiction.parliamentary,
        awareness=date(2024, 3, 1),
        vpa_case=False,
        received=date(2025, 6, 10),
        complaint_to_mp=date(2025, 3, 2),
    )
    assert late.in_time is False


def test_parliamentary_without_the_mp_date_is_not_yet_known__ASM_119() -> None:
    result = assess_time_limit(
        Jurisdiction.parliamentary,
        awareness=date(2024, 3, 1),
        vpa_case=False,
        received=date(2025, 1, 10),
        complaint_to_mp=None,
    )
    assert result.in_time is None


def test_vpa_case_measured_to_phso__ASM_119() -> None:
    result = assess_time_limit(
        Jurisdiction.parliamentary,
        awareness=date(2024, 3, 1),
        vpa_case=True,
        received=date(2025, 3, 5),
        complaint_to_mp=None,
    )
    assert result.measured_to is MeasuredTo.phso_received
    assert result.in_time is False


def _day_by_day_limit(awareness: date) -> date:
    """An independent count: one year is 365 days, plus one for each 29 February walked over."""
    day, count, leap_days = awareness, 0, 0
    while True:
        day += timedelta(days=1)
        count += 1
        if (day.month, day.day) == (2, 29):
            leap_days += 1
        if count == 365 + leap_days:
            return day


def test_limit_matches_a_day_by_day_count_across_bank_holidays__ASM_119() -> None:
    start = date(2019, 1, 1)
    on_holiday = 0
    for offset in range(366 * 7):
        awareness = start + timedelta(days=offset)
        if (awareness.month, awareness.day) == (2, 29):
            continue  # no corresponding date: see the leap-day test
        limit = limit_date(awareness)
        assert limit == _day_by_day_limit(awareness), awareness
        # Calendar months: a limit on a bank holiday stays on it (no working-day roll).
        if limit in bank_holidays(limit.year):
            on_holiday += 1
    assert on_holiday >= 40  # the walk really crossed bank holidays


@pytest.mark.parametrize(
    ("awareness", "limit"),
    [
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2023, 12, 25), date(2024, 12, 25)),  # Christmas Day, a bank holiday: not moved
        (date(2025, 4, 18), date(2026, 4, 18)),  # Good Friday 2025 → a Saturday in 2026
        (date(2019, 5, 6), date(2020, 5, 6)),
    ],
)
def test_limit_dates_are_calendar_anniversaries__ASM_119(awareness: date, limit: date) -> None:
    assert limit_date(awareness) == limit


def test_christmas_limit_is_not_extended_to_the_next_working_day__ASM_119() -> None:
    late = assess_time_limit(
        Jurisdiction.health,
        awareness=date(2023, 12, 25),
        vpa_case=False,
        received=date(2024, 12, 27),  # the next working day after Christmas and Boxing Day
        complaint_to_mp=None,
    )
    assert late.in_time is False


# --- COVID pause (ASM-123, C-12) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "awareness", "received", "eligible"),
    [
        ("health", date(2019, 4, 15), date(2020, 8, 20), True),  # the requirement's example
        ("health", date(2019, 4, 15), date(2020, 9, 2), False),  # the requirement's example
        ("health", date(2019, 4, 15), date(2020, 8, 31), True),  # sent by 31 August
        ("health", date(2019, 4, 15), date(2020, 9, 1), False),
        ("health", date(2019, 3, 26), date(2020, 7, 1), True),  # limit 26 March: first day
        ("health", date(2019, 3, 25), date(2020, 7, 1), False),  # already out of time
        ("health", date(2019, 6, 30), date(2020, 8, 1), True),  # limit on the last day
        ("health", date(2019, 4, 15), date(2020, 4, 1), False),  # in time: nothing to excuse
        ("parliamentary", date(2019, 4, 15), date(2020, 8, 20), False),  # health only
    ],
)
def test_covid_window__ASM_123(
    jurisdiction: str, awareness: date, received: date, eligible: bool
) -> None:
    limit = limit_date(awareness)
    assert covid_window_eligible(Jurisdiction(jurisdiction), limit, received) is eligible


def test_covid_basis_refused_outside_the_window__ASM_123() -> None:
    facts = CaseFacts(jurisdiction=Jurisdiction.health, received=date(2020, 9, 2))
    content = form(
        time_limit={
            "awareness_date": "2019-04-15",
            "delay_reasons": [{"reason": "Shielding", "assessment": "Accepted as genuine."}],
            "discretion": {
                "basis": "covid_pause",
                "decision": "set_aside",
                "rationale": REASONS,
                "complainant_contact": CONTACT | {"on": "2020-09-10"},
            },
        }
    )
    assert "ASM-123" in requirements(save_problems(content, facts, date(2020, 10, 1)))


def test_covid_case_closed_out_of_time_needs_ad_approval__ASM_123() -> None:
    facts = CaseFacts(jurisdiction=Jurisdiction.health, received=date(2020, 8, 20))
    sections = ready_for_proposal(
        time_limit={
            "awareness_date": "2019-04-15",
            "delay_reasons": [{"reason": "Shielding", "assessment": "Not borne out by dates."}],
            "discretion": {
                "basis": "covid_pause",
                "decision": "not_set_aside",
                "rationale": REASONS,
                "complainant_contact": CONTACT | {"on": "2020-09-01"},
            },
        },
        decision={
            "outcome": "decline",
            "decline_reason": {
                "closure_code": "out of time",
                "discretion": "specific",
                "rationale": "Out of time, with exceptional reasons not to set it aside.",
            },
        },
    )
    content = form(**sections)
    assert time_limit_result(content, facts).covid_window_eligible  # type: ignore[union-attr]
    missing = missing_before_decline(content, facts)
    assert [p.awaits_approval for p in missing] == [ApprovalKind.covid_out_of_time]
    assert missing[0].requirement == "ASM-123"
    assert missing_before_decline(content, facts, frozenset({ApprovalKind.covid_out_of_time})) == []
    # The form itself may record it: the agreement comes after.
    assert save_problems(content, facts, TODAY) == []


# --- Discretion (ASM-121, ASM-122, ASM-124, ASM-127) ------------------------------------------


def out_of_time(**discretion: Any) -> dict[str, Any]:
    """A health case received 1 Oct 2026 with awareness 1 Sep 2025: out of time."""
    section: dict[str, Any] = {
        "awareness_date": "2025-09-01",
        "delay_reasons": [{"reason": "In hospital", "assessment": "Borne out by records."}],
    }
    if discretion:
        section["discretion"] = {
            "basis": "complainant_reasons",
            "decision": "set_aside",
            "rationale": REASONS,
            "complainant_contact": CONTACT,
        } | discretion
    return section


def test_discretion_needs_reasons_and_contact__ASM_121() -> None:
    ok = form(time_limit=out_of_time(decision="set_aside"))
    assert save_problems(ok, HEALTH, TODAY) == []
    no_reasons = out_of_time(decision="set_aside") | {"delay_reasons": []}
    assert "ASM-121" in requirements(save_problems(form(time_limit=no_reasons), HEALTH, TODAY))
    no_contact = out_of_time(complainant_contact=None)
    problems = save_problems(form(time_limit=no_contact), HEALTH, TODAY)
    assert [p.field for p in problems] == ["time_limit.discretion.complainant_contact"]
    future = out_of_time(complainant_contact=CONTACT | {"on": "2026-11-03"})
    assert "ASM-121" in requirements(save_problems(form(time_limit=future), HEALTH, TODAY))


def test_each_delay_reason_needs_its_assessment__ASM_121() -> None:
    section = out_of_time(decision="set_aside")
    section["delay_reasons"] = [{"reason": "In hospital"}]
    problems = save_problems(form(time_limit=section), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [
        ("ASM-121", "time_limit.delay_reasons[0].assessment")
    ]


def test_discretion_only_for_a_complaint_out_of_time__ASM_121() -> None:
    section = out_of_time(decision="set_aside") | {"awareness_date": "2025-10-01"}
    problems = save_problems(form(time_limit=section), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [("ASM-121", "time_limit.discretion")]


@pytest.mark.parametrize(
    "text",
    [
        "No reason to set aside the time limit.",
        "There was no reason to set aside the time limit",
        "The time limit did not apply.",
        "N/A",
        "See above - not set aside.",
        "no   REASON to set-aside!!",
        "Out of time. No reason to set aside.",
    ],
)
def test_boilerplate_rationale_refused__ASM_127(text: str) -> None:
    assert is_boilerplate(text)
    section = out_of_time(decision="not_set_aside", rationale=text)
    problems = save_problems(form(time_limit=section), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [
        ("ASM-127", "time_limit.discretion.rationale")
    ]


def test_a_real_reason_is_not_boilerplate__ASM_127() -> None:
    assert not is_boilerplate(REASONS)
    assert not is_boilerplate(
        "No reason to set aside: the trust replied in March and she waited eleven months."
    )


def test_exceptional_circumstances_need_an_ad__ASM_124() -> None:
    section = out_of_time(basis="exceptional_circumstances")
    content = form(**ready_for_proposal(time_limit=section))
    missing = missing_before_proposal(content, HEALTH)
    assert [(p.requirement, p.awaits_approval) for p in missing] == [
        ("ASM-124", ApprovalKind.exceptional_circumstances)
    ]
    agreed = frozenset({ApprovalKind.exceptional_circumstances})
    assert missing_before_proposal(content, HEALTH, agreed) == []
    # Another kind of agreement does not stand in for it.
    other = frozenset({ApprovalKind.covid_out_of_time})
    assert requirements(missing_before_proposal(content, HEALTH, other)) == {"ASM-124"}


def test_organisational_delay_needs_no_ad__ASM_122() -> None:
    section = out_of_time(basis="organisational_delay")
    assert missing_before_proposal(form(**ready_for_proposal(time_limit=section)), HEALTH) == []


# --- Time limit before a proposal; parts; previously premature (ASM-118, 125, 126) -----------


def test_proposal_needs_the_time_limit_assessed__ASM_118() -> None:
    sections = ready_for_proposal()
    del sections["time_limit"]
    missing = missing_before_proposal(form(**sections), HEALTH)
    assert [(p.requirement, p.field) for p in missing] == [("ASM-118", "time_limit")]
    undecided = ready_for_proposal(time_limit=out_of_time())
    missing = missing_before_proposal(form(**undecided), HEALTH)
    assert [(p.requirement, p.field) for p in missing] == [("ASM-118", "time_limit")]
    not_set_aside = ready_for_proposal(time_limit=out_of_time(decision="not_set_aside"))
    assert requirements(missing_before_proposal(form(**not_set_aside), HEALTH)) == {"ASM-118"}


def test_awareness_date_before_the_complaint__ASM_120() -> None:
    content = form(time_limit={"awareness_date": "2026-10-02"})
    assert requirements(save_problems(content, HEALTH, TODAY)) == {"ASM-120"}


def test_previously_premature_runs_from_the_awareness_date__ASM_125() -> None:
    content = form(
        time_limit={
            "awareness_date": "2025-09-01",
            "previously_premature": {
                "earlier_case_reference": "CAS-0001",
                "time_limit_warned": False,
            },
        }
    )
    result = time_limit_result(content, HEALTH)
    assert result is not None
    assert result.limit_date == date(2026, 9, 1)
    assert result.in_time is False


def test_parts_have_their_own_time_limit_decisions__ASM_126() -> None:
    section: dict[str, Any] = {
        "awareness_date": "2026-01-05",
        "delay_reasons": [{"reason": "Waited for the trust", "assessment": "True on the file."}],
        "parts": [
            {
                "label": "Clinical care in 2024",
                "awareness_date": "2024-06-01",
                "discretion": {
                    "basis": "complainant_reasons",
                    "decision": "not_set_aside",
                    "rationale": REASONS,
                    "complainant_contact": CONTACT,
                },
            },
            {"label": "Complaint handling", "awareness_date": "2026-02-01"},
        ],
    }
    assert save_problems(form(time_limit=section), HEALTH, TODAY) == []
    # A part in time has no discretion decision to make.
    section["parts"][1]["discretion"] = section["parts"][0]["discretion"]
    problems = save_problems(form(time_limit=section), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [
        ("ASM-121", "time_limit.parts[1].discretion")
    ]
    # The whole case is in time: the out-of-time part does not block a proposal.
    del section["parts"][1]["discretion"]
    assert missing_before_proposal(form(**ready_for_proposal(time_limit=section)), HEALTH) == []


def test_vpa_flag_only_on_parliamentary__ASM_119() -> None:
    content = form(time_limit={"awareness_date": "2026-01-05", "vpa_case": True})
    assert requirements(save_problems(content, HEALTH, TODAY)) == {"ASM-119"}
    assert save_problems(content, PARLIAMENTARY, TODAY) == []


# --- Ordering and the single reason (ASM-090…093) ---------------------------------------------


def test_analysis_before_deciding__ASM_090() -> None:
    sections = ready_for_proposal(decision={"outcome": "propose to investigate"})
    del sections["analysis"]
    assert requirements(save_problems(form(**sections), HEALTH, TODAY)) == {"ASM-090"}


def test_no_decision_before_remit_and_suitability__ASM_091() -> None:
    sections = ready_for_proposal(decision={"outcome": "propose to investigate"})
    del sections["remit"], sections["suitability"]
    problems = save_problems(form(**sections), HEALTH, TODAY)
    assert {(p.requirement, p.field) for p in problems} >= {
        ("ASM-091", "remit"),
        ("ASM-091", "suitability"),
    }
    # Recorded first, the same decision is accepted.
    assert save_problems(form(**ready_for_proposal()), HEALTH, TODAY) == []


def test_sections_may_be_saved_before_any_decision__ASM_091() -> None:
    assert save_problems(form(analysis="Notes so far."), HEALTH, TODAY) == []


def test_proposal_needs_every_gate_test__ASM_092() -> None:
    sections = ready_for_proposal(decision={"outcome": "propose to investigate"})
    sections["gate_results"] = sections["gate_results"][:3]
    problems = save_problems(form(**sections), HEALTH, TODAY)
    assert {(p.requirement, p.field) for p in problems} == {
        ("ASM-092", "gate_results.injustice"),
        ("ASM-092", "gate_results.unremedied"),
    }


def test_proposal_blocked_by_a_failed_gate__ASM_092() -> None:
    sections = ready_for_proposal()
    sections["gate_results"][0] = {"test": "properly_made", "result": "failed"}
    missing = missing_before_proposal(form(**sections), HEALTH)
    assert [(p.requirement, p.field) for p in missing] == [
        ("ASM-092", "gate_results.properly_made")
    ]


def test_gates_computed_from_their_sections__ASM_092() -> None:
    content = form(
        **ready_for_proposal(
            remit={"in_remit": False, "out_of_remit_category": "Out of remit - other"}
        )
    )
    state = gates(content, HEALTH)
    assert state[GateTest.remit] is GateResult.failed
    assert state[GateTest.time_limit] is GateResult.passed
    assert state[GateTest.alr] is GateResult.passed
    assert gates(form(), HEALTH) == dict.fromkeys(GateTest)


def test_one_result_per_gate__ASM_092() -> None:
    content = form(
        gate_results=[
            {"test": "premature", "result": "passed"},
            {"test": "premature", "result": "failed"},
        ]
    )
    assert requirements(save_problems(content, HEALTH, TODAY)) == {"ASM-092"}


def decline(code: str, discretion: str | None, **more: Any) -> dict[str, Any]:
    reason: dict[str, Any] = {"closure_code": code, "rationale": "The trust has put it right."}
    if discretion is not None:
        reason["discretion"] = discretion
    return {"outcome": "decline", "decline_reason": reason | more}


def test_single_decline_reason__ASM_093() -> None:
    two = decline("other reason to decline", "general", other_reason="outcome not achievable")
    two["decline_reason"] = [two["decline_reason"], two["decline_reason"]]
    with pytest.raises(ValidationError):
        form(decision=two)
    with pytest.raises(ValidationError):
        form(decision=decline("premature", "specific") | {"second_reason": {}})


def test_decline_reason_needs_its_discretion__ASM_093() -> None:
    sections = ready_for_proposal(decision=decline("out of time", None))
    sections["time_limit"] = out_of_time(decision="not_set_aside")
    problems = save_problems(form(**sections), HEALTH, TODAY)
    assert [(p.requirement, p.detail) for p in problems] == [("ASM-093", "discretion_required")]


def test_general_over_a_satisfied_specific_ground_needs_justifying__ASM_093() -> None:
    sections = ready_for_proposal(
        time_limit=out_of_time(decision="not_set_aside"),
        decision=decline(
            "other reason to decline", "general", other_reason="outcome not achievable"
        ),
    )
    problems = save_problems(form(**sections), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [
        ("ASM-093", "decision.decline_reason.general_over_specific_justification")
    ]
    assert "time_limit" in problems[0].detail
    sections["decision"]["decline_reason"]["general_over_specific_justification"] = (
        "The outcome sought cannot be achieved whatever the time limit."
    )
    assert save_problems(form(**sections), HEALTH, TODAY) == []
    # With no specific ground satisfied, general needs no justification.
    sections["time_limit"] = {"awareness_date": "2026-01-05"}
    del sections["decision"]["decline_reason"]["general_over_specific_justification"]
    assert save_problems(form(**sections), HEALTH, TODAY) == []


def test_proposal_has_no_decline_reason__ASM_093() -> None:
    decision = decline("premature", "specific") | {"outcome": "propose to investigate"}
    problems = save_problems(form(**ready_for_proposal(decision=decision)), HEALTH, TODAY)
    assert requirements(problems) == {"ASM-093"}


# --- A resolution at further consideration (T33; ASM-153, ASM-156) ----------------------------

RESOLVE = {"outcome": "resolve"}


def test_a_resolution_is_recorded_as_its_own_decision__ASM_156() -> None:
    # ¶3.67: a decision not to investigate under the normal requirements: analysis, remit and
    # suitability first, the evidence relied on; no gate test result is asked of it.
    sections = ready_for_proposal(decision=RESOLVE)
    del sections["gate_results"]
    assert missing_before_resolution(form(**sections), HEALTH) == []
    assert save_problems(form(**sections), HEALTH, TODAY) == []
    # Not a decline and not a proposal: neither is ready on it.
    assert requirements(missing_before_decline(form(**sections), HEALTH)) == {"ASM-093"}
    assert ("ASM-092", "decision.outcome") in {
        (p.requirement, p.field) for p in missing_before_proposal(form(**sections), HEALTH)
    }


def test_a_resolution_needs_the_form_to_record_it__ASM_156() -> None:
    for decision in (None, {"outcome": "propose to investigate"}, decline("premature", "specific")):
        sections = ready_for_proposal(**({} if decision is None else {"decision": decision}))
        missing = missing_before_resolution(form(**sections), HEALTH)
        assert [(p.requirement, p.field) for p in missing] == [("ASM-156", "decision.outcome")]


def test_a_resolution_comes_after_the_analysis_remit_and_suitability__ASM_090_ASM_091() -> None:
    sections = ready_for_proposal(decision=RESOLVE)
    for section in ("analysis", "remit", "suitability"):
        del sections[section]
    assert requirements(save_problems(form(**sections), HEALTH, TODAY)) == {"ASM-090", "ASM-091"}


def test_a_resolution_is_of_a_complaint_we_can_legally_consider__ASM_153() -> None:
    # ¶3.59: a complaint we can legally consider (it may be premature or not properly made).
    sections = ready_for_proposal(
        decision=RESOLVE, remit={"in_remit": False, "out_of_remit_category": "Out of remit - other"}
    )
    missing = missing_before_resolution(form(**sections), HEALTH)
    assert [(p.requirement, p.field) for p in missing] == [("ASM-153", "remit.in_remit")]
    premature = ready_for_proposal(
        decision=RESOLVE, gate_results=[{"test": "premature", "result": "failed"}]
    )
    assert missing_before_resolution(form(**premature), HEALTH) == []


def test_a_resolution_has_no_decline_reason__ASM_093_ASM_156() -> None:
    decision = decline("premature", "specific") | {"outcome": "resolve"}
    problems = save_problems(form(**ready_for_proposal(decision=decision)), HEALTH, TODAY)
    assert [(p.requirement, p.detail) for p in problems] == [
        ("ASM-093", "a resolution has no decline reason")
    ]


def test_resolving_a_presumed_case_needs_the_exceptional_circumstances__ASM_157() -> None:
    # ¶3.69, ¶3.72: a resolution is a decision not to investigate; a case presumed investigated
    # is closed without one only in exceptional circumstances, recorded.
    sections = ready_for_proposal(decision=RESOLVE)
    sections["presumption"] = {"potential_avoidable_death": True}
    assert requirements(missing_before_resolution(form(**sections), HEALTH)) == {"ASM-157"}


def test_decline_needs_the_form_to_record_it__ASM_093() -> None:
    missing = missing_before_decline(form(**ready_for_proposal()), HEALTH)
    assert [(p.requirement, p.field) for p in missing] == [("ASM-093", "decision.decline_reason")]


def test_wider_importance_discussed_first__ASM_094() -> None:
    sections = ready_for_proposal(wider_importance={"possible": True})
    assert requirements(missing_before_proposal(form(**sections), HEALTH)) == {"ASM-094"}
    sections["wider_importance"]["discussed_with_manager_on"] = "2026-10-20"
    assert missing_before_proposal(form(**sections), HEALTH) == []


def test_departures_recorded_and_explained__ASM_098() -> None:
    ok = form(departures=[{"requirement_ref": "ASM-101", "explanation": "Two calls only: the "
                           "complainant asked us not to call again."}])  # fmt: skip
    assert ok.departures[0].requirement_ref == "ASM-101"
    for bad in (
        {"requirement_ref": "ASM-101"},
        {"requirement_ref": "ASM-101", "explanation": "  "},
        {"requirement_ref": "section 2", "explanation": "Not a requirement."},
    ):
        with pytest.raises(ValidationError):
            form(departures=[bad])


def test_precedent_check_before_a_proposal_or_general_decline__ASM_114() -> None:
    sections = ready_for_proposal()
    del sections["precedent_check"]
    assert requirements(missing_before_proposal(form(**sections), HEALTH)) == {"ASM-114"}
    sections["decision"] = decline(
        "other reason to decline", "general", other_reason="outcome not achievable"
    )
    assert requirements(missing_before_decline(form(**sections), HEALTH)) == {"ASM-114"}
    sections["time_limit"] = out_of_time(decision="not_set_aside")
    sections["decision"] = decline("out of time", "specific")
    assert missing_before_decline(form(**sections), HEALTH) == []


def test_out_of_remit_category_must_apply_to_the_jurisdiction__ASM_115() -> None:
    health_only = form(
        remit={"in_remit": False, "out_of_remit_category": "Pre-1996 clinical matters"}
    )
    assert save_problems(health_only, HEALTH, TODAY) == []
    assert requirements(save_problems(health_only, PARLIAMENTARY, TODAY)) == {"ASM-115"}
    parliamentary_only = form(
        remit={
            "in_remit": False,
            "out_of_remit_category": "Actions abroad other than consular functions",
        }
    )
    assert requirements(save_problems(parliamentary_only, HEALTH, TODAY)) == {"ASM-115"}
    with pytest.raises(ValidationError):
        form(remit={"in_remit": False})


def test_out_of_remit_closure_names_the_recorded_category__ASM_115() -> None:
    sections = ready_for_proposal(
        remit={"in_remit": False, "out_of_remit_category": "Commercial/contractual matters"},
        decision=decline("Commercial/contractual matters", None),
    )
    assert missing_before_decline(form(**sections), HEALTH) == []
    sections["decision"] = decline("Public service personnel matters", None)
    assert requirements(missing_before_decline(form(**sections), HEALTH)) == {"ASM-115"}


def test_material_evidence_before_any_decision__ASM_170() -> None:
    sections = ready_for_proposal(material_evidence=[])
    assert requirements(missing_before_proposal(form(**sections), HEALTH)) == {"ASM-170"}
    seen_only = [{"document_ref": "DOC-1", "description": "Notes", "relied_on": False}]
    sections["material_evidence"] = seen_only
    assert requirements(missing_before_proposal(form(**sections), HEALTH)) == {"ASM-170"}
    sections["decision"] = {"outcome": "propose to investigate"}
    assert requirements(save_problems(form(**sections), HEALTH, TODAY)) == {"ASM-170"}
    twice = [
        {"document_ref": "DOC-1", "description": "A"},
        {"document_ref": "DOC-1", "description": "B"},
    ]
    assert requirements(save_problems(form(material_evidence=twice), HEALTH, TODAY)) == {"ASM-170"}


# --- Alternative legal remedy (ASM-128…136) ---------------------------------------------------


def test_alr_assessed_before_a_proposal__ASM_128() -> None:
    sections = ready_for_proposal()
    del sections["alr"]
    assert requirements(missing_before_proposal(form(**sections), HEALTH)) == {"ASM-128"}
    sections["alr"] = {"exists": True, "routes": ["judicial review"]}
    assert requirements(missing_before_proposal(form(**sections), HEALTH)) == {"ASM-128"}
    sections["alr"] |= {
        "reasonable_to_use": False,
        "factors": [
            {"factor": "ability to get funding", "assessment": "On benefits; no legal aid."}
        ],
        "rationale": "A judicial review would cost far more than the £300 sought.",
    }
    assert missing_before_proposal(form(**sections), HEALTH) == []
    sections["alr"]["reasonable_to_use"] = True
    assert requirements(missing_before_proposal(form(**sections), HEALTH)) == {"ASM-128"}


def test_alr_decision_records_the_analysis__ASM_128() -> None:
    alr = {"exists": True, "routes": ["judicial review"], "reasonable_to_use": False,
           "factors": [{"factor": "time needed", "assessment": "Terminal illness."}]}  # fmt: skip
    problems = save_problems(form(alr=alr), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [("ASM-128", "alr.rationale")]
    no_alr = {"exists": False, "reasonable_to_use": True}
    assert requirements(save_problems(form(alr=no_alr), HEALTH, TODAY)) == {"ASM-128"}


def test_amount_discussed_before_deciding_on_alr__ASM_129() -> None:
    alr = {
        "exists": True,
        "routes": ["clinical negligence claim"],
        "reasonable_to_use": False,
        "factors": [{"factor": "cost or disproportion against the sum sought", "assessment": "x"}],
        "rationale": "Costs would outweigh the sum.",
        "financial": {"amount_sought_pence": 2_000_000, "above_usual": True, "can_afford": False},
    }
    problems = save_problems(form(alr=alr), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [
        ("ASM-129", "alr.financial.discussed_with_complainant")
    ]


def test_court_decided_with_full_remedy_is_alr_achieved__ASM_130() -> None:
    alr = {
        "exists": True,
        "routes": ["benefit tribunal appeal"],
        "court": {
            "stage": "decided",
            "stage_reached": "The tribunal allowed the appeal in June.",
            "could_give_full_remedy": True,
        },
    }
    sections = ready_for_proposal(alr=alr)
    state = gates(form(**sections), HEALTH)
    assert state[GateTest.alr] is GateResult.failed
    assert requirements(missing_before_proposal(form(**sections), HEALTH)) == {"ASM-128"}
    sections["decision"] = decline("out of remit - alternative legal remedy achieved", None)
    assert missing_before_decline(form(**sections), HEALTH) == []
    sections["alr"]["court"]["could_give_full_remedy"] = False
    sections["alr"]["court"]["outcomes_not_available"] = "An apology for the delay."
    assert requirements(missing_before_decline(form(**sections), HEALTH)) == {"ASM-130"}


def test_legal_action_confirmed_how_far_it_got__ASM_130() -> None:
    alr = {"exists": True, "routes": ["judicial review"], "court": {"stage": "pursuing"}}
    problems = save_problems(form(alr=alr), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [("ASM-130", "alr.court.stage_reached")]
    court = {"stage": "decided", "stage_reached": "Decided.", "could_give_full_remedy": False}
    partial = {"exists": True, "routes": ["judicial review"], "court": court}
    problems = save_problems(form(alr=partial), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [
        ("ASM-130", "alr.court.outcomes_not_available")
    ]


def test_negligence_claim_pointed_out__ASM_131() -> None:
    alr = {
        "exists": True,
        "routes": ["clinical negligence claim"],
        "reasonable_to_use": False,
        "factors": [{"factor": "age and circumstances", "assessment": "Aged 93, housebound."}],
        "rationale": "Not reasonable at her age and health.",
    }
    sections = ready_for_proposal(alr=alr)
    assert requirements(missing_before_proposal(form(**sections), HEALTH)) == {"ASM-131"}
    sections["alr"]["negligence_claim_pointed_out"] = True
    assert missing_before_proposal(form(**sections), HEALTH) == []


@pytest.mark.parametrize(
    "route", ["legal action taken against the complainant", "a Coroner's consideration or inquest"]
)
def test_not_an_alr_refused_as_a_ground__ASM_132(route: str) -> None:
    problems = save_problems(form(alr={"exists": True, "routes": [route]}), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [("ASM-132", "alr.routes")]


def test_alr_lists_are_the_guidance_lists__ASM_133() -> None:
    assert {f.value for f in AlrFactor} == {
        "only way to the outcome",
        "cost or disproportion against the sum sought",
        "whether legal action achieves all outcomes",
        "ability to get funding",
        "complexity of the claim",
        "good reason not to go to court",
        "age and circumstances",
        "time needed",
    }
    assert {r.value for r in LegalRoute} >= {
        "clinical negligence claim",
        "benefit tribunal appeal",
        "judicial review",
    }
    alr = {"exists": True, "routes": ["judicial review"], "reasonable_to_use": True,
           "rationale": "Reasonable."}  # fmt: skip
    assert requirements(save_problems(form(alr=alr), HEALTH, TODAY)) == {"ASM-133"}


def test_financial_position_assessed_above_usual__ASM_134() -> None:
    alr: dict[str, Any] = {
        "exists": True,
        "routes": ["clinical negligence claim"],
        "reasonable_to_use": True,
        "factors": [{"factor": "ability to get funding", "assessment": "Works full time."}],
        "rationale": "She can afford a claim for £20,000.",
        "financial": {"above_usual": True, "discussed_with_complainant": True},
    }
    problems = save_problems(form(alr=alr), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [("ASM-134", "alr.financial.can_afford")]
    alr["financial"]["can_afford"] = True
    assert save_problems(form(alr=alr), HEALTH, TODAY) == []


def test_no_financial_evidence_asked_for__ASM_136() -> None:
    financial = {"above_usual": True, "can_afford": False, "financial_evidence": "bank.pdf"}
    with pytest.raises(ValidationError):
        form(alr={"exists": True, "routes": ["judicial review"], "financial": financial})
    fields = FormContent.model_json_schema()["$defs"]["FinancialPosition"]["properties"]
    assert not [f for f in fields if "evidence" in f or "document" in f or "attachment" in f]


def test_reasonable_to_pursue_closure_needs_the_alr_finding__ASM_136() -> None:
    sections = ready_for_proposal(
        decision=decline("reasonable to pursue an alternative legal remedy", "specific")
    )
    assert requirements(missing_before_decline(form(**sections), HEALTH)) == {"ASM-136"}
    sections["alr"] = {
        "exists": True,
        "routes": ["clinical negligence claim"],
        "reasonable_to_use": True,
        "factors": [{"factor": "ability to get funding", "assessment": "Can afford it."}],
        "rationale": "She told us she can afford a claim.",
    }
    assert missing_before_decline(form(**sections), HEALTH) == []


# --- Closed lists (D.1, D.3) ------------------------------------------------------------------


def test_decline_codes_are_the_d1_and_d3_codes__ASM_093() -> None:
    assert {c.value for c in DeclineCode} == set(DECLINE_CODES)
    assert {c.value for c in DeclineCode} >= {
        "out of remit - alternative legal remedy achieved",
        "reasonable to pursue an alternative legal remedy",
        "other reason to decline",
        "premature",
        "Premature: local resolution ongoing",
        "out of time",
    }
    assert len({c.value for c in RemitCategory}) == 13


def test_supervision_points_for_a_supervised_caseworker__ASM_095() -> None:
    points = [{"point": "remit_and_suitability"}, {"point": "decision", "note": "Agreed."}]
    unsupervised = form(supervision_points=points)
    assert requirements(save_problems(unsupervised, HEALTH, TODAY)) == {"ASM-095"}
    assert save_problems(form(supervised=True, supervision_points=points), HEALTH, TODAY) == []


def test_boilerplate_is_what_is_left_after_the_stock_phrases__ASM_127() -> None:
    # Six words of this case's own beyond the stock phrase make a reason; five do not.
    assert not is_boilerplate("No reason to set aside: she never once chased the trust.")
    assert is_boilerplate("No reason to set aside: she never chased the trust.")
    assert is_boilerplate("As above; see above; out of time; in time")


def test_mp_date_only_where_measured_to_the_mp__ASM_119() -> None:
    at_mp = {"awareness_date": "2026-01-05", "complaint_to_mp_date": "2026-09-01"}
    assert save_problems(form(time_limit=at_mp), PARLIAMENTARY, TODAY) == []
    assert requirements(save_problems(form(time_limit=at_mp), HEALTH, TODAY)) == {"ASM-119"}
    vpa = at_mp | {"vpa_case": True}
    assert requirements(save_problems(form(time_limit=vpa), PARLIAMENTARY, TODAY)) == {"ASM-119"}
    for when in ("2026-10-02", "2026-01-04"):  # after it reached us; before the awareness date
        late = at_mp | {"complaint_to_mp_date": when}
        problems = save_problems(form(time_limit=late), PARLIAMENTARY, TODAY)
        assert [p.field for p in problems] == ["time_limit.complaint_to_mp_date"]


def test_part_awareness_before_the_complaint__ASM_126() -> None:
    section = {
        "awareness_date": "2026-01-05",
        "parts": [{"label": "Later", "awareness_date": "2026-10-02"}],
    }
    problems = save_problems(form(time_limit=section), HEALTH, TODAY)
    assert [(p.requirement, p.field) for p in problems] == [
        ("ASM-126", "time_limit.parts[0].awareness_date")
    ]

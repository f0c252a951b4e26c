"""The pure rules of advice at assessment, without a database (ASM-142…148, ASM-150). Values are
the guidance's, written here as literals (requirements §D.16, §D.18)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from assessment_api.advice.rules import (
    AdviceStatus,
    AdviceType,
    ClinicalDecisionFacts,
    ClinicalFormat,
    Earlier,
    OmOutcome,
    RejectionReason,
    RequestFacts,
    StandardFacts,
    StandardOutcome,
    StandardSource,
    clinical_decision_problems,
    follow_up_adviser,
    name_request_problems,
    received_problems,
    request_problems,
    standard_problems,
    without_advice_gaps,
)

TODAY = date(2026, 11, 2)


def fresh(value: str) -> str:
    """A string as JSON gives it (a new object, not an interned literal)."""
    text: str = json.loads(json.dumps(value))
    return text


def clinical(**changes: Any) -> RequestFacts:
    base = RequestFacts(
        advice_type=AdviceType.clinical,
        clinical_format=ClinicalFormat.documented_discussion,
        discipline=fresh("orthopaedics"),
        questions=fresh("Was the two-week referral pathway followed?"),
        due_date=date(2026, 11, 20),
        adviser_id=fresh("clin-adv-7"),
        adviser_change_reason=None,
    )
    return replace(base, **changes)


def fields(problems: list[Any]) -> set[tuple[str, str]]:
    return {(p.requirement, p.field) for p in problems}


def test_the_closed_lists_are_the_guidances__ASM_143_ASM_146_ASM_147() -> None:
    # D.16 advice types and clinical formats; D.18 rejection reasons.
    assert {t.value for t in AdviceType} == {
        "clinical",
        "legal",
        "edi",
        "other_specialist",
        "manager_peer",
    }
    assert {f.value for f in ClinicalFormat} == {"documented_discussion", "written"}
    assert {r.value for r in RejectionReason} == {
        "not credible",
        "not in use at the time",
        "not appropriate given the medical condition or prognosis",
    }
    assert {s.value for s in StandardSource} == {"organisation_provided", "adviser_selected"}


def test_clinical_advice_has_format_discipline_and_questions__ASM_143() -> None:
    assert request_problems(clinical(), TODAY) == []
    bare = clinical(clinical_format=None, discipline=None, questions=None)
    assert fields(request_problems(bare, TODAY)) == {
        ("ASM-143", "format"),
        ("ASM-143", "discipline"),
        ("ASM-143", "questions"),
    }
    assert request_problems(clinical(clinical_format=ClinicalFormat.written), TODAY) == []
    # Only clinical advice has a format.
    edi = clinical(advice_type=AdviceType.edi, adviser_id=None)
    assert fields(request_problems(edi, TODAY)) == {("ASM-143", "format")}
    assert request_problems(replace(edi, clinical_format=None), TODAY) == []
    assert fields(request_problems(clinical(due_date=date(2026, 11, 1)), TODAY)) == {
        ("ASM-143", "due_date")
    }
    assert request_problems(clinical(due_date=TODAY), TODAY) == []


def test_sequential_advice_follows_a_clinical_request__ASM_143() -> None:
    first = Earlier(AdviceType.clinical, AdviceStatus.requested, "clin-adv-7")
    assert request_problems(clinical(depends_on=first), TODAY) == []
    legal = Earlier(AdviceType.legal, AdviceStatus.requested, None)
    assert fields(request_problems(clinical(depends_on=legal), TODAY)) == {
        ("ASM-143", "depends_on_request_id")
    }
    gone = Earlier(AdviceType.clinical, AdviceStatus.withdrawn, "clin-adv-7")
    assert fields(request_problems(clinical(depends_on=gone), TODAY)) == {
        ("ASM-143", "depends_on_request_id")
    }


def test_a_follow_up_defaults_to_the_same_adviser_and_another_needs_a_reason__ASM_144() -> None:
    original = Earlier(AdviceType.clinical, AdviceStatus.received, fresh("clin-adv-7"))
    assert follow_up_adviser(None, original) == "clin-adv-7"
    assert follow_up_adviser(fresh("clin-adv-9"), original) == "clin-adv-9"
    same = clinical(adviser_id=None, follow_up_of=original)
    assert request_problems(same, TODAY) == []
    named_same = clinical(adviser_id=fresh("clin-adv-7"), follow_up_of=original)
    assert request_problems(named_same, TODAY) == []
    other = clinical(adviser_id=fresh("clin-adv-9"), follow_up_of=original)
    assert fields(request_problems(other, TODAY)) == {("ASM-144", "adviser_change_reason")}
    reasoned = replace(other, adviser_change_reason=fresh("The adviser has retired."))
    assert request_problems(reasoned, TODAY) == []
    # Follow-up questions are asked of advice received, of the same kind.
    pending = Earlier(AdviceType.clinical, AdviceStatus.requested, "clin-adv-7")
    assert fields(request_problems(clinical(adviser_id=None, follow_up_of=pending), TODAY)) == {
        ("ASM-144", "follow_up_of")
    }
    edi = Earlier(AdviceType.edi, AdviceStatus.received, None)
    assert ("ASM-144", "follow_up_of") in fields(
        request_problems(clinical(adviser_id=None, follow_up_of=edi), TODAY)
    )
    # A reason for a change needs a follow-up to change.
    assert fields(request_problems(clinical(adviser_change_reason="Retired"), TODAY)) == {
        ("ASM-144", "adviser_change_reason")
    }


def test_advice_received_explains_how_it_was_used__ASM_144() -> None:
    def problems(kind: AdviceType, **kw: Any) -> set[tuple[str, str]]:
        args: dict[str, Any] = {
            "how_used": "It confirmed the gap we found.",
            "quality_concern": None,
            "lead_clinician_id": None,
            "received_on": TODAY,
            "today": TODAY,
        }
        return fields(received_problems(kind, **(args | kw)))

    assert problems(AdviceType.clinical) == set()
    assert problems(AdviceType.clinical, how_used=None) == {("ASM-144", "how_used")}
    assert problems(AdviceType.clinical, quality_concern="Contradicts the records") == {
        ("ASM-144", "quality_concern_raised_with")
    }
    assert (
        problems(
            AdviceType.clinical, quality_concern="Contradicts the records", lead_clinician_id="lc-1"
        )
        == set()
    )
    assert problems(AdviceType.clinical, received_on=date(2026, 11, 3)) == {
        ("ASM-144", "received_on")
    }
    assert problems(AdviceType.legal, how_used=None) == set()


def test_a_name_request_for_a_regulator_tells_a_lead_clinician__ASM_145() -> None:
    ok = name_request_problems(
        for_regulator=True, lead_clinician_told_on=TODAY, received_on=TODAY, today=TODAY
    )
    assert ok == []
    missing = name_request_problems(
        for_regulator=True, lead_clinician_told_on=None, received_on=TODAY, today=TODAY
    )
    assert fields(missing) == {("ASM-145", "lead_clinician_told_on")}
    plain = name_request_problems(
        for_regulator=False, lead_clinician_told_on=None, received_on=TODAY, today=TODAY
    )
    assert plain == []


def no_advice(**changes: Any) -> ClinicalDecisionFacts:
    base = ClinicalDecisionFacts(
        clinical_decision_involved=True,
        om_id=None,
        om_discussed_on=None,
        om_outcome=None,
        lead_clinician_consulted_on=None,
        accredited=False,
        rationale=fresh("A letter sent late; no clinical judgement at issue."),
    )
    return replace(base, **changes)


def test_deciding_without_clinical_advice_needs_the_om_or_accreditation__ASM_142() -> None:
    assert fields(without_advice_gaps(no_advice())) == {("ASM-142", "om_discussed_on")}
    agreed = no_advice(
        om_id="om-1", om_discussed_on=TODAY, om_outcome=OmOutcome.agreed_not_required
    )
    assert without_advice_gaps(agreed) == []
    unsure = replace(agreed, om_outcome=OmOutcome.unsure)
    assert fields(without_advice_gaps(unsure)) == {("ASM-142", "lead_clinician_consulted_on")}
    assert without_advice_gaps(replace(unsure, lead_clinician_consulted_on=TODAY)) == []
    assert without_advice_gaps(no_advice(accredited=True)) == []
    assert fields(without_advice_gaps(replace(agreed, rationale=None))) == {
        ("ASM-142", "rationale")
    }
    assert without_advice_gaps(no_advice(clinical_decision_involved=False)) == []
    assert without_advice_gaps(None) == []


def test_the_record_is_whole_and_accreditation_is_held__ASM_142() -> None:
    half = no_advice(om_id="om-1")
    assert fields(clinical_decision_problems(half, holds_accreditation=False, today=TODAY)) == {
        ("ASM-142", "om_discussed_on")
    }
    claimed = no_advice(accredited=True)
    assert fields(clinical_decision_problems(claimed, holds_accreditation=False, today=TODAY)) == {
        ("ASM-142", "accredited")
    }
    assert clinical_decision_problems(claimed, holds_accreditation=True, today=TODAY) == []
    later = no_advice(
        om_id="om-1", om_discussed_on=date(2026, 11, 3), om_outcome=OmOutcome.agreed_not_required
    )
    assert fields(clinical_decision_problems(later, holds_accreditation=False, today=TODAY)) == {
        ("ASM-142", "om_discussed_on")
    }


def applied(**changes: Any) -> StandardFacts:
    base = StandardFacts(
        outcome=StandardOutcome.standard_applied,
        source=StandardSource.adviser_selected,
        name=fresh("NICE NG226"),
        in_force_at_event_date=True,
        rationale=fresh("In force at the time and written for this condition."),
        organisation_standard=None,
        appropriateness_checked=False,
        rejection_reason=None,
        rejection_explanation=None,
        conflicting_standard=None,
        conflict_explanation=None,
        adviser_stated_clearly=False,
        search_steps=(),
        om_id=None,
        om_confirmed_on=None,
        om_unsure=False,
        lead_clinician_consulted_on=None,
        accredited=False,
    )
    return replace(base, **changes)


def check(facts: StandardFacts, accredited: bool = False) -> set[tuple[str, str]]:
    return fields(standard_problems(facts, holds_accreditation=accredited, today=TODAY))


def test_a_standard_applied_names_its_source_and_was_in_force__ASM_146() -> None:
    assert check(applied()) == set()
    assert check(applied(in_force_at_event_date=False)) == {("ASM-146", "in_force_at_event_date")}
    assert check(applied(in_force_at_event_date=None)) == {("ASM-146", "in_force_at_event_date")}
    assert check(applied(source=None)) == {("ASM-146", "source")}
    assert check(applied(name=None)) == {("ASM-146", "source")}


def test_an_organisations_standard_is_checked_or_set_aside_with_a_reason__ASM_147() -> None:
    theirs = applied(
        source=StandardSource.organisation_provided, organisation_standard=fresh("Trust v3")
    )
    assert check(theirs) == {("ASM-147", "appropriateness_checked")}
    assert check(replace(theirs, appropriateness_checked=True)) == set()
    assert check(replace(theirs, organisation_standard=None, appropriateness_checked=True)) == {
        ("ASM-147", "organisation_standard")
    }
    # The adviser's choice while the organisation gave one: the D.18 reason, documented.
    ours = applied(organisation_standard=fresh("Trust v1 (2015)"))
    assert check(ours) == {("ASM-147", "rejection_reason")}
    assert check(replace(ours, rejection_reason=RejectionReason.not_in_use)) == {
        ("ASM-147", "rejection_reason")
    }
    documented = replace(
        ours,
        rejection_reason=RejectionReason.not_in_use,
        rejection_explanation=fresh("Replaced by version 3 in 2021."),
    )
    assert check(documented) == set()
    # A rejection reason belongs only to the adviser's choice.
    assert ("ASM-147", "rejection_reason") in check(
        replace(theirs, appropriateness_checked=True, rejection_reason=RejectionReason.not_credible)
    )


def test_conflicting_standards_are_explained__ASM_148() -> None:
    conflict = applied(conflicting_standard=fresh("Royal College guidance 2019"))
    assert check(conflict) == {("ASM-148", "conflict_explanation")}
    explained = replace(conflict, conflict_explanation=fresh("NICE is the more specific."))
    assert check(explained) == set()


@pytest.mark.parametrize("accredited", [False, True])
def test_no_applicable_standard_needs_the_steps_and_the_om__ASM_150(accredited: bool) -> None:
    none = applied(
        outcome=StandardOutcome.no_applicable_standard,
        source=None,
        name=None,
        in_force_at_event_date=None,
        accredited=accredited,
    )
    missing = {("ASM-150", "search_steps"), ("ASM-150", "adviser_stated_clearly")}
    if not accredited:
        missing.add(("ASM-150", "om_confirmed_on"))
    assert check(none, accredited=accredited) == missing
    whole = replace(
        none,
        search_steps=(fresh("Searched NICE and the Royal College's guidance"),),
        adviser_stated_clearly=True,
        om_id=None if accredited else "om-1",
        om_confirmed_on=None if accredited else TODAY,
    )
    assert check(whole, accredited=accredited) == set()
    assert check(replace(whole, om_unsure=True), accredited=accredited) == {
        ("ASM-150", "lead_clinician_consulted_on")
    }
    consulted = replace(whole, om_unsure=True, lead_clinician_consulted_on=TODAY)
    assert check(consulted, accredited=accredited) == set()
    # Claiming accreditation one does not hold.
    assert ("ASM-150", "accredited") in check(replace(whole, accredited=True), accredited=False)
    named = replace(whole, name="NICE NG226")
    assert check(named, accredited=accredited) == {("ASM-150", "source")}


YESTERDAY = date(2026, 11, 1)
TOMORROW = date(2026, 11, 3)


def test_legal_advice_goes_to_the_legal_team_not_a_named_adviser__ASM_151() -> None:
    legal = clinical(advice_type=AdviceType.legal, clinical_format=None, adviser_id=None)
    assert request_problems(legal, TODAY) == []
    named = replace(legal, adviser_id=fresh("lawyer-1"))
    assert fields(request_problems(named, TODAY)) == {("ASM-151", "adviser_id")}
    # A follow-up of clinical advice is clinical advice (whichever way the kinds sort).
    first = Earlier(AdviceType.clinical, AdviceStatus.received, None)
    edi = clinical(advice_type=AdviceType.edi, clinical_format=None, adviser_id=None)
    assert ("ASM-144", "follow_up_of") in fields(
        request_problems(replace(edi, follow_up_of=first), TODAY)
    )


@pytest.mark.parametrize(
    ("kind", "needs_how_used"),
    [
        (AdviceType.clinical, True),
        (AdviceType.edi, True),
        (AdviceType.other_specialist, True),
        (AdviceType.manager_peer, True),
        (AdviceType.legal, False),
    ],
)
def test_how_advice_was_used_and_when_it_came__ASM_144(
    kind: AdviceType, needs_how_used: bool
) -> None:
    def problems(**kw: Any) -> set[tuple[str, str]]:
        args: dict[str, Any] = {
            "how_used": None,
            "quality_concern": None,
            "lead_clinician_id": None,
            "received_on": YESTERDAY,
            "today": TODAY,
        }
        return fields(received_problems(kind, **(args | kw)))

    assert problems() == ({("ASM-144", "how_used")} if needs_how_used else set())
    assert problems(how_used="Informed the view.") == set()
    assert problems(how_used="Informed the view.", received_on=TODAY) == set()
    assert problems(how_used="Informed the view.", received_on=TOMORROW) == {
        ("ASM-144", "received_on")
    }
    concern = problems(how_used="Used.", quality_concern="Thin.", lead_clinician_id="lc-1")
    assert concern == (set() if kind is AdviceType.clinical else {("ASM-144", "quality_concern")})


def test_a_name_request_is_recorded_once_received__ASM_145() -> None:
    for day, expected in ((YESTERDAY, set()), (TODAY, set()), (TOMORROW, {"received_on"})):
        problems = name_request_problems(
            for_regulator=False, lead_clinician_told_on=None, received_on=day, today=TODAY
        )
        assert {p.field for p in problems} == expected
    told = name_request_problems(
        for_regulator=False, lead_clinician_told_on=TODAY, received_on=TODAY, today=TODAY
    )
    assert fields(told) == {("ASM-145", "lead_clinician_told_on")}


def test_the_om_discussion_is_whole_and_past__ASM_142() -> None:
    def problems(**kw: Any) -> set[tuple[str, str]]:
        facts = no_advice(**kw)
        return fields(clinical_decision_problems(facts, holds_accreditation=False, today=TODAY))

    whole = {"om_id": "om-1", "om_outcome": OmOutcome.agreed_not_required}
    assert problems(**whole, om_discussed_on=YESTERDAY) == set()
    assert problems(**whole, om_discussed_on=TODAY) == set()
    assert problems(om_outcome=OmOutcome.unsure) == {("ASM-142", "om_discussed_on")}
    assert problems(om_discussed_on=YESTERDAY) == {("ASM-142", "om_discussed_on")}
    assert problems(om_id="om-1", om_discussed_on=YESTERDAY) == {("ASM-142", "om_discussed_on")}
    for day in (YESTERDAY, TODAY):
        assert problems(lead_clinician_consulted_on=day) == set()
    assert problems(lead_clinician_consulted_on=TOMORROW) == {
        ("ASM-142", "lead_clinician_consulted_on")
    }
    # A lead clinician consulted without the OM is not the OM's agreement.
    assert fields(without_advice_gaps(no_advice(lead_clinician_consulted_on=TODAY))) == {
        ("ASM-142", "om_discussed_on")
    }


def test_the_oms_confirmation_names_the_om_and_the_day__ASM_150() -> None:
    none = applied(
        outcome=StandardOutcome.no_applicable_standard, source=None, name=None,
        in_force_at_event_date=None, search_steps=("Searched NICE",), adviser_stated_clearly=True,
    )  # fmt: skip
    assert check(replace(none, om_id="om-1")) == {("ASM-150", "om_confirmed_on")}
    assert check(replace(none, om_confirmed_on=TODAY)) == {("ASM-150", "om_confirmed_on")}
    confirmed = replace(none, om_id="om-1", om_confirmed_on=YESTERDAY)
    assert check(confirmed) == set()
    assert check(replace(confirmed, om_confirmed_on=TOMORROW)) == {("ASM-150", "om_confirmed_on")}
    for day in (YESTERDAY, TODAY):
        assert check(replace(confirmed, lead_clinician_consulted_on=day)) == set()
    assert check(replace(confirmed, lead_clinician_consulted_on=TOMORROW)) == {
        ("ASM-150", "lead_clinician_consulted_on")
    }

"""The pure rules of early consideration, stated with the guidance's own values as literals
(requirements ASM-053…070, C-05, C-06): no database."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest

from assessment_api.early.rules import (
    Component,
    EarlyUnlock,
    Evidence,
    Letter,
    Mp,
    Parties,
    ResolutionProblem,
    Role,
    calls_in_one_week,
    decision_letters,
    decision_unlock,
    overall_resolved,
    parties_from_intake,
    resolution_code,
    resolution_letters,
    resolution_problems,
    suitability_blocks,
    withdrawal_allowed,
)
from shared.calendar import WorkingCalendar

ONE = uuid.UUID(int=1)


@dataclass
class Clock:
    """A deadline row as the kit sees it."""

    effective_due_date: date
    id: uuid.UUID = ONE
    met_at: datetime | None = None
    cancelled_at: datetime | None = None


MON = date(2026, 11, 2)  # a Monday
THU = date(2026, 11, 5)


# --- ASM-053: contact before deciding --------------------------------------------------------


def test_two_failed_calls_mon_and_thu_of_one_week_unlock__ASM_053() -> None:
    got = decision_unlock(
        contact_made=False, failed_call_dates=[MON, THU], written_reply_deadlines=[], today=THU
    )
    assert got is EarlyUnlock.two_failed_calls_in_a_week


def test_one_failed_call_does_not_unlock__ASM_053() -> None:
    got = decision_unlock(
        contact_made=False, failed_call_dates=[MON], written_reply_deadlines=[], today=THU
    )
    assert got is None


@pytest.mark.parametrize(
    ("second", "within"),
    [
        (date(2026, 11, 8), True),  # 6 days later: the same week
        (date(2026, 11, 9), False),  # 7 days later: a week apart, not "in a week"
        (date(2026, 11, 2), True),  # both on the same day
    ],
)
def test_two_calls_must_be_less_than_a_week_apart__ASM_053(second: date, within: bool) -> None:
    assert calls_in_one_week([MON, second]) is within
    got = decision_unlock(
        contact_made=False, failed_call_dates=[second, MON], written_reply_deadlines=[],
        today=second,
    )  # fmt: skip
    assert (got is EarlyUnlock.two_failed_calls_in_a_week) is within


def test_any_two_of_several_calls_within_a_week_count__ASM_053() -> None:
    calls = [date(2026, 10, 1), date(2026, 11, 2), date(2026, 11, 20), date(2026, 11, 24)]
    assert calls_in_one_week(calls)
    assert not calls_in_one_week([date(2026, 10, 1), date(2026, 11, 2), date(2026, 11, 20)])
    assert not calls_in_one_week([])
    # Only the last two of three, or only the first two of three, are within a week.
    assert calls_in_one_week([date(2026, 10, 1), date(2026, 11, 20), date(2026, 11, 24)])
    assert calls_in_one_week([date(2026, 11, 2), date(2026, 11, 4), date(2026, 12, 20)])


def test_written_contact_unanswered_for_a_week_unlocks_from_the_day_after__ASM_053() -> None:
    # Sent Monday 2 November: a reply is due within a week, by Monday 9 November (C-05).
    reply = Clock(effective_due_date=date(2026, 11, 9))
    on_due = decision_unlock(
        contact_made=False, failed_call_dates=[], written_reply_deadlines=[reply],
        today=date(2026, 11, 9),
    )  # fmt: skip
    after = decision_unlock(
        contact_made=False, failed_call_dates=[], written_reply_deadlines=[reply],
        today=date(2026, 11, 10),
    )  # fmt: skip
    assert on_due is None
    assert after is EarlyUnlock.written_contact_unanswered


def test_one_failed_call_and_unanswered_written_contact_unlock__ASM_053() -> None:
    reply = Clock(effective_due_date=date(2026, 11, 9))
    got = decision_unlock(
        contact_made=False, failed_call_dates=[MON], written_reply_deadlines=[reply],
        today=date(2026, 11, 10),
    )  # fmt: skip
    assert got is EarlyUnlock.written_contact_unanswered


def test_an_answered_or_cancelled_reply_clock_does_not_unlock__ASM_053() -> None:
    met = Clock(effective_due_date=date(2026, 11, 9), met_at=datetime(2026, 11, 4, 9, 0))
    gone = Clock(effective_due_date=date(2026, 11, 9), cancelled_at=datetime(2026, 11, 4, 9, 0))
    got = decision_unlock(
        contact_made=False, failed_call_dates=[], written_reply_deadlines=[met, gone],
        today=date(2026, 11, 30),
    )  # fmt: skip
    assert got is None


def test_contact_made_unlocks_at_once__ASM_053() -> None:
    got = decision_unlock(
        contact_made=True, failed_call_dates=[], written_reply_deadlines=[], today=MON
    )
    assert got is EarlyUnlock.contact_made


def test_the_written_reply_rule_is_one_calendar_week__ASM_053_C_05() -> None:
    from assessment_api.early.rules import WRITTEN_REPLY

    assert WRITTEN_REPLY.due_date(MON, WorkingCalendar()) == date(2026, 11, 9)
    # Across a bank holiday the week is still seven calendar days (¶2.100 "within a week").
    assert WRITTEN_REPLY.due_date(date(2026, 12, 21), WorkingCalendar()) == date(2026, 12, 28)


# --- ASM-054: withdrawn -----------------------------------------------------------------------


def test_withdrawn_at_once_without_a_deadline__ASM_054() -> None:
    assert withdrawal_allowed(None, MON)


def test_withdrawn_only_from_the_day_after_the_deadline__ASM_054() -> None:
    deadline = Clock(effective_due_date=date(2026, 11, 16))
    assert not withdrawal_allowed(deadline, date(2026, 11, 15))
    assert not withdrawal_allowed(deadline, date(2026, 11, 16))
    assert withdrawal_allowed(deadline, date(2026, 11, 17))


# --- ASM-058: suitability ---------------------------------------------------------------------


@pytest.mark.parametrize("cited", ["medical_records", "clinical_advice"])
def test_suitability_concern_blocks_medical_records_and_clinical_advice__ASM_058(
    cited: str,
) -> None:
    evidence = [Evidence("complaint_and_response"), Evidence(cited)]
    assert suitability_blocks(
        complainant_is_aggrieved=False, concern=True, full_consideration_done=False,
        evidence=evidence,
    )  # fmt: skip
    # Once the full suitability consideration is done, the decision may go.
    assert not suitability_blocks(
        complainant_is_aggrieved=False, concern=True, full_consideration_done=True,
        evidence=evidence,
    )  # fmt: skip


def test_suitability_does_not_block_other_evidence_or_without_a_concern__ASM_058() -> None:
    others = [Evidence("complaint_and_response"), Evidence("organisation_records")]
    assert not suitability_blocks(
        complainant_is_aggrieved=False, concern=True, full_consideration_done=False,
        evidence=others,
    )  # fmt: skip
    medical = [Evidence("medical_records")]
    assert not suitability_blocks(
        complainant_is_aggrieved=False, concern=False, full_consideration_done=False,
        evidence=medical,
    )  # fmt: skip
    assert not suitability_blocks(
        complainant_is_aggrieved=True, concern=True, full_consideration_done=False,
        evidence=medical,
    )  # fmt: skip


# --- ASM-055, ASM-069, ASM-173: who is written to ---------------------------------------------

C, A, MP1, MP2, R = (uuid.uuid4() for _ in range(5))
PARTIES = Parties(
    complainant=C,
    aggrieved=A,
    mps=(Mp(MP1, referring=True), Mp(MP2, referring=False)),
    representatives=(R,),
)


def _who(letters: list[Letter]) -> dict[uuid.UUID, tuple[str, bool]]:
    return {x.person_id: (x.role.value, x.is_copy) for x in letters}


def test_decision_by_phone_no_letter_to_complainant_but_always_to_mps_and_reps__ASM_055() -> None:
    letters = decision_letters(
        PARTIES, jurisdiction="parliamentary", given_by_phone=True, written_requested=False
    )
    assert _who(letters) == {MP1: ("mp", True), MP2: ("mp", True), R: ("representative", True)}


def test_written_confirmation_on_request__ASM_055() -> None:
    letters = decision_letters(
        PARTIES, jurisdiction="health", given_by_phone=True, written_requested=True
    )
    assert _who(letters)[C] == ("complainant", False)
    assert {MP1, MP2, R} <= set(_who(letters))


def test_not_given_by_phone_the_decision_is_written__ASM_055() -> None:
    letters = decision_letters(
        Parties(complainant=C, aggrieved=None, mps=(), representatives=()),
        jurisdiction="health", given_by_phone=False, written_requested=False,
    )  # fmt: skip
    assert _who(letters) == {C: ("complainant", False)}


def test_resolution_letter_to_complainant_and_copy_to_referring_mp__ASM_069_ASM_173() -> None:
    letters = resolution_letters(
        Parties(complainant=C, aggrieved=None, mps=(Mp(MP1, referring=True),), representatives=()),
        jurisdiction="parliamentary",
    )
    assert _who(letters) == {C: ("complainant", False), MP1: ("mp", True)}
    assert "referring MP" in letters[1].basis
    assert "10(1)" in letters[1].basis


def test_health_resolution_copies_any_mp_involved__ASM_173() -> None:
    letters = resolution_letters(
        Parties(complainant=C, aggrieved=None, mps=(Mp(MP2, referring=False),), representatives=()),
        jurisdiction="health",
    )
    assert _who(letters) == {C: ("complainant", False), MP2: ("mp", True)}
    assert "14(2)" in letters[1].basis


def test_aggrieved_copy_only_when_chosen_and_one_letter_each__ASM_173() -> None:
    without = resolution_letters(PARTIES, jurisdiction="health")
    assert A not in _who(without)
    with_copy = resolution_letters(PARTIES, jurisdiction="health", copy_to_aggrieved=True)
    assert _who(with_copy)[A] == ("aggrieved", True)
    same = Parties(complainant=C, aggrieved=C, mps=(Mp(C, referring=False),), representatives=())
    once = resolution_letters(same, jurisdiction="health", copy_to_aggrieved=True)
    assert [x.role for x in once] == [Role.complainant]


# --- ASM-066, ASM-068, ASM-070: resolution ----------------------------------------------------


def test_overall_resolution_needs_more_than_half__ASM_068() -> None:
    two_of_three = [Component(False, True), Component(False, True), Component(False, False)]
    half = [Component(False, True), Component(False, False)]
    assert overall_resolved(two_of_three)
    assert not overall_resolved(half)
    assert overall_resolved([Component(False, True)])
    assert not overall_resolved([])


def test_the_one_significant_component_resolved_is_enough__ASM_068() -> None:
    significant_resolved = [Component(True, True), Component(False, False), Component(False, False)]
    significant_not = [Component(True, False), Component(False, True), Component(False, False)]
    two_significant = [Component(True, True), Component(True, False), Component(False, False)]
    assert overall_resolved(significant_resolved)
    assert not overall_resolved(significant_not)
    assert not overall_resolved(two_significant)


@pytest.mark.parametrize(
    ("complete", "properly_made", "code"),
    [
        (True, True, "general discretion - resolution"),
        (False, True, "premature - resolution"),
        (True, False, "premature - resolution"),
        (False, False, "premature - resolution"),
    ],
)
def test_resolution_code_follows_readiness__ASM_070(
    complete: bool, properly_made: bool, code: str
) -> None:
    assert resolution_code(complaints_process_complete=complete, properly_made=properly_made) == (
        code
    )
    other = ({"general discretion - resolution", "premature - resolution"} - {code}).pop()
    problems = resolution_problems(
        our_action="We asked the trust to pay.", organisation_already_acting=False,
        complainant_agreed=True, components=[Component(False, True)], closure_code=other,
        complaints_process_complete=complete, properly_made=properly_made,
    )  # fmt: skip
    assert problems == [ResolutionProblem.wrong_closure_code]


def test_resolution_needs_our_action_and_the_complainants_agreement__ASM_066() -> None:
    base: dict[str, Any] = {
        "our_action": "We asked the trust to pay.", "organisation_already_acting": False,
        "complainant_agreed": True, "components": [Component(False, True)],
        "closure_code": "general discretion - resolution",
        "complaints_process_complete": True, "properly_made": True,
    }  # fmt: skip
    assert resolution_problems(**base) == []
    cases: list[tuple[dict[str, Any], str]] = [
        ({"our_action": "   "}, "no_action_of_ours"),
        ({"our_action": None}, "no_action_of_ours"),
        ({"organisation_already_acting": True}, "organisation_action_does_not_count"),
        ({"complainant_agreed": False}, "complainant_not_agreed"),
        ({"components": [Component(False, False)]}, "not_resolved_overall"),
    ]
    for change, problem in cases:
        got = resolution_problems(**(base | change))
        assert [p.value for p in got] == [problem], change


def test_the_rules_value_objects_are_immutable() -> None:
    mp = Mp(MP1, referring=True)
    values: list[object] = [
        mp,
        Parties(complainant=C, aggrieved=None, mps=(mp,), representatives=()),
        Component(significant=True, resolved=True),
        resolution_letters(PARTIES, jurisdiction="health")[0],
    ]
    for value in values:
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.person_id = C  # type: ignore[attr-defined]


def test_mp_letters_follow_the_jurisdiction_as_stored__ASM_173() -> None:
    # Values as JSON and PostgreSQL give them: new string objects, not interned literals.
    health = "".join(["hea", "lth"])
    parliamentary = "".join(["parlia", "mentary"])
    bases = [x.basis for x in resolution_letters(PARTIES, jurisdiction=health)[1:3]]
    assert all("¶3.110" in b for b in bases)
    bases = [x.basis for x in resolution_letters(PARTIES, jurisdiction=parliamentary)[1:3]]
    assert "¶3.109" in bases[0]  # the referring MP
    assert "¶2.104" in bases[1]  # another MP, still told as a representative


def test_every_mp_is_copied_whatever_the_jurisdiction_says__ASM_173() -> None:
    letters = resolution_letters(PARTIES, jurisdiction="unknown")
    assert _who(letters) == {
        C: ("complainant", False), MP1: ("mp", True), MP2: ("mp", True),
        R: ("representative", True),
    }  # fmt: skip
    assert all("¶3.110" in x.basis for x in letters[1:3])


# --- Who the parties are: intake's rows (ASM-173, ASM-174) ---------------------------------------

I_C, I_AG, I_REP, I_REP2, I_MP1, I_MP2 = (uuid.UUID(int=i) for i in range(10, 16))


def _rows(*rows: tuple[uuid.UUID, str, bool]) -> list[tuple[uuid.UUID, str, bool]]:
    # Roles as intake's API writes them (new strings, as JSON gives them).
    return [(p, "".join(list(role)), authority) for p, role, authority in rows]


def test_parties_from_intakes_rows__ASM_173_ASM_174() -> None:
    got = parties_from_intake(
        _rows(
            (I_C, "complainant", False), (I_AG, "aggrieved", False),
            (I_REP, "representative (person)", True),
            (I_REP2, "representative (organisation)", False),
            (I_MP1, "mp (referring)", False), (I_MP2, "mp (assisting)", False),
        )
    )  # fmt: skip
    assert got == Parties(
        complainant=I_C,
        aggrieved=I_AG,
        mps=(Mp(I_MP1, True), Mp(I_MP2, False)),
        representatives=(I_REP,),  # ¶3.112: only with authority
    )


def test_no_complainant_at_intake_is_no_parties__ASM_173() -> None:
    assert parties_from_intake(_rows((I_MP1, "mp (referring)", False))) is None


def test_a_representative_or_aggrieved_who_is_the_complainant_is_the_complainant__ASM_174() -> None:
    got = parties_from_intake(
        _rows(
            (I_C, "complainant", False), (I_C, "representative (person)", True),
            (I_C, "aggrieved", False),
        )
    )  # fmt: skip
    assert got == Parties(complainant=I_C, aggrieved=None, mps=(), representatives=())

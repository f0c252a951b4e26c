"""The pure rules of contact after allocation, with the guidance's values as literals
(ASM-099…102, C-07, C-08; ¶2.212–2.220): no database. Values are fed as new strings, as JSON
and PostgreSQL give them."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from assessment_api.contact.rules import (
    Answer,
    AnswerProblem,
    Availability,
    ContactUnlock,
    FirstContactState,
    Item,
    MethodBasis,
    MethodProblem,
    TimingProblem,
    answer_problem,
    decision_unlock,
    first_contact_state,
    is_first_contact,
    latest_answers,
    method_problems,
    missing_before_decision,
    required_method,
    three_calls_over_two_days,
    timing_problems,
)


def _fresh(value: str) -> str:
    """A string as a JSON body or a database row gives it: a new object."""
    parsed: str = json.loads(json.dumps(value))
    return parsed


MON, TUE, WED, THU, FRI = (date(2026, 11, d) for d in (2, 3, 4, 5, 6))
NEXT_MON = date(2026, 11, 9)


# --- C-08 / ASM-101: three calls over two days ------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "unlocked"),
    [
        ([], False),
        ([MON], False),
        ([MON, TUE], False),  # two calls over two days: one short
        ([MON, MON, MON], False),  # three calls, one day: not "over two days"
        ([MON, MON, MON, MON], False),  # more calls on one day still one day
        ([MON, MON, TUE, WED], True),  # more than three calls over the days
        ([MON, MON, TUE], True),  # the target exactly
        ([MON, TUE, TUE], True),
        ([MON, TUE, WED], True),  # three days is more than two
        ([MON, MON, NEXT_MON], True),  # days apart: more effort, not less
        ([TUE, MON, MON], True),  # order of recording does not matter
    ],
)
def test_three_failed_calls_over_two_days_not_early_considerations_two__C_08_ASM_101_G_25(
    dates: list[date], unlocked: bool
) -> None:
    assert three_calls_over_two_days(dates) is unlocked
    expected = ContactUnlock.three_failed_calls_over_two_days if unlocked else None
    assert decision_unlock(contact_made=False, failed_call_dates=dates) == expected


def test_contact_made_unlocks_whatever_the_calls__ASM_101() -> None:
    assert decision_unlock(contact_made=True, failed_call_dates=[]) == ContactUnlock.contact_made
    assert (
        decision_unlock(contact_made=True, failed_call_dates=[MON, MON, TUE])
        == ContactUnlock.contact_made
    )


# --- C-07 / ASM-099: first contact within 10 working days -------------------------------------

DUE = date(2026, 11, 16)


@pytest.mark.parametrize(
    ("made_on", "today", "cancelled", "state"),
    [
        (None, date(2026, 11, 15), False, FirstContactState.open),
        (None, DUE, False, FirstContactState.open),  # the due day itself is in time
        (None, date(2026, 11, 17), False, FirstContactState.overdue),  # the day after
        (DUE, date(2026, 11, 30), False, FirstContactState.met),
        (date(2026, 11, 10), date(2026, 11, 10), False, FirstContactState.met),
        (date(2026, 11, 17), date(2026, 11, 17), False, FirstContactState.late),
        (None, date(2026, 11, 30), True, FirstContactState.cancelled),
        (date(2026, 11, 17), date(2026, 11, 30), True, FirstContactState.late),
    ],
)
def test_first_contact_met_late_or_overdue__ASM_099_C_07(
    made_on: date | None, today: date, cancelled: bool, state: FirstContactState
) -> None:
    got = first_contact_state(due=DUE, made_on=made_on, today=today, cancelled=cancelled)
    assert got == state


@pytest.mark.parametrize(
    ("reached", "written", "introduced", "details", "first"),
    [
        (True, False, True, True, True),  # a call answered, introduction and details
        (False, True, True, True, True),  # a letter or email sent with both
        (True, False, False, True, False),  # no introduction
        (True, False, True, False, False),  # no direct contact details
        (False, False, True, True, False),  # a call not answered
    ],
)
def test_first_contact_is_introduction_and_direct_details__ASM_099(
    reached: bool, written: bool, introduced: bool, details: bool, first: bool
) -> None:
    got = is_first_contact(
        outcome_reached=reached,
        written_outbound=written,
        introduced=introduced,
        details_given=details,
    )
    assert got is first


def test_a_clock_not_cancelled_by_default__ASM_099_C_07() -> None:
    assert first_contact_state(due=DUE, made_on=None, today=DUE) is FirstContactState.open


# --- ASM-100: the method ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "held", "phone", "channels", "basis", "ask"),
    [
        (None, None, True, {"telephone"}, MethodBasis.telephone_by_default, False),
        (None, None, False, {"letter", "email"}, MethodBasis.no_telephone_number, True),
        (None, "email", True, {"email"}, MethodBasis.preference_held_at_intake, False),
        (None, "letter", False, {"letter"}, MethodBasis.preference_held_at_intake, False),
        (None, "telephone", False, {"letter", "email"}, MethodBasis.no_telephone_number, True),
        (None, "text_relay", True, {"telephone"}, MethodBasis.preference_held_at_intake, False),
        (
            None, "other", True, {"telephone", "letter", "email"},
            MethodBasis.preference_held_at_intake, False,
        ),
        # "other": intake's note says how; no number does not turn it into writing only.
        (
            None, "other", False, {"telephone", "letter", "email"},
            MethodBasis.preference_held_at_intake, False,
        ),
        # ¶2.213: a preference stated at further consideration is used from then on.
        ("email", "telephone", True, {"email"}, MethodBasis.stated_at_further_consideration, False),
        ("telephone", "letter", True, {"telephone"}, MethodBasis.stated_at_further_consideration,
         False),
    ],
)  # fmt: skip
def test_telephone_by_default_else_the_stated_preference__ASM_100(
    stated: str | None,
    held: str | None,
    phone: bool,
    channels: set[str],
    basis: MethodBasis,
    ask: bool,
) -> None:
    method = required_method(
        stated_here=_fresh(stated) if stated else None,
        intake_preference=_fresh(held) if held else None,
        has_phone=phone,
    )
    assert set(method.channels) == channels
    assert method.basis is basis
    assert method.ask_for_number_and_preference is ask


def test_a_channel_other_than_the_method_or_not_asking_is_a_problem__ASM_100() -> None:
    default = required_method(stated_here=None, intake_preference=None, has_phone=True)
    assert (
        method_problems(default, channel=_fresh("telephone"), asked_for_number_and_preference=False)
        == []
    )
    assert method_problems(
        default, channel=_fresh("letter"), asked_for_number_and_preference=False
    ) == [MethodProblem.channel_not_the_required_method]
    no_number = required_method(stated_here=None, intake_preference=None, has_phone=False)
    assert method_problems(
        no_number, channel=_fresh("letter"), asked_for_number_and_preference=False
    ) == [MethodProblem.must_ask_for_number_and_preference]
    assert (
        method_problems(no_number, channel=_fresh("email"), asked_for_number_and_preference=True)
        == []
    )
    assert method_problems(
        no_number, channel=_fresh("telephone"), asked_for_number_and_preference=False
    ) == [
        MethodProblem.channel_not_the_required_method,
        MethodProblem.must_ask_for_number_and_preference,
    ]


@pytest.mark.parametrize(
    ("availability", "day", "problems"),
    [
        (Availability(), MON, []),
        (Availability(only_on=frozenset({_fresh("wednesday")})), WED, []),
        (Availability(only_on=frozenset({_fresh("wednesday")})), TUE,
         [TimingProblem.not_a_day_asked_for]),
        (Availability(days_to_avoid=frozenset({_fresh("friday")})), FRI,
         [TimingProblem.a_day_to_avoid]),
        (Availability(days_to_avoid=frozenset({_fresh("friday")})), THU, []),
        (Availability(dates_to_avoid=((TUE, THU),)), TUE, [TimingProblem.a_date_to_avoid]),
        (Availability(dates_to_avoid=((TUE, THU),)), THU, [TimingProblem.a_date_to_avoid]),
        (Availability(dates_to_avoid=((TUE, THU),)), MON, []),
        (Availability(dates_to_avoid=((TUE, THU),)), FRI, []),
    ],
)  # fmt: skip
def test_only_wednesdays_and_dates_to_avoid__ASM_100(
    availability: Availability, day: date, problems: list[TimingProblem]
) -> None:
    assert timing_problems(availability, day, call=True) == problems


def test_only_wednesdays_binds_calls_days_and_dates_to_avoid_bind_any_contact__ASM_100() -> None:
    only_wednesdays = Availability(only_on=frozenset({_fresh("wednesday")}))
    assert timing_problems(only_wednesdays, TUE, call=False) == []
    avoid = Availability(days_to_avoid=frozenset({_fresh("tuesday")}), dates_to_avoid=((TUE, TUE),))
    assert timing_problems(avoid, TUE, call=False) == [
        TimingProblem.a_day_to_avoid,
        TimingProblem.a_date_to_avoid,
    ]


def test_the_method_and_availability_are_values__ASM_100() -> None:
    method = required_method(stated_here=None, intake_preference=None, has_phone=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        method.basis = MethodBasis.no_telephone_number  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Availability().only_on = frozenset()  # type: ignore[misc]


# --- ASM-102: the checklist -------------------------------------------------------------------

ALL_ITEMS = [
    "identity_verified", "introduction_and_role", "appropriate_time",
    "circumstances_and_impact_acknowledged", "stage_and_next_steps_explained",
    "adjustment_contact_method_agreed", "further_information_established",
    "injustice_and_outcome_recorded", "clinical_advice_explained",
    "financial_amounts_and_severity_scale", "expectations_managed",
    "timescales_and_next_contact", "edr_suitability_considered", "contact_details_given",
]  # fmt: skip
REQUIRED = [
    "identity_verified", "introduction_and_role", "stage_and_next_steps_explained",
    "adjustment_contact_method_agreed", "further_information_established",
    "injustice_and_outcome_recorded", "financial_amounts_and_severity_scale",
    "contact_details_given",
]  # fmt: skip
CONDITIONAL = [
    "adjustment_contact_method_agreed", "clinical_advice_explained",
    "financial_amounts_and_severity_scale", "expectations_managed",
]  # fmt: skip


def test_the_checklist_is_the_fourteen_areas_of_2_219__ASM_102() -> None:
    assert [i.value for i in Item] == ALL_ITEMS


def test_nothing_answered_misses_every_required_area_in_order__ASM_102() -> None:
    assert [i.value for i in missing_before_decision({})] == REQUIRED


@pytest.mark.parametrize("item", ALL_ITEMS)
def test_not_applicable_only_for_conditional_areas__ASM_102(item: str) -> None:
    problem = answer_problem(Item(_fresh(item)), Answer(_fresh("not_applicable")))
    expected = None if item in CONDITIONAL else AnswerProblem.not_applicable_to_unconditional_item
    assert problem == expected


@pytest.mark.parametrize("item", ALL_ITEMS)
def test_alternative_time_only_for_a_good_time_to_speak__ASM_102(item: str) -> None:
    problem = answer_problem(Item(_fresh(item)), Answer(_fresh("alternative_time_agreed")))
    expected = (
        None
        if item == "appropriate_time"
        else AnswerProblem.alternative_time_only_for_appropriate_time
    )
    assert problem == expected
    assert answer_problem(Item(_fresh(item)), Answer(_fresh("covered"))) is None
    assert answer_problem(Item(_fresh(item)), Answer(_fresh("not_covered"))) is None


def test_required_areas_covered_or_not_applicable_leave_nothing_missing__ASM_102() -> None:
    answers = {Item(_fresh(i)): Answer.covered for i in REQUIRED}
    assert missing_before_decision(answers) == []
    answers[Item.financial_amounts_and_severity_scale] = Answer.not_applicable
    assert missing_before_decision(answers) == []
    answers[Item.identity_verified] = Answer.not_covered
    assert missing_before_decision(answers) == [Item.identity_verified]


def test_a_later_conversation_completes_or_reopens_an_area__ASM_102() -> None:
    first = {Item.identity_verified: Answer.covered, Item.contact_details_given: Answer.not_covered}
    second = {Item.contact_details_given: Answer.covered}
    third = {Item.identity_verified: Answer.not_covered}
    assert latest_answers([first, second]) == {
        Item.identity_verified: Answer.covered,
        Item.contact_details_given: Answer.covered,
    }
    assert latest_answers([first, second, third])[Item.identity_verified] is Answer.not_covered

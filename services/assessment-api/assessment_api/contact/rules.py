"""The pure rules of contact after allocation at further consideration (no I/O; tested without
a database). Guidance ¶2.212–2.226.

- ASM-099 (¶2.212, C-07): first contact within 10 working days of allocation. First contact is
  contact in which the caseworker introduced themselves and gave direct contact details: a call
  answered, a reply, or a letter or email sent to a complainant we are to write to. Met on or
  before the due date, late after it, overdue while unmet from the day after it.
- ASM-100 (¶2.213–2.216): the method. A preference the complainant states at further
  consideration is used from then on (¶2.213); else the preference intake holds; else
  telephone. With no telephone number (for a telephone preference or none) we write or email
  and ask for a number and their preferred method (¶2.214). Days they asked to be called on,
  and days and dates to avoid, are kept as data and an attempt outside them needs a reason
  (¶2.215–2.216: "aim to be flexible", not a Policy requirement, so a recorded reason may
  depart from them).
- ASM-101 (¶2.217–2.218, C-08): a decision on the information held is unlocked by contact made,
  or by **three failed calls over two days**: three or more failed outbound calls to the
  complainant made on at least two different calendar days (Europe/London). Three calls on one
  day are not "over two days"; the days need not be consecutive (calls spread further apart are
  more effort, not less).
- ASM-102 (¶2.219–2.220): the conversation checklist, a closed list of the 14 areas of ¶2.219,
  recorded per conversation; the case's checklist is the latest answer to each item over all
  conversations (¶2.220: it may span several contacts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# --- ASM-099 / C-07: first contact ------------------------------------------------------------


class FirstContactState(StrEnum):
    open = "open"  # not yet made, not yet past the due date
    met = "met"  # made on or before the due date
    late = "late"  # made after the due date
    overdue = "overdue"  # not made, and the due date has passed
    cancelled = "cancelled"  # the case closed (or moved on) before first contact


def first_contact_state(
    *, due: date, made_on: date | None, today: date, cancelled: bool = False
) -> FirstContactState:
    """ASM-099: where the 10-working-day first contact stands (exact boundary: the due date
    itself is in time, the day after is late or overdue)."""
    if made_on is None and cancelled:
        return FirstContactState.cancelled
    if made_on is not None:
        return FirstContactState.met if made_on <= due else FirstContactState.late
    return FirstContactState.overdue if today > due else FirstContactState.open


def is_first_contact(
    *, outcome_reached: bool, written_outbound: bool, introduced: bool, details_given: bool
) -> bool:
    """ASM-099: contact made (or a letter or email sent) in which the caseworker introduced
    themselves and gave their direct contact details."""
    return (outcome_reached or written_outbound) and introduced and details_given


# --- ASM-100: the method ----------------------------------------------------------------------

TELEPHONE = "telephone"
LETTER = "letter"
EMAIL = "email"
CHANNELS = frozenset({TELEPHONE, LETTER, EMAIL})
WRITTEN = frozenset({LETTER, EMAIL})

# Intake's "preferred method of contact" (¶1.7) → the channels that honour it. Text relay is a
# call through a relay service; "other" is described in intake's note, which the caseworker
# follows, so any channel may honour it.
PREFERENCE_CHANNELS: Mapping[str, frozenset[str]] = {
    TELEPHONE: frozenset({TELEPHONE}),
    "text_relay": frozenset({TELEPHONE}),
    LETTER: frozenset({LETTER}),
    EMAIL: frozenset({EMAIL}),
    "other": CHANNELS,
}


class MethodBasis(StrEnum):
    stated_at_further_consideration = "stated_at_further_consideration"  # ¶2.213
    preference_held_at_intake = "preference_held_at_intake"  # ¶2.213
    telephone_by_default = "telephone_by_default"  # ¶2.213
    no_telephone_number = "no_telephone_number"  # ¶2.214


@dataclass(frozen=True)
class Method:
    """The channels an outbound attempt may use, why, and whether it must ask for a number and
    the preferred method (¶2.214)."""

    channels: frozenset[str]
    basis: MethodBasis
    preference: str | None
    ask_for_number_and_preference: bool


def required_method(
    *, stated_here: str | None, intake_preference: str | None, has_phone: bool
) -> Method:
    """ASM-100: the channels for the next outbound attempt to the complainant."""
    if stated_here is not None:
        channels = PREFERENCE_CHANNELS.get(stated_here, CHANNELS)
        basis, preference = MethodBasis.stated_at_further_consideration, stated_here
    elif intake_preference is not None:
        channels = PREFERENCE_CHANNELS.get(intake_preference, CHANNELS)
        basis, preference = MethodBasis.preference_held_at_intake, intake_preference
    else:
        channels, basis, preference = (
            frozenset({TELEPHONE}),
            MethodBasis.telephone_by_default,
            None,
        )
    if channels == frozenset({TELEPHONE}) and not has_phone:
        # ¶2.214: a call is wanted but there is no number: write, asking for one.
        return Method(WRITTEN, MethodBasis.no_telephone_number, preference, True)
    return Method(channels, basis, preference, False)


class MethodProblem(StrEnum):
    channel_not_the_required_method = "channel_not_the_required_method"
    must_ask_for_number_and_preference = "must_ask_for_number_and_preference"


def method_problems(
    method: Method, *, channel: str, asked_for_number_and_preference: bool
) -> list[MethodProblem]:
    """ASM-100: why an outbound attempt does not follow the method, or nothing."""
    problems: list[MethodProblem] = []
    if channel not in method.channels:
        problems.append(MethodProblem.channel_not_the_required_method)
    if method.ask_for_number_and_preference and not asked_for_number_and_preference:
        problems.append(MethodProblem.must_ask_for_number_and_preference)
    return problems


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Availability:
    """When the complainant asked to be contacted: ``only_on`` days (empty: any day), days and
    date ranges (inclusive) to avoid."""

    only_on: frozenset[str] = frozenset()
    days_to_avoid: frozenset[str] = frozenset()
    dates_to_avoid: tuple[tuple[date, date], ...] = ()


class TimingProblem(StrEnum):
    not_a_day_asked_for = "not_a_day_asked_for"
    a_day_to_avoid = "a_day_to_avoid"
    a_date_to_avoid = "a_date_to_avoid"


def timing_problems(availability: Availability, day: date, *, call: bool) -> list[TimingProblem]:
    """ASM-100 (¶2.215–2.216): why contact on ``day`` goes against what the complainant asked.
    The days they asked to be called on bind calls (¶2.215: "only on a Wednesday as this is their
    day off"); days and dates to avoid bind any contact (¶2.216)."""
    weekday = WEEKDAYS[day.weekday()]
    problems: list[TimingProblem] = []
    if call and availability.only_on and weekday not in availability.only_on:
        problems.append(TimingProblem.not_a_day_asked_for)
    if weekday in availability.days_to_avoid:
        problems.append(TimingProblem.a_day_to_avoid)
    if any(start <= day <= end for start, end in availability.dates_to_avoid):
        problems.append(TimingProblem.a_date_to_avoid)
    return problems


# --- ASM-101 / C-08: three failed calls over two days -----------------------------------------

FAILED_CALLS_TO_UNLOCK = 3
DAYS_TO_SPREAD_OVER = 2


class ContactUnlock(StrEnum):
    """Why a decision may be made on the case (ASM-101)."""

    contact_made = "contact_made"
    three_failed_calls_over_two_days = "three_failed_calls_over_two_days"


def three_calls_over_two_days(failed_call_dates: Sequence[date]) -> bool:
    """C-08 (¶2.218): at least three failed calls, on at least two different days."""
    return (
        len(failed_call_dates) >= FAILED_CALLS_TO_UNLOCK
        and len(set(failed_call_dates)) >= DAYS_TO_SPREAD_OVER
    )


def decision_unlock(
    *, contact_made: bool, failed_call_dates: Sequence[date]
) -> ContactUnlock | None:
    """ASM-101: why a decision may be made, or None while contact must still be tried."""
    if contact_made:
        return ContactUnlock.contact_made
    if three_calls_over_two_days(failed_call_dates):
        return ContactUnlock.three_failed_calls_over_two_days
    return None


# --- ASM-102: the conversation checklist (¶2.219) ---------------------------------------------


class Item(StrEnum):
    identity_verified = "identity_verified"
    introduction_and_role = "introduction_and_role"
    appropriate_time = "appropriate_time"
    circumstances_and_impact_acknowledged = "circumstances_and_impact_acknowledged"
    stage_and_next_steps_explained = "stage_and_next_steps_explained"
    adjustment_contact_method_agreed = "adjustment_contact_method_agreed"
    further_information_established = "further_information_established"
    injustice_and_outcome_recorded = "injustice_and_outcome_recorded"
    clinical_advice_explained = "clinical_advice_explained"
    financial_amounts_and_severity_scale = "financial_amounts_and_severity_scale"
    expectations_managed = "expectations_managed"
    timescales_and_next_contact = "timescales_and_next_contact"
    edr_suitability_considered = "edr_suitability_considered"
    contact_details_given = "contact_details_given"


class Answer(StrEnum):
    covered = "covered"
    not_applicable = "not_applicable"  # only for the items ¶2.219 makes conditional
    not_covered = "not_covered"
    # ¶2.219 third bullet: not a suitable time, another date agreed.
    alternative_time_agreed = "alternative_time_agreed"


# The items ¶2.219 words as conditional ("if", "where relevant"): the only ones that may be
# answered 'not applicable'.
CONDITIONAL = frozenset(
    {
        Item.adjustment_contact_method_agreed,  # if a reasonable adjustment was requested
        Item.clinical_advice_explained,  # where relevant
        Item.financial_amounts_and_severity_scale,  # if a financial outcome is sought
        Item.expectations_managed,  # if we already know investigation or the outcome unlikely
    }
)

# Required before a decision on a case where contact was made. Each is there because the
# guidance makes it a requirement, not good practice:
# - identity: nothing of the case is discussed with someone unverified (¶2.219, INT-051);
# - introduction, the stage explained and contact details: ASM-099 (¶2.212, Policy);
# - the information still needed: it decides between a decision and 'withdrawn' (¶2.223–2.224);
# - the claimed injustice and outcome: ¶2.219 "ensure ... have been recorded";
# - the amounts sought against the severity scale: ¶2.219 "must be discussed" (if sought);
# - the contact method for a reasonable adjustment: ¶2.219 "agree and record" (if requested).
# The rest (a good time, acknowledging circumstances, clinical advice, expectations, timescales,
# EDR) are the open conversation ¶2.219 asks for, recorded when covered, not gates.
REQUIRED_BEFORE_DECISION = frozenset(
    {
        Item.identity_verified,
        Item.introduction_and_role,
        Item.stage_and_next_steps_explained,
        Item.contact_details_given,
        Item.further_information_established,
        Item.injustice_and_outcome_recorded,
        Item.financial_amounts_and_severity_scale,
        Item.adjustment_contact_method_agreed,
    }
)


class AnswerProblem(StrEnum):
    not_applicable_to_unconditional_item = "not_applicable_to_unconditional_item"
    alternative_time_only_for_appropriate_time = "alternative_time_only_for_appropriate_time"


def answer_problem(item: Item, answer: Answer) -> AnswerProblem | None:
    """ASM-102: an answer the item cannot take."""
    if answer is Answer.not_applicable and item not in CONDITIONAL:
        return AnswerProblem.not_applicable_to_unconditional_item
    if answer is Answer.alternative_time_agreed and item is not Item.appropriate_time:
        return AnswerProblem.alternative_time_only_for_appropriate_time
    return None


def latest_answers(conversations: Iterable[Mapping[Item, Answer]]) -> dict[Item, Answer]:
    """¶2.220: the case's checklist over several contacts, in order: the latest answer wins."""
    merged: dict[Item, Answer] = {}
    for answers in conversations:
        merged.update(answers)
    return merged


def missing_before_decision(answers: Mapping[Item, Answer]) -> list[Item]:
    """ASM-102: the required items not yet covered (a conditional one may be not applicable),
    in the order of ¶2.219."""
    done = {Answer.covered, Answer.not_applicable}
    return [i for i in Item if i in REQUIRED_BEFORE_DECISION and answers.get(i) not in done]

"""ASM-028 (¶2.51–2.54): whom a complainant without an MP referral is directed to."""

from __future__ import annotations

from datetime import date

import pytest

from intake_api.reference.signposting import (
    LeftUkDateInFuture,
    NoMpAdvice,
    NoMpDirection,
    NoMpSituation,
    NoMpSituationInvalid,
    add_years,
    no_mp_signposting,
)
from tests.helpers import TODAY

S = NoMpSituation
D = NoMpDirection


def advise(situation: NoMpSituation, left_uk_on: date | None = None) -> NoMpAdvice:
    return no_mp_signposting(situation, left_uk_on=left_uk_on, today=TODAY)


def test_never_lived_in_uk_goes_to_the_chair_via_pacac__ASM_028() -> None:
    advice = advise(S.never_lived_in_uk)
    assert advice.direct_to is D.pacac_chair_via_pacac
    assert advice.situation is S.never_lived_in_uk
    assert advice.requirement == "ASM-028"
    assert "not through the Chair's constituency office" in advice.signposting_detail
    assert "pacac@parliament.uk" in advice.signposting_detail
    assert "020 7219 3268" in advice.signposting_detail
    assert any("constituency office" in w for w in advice.warnings)


def test_never_lived_in_uk_with_a_leaving_date_is_refused__ASM_028() -> None:
    with pytest.raises(NoMpSituationInvalid):
        advise(S.never_lived_in_uk, date(2020, 1, 1))


def test_former_resident_goes_to_the_previous_constituency_mp__ASM_028() -> None:
    advice = advise(S.former_uk_resident, date(2019, 6, 30))
    assert advice.direct_to is D.previous_constituency_mp
    assert "30 June 2019" in advice.signposting_detail
    assert "PACAC" not in advice.signposting_detail
    assert advice.warnings == ()


def test_former_resident_who_left_today_is_within__ASM_028() -> None:
    assert advise(S.former_uk_resident, TODAY).direct_to is D.previous_constituency_mp


def test_exactly_fifteen_years_is_still_the_previous_mp__ASM_028() -> None:
    advice = advise(S.former_uk_resident, date(2011, 11, 2))
    assert advice.direct_to is D.previous_constituency_mp


def test_fifteen_years_and_a_day_is_the_pacac_route__ASM_028() -> None:
    advice = advise(S.former_uk_resident, date(2011, 11, 1))
    assert advice.direct_to is D.pacac_chair_via_pacac
    assert "more than fifteen years ago" in advice.signposting_detail
    assert "not through the Chair's constituency office" in advice.signposting_detail
    assert any("footnote 18" in w for w in advice.warnings)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 2, 27), D.previous_constituency_mp),
        (date(2027, 2, 28), D.previous_constituency_mp),  # the anniversary in a common year
        (date(2027, 3, 1), D.pacac_chair_via_pacac),
    ],
)
def test_leaving_on_29_february_has_its_anniversary_on_28_february__ASM_028(
    today: date, expected: NoMpDirection
) -> None:
    advice = no_mp_signposting(S.former_uk_resident, left_uk_on=date(2012, 2, 29), today=today)
    assert advice.direct_to is expected


def test_leaving_on_29_february_in_a_leap_anniversary_year__ASM_028() -> None:
    left = date(2008, 2, 29)  # fifteen years on is 2023 (common); 2024 anniversaries irrelevant
    assert add_years(left, 15) == date(2023, 2, 28)
    assert add_years(date(2000, 2, 29), 16) == date(2016, 2, 29)
    within = no_mp_signposting(S.former_uk_resident, left_uk_on=left, today=date(2023, 2, 28))
    beyond = no_mp_signposting(S.former_uk_resident, left_uk_on=left, today=date(2023, 3, 1))
    assert within.direct_to is D.previous_constituency_mp
    assert beyond.direct_to is D.pacac_chair_via_pacac


def test_former_resident_without_a_leaving_date_is_refused__ASM_028() -> None:
    with pytest.raises(NoMpSituationInvalid) as caught:
        advise(S.former_uk_resident)
    assert caught.value.status == 422


@pytest.mark.parametrize("situation", list(NoMpSituation))
def test_a_leaving_date_in_the_future_is_refused__ASM_028(situation: NoMpSituation) -> None:
    with pytest.raises(LeftUkDateInFuture) as caught:
        advise(situation, date(2026, 11, 3))
    assert caught.value.status == 422
    assert caught.value.type == "date-in-future"


def test_own_mp_refuses_gives_house_of_commons_details_with_the_warning__ASM_028() -> None:
    advice = advise(S.own_mp_refuses)
    assert advice.direct_to is D.house_of_commons_contact_details
    assert "House of Commons" in advice.signposting_detail
    assert "will not normally act on behalf of another MP's constituent" in (
        advice.signposting_detail
    )
    assert "cannot require an MP" in advice.signposting_detail
    assert any("Do not direct the complainant to the Chair of PACAC" in w for w in advice.warnings)
    assert any("another MP's constituent" in w for w in advice.warnings)


@pytest.mark.parametrize(
    "left_uk_on", [None, date(2000, 1, 1), date(2020, 1, 1), TODAY, date(1900, 1, 1)]
)
def test_own_mp_refuses_never_yields_pacac__ASM_028(left_uk_on: date | None) -> None:
    advice = advise(S.own_mp_refuses, left_uk_on)
    assert advice.direct_to is not D.pacac_chair_via_pacac
    assert advice.direct_to is D.house_of_commons_contact_details
    assert "PACAC" not in advice.signposting_detail


def test_an_unknown_situation_is_a_422_not_a_crash__ASM_028() -> None:
    with pytest.raises(NoMpSituationInvalid):
        no_mp_signposting("moved_abroad", left_uk_on=None, today=TODAY)  # type: ignore[arg-type]


def test_dates_at_the_ends_of_the_calendar_do_not_overflow__ASM_028() -> None:
    far = date(9999, 12, 31)
    advice = no_mp_signposting(S.former_uk_resident, left_uk_on=date(9990, 1, 1), today=far)
    assert advice.direct_to is D.previous_constituency_mp
    advice = no_mp_signposting(S.former_uk_resident, left_uk_on=date(1, 1, 1), today=far)
    assert advice.direct_to is D.pacac_chair_via_pacac


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2000, 3, 1), -1999, date(1, 3, 1)),
        (date(9998, 3, 1), 1, date(9999, 3, 1)),
    ],
    ids=["to_year_1", "to_year_9999"],
)
def test_whole_years_reach_the_first_and_last_years_there_are__ASM_028(
    day: date, years: int, expected: date
) -> None:
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    ("day", "years"), [(date(2000, 3, 1), -2000), (date(9999, 3, 1), 1)], ids=["year_0", "10000"]
)
def test_whole_years_past_either_end_overflow__ASM_028(day: date, years: int) -> None:
    with pytest.raises(OverflowError):
        add_years(day, years)


def test_fifteen_years_ending_in_the_last_year_there_is_still_ends__ASM_028() -> None:
    # Left on 1 June 9984: the fifteenth anniversary, 1 June 9999, exists, so the day after it is
    # past the register period.
    left = date(9984, 6, 1)

    assert (
        no_mp_signposting(S.former_uk_resident, left_uk_on=left, today=date(9999, 6, 1)).direct_to
        is D.previous_constituency_mp
    )
    assert (
        no_mp_signposting(S.former_uk_resident, left_uk_on=left, today=date(9999, 6, 2)).direct_to
        is D.pacac_chair_via_pacac
    )

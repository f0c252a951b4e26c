"""Working-day and calendar arithmetic (DESIGN §5)."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from shared.calendar import DateOutOfRange, WorkingCalendar, bank_holidays


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# --- bank holiday source ---------------------------------------------------------------------


def test_bank_holidays_include_substitute_days_and_easter() -> None:
    h2026 = bank_holidays(2026)
    assert date(2026, 12, 25) in h2026  # Fri
    assert date(2026, 12, 28) in h2026  # Boxing Day (Sat) substitute
    assert date(2026, 4, 3) in h2026  # Good Friday
    assert date(2026, 4, 6) in h2026  # Easter Monday
    assert date(2026, 8, 31) in h2026  # Late Summer, E&W only (Scotland differs)
    h2027 = bank_holidays(2027)
    assert date(2027, 3, 26) in h2027
    assert date(2027, 3, 29) in h2027


def test_bank_holidays_are_england_and_wales_not_scotland() -> None:
    # 2 Jan and St Andrew's Day are Scottish only.
    assert date(2026, 1, 2) not in bank_holidays(2026)
    assert date(2026, 11, 30) not in bank_holidays(2026)
    assert date(2026, 8, 3) not in bank_holidays(2026)  # Scottish summer holiday


def test_one_off_bank_holidays() -> None:
    assert date(2022, 9, 19) in bank_holidays(2022)  # state funeral
    assert date(2023, 5, 8) in bank_holidays(2023)  # coronation


def test_bank_holidays_cached_per_year() -> None:
    assert bank_holidays(2030) is bank_holidays(2030)


# --- is_working_day --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 12, 24), True),  # Thu
        (date(2026, 12, 25), False),  # Christmas, Fri
        (date(2026, 12, 26), False),  # Sat
        (date(2026, 12, 27), False),  # Sun
        (date(2026, 12, 28), False),  # Boxing Day substitute
        (date(2026, 12, 29), True),
        (date(2021, 12, 27), False),  # Christmas substitute
        (date(2021, 12, 28), False),  # Boxing Day substitute
        (date(2021, 12, 29), True),
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 3, 30), True),
    ],
)
def test_is_working_day(cal: WorkingCalendar, d: date, expected: bool) -> None:
    assert cal.is_working_day(d) is expected


def test_is_bank_holiday_ignores_weekends_and_closures() -> None:
    cal = WorkingCalendar([date(2026, 12, 29)])
    assert cal.is_bank_holiday(date(2026, 12, 28))
    assert not cal.is_bank_holiday(date(2026, 12, 29))
    assert not cal.is_bank_holiday(date(2026, 12, 27))


# --- add_working_days ------------------------------------------------------------------------


def test_ten_working_days_across_christmas_and_new_year(cal: WorkingCalendar) -> None:
    # Counted: 21, 22, 23, 24, 29, 30, 31 Dec, 4, 5, 6 Jan.
    assert cal.add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, date(2026, 12, 21)),
        (4, date(2026, 12, 24)),
        (5, date(2026, 12, 29)),  # skips 25, 26, 27 and substitute 28
        (7, date(2026, 12, 31)),
        (8, date(2027, 1, 4)),  # skips 1 Jan and the weekend
    ],
)
def test_christmas_2026_steps(cal: WorkingCalendar, n: int, expected: date) -> None:
    assert cal.add_working_days(date(2026, 12, 18), n) == expected


def test_christmas_2021_double_substitute(cal: WorkingCalendar) -> None:
    # 25 and 26 Dec 2021 are Sat and Sun, so Mon 27 and Tue 28 are both substitutes.
    assert cal.add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)
    assert cal.add_working_days(date(2021, 12, 23), 2) == date(2021, 12, 29)


def test_across_easter_2027(cal: WorkingCalendar) -> None:
    start = date(2027, 3, 25)  # Thu before Good Friday
    assert cal.add_working_days(start, 1) == date(2027, 3, 30)  # Tue after Easter Monday
    assert cal.add_working_days(start, 3) == date(2027, 4, 1)
    assert cal.add_working_days(start, 5) == date(2027, 4, 5)


def test_across_month_end(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2027, 1, 29), 2) == date(2027, 2, 2)
    assert cal.add_working_days(date(2027, 4, 29), 1) == date(2027, 4, 30)
    # Fri 30 Apr + 1 skips the weekend and the May Day bank holiday (Mon 3 May 2027).
    assert cal.add_working_days(date(2027, 4, 30), 1) == date(2027, 5, 4)


def test_across_year_end_without_christmas_noise(cal: WorkingCalendar) -> None:
    # Wed 31 Dec 2025 + 1: 1 Jan 2026 is a holiday, so Fri 2 Jan (a working day in England).
    assert cal.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)
    assert cal.add_working_days(date(2027, 12, 31), 1) == date(2028, 1, 4)  # Sat 1 Jan -> Mon 3


def test_office_closures_are_skipped() -> None:
    cal = WorkingCalendar([date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)])
    assert not cal.is_working_day(date(2026, 12, 30))
    # Counted: 21, 22, 23, 24 Dec, 4, 5, 6, 7, 8, 11 Jan.
    assert cal.add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 11)
    assert cal.add_working_days(date(2026, 12, 24), 1) == date(2027, 1, 4)
    assert cal.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 1


def test_closures_accept_any_iterable_and_are_exposed() -> None:
    closures = (date(2027, 1, d) for d in (4, 5))
    cal = WorkingCalendar(closures)
    assert cal.closure_dates == frozenset({date(2027, 1, 4), date(2027, 1, 5)})
    assert cal.next_working_day(date(2027, 1, 1)) == date(2027, 1, 6)


def test_closures_do_not_leak_between_calendars() -> None:
    WorkingCalendar([date(2027, 1, 4)])
    assert WorkingCalendar().is_working_day(date(2027, 1, 4))


def test_weekend_start(cal: WorkingCalendar) -> None:
    sat = date(2027, 1, 9)
    sun = date(2027, 1, 10)
    assert cal.add_working_days(sat, 1) == date(2027, 1, 11)
    assert cal.add_working_days(sun, 1) == date(2027, 1, 11)
    assert cal.add_working_days(sat, 5) == date(2027, 1, 15)
    assert cal.add_working_days(sat, 0) == date(2027, 1, 11)
    assert cal.add_working_days(sat, -1) == date(2027, 1, 8)


def test_holiday_start(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2027, 3, 26), 1) == date(2027, 3, 30)  # from Good Friday


def test_zero_days(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2027, 1, 6), 0) == date(2027, 1, 6)
    assert cal.add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 29)


def test_negative_days(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2027, 1, 6), -10) == date(2026, 12, 18)
    assert cal.add_working_days(date(2027, 3, 30), -1) == date(2027, 3, 25)
    assert cal.add_working_days(date(2027, 2, 2), -2) == date(2027, 1, 29)


def test_large_n_is_fast(cal: WorkingCalendar) -> None:
    started = time.perf_counter()
    for _ in range(50):
        result = cal.add_working_days(date(2026, 1, 5), 500)
    assert time.perf_counter() - started < 2.0
    assert cal.working_days_between(date(2026, 1, 5), result) == 500


# --- working_days_between --------------------------------------------------------------------


def test_working_days_between_basic(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(date(2026, 12, 18), date(2027, 1, 6)) == 10
    assert cal.working_days_between(date(2027, 1, 6), date(2026, 12, 18)) == -10
    assert cal.working_days_between(date(2027, 1, 6), date(2027, 1, 6)) == 0
    assert cal.working_days_between(date(2027, 1, 8), date(2027, 1, 10)) == 0  # Fri -> Sun
    assert cal.working_days_between(date(2027, 1, 9), date(2027, 1, 11)) == 1  # Sat -> Mon


def _starts() -> list[date]:
    # Every day from mid-December 2026 to mid-April 2027 covers weekends, Christmas, New Year,
    # month ends and Easter.
    first = date(2026, 12, 10)
    return [first + timedelta(days=i) for i in range(130)]


def test_working_days_between_inverts_add_working_days() -> None:
    cal = WorkingCalendar([date(2027, 2, 15), date(2027, 2, 16)])
    for start in _starts():
        for n in range(1, 30):
            end = cal.add_working_days(start, n)
            assert cal.is_working_day(end), (start, n)
            assert end > start, (start, n)
            assert cal.working_days_between(start, end) == n, (start, n)
            # The day before the result is strictly fewer working days away.
            assert cal.working_days_between(start, end - timedelta(days=1)) == n - 1, (start, n)


def test_negative_steps_invert_from_working_days() -> None:
    cal = WorkingCalendar()
    for start in _starts():
        if not cal.is_working_day(start):
            continue
        for n in range(1, 30):
            back = cal.add_working_days(start, -n)
            assert cal.is_working_day(back), (start, n)
            assert cal.working_days_between(back, start) == n, (start, n)
            assert cal.add_working_days(back, n) == start, (start, n)


def test_add_working_days_is_strictly_increasing_in_n(cal: WorkingCalendar) -> None:
    for start in _starts():
        results = [cal.add_working_days(start, n) for n in range(-15, 16)]
        for n, (earlier, later) in enumerate(itertools.pairwise(results), start=-15):
            if n == 0 and not cal.is_working_day(start):
                # n=0 rounds a non-working start forward, onto the same day as n=1.
                assert earlier == later, start
            else:
                assert earlier < later, (start, n)


# --- next_working_day / working_day_on_or_after ----------------------------------------------


def test_next_working_day(cal: WorkingCalendar) -> None:
    assert cal.next_working_day(date(2027, 1, 6)) == date(2027, 1, 7)
    assert cal.next_working_day(date(2027, 1, 8)) == date(2027, 1, 11)
    assert cal.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_working_day_on_or_after(cal: WorkingCalendar) -> None:
    assert cal.working_day_on_or_after(date(2027, 1, 6)) == date(2027, 1, 6)
    assert cal.working_day_on_or_after(date(2027, 1, 9)) == date(2027, 1, 11)
    assert cal.working_day_on_or_after(date(2026, 12, 25)) == date(2026, 12, 29)
    assert cal.working_day_on_or_after(date(2027, 3, 26)) == date(2027, 3, 30)


# --- calendar units --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2027, 1, 15), 1, date(2027, 2, 15)),
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),  # across year end
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2027, 1, 31), -2, date(2026, 11, 30)),
        (date(2027, 5, 10), 0, date(2027, 5, 10)),
    ],
)
def test_add_months(cal: WorkingCalendar, start: date, n: int, expected: date) -> None:
    assert cal.add_months(start, n) == expected


def test_add_months_does_not_land_on_working_day(cal: WorkingCalendar) -> None:
    # Calendar units are pure calendar arithmetic: Christmas is a valid result.
    assert cal.add_months(date(2026, 11, 25), 1) == date(2026, 12, 25)


def test_add_weeks(cal: WorkingCalendar) -> None:
    assert cal.add_weeks(date(2026, 12, 18), 1) == date(2026, 12, 25)
    assert cal.add_weeks(date(2026, 12, 18), 3) == date(2027, 1, 8)
    assert cal.add_weeks(date(2028, 2, 22), 1) == date(2028, 2, 29)
    assert cal.add_weeks(date(2027, 1, 8), -3) == date(2026, 12, 18)


def test_add_calendar_days(cal: WorkingCalendar) -> None:
    assert cal.add_calendar_days(date(2026, 12, 18), 10) == date(2026, 12, 28)
    assert cal.add_calendar_days(date(2027, 3, 1), -1) == date(2027, 2, 28)
    assert cal.add_calendar_days(date(2028, 3, 1), -1) == date(2028, 2, 29)


# --- input checking --------------------------------------------------------------------------


def test_datetimes_are_rejected(cal: WorkingCalendar) -> None:
    with pytest.raises(TypeError, match="must be a date"):
        cal.add_working_days(datetime(2026, 12, 25, 9, 0), 1)
    with pytest.raises(TypeError, match="must be a date"):
        WorkingCalendar([datetime(2026, 12, 29, 0, 0)])


def test_working_days_between_matches_counting_day_by_day__DESIGN_5() -> None:
    """The arithmetic count equals the plain definition over many ranges, closures included."""
    calendar = WorkingCalendar([date(2026, 12, 29), date(2026, 12, 26), date(2027, 3, 3)])

    def by_day(start: date, end: date) -> int:
        if end < start:
            return -by_day(end, start)
        days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
        return sum(1 for d in days if calendar.is_working_day(d))

    rng = random.Random(20261130)
    for _ in range(1500):
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(1500))
        end = start + timedelta(days=rng.randrange(-400, 800))
        assert calendar.working_days_between(start, end) == by_day(start, end), (start, end)


@pytest.mark.parametrize(
    "count",
    [
        lambda cal: cal.add_working_days(date(9999, 12, 31), 10),
        lambda cal: cal.add_working_days(date(1, 1, 1), -10),
        lambda cal: cal.next_working_day(date(9999, 12, 31)),
        lambda cal: cal.add_calendar_days(date(9999, 12, 31), 1),
        lambda cal: cal.add_weeks(date(9999, 12, 25), 2),
        lambda cal: cal.add_months(date(9999, 12, 1), 1),
        lambda cal: cal.add_months(date(1, 1, 1), -1),
    ],
    ids=["working-days", "working-days-back", "next", "calendar-days", "weeks", "months", "back"],
)
def test_counting_past_the_ends_of_the_calendar_is_a_422_not_an_overflow(
    cal: WorkingCalendar, count: Callable[[WorkingCalendar], date]
) -> None:
    with pytest.raises(DateOutOfRange) as refused:
        count(cal)
    assert (refused.value.status, refused.value.type) == (422, "date-out-of-range")

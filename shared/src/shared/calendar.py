"""Working-day and calendar arithmetic for casework deadlines.

DESIGN §5: "Deadlines in working days use England and Wales bank holidays from the holidays
package, plus office-closure days configured as data; calendar units are used where the
guidance says weeks or months."

Bank holidays come from ``holidays.country_holidays("GB", subdiv="ENG")``. England and Wales
share one list, and the package includes the substitute days that GOV.UK publishes (e.g. Mon
28 Dec 2026 for Boxing Day falling on a Saturday) and one-off days such as the 2023 coronation.
Office closures (e.g. the days between Christmas and New Year) are passed in as dates.

This module is pure arithmetic over dates: no clock, no database. Take "today" from
:class:`shared.clock.Clock`. A result outside the years 0001 to 9999 (a deadline from a date a
client gave as 9999-12-31, say) raises :class:`DateOutOfRange`, a 422, not an ``OverflowError``.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

import holidays

from shared.errors import UnprocessableContent

__all__ = ["DateOutOfRange", "WorkingCalendar", "bank_holidays"]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """Return the England and Wales bank holidays (substitute days included) in ``year``.

    Cached per year for the life of the process, so working-day loops do not rebuild tables.
    """
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def _require_date(value: object, name: str) -> date:
    # datetime is a subclass of date but never equals one, so a datetime would silently miss
    # every holiday and closure lookup.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")
    return value


class DateOutOfRange(UnprocessableContent):
    type = "date-out-of-range"
    title = "The date is too far in the past or future to count from"


def _plus(d: date, delta: timedelta) -> date:
    try:
        return d + delta
    except OverflowError:
        raise DateOutOfRange(
            "Counting from this date leaves the years 0001 to 9999; check the date"
        ) from None


class WorkingCalendar:
    """Working days in England and Wales, less configured office-closure days (DESIGN §5).

    A working day is Monday to Friday that is neither a bank holiday nor a closure day.
    """

    def __init__(self, closure_dates: Iterable[date] = ()) -> None:
        """Build a calendar that also treats each of ``closure_dates`` as a non-working day."""
        self._closures = frozenset(_require_date(d, "closure date") for d in closure_dates)

    @property
    def closure_dates(self) -> frozenset[date]:
        """The configured office-closure days."""
        return self._closures

    def is_bank_holiday(self, d: date) -> bool:
        """Return whether ``d`` is an England and Wales bank holiday (DESIGN §5)."""
        d = _require_date(d, "d")
        return d in bank_holidays(d.year)

    def is_working_day(self, d: date) -> bool:
        """Return whether ``d`` is Mon-Fri, not a bank holiday and not an office closure."""
        d = _require_date(d, "d")
        return (
            d.weekday() < _SATURDAY and d not in self._closures and d not in bank_holidays(d.year)
        )

    def add_working_days(self, start: date, n: int) -> date:
        """Return the date ``n`` working days after ``start`` (DESIGN §5).

        Convention: ``start`` itself is never counted and may be a non-working day, so the
        result for ``n >= 1`` is the n-th working day strictly after ``start``; e.g. 10 working
        days from Fri 18 Dec 2026 is Wed 6 Jan 2027. ``n == 0`` returns ``start`` if it is a
        working day, else the next working day. Negative ``n`` counts backwards the same way:
        the |n|-th working day strictly before ``start``.
        """
        start = _require_date(start, "start")
        if n == 0:
            return self.working_day_on_or_after(start)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        d = start
        while remaining:
            d = _plus(d, step)
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Return the number of working days ``d`` with ``start < d <= end`` (DESIGN §5).

        Negative when ``end`` is before ``start``: minus the count of working days in
        ``end < d <= start``. Inverse of :meth:`add_working_days` for ``n >= 1``:
        ``working_days_between(s, add_working_days(s, n)) == n``.
        """
        start = _require_date(start, "start")
        end = _require_date(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        # Weekdays by arithmetic (a work queue asks this for every overdue item, some years
        # old), then less the bank holidays and closures that fall on weekdays in the range.
        days = (end - start).days
        weeks, rest = divmod(days, 7)
        count = weeks * 5 + sum(
            1 for i in range(1, rest + 1) if (start + timedelta(days=i)).weekday() < _SATURDAY
        )
        off: set[date] = set(self._closures)
        for year in range(start.year, end.year + 1):
            off |= bank_holidays(year)
        return count - sum(1 for d in off if start < d <= end and d.weekday() < _SATURDAY)

    def next_working_day(self, d: date) -> date:
        """Return the first working day strictly after ``d`` (DESIGN §5)."""
        return self.add_working_days(d, 1)

    def working_day_on_or_after(self, d: date) -> date:
        """Return ``d`` if it is a working day, else the first working day after it."""
        d = _require_date(d, "d")
        while not self.is_working_day(d):
            d = _plus(d, _ONE_DAY)
        return d

    def add_calendar_days(self, start: date, n: int) -> date:
        """Return ``start`` plus ``n`` calendar days, ignoring weekends and holidays."""
        return _plus(_require_date(start, "start"), timedelta(days=n))

    def add_weeks(self, start: date, n: int) -> date:
        """Return ``start`` plus ``n`` calendar weeks, for guidance given in weeks (DESIGN §5)."""
        return _plus(_require_date(start, "start"), timedelta(weeks=n))

    def add_months(self, start: date, n: int) -> date:
        """Return ``start`` plus ``n`` calendar months, for guidance given in months (DESIGN §5).

        The day of month is kept where it exists and otherwise clamped to the month's last day:
        31 Jan 2027 + 1 month is 28 Feb 2027, and 31 Jan 2028 + 1 month is 29 Feb 2028.
        """
        start = _require_date(start, "start")
        year, month_index = divmod(start.year * 12 + (start.month - 1) + n, 12)
        month = month_index + 1
        if not date.min.year <= year <= date.max.year:
            raise DateOutOfRange("Counting from this date leaves the years 0001 to 9999")
        return date(year, month, min(start.day, monthrange(year, month)[1]))

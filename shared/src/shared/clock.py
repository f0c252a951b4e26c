"""Time as a dependency.

Nothing in the codebase reads the wall clock or calls ``date.today()`` directly: it asks a
:class:`Clock`. Production apps put a :class:`SystemClock` on ``app.state.clock``; tests put a
:class:`FixedClock` there and move it with :meth:`FixedClock.set` / :meth:`FixedClock.advance`.

``now()`` is always a timezone-aware UTC instant (for storage and ordering). ``today()`` is the
business date in Europe/London, because deadlines and working days are counted on the date the
office sees, not the UTC date: at 00:30 BST on 1 July it is still 30 June in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

BUSINESS_TIMEZONE = ZoneInfo("Europe/London")

__all__ = [
    "BUSINESS_TIMEZONE",
    "Clock",
    "ClockDep",
    "FixedClock",
    "SystemClock",
    "get_clock",
]


@runtime_checkable
class Clock(Protocol):
    """Source of the current instant and the current business date."""

    def now(self) -> datetime:
        """Return the current instant as a timezone-aware UTC datetime."""
        ...

    def today(self) -> date:
        """Return the current business date in Europe/London."""
        ...


def _business_date(instant: datetime) -> date:
    return instant.astimezone(BUSINESS_TIMEZONE).date()


def _require_aware(at: datetime) -> datetime:
    # A naive datetime has no defined instant; guessing UTC or local would shift dates silently.
    if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
        raise ValueError(f"FixedClock needs a timezone-aware datetime, got naive {at!r}")
    return at.astimezone(UTC)


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current instant in UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """Return today's date in Europe/London."""
        return _business_date(self.now())


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime) -> None:
        """Start the clock at ``at``, which must be timezone-aware (any zone; stored as UTC)."""
        self._at = _require_aware(at)

    def now(self) -> datetime:
        """Return the fixed instant in UTC."""
        return self._at

    def today(self) -> date:
        """Return the fixed instant's date in Europe/London."""
        return _business_date(self._at)

    def set(self, at: datetime) -> None:
        """Move the clock to ``at`` (timezone-aware)."""
        self._at = _require_aware(at)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forwards by ``delta`` (backwards if negative)."""
        self._at = self._at + delta

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()})"


_SYSTEM_CLOCK = SystemClock()


async def get_clock(request: Request) -> Clock:
    """FastAPI dependency: the app's clock from ``app.state.clock``, else the system clock."""
    clock: Clock | None = getattr(request.app.state, "clock", None)
    return clock if clock is not None else _SYSTEM_CLOCK


ClockDep = Annotated[Clock, Depends(get_clock)]

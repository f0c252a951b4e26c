"""Deadlines as data (DESIGN §5, XC-TIM): the rule, the original due date and how it was met.

A deadline row is never moved: an agreed extension is its own row, and the database keeps the
deadline's ``effective_due_date`` (the latest extension, else the original) with triggers (intake
migration 0010), and the case's next open clock with more (0015). Work queues are queries over
open deadlines (``met_at`` and ``cancelled_at`` both null) by effective due date.

Each rule that produces a deadline is one ``DeadlineRule`` constant: its text is stored with every
deadline it makes, and its arithmetic is the only place that date is computed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar

from sqlalchemy import Boolean, FetchedValue, Text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.calendar import WorkingCalendar
from shared.clock import BUSINESS_TIMEZONE
from shared.errors import UnprocessableContent


class Unit(StrEnum):
    working_days = "working_days"
    calendar_days = "calendar_days"
    weeks = "weeks"
    months = "months"
    hours = "hours"


@dataclass(frozen=True)
class DeadlineRule:
    """One time rule of the guidance: ``amount`` ``unit`` from a start, and the text stored."""

    text: str
    amount: int
    unit: Unit

    def due_date(self, start: date, calendar: WorkingCalendar) -> date:
        """The due date ``amount`` ``unit`` after ``start`` (requirements §C arithmetic)."""
        match self.unit:
            case Unit.working_days:
                return calendar.add_working_days(start, self.amount)
            case Unit.calendar_days:
                return calendar.add_calendar_days(start, self.amount)
            case Unit.weeks:
                return calendar.add_weeks(start, self.amount)
            case Unit.months:
                return calendar.add_months(start, self.amount)
            case Unit.hours:
                raise ValueError(f"{self.text}: a rule in hours has a due instant, not a date")

    def due_at(self, start: datetime) -> datetime:
        """The due instant of a rule in hours (C-04 call-backs)."""
        if self.unit is not Unit.hours:
            raise ValueError(f"{self.text}: only a rule in hours has a due instant")
        return start + timedelta(hours=self.amount)


class DeadlineColumns:
    """The columns of a deadline table; the service adds ``case_id`` and its own ``kind``."""

    rule: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date]
    due_date: Mapped[date]
    # The latest agreed extension, else due_date; kept by PostgreSQL triggers.
    effective_due_date: Mapped[date] = mapped_column(server_default=FetchedValue())
    due_at: Mapped[datetime | None]
    source_id: Mapped[uuid.UUID | None]
    met_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    # The INSERT returns effective_due_date, so a new deadline is complete without a refresh.
    __mapper_args__: ClassVar[dict[str, Any]] = {"eager_defaults": True}


class ExtensionColumns:
    """The columns of an extension table; the service adds ``deadline_id``."""

    new_due_date: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    is_reasonable_adjustment: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_by: Mapped[str] = mapped_column(Text)


class DeadlineLike(Protocol):
    id: uuid.UUID
    effective_due_date: date
    met_at: datetime | None
    cancelled_at: datetime | None


class ExtensionLike(Protocol):
    id: uuid.UUID
    deadline_id: uuid.UUID


D = TypeVar("D")
E = TypeVar("E", bound=ExtensionLike)


class ExtensionNotLater(UnprocessableContent):
    type = "extension-not-later"
    title = "An extension must move the deadline later"


def new_deadline(
    model: Callable[..., D],
    *,
    rule: DeadlineRule,
    starts_on: date,
    calendar: WorkingCalendar,
    started_at: datetime | None = None,
    **columns: Any,
) -> D:
    """A deadline of ``rule`` from ``starts_on`` (or, for hours, from ``started_at``), unsaved.

    ``columns`` are the service's own: ``case_id``, ``kind``, ``source_id``.
    """
    if rule.unit is Unit.hours:
        if started_at is None:
            raise ValueError("a rule in hours starts at an instant")
        due_at = rule.due_at(started_at)
        # The business date of the due instant, in London, whatever offset the start came in.
        due_on = due_at.astimezone(BUSINESS_TIMEZONE).date()
        return model(
            id=uuid.uuid4(), rule=rule.text, starts_on=starts_on, due_date=due_on,
            due_at=due_at, **columns,
        )  # fmt: skip
    return model(
        id=uuid.uuid4(), rule=rule.text, starts_on=starts_on,
        due_date=rule.due_date(starts_on, calendar), **columns,
    )  # fmt: skip


async def extend_deadline(
    session: AsyncSession,
    extension_model: Callable[..., E],
    deadline: DeadlineLike,
    *,
    new_due_date: date,
    reason: str,
    granted_by: str,
    is_reasonable_adjustment: bool = False,
) -> E:
    """Record an agreed extension; the deadline's original ``due_date`` is never overwritten.

    The new date must be later than the date in force (422 ``extension-not-later``). The
    deadline's ``effective_due_date`` is refreshed from the database, whose trigger moved it.
    """
    current = deadline.effective_due_date
    if new_due_date <= current:
        raise ExtensionNotLater(f"The new date must be after {current.isoformat()}")
    ext = extension_model(
        id=uuid.uuid4(), deadline_id=deadline.id, new_due_date=new_due_date, reason=reason,
        granted_by=granted_by, is_reasonable_adjustment=is_reasonable_adjustment,
    )  # fmt: skip
    session.add(ext)
    await session.flush()
    await session.refresh(deadline, ["effective_due_date"])
    return ext


def is_open(deadline: DeadlineLike) -> bool:
    return deadline.met_at is None and deadline.cancelled_at is None


def passed(deadline: DeadlineLike, today: date) -> bool:
    """True from the day after the date in force: "a day after" is never the deadline day."""
    return today > deadline.effective_due_date


def meet(deadlines: Sequence[DeadlineLike], at: datetime) -> None:
    """Mark the open ones among ``deadlines`` met at ``at`` (flushed with the caller's change)."""
    for d in deadlines:
        if is_open(d):
            d.met_at = at


def cancel(deadlines: Sequence[DeadlineLike], at: datetime) -> None:
    """Cancel the open ones among ``deadlines`` (a restart, a closure)."""
    for d in deadlines:
        if is_open(d):
            d.cancelled_at = at

"""Deadlines as data (shared.casework.deadlines; DESIGN §5, XC-TIM).

Working days are England and Wales working days: Christmas 2026 (Fri 25 Dec, Boxing Day's
substitute Mon 28 Dec), New Year (Fri 1 Jan 2027) and Easter 2027 (Good Friday 26 Mar, Easter
Monday 29 Mar) are not counted. Each working-day result is checked twice: against the date
written out by hand, and against a day-by-day count with ``WorkingCalendar.is_working_day``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Deadline, DeadlineExtension, DeadlineKind
from shared.calendar import WorkingCalendar
from shared.casework.deadlines import (
    DeadlineRule,
    ExtensionNotLater,
    Unit,
    cancel,
    extend_deadline,
    is_open,
    meet,
    new_deadline,
    passed,
)
from tests.shared.casework.builders import make_case

CAL = WorkingCalendar()
LONDON = ZoneInfo("Europe/London")
INFO_RULE = DeadlineRule("C-02 INT-016: information within 10 working days", 10, Unit.working_days)
CALLBACK_RULE = DeadlineRule("C-04 INT-030: return a call-back within 48 hours", 48, Unit.hours)
AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _counted(start: date, n: int, calendar: WorkingCalendar = CAL) -> date:
    """The n-th working day after ``start``, counted one day at a time."""
    d, left = start, n
    while left:
        d += timedelta(days=1)
        if calendar.is_working_day(d):
            left -= 1
    return d


# ---------------------------------------------------------------------------------------------
# DeadlineRule arithmetic
# ---------------------------------------------------------------------------------------------


def test_the_holidays_these_tests_rely_on_are_not_working_days() -> None:
    for holiday in (
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day (a Saturday) moves to Monday
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
    ):
        assert not CAL.is_working_day(holiday), holiday
    assert CAL.is_working_day(date(2026, 12, 29))
    assert CAL.is_working_day(date(2027, 3, 30))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 2), 20, date(2026, 11, 30)),  # no holiday: four weeks
        (date(2026, 12, 18), 10, date(2027, 1, 6)),  # over Christmas and New Year
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # 25th, weekend, substitute 28th
        (date(2026, 12, 25), 1, date(2026, 12, 29)),  # a holiday start is not counted
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day on a Friday
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # Good Friday to Easter Monday
        (date(2027, 3, 19), 10, date(2027, 4, 6)),  # across Easter 2027
        (date(2027, 4, 30), 1, date(2027, 5, 4)),  # early May bank holiday, 3 May
    ],
)
def test_a_working_day_rule_skips_weekends_and_bank_holidays__XC_TIM(
    start: date, n: int, expected: date
) -> None:
    rule = DeadlineRule(f"{n} working days", n, Unit.working_days)

    due = rule.due_date(start, CAL)

    assert due == expected
    assert due == _counted(start, n)
    assert CAL.is_working_day(due)


def test_a_working_day_rule_skips_office_closures__XC_TIM() -> None:
    closed = WorkingCalendar([date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)])
    rule = DeadlineRule("1 working day", 1, Unit.working_days)

    assert rule.due_date(date(2026, 12, 24), closed) == date(2027, 1, 4)
    assert rule.due_date(date(2026, 12, 24), closed) == _counted(date(2026, 12, 24), 1, closed)
    assert rule.due_date(date(2026, 12, 24), CAL) == date(2026, 12, 29)


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        # Calendar units ignore holidays: the guidance says weeks or months (DESIGN §5).
        (DeadlineRule("14 days", 14, Unit.calendar_days), date(2026, 12, 24), date(2027, 1, 7)),
        (DeadlineRule("2 weeks", 2, Unit.weeks), date(2026, 12, 18), date(2027, 1, 1)),
        (DeadlineRule("2 weeks", 2, Unit.weeks), date(2027, 3, 12), date(2027, 3, 26)),
        (DeadlineRule("1 month", 1, Unit.months), date(2027, 1, 31), date(2027, 2, 28)),
        (DeadlineRule("1 month", 1, Unit.months), date(2028, 1, 31), date(2028, 2, 29)),
        (DeadlineRule("3 months", 3, Unit.months), date(2026, 11, 30), date(2027, 2, 28)),
        (DeadlineRule("12 months", 12, Unit.months), date(2026, 12, 25), date(2027, 12, 25)),
    ],
)
def test_calendar_unit_rules_count_every_day__XC_TIM(
    rule: DeadlineRule, start: date, expected: date
) -> None:
    assert rule.due_date(start, CAL) == expected


def test_an_hours_rule_has_a_due_instant__XC_TIM() -> None:
    start = datetime(2026, 12, 24, 16, 45, tzinfo=UTC)
    assert CALLBACK_RULE.due_at(start) == datetime(2026, 12, 26, 16, 45, tzinfo=UTC)


def test_an_hours_rule_refuses_a_due_date() -> None:
    with pytest.raises(ValueError, match="hours"):
        CALLBACK_RULE.due_date(date(2026, 11, 2), CAL)


@pytest.mark.parametrize("unit", [u for u in Unit if u is not Unit.hours])
def test_only_an_hours_rule_has_a_due_instant(unit: Unit) -> None:
    with pytest.raises(ValueError, match="hours"):
        DeadlineRule("not hours", 2, unit).due_at(AT)


# ---------------------------------------------------------------------------------------------
# new_deadline
# ---------------------------------------------------------------------------------------------


async def test_new_deadline_stores_the_rule_and_its_due_date__XC_TIM(
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    deadline = new_deadline(
        Deadline, rule=INFO_RULE, starts_on=date(2026, 12, 18), calendar=CAL,
        case_id=case.id, kind=DeadlineKind.information,
    )  # fmt: skip
    session.add(deadline)
    await session.flush()

    # eager_defaults: the trigger's effective date comes back with the INSERT
    assert deadline.effective_due_date == date(2027, 1, 6)
    session.expunge_all()
    stored = await session.get(Deadline, deadline.id)
    assert stored is not None
    assert stored.case_id == case.id
    assert stored.kind is DeadlineKind.information
    assert stored.rule == INFO_RULE.text
    assert stored.starts_on == date(2026, 12, 18)
    assert stored.due_date == date(2027, 1, 6)
    assert stored.effective_due_date == date(2027, 1, 6)
    assert stored.due_at is None
    assert stored.met_at is None
    assert stored.cancelled_at is None


def test_each_new_deadline_has_its_own_id() -> None:
    a = new_deadline(Deadline, rule=INFO_RULE, starts_on=date(2026, 11, 2), calendar=CAL)
    b = new_deadline(Deadline, rule=INFO_RULE, starts_on=date(2026, 11, 2), calendar=CAL)
    assert isinstance(a.id, uuid.UUID)
    assert a.id != b.id


async def test_an_hours_deadline_records_its_due_instant__XC_TIM(session: AsyncSession) -> None:
    case = await make_case(session)
    started = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    deadline = new_deadline(
        Deadline, rule=CALLBACK_RULE, starts_on=date(2026, 11, 2), calendar=CAL,
        started_at=started, case_id=case.id, kind=DeadlineKind.callback,
    )  # fmt: skip
    session.add(deadline)
    await session.flush()

    session.expunge_all()
    stored = await session.get(Deadline, deadline.id)
    assert stored is not None
    assert stored.due_at == datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
    assert stored.due_date == date(2026, 11, 4)
    assert stored.effective_due_date == date(2026, 11, 4)
    assert stored.rule == CALLBACK_RULE.text


def test_an_hours_deadline_needs_the_instant_it_starts_at() -> None:
    with pytest.raises(ValueError, match="instant"):
        new_deadline(Deadline, rule=CALLBACK_RULE, starts_on=date(2026, 11, 2), calendar=CAL)


@pytest.mark.parametrize(
    "zone",
    [UTC, LONDON, timezone(timedelta(hours=5)), timezone(timedelta(hours=-8))],
    ids=["utc", "london", "plus-5", "minus-8"],
)
def test_an_hours_deadline_is_due_on_the_london_date_of_its_due_instant__XC_TIM(
    zone: timezone | ZoneInfo,
) -> None:
    # Found by this test (fixed): new_deadline stored due_at.date(), the date in whatever offset the
    # start instant was written in, so one instant gives different business dates. A call-back
    # asked for at 00:30 BST on 2 July (23:30 UTC on 1 July) is due at 00:30 BST on 4 July: the
    # office's date is 4 July (shared.clock: deadlines count on the date the office sees).
    started = datetime(2026, 7, 1, 23, 30, tzinfo=UTC).astimezone(zone)

    deadline = new_deadline(
        Deadline, rule=CALLBACK_RULE, starts_on=date(2026, 7, 2), calendar=CAL, started_at=started
    )

    assert deadline.due_at == datetime(2026, 7, 3, 23, 30, tzinfo=UTC)
    assert deadline.due_date == date(2026, 7, 4)


# ---------------------------------------------------------------------------------------------
# Extensions: never overwrite the original; the database keeps the effective date
# ---------------------------------------------------------------------------------------------


async def _stored_deadline(session: AsyncSession, *, due: date = date(2026, 11, 16)) -> Deadline:
    case = await make_case(session)
    deadline = Deadline(
        id=uuid.uuid4(), case_id=case.id, kind=DeadlineKind.information, rule=INFO_RULE.text,
        starts_on=date(2026, 11, 2), due_date=due,
    )  # fmt: skip
    session.add(deadline)
    await session.flush()
    return deadline


async def _fresh(session: AsyncSession, deadline_id: uuid.UUID) -> tuple[date, date]:
    row = (
        await session.execute(
            select(Deadline.due_date, Deadline.effective_due_date).where(Deadline.id == deadline_id)
        )
    ).one()
    return row.due_date, row.effective_due_date


async def _extensions(session: AsyncSession, deadline_id: uuid.UUID) -> int:
    n = await session.scalar(
        select(func.count())
        .select_from(DeadlineExtension)
        .where(DeadlineExtension.deadline_id == deadline_id)
    )
    return int(n or 0)


async def test_extension_never_overwrites_the_original_due_date__XC_TIM(
    session: AsyncSession,
) -> None:
    deadline = await _stored_deadline(session, due=date(2026, 11, 16))

    ext = await extend_deadline(
        session, DeadlineExtension, deadline, new_due_date=date(2026, 11, 30),
        reason="Complainant in hospital", granted_by="kit-caseworker",
        is_reasonable_adjustment=True,
    )  # fmt: skip

    assert await _fresh(session, deadline.id) == (date(2026, 11, 16), date(2026, 11, 30))
    assert deadline.due_date == date(2026, 11, 16)
    assert deadline.effective_due_date == date(2026, 11, 30)
    session.expunge_all()
    stored = await session.get(DeadlineExtension, ext.id)
    assert stored is not None
    assert stored.deadline_id == deadline.id
    assert stored.new_due_date == date(2026, 11, 30)
    assert stored.reason == "Complainant in hospital"
    assert stored.granted_by == "kit-caseworker"
    assert stored.is_reasonable_adjustment is True


async def test_the_effective_due_date_follows_the_newest_extension__XC_TIM(
    session: AsyncSession,
) -> None:
    deadline = await _stored_deadline(session, due=date(2026, 11, 16))

    await extend_deadline(
        session, DeadlineExtension, deadline, new_due_date=date(2026, 11, 23),
        reason="first", granted_by="kit",
    )  # fmt: skip
    await extend_deadline(
        session, DeadlineExtension, deadline, new_due_date=date(2026, 12, 7),
        reason="second", granted_by="kit",
    )  # fmt: skip

    assert deadline.effective_due_date == date(2026, 12, 7)
    assert await _fresh(session, deadline.id) == (date(2026, 11, 16), date(2026, 12, 7))
    assert await _extensions(session, deadline.id) == 2


async def test_an_extension_defaults_to_not_a_reasonable_adjustment(session: AsyncSession) -> None:
    deadline = await _stored_deadline(session)
    ext = await extend_deadline(
        session, DeadlineExtension, deadline, new_due_date=date(2026, 12, 1),
        reason="r", granted_by="kit",
    )  # fmt: skip
    session.expunge_all()
    stored = await session.get(DeadlineExtension, ext.id)
    assert stored is not None
    assert stored.is_reasonable_adjustment is False


@pytest.mark.parametrize(
    "new_due", [date(2026, 11, 16), date(2026, 11, 15), date(2026, 11, 2)], ids=str
)
async def test_an_extension_not_later_than_the_due_date_is_422__XC_TIM(
    session: AsyncSession, new_due: date
) -> None:
    deadline = await _stored_deadline(session, due=date(2026, 11, 16))

    with pytest.raises(ExtensionNotLater) as caught:
        await extend_deadline(
            session, DeadlineExtension, deadline, new_due_date=new_due, reason="r",
            granted_by="kit",
        )  # fmt: skip

    assert caught.value.status == 422
    assert caught.value.type == "extension-not-later"
    assert "2026-11-16" in caught.value.detail
    assert await _extensions(session, deadline.id) == 0
    assert await _fresh(session, deadline.id) == (date(2026, 11, 16), date(2026, 11, 16))


async def test_an_extension_is_measured_against_the_date_in_force__XC_TIM(
    session: AsyncSession,
) -> None:
    deadline = await _stored_deadline(session, due=date(2026, 11, 16))
    await extend_deadline(
        session, DeadlineExtension, deadline, new_due_date=date(2026, 11, 30),
        reason="first", granted_by="kit",
    )  # fmt: skip

    # Later than the original, but earlier than the extension in force: refused.
    with pytest.raises(ExtensionNotLater) as caught:
        await extend_deadline(
            session, DeadlineExtension, deadline, new_due_date=date(2026, 11, 23),
            reason="shorter", granted_by="kit",
        )  # fmt: skip

    assert "2026-11-30" in caught.value.detail
    assert await _extensions(session, deadline.id) == 1
    assert await _fresh(session, deadline.id) == (date(2026, 11, 16), date(2026, 11, 30))


# ---------------------------------------------------------------------------------------------
# passed(), meet() and cancel()
# ---------------------------------------------------------------------------------------------


ONE = uuid.UUID(int=1)


@dataclass
class _Due:
    """A deadline as passed() sees it, without a database."""

    effective_due_date: date
    id: uuid.UUID = ONE
    met_at: datetime | None = None
    cancelled_at: datetime | None = None


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2026, 11, 15), False), (date(2026, 11, 16), False), (date(2026, 11, 17), True)],
    ids=["day_before", "due_day", "day_after"],
)
def test_passed_only_from_the_day_after_the_date_in_force__XC_TIM(
    today: date, expected: bool
) -> None:
    assert passed(_Due(date(2026, 11, 16)), today) is expected


def test_a_calendar_day_deadline_needs_no_start_instant__XC_TIM() -> None:
    deadline = new_deadline(
        Deadline, rule=DeadlineRule("14 days", 14, Unit.calendar_days),
        starts_on=date(2026, 12, 24), calendar=CAL, case_id=uuid.uuid4(),
        kind=DeadlineKind.acknowledgement,
    )  # fmt: skip

    assert deadline.due_date == date(2027, 1, 7)
    assert deadline.due_at is None


async def test_a_deadline_has_not_passed_on_its_day_only_the_day_after__XC_TIM(
    session: AsyncSession,
) -> None:
    deadline = await _stored_deadline(session, due=date(2026, 11, 16))

    assert not passed(deadline, date(2026, 11, 15))
    assert not passed(deadline, date(2026, 11, 16))
    assert passed(deadline, date(2026, 11, 17))


async def test_passed_follows_the_extension_in_force__XC_TIM(session: AsyncSession) -> None:
    deadline = await _stored_deadline(session, due=date(2026, 11, 16))
    await extend_deadline(
        session, DeadlineExtension, deadline, new_due_date=date(2026, 11, 30),
        reason="r", granted_by="kit",
    )  # fmt: skip

    assert not passed(deadline, date(2026, 11, 17))
    assert not passed(deadline, date(2026, 11, 30))
    assert passed(deadline, date(2026, 12, 1))


def _deadline(*, met_at: datetime | None = None, cancelled_at: datetime | None = None) -> Deadline:
    return Deadline(
        id=uuid.uuid4(), rule="r", starts_on=date(2026, 11, 2), due_date=date(2026, 11, 16),
        met_at=met_at, cancelled_at=cancelled_at,
    )  # fmt: skip


EARLIER = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)


def test_meet_only_touches_open_deadlines__XC_TIM() -> None:
    open_, met, cancelled = (
        _deadline(),
        _deadline(met_at=EARLIER),
        _deadline(cancelled_at=EARLIER),
    )

    meet([open_, met, cancelled], LATER)

    assert (open_.met_at, open_.cancelled_at) == (LATER, None)
    assert (met.met_at, met.cancelled_at) == (EARLIER, None)
    assert (cancelled.met_at, cancelled.cancelled_at) == (None, EARLIER)
    assert not is_open(open_)


def test_cancel_only_touches_open_deadlines__XC_TIM() -> None:
    open_, met, cancelled = (
        _deadline(),
        _deadline(met_at=EARLIER),
        _deadline(cancelled_at=EARLIER),
    )

    cancel([open_, met, cancelled], LATER)

    assert (open_.met_at, open_.cancelled_at) == (None, LATER)
    assert (met.met_at, met.cancelled_at) == (EARLIER, None)
    assert (cancelled.met_at, cancelled.cancelled_at) == (None, EARLIER)


async def test_a_met_deadline_is_stored_and_leaves_the_open_queue(session: AsyncSession) -> None:
    deadline = await _stored_deadline(session)
    assert is_open(deadline)

    meet([deadline], LATER)
    await session.flush()

    open_ids = (
        await session.scalars(
            select(Deadline.id).where(
                Deadline.case_id == deadline.case_id,
                Deadline.met_at.is_(None),
                Deadline.cancelled_at.is_(None),
            )
        )
    ).all()
    assert open_ids == []
    stored_met_at = await session.scalar(select(Deadline.met_at).where(Deadline.id == deadline.id))
    assert stored_met_at == LATER

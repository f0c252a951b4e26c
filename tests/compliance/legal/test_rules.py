"""The Legal Team referral clock, database-free (XC-RSK-004, CMP-025, C-23: 24 hours from
receipt, hours not working days)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from compliance_api.legal.rules import is_late, is_overdue, referral_due

# Friday 6 November 2026, 17:00 UTC: the 24 hours run over the weekend (hours, not working days).
RECEIVED = datetime(2026, 11, 6, 17, 0, tzinfo=UTC)


def test_a_referral_is_due_24_hours_after_receipt__XC_RSK_004() -> None:
    assert referral_due(RECEIVED) == datetime(2026, 11, 7, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "late"),
    [
        (timedelta(0), False),
        (timedelta(hours=1), False),
        (timedelta(hours=23, minutes=59, seconds=59), False),
        (timedelta(hours=24), False),  # at the 24th hour: in time
        (timedelta(hours=24, microseconds=1), True),
        (timedelta(hours=24, seconds=1), True),
        (timedelta(days=3), True),
    ],
)
def test_a_referral_after_24_hours_is_late__CMP_025(after: timedelta, late: bool) -> None:
    assert is_late(RECEIVED, RECEIVED + after) is late


def test_late_is_measured_in_any_timezone__XC_RSK_004() -> None:
    # Due 17:00 UTC on 7 November: 18:00 at UTC+1 is that instant, 18:01 a minute later.
    plus_one = timezone(timedelta(hours=1))
    assert is_late(RECEIVED, datetime(2026, 11, 7, 18, 0, tzinfo=plus_one)) is False
    assert is_late(RECEIVED, datetime(2026, 11, 7, 18, 1, tzinfo=plus_one)) is True


def test_an_open_referral_is_overdue_once_its_due_time_has_passed__XC_RSK_004() -> None:
    due = referral_due(RECEIVED)
    assert is_overdue(due, None, due - timedelta(hours=1)) is False
    assert is_overdue(due, None, due) is False
    assert is_overdue(due, None, due + timedelta(seconds=1)) is True
    assert is_overdue(due, due + timedelta(hours=1), due + timedelta(days=1)) is False

"""The Legal Team referral clock, pure (no I/O): XC-RSK-004, CMP-025, C-23 (¶9.44, ¶9.101).

Correspondence suggesting legal action goes to the Legal Team within 24 hours of receipt:
hours, not working days. A referral at the 24th hour is in time; any later is late.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

REFERRAL_WINDOW = timedelta(hours=24)
REFERRAL_RULE = "XC-RSK-004 C-23: to the Legal Team within 24 hours of receipt (¶9.44, ¶9.101)"
PROMPT_RULE = "XC-RSK-004 CMP-126: add or review the case's Legal risk (¶10.60–10.61)"


class Outcome(StrEnum):
    """How a referral task ends: sent to the Legal Team, or dismissed by a person who read the
    correspondence and found it does not suggest legal action (the scanner prefers recall)."""

    referred = "referred"
    dismissed = "dismissed"


def referral_due(received_at: datetime) -> datetime:
    """C-23: the referral is due 24 hours after the correspondence was received."""
    return received_at + REFERRAL_WINDOW


def is_late(received_at: datetime, referred_at: datetime) -> bool:
    """A referral made more than 24 hours after receipt is late (XC-RSK-004)."""
    return referred_at > referral_due(received_at)


def is_overdue(due_at: datetime, done_at: datetime | None, now: datetime) -> bool:
    """An open referral is overdue once its due time has passed."""
    return done_at is None and now > due_at

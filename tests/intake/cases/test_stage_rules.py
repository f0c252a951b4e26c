"""The case register's pure rules (no database): which event about a later stage wins, and
where a case is now (issue #12 "One status for the front end")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intake_api.cases.stage_rules import Place, StageMark, now_at, supersedes

T = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
LATER = T + timedelta(minutes=1)
EARLIER = T - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("new", "kept", "wins"),
    [
        (StageMark("assessment-api", 1, T), None, True),  # nothing kept yet
        (StageMark("assessment-api", 3, EARLIER), StageMark("assessment-api", 2, T), True),
        (StageMark("assessment-api", 2, LATER), StageMark("assessment-api", 2, T), False),  # dup
        (StageMark("assessment-api", 1, LATER), StageMark("assessment-api", 2, T), False),  # older
        # Another service: by time, a tie going to the newcomer.
        (StageMark("investigation-api", 1, LATER), StageMark("assessment-api", 9, T), True),
        (StageMark("investigation-api", 1, T), StageMark("assessment-api", 9, T), True),
        (StageMark("investigation-api", 99, EARLIER), StageMark("assessment-api", 1, T), False),
    ],
)
def test_supersedes(new: StageMark, kept: StageMark | None, wins: bool) -> None:
    assert supersedes(new, kept) is wins


def place(service: str, status: str, at: datetime) -> Place:
    return Place(service, status, owner=None, team=None, closure_code=None, updated_at=at)


@pytest.mark.parametrize(
    ("intake_status", "stage_at", "where"),
    [
        ("referred", T, "assessment-api"),  # opened from the referral, same instant
        ("referred", LATER, "assessment-api"),
        ("referred", EARLIER, "intake-api"),  # a report older than the (new) referral
        ("referred", None, "intake-api"),  # assessment has not reported yet
        ("intake", LATER, "intake-api"),  # restarted at intake (T53)
        ("closed", LATER, "intake-api"),
        ("restart_review", LATER, "intake-api"),
    ],
)
def test_now_at(intake_status: str, stage_at: datetime | None, where: str) -> None:
    intake = place("intake-api", intake_status, T)
    stage = None if stage_at is None else place("assessment-api", "closed", stage_at)
    assert now_at(intake, stage).service == where

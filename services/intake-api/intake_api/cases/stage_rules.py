"""Pure rules of the case register (no I/O): which event about a later stage wins, and where a
case is now (issue #12 "One status for the front end"; DESIGN §1, §2).

A case's events from one producer carry its ``sequence`` in that producer's stream, so the
higher one is the newer. Events from two producers are ordered by ``occurred_at``: the case
moves on from one service to the next, so the later service's first event is the later one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

INTAKE = "intake-api"
ASSESSMENT = "assessment-api"
# Intake's status once it passed the case on: assessment holds it from then on (T13–T16).
PASSED_ON = "referred"


@dataclass(frozen=True)
class StageMark:
    """Which event a projection row was last written from."""

    service: str
    sequence: int
    occurred_at: datetime


def supersedes(new: StageMark, kept: StageMark | None) -> bool:
    """Whether the event ``new`` may overwrite a projection last written from ``kept``.

    Same producer: only a higher sequence (a duplicate or an older event changes nothing).
    Another producer: only an event no older than the kept one.
    """
    if kept is None:
        return True
    if new.service == kept.service:
        return new.sequence > kept.sequence
    return new.occurred_at >= kept.occurred_at


@dataclass(frozen=True)
class Place:
    """Where a case stands in one service."""

    service: str
    status: str
    owner: str | None
    team: str | None
    closure_code: str | None
    updated_at: datetime


def now_at(intake: Place, stage: Place | None) -> Place:
    """Where the case is now: at the later stage once intake passed it on and that stage has
    reported since (a case intake restarted after a closure there is intake's again until the
    next stage reports on the new referral); otherwise at intake."""
    if stage is not None and intake.status == PASSED_ON and stage.updated_at >= intake.updated_at:
        return stage
    return intake

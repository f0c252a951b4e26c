"""The reasonable-adjustment request lifecycle (requirements.md §B.5, ¶1.42–1.45).

``requested`` → ``agreed`` | ``not_reasonable`` → ``outcome_letter_sent``.

Only ``transition()`` assigns ``status``. It also refuses a decision that lacks what the guidance
says must be recorded with it: an agreement needs the disability type (from the drop-down), the
adjustments and the date agreed (¶1.43, INT-033); a refusal needs the reasons, the other ways of
helping that were considered and when the Legal Team was told (¶1.44, INT-034); the outcome
letter needs a reference to the letter (¶1.45, INT-035).

No event is returned: the v1 event catalogue has no people events, and an event envelope belongs
to a case (DESIGN §2), while a request belongs to a person.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from shared.errors import InvalidTransition, UnprocessableContent

if TYPE_CHECKING:
    from intake_api.people.models import ReasonableAdjustmentRequest


class RaStatus(StrEnum):
    requested = "requested"
    agreed = "agreed"
    not_reasonable = "not_reasonable"
    outcome_letter_sent = "outcome_letter_sent"


class RaDecision(StrEnum):
    agreed = "agreed"
    not_reasonable = "not_reasonable"


INITIAL_STATUS = RaStatus.requested

ALLOWED: dict[RaStatus, frozenset[RaStatus]] = {
    RaStatus.requested: frozenset({RaStatus.agreed, RaStatus.not_reasonable}),
    RaStatus.agreed: frozenset({RaStatus.outcome_letter_sent}),
    RaStatus.not_reasonable: frozenset({RaStatus.outcome_letter_sent}),
    RaStatus.outcome_letter_sent: frozenset(),
}

# What must be on the request before it may enter each status.
REQUIRED_FIELDS: dict[RaStatus, tuple[str, ...]] = {
    RaStatus.requested: (),
    RaStatus.agreed: ("disability_type", "agreed_adjustments", "decided_date"),
    RaStatus.not_reasonable: (
        "reasons",
        "alternatives_considered",
        "legal_team_informed_at",
        "decided_date",
    ),
    RaStatus.outcome_letter_sent: ("outcome_letter_reference", "outcome_letter_sent_date"),
}


class ReasonableAdjustmentTransitionNotAllowed(InvalidTransition):
    type = "reasonable-adjustment-transition-not-allowed"
    title = "The reasonable-adjustment request cannot make that transition from its status"


class ReasonableAdjustmentDecisionIncomplete(UnprocessableContent):
    type = "reasonable-adjustment-decision-incomplete"
    title = "The decision lacks details the guidance says must be recorded"


def _missing(ra: ReasonableAdjustmentRequest, to: RaStatus) -> list[str]:
    missing: list[str] = []
    for name in REQUIRED_FIELDS[to]:
        value: str | date | datetime | None = getattr(ra, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(name)
    return missing


def transition(ra: ReasonableAdjustmentRequest, to: RaStatus, *, at: datetime) -> None:
    """Move ``ra`` to ``to`` if the table allows it and the required details are recorded."""
    current = RaStatus(ra.status)
    if to not in ALLOWED[current]:
        raise ReasonableAdjustmentTransitionNotAllowed(
            f"A {current.value} request cannot become {to.value}",
            extensions={"current_status": current.value, "requested_status": to.value},
        )
    missing = _missing(ra, to)
    if missing:
        raise ReasonableAdjustmentDecisionIncomplete(
            f"Record {', '.join(missing)} before the request becomes {to.value}",
            extensions={"missing": missing},
        )
    ra.status = to
    ra.status_changed_at = at
    if to is RaStatus.agreed:
        ra.decision = RaDecision.agreed
        ra.decided_at = at
    elif to is RaStatus.not_reasonable:
        ra.decision = RaDecision.not_reasonable
        ra.decided_at = at
    elif to is RaStatus.outcome_letter_sent:
        ra.outcome_letter_recorded_at = at

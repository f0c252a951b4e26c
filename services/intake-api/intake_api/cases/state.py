"""The intake case lifecycle (requirements.md §B). Only ``transition()`` assigns ``status``.

This is the part of §B.3 intake owns so far: T1 (received), T2 (into intake), and the hand-off
to assessment (T13 to ECT triage, T14 to the allocation queue), which intake records as
``referred``. Closures and the intake gates arrive with the intake domain.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from shared.errors import InvalidTransition
from shared.events.contracts.intake import CaseReferredV1
from shared.events.envelope import EventPayload

if TYPE_CHECKING:
    from intake_api.cases.models import Case


class CaseStatus(StrEnum):
    received = "received"
    intake = "intake"
    referred = "referred"
    closed = "closed"


INITIAL_STATUS = CaseStatus.received

ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.received: frozenset({CaseStatus.intake, CaseStatus.referred}),
    CaseStatus.intake: frozenset({CaseStatus.referred, CaseStatus.closed}),
    CaseStatus.referred: frozenset(),
    CaseStatus.closed: frozenset(),
}


class CaseTransitionNotAllowed(InvalidTransition):
    type = "case-transition-not-allowed"
    title = "The case cannot make that transition from its current status"


def transition(case: Case, to: CaseStatus, *, at: datetime) -> EventPayload | None:
    """Move ``case`` to ``to`` if the table allows it; return the event to emit, if any."""
    current = CaseStatus(case.status)
    if to not in ALLOWED[current]:
        raise CaseTransitionNotAllowed(
            f"A {current.value} case cannot become {to.value}",
            extensions={"current_status": current.value, "requested_status": to.value},
        )
    case.status = to
    case.status_changed_at = at
    if to is CaseStatus.referred:
        case.referred_at = at
        assert case.jurisdiction is not None
        assert case.route is not None
        assert case.triage_category is not None
        return CaseReferredV1(
            reference=case.reference,
            case_type=case.case_type.value,
            jurisdiction=case.jurisdiction.value,
            route=case.route.value,
            triage_category=case.triage_category.value,
            priority=case.priority.value,
            organisation_ids=list(case.organisation_ids),
            received_date=case.received_date,
        )
    return None

"""The intake case lifecycle (requirements.md §B, the intake part). Only ``transition()``
assigns ``status``.

- received → intake: T2, after the previous-contact check (INT-001/002).
- intake → awaiting_information (T4) → intake (T5) or closed 'withdrawn' (T6).
- intake → joint_working_review (T11) → intake (T12, declined by the JW team) or closed.
- intake → referred: the hand-off to assessment (T13 ECT triage, T14 allocation queue, T15 DR,
  T16 AD self-referral). Assessment owns the case's status from then on.
- intake → closed with a closure code (T3, T7, T8, T10).
- closed → restart_review (T9, T51) → intake (T53: a new decision) or closed again
  (T52: nothing has changed; the earlier closure stands).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from shared.errors import InvalidTransition
from shared.events.contracts.intake import CaseClosedV1, CaseReferredV1, CaseRestartedV1
from shared.events.envelope import EventPayload

if TYPE_CHECKING:
    from intake_api.cases.models import Case


class CaseStatus(StrEnum):
    received = "received"
    intake = "intake"
    awaiting_information = "awaiting_information"
    joint_working_review = "joint_working_review"
    referred = "referred"
    closed = "closed"
    restart_review = "restart_review"


INITIAL_STATUS = CaseStatus.received

ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.received: frozenset({CaseStatus.intake}),
    CaseStatus.intake: frozenset(
        {
            CaseStatus.awaiting_information,
            CaseStatus.joint_working_review,
            CaseStatus.referred,
            CaseStatus.closed,
        }
    ),
    CaseStatus.awaiting_information: frozenset({CaseStatus.intake, CaseStatus.closed}),
    CaseStatus.joint_working_review: frozenset({CaseStatus.intake, CaseStatus.closed}),
    CaseStatus.referred: frozenset(),
    CaseStatus.closed: frozenset({CaseStatus.restart_review}),
    CaseStatus.restart_review: frozenset({CaseStatus.intake, CaseStatus.closed}),
}


class CaseTransitionNotAllowed(InvalidTransition):
    type = "case-transition-not-allowed"
    title = "The case cannot make that transition from its current status"


def transition(
    case: Case, to: CaseStatus, *, at: datetime, previous_closure_code: str | None = None
) -> EventPayload | None:
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
            risk_assessment_required=bool(case.risk_assessment_required),
            mp_referred=case.mp_person_id is not None or case.mp_referred_date is not None,
        )
    if to is CaseStatus.closed:
        case.closed_at = at
        assert case.closure_code is not None
        return CaseClosedV1(reference=case.reference, closure_code=case.closure_code)
    if to is CaseStatus.intake and current is CaseStatus.restart_review:
        assert previous_closure_code is not None
        return CaseRestartedV1(
            reference=case.reference, previous_closure_code=previous_closure_code
        )
    return None


# The statuses in which intake may no longer change the case's facts (its fields, parties,
# organisations, priority). A referred case belongs to assessment from the hand-off (¶1.22–1.23,
# ¶2.182: what was passed on is what assessment decides on); a closed case's facts are those its
# decision was made on (¶1.28–1.30), until a restart (T9, ASM-035) brings it back to review.
# Letters, calls and contact attempts stay open: decisions and copies are sent after closure
# (ASM-024), and a party may contact us at any stage (¶1.27). A person's own details are not
# case facts: correcting them is always allowed and announced to the owning service.
FACTS_FROZEN: frozenset[CaseStatus] = frozenset({CaseStatus.referred, CaseStatus.closed})

"""The assessment case lifecycle (requirements.md §B.1 statuses 5–12 and ``CLOSED``, §B.3
T13–T37). Only ``transition()`` assigns ``status``.

- The referral opens the case (T13 ECT triage, T14 allocation queue, T15 DR consent, T16 the AD
  queue for a health organisation's self-referral, which is a route to allocation).
- ``GUARDED``: a proposal to investigate (T35) and every closure that is a decision not to
  investigate (T17, T18, T20, T22, T29, T32, T33, T37; a resolution is one too, ASM-069 and
  ASM-156) need a :class:`RiskClearance` from the risk guard for the case and the right trigger
  (XC-RSK-001, ASM-137, ASM-177). ``transition()`` refuses them without one, so no route, event
  handler or later module can reach those states without the guard having said yes.
- A 'withdrawn' closure (T21, T31) decides nothing about investigating: the information we
  asked for did not come (¶2.102, ¶2.224), so it is not guarded.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from shared.casework.risk_guard import GuardTrigger, RiskClearance
from shared.errors import InvalidTransition

if TYPE_CHECKING:
    from assessment_api.cases.models import Case


class CaseStatus(StrEnum):
    """§B.1 statuses 5–12, and closed (21)."""

    ect_triage = "ect_triage"
    awaiting_allocation = "awaiting_allocation"
    early_consideration = "early_consideration"
    dr_consent_pending = "dr_consent_pending"
    dispute_resolution = "dispute_resolution"
    further_consideration = "further_consideration"
    resolution_requested = "resolution_requested"
    proposed_to_investigate = "proposed_to_investigate"
    closed = "closed"


S = CaseStatus
ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    # T17, T18 closed; T19 to early consideration or allocation.
    S.ect_triage: frozenset({S.early_consideration, S.awaiting_allocation, S.closed}),
    # T24: allocated.
    S.awaiting_allocation: frozenset({S.further_consideration}),
    # T20–T22 closed; T23 passed on; T26 to DR.
    S.early_consideration: frozenset(
        {S.awaiting_allocation, S.further_consideration, S.dr_consent_pending, S.closed}
    ),
    # T27 both consents; T28 back to where it was (a T15 case: to the allocation queue).
    S.dr_consent_pending: frozenset(
        {
            S.dispute_resolution,
            S.early_consideration,
            S.further_consideration,
            S.awaiting_allocation,
        }
    ),
    # T29 agreement; T30 partial or none.
    S.dispute_resolution: frozenset({S.further_consideration, S.closed}),
    # T25 reallocate; T26 DR; T31/T32 closed; T33 resolution requested; T35 proposed.
    S.further_consideration: frozenset(
        {
            S.awaiting_allocation,
            S.dr_consent_pending,
            S.resolution_requested,
            S.proposed_to_investigate,
            S.closed,
        }
    ),
    # T33 closed as a resolution; T34 refused.
    S.resolution_requested: frozenset({S.further_consideration, S.closed}),
    # T37 not confirmed (investigation-api confirms, T36, on its own record).
    S.proposed_to_investigate: frozenset({S.closed}),
    S.closed: frozenset(),
}

# Where the caseworker works on the decision at further consideration: the case held there, or
# awaiting the organisation's answer to a resolution request (T33/T34). The Decision Form, the
# components and the approval of the decision may change while the answer is awaited: an
# agreement closes the case on them (¶3.67).
DECIDING: frozenset[CaseStatus] = frozenset({S.further_consideration, S.resolution_requested})

# Route (intake's CaseReferredV1.route) → the status the case starts in.
OPENING_STATUS: dict[str, CaseStatus] = {
    "ect_triage": S.ect_triage,  # T13
    "awaiting_allocation": S.awaiting_allocation,  # T14
    "dispute_resolution": S.dr_consent_pending,  # T15: consent from both parties first
    "ad_senior_caseworker_teams": S.awaiting_allocation,  # T16: the AD's queue
}

WITHDRAWN = "withdrawn"


def opening_status(route: str) -> CaseStatus:
    """Where a referred case starts; a route assessment does not know waits for allocation."""
    return OPENING_STATUS.get(route, S.awaiting_allocation)


def guard_trigger(to: CaseStatus, closure_code: str | None) -> GuardTrigger | None:
    """XC-RSK-001: the risk assessment trigger a move to ``to`` needs, or None."""
    if to is S.proposed_to_investigate:
        return GuardTrigger.propose
    if to is S.closed and closure_code != WITHDRAWN:
        return GuardTrigger.decline
    return None


class CaseTransitionNotAllowed(InvalidTransition):
    type = "case-transition-not-allowed"
    title = "The case cannot make that transition from its current status"


class RiskClearanceMissing(InvalidTransition):
    """A guarded transition attempted without the guard's clearance for this case and trigger:
    a programming error in the caller, refused all the same (XC-RSK-001)."""

    type = "risk-clearance-missing"
    title = "This transition needs the risk guard's clearance"


def check_allowed(case: Case, to: CaseStatus) -> None:
    """409 ``case-transition-not-allowed`` unless the table allows ``case`` to move to ``to``."""
    current = CaseStatus(case.status)
    if to not in ALLOWED[current]:
        raise CaseTransitionNotAllowed(
            f"A case in {current.value} cannot become {to.value}",
            extensions={"current_status": current.value, "requested_status": to.value},
        )


def transition(
    case: Case,
    to: CaseStatus,
    *,
    at: datetime,
    clearance: RiskClearance | None = None,
    closure_code: str | None = None,
) -> None:
    """Move ``case`` to ``to`` if the table allows it and, for a guarded move, the clearance is
    the guard's for this case and the trigger the move needs."""
    check_allowed(case, to)
    if to is S.closed and not closure_code:
        raise CaseTransitionNotAllowed("A case is closed with a closure code")
    trigger = guard_trigger(to, closure_code)
    if trigger is not None and not _clears(clearance, case.id, trigger):
        raise RiskClearanceMissing(
            f"Moving the case to {to.value} needs a '{trigger.value}' risk assessment (XC-RSK-001)",
            extensions={"requirement": "XC-RSK-001", "trigger": trigger.value},
        )
    case.status = to
    case.status_changed_at = at
    if to is S.closed:
        case.closure_code = closure_code
        case.closed_at = at


def _clears(clearance: RiskClearance | None, case_id: uuid.UUID, trigger: GuardTrigger) -> bool:
    return clearance is not None and clearance.case_id == case_id and clearance.trigger is trigger

"""The lifecycle of a high-risk escalation (requirements §B.6; guidance ¶10.32–10.34, 10.63–10.72).

A high rating opens one: the manager discusses it (CMP-113) and agrees or not; on agreement the
caseworker completes a mitigation plan and sends it to an Assistant Director, who reviews it or
returns it; a case still high after mitigation is put to the assurance meeting for oversight
(CMP-127) and assigned to the Ombudsman or a deputy (the rating is then locked, CMP-115) until the
work is complete. A rating that stops being high before oversight stands the escalation down.
Only ``transition()`` assigns ``state``.
"""

from __future__ import annotations

from enum import StrEnum

from compliance_api.risk.errors import EscalationTransitionNotAllowed


class EscalationState(StrEnum):
    awaiting_manager = "awaiting_manager"
    manager_agreed = "manager_agreed"
    manager_disagreed = "manager_disagreed"
    plan_with_ad = "plan_with_ad"
    plan_reviewed = "plan_reviewed"
    oversight_requested = "oversight_requested"
    oversight_assigned = "oversight_assigned"
    oversight_ended = "oversight_ended"
    stood_down = "stood_down"


S = EscalationState
INITIAL_STATE = S.awaiting_manager

ALLOWED: dict[EscalationState, frozenset[EscalationState]] = {
    S.awaiting_manager: frozenset({S.manager_agreed, S.manager_disagreed, S.stood_down}),
    S.manager_agreed: frozenset({S.plan_with_ad, S.stood_down}),
    # The AD reviews the plan, or returns it to be completed again.
    S.plan_with_ad: frozenset({S.plan_reviewed, S.manager_agreed, S.stood_down}),
    S.plan_reviewed: frozenset({S.oversight_requested, S.stood_down}),
    S.oversight_requested: frozenset({S.oversight_assigned, S.stood_down}),
    # Under oversight the rating is locked (CMP-115): a lower rating does not stand it down.
    S.oversight_assigned: frozenset({S.oversight_ended}),
    S.oversight_ended: frozenset(),
    S.manager_disagreed: frozenset(),
    S.stood_down: frozenset(),
}

# Not finished: a case has at most one open escalation.
OPEN = frozenset(s for s, nexts in ALLOWED.items() if nexts)


def next_state(current: EscalationState, to: EscalationState) -> EscalationState:
    """``to`` if the table allows it from ``current``; else 409 naming both."""
    if to not in ALLOWED[current]:
        raise EscalationTransitionNotAllowed(
            f"A high-risk escalation at {current.value} cannot move to {to.value}",
            extensions={"current_state": current.value, "requested_state": to.value},
        )
    return to

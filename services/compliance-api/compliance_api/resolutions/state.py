"""The lifecycle of a compliance item (requirements §B.4, §D.12; guidance ¶3.66, ¶9.49–9.95).

The statuses are the guidance's, quoted where it quotes them. Only resolution items exist yet:
a resolution agreed at further consideration is recorded in the compliance section and closed
once completed (¶3.66, ASM-155). It is not a recommendation, so the escalation process never
applies to it (CMP-023): its table has ``open → closed`` and nothing else, and the database
refuses any other status or an escalation stage on a resolution item (migration 0011).
Recommendation items and their escalation ladder come with compliance's own lifecycle.
Only ``transition()`` assigns ``status``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from compliance_api.resolutions.errors import ItemTransitionNotAllowed


class ItemKind(StrEnum):
    resolution = "resolution"


class ItemStatus(StrEnum):
    """§B.4 / §D.12, the seed's words where it quotes them."""

    open = "open"
    further_work_required = "further work required"
    on_hold = "on hold"
    refusal_to_comply = "refusal to comply"
    escalated = "escalated"
    escalated_to_slt = "escalated to Senior Leadership Team"
    not_accepted = "open - recommendation not accepted by organisation"
    complied = "complied"
    complied_but_complainant_refused = "complied with - but complainant refused"
    closed_without_compliance = "closed without compliance"
    closed = "closed"


S = ItemStatus

# The escalation ladder's statuses (¶9.85–9.94): never a resolution item's (CMP-023).
ESCALATION_STATUSES = frozenset({S.refusal_to_comply, S.escalated, S.escalated_to_slt})

ALLOWED: dict[ItemKind, dict[ItemStatus, frozenset[ItemStatus]]] = {
    # ¶3.66: recorded when agreed, closed once completed; no reminders, no escalation.
    ItemKind.resolution: {S.open: frozenset({S.closed}), S.closed: frozenset()},
}


class ItemLike(Protocol):
    kind: ItemKind
    status: ItemStatus
    status_changed_at: datetime


def allowed(kind: ItemKind, current: ItemStatus, to: ItemStatus) -> bool:
    return to in ALLOWED[kind].get(current, frozenset())


def transition(item: ItemLike, to: ItemStatus, *, at: datetime) -> None:
    """Move ``item`` to ``to`` if its kind's table allows it from its status; else 409."""
    if not allowed(item.kind, item.status, to):
        why = (
            " (a resolution is not a recommendation: the escalation process does not apply, ¶3.66)"
            if item.kind is ItemKind.resolution and to in ESCALATION_STATUSES
            else ""
        )
        raise ItemTransitionNotAllowed(
            f"A {item.kind.value} item that is {item.status.value} cannot become {to.value}{why}",
            extensions={
                "kind": item.kind.value,
                "current_status": item.status.value,
                "requested_status": to.value,
            },
        )
    item.status = to
    item.status_changed_at = at

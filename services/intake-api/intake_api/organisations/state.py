"""The lifecycle of a "no provisional views on not-upheld cases" agreement (¶3.81, ¶8.42, B.2).

An agreement is recorded ``in_force`` and may later be ``withdrawn``; a withdrawn agreement stays
withdrawn (a new agreement is a new record). Only ``transition()`` assigns ``status``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from intake_api.organisations.errors import PvOptOutTransitionNotAllowed

if TYPE_CHECKING:
    from intake_api.organisations.models import PvOptOut


class PvOptOutStatus(StrEnum):
    in_force = "in_force"
    withdrawn = "withdrawn"


INITIAL_STATUS = PvOptOutStatus.in_force

ALLOWED: dict[PvOptOutStatus, frozenset[PvOptOutStatus]] = {
    PvOptOutStatus.in_force: frozenset({PvOptOutStatus.withdrawn}),
    PvOptOutStatus.withdrawn: frozenset(),
}


def transition(
    agreement: PvOptOut, to: PvOptOutStatus, *, at: datetime, by: str, reason: str
) -> None:
    """Move ``agreement`` to ``to`` if the table allows it, stamping who, when and why."""
    current = PvOptOutStatus(agreement.status)
    if to not in ALLOWED[current]:
        raise PvOptOutTransitionNotAllowed(
            f"A {current.value} agreement cannot become {to.value}",
            extensions={"current_status": current.value, "requested_status": to.value},
        )
    agreement.status = to
    if to is PvOptOutStatus.withdrawn:
        agreement.withdrawn_at = at
        agreement.withdrawn_by = by
        agreement.withdrawal_reason = reason

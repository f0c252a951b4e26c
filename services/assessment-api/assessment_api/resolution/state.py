"""The lifecycle of a resolution request at further consideration (§B.3 T33, T34): requested of
the organisation, then agreed (the case closes as a resolution) or refused (the case returns to
further consideration). Only ``transition()`` assigns ``status``."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from shared.errors import InvalidTransition

if TYPE_CHECKING:
    from assessment_api.resolution.models import FcResolutionRequest


class RequestStatus(StrEnum):
    requested = "requested"
    agreed = "agreed"  # T33
    refused = "refused"  # T34


ALLOWED: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.requested: frozenset({RequestStatus.agreed, RequestStatus.refused}),
    RequestStatus.agreed: frozenset(),
    RequestStatus.refused: frozenset(),
}


class RequestTransitionNotAllowed(InvalidTransition):
    type = "fc-resolution-transition-not-allowed"
    title = "The resolution request cannot make that transition"


def transition(request: FcResolutionRequest, to: RequestStatus, *, at: datetime) -> None:
    """Record the organisation's answer, once."""
    current = RequestStatus(request.status)
    if to not in ALLOWED[current]:
        raise RequestTransitionNotAllowed(
            f"A resolution request that is {current.value} cannot become {to.value}",
            extensions={"current_status": current.value, "requested_status": to.value},
        )
    request.status = to
    request.answer_recorded_at = at

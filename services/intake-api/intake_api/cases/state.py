"""The intake case lifecycle (requirements.md §B). Only ``transition()`` assigns ``status``.

The full intake table arrives with the intake domain; for now a case is created ``received``
(T1) and the table below is the part of §B.3 that intake owns.
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    received = "received"
    intake = "intake"
    closed = "closed"


INITIAL_STATUS = CaseStatus.received

ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.received: frozenset({CaseStatus.intake}),
    CaseStatus.intake: frozenset({CaseStatus.closed}),
    CaseStatus.closed: frozenset(),
}

"""A decision approved under the Delegation Scheme, written through the casework kit's approval
functions (not HTTP): asked by the caseworker, decided by a senior caseworker."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.rules import RESOLUTION_CODES
from assessment_api.decision_approvals.models import DecisionApproval
from assessment_api.decision_approvals.rules import DecisionAsked, DecisionKind
from assessment_api.decision_approvals.service import RULES
from shared.auth import Principal, Role
from shared.casework.approvals import Delegation, decide_approval, request_approval

APPROVER = "scw-approver-1"
ASKED_AT = datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
DECIDED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


async def make_decision_approvals_ready(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None = None,
    discretion: str | None = None,
    other_reason: str | None = None,
    by: str = "cw-assess-1",
    approve: bool = True,
    approver: str = APPROVER,
    decided: bool = True,
) -> DecisionApproval:
    """An approval of the decision (a proposal, a resolution for a resolution's closure code, or
    the decline on exactly this reason), decided
    by ``approver`` (``decided=False``: asked for, not yet decided)."""
    kind = (
        DecisionKind.proposal
        if proposing
        else DecisionKind.resolution
        if closure_code in RESOLUTION_CODES
        else DecisionKind.decline
    )
    declining = kind is DecisionKind.decline
    asked = DecisionAsked(
        kind=kind, closure_code=closure_code if declining else None,
        discretion=discretion if declining else None,
        other_reason=other_reason if declining else None,
    )  # fmt: skip
    delegation = Delegation(
        kind=kind.value,
        level="senior_caseworker",
        roles=frozenset({Role.senior_caseworker, Role.operations_manager}),
        rule=RULES[kind],
    )
    approval = request_approval(
        DecisionApproval, delegation=delegation,
        requested_by=Principal(sub=by, roles=frozenset({"caseworker"})), at=ASKED_AT,
        reason="The form records the analysis.", evidence=asked.evidence(), case_id=case_id,
        used_at=None,
    )  # fmt: skip
    if decided:
        decide_approval(
            approval, delegation=delegation,
            actor=Principal(sub=approver, roles=frozenset({"senior_caseworker"})),
            approve=approve, at=DECIDED_AT,
            reason="Agreed." if approve else "Not on this analysis.",
        )  # fmt: skip
    session.add(approval)
    await session.flush()
    return approval

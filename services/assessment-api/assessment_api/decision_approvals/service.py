"""Use cases of decision approvals (ASM-172, XC-ROL-002, XC-ROL-005; ¶3.108).

A decision not to investigate (T32, and a resolution, T33, ASM-156) and a proposal to
investigate (T35) are approved before they are made, through the casework kit's ``approvals``:
asked for by the caseworker deciding (the case held at further consideration, or awaiting the
organisation's answer to a resolution request), decided once, with reasons, by someone else
holding a role of the level the Delegation Scheme table names for the requester
(``rules.level_for``; the table is the service's settings, G-21). An approval is bound to the
decision asked for: a decline on another reason is not covered, and once the covered decision is
made the approval is used.

``decision_gaps`` is the decision gate (the decision-gate contract): what is missing before the
decision, naming ASM-172. ``covering`` finds the approval a decision is made under, and ``use``
records it on the decision.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.errors import CaseNotFound
from assessment_api.cases.models import Case
from assessment_api.cases.rules import DECLINE_CODES, RESOLUTION_CODES
from assessment_api.cases.service import get_case
from assessment_api.cases.state import DECIDING
from assessment_api.decision_approvals import repository
from assessment_api.decision_approvals.errors import (
    DecisionApprovalNotFound,
    NotAtFurtherConsideration,
)
from assessment_api.decision_approvals.models import DecisionApproval
from assessment_api.decision_approvals.rules import (
    ApprovalTable,
    DecisionAsked,
    DecisionKind,
    Level,
    asked_from,
    covers,
    level_for,
)
from assessment_api.decision_approvals.schemas import (
    DecisionApprovalCreate,
    DecisionApprovalDecide,
    DecisionApprovalRead,
    DecisionCovered,
)
from shared.auth import Principal
from shared.casework.approvals import (
    ApprovalDecision,
    Delegation,
    decide_approval,
    request_approval,
)
from shared.changes import Audited, load_for_update

__all__ = ["DecisionApproval", "covering", "decision_gaps", "needs_approval", "use"]

REQUIREMENT = "ASM-172"
RULES = {
    DecisionKind.decline: "ASM-172 ¶3.108: a decision to decline a complaint for investigation "
    "is agreed under the Delegation Scheme and the Supervision Model",
    DecisionKind.proposal: "ASM-172 ¶3.108: a proposal to investigate is agreed under the "
    "Delegation Scheme and the Supervision Model",
    DecisionKind.resolution: "ASM-156 ¶3.67, ASM-172 ¶3.108: a case closed as a resolution is a "
    "decision not to investigate, issued in line with the normal requirements",
}


def _snapshot(approval: DecisionApproval) -> dict[str, object]:
    return {
        "kind": approval.kind,
        "evidence": approval.evidence,
        "level": approval.level,
        "requested_by": approval.requested_by,
        "decision": approval.decision,
        "decided_by": approval.decided_by,
        "decided_by_roles": approval.decided_by_roles,
        "decision_reason": approval.decision_reason,
        "used_at": None if approval.used_at is None else approval.used_at.isoformat(),
    }


APPROVAL: Audited[DecisionApproval] = Audited(
    entity_type="decision_approval", snapshot=_snapshot, case_id=lambda a: a.case_id
)


def _delegation(kind: DecisionKind, level: Level) -> Delegation:
    return Delegation(kind=kind.value, level=level.name, roles=level.roles, rule=RULES[kind])


def _level(table: ApprovalTable, name: str) -> Level:
    try:
        return table.level(name)
    except KeyError:
        # The table changed since the request: its default level decides (never nobody).
        return table.level(table.default_level)


async def _locked_case(session: AsyncSession, case_id: uuid.UUID) -> Case:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    if case.status not in DECIDING:
        raise NotAtFurtherConsideration(
            f"The case is {case.status.value}, not at further consideration",
            extensions={"current_status": case.status.value},
        )
    return case


async def request(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: DecisionApprovalCreate,
    actor: Principal,
    at: datetime,
    table: ApprovalTable,
) -> DecisionApproval:
    """Ask for the decision to be approved at the level the table names for ``actor``. An
    earlier request for the same kind of decision still undecided is superseded."""
    await _locked_case(session, case_id)
    asked = DecisionAsked(
        kind=data.decision,
        closure_code=data.closure_code,
        discretion=None if data.discretion is None else data.discretion.value,
        other_reason=None if data.other_reason is None else data.other_reason.value,
    )
    for earlier in await repository.of_case(session, case_id):
        if earlier.kind == asked.kind.value and earlier.decision is None:
            async with APPROVAL.change(
                session, earlier, actor=actor, action="decision_approval.superseded"
            ):
                earlier.decision = ApprovalDecision.superseded
    level = level_for(table, asked.kind, actor.roles)
    approval = request_approval(
        DecisionApproval, delegation=_delegation(asked.kind, level), requested_by=actor, at=at,
        reason=data.reason, evidence=asked.evidence(), case_id=case_id, used_at=None,
    )  # fmt: skip
    repository.add(session, approval)
    await APPROVAL.created(session, approval, actor=actor, action="decision_approval.requested")
    await session.flush()
    return approval


async def decide(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    approval_id: uuid.UUID,
    data: DecisionApprovalDecide,
    actor: Principal,
    at: datetime,
    table: ApprovalTable,
) -> DecisionApproval:
    """Approve or refuse, with reasons: once (409 ``approval-already-decided``), not by the
    requester (403 ``approver-is-requester``), holding a role of the level (403
    ``approval-level-not-held``)."""
    await _locked_case(session, case_id)
    approval = await repository.for_update(session, case_id, approval_id)
    if approval is None:
        raise DecisionApprovalNotFound(f"No decision approval {approval_id} on case {case_id}")
    kind = DecisionKind(approval.kind)
    async with APPROVAL.change(
        session, approval, actor=actor, action="decision_approval.decided", reason=data.reason
    ):
        decide_approval(
            approval, delegation=_delegation(kind, _level(table, approval.level)), actor=actor,
            approve=data.approve, at=at, reason=data.reason,
        )  # fmt: skip
    return approval


async def get(
    session: AsyncSession, *, case_id: uuid.UUID, approval_id: uuid.UUID
) -> DecisionApproval:
    for approval in await repository.of_case(session, case_id):
        if approval.id == approval_id:
            return approval
    raise DecisionApprovalNotFound(f"No decision approval {approval_id} on case {case_id}")


async def list_for_case(session: AsyncSession, case_id: uuid.UUID) -> list[DecisionApproval]:
    await get_case(session, case_id)
    return list(await repository.of_case(session, case_id))


def read(approval: DecisionApproval, table: ApprovalTable) -> DecisionApprovalRead:
    asked = asked_from(approval.evidence)
    return DecisionApprovalRead(
        id=approval.id,
        case_id=approval.case_id,
        covers=DecisionCovered.model_validate(
            {
                "decision": asked.kind,
                "closure_code": asked.closure_code,
                "discretion": asked.discretion,
                "other_reason": asked.other_reason,
            }
        ),
        level=approval.level,
        approver_roles=sorted(_level(table, approval.level).roles),
        rule=approval.rule,
        requested_by=approval.requested_by,
        requested_at=approval.requested_at,
        request_reason=approval.request_reason,
        decision=approval.decision,
        decided_by=approval.decided_by,
        decided_at=approval.decided_at,
        decision_reason=approval.decision_reason,
        used_at=approval.used_at,
    )


# --- The gate ---------------------------------------------------------------------------------


def _asked(
    *, proposing: bool, closure_code: str | None, discretion: str | None, other_reason: str | None
) -> DecisionAsked:
    if proposing:
        return DecisionAsked(kind=DecisionKind.proposal)
    if closure_code in RESOLUTION_CODES:
        return DecisionAsked(kind=DecisionKind.resolution)
    return DecisionAsked(
        kind=DecisionKind.decline, closure_code=closure_code, discretion=discretion,
        other_reason=other_reason,
    )  # fmt: skip


def _standing(approvals: list[DecisionApproval], asked: DecisionAsked) -> list[DecisionApproval]:
    """The unused, not superseded approvals of the decision's kind, newest first."""
    return [
        a
        for a in reversed(approvals)
        if a.kind == asked.kind.value
        and a.used_at is None
        and a.decision != ApprovalDecision.superseded
    ]


def _gap(standing: list[DecisionApproval], asked: DecisionAsked, exact: bool) -> str | None:
    """Why no approval covers ``asked`` (None: one does). The newest request that covers the
    decision is the one that counts: a refusal after an approval of the same decision stands."""
    matching = [a for a in standing if covers(asked_from(a.evidence), asked, exact=exact)]
    if matching:
        latest = matching[0]
        if latest.decision == ApprovalDecision.approved:
            return None
        if latest.decision == ApprovalDecision.refused:
            return (
                f"the approval of {asked.describe()} was refused by {latest.decided_by}: "
                "reconsider and ask again"
            )
        return f"the approval of {asked.describe()} awaits a decision at {latest.level} level"
    approved = [a for a in standing if a.decision == ApprovalDecision.approved]
    if approved:
        other = asked_from(approved[0].evidence).describe()
        return (
            f"the approval covers {other}, not {asked.describe()}: ask for this decision to be "
            "approved"
        )
    return f"ask for {asked.describe()} to be approved under the Delegation Scheme (¶3.108)"


def needs_approval(*, proposing: bool, closure_code: str | None) -> bool:
    """A proposal, a decline and a resolution at further consideration are approved here
    (ASM-172, ASM-156); another closing decision (a withdrawal) is not."""
    return (
        proposing
        or closure_code is None
        or closure_code in DECLINE_CODES
        or closure_code in RESOLUTION_CODES
    )


async def decision_gaps(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None,
    discretion: str | None = None,
    other_reason: str | None = None,
) -> list[tuple[str, str]]:
    """ASM-172: no approval covers the decision. A decline's ``closure_code`` None (what is
    left before a decline not yet worded) is covered by any approved decline; a resolution's
    closure code (T33) by an approved resolution."""
    if not needs_approval(proposing=proposing, closure_code=closure_code):
        return []
    asked = _asked(
        proposing=proposing, closure_code=closure_code, discretion=discretion,
        other_reason=other_reason,
    )  # fmt: skip
    standing = _standing(list(await repository.of_case(session, case_id)), asked)
    gap = _gap(standing, asked, exact=proposing or closure_code is not None)
    return [] if gap is None else [(REQUIREMENT, gap)]


async def covering(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None,
    discretion: str | None = None,
    other_reason: str | None = None,
) -> DecisionApproval | None:
    """The approved, unused approval the decision is made under, or None."""
    asked = _asked(
        proposing=proposing, closure_code=closure_code, discretion=discretion,
        other_reason=other_reason,
    )  # fmt: skip
    standing = _standing(list(await repository.of_case(session, case_id)), asked)
    matching = [a for a in standing if covers(asked_from(a.evidence), asked)]
    if matching and matching[0].decision == ApprovalDecision.approved:
        return matching[0]
    return None


async def use(
    session: AsyncSession, approval: DecisionApproval, *, actor: Principal, at: datetime
) -> None:
    """The decision it covers is made: the approval covers nothing else."""
    async with APPROVAL.change(session, approval, actor=actor, action="decision_approval.used"):
        approval.used_at = at

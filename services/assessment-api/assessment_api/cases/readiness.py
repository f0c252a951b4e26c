"""Is everything the guidance requires before a decision at further consideration in place?

The decision-gate aggregator for the decisions that end further consideration: a decision not
to investigate (T32), a resolution the organisation agreed (T33: a decision not to investigate
too, issued under the normal requirements, ASM-156 ¶3.67; asked with its closure code, 'general
discretion - resolution' or 'premature - resolution') and a proposal to investigate (T35). Each
domain that adds conditions exposes a gate, ``decision_gaps(session, case_id, *, proposing,
closure_code) -> [(requirement, what is missing)]``, a pure read; ``GATES`` lists them, and a
new domain joins by being added there. ``require_ready`` answers 409 ``decision-not-ready``
listing every gap of every gate at once, so the caseworker sees all that is left.

The approval under the Delegation Scheme (ASM-172) is bound to the whole decision, so its gate is
asked with the decline's discretion and other reason too.

The role check of suitability (ASM-113: intake's roles as the suitability assessment implies)
needs intake's parties. The deciding acts read them from intake (after what assessment can tell
alone) and pass them in: the gates run again with ``parties`` under the case's lock. Without
them (the readiness read, the first pass) that gate is not asked; ``GET
…/suitability/readiness`` asks intake for it.

The complaint handlers' rules (``handlers.service.check_ready_for_decision``) are not a gate
here: they lock the handler record and answer their own typed problems (ASM-071…084), so the
decision routes call them first, as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.advice import service as advice
from assessment_api.cases.errors import DecisionNotReady
from assessment_api.cases.rules import GENERAL_DISCRETION_RESOLUTION, RESOLUTION_CODES
from assessment_api.cases.schemas import DecisionGapRead, DecisionReadinessRead
from assessment_api.cases.service import get_case
from assessment_api.components import service as components
from assessment_api.contact import service as contact
from assessment_api.decision_approvals import service as approvals
from assessment_api.decision_form import service as decision_form
from assessment_api.proposals import service as proposals
from assessment_api.special_handling import service as special_handling
from assessment_api.suitability import service as suitability
from assessment_api.suitability.rules import PartyLike

Gap = tuple[str, str]


class DecisionGate(Protocol):
    def __call__(
        self,
        session: AsyncSession,
        case_id: uuid.UUID,
        *,
        proposing: bool,
        closure_code: str | None,
    ) -> Awaitable[list[Gap]]: ...


# ASM-090…095, ASM-114, ASM-118…136, ASM-170 (the Decision Form); ASM-101, ASM-102 (contact
# after allocation).
# ASM-158…167 (the proposal plan: organisations, addressees, named persons, issues).
GATES: tuple[DecisionGate, ...] = (
    decision_form.decision_gaps,
    contact.decision_gaps,
    proposals.decision_gaps,
    special_handling.decision_gaps,  # ASM-168: linked to a lead case
    advice.decision_gaps,  # ASM-142, ASM-144, ASM-146: clinical advice and the standard
)


async def decision_gaps(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None,
    discretion: str | None = None,
    other_reason: str | None = None,
    parties: Sequence[PartyLike] | None = None,
) -> list[Gap]:
    """Every gate's gaps, in ``GATES`` order, then suitability's role check when intake's
    ``parties`` are given (ASM-109…113), then the components' and the approval's (ASM-172);
    each gap once."""
    gaps: list[Gap] = []
    for gate in GATES:
        gaps += await gate(session, case_id, proposing=proposing, closure_code=closure_code)
    if parties is not None:
        gaps += await suitability.decision_gaps(
            session, case_id, proposing=proposing, closure_code=closure_code, parties=parties
        )
    # ASM-105…108, ASM-176 (complaint summary, components and organisation decisions): asked with
    # the decline's D.11 reason too (ASM-106: nothing left after agreeing the summary).
    gaps += await components.decision_gaps(
        session, case_id, proposing=proposing, closure_code=closure_code,
        other_reason=other_reason,
    )  # fmt: skip
    gaps += await approvals.decision_gaps(
        session, case_id, proposing=proposing, closure_code=closure_code,
        discretion=discretion, other_reason=other_reason,
    )  # fmt: skip
    return list(dict.fromkeys(gaps))


async def require_ready(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None,
    discretion: str | None = None,
    other_reason: str | None = None,
    parties: Sequence[PartyLike] | None = None,
) -> approvals.DecisionApproval | None:
    """The approval the decision is made under (None for a closing decision approved
    elsewhere), when every gate is satisfied; else 409 ``decision-not-ready`` with ``missing:
    [{requirement, detail}]``, every gap at once."""
    gaps = await decision_gaps(
        session, case_id, proposing=proposing, closure_code=closure_code,
        discretion=discretion, other_reason=other_reason, parties=parties,
    )  # fmt: skip
    if gaps:
        what = (
            "a proposal to investigate"
            if proposing
            else "closing the case as a resolution"
            if closure_code in RESOLUTION_CODES
            else "a decision not to investigate"
        )
        raise DecisionNotReady(
            f"Before {what}: " + "; ".join(f"{r} {d}" for r, d in gaps),
            extensions={"missing": [{"requirement": r, "detail": d} for r, d in gaps]},
        )
    if not approvals.needs_approval(proposing=proposing, closure_code=closure_code):
        return None
    return await approvals.covering(
        session, case_id, proposing=proposing, closure_code=closure_code,
        discretion=discretion, other_reason=other_reason,
    )  # fmt: skip


async def read(session: AsyncSession, case_id: uuid.UUID) -> DecisionReadinessRead:
    """What is left before a decline (whichever reason), a proposal and a resolution (404 for an
    unknown case)."""
    case = await get_case(session, case_id)

    def gaps(found: list[Gap]) -> list[DecisionGapRead]:
        return [DecisionGapRead(requirement=r, detail=d) for r, d in found]

    decline = await decision_gaps(session, case_id, proposing=False, closure_code=None)
    proposal = await decision_gaps(session, case_id, proposing=True, closure_code=None)
    # Both resolution codes meet the same gates: the code follows from the agreement (ASM-070).
    resolution = await decision_gaps(
        session, case_id, proposing=False, closure_code=GENERAL_DISCRETION_RESOLUTION
    )
    return DecisionReadinessRead(
        case_id=case.id,
        status=case.status,
        before_decline=gaps(decline),
        before_proposal=gaps(proposal),
        before_resolution=gaps(resolution),
    )

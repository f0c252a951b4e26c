"""Assessment cases built the way they arrive: intake's referral through the inbox handler,
then moved in the database to where a test needs them (allocation is another module's)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases import service
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.suitability.rules import PartyLike
from shared.events.contracts.intake import CaseReferredV1
from shared.events.envelope import EventEnvelope

CW = "cw-assess-1"  # the caseworker who holds the case
OTHER_CW = "cw-assess-2"
ORG = uuid.UUID("0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11")
REFERRED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def referral(**overrides: Any) -> CaseReferredV1:
    values: dict[str, Any] = {
        "reference": f"CAS-{uuid.uuid4().hex[:7].upper()}",
        "case_type": "complaint",
        "jurisdiction": "health",
        "route": "awaiting_allocation",
        "triage_category": "general",
        "priority": "standard",
        "organisation_ids": [ORG],
        "received_date": date(2026, 10, 1),
        "risk_assessment_required": False,
    }
    return CaseReferredV1(**(values | overrides))


def envelope(case_id: uuid.UUID, payload: Any, *, source: str = "intake-api") -> EventEnvelope:
    return EventEnvelope(
        id=uuid.uuid4(),
        type=payload.TYPE,
        version=payload.VERSION,
        occurred_at=REFERRED_AT,
        source=source,
        case_id=case_id,
        sequence=1,
        actor="ic-1",
        payload=payload.model_dump(mode="json"),
    )


async def make_case(
    session: AsyncSession,
    *,
    status: CaseStatus = CaseStatus.further_consideration,
    owner: str | None = CW,
    team: str | None = None,
    case_id: uuid.UUID | None = None,
    **payload: Any,
) -> Case:
    """A referred case (through the handler), then held by ``owner`` in ``status``."""
    case_id = case_id or uuid.uuid4()
    event = referral(**payload)
    await service.open_referred_case(session, envelope=envelope(case_id, event), payload=event)
    await session.flush()
    await session.execute(
        update(Case).where(Case.id == case_id).values(status=status, owner=owner, team=team)
    )
    case = await session.get(Case, case_id, populate_existing=True)
    assert case is not None
    return case


async def make_ready_to_decide(
    session: AsyncSession,
    case: Case,
    *,
    proposing: bool,
    closure_code: str | None = "other reason to decline",
    discretion: str | None = "general",
    other_reason: str | None = "outcome not achievable",
    skip: frozenset[str] = frozenset(),
    parties: Sequence[PartyLike] = (),
) -> None:
    """Everything each decision gate needs before the decision (the case at further
    consideration): a complete Decision Form recording it, contact made with the checklist
    covered, and an approval of exactly this decision. The defaults are the decline the decision
    tests make; ``proposing`` ignores them. ``skip`` names gates left unready ("suitability",
    "decision_form", "contact", "components", "advice", "proposals", "approvals"), for a test of
    those gates alone. ``parties``: intake's, when not the stand-in's one complainant (the
    suitability assessment agrees with their roles, ASM-113)."""
    from tests.assessment.advice.builders import make_advice_ready
    from tests.assessment.components.builders import make_components_ready
    from tests.assessment.contact.builders import make_contact_ready
    from tests.assessment.decision_approvals.builders import make_decision_approvals_ready
    from tests.assessment.decision_form.builders import make_decision_form_ready
    from tests.assessment.proposals.builders import make_proposals_ready
    from tests.assessment.suitability.builders import make_suitability_ready

    reason: dict[str, Any] = (
        {}
        if proposing
        else {"closure_code": closure_code, "discretion": discretion, "other_reason": other_reason}
    )
    if "suitability" not in skip:  # the form's suitability answer is the assessment's (ASM-091)
        await make_suitability_ready(session, case.id, proposing=proposing, parties=parties)
    if "decision_form" not in skip:
        await make_decision_form_ready(session, case.id, proposing=proposing, **reason)
    if "contact" not in skip:
        await make_contact_ready(session, case.id, proposing=proposing)
    if "components" not in skip:
        await make_components_ready(session, case.id, proposing=proposing, **reason)
    if "advice" not in skip:
        await make_advice_ready(session, case.id, proposing=proposing)
    if "proposals" not in skip:
        await make_proposals_ready(session, case.id, proposing=proposing)
    if "approvals" not in skip:
        await make_decision_approvals_ready(session, case.id, proposing=proposing, **reason)

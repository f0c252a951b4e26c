"""Advice at assessment built in the database, through the domain's own service functions (the
decision-gate contract's builder)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.advice import service
from assessment_api.advice.rules import OmOutcome
from assessment_api.advice.schemas import ClinicalAdviceDecisionCreate
from shared.auth import Principal, Role

READY_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
READY_ON = date(2026, 11, 2)
OM = "om-advice-1"


def caseworker(sub: str = "cw-assess-1") -> Principal:
    return Principal(sub=sub, roles=frozenset({Role.caseworker}))


async def make_advice_ready(session: AsyncSession, case_id: uuid.UUID, *, proposing: bool) -> None:
    """Advice ready for a decision on ``case_id`` (at further consideration): no clinical advice
    request is outstanding, and the record says a view on a clinical decision is needed but the
    Operations Manager agreed it can be decided without clinical advice, with the reasoning
    (ASM-142). The same for a decline, a resolution and a proposal."""
    await service.record_clinical_decision(
        session,
        case_id=case_id,
        data=ClinicalAdviceDecisionCreate(
            clinical_decision_involved=True,
            om_id=OM,
            om_discussed_on=READY_ON,
            om_outcome=OmOutcome.agreed_not_required,
            rationale="The complaint is about a letter sent late; no clinical judgement is at "
            "issue, as the Operations Manager agreed.",
        ),
        actor=caseworker(),
        at=READY_AT,
        today=READY_ON,
    )

"""Legal referral rows built in the database, so HTTP is only for the behaviour under test."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.legal.models import LegalReferral, RiskPrompt
from tests.helpers import NOW


async def make_referral(
    session: AsyncSession, *, case_id: uuid.UUID, received_at: datetime = NOW - timedelta(hours=2)
) -> tuple[LegalReferral, RiskPrompt]:
    """An open referral of correspondence received at ``received_at``, and its Legal prompt
    raised a few minutes later, as intake's legal_terms_found event leaves them."""
    event_id = uuid.uuid4()
    referral = LegalReferral(
        id=uuid.uuid4(), case_id=case_id, reference="CAS-0000042", source_event_id=event_id,
        communication_id=uuid.uuid4(), communication_type="communication", medium="letter",
        received_at=received_at, due_at=received_at + timedelta(hours=24),
        terms=["judicial_review"],
        matches=[{"field": "summary", "term": "judicial_review", "start": 0, "end": 15,
                  "broad": False}],
        rule="XC-RSK-004", created_by="intake-api", late=False,
    )  # fmt: skip
    session.add(referral)
    await session.flush()
    prompt = RiskPrompt(
        id=uuid.uuid4(), case_id=case_id, category="legal", rule="XC-RSK-004 CMP-126",
        reason="Legal-action wording received", source_event_id=event_id,
        referral_id=referral.id, raised_at=received_at + timedelta(minutes=5),
    )  # fmt: skip
    session.add(prompt)
    await session.flush()
    return referral, prompt

"""Events compliance-api consumes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.legal import service as legal
from shared.events.contracts.assessment import AssessmentLegalTermsFoundV1
from shared.events.contracts.intake import LegalTermsFoundV1
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import EventHandlers

handlers = EventHandlers()


@handlers.on(LegalTermsFoundV1, name="legal.open_referral")
async def on_legal_terms_found(
    session: AsyncSession, envelope: EventEnvelope, payload: LegalTermsFoundV1
) -> None:
    """XC-RSK-004: a Legal Team referral due within 24 hours, and a Legal risk prompt."""
    await legal.open_referral(session, envelope=envelope, payload=payload)


@handlers.on(AssessmentLegalTermsFoundV1, name="legal.open_referral_from_assessment")
async def on_assessment_legal_terms_found(
    session: AsyncSession, envelope: EventEnvelope, payload: AssessmentLegalTermsFoundV1
) -> None:
    """XC-RSK-004, as above, for what a party told assessment (a returned form, a call note)."""
    await legal.open_referral(session, envelope=envelope, payload=payload)

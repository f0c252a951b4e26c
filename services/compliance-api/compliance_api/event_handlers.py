"""Events compliance-api consumes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.legal import service as legal
from compliance_api.resolutions import service as resolutions
from shared.events.contracts.assessment import AssessmentLegalTermsFoundV1, ResolutionAgreedV1
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


@handlers.on(ResolutionAgreedV1, name="resolutions.open_resolution_item")
async def on_resolution_agreed(
    session: AsyncSession, envelope: EventEnvelope, payload: ResolutionAgreedV1
) -> None:
    """¶3.66: an agreed resolution is recorded as a resolution item, never escalated."""
    await resolutions.open_resolution_item(session, envelope=envelope, payload=payload)

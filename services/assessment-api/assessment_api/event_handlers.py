"""Events assessment-api consumes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import service as allocations
from assessment_api.cases import service as cases
from shared.events.contracts.compliance import RiskAssessedV1, RiskRatingChangedV1
from shared.events.contracts.intake import CaseReferredV1, PartyDetailsCorrectedV1
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import EventHandlers

handlers = EventHandlers()


@handlers.on(CaseReferredV1, name="allocations.queue_referred_case")
async def on_case_referred(
    session: AsyncSession, envelope: EventEnvelope, payload: CaseReferredV1
) -> None:
    await allocations.queue_referred_case(session, envelope=envelope, payload=payload)


@handlers.on(CaseReferredV1, name="cases.open_referred_case")
async def open_case_record(
    session: AsyncSession, envelope: EventEnvelope, payload: CaseReferredV1
) -> None:
    await cases.open_referred_case(session, envelope=envelope, payload=payload)


@handlers.on(PartyDetailsCorrectedV1, name="allocations.note_party_correction")
async def on_party_details_corrected(
    session: AsyncSession, envelope: EventEnvelope, payload: PartyDetailsCorrectedV1
) -> None:
    await allocations.note_party_correction(session, envelope=envelope, payload=payload)


@handlers.on(RiskAssessedV1, name="cases.note_risk_assessed")
async def on_risk_assessed(
    session: AsyncSession, envelope: EventEnvelope, payload: RiskAssessedV1
) -> None:
    await cases.note_risk_assessed(session, envelope=envelope, payload=payload)


@handlers.on(RiskRatingChangedV1, name="cases.note_rating_changed")
async def on_risk_rating_changed(
    session: AsyncSession, envelope: EventEnvelope, payload: RiskRatingChangedV1
) -> None:
    await cases.note_rating_changed(session, envelope=envelope, payload=payload)

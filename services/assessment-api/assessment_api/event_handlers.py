"""Events assessment-api consumes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import service as allocations
from shared.events.contracts.intake import CaseReferredV1
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import EventHandlers

handlers = EventHandlers()


@handlers.on(CaseReferredV1, name="allocations.queue_referred_case")
async def on_case_referred(
    session: AsyncSession, envelope: EventEnvelope, payload: CaseReferredV1
) -> None:
    await allocations.queue_referred_case(session, envelope=envelope, payload=payload)

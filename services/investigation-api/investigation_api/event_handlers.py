"""Events investigation-api consumes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from investigation_api.investigations import service as investigations
from shared.events.contracts.assessment import (
    ProposalCommentDeadlineExtendedV1,
    ProposalIssuedV1,
)
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import EventHandlers

handlers = EventHandlers()


@handlers.on(ProposalIssuedV1, name="investigations.open_from_proposal")
async def on_proposal_issued(
    session: AsyncSession, envelope: EventEnvelope, payload: ProposalIssuedV1
) -> None:
    """INV-003: the proposal to investigate opens the case's investigation at Milestone 1."""
    await investigations.open_from_proposal(session, envelope=envelope, payload=payload)


@handlers.on(ProposalCommentDeadlineExtendedV1, name="investigations.comment_deadline_extended")
async def on_comment_deadline_extended(
    session: AsyncSession, envelope: EventEnvelope, payload: ProposalCommentDeadlineExtendedV1
) -> None:
    """ASM-161: one recipient's comment deadline moved at assessment moves it here."""
    await investigations.record_extension(session, envelope=envelope, payload=payload)

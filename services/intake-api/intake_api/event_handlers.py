"""Events intake-api consumes: assessment's, which intake's case register projects (DESIGN §1;
issue #12 "One status for the front end")."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import register
from shared.events.contracts.assessment import (
    CaseClosedV1,
    CaseStatusChangedV1,
    ProposalIssuedV1,
)
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import EventHandlers

handlers = EventHandlers()


@handlers.on(CaseStatusChangedV1, name="register.project_status_changed")
async def on_status_changed(
    session: AsyncSession, envelope: EventEnvelope, payload: CaseStatusChangedV1
) -> None:
    await register.project_status_changed(session, envelope=envelope, payload=payload)


@handlers.on(CaseClosedV1, name="register.project_closed")
async def on_case_closed(
    session: AsyncSession, envelope: EventEnvelope, payload: CaseClosedV1
) -> None:
    await register.project_closed(session, envelope=envelope, payload=payload)


@handlers.on(ProposalIssuedV1, name="register.project_proposed")
async def on_proposal_issued(
    session: AsyncSession, envelope: EventEnvelope, payload: ProposalIssuedV1
) -> None:
    await register.project_proposed(session, envelope=envelope, payload=payload)

"""Investigations built the way they arrive: assessment's ``assessment.proposal.issued``
through the inbox handler (tests/investigation and the contract walker)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from investigation_api.investigations import service
from shared.events.contracts.assessment import ProposalIssuedV1
from shared.events.envelope import EventEnvelope

CW = "cw-assess-1"  # the caseworker who proposed it and carries on ('Case Allocated')
ORG = uuid.UUID("0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11")
SECOND_TIER = uuid.UUID("5e0c2a77-0f7e-4b1e-8a43-2c9d1b7e6a12")
PROPOSED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
M1 = date(2026, 11, 2)
COMMENTS_DUE = date(2026, 11, 16)  # M1 + 10 working days (C-15)


def proposal(**overrides: Any) -> ProposalIssuedV1:
    values: dict[str, Any] = {
        "reference": f"CAS-{uuid.uuid4().hex[:7].upper()}",
        "proposal_id": uuid.uuid4(),
        "case_type": "complaint",
        "jurisdiction": "health",
        "organisations": [{"organisation_id": ORG, "role": "organisation"}],
        "comment_deadlines": [
            {"recipient_kind": "organisation", "recipient_id": ORG, "due_date": COMMENTS_DUE}
        ],
        "milestone_1_date": M1,
        "risk_assessment_id": uuid.uuid4(),
        "proposed_by": CW,
        "case_allocated_to": CW,
        "team": "team-a",
    }
    return ProposalIssuedV1.model_validate(values | overrides)


def envelope(
    case_id: uuid.UUID, payload: ProposalIssuedV1, *, event_id: uuid.UUID | None = None
) -> EventEnvelope:
    return EventEnvelope(
        id=event_id or uuid.uuid4(),
        type=payload.TYPE,
        version=payload.VERSION,
        occurred_at=PROPOSED_AT,
        source="assessment-api",
        case_id=case_id,
        sequence=1,
        actor=CW,
        payload=payload.model_dump(mode="json"),
    )


async def make_investigation(
    session: AsyncSession, *, case_id: uuid.UUID | None = None, **overrides: Any
) -> uuid.UUID:
    """An investigation opened at M1 from a proposal; its case id."""
    case_id = case_id or uuid.uuid4()
    payload = proposal(**overrides)
    await service.open_from_proposal(session, envelope=envelope(case_id, payload), payload=payload)
    await session.flush()
    return case_id

"""Resolution items built the way they arrive: assessment's ``assessment.resolution.agreed``
through the inbox handler (tests/compliance and the contract walker)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.resolutions import service
from shared.events.contracts.assessment import ResolutionAgreedV1
from shared.events.envelope import EventEnvelope

CW = "cw-assess-1"
ORG = uuid.UUID("0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11")
AGREED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
DUE = date(2026, 12, 1)


def resolution(**overrides: Any) -> ResolutionAgreedV1:
    values: dict[str, Any] = {
        "reference": f"CAS-{uuid.uuid4().hex[:7].upper()}",
        "resolution_id": uuid.uuid4(),
        "organisation_ids": [ORG],
        "component_ids": [uuid.uuid4()],
        "actions": ["financial_redress", "service_improvements"],
        "due_date": DUE,
        "decided_by": CW,
        "risk_assessment_id": uuid.uuid4(),
    }
    return ResolutionAgreedV1.model_validate(values | overrides)


def envelope(
    case_id: uuid.UUID, payload: ResolutionAgreedV1, *, event_id: uuid.UUID | None = None
) -> EventEnvelope:
    return EventEnvelope(
        id=event_id or uuid.uuid4(),
        type=payload.TYPE,
        version=payload.VERSION,
        occurred_at=AGREED_AT,
        source="assessment-api",
        case_id=case_id,
        sequence=1,
        actor=CW,
        payload=payload.model_dump(mode="json"),
    )


async def make_resolution_item(
    session: AsyncSession, *, case_id: uuid.UUID | None = None, **overrides: Any
) -> uuid.UUID:
    """An open resolution item; its id."""
    payload = resolution(**overrides)
    item_id = await service.open_resolution_item(
        session, envelope=envelope(case_id or uuid.uuid4(), payload), payload=payload
    )
    assert item_id is not None
    await session.flush()
    return item_id

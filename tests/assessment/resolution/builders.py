"""Resolution requests built in the database, so HTTP is for the behaviour under test."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.resolution.models import FcResolutionRequest
from assessment_api.resolution.state import RequestStatus
from tests.assessment.cases.builders import CW, ORG

REQUESTED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def make_resolution_request(
    session: AsyncSession,
    case: Case,
    *,
    actions: tuple[str, ...] = ("financial_redress", "service_improvements"),
    due_date: date | None = date(2026, 12, 1),
    organisation_ids: tuple[uuid.UUID, ...] = (ORG,),
) -> FcResolutionRequest:
    """A resolution requested of the case's organisation, the case awaiting the answer (T33)."""
    request = FcResolutionRequest(
        id=uuid.uuid4(),
        case_id=case.id,
        organisation_ids=list(organisation_ids),
        actions=list(actions),
        due_date=due_date,
        rationale="A payment and a reply would resolve it.",
        complainant_told_not_recommendations=True,
        organisations_told_not_recommendations=True,
        requested_by=CW,
        requested_at=REQUESTED_AT,
        status=RequestStatus.requested,
        version=1,
    )
    session.add(request)
    await session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(status=CaseStatus.resolution_requested, version=Case.version + 1)
    )
    await session.flush()
    await session.refresh(case)
    return request

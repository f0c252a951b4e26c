"""Risk rows built in the database, so HTTP is only for the behaviour under test."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk.models import RiskAssessment, RiskUplift
from compliance_api.risk.rules import Rating, Trigger, UpliftScope
from tests.helpers import NOW, TODAY

CW = "cw-risk-1"  # the caseworker who records assessments
MGR = "om-risk-1"  # a manager
ORG = uuid.UUID("0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11")


async def make_assessment(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    number: int = 1,
    trigger: str = "decline",
    rating: str = "low",
    conflicts: bool = True,
    recorded_at: datetime = NOW,
    uplift_floor: str | None = None,
) -> RiskAssessment:
    r = Rating(rating)
    assessment = RiskAssessment(
        id=uuid.uuid4(),
        case_id=case_id,
        number=number,
        trigger=Trigger(trigger),
        conflicts_of_interest_considered=conflicts,
        organisation_ids=[],
        pre_rating=r,
        highest_post_rating=r,
        uplift_floor=Rating(uplift_floor) if uplift_floor else None,
        uplift_ids=[],
        generated_rating=r,
        rating=r,
        low_rationale="No risk identified" if r is Rating.low else None,
        recorded_by=CW,
        recorded_at=recorded_at,
    )
    session.add(assessment)
    await session.flush()
    return assessment


async def make_uplift(
    session: AsyncSession,
    *,
    minimum: str = "medium",
    organisation_id: uuid.UUID | None = ORG,
    case_ids: list[uuid.UUID] | None = None,
    starts_on: date = TODAY,
    ends_on: date = TODAY,
) -> RiskUplift:
    uplift = RiskUplift(
        id=uuid.uuid4(),
        scope=UpliftScope.case_group if case_ids else UpliftScope.organisation,
        organisation_id=None if case_ids else organisation_id,
        case_ids=case_ids or [],
        minimum_rating=Rating(minimum),
        starts_on=starts_on,
        ends_on=ends_on,
        reason="A new approach to these cases, until it is bedded in",
        decided_by="ad-risk-1",
        decided_at=NOW,
    )
    session.add(uplift)
    await session.flush()
    return uplift

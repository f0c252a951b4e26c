"""CMP-102: temporary uplifts, a minimum rating for an organisation's cases or a group of cases
(¶10.6, ¶10.24; C-37). An assessment recorded while one is in force cannot fall below it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk import repository
from compliance_api.risk.errors import UpliftNotFound
from compliance_api.risk.models import RiskUplift
from compliance_api.risk.rules import Rating
from compliance_api.risk.schemas import UpliftCreate, UpliftPage, UpliftRead
from shared.auth import Principal
from shared.changes import Audited
from shared.pagination import Keyset, key_date, key_uuid, paginate

UPLIFT = Audited[RiskUplift](
    entity_type="risk_uplift",
    snapshot=lambda u: UpliftRead.model_validate(u).model_dump(mode="json"),
)
UPLIFTS = Keyset("risk-uplifts", (key_date, key_uuid))


async def create_uplift(
    session: AsyncSession, *, data: UpliftCreate, actor: Principal, at: datetime
) -> RiskUplift:
    uplift = RiskUplift(
        id=uuid.uuid4(),
        scope=data.scope,
        organisation_id=data.organisation_id,
        case_ids=list(data.case_ids),
        minimum_rating=Rating(data.minimum_rating.value),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        reason=data.reason,
        decided_by=actor.sub,
        decided_at=at,
    )
    session.add(uplift)
    await UPLIFT.created(
        session, uplift, actor=actor, action="risk.uplift_imposed", reason=data.reason
    )
    return uplift


async def get_uplift(session: AsyncSession, uplift_id: uuid.UUID) -> RiskUplift:
    uplift = await session.get(RiskUplift, uplift_id)
    if uplift is None:
        raise UpliftNotFound(f"No risk uplift with id {uplift_id}")
    return uplift


async def list_uplifts(
    session: AsyncSession, *, limit: int, cursor: str | None, active_on: date | None
) -> UpliftPage:
    """Uplifts, latest starting first; ``active_on`` keeps those in force on that day."""
    return await paginate(
        lambda after, n: repository.list_uplifts(
            session, limit=n, after=after, active_on=active_on
        ),
        keyset=UPLIFTS,
        cursor=cursor,
        limit=limit,
        key=lambda u: (u.starts_on, u.id),
        item=UpliftRead.model_validate,
        page=UpliftPage,
    )

"""The risk work queues (DESIGN §5: queries over due and overdue items), each row saying why it
is there:

- undecided high-risk cases: the manager has not yet discussed and decided the high rating
  (CMP-113, ¶10.32 "as soon as possible"), oldest first;
- oversight cases due an update: the monthly update before the next assurance meeting (CMP-131,
  C-35), due within ``within_days`` or missing (the meeting came without it), earliest first.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk import repository
from compliance_api.risk.models import RiskEscalation, UpdateDeadline
from compliance_api.risk.schemas_escalations import (
    UndecidedHighRiskItem,
    UndecidedHighRiskPage,
    UpdateDueItem,
    UpdateDuePage,
)
from shared.casework.deadlines import passed
from shared.clock import BUSINESS_TIMEZONE
from shared.pagination import Keyset, key_date, key_datetime, key_uuid, paginate

UNDECIDED_HIGH_RISK = Keyset("undecided-high-risk", (key_datetime, key_uuid))
UPDATES_DUE = Keyset("oversight-updates-due", (key_date, key_uuid))


def _undecided(e: RiskEscalation, today: date) -> UndecidedHighRiskItem:
    opened_on = e.opened_at.astimezone(BUSINESS_TIMEZONE).date()
    days = (today - opened_on).days
    return UndecidedHighRiskItem(
        escalation_id=e.id,
        case_id=e.case_id,
        assessment_id=e.assessment_id,
        opened_at=e.opened_at,
        opened_by=e.opened_by,
        days_waiting=days,
        explanation=(
            f"Rated high on {opened_on.isoformat()} ({days} days ago); the manager has not yet "
            "discussed and decided it (CMP-113, ¶10.32: as soon as possible)"
        ),
    )


async def undecided_high_risk(
    session: AsyncSession, *, today: date, limit: int, cursor: str | None
) -> UndecidedHighRiskPage:
    return await paginate(
        lambda after, n: repository.undecided_high_risk(session, limit=n, after=after),
        keyset=UNDECIDED_HIGH_RISK,
        cursor=cursor,
        limit=limit,
        key=lambda e: (e.opened_at, e.id),
        item=lambda e: _undecided(e, today),
        page=UndecidedHighRiskPage,
    )


def _update_due(row: tuple[UpdateDeadline, RiskEscalation], today: date) -> UpdateDueItem:
    deadline, e = row
    missing = passed(deadline, today)
    due = deadline.effective_due_date
    if missing:
        why = (
            f"Missing: no update was sent before the assurance meeting of "
            f"{deadline.meeting_on.isoformat()} (CMP-131, ¶10.72)"
        )
    else:
        why = (
            f"Due by {due.isoformat()}, ahead of the assurance meeting of "
            f"{deadline.meeting_on.isoformat()} (CMP-131, ¶10.72)"
        )
    return UpdateDueItem(
        escalation_id=e.id,
        case_id=e.case_id,
        deadline_id=deadline.id,
        holder=e.holder,
        meeting_on=deadline.meeting_on,
        due_date=due,
        missing=missing,
        explanation=why,
    )


async def oversight_updates_due(
    session: AsyncSession, *, today: date, within_days: int, limit: int, cursor: str | None
) -> UpdateDuePage:
    until = today + timedelta(days=within_days)
    return await paginate(
        lambda after, n: repository.updates_due(session, until=until, limit=n, after=after),
        keyset=UPDATES_DUE,
        cursor=cursor,
        limit=limit,
        key=lambda row: (row[0].effective_due_date, row[0].id),
        item=lambda row: _update_due(row, today),
        page=UpdateDuePage,
    )

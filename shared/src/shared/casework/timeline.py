"""A case's timeline: who did what, when and why, read from the append-only audit trail (XC-AUD).

Every service writes its audit rows with the case id, so each service's timeline of a case is
one index range scan (``ix_audit_entry_case_id``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import AuditEntry


class TimelineEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    reason: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


async def case_timeline(session: AsyncSession, *, case_id: uuid.UUID) -> list[TimelineEntry]:
    """The case's audit rows, oldest first."""
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    )
    return [
        TimelineEntry(
            at=e.occurred_at,
            actor=e.actor,
            action=e.action,
            reason=e.reason,
            before=e.before,
            after=e.after,
        )
        for e in rows
    ]

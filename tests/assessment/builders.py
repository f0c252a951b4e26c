"""Staff records built in the database, so HTTP is only for the behaviour under test."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.staff.models import StaffConflict, StaffRecord, StaffSource


async def make_staff(
    session: AsyncSession,
    staff_id: str | None = None,
    *,
    grade: str = "caseworker",
    team: str | None = "general-1",
    roles: list[str] | None = None,
    posts: list[str] | None = None,
    available: bool = True,
    active: bool = True,
    conflicts: tuple[tuple[uuid.UUID | None, uuid.UUID | None], ...] = (),
) -> StaffRecord:
    """A member of staff; ``conflicts`` are (organisation_id, case_id) pairs, one of each None."""
    record = StaffRecord(
        id=uuid.uuid4(),
        staff_id=staff_id or f"staff-{uuid.uuid4().hex[:8]}",
        display_name="Test Person",
        grade=grade,
        roles=roles if roles is not None else [grade],
        team=team,
        specialisms=[],
        posts=posts or [],
        available=available,
        active=active,
        source=StaffSource.admin,
        synced_at=None,
        conflicts=[
            StaffConflict(
                id=uuid.uuid4(),
                organisation_id=org,
                case_id=case,
                declared_on=date(2026, 10, 1),
                note="",
                declared_by="admin-1",
            )
            for org, case in conflicts
        ],
    )
    session.add(record)
    await session.flush()
    return record

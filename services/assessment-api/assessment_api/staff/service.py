"""The staff directory: read a member of staff, keep the record, sync it from the identity
provider, and record declared conflicts of interest (CMP-128, XC-ROL-007).

Grades, teams and posts decide who may be allocated what (ASM-085, CMP-114), so only a staff
admin (or the identity provider's sync job) changes them; a person may change their own
availability and declare their own conflicts. Every change is audited.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.staff import repository
from assessment_api.staff.errors import (
    DeclaredInFuture,
    NotYourRecord,
    StaffAlreadyExists,
    StaffNotFound,
)
from assessment_api.staff.models import StaffConflict, StaffRecord, StaffSource
from assessment_api.staff.schemas import (
    ConflictCreate,
    ConflictRead,
    StaffCreate,
    StaffRead,
    StaffSync,
    StaffUpdate,
)
from shared.auth import Principal, Role
from shared.changes import Audited
from shared.concurrency import check_if_match, make_etag
from shared.pagination import Keyset, Page, key_str, paginate
from shared.staff import DeclaredConflict, Grade, StaffMember

__all__ = [
    "Grade",
    "StaffMember",
    "StaffRecord",
    "as_member",
    "create_staff",
    "declare_conflict",
    "get_member",
    "get_staff",
    "list_staff",
    "set_active",
    "sync_staff",
    "update_staff",
]

STAFF = Audited[StaffRecord](
    entity_type="staff_member",
    snapshot=lambda s: StaffRead.model_validate(s).model_dump(mode="json"),
)
CONFLICT = Audited[StaffConflict](
    entity_type="staff_conflict",
    snapshot=lambda c: ConflictRead.model_validate(c).model_dump(mode="json"),
    case_id=lambda c: c.case_id,
)
STAFF_LIST = Keyset("staff", (key_str,))


def is_admin(actor: Principal) -> bool:
    return actor.has_any(Role.staff_admin)


def as_member(record: StaffRecord) -> StaffMember:
    """The contract other services read (``shared.staff.StaffMember``)."""
    return StaffMember(
        staff_id=record.staff_id,
        display_name=record.display_name,
        grade=record.grade,
        roles=frozenset(record.roles),
        team=record.team,
        specialisms=frozenset(record.specialisms),
        posts=frozenset(record.posts),
        conflicts=tuple(
            DeclaredConflict(
                organisation_id=c.organisation_id,
                case_id=c.case_id,
                declared_on=c.declared_on,
                note=c.note,
            )
            for c in record.conflicts
        ),
        available=record.available,
        active=record.active,
    )


async def get_staff(session: AsyncSession, staff_id: str) -> StaffRecord:
    record = await repository.by_staff_id(session, staff_id)
    if record is None:
        raise StaffNotFound(f"The staff directory holds nobody with id {staff_id!r}")
    return record


async def get_member(session: AsyncSession, staff_id: str) -> StaffMember:
    """The member of staff as other services (and allocation) read them; 404 if unknown."""
    return as_member(await get_staff(session, staff_id))


async def _locked(
    session: AsyncSession, staff_id: str, if_match: str | None, *, required: bool = False
) -> StaffRecord:
    record = await repository.by_staff_id(session, staff_id, for_update=True)
    if record is None:
        raise StaffNotFound(f"The staff directory holds nobody with id {staff_id!r}")
    check_if_match(if_match, make_etag(record.version), required=required)
    return record


async def list_staff(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    team: str | None,
    grade: Grade | None,
    active: bool | None,
) -> Page[StaffRead]:
    return await paginate(
        lambda after, n: repository.list_staff(
            session, limit=n, after=after, team=team, grade=grade, active=active
        ),
        keyset=STAFF_LIST,
        cursor=cursor,
        limit=limit,
        key=lambda s: (s.staff_id,),
        item=StaffRead.model_validate,
        page=Page[StaffRead],
    )


async def create_staff(
    session: AsyncSession, *, data: StaffCreate, actor: Principal
) -> StaffRecord:
    """A staff admin adds someone the identity provider has not synced yet."""
    if await repository.by_staff_id(session, data.staff_id) is not None:
        raise StaffAlreadyExists(f"{data.staff_id!r} is already in the directory")
    record = StaffRecord(
        id=uuid.uuid4(),
        staff_id=data.staff_id,
        display_name=data.display_name,
        grade=data.grade,
        roles=[r.value for r in data.roles],
        team=data.team,
        specialisms=list(data.specialisms),
        posts=[p.value for p in data.posts],
        available=data.available,
        active=True,
        source=StaffSource.admin,
        synced_at=None,
        conflicts=[],
    )
    session.add(record)
    await STAFF.created(session, record, actor=actor, action="staff.created")
    return record


async def update_staff(
    session: AsyncSession,
    *,
    staff_id: str,
    data: StaffUpdate,
    actor: Principal,
    if_match: str | None,
) -> StaffRecord:
    """PATCH: a staff admin changes any field sent; the person only their ``available``."""
    changes = data.model_dump(exclude_unset=True)
    if not is_admin(actor) and (actor.sub != staff_id or set(changes) - {"available"}):
        raise NotYourRecord("A person may change only their own availability")
    record = await _locked(session, staff_id, if_match, required=True)
    async with STAFF.change(session, record, actor=actor, action="staff.updated"):
        for name, value in changes.items():
            if name in ("roles", "posts"):
                value = [str(v) for v in value]
            setattr(record, name, value)
    return record


async def set_active(
    session: AsyncSession,
    *,
    staff_id: str,
    active: bool,
    reason: str,
    actor: Principal,
    if_match: str | None,
) -> StaffRecord:
    """Deactivate (nobody allocates to them again) or reactivate; a staff admin's act."""
    record = await _locked(session, staff_id, if_match)
    action = "staff.reactivated" if active else "staff.deactivated"
    async with STAFF.change(session, record, actor=actor, action=action, reason=reason):
        record.active = active
    return record


async def sync_staff(
    session: AsyncSession, *, staff_id: str, data: StaffSync, actor: Principal, at: datetime
) -> tuple[StaffRecord, bool]:
    """The identity provider's idempotent upsert: (record, created). The same body again
    changes nothing and writes no audit row."""
    record = await repository.by_staff_id(session, staff_id, for_update=True)
    fields = {
        "display_name": data.display_name,
        "grade": data.grade,
        "roles": [r.value for r in data.roles],
        "team": data.team,
        "active": data.active,
    }
    if record is None:
        record = StaffRecord(
            id=uuid.uuid4(),
            staff_id=staff_id,
            specialisms=[],
            posts=[],
            available=True,
            source=StaffSource.identity_provider,
            synced_at=at,
            conflicts=[],
            **fields,
        )
        session.add(record)
        await STAFF.created(session, record, actor=actor, action="staff.synced")
        return record, True
    if all(getattr(record, k) == v for k, v in fields.items()):
        return record, False
    async with STAFF.change(session, record, actor=actor, action="staff.synced"):
        for name, value in fields.items():
            setattr(record, name, value)
        record.synced_at = at
    return record, False


async def declare_conflict(
    session: AsyncSession,
    *,
    staff_id: str,
    data: ConflictCreate,
    actor: Principal,
    today: date,
) -> StaffConflict:
    """CMP-128: a conflict of interest declared by the person or a staff admin, dated."""
    if not is_admin(actor) and actor.sub != staff_id:
        raise NotYourRecord("A person declares their own conflicts; a staff admin anyone's")
    if data.declared_on > today:
        raise DeclaredInFuture(f"{data.declared_on} is after today ({today})")
    record = await _locked(session, staff_id, None)
    conflict = StaffConflict(
        id=uuid.uuid4(),
        staff_member_id=record.id,
        organisation_id=data.organisation_id,
        case_id=data.case_id,
        declared_on=data.declared_on,
        note=data.note or "",
        declared_by=actor.sub,
    )
    session.add(conflict)
    await CONFLICT.created(session, conflict, actor=actor, action="staff.conflict_declared")
    # The record's ETag changes with its conflicts: they are part of what it answers.
    async with STAFF.change(session, record, actor=actor, action="staff.conflict_declared"):
        record.updated_at = func.now()
    return conflict

"""``/v1/staff``: the staff directory for people; ``/internal/staff``: the same records for
other services (``shared.staff.StaffDirectory``) and the identity provider's sync job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from assessment_api.staff import service
from assessment_api.staff.dependencies import (
    ACT,
    CREATE,
    LIST,
    READ,
    ConflictDeclarer,
    IdentitySync,
    StaffAdmin,
    StaffEditor,
    StaffIdPath,
    StaffReader,
)
from assessment_api.staff.schemas import (
    ConflictCreate,
    ConflictRead,
    Deactivation,
    StaffCreate,
    StaffRead,
    StaffSync,
    StaffUpdate,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery, Page
from shared.schemas import QueryBool
from shared.staff import Grade, StaffMember

router = APIRouter(prefix="/v1/staff", tags=["staff"])
internal_router = APIRouter(prefix="/internal/staff", include_in_schema=False)


def _location(request: Request, staff_id: str) -> str:
    return str(request.url_for("get_staff_member", staff_id=staff_id).path)


def _read(record: service.StaffRecord) -> Response:
    return resource_response(StaffRead.model_validate(record), version=record.version)


@router.get("", response_model=Page[StaffRead], responses=LIST)
async def list_staff(
    principal: StaffReader,
    session: DbSession,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    team: Annotated[str | None, Query(max_length=200, description="Only this team")] = None,
    grade: Annotated[Grade | None, Query(description="Only this grade")] = None,
    active: Annotated[QueryBool | None, Query(description="Only active (or inactive)")] = None,
) -> Response:
    """The staff directory, by staff id."""
    page = await service.list_staff(
        session, limit=limit, cursor=cursor, team=team, grade=grade, active=active
    )
    return resource_response(page)


@router.get("/{staff_id}", response_model=StaffRead, responses=READ)
async def get_staff_member(
    staff_id: StaffIdPath, principal: StaffReader, session: DbSession
) -> Response:
    """One member of staff: grade, roles, team, specialisms, posts, declared conflicts and
    availability."""
    return _read(await service.get_staff(session, staff_id))


@router.post("", status_code=201, response_model=StaffRead, responses=CREATE)
async def create_staff_member(
    request: Request,
    body: StaffCreate,
    principal: StaffAdmin,
    session: DbSession,
    idem: IdempotencyDep,
) -> Response:
    """Add a member of staff (staff admins; normally the identity provider's sync does)."""
    record = await service.create_staff(session, data=body, actor=principal)
    return await idem.save(
        resource_response(
            StaffRead.model_validate(record),
            status_code=201,
            version=record.version,
            location=_location(request, record.staff_id),
        )
    )


@router.patch("/{staff_id}", response_model=StaffRead, responses=ACT)
async def update_staff_member(
    staff_id: StaffIdPath,
    body: StaffUpdate,
    principal: StaffEditor,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """Change the fields sent: a staff admin any of them, the person only `available`."""
    record = await service.update_staff(
        session, staff_id=staff_id, data=body, actor=principal, if_match=if_match
    )
    return _read(record)


@router.post("/{staff_id}/deactivation", response_model=StaffRead, responses=ACT)
async def deactivate_staff_member(
    staff_id: StaffIdPath,
    body: Deactivation,
    principal: StaffAdmin,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """Deactivate: nobody allocates a case to them from now on (staff admins)."""
    record = await service.set_active(
        session,
        staff_id=staff_id,
        active=False,
        reason=body.reason,
        actor=principal,
        if_match=if_match,
    )
    return _read(record)


@router.post("/{staff_id}/reactivation", response_model=StaffRead, responses=ACT)
async def reactivate_staff_member(
    staff_id: StaffIdPath,
    body: Deactivation,
    principal: StaffAdmin,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """Reactivate a deactivated member of staff (staff admins)."""
    record = await service.set_active(
        session,
        staff_id=staff_id,
        active=True,
        reason=body.reason,
        actor=principal,
        if_match=if_match,
    )
    return _read(record)


@router.post(
    "/{staff_id}/conflicts",
    status_code=201,
    response_model=ConflictRead,
    responses=problem_responses(401, 403, 404, 409, 413, 422, 429),
)
async def declare_conflict(
    staff_id: StaffIdPath,
    body: ConflictCreate,
    principal: ConflictDeclarer,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """CMP-128: declare a conflict of interest on an organisation or a case (the person, or a
    staff admin); allocation refuses them such cases from then on."""
    conflict = await service.declare_conflict(
        session, staff_id=staff_id, data=body, actor=principal, today=clock.today()
    )
    return await idem.save(
        resource_response(ConflictRead.model_validate(conflict), status_code=201)
    )


@internal_router.get(
    "/{staff_id}", response_model=StaffMember, responses=problem_responses(401, 403, 404, 429)
)
async def staff_member_for_service(
    staff_id: StaffIdPath, principal: IdentitySync, session: DbSession
) -> Response:
    """The member of staff as ``shared.staff.StaffDirectory`` reads them. Service token only."""
    record = await service.get_staff(session, staff_id)
    return resource_response(service.as_member(record), version=record.version)


@internal_router.put(
    "/{staff_id}",
    response_model=StaffMember,
    responses={
        201: {"description": "Created", "model": StaffMember},
        **problem_responses(401, 403, 413, 422, 429),
    },
)
async def sync_staff_member(
    staff_id: StaffIdPath,
    body: StaffSync,
    principal: IdentitySync,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """The identity provider's sync: create or replace the person's identity fields (SCIM-like
    idempotent PUT). 201 when created, 200 otherwise; the same body twice changes nothing."""
    record, created = await service.sync_staff(
        session, staff_id=staff_id, data=body, actor=principal, at=clock.now()
    )
    return resource_response(
        service.as_member(record), status_code=201 if created else 200, version=record.version
    )

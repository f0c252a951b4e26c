"""MP records under ``/v1/people``: successors, deactivation and the requests to deactivate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from intake_api.people import mps
from intake_api.people.dependencies import (
    ACT,
    CREATE,
    TOP_LIST,
    PersonId,
    PersonReader,
    PersonWriter,
)
from intake_api.people.schemas import PersonRead
from intake_api.people.schemas_mps import (
    MpDeactivation,
    MpDeactivationRequestPage,
    MpSuccessionCreate,
    MpSuccessionRead,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import QueryBool

router = APIRouter()


@router.get(
    "/mp-deactivation-requests", response_model=MpDeactivationRequestPage, responses=TOP_LIST
)
async def mp_deactivation_requests(
    principal: PersonReader,
    session: DbSession,
    open_only: Annotated[
        QueryBool, Query(alias="open", description="Only uncompleted ones")
    ] = True,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Requests to make old MP records inactive, oldest first."""
    page = await mps.list_mp_deactivation_requests(
        session, open_only=open_only, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.post(
    "/{person_id}/mp/successor", status_code=201, response_model=MpSuccessionRead, responses=CREATE
)
async def record_mp_successor(
    person_id: PersonId,
    body: MpSuccessionCreate,
    principal: PersonWriter,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Record the successor of an MP as a separate record and request deactivation."""
    succession = await mps.record_mp_successor(
        session,
        person_id=person_id,
        data=body,
        actor=principal,
        now=clock.now(),
        today=clock.today(),
    )
    return await idem.save(resource_response(succession, status_code=201))


@router.post("/{person_id}/mp/deactivate", response_model=PersonRead, responses=ACT)
async def deactivate_mp(
    person_id: PersonId,
    body: MpDeactivation,
    principal: PersonWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Make an MP record inactive, completing any request to do so."""
    person = await mps.deactivate_mp(
        session, person_id=person_id, data=body, actor=principal, now=clock.now(), if_match=if_match
    )
    return resource_response(person, version=person.version)

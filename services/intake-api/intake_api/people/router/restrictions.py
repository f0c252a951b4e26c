"""Contact restrictions under the unreasonable behaviour policy, under ``/v1/people``
(¶1.27, ¶2.222; XC-COM-001): a manager imposes and lifts them; every reader sees them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from intake_api.people import restrictions
from intake_api.people.dependencies import (
    ACT,
    CREATE,
    LIST,
    PersonId,
    PersonReader,
    RestrictionDecider,
)
from intake_api.people.schemas_restrictions import (
    ContactRestrictionCreate,
    ContactRestrictionLift,
    ContactRestrictionPage,
    ContactRestrictionRead,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter()


@router.post(
    "/{person_id}/contact-restrictions",
    status_code=201,
    response_model=ContactRestrictionRead,
    responses=CREATE,
)
async def impose_contact_restriction(
    person_id: PersonId,
    body: ContactRestrictionCreate,
    principal: RestrictionDecider,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Record your decision, as a manager, to restrict the person's contact (XC-COM-001)."""
    restriction = await restrictions.impose(
        session, person_id=person_id, data=body, actor=principal, now=clock.now()
    )
    read = ContactRestrictionRead.model_validate(restriction)
    return await idem.save(resource_response(read, status_code=201, version=read.version))


@router.get(
    "/{person_id}/contact-restrictions", response_model=ContactRestrictionPage, responses=LIST
)
async def list_contact_restrictions(
    person_id: PersonId,
    principal: PersonReader,
    session: DbSession,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """The person's restrictions, lifted and ended ones included (audited)."""
    page = await restrictions.list_restrictions(
        session, person_id=person_id, actor=principal, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.post(
    "/{person_id}/contact-restrictions/{restriction_id}/lift",
    response_model=ContactRestrictionRead,
    responses=ACT,
)
async def lift_contact_restriction(
    person_id: PersonId,
    restriction_id: uuid.UUID,
    body: ContactRestrictionLift,
    principal: RestrictionDecider,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """End a restriction from ``lifted_on``, e.g. at its review."""
    restriction = await restrictions.lift(
        session,
        person_id=person_id,
        restriction_id=restriction_id,
        data=body,
        actor=principal,
        if_match=if_match,
    )
    read = ContactRestrictionRead.model_validate(restriction)
    return resource_response(read, version=read.version)

"""``/v1/people``: a person's record, the previous-contact search and the contact card."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from intake_api.cases import service as cases
from intake_api.people import service
from intake_api.people.dependencies import (
    READ,
    TOP_CREATE,
    TOP_LIST,
    ForCase,
    PersonId,
    PersonReader,
    PersonWriter,
)
from intake_api.people.schemas import (
    ContactCard,
    PersonCreate,
    PersonPage,
    PersonRead,
    PersonUpdate,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import NO_NUL

router = APIRouter()

SearchText = Annotated[str | None, Query(min_length=1, max_length=254, pattern=NO_NUL)]


@router.post("", status_code=201, response_model=PersonRead, responses=TOP_CREATE)
async def create_person(
    request: Request,
    body: PersonCreate,
    principal: PersonWriter,
    session: DbSession,
    idem: IdempotencyDep,
) -> Response:
    """Record a person, an organisation acting as a party, or an MP."""
    person = await service.create_person(session, data=body, actor=principal)
    location = str(request.url_for("get_person", person_id=str(person.id)).path)
    return await idem.save(
        resource_response(person, status_code=201, version=person.version, location=location)
    )


@router.get("", response_model=PersonPage, responses=TOP_LIST)
async def search_people(
    principal: PersonReader,
    session: DbSession,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
    name: SearchText = None,
    email: SearchText = None,
    phone: SearchText = None,
    postcode: SearchText = None,
) -> Response:
    """Find earlier contacts by name, email, phone or postcode (all given must match)."""
    page = await service.search_people(
        session,
        name=name,
        email=email,
        phone=phone,
        postcode=postcode,
        limit=limit,
        cursor=cursor,
        actor=principal,
    )
    return resource_response(page)


# ``:uuid`` so that /v1/people/reasonable-adjustments and its static siblings are never read as a
# person id: a PATCH there is a 405, as for any method the path does not serve.
@router.get("/{person_id:uuid}", name="get_person", response_model=PersonRead, responses=READ)
async def get_person(
    person_id: PersonId, principal: PersonReader, session: DbSession, case_id: ForCase = None
) -> Response:
    """Read a person's record (audited); the ETag header carries its version."""
    person = await service.read_person(
        session, person_id=person_id, actor=principal, case_id=case_id
    )
    return resource_response(person, version=person.version)


@router.patch(
    "/{person_id:uuid}",
    response_model=PersonRead,
    responses=problem_responses(401, 403, 404, 412, 413, 422, 428, 429),
)
async def update_person(
    person_id: PersonId,
    body: PersonUpdate,
    principal: PersonWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Change contact details and preferences; If-Match is required. A correction of a party on a
    case already passed on is announced to the service that owns it."""
    person, corrected = await service.update_person(
        session, person_id=person_id, changes=body, actor=principal, if_match=if_match
    )
    await cases.announce_party_correction(
        session, person_id=person_id, fields=corrected, actor=principal, at=clock.now()
    )
    return resource_response(person, version=person.version)


@router.get("/{person_id}/contact-card", response_model=ContactCard, responses=READ)
async def get_contact_card(
    person_id: PersonId,
    principal: PersonReader,
    session: DbSession,
    clock: ClockDep,
    case_id: ForCase = None,
) -> Response:
    """What another service needs to address a letter to the person (audited), with the
    contact restrictions in force today (XC-COM-001)."""
    card = await service.read_contact_card(
        session, person_id=person_id, actor=principal, case_id=case_id, today=clock.today()
    )
    return resource_response(card, version=card.version)

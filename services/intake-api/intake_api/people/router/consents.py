"""``/v1/people/{person_id}/consents``: consents the person gave, and their withdrawal."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from intake_api.people import consents
from intake_api.people.dependencies import ACT, CREATE, LIST, PersonId, PersonReader, PersonWriter
from intake_api.people.schemas_consents import (
    ConsentCreate,
    ConsentPage,
    ConsentRead,
    ConsentWithdrawal,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter()


@router.post("/{person_id}/consents", status_code=201, response_model=ConsentRead, responses=CREATE)
async def record_consent(
    person_id: PersonId,
    body: ConsentCreate,
    principal: PersonWriter,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Record a consent the person gave."""
    consent = await consents.record_consent(
        session, person_id=person_id, data=body, actor=principal, now=clock.now()
    )
    read = ConsentRead.model_validate(consent)
    return await idem.save(resource_response(read, status_code=201, version=read.version))


@router.get("/{person_id}/consents", response_model=ConsentPage, responses=LIST)
async def list_consents(
    person_id: PersonId,
    principal: PersonReader,
    session: DbSession,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """List the person's consents, withdrawn ones included (audited)."""
    page = await consents.list_consents(
        session, person_id=person_id, actor=principal, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.post(
    "/{person_id}/consents/{consent_id}/withdraw", response_model=ConsentRead, responses=ACT
)
async def withdraw_consent(
    person_id: PersonId,
    consent_id: uuid.UUID,
    body: ConsentWithdrawal,
    principal: PersonWriter,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Record that the person withdrew a consent."""
    consent = await consents.withdraw_consent(
        session,
        person_id=person_id,
        consent_id=consent_id,
        data=body,
        actor=principal,
        now=clock.now(),
        if_match=if_match,
    )
    read = ConsentRead.model_validate(consent)
    return resource_response(read, version=read.version)

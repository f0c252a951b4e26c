"""``/v1/people/{person_id}/identity-verifications``: identity checks on calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from intake_api.people import verification
from intake_api.people.dependencies import CREATE, LIST, READ, PersonId, PersonReader, PersonWriter
from intake_api.people.schemas_verification import (
    CallVerificationStatus,
    IdentityVerificationCreate,
    IdentityVerificationPage,
    IdentityVerificationRead,
)
from shared.clock import ClockDep
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import NO_NUL

router = APIRouter()

CallRef = Annotated[
    str, Query(min_length=1, max_length=200, pattern=NO_NUL, description="The call's reference")
]


@router.post(
    "/{person_id}/identity-verifications",
    status_code=201,
    response_model=IdentityVerificationRead,
    responses=CREATE,
)
async def record_identity_verification(
    person_id: PersonId,
    body: IdentityVerificationCreate,
    principal: PersonWriter,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Record the security questions asked on a call, or a reasoned waiver."""
    check = await verification.record_identity_verification(
        session, person_id=person_id, data=body, actor=principal, now=clock.now()
    )
    read = IdentityVerificationRead.model_validate(check)
    return await idem.save(resource_response(read, status_code=201))


@router.get(
    "/{person_id}/identity-verifications",
    response_model=IdentityVerificationPage,
    responses=LIST,
)
async def list_identity_verifications(
    person_id: PersonId,
    principal: PersonReader,
    session: DbSession,
    call_ref: Annotated[str | None, Query(min_length=1, max_length=200, pattern=NO_NUL)] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """List the person's identity checks, optionally for one call (audited)."""
    page = await verification.list_identity_verifications(
        session, person_id=person_id, call_ref=call_ref, actor=principal, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.get(
    "/{person_id}/identity-verifications/call-status",
    response_model=CallVerificationStatus,
    responses=READ,
)
async def call_verification_status(
    person_id: PersonId, call_ref: CallRef, principal: PersonReader, session: DbSession
) -> Response:
    """Say whether case information may be disclosed on a call."""
    status = await verification.call_verification_status(
        session, person_id=person_id, call_ref=call_ref
    )
    return resource_response(status)

"""``/v1/cases/{case_id}/contact``: contact after allocation at further consideration
(¶2.212–2.226, ASM-099…104, C-07, C-08)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.contact import service
from assessment_api.contact.dependencies import (
    CLOSE,
    METHOD,
    READ,
    RECORD,
    CaseActor,
    CaseIdPath,
    CaseReader,
    IntakeClient,
)
from assessment_api.contact.schemas import (
    AttemptRecorded,
    ContactRead,
    FcContactAttemptCreate,
    FcContactAttemptRead,
    FcWithdrawCreate,
    MethodRead,
    MpContactCreate,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases/{case_id}/contact", tags=["contact"])


async def _answer(session: DbSession, case_id: CaseIdPath, clock: ClockDep) -> Response:
    return resource_response(await service.read(session, case_id=case_id, today=clock.today()))


@router.get("", summary="Read contact after allocation", response_model=ContactRead, responses=READ)
async def read_contact(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession, clock: ClockDep
) -> Response:
    """First contact against its 10-working-day clock (ASM-099), each attempt (ASM-101), whether
    a decision may be made (C-08: contact made, or three failed calls over two days), the
    checklist (ASM-102) and the MP task (ASM-104)."""
    return await _answer(session, case_id, clock)


@router.get(
    "/method", summary="How to contact the complainant", response_model=MethodRead, responses=METHOD
)
async def read_method(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession, intake: IntakeClient
) -> Response:
    """ASM-100: telephone by default, the stated preference from then on, a letter or email
    asking for a number and preference when there is none; the days asked for and to avoid.
    503 `intake-unavailable` when intake cannot say."""
    return resource_response(await service.method(session, intake, case_id=case_id))


@router.post(
    "/attempts",
    status_code=201,
    summary="Record a contact attempt",
    response_model=AttemptRecorded,
    responses=RECORD,
)
async def record_attempt(
    case_id: CaseIdPath,
    body: FcContactAttemptCreate,
    principal: CaseActor,
    session: DbSession,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-101: each attempt to reach the complainant, by their method (ASM-100: 422
    `fc-method-not-followed`, `fc-timing-not-followed`); first contact meets the 10-working-day
    clock (ASM-099); a conversation carries its ¶2.219 checklist (ASM-102)."""
    recorded = await service.record_attempt(
        session, intake, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(resource_response(recorded, status_code=201))


@router.post(
    "/mp",
    status_code=201,
    summary="Record contact with the referring MP",
    response_model=FcContactAttemptRead,
    responses=RECORD,
)
async def record_mp_contact(
    case_id: CaseIdPath,
    body: MpContactCreate,
    principal: CaseActor,
    session: DbSession,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-104: on an MP-referred case (else 409 `not-mp-referred`), contact with the referring
    MP giving the caseworker's contact details completes allocation's MP task."""
    recorded = await service.record_mp_contact(
        session, intake, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(resource_response(recorded, status_code=201))


@router.post(
    "/withdraw",
    summary="More information needed: close as 'withdrawn'",
    response_model=ContactRead,
    responses=CLOSE,
)
async def withdraw(
    case_id: CaseIdPath,
    body: FcWithdrawCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-103: recorded and told to the complainant, after contact was tried (ASM-101: 409
    `fc-contact-required`) and the conversation covered what a decision needs (ASM-102: 409
    `fc-checklist-incomplete`). A complainant who returns later gets a new case from intake."""
    await service.withdraw(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id, clock))

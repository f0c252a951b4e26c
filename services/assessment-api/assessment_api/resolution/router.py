"""``/v1/cases/{case_id}/resolution``: resolution requested of the organisation at further
consideration (¶3.59–3.67; T33, T34; ASM-153…156)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.resolution import service
from assessment_api.resolution.dependencies import (
    ACT,
    DECIDE,
    READ,
    CaseActor,
    CaseIdPath,
    CaseReader,
    IntakeClient,
    RiskClient,
)
from assessment_api.resolution.schemas import (
    FcResolutionAgreement,
    FcResolutionRead,
    FcResolutionRefusal,
    FcResolutionRequestCreate,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases/{case_id}/resolution", tags=["resolution"])


async def _answer(session: DbSession, case_id: CaseIdPath, status_code: int = 200) -> Response:
    read = await service.read(session, case_id=case_id)
    return resource_response(read, version=read.case_version, status_code=status_code)


@router.get(
    "", summary="Read the case's resolution requests", response_model=FcResolutionRead,
    responses=READ,
)  # fmt: skip
async def read_resolution(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """Each resolution request with the organisation's answer, and the letters and calls; the
    ETag is the case's version (the acts below take it as `If-Match`)."""
    return await _answer(session, case_id)


@router.post(
    "",
    status_code=201,
    summary="Request a resolution of the organisation",
    response_model=FcResolutionRead,
    responses=ACT,
)
async def request_resolution(
    case_id: CaseIdPath,
    body: FcResolutionRequestCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T33: request actions (§D.20) of the case's organisations; the case awaits their answer.
    Both sides must have been told these are not formal recommendations (ASM-154: 422
    `fc-resolution-not-recommendations-untold`); only at further consideration (409)."""
    await service.request_resolution(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id, status_code=201))


@router.post(
    "/refused",
    summary="The organisation refused the resolution",
    response_model=FcResolutionRead,
    responses=ACT,
)
async def record_refusal(
    case_id: CaseIdPath,
    body: FcResolutionRefusal,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T34 (¶3.65): audited; the case returns to further consideration, where the caseworker
    may propose to investigate. 409 `fc-resolution-not-requested` when nothing awaits an answer."""
    await service.record_refusal(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id))


@router.post(
    "/agreed",
    summary="The organisation agreed: close as a resolution",
    response_model=FcResolutionRead,
    responses=DECIDE,
)
async def record_agreement(
    case_id: CaseIdPath,
    body: FcResolutionAgreement,
    principal: CaseActor,
    session: DbSession,
    risk: RiskClient,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T33: the case closes as a resolution, a decision not to investigate (ASM-156): most
    issues or the significant one resolved by action the organisation was not already taking
    (ASM-153: 422 `fc-resolution-agreement-invalid`); a `decline` risk assessment at
    compliance-api (XC-RSK-001: 409 `risk-assessment-required`, 503 when it cannot say); issued
    to the parties intake holds and the organisations asked (ASM-173, ASM-174, ¶3.117: 409
    `decision-recipients-incomplete`, 503 `intake-unavailable`). Emits `assessment.case.closed`
    and `assessment.resolution.agreed` (compliance's resolution item, never escalated, ASM-155)."""
    await service.record_agreement(
        session, risk, intake, case_id=case_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return await idem.save(await _answer(session, case_id))

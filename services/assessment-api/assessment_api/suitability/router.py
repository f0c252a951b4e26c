"""``/v1/cases/{case_id}/suitability``: suitability, capacity and representatives at further
consideration (¶2.247–2.264; ASM-109…113)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.suitability import service
from assessment_api.suitability.dependencies import (
    CREATE,
    READ,
    READINESS,
    SAVE,
    CaseActor,
    CaseIdPath,
    CaseReader,
    IntakeClient,
)
from assessment_api.suitability.schemas import (
    SuitabilityRead,
    SuitabilityReadiness,
    SuitabilitySave,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases/{case_id}/suitability", tags=["suitability"])


async def _answer(session: DbSession, case_id: CaseIdPath, status_code: int = 200) -> Response:
    read = await service.read_assessment(session, case_id=case_id)
    return resource_response(
        read,
        status_code=status_code,
        version=read.version,
        location=f"/v1/cases/{case_id}/suitability",
    )


@router.get(
    "", summary="Read the suitability assessment", response_model=SuitabilityRead, responses=READ
)
async def read_assessment(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """The assessment as it stands, its conclusion, what it still lacks, and the role intake
    should hold for the representative (404 `suitability-not-recorded`)."""
    return await _answer(session, case_id)


@router.post(
    "",
    status_code=201,
    summary="Record the suitability assessment",
    response_model=SuitabilityRead,
    responses=CREATE,
)
async def create_assessment(
    case_id: CaseIdPath,
    body: SuitabilitySave,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Version 1, at further consideration only (409 `not-at-further-consideration`,
    `suitability-exists`); 422 `suitability-invalid` lists each contradiction by requirement."""
    await service.create_assessment(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(),
    )  # fmt: skip
    return await idem.save(await _answer(session, case_id, status_code=201))


@router.put("", summary="Save a new version", response_model=SuitabilityRead, responses=SAVE)
async def save_assessment(
    case_id: CaseIdPath,
    body: SuitabilitySave,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The whole assessment as a new version on the current one: `If-Match` required (428
    missing, 412 stale); the same rules as recording it (422 `suitability-invalid`)."""
    await service.save_assessment(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return await _answer(session, case_id)


@router.get(
    "/readiness",
    summary="What suitability lacks before a decision",
    response_model=SuitabilityReadiness,
    responses=READINESS,
)
async def readiness(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession, intake: IntakeClient
) -> Response:
    """What stands in the way of a decline and of a proposal: the assessment's gaps and the
    roles to correct at intake (ASM-113), each naming its requirement; 503
    `intake-unavailable` when intake cannot say."""
    return resource_response(await service.readiness(session, intake, case_id=case_id))

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from intake_api.cases import service
from intake_api.cases.dependencies import CaseFromPath, CaseReader, IntakeCaseworker
from intake_api.cases.schemas import CaseCreate, CaseRead, CaseReferral
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader, make_etag
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases", tags=["cases"])


def _case_response(request: Request, case: CaseRead, status_code: int) -> JSONResponse:
    headers = {"ETag": make_etag(case.version)}
    if status_code == 201:
        headers["Location"] = str(request.url_for("get_case", case_id=str(case.id)).path)
    return JSONResponse(case.model_dump(mode="json"), status_code=status_code, headers=headers)


@router.post(
    "",
    status_code=201,
    response_model=CaseRead,
    responses=problem_responses(401, 403, 409, 413, 422, 429),
)
async def create_case(
    request: Request,
    body: CaseCreate,
    principal: IntakeCaseworker,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> JSONResponse:
    """Record a newly received request (enquiry or complaint)."""
    if idem.replay is not None:
        return idem.replay
    case = await service.create_case(
        session,
        data=body,
        actor=principal,
        today=clock.today(),
        reference_prefix=request.app.state.settings.case_reference_prefix,
    )
    return await idem.save(_case_response(request, CaseRead.model_validate(case), 201))


@router.get(
    "/{case_id}",
    name="get_case",
    response_model=CaseRead,
    responses=problem_responses(401, 403, 404, 422, 429),
)
async def get_case(request: Request, principal: CaseReader, case: CaseFromPath) -> JSONResponse:
    """Read one case; the ETag header carries its version."""
    return _case_response(request, CaseRead.model_validate(case), 200)


@router.post(
    "/{case_id}/refer",
    response_model=CaseRead,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 429),
)
async def refer_case(
    request: Request,
    case_id: uuid.UUID,
    body: CaseReferral,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Pass the case to assessment (ECT triage or the allocation queue)."""
    case = await service.refer_case(
        session, case_id=case_id, referral=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return _case_response(request, CaseRead.model_validate(case), 200)

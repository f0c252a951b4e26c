"""``/v1/cases/{case_id}/decision-form``: the Decision Form at further consideration
(¶2.196–2.329, §3; ASM-090…098, ASM-114, ASM-118…136, ASM-170)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.decision_form import service
from assessment_api.decision_form.dependencies import (
    CREATE,
    DECIDE,
    LIST,
    READ,
    SAVE,
    Agreeing,
    ApprovalIdPath,
    CaseActor,
    CaseIdPath,
    CaseReader,
)
from assessment_api.decision_form.schemas import (
    ApprovalCreate,
    ApprovalDecide,
    DecisionFormApprovalRead,
    DecisionFormRead,
    DecisionFormSave,
    ReadinessRead,
    VersionPage,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter(prefix="/v1/cases/{case_id}/decision-form", tags=["decision form"])


async def _answer(session: DbSession, case_id: CaseIdPath, status_code: int = 200) -> Response:
    read = await service.read_form(session, case_id=case_id)
    return resource_response(
        read,
        status_code=status_code,
        version=read.version,
        location=f"/v1/cases/{case_id}/decision-form",
    )


@router.get("", summary="Read the Decision Form", response_model=DecisionFormRead, responses=READ)
async def read_form(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """The form as it stands, with what the rules compute from it: the time limit (never
    typed), each gate test's result, the Assistant Director's agreements, and what is missing
    before a decline or a proposal."""
    return await _answer(session, case_id)


@router.post(
    "",
    status_code=201,
    summary="Start the Decision Form",
    response_model=DecisionFormRead,
    responses=CREATE,
)
async def create_form(
    case_id: CaseIdPath,
    body: DecisionFormSave,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Version 1 of the case's form, at further consideration only (409
    `not-at-further-consideration`, `decision-form-exists`); 422 `decision-form-invalid` lists
    each rule the form breaks, by requirement (ASM-091 remit and suitability first, ASM-092
    every gate before a proposal, ASM-093 a single decline reason, ASM-170 material evidence)."""
    await service.create_form(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(),
    )  # fmt: skip
    return await idem.save(await _answer(session, case_id, status_code=201))


@router.put("", summary="Save a new version", response_model=DecisionFormRead, responses=SAVE)
async def save_form(
    case_id: CaseIdPath,
    body: DecisionFormSave,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The whole form as a new version on the current one: `If-Match` required (428 missing,
    412 stale); the same rules as starting it (422 `decision-form-invalid`)."""
    await service.save_form(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return await _answer(session, case_id)


@router.get("/versions", summary="The form's history", response_model=VersionPage, responses=LIST)
async def list_versions(
    case_id: CaseIdPath,
    principal: CaseReader,
    session: DbSession,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Every saved version, newest first, with who saved it, when and why."""
    page = await service.list_versions(session, case_id=case_id, limit=limit, cursor=cursor)
    return resource_response(page)


@router.get(
    "/readiness",
    summary="What is missing before a decision",
    response_model=ReadinessRead,
    responses=READ,
)
async def readiness(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """What the form lacks before a decline and before a proposal, each item naming its
    requirement (empty lists: ready)."""
    return resource_response(await service.readiness(session, case_id))


@router.post(
    "/approvals",
    status_code=201,
    summary="Ask an Assistant Director to agree the time-limit decision",
    response_model=DecisionFormApprovalRead,
    responses=CREATE,
)
async def request_agreement(
    case_id: CaseIdPath,
    body: ApprovalCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-124 discretion on exceptional circumstances, or ASM-123 closing a COVID-window case
    as out of time (409 `decision-form-approval-not-needed` when the form records neither)."""
    approval = await service.request_agreement(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    read = await service.approval_read(session, approval)
    return await idem.save(resource_response(read, status_code=201))


@router.post(
    "/approvals/{approval_id}/decision",
    summary="The Assistant Director agrees or refuses",
    response_model=DecisionFormApprovalRead,
    responses=DECIDE,
)
async def decide_agreement(
    case_id: CaseIdPath,
    approval_id: ApprovalIdPath,
    body: ApprovalDecide,
    principal: Agreeing,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """With reasons; once (409 `approval-already-decided`), by an Assistant Director (403
    `approval-level-not-held`) who did not ask (403 `approver-is-requester`)."""
    approval = await service.decide_agreement(
        session, case_id=case_id, approval_id=approval_id, data=body, actor=principal,
        at=clock.now(),
    )  # fmt: skip
    return await idem.save(resource_response(await service.approval_read(session, approval)))

"""``/v1/cases/{case_id}/proposal``: the proposal to investigate (¶3.73–3.108): the plan
prepared before it is issued, then its letters, each recipient's comment deadline (C-15) and
the comment window (ASM-158). The proposal itself is issued by ``POST /v1/cases/{case_id}/
proposal`` (T35, the cases router)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.proposals import service
from assessment_api.proposals.dependencies import (
    AFTER_ISSUE,
    PREPARE,
    READ,
    SAVE,
    CaseActor,
    CaseIdPath,
    CaseReader,
    DeadlineIdPath,
    IntakeClient,
)
from assessment_api.proposals.schemas import (
    CommentExtensionCreate,
    CommentReplyCreate,
    ProposalPlanRead,
    ProposalPlanWrite,
    ProposalRecord,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases/{case_id}/proposal", tags=["proposals"])


@router.get(
    "", summary="Read the proposal to investigate", response_model=ProposalRecord, responses=READ
)
async def read_proposal(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession, clock: ClockDep
) -> Response:
    """The plan (with what is missing before it can be issued), the letters and replies, each
    recipient's C-15 comment deadline with its extensions, and whether the comment window has
    closed (ASM-158: the latest due date has passed, or every recipient has replied)."""
    return resource_response(await service.read_proposal(session, case_id, today=clock.today()))


@router.get(
    "/plan", summary="Read the proposal plan", response_model=ProposalPlanRead, responses=READ
)
async def read_plan(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """The proposal plan; the ETag header carries its version."""
    plan = await service.get_plan(session, case_id)
    return resource_response(service.read_plan(plan), version=plan.version)


@router.post(
    "/plan",
    status_code=201,
    summary="Prepare the proposal",
    response_model=ProposalPlanRead,
    responses=PREPARE,
)
async def create_plan(
    case_id: CaseIdPath,
    body: ProposalPlanWrite,
    principal: CaseActor,
    session: DbSession,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Prepare the proposal at further consideration: the organisations written to are derived
    from the complaint handlers and intake's register (ASM-165 legal or policy, ASM-164 /
    ASM-166 addressing, ASM-162 contract type, ASM-163 opt-out reminder); the named persons
    (ASM-167) and the issues in and out (ASM-160) are the caseworker's. 409 if the case has a
    plan or is not at further consideration; 503 when intake cannot say."""
    plan = await service.create_plan(
        session, intake, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    read = service.read_plan(plan)
    return await idem.save(resource_response(read, version=plan.version, status_code=201))


@router.put(
    "/plan", summary="Save the proposal plan", response_model=ProposalPlanRead, responses=SAVE
)
async def save_plan(
    case_id: CaseIdPath,
    body: ProposalPlanWrite,
    principal: CaseActor,
    session: DbSession,
    intake: IntakeClient,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Save the plan whole under If-Match (required: 428 without, 412 when stale); the
    organisations are derived again from the handlers and intake's register."""
    plan = await service.save_plan(
        session, intake, case_id=case_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return resource_response(service.read_plan(plan), version=plan.version)


@router.post(
    "/deadlines/{deadline_id}/replies",
    status_code=201,
    summary="Record a recipient's comments",
    response_model=ProposalRecord,
    responses=AFTER_ISSUE,
)
async def record_reply(
    case_id: CaseIdPath,
    deadline_id: DeadlineIdPath,
    body: CommentReplyCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """A recipient's comments received (ASM-158: once every recipient has replied the window
    closes); what they say is scanned for legal-action wording (XC-RSK-004). 409 if already
    recorded."""
    await service.record_reply(
        session, case_id=case_id, deadline_id=deadline_id, data=body, actor=principal,
        at=clock.now(),
    )  # fmt: skip
    read = await service.read_proposal(session, case_id, today=clock.today())
    return await idem.save(resource_response(read, status_code=201))


@router.post(
    "/deadlines/{deadline_id}/extensions",
    status_code=201,
    summary="Agree an extension for one recipient",
    response_model=ProposalRecord,
    responses=AFTER_ISSUE,
)
async def extend(
    case_id: CaseIdPath,
    deadline_id: DeadlineIdPath,
    body: CommentExtensionCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-161 (¶3.78): a new date agreed for ONE recipient's comments, case by case, with the
    reason, who and when; the original date is kept and the other recipients' are unchanged.
    investigation-api is told (`assessment.proposal.comment_deadline_extended`). 422
    `extension-not-later` unless later than the date in force; 409 once they have replied."""
    await service.extend(
        session, case_id=case_id, deadline_id=deadline_id, data=body, actor=principal,
        at=clock.now(),
    )  # fmt: skip
    read = await service.read_proposal(session, case_id, today=clock.today())
    return await idem.save(resource_response(read, status_code=201))

"""After a closure: restarts, new linked cases, and the tasks rules leave on a case."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from intake_api.cases import reopening, tasks
from intake_api.cases.dependencies import (
    ACT,
    READ,
    Calendar,
    CaseActor,
    CaseIdPath,
    CaseReader,
    ReferencePrefix,
    case_location,
)
from intake_api.cases.schemas import CaseRead
from intake_api.cases.schemas_reopening import (
    CaseLinkRead,
    RestartRequest,
    ReturnAsNewCase,
    TaskCompletion,
    TaskRead,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.post("/{case_id}/restart", response_model=CaseRead, responses=ACT)
async def restart_case(
    case_id: uuid.UUID,
    body: RestartRequest,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    calendar: Calendar,
    if_match: IfMatchHeader = None,
) -> Response:
    """Restart a closed case for a new decision (INT-019, ASM-034/035)."""
    case = await reopening.restart_case(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match,
        calendar=calendar,
    )  # fmt: skip
    return resource_response(CaseRead.model_validate(case), version=case.version)


@router.post(
    "/{case_id}/return-as-new-case", status_code=201, response_model=CaseRead, responses=ACT
)
async def return_as_new_case(
    request: Request,
    case_id: uuid.UUID,
    body: ReturnAsNewCase,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    calendar: Calendar,
    reference_prefix: ReferencePrefix,
) -> Response:
    """A returning complainant gets a new case linked to the closed one (¶2.15, ¶2.58, ¶2.225)."""
    case = await reopening.return_as_new_case(
        session, case_id=case_id, data=body, actor=principal, today=clock.today(),
        now=clock.now(), reference_prefix=reference_prefix, calendar=calendar,
    )  # fmt: skip
    return resource_response(
        CaseRead.model_validate(case), status_code=201, version=case.version,
        location=case_location(request, case.id),
    )  # fmt: skip


@router.get("/{case_id}/links", response_model=list[CaseLinkRead], responses=READ)
async def list_links(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """Earlier and later cases linked to this one."""
    return resource_response(await reopening.list_links(session, case_id=case_id))


@router.get("/{case_id}/tasks", response_model=list[TaskRead], responses=READ)
async def list_tasks(case_id: uuid.UUID, principal: CaseReader, session: DbSession) -> Response:
    """Follow-up work rules left on the case (ASM-039), done or not."""
    return resource_response(await tasks.list_tasks(session, case_id=case_id))


@router.post("/{case_id}/tasks/{task_id}/complete", response_model=TaskRead, responses=ACT)
async def complete_task(
    case_id: uuid.UUID,
    task_id: uuid.UUID,
    body: TaskCompletion,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Mark a task done by hand, saying what was done (a logged request does it by itself)."""
    task = await tasks.complete_task(
        session, case_id=case_id, task_id=task_id, data=body, actor=principal, at=clock.now()
    )
    return resource_response(TaskRead.model_validate(task))

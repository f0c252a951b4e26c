"""Tasks: follow-up work a rule leaves on a case (ASM-024, ASM-039).

A task is done by the communication that does it, when one is logged, or by hand with a note;
an ASM-024 copy to a new MP only by the communication, so that the trail shows it was sent.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import recipients, repository
from intake_api.cases.errors import CaseNotFound, TaskNeedsCommunication, TaskNotFound
from intake_api.cases.models import Case, CaseTask, Communication, OrganisationRole, TaskKind
from intake_api.cases.schemas_reopening import TaskCompletion, TaskRead
from intake_api.cases.service import get_case
from shared.auth import Principal
from shared.casework.communications import WRITTEN_MEDIA
from shared.casework.tasks import complete
from shared.changes import Audited, load_for_update

TASK: Audited[CaseTask] = Audited(
    entity_type="case_task",
    snapshot=lambda task: TaskRead.model_validate(task).model_dump(mode="json"),
    case_id=lambda task: task.case_id,
)


async def copies_for_new_mps(
    session: AsyncSession, case: Case, vacated_by: list[uuid.UUID], *, actor: Principal
) -> None:
    """ASM-024 (¶2.43): a decision issued while an MP's seat is vacant is owed to the new MP.

    The task is done only by recording the decision sent to the elected successor.
    """
    for mp in vacated_by:
        task = CaseTask(
            id=uuid.uuid4(), case_id=case.id, kind=TaskKind.send_copy_to_new_mp,
            rule="ASM-024 ¶2.43: send the decision to the new MP once elected",
            person_id=mp, created_by=actor.sub,
        )  # fmt: skip
        session.add(task)
        reason = "ASM-024: decision issued while the MP's seat is vacant"
        await TASK.created(session, task, actor=actor, action="case.task_created", reason=reason)


async def ask_joint_working_consent(session: AsyncSession, case: Case, *, actor: Principal) -> None:
    """INT-042 (¶1.53): the JW team accepted the case, so the intake caseworker asks the
    complainant for consent to joint working with the LGSCO before the case goes on."""
    task = CaseTask(
        id=uuid.uuid4(), case_id=case.id, kind=TaskKind.ask_joint_working_consent,
        rule="INT-042 ¶1.53: ask the complainant for consent to joint working with the LGSCO",
        created_by=actor.sub,
    )  # fmt: skip
    session.add(task)
    await TASK.created(
        session, task, actor=actor, action="case.task_created",
        reason="INT-042: accepted by the joint working team",
    )  # fmt: skip


async def ask_for_written_response(session: AsyncSession, case: Case, *, actor: Principal) -> None:
    """ASM-039 (¶2.69): a task to ask each NHS organisation for a written response.

    A request already logged (an outbound ``written_response_request`` to that organisation)
    does the task at once, so the trail shows both the rule and how it was met.
    """
    comms = await repository.communications(session, case.id)
    for org in await repository.organisations(session, case.id):
        if org.role is not OrganisationRole.original:
            continue
        done_by = next(
            (c for c in comms if _requests_written_response(c, org.organisation_id)), None
        )
        task = CaseTask(
            id=uuid.uuid4(), case_id=case.id, kind=TaskKind.request_written_response,
            rule="ASM-039 ¶2.69: ask the organisation for a written response to the complainant",
            organisation_id=org.organisation_id, created_by=actor.sub,
            done_at=done_by.occurred_at if done_by else None,
            done_by=done_by.recorded_by if done_by else None,
            done_note="Request already logged" if done_by else None,
            communication_id=done_by.id if done_by else None,
        )  # fmt: skip
        session.add(task)
        await TASK.created(
            session, task, actor=actor, action="case.task_created",
            reason="ASM-039: audio-only response from an NHS organisation; case closed premature",
        )  # fmt: skip


def _requests_written_response(comm: Communication, organisation_id: uuid.UUID) -> bool:
    return (
        comm.direction == "outbound"
        and comm.purpose == "written_response_request"
        and any(r.get("organisation_id") == str(organisation_id) for r in comm.recipients)
    )


async def done_by(session: AsyncSession, comm: Communication, *, actor: Principal) -> None:
    """The open tasks the outbound ``comm`` does, marked done by it."""
    for task in await repository.tasks(session, comm.case_id):
        if task.done_at is None and (
            (
                task.kind is TaskKind.request_written_response
                and task.organisation_id is not None
                and _requests_written_response(comm, task.organisation_id)
            )
            or (
                task.kind is TaskKind.send_copy_to_new_mp
                and task.person_id is not None
                and await _sends_decision_to_new_mp(session, comm, task.person_id)
            )
        ):
            async with TASK.change(session, task, actor=actor, action="case.task_done"):
                complete(task, by=actor.sub, at=comm.occurred_at,
                         note="Done by the logged communication")  # fmt: skip
                task.communication_id = comm.id


async def _sends_decision_to_new_mp(
    session: AsyncSession, comm: Communication, vacated_by: uuid.UUID
) -> bool:
    """ASM-024: a written decision to whoever now holds the seat ``vacated_by`` left."""
    if comm.purpose != "decision" or comm.medium not in WRITTEN_MEDIA:
        return False
    holder, _ = await recipients.appropriate_mp(session, vacated_by)
    return (
        holder is not None
        and holder != vacated_by
        and any(r.get("person_id") == str(holder) for r in comm.recipients)
    )


async def list_tasks(session: AsyncSession, *, case_id: uuid.UUID) -> list[TaskRead]:
    await get_case(session, case_id=case_id)
    return [TaskRead.model_validate(t) for t in await repository.tasks(session, case_id)]


async def complete_task(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    task_id: uuid.UUID,
    data: TaskCompletion,
    actor: Principal,
    at: datetime,
) -> CaseTask:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    task = next((t for t in await repository.tasks(session, case.id) if t.id == task_id), None)
    if task is None:
        raise TaskNotFound(f"No task {task_id} on case {case_id}")
    if task.kind is TaskKind.send_copy_to_new_mp and task.done_at is None:
        raise TaskNeedsCommunication(
            "ASM-024: record the decision sent to the new MP; that completes the task"
        )
    async with TASK.change(session, task, actor=actor, action="case.task_done", reason=data.note):
        complete(task, by=actor.sub, at=at, note=data.note)  # 409 if it is done already
    return task

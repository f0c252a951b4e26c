"""Tasks (shared.casework.tasks): follow-up work a rule leaves on a case, done once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import CaseTask, TaskKind
from shared.casework.tasks import TaskAlreadyDone, complete
from tests.shared.casework.builders import make_case

DONE_AT = datetime(2026, 11, 3, 9, 15, tzinfo=UTC)


def _task() -> CaseTask:
    return CaseTask(
        id=uuid.uuid4(), case_id=uuid.uuid4(), kind=TaskKind.request_written_response,
        rule="ASM-039 ¶2.69: ask for a written response", created_by="kit-rule",
    )  # fmt: skip


def test_completing_a_task_records_who_when_and_a_note() -> None:
    task = _task()

    complete(task, by="kit-caseworker", at=DONE_AT, note="Letter sent to the trust")

    assert task.done_at == DONE_AT
    assert task.done_by == "kit-caseworker"
    assert task.done_note == "Letter sent to the trust"


def test_a_task_may_be_completed_without_a_note() -> None:
    task = _task()
    complete(task, by="kit-caseworker", at=DONE_AT, note=None)
    assert task.done_at == DONE_AT
    assert task.done_note is None


def test_a_task_is_done_once_a_second_completion_is_409() -> None:
    task = _task()
    complete(task, by="kit-first", at=DONE_AT, note="first")

    with pytest.raises(TaskAlreadyDone) as caught:
        complete(task, by="kit-second", at=datetime(2026, 11, 4, tzinfo=UTC), note="second")

    assert caught.value.status == 409
    assert caught.value.type == "task-already-done"
    assert "kit-first" in caught.value.detail
    assert (task.done_at, task.done_by, task.done_note) == (DONE_AT, "kit-first", "first")


async def test_a_completed_task_is_stored_as_done(session: AsyncSession) -> None:
    case = await make_case(session)
    task = _task()
    task.case_id = case.id
    session.add(task)
    await session.flush()

    complete(task, by="kit-caseworker", at=DONE_AT, note="done")
    await session.flush()

    session.expunge_all()
    stored = await session.get(CaseTask, task.id)
    assert stored is not None
    assert (stored.done_at, stored.done_by, stored.done_note) == (DONE_AT, "kit-caseworker", "done")
    with pytest.raises(TaskAlreadyDone):
        complete(stored, by="kit-again", at=DONE_AT, note=None)

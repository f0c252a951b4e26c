"""Tasks: follow-up work a rule leaves on a case, done by hand or by the act that does it.

A task names the rule that created it; completing it records who, when and a note, once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.errors import Conflict


class TaskColumns:
    """Columns of a task table; the service adds ``case_id``, its ``kind`` and links."""

    rule: Mapped[str] = mapped_column(Text)
    organisation_id: Mapped[uuid.UUID | None]
    person_id: Mapped[uuid.UUID | None]
    created_by: Mapped[str] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(Text)
    done_note: Mapped[str | None] = mapped_column(Text)


class TaskLike(Protocol):
    done_at: datetime | None
    done_by: str | None
    done_note: str | None


class TaskAlreadyDone(Conflict):
    type = "task-already-done"
    title = "The task is already done"


def complete(task: TaskLike, *, by: str, at: datetime, note: str | None) -> None:
    """Mark ``task`` done; 409 ``task-already-done`` if it was (a task is done once)."""
    if task.done_at is not None:
        raise TaskAlreadyDone(f"Done at {task.done_at.isoformat()} by {task.done_by}")
    task.done_at, task.done_by, task.done_note = at, by, note

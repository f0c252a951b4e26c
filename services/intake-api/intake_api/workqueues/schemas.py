"""Work-queue items: each says which case, whose it is, and the date or instant that makes it due.

No personal data: a case is its id, reference, status, owner (a staff subject) and received date.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from intake_api.cases.models import DeadlineKind, TaskKind
from intake_api.cases.state import CaseStatus
from shared.pagination import Page


class QueueCase(BaseModel):
    case_id: uuid.UUID
    reference: str = Field(examples=["CAS-0000042"])
    status: CaseStatus
    owner: str | None = Field(description="The owning caseworker's token subject")
    received_date: date


class OpenCaseItem(QueueCase):
    age_days: int = Field(description="Calendar days since the case was received")
    next_due_date: date | None = Field(
        description="The earliest open deadline on the case (extensions applied); null if none"
    )
    next_due_kind: DeadlineKind | None


class DeadlineItem(QueueCase):
    deadline_id: uuid.UUID
    source_id: uuid.UUID | None = Field(
        description="The communication that started the clock; null when it started at receipt"
    )


class OverdueAcknowledgementItem(DeadlineItem):
    due_date: date = Field(description="10 working days after the contact (C-03, ¶1.27)")
    days_overdue: int = Field(description="Calendar days since the due date")
    working_days_overdue: int


class InformationDeadlinePassedItem(DeadlineItem):
    due_date: date = Field(description="The agreed extension if any, else the original deadline")
    original_due_date: date
    extended: bool
    days_past: int = Field(description="Calendar days since the deadline; at least 1 (INT-016)")


class TwoWeekContactItem(DeadlineItem):
    due_date: date = Field(description="Two weeks after receipt (C-01, INT-008)")
    days_remaining: int = Field(description="Days until the two-week point; negative once past")
    overdue: bool = Field(description="The two-week point has passed: contact is now mandatory")


class OverdueCallbackItem(DeadlineItem):
    due_at: datetime = Field(description="48 hours after the call-back request (C-04, INT-030)")
    minutes_overdue: int


class OpenTaskItem(QueueCase):
    task_id: uuid.UUID
    kind: TaskKind
    organisation_id: uuid.UUID | None
    created_at: datetime


class OpenTaskPage(Page[OpenTaskItem]):
    pass


class OpenCasePage(Page[OpenCaseItem]):
    pass


class OverdueAcknowledgementPage(Page[OverdueAcknowledgementItem]):
    pass


class InformationDeadlinePassedPage(Page[InformationDeadlinePassedItem]):
    pass


class TwoWeekContactPage(Page[TwoWeekContactItem]):
    pass


class OverdueCallbackPage(Page[OverdueCallbackItem]):
    pass

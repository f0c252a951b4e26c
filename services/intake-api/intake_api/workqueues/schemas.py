"""Work-queue items: each says which case, whose it is, and the date or instant that makes it due.

No personal data: a case is its id, reference, status, owner (a staff subject) and received date;
a contact is its ids, codes, flags and time.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

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


class MissingDiscussion(StrEnum):
    """Which of the two INT-011 (¶1.13) conversations a contact left out."""

    expectations = "expectations"  # what we can and cannot do was not explained
    adjustments = "adjustments"  # reasonable adjustments were not discussed


class ContactMissingDiscussionItem(BaseModel):
    """A contact in which the complainant was reached without both INT-011 conversations."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "contact_id": "3c6f1e9a-8b2d-4f0e-9a7c-1d2e3f4a5b6c",
                    "case_id": "7d9c2b1a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "reference": "CAS-0000042",
                    "person_id": "8a3b7f8e-2f0c-4f4e-9c1e-5d6a7b8c9d0e",
                    "attempted_at": "2026-11-02T10:15:00Z",
                    "channel": "telephone",
                    "direction": "outbound",
                    "expectations_explained": True,
                    "adjustments_discussed": False,
                    "recorded_by": "caseworker-0001",
                }
            ]
        }
    )

    contact_id: uuid.UUID
    case_id: uuid.UUID
    reference: str = Field(examples=["CAS-0000042"])
    person_id: uuid.UUID = Field(description="The complainant reached (a party of the case)")
    attempted_at: datetime
    channel: str = Field(examples=["telephone"])
    direction: str = Field(examples=["outbound"])
    expectations_explained: bool = Field(
        description="What we can and cannot do was explained (¶1.13)"
    )
    adjustments_discussed: bool = Field(
        description="Any reasonable adjustments they may need were discussed (¶1.13)"
    )
    recorded_by: str = Field(description="The recording caseworker's token subject")


class ContactMissingDiscussionPage(Page[ContactMissingDiscussionItem]):
    pass


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

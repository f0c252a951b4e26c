from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assessment_api.staff.schemas import StaffId
from shared.schemas import LongText, Reason, StrictBool, given, when

Category = Literal["general", "senior caseworker", "complex & significant"]


class QueueEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    reference: str
    case_type: str
    jurisdiction: str
    route: str
    triage_category: str
    priority: str
    organisation_ids: list[uuid.UUID]
    received_date: date
    referred_at: datetime
    status: str
    terminal_illness: bool
    risk_assessment_required: bool
    mp_referred: bool
    allocated_to: str | None
    allocated_team: str | None
    allocated_at: datetime | None


class DeadlineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    rule: str
    starts_on: date
    due_date: date
    effective_due_date: date
    met_at: datetime | None
    cancelled_at: datetime | None


class AllocationTaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    rule: str
    assignee: str
    description: str | None
    created_by: str
    done_at: datetime | None


class AllocationRead(BaseModel):
    """A queue entry with the clocks and tasks its allocation left."""

    entry: QueueEntryRead
    deadlines: list[DeadlineRead]
    tasks: list[AllocationTaskRead]


class AllocationCreate(BaseModel):
    """Allocate the queued case to a caseworker (ASM-085, T24)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"caseworker_id": "scw-example-1"}]}
    )

    caseworker_id: StaffId = Field(description="The staff directory id of the caseworker")


class NextCase(BaseModel):
    """The queued case the caller should take next, and why (ASM-085, XC-RSK-006)."""

    entry: QueueEntryRead
    explanation: str
    skipped_high_risk: int = Field(
        description="Cases ahead of it that are high risk and go to a Senior Caseworker (CMP-114)"
    )


class TerminalIllness(BaseModel):
    """XC-RSK-006 (¶10.48, ¶1.39): prioritise a terminally ill complainant's case, after the
    manager's discussion, recorded."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "Complainant is terminally ill; discussed with the team"}]
        },
    )

    reason: Reason


class CategoryChangeCreate(BaseModel):
    """ASM-086/088: ask the manager to approve a new category and reallocation; ASM-089: a
    complex referral, discussed with the manager and sent to the AD for complex teams."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "category": "complex & significant",
                    "reason": "Several organisations and a possible avoidable death",
                    "discussed_with": "om-example-1",
                    "sent_to": "ad-complex-example",
                }
            ],
            **when(
                "category",
                "complex & significant",
                given("discussed_with", "sent_to"),
            ),
        },
    )

    category: Category
    reason: Reason
    discussed_with: StaffId | None = Field(
        default=None, description="ASM-089: the manager it was discussed with"
    )
    sent_to: StaffId | None = Field(
        default=None, description="ASM-089: the AD responsible for the complex teams"
    )

    @model_validator(mode="after")
    def _complex(self) -> CategoryChangeCreate:
        if self.category == "complex & significant" and (
            self.discussed_with is None or self.sent_to is None
        ):
            raise ValueError(
                "ASM-089: a complex referral names the manager it was discussed with "
                "(discussed_with) and the AD it was sent to (sent_to)"
            )
        return self


class AllocationApprovalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    level: str
    rule: str
    requested_by: str
    requested_at: datetime
    request_reason: str | None
    evidence: dict[str, str | None]
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


class ApprovalDecisionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"approve": True, "reason": "Agreed: meets the complex criteria"}]
        },
    )

    approve: StrictBool
    reason: Reason


class SystemicIssueCreate(BaseModel):
    """ASM-087 (¶2.191): not complex or significant, but possibly a systemic issue: details go to
    the AD – Casework for complex and senior caseworker teams."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "sent_to": "ad-systemic-example",
                    "description": "Third case this year about the same discharge process",
                }
            ]
        },
    )

    sent_to: StaffId
    description: LongText

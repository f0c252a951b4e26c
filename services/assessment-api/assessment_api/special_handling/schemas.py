"""API models of special handling at further consideration (ASM-168, ASM-169). Input models
forbid extra fields."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.pagination import Page
from shared.schemas import IsoDateTime, LongText, Reason, ShortText

EXAMPLE_LEAD = "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6"


class LeadLinkCreate(BaseModel):
    """ASM-168 (¶3.97–3.99): connect the case to the lead case exemplifying the same error."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "lead_case_id": EXAMPLE_LEAD,
                    "explanation": "The same charging error affected many patients; the lead "
                    "complaint is being investigated and this one will be contacted after it.",
                }
            ]
        },
    )

    lead_case_id: uuid.UUID = Field(description="Another case at assessment: the lead")
    explanation: Reason = Field(description="Why the case is linked to the lead (¶3.99)")


class LeadLinkRemoval(BaseModel):
    """A link made in error is removed, with the reason (audited)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "Linked to the wrong lead: the error is a different one."}]
        },
    )

    reason: Reason


class LeadLinkRead(BaseModel):
    """A case's connection to its lead case (ASM-168)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID = Field(description="The linked case")
    lead_case_id: uuid.UUID
    explanation: str
    linked_by: str
    linked_at: datetime
    removed_by: str | None
    removed_at: datetime | None
    removal_reason: str | None
    version: int


class LinkedCaseRead(LeadLinkRead):
    """A case linked to the lead, with what is needed to contact its parties afterwards
    (¶3.98): its reference and status here; the people are intake's, by the case id."""

    reference: str
    status: str
    closure_code: str | None


LinkedCasePage = Page[LinkedCaseRead]


class LineManagerDiscussion(BaseModel):
    """ASM-169 (¶3.100): the discussion with the line manager that comes first."""

    model_config = ConfigDict(extra="forbid")

    line_manager_id: ShortText = Field(description="The staff directory id of the line manager")
    discussed_at: IsoDateTime
    agreed: LongText = Field(description="What was agreed")


class InvestigationPriorityCreate(BaseModel):
    """ASM-169 (¶3.100): prioritise the case for investigation in exceptional circumstances."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reason": "The complainant has a terminal illness.",
                    "line_manager_discussion": {
                        "line_manager_id": "om-example-1",
                        "discussed_at": "2026-11-02T09:00:00Z",
                        "agreed": "Prioritise the case for investigation; propose this week.",
                    },
                }
            ]
        },
    )

    reason: Reason = Field(description="The exceptional circumstances")
    line_manager_discussion: LineManagerDiscussion


class InvestigationPriorityRead(BaseModel):
    """A case prioritised for investigation, and the discussion that came first (ASM-169)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    reason: str
    line_manager_id: str
    discussed_at: datetime
    agreed: str
    recorded_by: str
    recorded_at: datetime

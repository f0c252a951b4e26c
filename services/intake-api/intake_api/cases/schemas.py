from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from intake_api.cases.models import CaseType, Channel, Jurisdiction, Priority, Route, TriageCategory
from intake_api.cases.state import CaseStatus


class CaseCreate(BaseModel):
    """A new request for investigation or enquiry, as received (¶1.1–1.3)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "case_type": "complaint",
                    "channel": "online_form",
                    "jurisdiction": "health",
                    "received_date": "2026-11-02",
                    "complaint_summary": "Delay in a fictional hospital's reply to a complaint.",
                }
            ]
        },
    )

    case_type: CaseType = Field(description="INT-003/004: enquiry or complaint")
    channel: Channel
    received_date: date = Field(description="Business date the request reached us (Europe/London)")
    jurisdiction: Jurisdiction | None = None
    complaint_summary: str | None = Field(default=None, max_length=20_000)


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str = Field(examples=["CAS-0000042"])
    status: CaseStatus
    case_type: CaseType
    channel: Channel
    jurisdiction: Jurisdiction | None
    received_date: date
    complaint_summary: str | None
    route: Route | None
    triage_category: TriageCategory | None
    priority: Priority
    organisation_ids: list[uuid.UUID]
    status_changed_at: datetime | None
    referred_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class CaseReferral(BaseModel):
    """Pass a case from intake to assessment (T13 ECT triage / T14 allocation queue)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "route": "awaiting_allocation",
                    "triage_category": "general",
                    "priority": "standard",
                    "jurisdiction": "health",
                    "organisation_ids": ["0b6f1c1e-3a1d-4c51-9a0e-2f4f6f0d9c11"],
                    "reason": "Checklist complete; ready for allocation",
                }
            ]
        },
    )

    route: Route
    triage_category: TriageCategory
    priority: Priority = Priority.standard
    jurisdiction: Jurisdiction | None = Field(
        default=None, description="Required unless the case already has one"
    )
    organisation_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)
    reason: str = Field(min_length=3, max_length=5000)

"""API models of compliance items. Ids and codes only, but for the caseworker's closing note."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from compliance_api.resolutions.state import ItemKind, ItemStatus
from shared.pagination import Page
from shared.schemas import LongText


class ComplianceItemRead(BaseModel):
    """A compliance item (§B.4). A resolution item (¶3.66) is open until the caseworker closes
    it as completed; it has no reminders and no escalation (CMP-023)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID = Field(description="Intake's case id: one case, one id in every service")
    reference: str
    kind: ItemKind = Field(description="resolution: a resolution agreed at assessment (¶3.66)")
    status: ItemStatus = Field(description="§B.4: a resolution item is open or closed")
    status_changed_at: datetime
    escalation_stage: int | None = Field(
        description="The non-compliance escalation stage (¶9.85–9.94); always null for a "
        "resolution, which is not a recommendation (¶3.66)"
    )
    organisation_ids: list[uuid.UUID]
    component_ids: list[uuid.UUID]
    actions: list[str] = Field(
        description="What was agreed (§D.20): payment_for_admitted_loss, "
        "further_response_to_unanswered_issues, financial_redress, service_improvements"
    )
    target_date: date | None = Field(description="The date agreed for the action, if one")
    resolution_id: uuid.UUID | None = Field(description="The resolution's id at assessment")
    risk_assessment_id: uuid.UUID | None
    decided_by: str
    agreed_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    closure_note: str | None
    version: int


class ComplianceItemPage(Page[ComplianceItemRead]):
    pass


class ItemClosed(BaseModel):
    """The resolution was carried out: close the item (¶3.66)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"note": "The organisation confirmed the refund was paid"}]
        },
    )

    note: LongText | None = Field(default=None, description="How completion was confirmed")

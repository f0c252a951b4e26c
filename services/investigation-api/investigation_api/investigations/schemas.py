"""API models of investigation's record. Ids and codes only: no personal data (DESIGN §1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from investigation_api.investigations.models import InvestigationStatus
from shared.pagination import Page


class OrganisationRead(BaseModel):
    """An organisation on the organisations tab (¶3.102)."""

    model_config = ConfigDict(from_attributes=True)

    organisation_id: uuid.UUID
    role: str = Field(description="organisation, second_tier or contractor (¶3.84–3.89)")


class PartyRead(BaseModel):
    """A party who got the complainant's proposal letter (¶3.75)."""

    model_config = ConfigDict(from_attributes=True)

    person_id: uuid.UUID = Field(description="The person's id at intake")
    role: str = Field(description="complainant, aggrieved, representative or mp")


class MilestoneRead(BaseModel):
    """A milestone recorded and dated on the case (INV-003, §D.15)."""

    model_config = ConfigDict(from_attributes=True)

    number: int = Field(ge=1, le=7)
    label: str = Field(examples=["Investigation Allocated"])
    completed_on: date
    recorded_by: str = Field(description="Who recorded it (the proposal's caseworker for M1)")


class CommentDeadlineRead(BaseModel):
    """One proposal recipient's comment deadline (C-15, ASM-161)."""

    model_config = ConfigDict(from_attributes=True)

    recipient_kind: str = Field(description="organisation, named_person or party")
    recipient_id: uuid.UUID
    rule: str
    starts_on: date = Field(description="The day the proposal letters went")
    due_date: date = Field(description="The date stated in the letter: never changed")
    effective_due_date: date = Field(description="The date in force (after any extension)")


PRIORITY_EXAMPLE: dict[str, Any] = {
    "priority_id": "6f1c2b9e-3d4a-4e8b-9c1d-2a7e5f0b8c34",
    "line_manager_id": "staff-manager-17",
    "discussed_at": "2026-11-30T10:15:00Z",
    "recorded_by": "staff-caseworker-42",
}


class InvestigationPriorityRead(BaseModel):
    """The case was prioritised for investigation in exceptional circumstances (such as a
    terminal illness) after a discussion with the caseworker's line manager (¶3.100, ASM-169),
    as assessment agreed it. Ids and dates only: the reason stays at assessment."""

    model_config = ConfigDict(json_schema_extra={"examples": [PRIORITY_EXAMPLE]})

    priority_id: uuid.UUID = Field(description="The prioritisation's id at assessment")
    line_manager_id: str = Field(description="The line manager it was discussed with")
    discussed_at: datetime = Field(description="When the line manager discussion took place")
    recorded_by: str = Field(description="The caseworker who recorded it at assessment")


class InvestigationSummary(BaseModel):
    """An investigation, as lists show it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Intake's case id: one case, one id in every service")
    reference: str
    case_type: str = Field(description="enquiry or complaint")
    jurisdiction: str = Field(description="health or parliamentary")
    status: InvestigationStatus = Field(description="The case's status at investigation (§B.1)")
    status_changed_at: datetime
    proposal_id: uuid.UUID = Field(description="Assessment's proposal to investigate (T35)")
    proposed_at: datetime
    proposed_by: str
    approved_by: str | None = Field(description="The approver under the Delegation Scheme")
    risk_assessment_id: uuid.UUID = Field(description="The proposal's risk assessment")
    owner: str | None = Field(description="'Case Allocated' (¶3.107): who holds the case")
    team: str | None
    prioritised: bool = Field(
        description="Prioritised for investigation in exceptional circumstances (ASM-169)"
    )
    version: int


class InvestigationRead(InvestigationSummary):
    """An investigation with its organisations tab, parties, named persons, components in
    scope, milestones and the proposal's comment deadlines."""

    organisations: list[OrganisationRead]
    parties: list[PartyRead]
    named_person_ids: list[uuid.UUID] = Field(description="Named persons (¶3.90–3.95)")
    component_ids: list[uuid.UUID] = Field(description="Complaint components in scope (¶3.77)")
    milestones: list[MilestoneRead]
    comment_deadlines: list[CommentDeadlineRead]
    comments_close_on: date | None = Field(
        description="The latest comment deadline in force: the investigation is not confirmed "
        "before it has passed or every recipient has replied (ASM-158)"
    )
    investigation_priority: InvestigationPriorityRead | None = Field(
        description="The exceptional prioritisation agreed at assessment (¶3.100, ASM-169), "
        "or null when the case was not prioritised",
        examples=[PRIORITY_EXAMPLE, None],
    )


class InvestigationPage(Page[InvestigationSummary]):
    pass

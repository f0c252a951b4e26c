"""API models of resolution at further consideration (T33, T34; ASM-153…156). Input models
forbid extra fields. The parties a closure goes to are intake's, read when it is made: the
request carries only the caseworker's choices (a call first, the aggrieved's copy)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from assessment_api.resolution.state import RequestStatus
from shared.casework.communications import Recipient
from shared.events.contracts.assessment import ResolutionAction
from shared.schemas import IsoDate, IsoDateTime, LongText, Reason, ShortText

HeardBy = Literal["letter", "email", "telephone"]
EXAMPLE_ORG = "0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11"


class FcResolutionRequestCreate(BaseModel):
    """T33 (first half): actions requested of the case's organisations (ASM-154, ¶3.63–3.64)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "organisation_ids": [EXAMPLE_ORG],
                    "actions": ["financial_redress", "further_response_to_unanswered_issues"],
                    "due_date": "2026-12-01",
                    "rationale": "A payment for the lost hearing aid and a reply to the two "
                    "unanswered questions would resolve the complaint with minimal intervention.",
                    "complainant_told_not_recommendations": True,
                    "organisations_told_not_recommendations": True,
                }
            ]
        },
    )

    organisation_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=20, description="The case's organisations asked to act"
    )
    actions: list[ResolutionAction] = Field(
        min_length=1, max_length=len(ResolutionAction), description="What is requested (§D.20)"
    )
    due_date: IsoDate | None = Field(default=None, description="The date agreed for the action")
    rationale: Reason = Field(description="Why minimal intervention could resolve it (¶3.63)")
    complainant_told_not_recommendations: StrictBool = Field(
        description="ASM-154 (¶3.64): the complainant was told these are not formal "
        "recommendations; a request without it is refused"
    )
    organisations_told_not_recommendations: StrictBool = Field(
        description="ASM-154 (¶3.64): the organisation was told the same"
    )


class FcResolutionAnswer(BaseModel):
    """How and when we heard the organisation's answer; what it said is scanned (XC-RSK-004)."""

    model_config = ConfigDict(extra="forbid")

    heard_at: IsoDateTime = Field(description="When the organisation's answer reached us")
    heard_by: HeardBy
    summary: LongText | None = Field(default=None, description="What the organisation said")


class FcResolutionRefusal(FcResolutionAnswer):
    """T34: the organisation refused (¶3.65): audited, and the case returns to further
    consideration, where the caseworker may propose to investigate."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "heard_at": "2026-11-02T09:00:00Z",
                    "heard_by": "email",
                    "summary": "The trust does not accept that a payment is due.",
                }
            ]
        },
    )


class FcResolutionComponent(BaseModel):
    """A complaint component (issue) and whether the agreed action resolves it (¶3.62)."""

    model_config = ConfigDict(extra="forbid")

    description: ShortText
    significant: StrictBool = False
    resolved: StrictBool


class FcResolutionAgreement(FcResolutionAnswer):
    """T33 (second half): the organisation agreed; the case closes as a resolution, a decision
    not to investigate (ASM-156 ¶3.67), issued to the legal recipients (ASM-173, ASM-174)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "heard_at": "2026-11-02T09:00:00Z",
                    "heard_by": "letter",
                    "summary": "The trust agrees to pay for the hearing aid and to reply.",
                    "due_date": "2026-12-01",
                    "organisation_already_acting": False,
                    "components": [
                        {"description": "Lost hearing aid", "significant": True, "resolved": True},
                        {"description": "Unanswered questions", "resolved": True},
                        {"description": "Attitude of staff", "resolved": False},
                    ],
                    "complaints_process_complete": True,
                    "properly_made": True,
                    "decision_by_telephone": False,
                    "aggrieved_copy": False,
                }
            ]
        },
    )

    due_date: IsoDate | None = Field(
        default=None, description="The date agreed for the action; the request's when absent"
    )
    organisation_already_acting: StrictBool = Field(
        description="¶3.61: the organisation was already taking the action, or took it only "
        "because we are involved (then it is not a resolution)"
    )
    components: list[FcResolutionComponent] = Field(min_length=1, max_length=50)
    complaints_process_complete: StrictBool = Field(description="ASM-070's readiness test")
    properly_made: StrictBool = Field(description="In writing; an MP referral where needed")
    decision_by_telephone: StrictBool = Field(
        default=False,
        description="The complainant was told by phone first (recorded as a call); the letter "
        "is still addressed to them (¶3.109–3.110, Legal)",
    )
    aggrieved_copy: StrictBool | None = Field(
        default=None,
        description="ASM-174 (¶3.111): whether a separate aggrieved gets a copy; required when "
        "intake has one (409 decision-recipients-incomplete until decided)",
    )


class FcResolutionRequestRead(BaseModel):
    """A resolution request and the organisation's answer."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    organisation_ids: list[uuid.UUID]
    actions: list[ResolutionAction]
    due_date: date | None
    rationale: str
    complainant_told_not_recommendations: bool
    organisations_told_not_recommendations: bool
    requested_by: str
    requested_at: datetime
    status: RequestStatus
    heard_at: datetime | None
    heard_by: str | None
    answer_recorded_by: str | None
    answer_recorded_at: datetime | None
    agreement: dict[str, Any] | None = Field(description="What resolved the complaint (agreed)")
    closure_code: str | None
    risk_assessment_id: uuid.UUID | None = Field(description="The qualifying assessment (agreed)")
    approval_id: uuid.UUID | None = Field(
        default=None, description="The approval it was closed under (agreed; ASM-156, ASM-172)"
    )
    approved_by: str | None = Field(default=None, description="Who approved it (agreed)")
    version: int


class FcResolutionCommunicationRead(BaseModel):
    """The organisation's answer as heard (inbound), or a letter or call of the closure."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    request_id: uuid.UUID
    medium: str = Field(examples=["letter"])
    direction: str
    purpose: str = Field(description="The rule it follows")
    occurred_at: datetime
    recipients: list[Recipient]
    summary: str | None
    recorded_by: str


class FcResolutionRead(BaseModel):
    """Resolution at further consideration of one case: each request with its answer, oldest
    first, and the communications."""

    case_id: uuid.UUID
    case_status: str
    case_version: int
    requests: list[FcResolutionRequestRead]
    communications: list[FcResolutionCommunicationRead]

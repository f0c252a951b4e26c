"""API schemas of reasonable adjustments (¶1.42–1.45) and other accessibility requests
(¶1.47–1.48)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from intake_api.people.models import DisabilityType
from intake_api.people.state import RaDecision, RaStatus
from shared.pagination import Page
from shared.schemas import IsoDate, IsoDateTime, LongText, ShortText, StrictBool, given, when


class ReasonableAdjustmentCreate(BaseModel):
    """A reasonable-adjustment request, made at any stage (¶1.42, INT-032)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "requested_adjustments": "All letters in 18pt large print",
                    "requested_at": "2026-11-02T09:00:00Z",
                }
            ]
        },
    )

    requested_adjustments: LongText
    requested_at: IsoDateTime | None = Field(default=None, description="Defaults to now")
    case_id: uuid.UUID | None = Field(default=None, description="¶1.43: the case it was added to")


class ReasonableAdjustmentAgree(BaseModel):
    """Agree the adjustment (¶1.43, INT-033)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "disability_type": "visual",
                    "agreed_adjustments": "All letters in 18pt large print",
                    "decided_date": "2026-11-02",
                }
            ],
            **when("disability_type", DisabilityType.other.value, given("disability_note")),
        },
    )

    disability_type: DisabilityType = Field(
        description="Placeholder list: the Dynamics drop-down is not in the guidance"
    )
    disability_note: LongText | None = Field(default=None, description="Required for 'other'")
    agreed_adjustments: LongText
    decided_date: IsoDate

    @model_validator(mode="after")
    def _other_needs_note(self) -> ReasonableAdjustmentAgree:
        if self.disability_type is DisabilityType.other and self.disability_note is None:
            raise ValueError("disability_note is required when disability_type is 'other'")
        return self


class ReasonableAdjustmentRefusal(BaseModel):
    """Decide the adjustment is not reasonable (¶1.44, INT-034): the Legal Team must be told."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reasons": "The request would stop us obtaining evidence we need",
                    "alternatives_considered": "Offered a recorded call instead",
                    "legal_team_informed_at": "2026-11-02T09:45:00Z",
                    "decided_date": "2026-11-02",
                }
            ]
        },
    )

    reasons: LongText
    alternatives_considered: LongText
    legal_team_informed_at: IsoDateTime
    decided_date: IsoDate


class ReasonableAdjustmentOutcomeLetter(BaseModel):
    """The letter confirming the outcome (¶1.45, INT-035)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"outcome_letter_reference": "DOC-0002", "sent_date": "2026-11-02"}]
        },
    )

    outcome_letter_reference: ShortText = Field(description="Communication or document reference")
    sent_date: IsoDate


class ReasonableAdjustmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    case_id: uuid.UUID | None
    requested_at: datetime
    requested_adjustments: str
    status: RaStatus
    decision: RaDecision | None
    disability_type: DisabilityType | None
    disability_note: str | None
    agreed_adjustments: str | None
    decided_date: date | None
    decided_at: datetime | None
    decided_by: str | None
    reasons: str | None
    alternatives_considered: str | None
    legal_team_informed_at: datetime | None
    outcome_letter_reference: str | None
    outcome_letter_sent_date: date | None
    status_changed_at: datetime | None
    recorded_by: str
    created_at: datetime
    version: int

    @computed_field(description="INT-035: decided, but no outcome letter yet")  # type: ignore[prop-decorator]
    @property
    def outcome_letter_outstanding(self) -> bool:
        return self.status in (RaStatus.agreed, RaStatus.not_reasonable)


class ReasonableAdjustmentPage(Page[ReasonableAdjustmentRead]):
    pass


# --- other accessibility requests ------------------------------------------------------------


class AccessibilityRequestCreate(BaseModel):
    """Accessibility help outside the Equality Act (¶1.47), or an anticipatory note (¶1.48)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"description": "Prefers calls after 2pm", "anticipatory": False},
                {
                    "description": "Case papers mention partial sight; ask about large print",
                    "anticipatory": True,
                },
            ]
        },
    )

    description: LongText
    anticipatory: StrictBool = Field(
        default=False, description="INT-037: an adjustment we may need to raise with them"
    )
    case_id: uuid.UUID | None = None


class AccessibilityRequestClose(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"outcome_note": "Asked; large print not wanted"}]},
    )

    outcome_note: LongText


class AccessibilityRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    case_id: uuid.UUID | None
    description: str
    anticipatory: bool
    recorded_at: datetime
    recorded_by: str
    closed_at: datetime | None
    closed_by: str | None
    outcome_note: str | None
    version: int


class AccessibilityRequestPage(Page[AccessibilityRequestRead]):
    pass

"""API schemas of the legal module. Examples use fake data only."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.pagination import Page
from shared.schemas import IsoDateTime, LongText, Reason


class TermFound(BaseModel):
    """Where a D.26 term was found in the correspondence: the field and the span in it."""

    field: str = Field(examples=["summary"])
    term: str = Field(examples=["judicial_review"])
    start: int
    end: int
    broad: bool = Field(
        description="A term ordinary complaints use too (claim, damages, unfairly, within 14 "
        "days): read the context before referring or dismissing"
    )


class LegalReferralRecord(BaseModel):
    """A referral as stored (its audit snapshot)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    reference: str = Field(description="The case's reference, issued by intake")
    communication_id: uuid.UUID = Field(description="The communication or contact attempt")
    communication_type: str = Field(description="communication or contact_attempt")
    medium: str
    received_at: datetime
    due_at: datetime = Field(description="24 hours after receipt (C-23)")
    terms: list[str] = Field(description="The D.26 terms found")
    matches: list[TermFound]
    rule: str
    outcome: str | None = Field(description="referred or dismissed; null while open")
    done_at: datetime | None = Field(description="When it was referred (or dismissed)")
    done_by: str | None
    done_note: str | None
    late: bool = Field(description="Referred more than 24 hours after receipt (XC-RSK-004)")
    version: int


class LegalReferralRead(LegalReferralRecord):
    """XC-RSK-004: correspondence with legal-action wording, to go to the Legal Team with the
    case's details within 24 hours of receipt (C-23)."""

    overdue: bool = Field(description="Open and past its due time")


class LegalReferralPage(Page[LegalReferralRead]):
    pass


class ReferralMade(BaseModel):
    """The correspondence was sent to the Legal Team, with the case's details."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "referred_at": "2026-11-02T09:30:00+00:00",
                    "note": "Emailed to the Legal Team with the case summary",
                }
            ]
        },
    )

    referred_at: IsoDateTime | None = Field(
        default=None,
        description="When it was sent; now if not given. Not before receipt, not in the future",
    )
    note: LongText | None = None


class ReferralDismissed(BaseModel):
    """A person read the correspondence: it does not suggest legal action."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "'claim' is the complainant's account of the injustice"}]
        },
    )

    reason: Reason


class QueueKind(StrEnum):
    overdue = "overdue"
    late = "late"


class RiskPromptRead(BaseModel):
    """A prompt to add or review a risk of ``category`` on the case (not a rating)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    category: str = Field(description="A D.22 category: legal")
    rule: str
    reason: str
    referral_id: uuid.UUID | None
    raised_at: datetime
    addressed_at: datetime | None
    addressed_by: str | None
    addressed_note: str | None
    assessment_id: uuid.UUID | None = Field(description="The assessment that answered it")
    version: int


class RiskPromptAddressed(BaseModel):
    """The prompt was answered: with the assessment recorded since (adding or reviewing the
    Legal risk), or with a note why no risk entry is needed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "assessment_id": "3f0c9d1e-7b2a-4c5d-8e6f-1a2b3c4d5e6f",
                    "note": "Legal risk added: judicial review threatened",
                }
            ]
        },
    )

    assessment_id: uuid.UUID | None = Field(
        default=None, description="A risk assessment of the case recorded since the prompt"
    )
    note: Reason

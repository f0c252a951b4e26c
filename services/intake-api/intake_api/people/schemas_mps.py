"""API schemas of MP records: successors and deactivation (¶2.42, ¶2.47, ASM-023/026)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from intake_api.people.models import ContactMethod, SuccessionReason
from intake_api.people.schemas import Address, Email, Phone
from shared.pagination import Page
from shared.schemas import IsoDate, LongText, Reason, ShortText, exactly_one_of, given


class MpSuccessorCreate(BaseModel):
    """A newly elected MP, added as a separate MP record (¶2.47)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            # A person's record (people.service.check_party); with no preferred_contact_note
            # here, 'other' cannot be explained.
            "allOf": [
                {"anyOf": [given("given_name"), given("family_name")]},
                {"properties": {"preferred_contact_method": {"not": {"const": "other"}}}},
            ]
        },
    )

    title: ShortText | None = None
    given_name: ShortText | None = None
    family_name: ShortText | None = None
    addresses: list[Address] = Field(default_factory=list, max_length=10)
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    emails: list[Email] = Field(default_factory=list, max_length=10)
    preferred_contact_method: ContactMethod | None = None
    constituency: ShortText | None = Field(
        default=None, description="Defaults to the previous MP's constituency"
    )


class MpSuccessionCreate(BaseModel):
    """Record the successor of an MP who died or left office (ASM-023, ASM-026)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "successor": {
                        "title": "Ms",
                        "given_name": "Sam",
                        "family_name": "Sample",
                        "addresses": [{"first_line": "House of Commons", "postcode": "ZZ99 9ZZ"}],
                        "emails": [{"address": "sam.sample.mp@example.invalid"}],
                    },
                    "effective_date": "2026-10-30",
                    "reason": "left_office",
                }
            ],
            **exactly_one_of("successor_person_id", "successor"),
        },
    )

    successor_person_id: uuid.UUID | None = Field(
        default=None, description="Link an existing MP record instead of creating one"
    )
    successor: MpSuccessorCreate | None = None
    effective_date: IsoDate
    reason: SuccessionReason
    note: LongText | None = None

    @model_validator(mode="after")
    def _one_successor(self) -> MpSuccessionCreate:
        if (self.successor_person_id is None) == (self.successor is None):
            raise ValueError("give either successor_person_id or successor")
        return self


class MpSuccessionRead(BaseModel):
    id: uuid.UUID
    previous_person_id: uuid.UUID
    successor_person_id: uuid.UUID
    effective_date: date
    reason: SuccessionReason
    note: str | None
    recorded_at: datetime
    recorded_by: str
    deactivation_request_id: uuid.UUID | None = Field(
        description="The request raised to make the previous record inactive"
    )


class MpDeactivation(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "Left office at the general election"}]},
    )

    reason: Reason


class MpDeactivationRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    mp_succession_id: uuid.UUID | None
    reason: str
    requested_at: datetime
    requested_by: str
    completed_at: datetime | None
    completed_by: str | None


class MpDeactivationRequestPage(Page[MpDeactivationRequestRead]):
    pass

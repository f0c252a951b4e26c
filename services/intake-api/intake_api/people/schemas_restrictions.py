"""API schemas of contact restrictions under the unreasonable behaviour policy (¶1.27, ¶2.222;
XC-COM-001). Examples use fake data only."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from intake_api.people.models import RestrictionScope
from shared.pagination import Page
from shared.schemas import IsoDate, Reason, given


class ContactRestrictionCreate(BaseModel):
    """A manager's decision to restrict a person's contact (the unreasonable behaviour policy).

    It needs an end date, a review date, or both: a restriction is never open-ended.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scope": ["telephone", "in_person"],
                    "starts_on": "2026-12-07",
                    "review_on": "2027-03-05",
                    "reason": "Written contact only, under the unreasonable behaviour policy",
                }
            ],
            "anyOf": [given("ends_on"), given("review_on")],
        },
    )

    scope: list[RestrictionScope] = Field(
        min_length=1,
        max_length=len(RestrictionScope),
        description="The contact it covers, each once; 'all_contact' covers every channel",
        json_schema_extra={"uniqueItems": True},
    )
    case_id: uuid.UUID | None = Field(
        default=None, description="Only this case's contact; omit for every case of the person"
    )
    starts_on: IsoDate
    ends_on: IsoDate | None = Field(default=None, description="Last day it applies")
    review_on: IsoDate | None = Field(default=None, description="When it is to be reviewed")
    reason: Reason

    @model_validator(mode="after")
    def _dates(self) -> ContactRestrictionCreate:
        if self.ends_on is None and self.review_on is None:
            raise ValueError("Give ends_on, review_on or both: a restriction is never open-ended")
        # A rule JSON Schema cannot state: the same error type as the other reversed ranges.
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise PydanticCustomError("date_range_reversed", "ends_on is before starts_on")
        if self.review_on is not None and self.review_on < self.starts_on:
            raise PydanticCustomError("date_range_reversed", "review_on is before starts_on")
        if len(set(self.scope)) != len(self.scope):
            raise ValueError("scope lists a channel twice")
        return self


class ContactRestrictionLift(BaseModel):
    """Ending a restriction early, e.g. after its review."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"lifted_on": "2027-03-05", "reason": "Lifted at review"}]},
    )

    lifted_on: IsoDate = Field(description="The first day it no longer applies")
    reason: Reason


class ContactRestrictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    case_id: uuid.UUID | None
    scope: list[RestrictionScope]
    starts_on: date
    ends_on: date | None
    review_on: date | None
    reason: str
    decided_by: str = Field(description="The manager who decided it")
    decided_at: datetime
    lifted_on: date | None
    lifted_by: str | None
    lift_reason: str | None
    version: int


class ContactRestrictionPage(Page[ContactRestrictionRead]):
    pass

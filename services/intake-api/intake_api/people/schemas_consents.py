"""API schemas of consents (INT-049, INT-050, INT-042, INT-053). Examples use fake data only."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from intake_api.people.models import ConsentSource, ConsentType
from shared.pagination import Page
from shared.schemas import IsoDateTime, LongText, Reason, ShortText, StrictBool, absent, given, when


class ConsentCreate(BaseModel):
    """A consent given by the person (INT-049, INT-050, INT-042, INT-053)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "consent_type": "refer_to_other_body",
                    "body": "Local Government and Social Care Ombudsman",
                    "source": "verbal",
                    "given_at": "2026-11-02T09:30:00Z",
                    "evidence_reference": "CALL-0001",
                },
                {
                    "consent_type": "release_to_third_party",
                    "third_party_person_id": "0b6f1c1e-3a1d-4c51-9a0e-2f4f6f0d9c11",
                    "scope": "All case correspondence",
                    "covers_sensitive_information": True,
                    "source": "written",
                    "given_at": "2026-11-01T12:00:00Z",
                    "evidence_reference": "DOC-0001",
                },
            ],
            # The rules of ``_type_fields`` below.
            "allOf": [
                when(
                    "consent_type",
                    ConsentType.refer_to_other_body.value,
                    then=given("body"),
                    otherwise=absent("body"),
                ),
                when(
                    "consent_type",
                    ConsentType.release_to_third_party.value,
                    then=given("third_party_person_id", "scope"),
                    otherwise={
                        "properties": {
                            **absent("third_party_person_id", "scope")["properties"],
                            "covers_sensitive_information": {"const": False},
                        }
                    },
                ),
            ],
        },
    )

    consent_type: ConsentType
    source: ConsentSource
    given_at: IsoDateTime
    evidence_reference: ShortText | None = None
    body: ShortText | None = Field(default=None, description="refer_to_other_body only; required")
    third_party_person_id: uuid.UUID | None = Field(
        default=None, description="release_to_third_party only; required"
    )
    scope: LongText | None = Field(
        default=None, description="release_to_third_party only; required"
    )
    case_id: uuid.UUID | None = Field(default=None, description="The case it was given for, if one")
    covers_sensitive_information: StrictBool = Field(
        default=False,
        description=(
            "release_to_third_party only: the person is happy for sensitive information (e.g. "
            "medical history) to go to the third party too (INT-054)"
        ),
    )

    @model_validator(mode="after")
    def _type_fields(self) -> ConsentCreate:
        refer = self.consent_type is ConsentType.refer_to_other_body
        release = self.consent_type is ConsentType.release_to_third_party
        if refer != (self.body is not None):
            raise ValueError("body is required for refer_to_other_body and only for it")
        if release != (self.third_party_person_id is not None):
            raise ValueError(
                "third_party_person_id is required for release_to_third_party and only for it"
            )
        if release != (self.scope is not None):
            raise ValueError("scope is required for release_to_third_party and only for it")
        if self.covers_sensitive_information and not release:
            raise ValueError("covers_sensitive_information is for release_to_third_party only")
        return self


class ConsentWithdrawal(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "Withdrawn by phone on call CALL-0002"}]},
    )

    withdrawn_at: IsoDateTime | None = Field(default=None, description="Defaults to now")
    reason: Reason


class ConsentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    case_id: uuid.UUID | None
    consent_type: ConsentType
    body: str | None
    third_party_person_id: uuid.UUID | None
    scope: str | None
    covers_sensitive_information: bool
    source: ConsentSource
    given_at: datetime
    evidence_reference: str | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    withdrawn_by: str | None
    recorded_at: datetime
    recorded_by: str
    version: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class ConsentPage(Page[ConsentRead]):
    pass

"""The staff directory's API models. The directory answers other services with
``shared.staff.StaffMember``; people read ``StaffRead`` (the same fields, with each conflict's id
and the record's source)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.auth import Role
from shared.schemas import (
    IsoDate,
    LongText,
    NotNull,
    Reason,
    ShortText,
    StrictBool,
    exactly_one_of,
)
from shared.staff import Grade, Post

# An identity provider's subject: Entra ID object ids and the dev issuer's subjects both fit.
STAFF_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@:+=~-]{0,199}$"
StaffId = Annotated[str, StringConstraints(pattern=STAFF_ID_PATTERN, max_length=200)]

# The roles a person's token may carry; ``service`` is a machine's, never a person's.
PersonRole = Annotated[Role, Field(description="An app role of the person's (not `service`)")]

# The schema says what the validator refuses: a value listed twice (`_distinct`).
_UNIQUE: dict[str, Any] = {"uniqueItems": True}
Specialisms = Annotated[list[ShortText], Field(max_length=50, json_schema_extra=_UNIQUE)]
Roles = Annotated[list[PersonRole], Field(max_length=20, json_schema_extra=_UNIQUE)]
Posts = Annotated[list[Post], Field(max_length=10, json_schema_extra=_UNIQUE)]

_EXAMPLE: dict[str, Any] = {
    "display_name": "Sam Example",
    "grade": "senior_caseworker",
    "roles": ["senior_caseworker"],
    "team": "complex-health-1",
    "specialisms": ["continuing healthcare"],
    "posts": [],
    "available": True,
}


def _distinct(values: list[Any] | None, name: str) -> None:
    if values is not None and len(set(values)) != len(values):
        raise ValueError(f"{name} lists a value twice")


def _no_service(roles: list[Role] | None) -> None:
    if roles is not None and Role.service in roles:
        raise ValueError("roles: `service` is a machine's role, not a person's")


class StaffCreate(BaseModel):
    """A member of staff added by a staff admin (normally the IdP sync adds them)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"staff_id": "cw-sam-example", **_EXAMPLE}]},
    )

    staff_id: StaffId = Field(description="The identity provider's subject (the token's `sub`)")
    display_name: ShortText
    grade: Grade
    roles: Roles = Field(default_factory=list)
    team: ShortText | None = None
    specialisms: Specialisms = Field(default_factory=list)
    posts: Posts = Field(default_factory=list)
    available: StrictBool = True

    @model_validator(mode="after")
    def _lists(self) -> StaffCreate:
        _no_service(self.roles)
        for name in ("roles", "specialisms", "posts"):
            _distinct(getattr(self, name), name)
        return self


class StaffUpdate(BaseModel):
    """A partial update by a staff admin; the person may change only ``available``."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"team": "complex-health-2"}]}
    )

    display_name: NotNull[ShortText] = None
    grade: NotNull[Grade] = None
    roles: NotNull[Roles] = None
    team: ShortText | None = None
    specialisms: NotNull[Specialisms] = None
    posts: NotNull[Posts] = None
    available: NotNull[StrictBool] = None

    @model_validator(mode="after")
    def _lists(self) -> StaffUpdate:
        _no_service(self.roles)
        for name in ("roles", "specialisms", "posts"):
            _distinct(getattr(self, name), name)
        return self


class StaffSync(BaseModel):
    """The identity provider's view of one person (SCIM-like full replace of these fields).

    Specialisms, posts, availability and declared conflicts are the directory's own and are
    left as they are.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "display_name": "Sam Example",
                    "grade": "caseworker",
                    "roles": ["caseworker"],
                    "team": "general-casework-3",
                    "active": True,
                }
            ]
        },
    )

    display_name: ShortText
    grade: Grade
    roles: Roles
    team: ShortText | None
    active: StrictBool

    @model_validator(mode="after")
    def _lists(self) -> StaffSync:
        _no_service(self.roles)
        _distinct(self.roles, "roles")
        return self


class Deactivation(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Left the organisation"}]}
    )

    reason: Reason


class ConflictCreate(BaseModel):
    """A declared conflict of interest on one organisation or one case (CMP-128, ¶10.67)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": "2f1d7c1e-7a55-4a8c-9b9e-3c5f0d6e8a21",
                    "declared_on": "2026-11-02",
                    "note": "A close relative works in its complaints team",
                }
            ],
            **exactly_one_of("organisation_id", "case_id"),
        },
    )

    organisation_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    declared_on: IsoDate = Field(description="The day it was declared; not in the future")
    note: LongText | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> ConflictCreate:
        if (self.organisation_id is None) == (self.case_id is None):
            raise ValueError("Give exactly one of organisation_id and case_id")
        return self


class ConflictRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID | None
    case_id: uuid.UUID | None
    declared_on: date
    note: str
    declared_by: str


class StaffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    staff_id: str
    display_name: str
    grade: Grade
    roles: list[str]
    team: str | None
    specialisms: list[str]
    posts: list[str]
    available: bool
    active: bool
    source: str
    synced_at: datetime | None
    conflicts: list[ConflictRead]

"""API schemas of the people module. Examples use obviously fake data only."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from intake_api.people.models import ContactMethod, PartyKind, RestrictionScope, Weekday
from shared.pagination import Page
from shared.schemas import (
    EMAIL,
    NOT_BLANK,
    IsoDate,
    LongText,
    Reason,
    ShortText,
    Storable,
    absent,
    given,
    when,
)

# Letters to a prisoner carry these words at the top, and on both sides of the envelope (¶1.60).
CONFIDENTIAL_ACCESS_MARKING = "confidential access rights apply"


PhoneNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()\-]{6,30}$")
]
EmailAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL),
    Storable,
]
PrisonNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9/ \-]{0,19}$")
]
Postcode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=16, pattern=NOT_BLANK),
    Storable,
]

_FORBID = ConfigDict(extra="forbid")


class ContactLabel(StrEnum):
    home = "home"
    work = "work"
    mobile = "mobile"
    other = "other"


class Address(BaseModel):
    model_config = _FORBID

    first_line: ShortText
    further_lines: list[ShortText] = Field(default_factory=list, max_length=4)
    town: ShortText | None = None
    postcode: Postcode | None = None
    country: ShortText | None = Field(default=None, description="Blank for the UK")


class Phone(BaseModel):
    model_config = _FORBID

    number: PhoneNumber
    label: ContactLabel | None = None


class Email(BaseModel):
    model_config = _FORBID

    address: EmailAddress
    label: ContactLabel | None = None


class DateToAvoid(BaseModel):
    """A period not to contact the person, e.g. abroad or an anniversary (§0.3 availability)."""

    model_config = _FORBID

    from_date: IsoDate
    to_date: IsoDate
    reason: ShortText

    @model_validator(mode="after")
    def _ordered(self) -> DateToAvoid:
        if self.to_date < self.from_date:
            # JSON Schema cannot compare two fields: a type of its own tells clients (and the
            # schemathesis contract test) that this is the rule the schema cannot state.
            raise PydanticCustomError("date_range_reversed", "to_date is before from_date")
        return self


def _unique_days(days: list[Weekday]) -> list[Weekday]:
    order = list(Weekday)
    return sorted(set(days), key=order.index)


_PERSON_EXAMPLE: dict[str, Any] = {
    "party_kind": "person",
    "title": "Mx",
    "given_name": "Alex",
    "family_name": "Example",
    "addresses": [
        {
            "first_line": "1 Example Street",
            "further_lines": ["Flat 2"],
            "town": "Exampletown",
            "postcode": "ZZ99 9ZZ",
        }
    ],
    "phones": [{"number": "01632 960000", "label": "home"}],
    "emails": [{"address": "alex@example.invalid", "label": "home"}],
    "preferred_contact_method": "email",
    "days_to_avoid": ["wednesday"],
    "dates_to_avoid": [{"from_date": "2026-12-01", "to_date": "2026-12-14", "reason": "abroad"}],
}


class MpRecordCreate(BaseModel):
    model_config = _FORBID

    constituency: ShortText


class PersonCreate(BaseModel):
    """A new party: a person, or an organisation acting as a party (§0.3, ¶1.12)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [_PERSON_EXAMPLE],
            # What the service checks of the whole record (people.service.check_party).
            "allOf": [
                when(
                    "party_kind",
                    PartyKind.organisation.value,
                    then={
                        **given("organisation_name"),
                        "allOf": [
                            absent("title", "given_name", "family_name", "prison_number", "mp")
                        ],
                    },
                    otherwise={
                        "anyOf": [given("given_name"), given("family_name")],
                        "allOf": [absent("organisation_name")],
                    },
                ),
                when(
                    "preferred_contact_method",
                    ContactMethod.other.value,
                    given("preferred_contact_note"),
                ),
            ],
        },
    )

    party_kind: PartyKind = PartyKind.person
    title: ShortText | None = None
    given_name: ShortText | None = None
    family_name: ShortText | None = None
    organisation_name: ShortText | None = Field(
        default=None, description="Required for an organisation, not allowed for a person"
    )
    addresses: list[Address] = Field(
        default_factory=list, max_length=10, description="The first address is for letters"
    )
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    emails: list[Email] = Field(default_factory=list, max_length=10)
    preferred_contact_method: ContactMethod | None = Field(
        default=None, description="INT-006/007: held on the person; none means telephone"
    )
    preferred_contact_note: LongText | None = Field(
        default=None, description="Required when the method is 'other'"
    )
    days_to_avoid: list[Weekday] = Field(default_factory=list, max_length=7)
    dates_to_avoid: list[DateToAvoid] = Field(default_factory=list, max_length=50)
    prison_number: PrisonNumber | None = Field(default=None, description="INT-048")
    mp: MpRecordCreate | None = Field(default=None, description="Makes this an MP record")

    @model_validator(mode="after")
    def _days(self) -> PersonCreate:
        self.days_to_avoid = _unique_days(self.days_to_avoid)
        return self


class PersonUpdate(BaseModel):
    """Contact details and preferences to change; fields left out are kept (INT-007, ¶1.63)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "preferred_contact_method": "letter",
                    "addresses": [{"first_line": "2 Example Road", "postcode": "ZZ99 9ZY"}],
                    "reason": "Corrected after identity check on call CALL-0001",
                }
            ]
        },
    )

    title: ShortText | None = None
    given_name: ShortText | None = None
    family_name: ShortText | None = None
    organisation_name: ShortText | None = None
    addresses: list[Address] = Field(default_factory=list, max_length=10)
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    emails: list[Email] = Field(default_factory=list, max_length=10)
    preferred_contact_method: ContactMethod | None = None
    preferred_contact_note: LongText | None = None
    days_to_avoid: list[Weekday] = Field(default_factory=list, max_length=7)
    dates_to_avoid: list[DateToAvoid] = Field(default_factory=list, max_length=50)
    prison_number: PrisonNumber | None = None
    reason: Reason | None = Field(default=None, description="Why, for the audit trail")

    @model_validator(mode="after")
    def _days(self) -> PersonUpdate:
        self.days_to_avoid = _unique_days(self.days_to_avoid)
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, other than ``reason``, as stored values."""
        out: dict[str, Any] = {}
        for name in self.model_fields_set - {"reason"}:
            value = getattr(self, name)
            if isinstance(value, list):
                value = [
                    v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value
                ]
            out[name] = value
        return out


class MpRecordRead(BaseModel):
    constituency: str
    active: bool
    deactivated_at: datetime | None
    deactivation_reason: str | None
    successor_person_id: uuid.UUID | None = Field(
        description="ASM-023: the 'appropriate' MP once this one died or left office"
    )
    predecessor_person_ids: list[uuid.UUID]
    pending_deactivation_request_id: uuid.UUID | None


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    party_kind: PartyKind
    display_name: str = Field(examples=["Mx Alex Example"])
    title: str | None
    given_name: str | None
    family_name: str | None
    organisation_name: str | None
    addresses: list[Address]
    phones: list[Phone]
    emails: list[Email]
    preferred_contact_method: ContactMethod | None
    preferred_contact_note: str | None
    days_to_avoid: list[Weekday]
    dates_to_avoid: list[DateToAvoid]
    prison_number: str | None
    confidential_access_rights_apply: bool = Field(
        description="INT-048: every letter must carry 'confidential access rights apply'"
    )
    mp: MpRecordRead | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class PersonSummary(BaseModel):
    """A search hit for the previous-contact check (¶1.1, INT-001)."""

    id: uuid.UUID
    party_kind: PartyKind
    display_name: str = Field(examples=["Mx Alex Example"])
    postcodes: list[str]
    is_mp: bool
    mp_active: bool | None
    created_at: datetime


class PersonPage(Page[PersonSummary]):
    pass


class RestrictionOnCard(BaseModel):
    """A contact restriction in force today (XC-COM-001); the full record is under
    ``/v1/people/{id}/contact-restrictions``."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    scope: list[RestrictionScope]
    case_id: uuid.UUID | None = Field(description="Only this case's contact; null for every case")
    starts_on: date
    ends_on: date | None
    review_on: date | None


class ContactCard(BaseModel):
    """What another service needs to address a letter or make a call (DESIGN §1)."""

    person_id: uuid.UUID
    party_kind: PartyKind
    display_name: str = Field(examples=["Mx Alex Example"])
    title: str | None
    given_name: str | None
    family_name: str | None
    organisation_name: str | None
    correspondence_address: Address | None = Field(description="The first address held")
    addresses: list[Address]
    phones: list[Phone]
    emails: list[Email]
    preferred_contact_method: ContactMethod | None
    preferred_contact_note: str | None
    suggested_contact_method: ContactMethod = Field(
        description="INT-006: the preferred method, else telephone"
    )
    days_to_avoid: list[Weekday]
    dates_to_avoid: list[DateToAvoid]
    prison_number: str | None = Field(description="INT-048: put on all correspondence")
    confidential_access_rights_apply: bool
    confidential_access_marking: str | None = Field(
        description="INT-048: top of every letter, front and back of the envelope (in red)",
        examples=[CONFIDENTIAL_ACCESS_MARKING],
    )
    mp: MpRecordRead | None
    contact_restrictions: list[RestrictionOnCard] = Field(
        description=(
            "XC-COM-001: restrictions under the unreasonable behaviour policy in force today; "
            "contact they cover gets no 10-working-day acknowledgement deadline"
        )
    )
    version: int

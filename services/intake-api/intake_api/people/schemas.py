"""API schemas of the people module. Examples use obviously fake data only."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from intake_api.people.models import (
    ConsentSource,
    ConsentType,
    ContactMethod,
    DisabilityType,
    PartyKind,
    SuccessionReason,
    VerificationOutcome,
    VerificationQuestion,
    Weekday,
)
from intake_api.people.state import RaDecision, RaStatus
from shared.pagination import Page
from shared.schemas import (
    EMAIL,
    NOT_BLANK,
    IsoDate,
    IsoDateTime,
    StrictBool,
    absent,
    exactly_one_of,
    given,
    stripped_text,
    when,
)

# Letters to a prisoner carry these words at the top, and on both sides of the envelope (¶1.60).
CONFIDENTIAL_ACCESS_MARKING = "confidential access rights apply"


def _storable(value: str) -> str:
    # PostgreSQL text and JSONB cannot hold NUL, and lone surrogates cannot be encoded: refuse
    # them here as a 422 rather than fail at the database with a 500.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("the text is not valid Unicode") from exc
    return value


Storable = AfterValidator(_storable)
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK),
    Storable,
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000, pattern=NOT_BLANK),
    Storable,
]
Reason = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=5000, pattern=stripped_text(3)
    ),
    Storable,
]
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
            # What the service checks of the whole record (people.service._check_party).
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
    version: int


# --- consents --------------------------------------------------------------------------------


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


# --- reasonable adjustments ------------------------------------------------------------------


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


# --- identity verification -------------------------------------------------------------------


class QuestionAnswer(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=when(
            "question",
            VerificationQuestion.other.value,
            then=given("other_text"),
            otherwise=absent("other_text"),
        ),
    )

    question: VerificationQuestion
    other_text: ShortText | None = Field(default=None, description="The question, for 'other'")
    matched: StrictBool = Field(description="Did the answer match the record?")

    @model_validator(mode="after")
    def _other_text(self) -> QuestionAnswer:
        if (self.question is VerificationQuestion.other) != (self.other_text is not None):
            raise ValueError("other_text is required for 'other' and only for it")
        return self


class VerificationWaiver(BaseModel):
    """¶1.64, INT-052: asking would be entirely unreasonable, e.g. we just spoke to them."""

    model_config = _FORBID

    reason: Reason
    previous_verification_id: uuid.UUID | None = None


MIN_QUESTIONS = 3


class IdentityVerificationCreate(BaseModel):
    """Identity check for one call: questions (¶1.63, INT-051) or a waiver (¶1.64, INT-052)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "call_ref": "CALL-0001",
                    "questions": [
                        {"question": "postcode", "matched": True},
                        {"question": "first_line_of_address", "matched": True},
                        {"question": "organisation_complained_about", "matched": True},
                    ],
                },
                {
                    "call_ref": "CALL-0002",
                    "waiver": {
                        "reason": "Call back within five minutes of a verified call",
                        "previous_verification_id": "0b6f1c1e-3a1d-4c51-9a0e-2f4f6f0d9c11",
                    },
                },
            ],
            **exactly_one_of("questions", "waiver"),
        },
    )

    call_ref: ShortText = Field(description="The call's contact reference or id")
    case_id: uuid.UUID | None = None
    questions: list[QuestionAnswer] | None = Field(default=None, min_length=1, max_length=20)
    waiver: VerificationWaiver | None = None

    @model_validator(mode="after")
    def _one_way(self) -> IdentityVerificationCreate:
        if (self.questions is None) == (self.waiver is None):
            raise ValueError("give either questions or a waiver")
        seen: set[VerificationQuestion] = set()
        others: set[str] = set()
        for qa in self.questions or []:
            if qa.question is VerificationQuestion.other:
                assert qa.other_text is not None
                key = qa.other_text.casefold()
                if key in others:
                    # Items that differ only in ``matched``: no JSON Schema keyword says this.
                    raise PydanticCustomError(
                        "duplicate_question", "the same 'other' question is listed twice"
                    )
                others.add(key)
            elif qa.question in seen:
                raise PydanticCustomError(
                    "duplicate_question",
                    "question {question} is listed twice",
                    {"question": qa.question.value},
                )
            else:
                seen.add(qa.question)
        return self


class IdentityVerificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    call_ref: str
    case_id: uuid.UUID | None
    outcome: VerificationOutcome
    questions: list[QuestionAnswer]
    question_set: list[str] = Field(description="Sorted question keys, to spot repeated sets")
    repeated_question_set: bool = Field(
        description="The person's previous check used the same questions (¶1.63: vary them)"
    )
    waiver_reason: str | None
    previous_verification_id: uuid.UUID | None
    recorded_at: datetime
    recorded_by: str

    @computed_field(description="Case information may be disclosed on this call")  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        return self.outcome is not VerificationOutcome.not_verified


class IdentityVerificationPage(Page[IdentityVerificationRead]):
    pass


class CallVerificationStatus(BaseModel):
    """Whether case information may be disclosed on a call (XC-DP-001)."""

    person_id: uuid.UUID
    call_ref: str
    may_disclose: bool
    verification_id: uuid.UUID | None = Field(description="The passing check or waiver, if any")


# --- MPs -------------------------------------------------------------------------------------


class MpSuccessorCreate(BaseModel):
    """A newly elected MP, added as a separate MP record (¶2.47)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            # A person's record (people.service._check_party); with no preferred_contact_note
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

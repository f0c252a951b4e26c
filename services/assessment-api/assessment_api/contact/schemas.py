"""API models of contact at further consideration. Input models forbid extra fields; the rules a
JSON Schema can state are stated there too."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from assessment_api.contact.rules import (
    Answer,
    ContactUnlock,
    FirstContactState,
    Item,
    MethodBasis,
)
from shared.casework.communications import ContactOutcome
from shared.schemas import IsoDate, IsoDateTime, LongText, Reason

Channel = Literal["telephone", "letter", "email"]
Preference = Literal["telephone", "letter", "email", "text_relay", "other"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PHONE = "telephone"

COMPLAINANT = "5a0e8a1c-1f0b-4a7e-9b0e-2d5e6b7c8d01"
MP = "5a0e8a1c-1f0b-4a7e-9b0e-2d5e6b7c8d02"
_REACHED_ONLY = ("checklist", "stated_preference", "stated_only_on", "stated_dates_to_avoid")


class DateRange(BaseModel):
    """Dates (inclusive) the complainant asked us not to contact them (¶2.216). The reason (an
    anniversary, time abroad) is the complainant's personal data: intake's person record keeps
    it; here only the dates."""

    model_config = ConfigDict(extra="forbid")

    from_date: IsoDate
    to_date: IsoDate

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.to_date < self.from_date:
            raise ValueError("to_date is before from_date")
        return self


class ChecklistAnswerIn(BaseModel):
    """One area of the ¶2.219 conversation (ASM-102)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "if": {
                "required": ["answer"],
                "properties": {"answer": {"const": "alternative_time_agreed"}},
            },
            "then": {"required": ["alternative_date"]},
        },
    )

    item: Item
    answer: Answer = Field(
        description="'not_applicable' only for the conditional areas (a reasonable adjustment "
        "requested, clinical advice where relevant, a financial outcome sought, expectations "
        "to manage); 'alternative_time_agreed' only for 'appropriate_time', with the date"
    )
    alternative_date: IsoDate | None = None
    notes: LongText | None = None

    @model_validator(mode="after")
    def _date_with_alternative(self) -> ChecklistAnswerIn:
        if self.answer is Answer.alternative_time_agreed and self.alternative_date is None:
            raise ValueError("an alternative time agreed needs its alternative_date")
        return self


class FcContactAttemptCreate(BaseModel):
    """An attempt to reach the complainant at further consideration (ASM-101), or their reply:
    the method it followed (ASM-100), whether it was first contact (ASM-099), what the
    complainant asked for, and, in a conversation, the ¶2.219 checklist (ASM-102)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "person_id": COMPLAINANT,
                    "channel": "telephone",
                    "attempted_at": "2026-11-02T10:00:00Z",
                    "outcome": "reached",
                    "introduced": True,
                    "contact_details_given": True,
                    "purpose_explained": True,
                    "stated_preference": "telephone",
                    "stated_only_on": ["wednesday"],
                    "checklist": [
                        {"item": "identity_verified", "answer": "covered"},
                        {"item": "introduction_and_role", "answer": "covered"},
                        {
                            "item": "injustice_and_outcome_recorded",
                            "answer": "covered",
                            "notes": "Wants an apology and a change to discharge planning.",
                        },
                    ],
                },
                {
                    "person_id": COMPLAINANT,
                    "channel": "telephone",
                    "attempted_at": "2026-11-02T10:00:00Z",
                    "outcome": "no_answer",
                    "notes": "No answer; no voicemail set up.",
                },
            ],
        },
    )

    person_id: uuid.UUID = Field(description="Intake's person id of the complainant")
    channel: Channel
    direction: Literal["inbound", "outbound"] = "outbound"
    attempted_at: IsoDateTime
    outcome: ContactOutcome = Field(
        description="reached; or how it failed. An outbound letter or email is "
        "'written_no_reply' until a reply comes (an inbound attempt, 'reached')"
    )
    introduced: StrictBool = Field(default=False, description="ASM-099: introduced self and role")
    contact_details_given: StrictBool = Field(
        default=False, description="ASM-099: direct contact details for future conversations"
    )
    purpose_explained: StrictBool = Field(
        default=False,
        description="ASM-099: further consideration decides whether to send the case for "
        "detailed investigation",
    )
    asked_for_number_and_preference: StrictBool = Field(
        default=False,
        description="ASM-100 (¶2.214): a letter or email asking for a contact number and the "
        "preferred method, required when no number (or preference) is held",
    )
    stated_preference: Preference | None = Field(
        default=None, description="ASM-100 (¶2.213): a preference stated now, used from then on"
    )
    stated_only_on: list[Weekday] | None = Field(
        default=None, max_length=7, description="¶2.215: e.g. only Wednesdays (its day off)"
    )
    stated_dates_to_avoid: list[DateRange] | None = Field(
        default=None, max_length=20, description="¶2.216: dates not to contact them"
    )
    timing_override_reason: Reason | None = Field(
        default=None,
        description="Why contact on a day the complainant asked us to avoid (¶2.215–2.216)",
    )
    notes: LongText | None = None
    checklist: list[ChecklistAnswerIn] = Field(default_factory=list, max_length=len(Item))

    @model_validator(mode="after")
    def _consistent(self) -> FcContactAttemptCreate:
        if self.channel == PHONE and self.outcome is ContactOutcome.written_no_reply:
            raise ValueError("a call cannot end as 'written_no_reply'")
        if self.direction == "inbound" and self.outcome is not ContactOutcome.reached:
            raise ValueError("an inbound contact reached us: its outcome is 'reached'")
        if self.outcome is not ContactOutcome.reached:
            given = [f for f in _REACHED_ONLY if getattr(self, f)]
            if given:
                raise ValueError(f"{', '.join(given)}: only from a contact that reached them")
        items = [a.item for a in self.checklist]
        if len(items) != len(set(items)):
            raise ValueError("each checklist item is answered once per conversation")
        return self


class ChecklistAnswerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    attempt_id: uuid.UUID
    item: Item
    answer: Answer
    alternative_date: date | None
    notes: str | None
    answered_at: datetime
    recorded_by: str


class FcContactAttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    party: str
    person_id: uuid.UUID
    channel: str
    direction: str
    attempted_at: datetime
    outcome: str
    introduced: bool
    contact_details_given: bool
    purpose_explained: bool
    first_contact: bool = Field(
        description="ASM-099: this attempt was the first contact, meeting the 10-working-day "
        "clock of the case's allocation"
    )
    method_basis: str | None
    asked_for_number_and_preference: bool
    stated_preference: str | None
    stated_only_on: list[str] | None
    stated_dates_to_avoid: list[dict[str, Any]] | None
    timing_override_reason: str | None
    notes: str | None
    recorded_by: str


class AttemptRecorded(FcContactAttemptRead):
    checklist: list[ChecklistAnswerRead]


class MpContactCreate(BaseModel):
    """ASM-104 (¶2.226): contact with the referring MP once the case is allocated: that the
    caseworker is considering the complaint, and their contact details."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "person_id": MP,
                    "channel": "email",
                    "attempted_at": "2026-11-02T10:00:00Z",
                    "outcome": "written_no_reply",
                    "introduced": True,
                    "contact_details_given": True,
                }
            ]
        },
    )

    person_id: uuid.UUID = Field(description="Intake's person id of the referring MP")
    channel: Channel
    attempted_at: IsoDateTime
    outcome: ContactOutcome
    introduced: StrictBool = Field(
        default=False, description="Said they are the caseworker considering the complaint"
    )
    contact_details_given: StrictBool = Field(
        default=False, description="Their contact details, should an update be required"
    )
    notes: LongText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MpContactCreate:
        if self.channel == PHONE and self.outcome is ContactOutcome.written_no_reply:
            raise ValueError("a call cannot end as 'written_no_reply'")
        return self


class FcWithdrawCreate(BaseModel):
    """ASM-103 (¶2.224): more information is needed before a decision: recorded, told to the
    complainant, and the case closed as 'withdrawn'."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "information_needed": "The trust's final response letter.",
                    "told_by": "telephone",
                    "told_at": "2026-11-02T10:00:00Z",
                    "rationale": "Without the final response we cannot say whether the trust "
                    "has responded reasonably.",
                }
            ]
        },
    )

    information_needed: Reason
    told_by: Channel = Field(description="How the complainant was told")
    told_at: IsoDateTime
    rationale: Reason


class WithdrawalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    information_needed: str
    told_by: str
    told_at: datetime
    rationale: str
    unlocked_by: str
    decided_by: str
    decided_at: datetime


class FirstContactRead(BaseModel):
    """ASM-099 / C-07: the 10-working-day first contact after allocation."""

    due_date: date
    effective_due_date: date
    made_at: datetime | None
    state: FirstContactState


class ChecklistItemRead(BaseModel):
    """An area of ¶2.219 and its latest answer over the case's conversations (¶2.220)."""

    item: Item
    required_before_decision: bool
    answer: Answer | None
    notes: str | None
    attempt_id: uuid.UUID | None


class MpRead(BaseModel):
    """ASM-104: the referring MP's contact task, left by allocation."""

    task_id: uuid.UUID
    done_at: datetime | None
    done_by: str | None


class ContactRead(BaseModel):
    """Where contact after allocation stands."""

    case_id: uuid.UUID
    status: str
    first_contact: FirstContactRead | None = Field(
        description="null when the case has no allocation clock (not allocated here)"
    )
    decision_unlocked_by: ContactUnlock | None = Field(
        description="ASM-101 / C-08: contact made, or three failed calls over two days; null "
        "while contact must still be tried"
    )
    failed_calls: int
    checklist: list[ChecklistItemRead]
    checklist_missing: list[Item] = Field(
        description="ASM-102: areas a decision needs that the conversations have not covered"
    )
    decision_ready: bool = Field(
        description="ASM-101 and ASM-102: a decision (or 'withdrawn') may be made now"
    )
    mp_tasks: list[MpRead]
    attempts: list[FcContactAttemptRead]
    withdrawal: WithdrawalRead | None


class AvailabilityRead(BaseModel):
    only_on: list[str]
    days_to_avoid: list[str]
    dates_to_avoid: list[DateRange]


class MethodRead(BaseModel):
    """ASM-100: how to make the next outbound attempt to the complainant, and when not to."""

    case_id: uuid.UUID
    person_id: uuid.UUID
    channels: list[Channel]
    basis: MethodBasis
    preference: str | None
    ask_for_number_and_preference: bool
    availability: AvailabilityRead

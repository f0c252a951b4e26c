"""API schemas of identity checks on calls (¶1.63–1.64, INT-051/052, XC-DP-001)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator
from pydantic_core import PydanticCustomError

from intake_api.people.models import VerificationOutcome, VerificationQuestion
from shared.pagination import Page
from shared.schemas import Reason, ShortText, StrictBool, absent, exactly_one_of, given, when


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

    model_config = ConfigDict(extra="forbid")

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

"""API models of a closing decision's recipients (ASM-173, ASM-174, ASM-055, ¶3.117)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from assessment_api.closing.rules import ClosureKind, Form


class OwedRead(BaseModel):
    """One recipient of the decision, by id, and how it reaches them."""

    model_config = ConfigDict(from_attributes=True)

    person_id: uuid.UUID | None = Field(description="A party at intake (ids only)")
    organisation_id: uuid.UUID | None = Field(description="An organisation told of the decision")
    role: str = Field(examples=["mp (referring)"])
    form: Form
    by_telephone: bool = Field(description="The decision is given by telephone first")
    in_writing: bool = Field(description="A letter or email is owed (MPs, representatives: always)")
    rule: str


class RecipientProblemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    requirement: str = Field(examples=["ASM-174"])
    detail: str


class ClosureRecipientsRead(BaseModel):
    """Who a decision that closes the case goes to; ``complete`` once nothing is undecided."""

    case_id: uuid.UUID
    kind: ClosureKind
    owed: list[OwedRead]
    problems: list[RecipientProblemRead]
    complete: bool

"""Contracts compliance-api publishes. Ids and codes only: no free text, no personal data."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from pydantic import Field

from shared.events.envelope import EventPayload
from shared.events.registry import contract


@contract
class RiskAssessedV1(EventPayload):
    """compliance.risk.assessed v1: a risk assessment of the case was recorded (CMP-101,
    XC-RSK-001); its rating is now the case's current rating."""

    TYPE: ClassVar[str] = "compliance.risk.assessed"
    VERSION: ClassVar[int] = 1

    assessment_id: uuid.UUID
    number: int = Field(description="The assessment's number on the case: 1, 2, …")
    trigger: str = Field(description="D.25 trigger, e.g. decline, propose, ad_hoc")
    rating: str = Field(description="low, medium or high")
    conflicts_of_interest_considered: bool


@contract
class RiskRatingChangedV1(EventPayload):
    """compliance.risk.rating_changed v1: the case's current risk rating changed (CMP-120:
    consider reallocation or extra supervision), by a new assessment or an approved override."""

    TYPE: ClassVar[str] = "compliance.risk.rating_changed"
    VERSION: ClassVar[int] = 1

    assessment_id: uuid.UUID
    previous_rating: str = Field(description="low, medium or high")
    rating: str = Field(description="low, medium or high")
    cause: str = Field(description="assessment or override")


@contract
class RiskOversightAssignedV1(EventPayload):
    """compliance.risk.oversight_assigned v1: the assurance meeting assigned the high-risk case to
    the Ombudsman or a deputy for oversight (CMP-127/128); from now on its rating changes only with
    the holder's agreement (CMP-115), and monthly updates are due (CMP-131)."""

    TYPE: ClassVar[str] = "compliance.risk.oversight_assigned"
    VERSION: ClassVar[int] = 1

    escalation_id: uuid.UUID
    assessment_id: uuid.UUID
    holder: str = Field(description="The oversight holder's staff id (token subject)")
    holder_role: str = Field(description="ombudsman or deputy_ombudsman")
    responsible_ad: str = Field(description="The AD – Casework for Senior Caseworkers' staff id")
    legal_advice_key: bool
    meeting_on: date = Field(description="The assurance meeting that assigned it")
    next_update_due: date = Field(description="The first monthly update's due date")

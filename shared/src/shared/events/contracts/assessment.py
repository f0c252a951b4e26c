"""Contracts assessment-api publishes. Ids and codes only: no personal data."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from shared.events.envelope import EventPayload
from shared.events.registry import contract
from shared.schemas import IsoDate


@contract
class CaseAllocatedV1(EventPayload):
    """assessment.case.allocated v1: a queued case was allocated to a caseworker (requirements
    §E.2 CaseAllocated; ¶2.182–2.184, ASM-085). The 10-working-day contact clock starts
    (ASM-099); the MP contact task (ASM-104) and risk task (XC-RSK-002) are left with it."""

    TYPE: ClassVar[str] = "assessment.case.allocated"
    VERSION: ClassVar[int] = 1

    reference: str
    caseworker_id: str = Field(description="The staff directory id (IdP subject) allocated")
    team: str | None
    triage_category: str
    allocated_at: datetime
    contact_due_date: IsoDate = Field(description="ASM-099: contact the complainant by this day")

"""API models of the case register: where a case is now and which service to ask (issue #12
"One status for the front end"; DESIGN §1)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from intake_api.cases.schemas import CaseRead


class CaseStageRead(BaseModel):
    """The stage after intake, as that service last reported it (projected from its events)."""

    model_config = ConfigDict(from_attributes=True)

    service: str = Field(description="The service that holds the case", examples=["assessment-api"])
    status: str = Field(description="The case's status there", examples=["further_consideration"])
    owner: str | None = Field(description="Who holds it there (token subject)")
    team: str | None
    closure_code: str | None = Field(description="The closure code, once closed there")
    changed_at: datetime = Field(description="When that service made the change (its event)")


class CaseWhereabouts(BaseModel):
    """Where the case is now: the service to ask for the detail, and the case's place there."""

    service: str = Field(examples=["assessment-api"])
    status: str = Field(examples=["closed"])
    owner: str | None
    team: str | None
    closure_code: str | None = Field(examples=["premature - resolution"])
    updated_at: datetime
    href: str = Field(
        description="The case at that service (GET)",
        examples=["http://127.0.0.1:8002/v1/cases/7f1f4a52-2a0a-4e43-9b5e-5b0c8a4f3a10"],
    )


class CaseRegisterRead(CaseRead):
    """An intake case as the register shows it: intake's own record, the later stage as its
    service reported it, and where the case is now."""

    later_stage: CaseStageRead | None = Field(
        description="The stage after intake, once its service has reported (None before)"
    )
    now_at: CaseWhereabouts

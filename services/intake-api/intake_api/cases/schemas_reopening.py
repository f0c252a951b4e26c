"""Bodies of what follows a closure: restarts (ASM-031/034/035), linked new cases (G-10) and the
tasks rules leave on a case (ASM-024, ASM-039)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from intake_api.cases.models import Channel, LinkReason, TaskKind
from intake_api.cases.schemas import Input, Reason, example
from shared.schemas import IsoDate, StrictBool


class MpReferralReuse(Input):
    """ASM-031 (¶2.59): the caseworker's confirmation that the earlier referral still fits."""

    same_organisation: StrictBool
    same_complaint: StrictBool


class RestartRequest(Input):
    """ASM-034/035, INT-019: a returning complainant; without progress there is no restart."""

    model_config = example(
        {
            "progress_since_previous_decision": "The complaint form has come back signed",
            "reason": "Complainant returned with the information we asked for",
        }
    )

    progress_since_previous_decision: str | None = Field(default=None, max_length=5000)
    reuse_mp_referral: MpReferralReuse | None = Field(
        default=None,
        description=(
            "ASM-031: a premature, properly made parliamentary case back after local resolution "
            "stays properly made on the earlier MP referral, once you confirm both"
        ),
    )
    reason: str = Reason


class ReturnAsNewCase(Input):
    """T54/T55: a returning complainant whose earlier case stays closed gets a linked new case."""

    model_config = example(
        {
            "link_reason": "contact_after_withdrawn",
            "channel": "email",
            "received_date": "2026-11-20",
            "reason": "Complainant came back after the case was withdrawn",
        }
    )

    link_reason: LinkReason
    channel: Channel
    received_date: IsoDate
    reason: str = Reason


class CaseLinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    earlier_case_id: uuid.UUID
    later_case_id: uuid.UUID
    reason: LinkReason
    created_by: str
    created_at: datetime


class TaskRead(BaseModel):
    """Follow-up work a rule left on the case (e.g. ASM-039)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: TaskKind
    rule: str
    organisation_id: uuid.UUID | None
    person_id: uuid.UUID | None = Field(description="ASM-024: the MP whose seat was vacant")
    created_by: str
    created_at: datetime
    done_at: datetime | None
    done_by: str | None
    done_note: str | None
    communication_id: uuid.UUID | None = Field(
        description="The communication that did the task, when one did"
    )


class TaskCompletion(Input):
    model_config = example({"note": "Rang the trust's complaints team to ask"})

    note: str = Field(min_length=3, max_length=5_000, description="What was done")

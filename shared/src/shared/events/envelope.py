"""The event envelope every service publishes and consumes (DESIGN §2)."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

ENVELOPE_VERSION = 1


class EventPayload(BaseModel):
    """Base of every published payload contract, keyed by ``(TYPE, VERSION)``.

    Within a version, changes are additive only; a breaking change gets a new version class and
    both are published while consumers move.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]


class EventEnvelope(BaseModel):
    """One event as it travels: ``payload`` is the contract's JSON form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID
    type: str = Field(pattern=r"^[a-z_]+\.[a-z_]+\.[a-z_]+$", examples=["intake.case.referred"])
    version: int = Field(ge=1)
    occurred_at: AwareDatetime
    source: str
    case_id: uuid.UUID
    sequence: int = Field(ge=1, description="Position of this event in its case's stream")
    correlation_id: str | None = None
    actor: str | None = None
    payload: dict[str, Any]


class EventBatch(BaseModel):
    """What the relay POSTs to a subscriber's ``/internal/events``."""

    model_config = ConfigDict(extra="forbid")

    events: list[EventEnvelope] = Field(min_length=1, max_length=1000)

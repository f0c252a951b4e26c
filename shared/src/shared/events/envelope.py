"""The event envelope every service publishes and consumes (DESIGN §2)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.schemas import JSON_INTEGER, NO_NUL, PG_INTEGER_MAX, IsoDateTime

ENVELOPE_VERSION = 1
# The highest sequence an envelope states: 2**53 - 1, the largest integer every JSON parser reads
# exactly (a double). Near PostgreSQL's bigint limit a number written as a float (9.22e18) passes
# a schema's maximum yet is larger than the limit, which a validator would refuse as schema-valid
# data; no case's stream comes near either bound.
MAX_SEQUENCE = 2**53 - 1


class EventPayload(BaseModel):
    """Base of every published payload contract, keyed by ``(TYPE, VERSION)``.

    Within a version, changes are additive only; a breaking change gets a new version class and
    both are published while consumers move.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        # Consumers store payload text in PostgreSQL, which cannot hold NUL: such an event breaks
        # its contract (and is refused by id) rather than failing in the consumer's handler.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


class EventEnvelope(BaseModel):
    """One event as it travels: ``payload`` is the contract's JSON form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID
    type: str = Field(pattern=r"^[a-z_]+\.[a-z_]+\.[a-z_]+$", examples=["intake.case.referred"])
    version: Annotated[int, Field(ge=1, le=PG_INTEGER_MAX), JSON_INTEGER]
    occurred_at: IsoDateTime
    source: str = Field(pattern=NO_NUL)
    case_id: uuid.UUID
    sequence: Annotated[int, Field(ge=1, le=MAX_SEQUENCE), JSON_INTEGER] = Field(
        description="Position of this event in its case's stream"
    )
    correlation_id: str | None = Field(default=None, pattern=NO_NUL)
    actor: str | None = Field(default=None, pattern=NO_NUL)
    payload: dict[str, Any]


class EventBatch(BaseModel):
    """What the relay POSTs to a subscriber's ``/internal/events``."""

    model_config = ConfigDict(extra="forbid")

    events: list[EventEnvelope] = Field(min_length=1, max_length=1000)

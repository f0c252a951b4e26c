"""Contact attempts and communications (XC-COM): every attempt to reach a party, and every letter,
email or call, in or out, with its recipients by person or organisation id and its documents.

Personal data stays in intake: a recipient is an id, and a service that needs an address asks
intake's audited contact card for it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy import Boolean, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

Medium = Literal["letter", "email", "telephone"]
Direction = Literal["inbound", "outbound"]
WRITTEN_MEDIA = frozenset({"letter", "email"})


class ContactOutcome(StrEnum):
    reached = "reached"
    no_answer = "no_answer"
    voicemail = "voicemail"
    wrong_number = "wrong_number"
    written_no_reply = "written_no_reply"


FAILED_OUTCOMES = frozenset(set(ContactOutcome) - {ContactOutcome.reached})


class ContactAttemptColumns:
    """Columns of a contact-attempt table; the service adds ``case_id`` and ``outcome``."""

    person_id: Mapped[uuid.UUID]
    channel: Mapped[str] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(Text)
    attempted_at: Mapped[datetime]
    expectations_explained: Mapped[bool] = mapped_column(Boolean, default=False)
    adjustments_discussed: Mapped[bool] = mapped_column(Boolean, default=False)
    channel_override_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)


class CommunicationColumns:
    """Columns of a communication table; the service adds ``case_id``."""

    medium: Mapped[str] = mapped_column(Text)  # letter | email | telephone
    direction: Mapped[str] = mapped_column(Text)  # inbound | outbound
    purpose: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime]
    from_person_id: Mapped[uuid.UUID | None]
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    # What was enclosed ({title, sensitive, document_id}) and, for sensitive information sent
    # without consent, the recorded risk-disclosure decision (XC-DP-012).
    documents: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    risk_disclosure: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Standard paragraphs the letter must carry (e.g. ASM-025 the predecessor paragraph).
    paragraphs: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    acknowledges_id: Mapped[uuid.UUID | None]
    recorded_by: Mapped[str] = mapped_column(Text)


class Recipient(BaseModel):
    """Who a communication went to: a person or an organisation, by id; copies are marked."""

    model_config = ConfigDict(extra="forbid")

    person_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    is_copy: StrictBool = False


class DocumentRef(BaseModel):
    """A case document a communication encloses or shares (INT-053/054)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    document_id: uuid.UUID | None = None
    sensitive: StrictBool = Field(
        default=False,
        description="Personal or sensitive information, e.g. medical history (¶1.66)",
    )


def failed_attempts(attempts: list[Any], *, person_id: uuid.UUID | None = None) -> int:
    """How many of ``attempts`` (to ``person_id``, if given) did not reach the person."""
    return sum(
        1
        for a in attempts
        if a.outcome in FAILED_OUTCOMES and (person_id is None or a.person_id == person_id)
    )

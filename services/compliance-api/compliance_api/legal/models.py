"""The Legal Team referral task and the Legal risk prompt (XC-RSK-004, CMP-025, CMP-126, C-23).

Both are opened by intake's ``intake.correspondence.legal_terms_found`` event, once per event
(the inbox, and a unique ``source_event_id``). compliance-api holds no case record:
``case_id`` is the UUID every service uses (DESIGN §1).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.casework.tasks import TaskColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey

# Open referrals and late ones: the work queues read one range of this index.
NEEDS_ATTENTION_SQL = "done_at IS NULL OR late"


class LegalReferral(TaskColumns, UUIDPrimaryKey, Timestamps, Base):
    """A task: send the correspondence, with the case's details, to the Legal Team within 24
    hours of its receipt (C-23). Done once: referred (late if after ``due_at``) or dismissed
    with the reason the correspondence does not suggest legal action."""

    __tablename__ = "legal_referral"

    case_id: Mapped[uuid.UUID]
    reference: Mapped[str] = mapped_column(Text)
    source_event_id: Mapped[uuid.UUID]
    communication_id: Mapped[uuid.UUID]
    communication_type: Mapped[str] = mapped_column(Text)
    medium: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    due_at: Mapped[datetime]
    terms: Mapped[list[str]] = mapped_column(ARRAY(Text))
    matches: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    outcome: Mapped[str | None] = mapped_column(String(20))
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("source_event_id"),
        Index("ix_legal_referral_case", "case_id", "received_at"),
        Index(
            "ix_legal_referral_attention",
            "due_at",
            "id",
            postgresql_where=text(NEEDS_ATTENTION_SQL),
        ),
        # C-23: due 24 hours after receipt, kept by the database as well as the code.
        CheckConstraint("due_at = received_at + interval '24 hours'", name="due_in_24_hours"),
        CheckConstraint("outcome IN ('referred', 'dismissed')", name="outcome_known"),
        CheckConstraint(
            "(outcome IS NULL) = (done_at IS NULL) AND (done_at IS NULL) = (done_by IS NULL)",
            name="done_with_outcome",
        ),
        CheckConstraint("done_at IS NULL OR done_at >= received_at", name="done_after_receipt"),
        CheckConstraint(
            "outcome IS DISTINCT FROM 'dismissed' OR done_note IS NOT NULL",
            name="dismissal_has_reason",
        ),
        # XC-RSK-004: late means referred more than 24 hours after receipt, and nothing else.
        CheckConstraint(
            "late = COALESCE(outcome = 'referred' AND done_at > due_at, false)",
            name="late_when_referred_after_due",
        ),
        CheckConstraint("cardinality(terms) >= 1", name="has_terms"),
    )


class RiskPrompt(UUIDPrimaryKey, Timestamps, Base):
    """A prompt on the case's risk record: add or review a risk of ``category`` (CMP-126: legal
    action threatened). Not a rating: the caseworker records an assessment (risk module) and
    marks the prompt addressed, naming it."""

    __tablename__ = "risk_prompt"

    case_id: Mapped[uuid.UUID]
    category: Mapped[str] = mapped_column(String(60))  # a D.22 category: legal
    rule: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    source_event_id: Mapped[uuid.UUID]
    referral_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("legal_referral.id"))
    raised_at: Mapped[datetime]
    addressed_at: Mapped[datetime | None]
    addressed_by: Mapped[str | None] = mapped_column(Text)
    addressed_note: Mapped[str | None] = mapped_column(Text)
    assessment_id: Mapped[uuid.UUID | None]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("source_event_id", "category"),
        Index("ix_risk_prompt_case", "case_id", "raised_at"),
        CheckConstraint(
            "category IN ('people', 'financial', 'reputation_political', 'our_service', 'legal')",
            name="category_known",
        ),
        CheckConstraint(
            "(addressed_at IS NULL) = (addressed_by IS NULL)"
            " AND (addressed_at IS NULL) = (addressed_note IS NULL)",
            name="addressed_by_someone",
        ),
    )

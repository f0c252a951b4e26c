"""Early consideration's tables: contact attempts, clocks, information requests, the decision
that ends early consideration, and the letters it sends. Ids only: people live at intake."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.cases.models import enum_col
from shared.casework.communications import (
    CommunicationColumns,
    ContactAttemptColumns,
    legal_scan_checks,
)
from shared.casework.deadlines import DeadlineColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey

CASE_FK = "assessment_case.id"


class EcDeadlineKind(StrEnum):
    written_reply = "written_reply"  # ASM-053 / C-05
    information = "information"  # ASM-054 / C-06


class EcDecisionKind(StrEnum):
    decline = "decline"  # T20
    withdrawn = "withdrawn"  # T21
    resolution = "resolution"  # T22
    passed_on = "passed_on"  # T23


class EcContactAttempt(ContactAttemptColumns, UUIDPrimaryKey, Timestamps, Base):
    """An attempt to reach a party before deciding (ASM-053): a call, or written contact."""

    __tablename__ = "ec_contact_attempt"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_ec_contact_attempt_case_id", "case_id", "attempted_at"),
        legal_scan_checks("contact_attempt"),  # XC-RSK-004
    )


class EcDeadline(DeadlineColumns, UUIDPrimaryKey, Timestamps, Base):
    """A clock of early consideration (the casework kit's ``deadlines``)."""

    __tablename__ = "ec_deadline"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    kind: Mapped[EcDeadlineKind] = mapped_column(enum_col(EcDeadlineKind, "ec_deadline_kind"))

    __table_args__ = (
        Index("ix_ec_deadline_case_id", "case_id"),
        Index(
            "ix_ec_deadline_open_due",
            "kind",
            "effective_due_date",
            postgresql_where=text("met_at IS NULL AND cancelled_at IS NULL"),
        ),
    )


class EcInformationRequest(UUIDPrimaryKey, Timestamps, Base):
    """ASM-054 (¶2.102): further information is needed before deciding, recorded and told to the
    complainant, with the deadline given, if any."""

    __tablename__ = "ec_information_request"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    information_needed: Mapped[str] = mapped_column(Text)
    told_by: Mapped[str] = mapped_column(Text)  # telephone | letter | email
    told_at: Mapped[datetime]
    deadline_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ec_deadline.id"))
    recorded_by: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_ec_information_request_case_id", "case_id"),)


class EcDecision(UUIDPrimaryKey, Timestamps, Base):
    """The decision that ends early consideration (T20–T23), one per case."""

    __tablename__ = "ec_decision"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    kind: Mapped[EcDecisionKind] = mapped_column(enum_col(EcDecisionKind, "ec_decision_kind"))
    closure_code: Mapped[str | None] = mapped_column(Text)
    discretion: Mapped[str | None] = mapped_column(Text)
    other_reason: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)  # ASM-057
    rationale: Mapped[str | None] = mapped_column(Text)
    standard: Mapped[str | None] = mapped_column(Text)
    no_standard_rationale: Mapped[str | None] = mapped_column(Text)  # ASM-060
    evidence: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    suitability: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # ASM-058
    parties: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    given_by_phone: Mapped[bool | None] = mapped_column(Boolean)  # ASM-055
    written_confirmation_requested: Mapped[bool | None] = mapped_column(Boolean)
    unlocked_by: Mapped[str | None] = mapped_column(Text)  # ASM-053
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # ASM-066/068/070
    pass_on: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # ASM-056, ASM-067
    information_request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ec_information_request.id")
    )
    risk_assessment_id: Mapped[uuid.UUID | None]
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]

    __table_args__ = (Index("uq_ec_decision_case_id", "case_id", unique=True),)


class EcCommunication(CommunicationColumns, UUIDPrimaryKey, Timestamps, Base):
    """A letter of early consideration (the casework kit's ``communications``): the address is
    read from intake's audited contact card when it is sent; here only the person's id."""

    __tablename__ = "ec_communication"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ec_decision.id"))

    __table_args__ = (
        Index("ix_ec_communication_case_id", "case_id"),
        legal_scan_checks("communication"),  # XC-RSK-004
    )

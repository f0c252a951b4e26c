"""The proposal to investigate's tables (¶3.73–3.108): the plan prepared before it is issued,
one letter per recipient (the casework kit's communications), and one C-15 comment deadline per
recipient with its agreed extensions (the kit's deadlines; the original never overwritten)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.cases.models import enum_col
from assessment_api.proposals.rules import RecipientKind
from shared.casework.communications import CommunicationColumns, legal_scan_checks
from shared.casework.deadlines import DeadlineColumns, ExtensionColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey

CASE_FK = "assessment_case.id"


class ProposalPlan(UUIDPrimaryKey, Timestamps, Base):
    """One per case at further consideration: what the proposal will say and to whom, saved
    whole under If-Match. ``organisations`` is derived on every save from the complaint
    handlers and intake's register (with the register's version as its source); the rest is
    the caseworker's."""

    __tablename__ = "proposal_plan"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(Text)
    injustice_claimed: Mapped[str] = mapped_column(Text)
    outcome_sought: Mapped[str] = mapped_column(Text)
    organisations: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    organisation_inputs: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    named_persons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    issues: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    prepared_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}  # noqa: RUF012
    __table_args__ = (Index("uq_proposal_plan_case_id", "case_id", unique=True),)


class ProposalCommunication(CommunicationColumns, UUIDPrimaryKey, Timestamps, Base):
    """A proposal letter to one recipient, or a recipient's reply (the kit's communications;
    a reply is what a party tells us, so it is scanned, XC-RSK-004)."""

    __tablename__ = "proposal_communication"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investigation_proposal.id"))
    recipient_kind: Mapped[RecipientKind] = mapped_column(
        enum_col(RecipientKind, "proposal_recipient_kind")
    )
    recipient_id: Mapped[uuid.UUID]

    __table_args__ = (
        Index("ix_proposal_communication_case_id", "case_id"),
        legal_scan_checks("communication"),  # XC-RSK-004
    )


class ProposalCommentDeadline(DeadlineColumns, UUIDPrimaryKey, Timestamps, Base):
    """C-15 (ASM-161): one recipient's ten working days for comments; ``met_at`` is its reply.
    ``effective_due_date`` is kept by PostgreSQL from the extensions."""

    __tablename__ = "proposal_recipient_deadline"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investigation_proposal.id"))
    recipient_kind: Mapped[RecipientKind] = mapped_column(
        enum_col(RecipientKind, "proposal_recipient_kind")
    )
    recipient_id: Mapped[uuid.UUID]

    __table_args__ = (
        Index("ix_proposal_recipient_deadline_case_id", "case_id"),
        Index(
            "uq_proposal_recipient_deadline_recipient",
            "proposal_id",
            "recipient_kind",
            "recipient_id",
            unique=True,
        ),
        Index(
            "ix_proposal_recipient_deadline_open_due",
            "effective_due_date",
            postgresql_where=text("met_at IS NULL AND cancelled_at IS NULL"),
        ),
    )


class ProposalCommentExtension(ExtensionColumns, UUIDPrimaryKey, Timestamps, Base):
    """ASM-161 (¶3.78): an agreed new date for one recipient's comments, with who and when."""

    __tablename__ = "proposal_recipient_extension"

    deadline_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("proposal_recipient_deadline.id", ondelete="CASCADE")
    )
    agreed_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_proposal_recipient_extension_deadline_id", "deadline_id"),
        CheckConstraint("length(btrim(reason)) > 0", name="reason_given"),
    )

"""Tables of the Decision Form: the current form (one per case, versioned), every saved version
(the history, never changed), and the Assistant Director's agreements under the delegation
scheme (the casework kit's ``approvals``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.casework.approvals import ApprovalColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey


class DecisionForm(UUIDPrimaryKey, Timestamps, Base):
    """A case's Decision Form as it stands (ASM-095). ``version`` counts the saves; each save
    also writes a :class:`DecisionFormVersion`. ``content`` is the validated ``FormContent``."""

    __tablename__ = "decision_form"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    saved_by: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("uq_decision_form_case_id", "case_id", unique=True),)


class DecisionFormVersion(UUIDPrimaryKey, Timestamps, Base):
    """One saved version of a case's form, as it was saved (the history is readable)."""

    __tablename__ = "decision_form_version"

    form_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decision_form.id", ondelete="CASCADE"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    saved_by: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("uq_decision_form_version_form_id_number", "form_id", "number", unique=True),
    )


class DecisionFormApproval(ApprovalColumns, UUIDPrimaryKey, Timestamps, Base):
    """An Assistant Director's agreement to a time-limit decision (ASM-123, ASM-124).
    ``subject_id`` is the form; ``evidence`` holds the time-limit discretion it was asked on, so
    a later change to that decision needs a new agreement."""

    __tablename__ = "decision_form_approval"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    form_version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_decision_form_approval_case_id", "case_id"),)

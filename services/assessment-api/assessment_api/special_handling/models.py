"""Special handling at further consideration: a case connected to its lead case (ASM-168) and a
case prioritised for investigation after a line-manager discussion (ASM-169). Ids only."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, Timestamps, UUIDPrimaryKey

CASE_FK = "assessment_case.id"


class LeadLink(UUIDPrimaryKey, Timestamps, Base):
    """A case connected to the lead case that exemplifies the same error (¶3.97–3.99), kept so
    the linked complainants can be contacted once the lead is finished (¶3.98). One current
    link per case."""

    __tablename__ = "lead_link"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    lead_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    explanation: Mapped[str] = mapped_column(Text)
    linked_by: Mapped[str] = mapped_column(Text)
    linked_at: Mapped[datetime]
    # A link made in error is removed, not deleted: the history stays (audited).
    removed_by: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime | None]
    removal_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index(
            "uq_lead_link_case_id",
            "case_id",
            unique=True,
            postgresql_where=text("removed_at IS NULL"),
        ),
        Index(
            "ix_lead_link_lead_case_id",
            "lead_case_id",
            "linked_at",
            "id",
            postgresql_where=text("removed_at IS NULL"),
        ),
        CheckConstraint("case_id <> lead_case_id", name="not_its_own_lead"),
    )


class InvestigationPriority(UUIDPrimaryKey, Timestamps, Base):
    """A case prioritised for investigation in exceptional circumstances (¶3.100, ASM-169): why,
    and the line-manager discussion that came first (who, when, what was agreed)."""

    __tablename__ = "investigation_priority"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    line_manager_id: Mapped[str] = mapped_column(Text)
    discussed_at: Mapped[datetime]
    agreed: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    __table_args__ = (Index("uq_investigation_priority_case_id", "case_id", unique=True),)

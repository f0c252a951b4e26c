"""The suitability assessment's table: one per case at further consideration, versioned (the
ETag), each save audited before → after. ``content`` is the validated ``SuitabilityContent``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, Timestamps, UUIDPrimaryKey


class SuitabilityAssessment(UUIDPrimaryKey, Timestamps, Base):
    """ASM-109…113: the case's suitability, capacity and representation assessment."""

    __tablename__ = "suitability_assessment"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("uq_suitability_assessment_case_id", "case_id", unique=True),)

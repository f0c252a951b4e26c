"""The approvals of decisions at further consideration under the Delegation Scheme (the
casework kit's ``approvals``; ASM-172, XC-ROL-002)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from shared.casework.approvals import ApprovalColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey


class DecisionApproval(ApprovalColumns, UUIDPrimaryKey, Timestamps, Base):
    """An approval of a decline or a proposal (``kind``), bound to the decision asked for
    (``evidence``: the closure code, discretion and other reason, or a proposal). ``used_at`` is
    set when the decision it covers is made: an approval covers one decision, once."""

    __tablename__ = "decision_approval"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    used_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_decision_approval_case_id", "case_id", "requested_at"),)

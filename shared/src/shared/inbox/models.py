from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Identity, Index, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base


class InboxEvent(Base):
    """One row per (event, handler) whose effect committed; ``position`` is processing order."""

    __tablename__ = "inbox_event"

    position: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    event_id: Mapped[uuid.UUID]
    handler: Mapped[str] = mapped_column(Text)
    event_type: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    case_id: Mapped[uuid.UUID]
    sequence: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        UniqueConstraint("event_id", "handler", name="uq_inbox_event_event_id_handler"),
        Index("ix_inbox_event_case", "source", "case_id", "sequence"),
    )

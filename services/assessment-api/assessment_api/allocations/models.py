from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index, Integer, Text, Uuid, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, Timestamps, UUIDPrimaryKey


class QueueEntry(UUIDPrimaryKey, Timestamps, Base):
    """A case referred by intake, waiting in the central allocation queue (ASM-085, ¶2.182).

    One row per referral event. There is deliberately no unique constraint on
    ``source_event_id``: exactly-once is the inbox's job, and the crash tests prove it.
    """

    __tablename__ = "allocation_queue_entry"

    case_id: Mapped[uuid.UUID]
    source_event_id: Mapped[uuid.UUID]
    reference: Mapped[str] = mapped_column(Text)
    case_type: Mapped[str] = mapped_column(Text)
    jurisdiction: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(Text)
    triage_category: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(Text)
    priority_rank: Mapped[int] = mapped_column(Integer)
    organisation_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    received_date: Mapped[date]
    referred_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(Text, server_default="queued")

    __table_args__ = (
        Index(
            "ix_allocation_queue_entry_queue_order",
            "priority_rank",
            "received_date",
            "id",
            postgresql_where=text("status = 'queued'"),
        ),
        Index("ix_allocation_queue_entry_case_id", "case_id"),
    )

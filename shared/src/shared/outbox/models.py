"""Outbox tables (created by ``shared.migrations.create_outbox_tables_v1``).

- ``outbox_event``: one row per emitted event, written in the producer's transaction.
- ``outbox_case_stream``: the last sequence per case. Emitting upserts it, and the row lock that
  takes serialises writers per case, so a case's sequence numbers follow commit order.
- ``outbox_subscription``: which subscriber gets which event type (synced from settings).
- ``outbox_delivery``: per-subscriber delivery state, fanned out by a trigger on insert. A row
  exists while the event is pending or parked for that subscriber and is deleted once delivered.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base


class OutboxEvent(Base):
    __tablename__ = "outbox_event"

    position: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True)
    type: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(Text)
    case_id: Mapped[uuid.UUID]
    sequence: Mapped[int] = mapped_column(BigInteger)
    correlation_id: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        UniqueConstraint("case_id", "sequence", name="uq_outbox_event_case_sequence"),
    )


class OutboxCaseStream(Base):
    __tablename__ = "outbox_case_stream"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger)


class OutboxSubscription(Base):
    __tablename__ = "outbox_subscription"

    subscriber: Mapped[str] = mapped_column(Text, primary_key=True)
    event_type: Mapped[str] = mapped_column(Text, primary_key=True)


class OutboxDelivery(Base):
    __tablename__ = "outbox_delivery"

    subscriber: Mapped[str] = mapped_column(Text, primary_key=True)
    event_position: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("outbox_event.position"), primary_key=True
    )
    case_id: Mapped[uuid.UUID]
    sequence: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(Text, server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    parked_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'parked')", name="status"),
        Index(
            "ix_outbox_delivery_pending",
            "subscriber",
            "event_position",
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_outbox_delivery_case", "subscriber", "case_id", "sequence"),
        Index(
            "ix_outbox_delivery_pending_age",
            "created_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )

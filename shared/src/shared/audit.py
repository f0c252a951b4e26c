"""The append-only audit trail (DESIGN §3, XC-AUD).

Every change records who, when, what (before → after) and why, in the same transaction as the
change. PostgreSQL itself refuses UPDATE, DELETE and TRUNCATE on the table (see
``shared.migrations.create_audit_table``), so not even a bug in our code can rewrite history.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BigInteger, Identity, Index, Table, Text, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.auth import Principal
from shared.db import Base
from shared.logging import get_request_id


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)
    actor_roles: Mapped[list[str]] = mapped_column(ARRAY(Text))
    entity_type: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[uuid.UUID]
    case_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_audit_entry_entity", "entity_type", "entity_id", "id"),
        Index("ix_audit_entry_case_id", "case_id", "id"),
    )


# One prepared INSERT, built once: every act in the system writes an audit row. On the table,
# not the mapped class, so that it skips the ORM's bulk-insert path.
_TABLE = cast(Table, AuditEntry.__table__)
_INSERT_ENTRY = insert(_TABLE).returning(_TABLE.c.id)


async def record_audit(
    session: AsyncSession,
    *,
    actor: Principal,
    entity_type: str,
    entity_id: uuid.UUID,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    case_id: uuid.UUID | None = None,
) -> int:
    """Write an audit row in the caller's transaction; it commits or rolls back with the change.

    Written at once (not left to the next flush), so the trail is in the order things happened.
    Returns the row's id.
    """
    result = await session.execute(
        _INSERT_ENTRY,
        {
            "actor": actor.sub,
            "actor_roles": sorted(actor.roles),
            "entity_type": entity_type,
            "entity_id": entity_id,
            "case_id": case_id,
            "action": action,
            "before": before,
            "after": after,
            "reason": reason,
            "request_id": get_request_id(),
        },
    )
    return int(result.scalar_one())


async def list_audit(
    session: AsyncSession, *, entity_type: str, entity_id: uuid.UUID
) -> Sequence[AuditEntry]:
    """An entity's audit rows, oldest first."""
    rows = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id)
    )
    return rows.all()

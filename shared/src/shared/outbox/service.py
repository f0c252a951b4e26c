"""Operator actions on the outbox: list parked events, replay them, report the backlog age."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import record_audit
from shared.auth import Principal
from shared.migrations import OUTBOX_CHANNEL
from shared.outbox.models import OutboxDelivery, OutboxEvent
from shared.outbox.relay import relay_lock_key


async def list_parked(
    session: AsyncSession, *, subscriber: str | None, limit: int, after: tuple[int, str] | None
) -> list[tuple[OutboxDelivery, OutboxEvent]]:
    """Parked deliveries with their events, oldest first (keyset on position, subscriber)."""
    stmt = (
        select(OutboxDelivery, OutboxEvent)
        .join(OutboxEvent, OutboxEvent.position == OutboxDelivery.event_position)
        .where(OutboxDelivery.status == "parked")
        .order_by(OutboxDelivery.event_position, OutboxDelivery.subscriber)
        .limit(limit)
    )
    if subscriber:
        stmt = stmt.where(OutboxDelivery.subscriber == subscriber)
    if after is not None:
        stmt = stmt.where(tuple_(OutboxDelivery.event_position, OutboxDelivery.subscriber) > after)
    return [(d, e) for d, e in (await session.execute(stmt)).all()]


async def replay_parked(
    session: AsyncSession,
    *,
    actor: Principal,
    event_id: uuid.UUID | None,
    subscriber: str | None,
    reason: str,
) -> int:
    """Put parked deliveries back to pending with a fresh attempt count; returns how many."""
    stmt = (
        update(OutboxDelivery)
        .where(OutboxDelivery.status == "parked")
        .values(status="pending", attempts=0, next_attempt_at=func.now(), parked_at=None)
        .returning(OutboxDelivery.event_position, OutboxDelivery.subscriber)
    )
    if subscriber:
        stmt = stmt.where(OutboxDelivery.subscriber == subscriber)
    if event_id is not None:
        stmt = stmt.where(
            OutboxDelivery.event_position
            == select(OutboxEvent.position).where(OutboxEvent.id == event_id).scalar_subquery()
        )
    rows = (await session.execute(stmt)).all()
    if rows:
        positions = [r[0] for r in rows]
        events = (
            await session.execute(
                select(OutboxEvent.position, OutboxEvent.id, OutboxEvent.case_id).where(
                    OutboxEvent.position.in_(positions)
                )
            )
        ).all()
        subscribers_by_pos: dict[int, list[str]] = {}
        for pos, sub in rows:
            subscribers_by_pos.setdefault(pos, []).append(sub)
        for pos, ev_id, case_id in events:
            await record_audit(
                session,
                actor=actor,
                entity_type="outbox_event",
                entity_id=ev_id,
                case_id=case_id,
                action="outbox.replayed",
                after={"subscribers": sorted(subscribers_by_pos[pos])},
                reason=reason,
            )
        await session.execute(text(f"SELECT pg_notify('{OUTBOX_CHANNEL}', '')"))
    return len(rows)


async def oldest_pending_age_s(session: AsyncSession) -> float:
    """Seconds since the oldest pending delivery was created (0 when nothing is pending)."""
    value: Any = await session.scalar(
        text(
            "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) "
            "FROM outbox_delivery WHERE status = 'pending'"
        )
    )
    return float(value or 0)


# pg_advisory_lock(bigint) shows in pg_locks as classid = the key's high 32 bits, objid = its
# low 32 bits and objsubid = 1, in the database where it was taken.
_LEADERSHIP = text(
    """
    SELECT EXISTS (
             SELECT 1 FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 1
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND classid = CAST(CAST(:hi AS bigint) AS oid)
               AND objid = CAST(CAST(:lo AS bigint) AS oid)
           ) AS led,
           coalesce(extract(epoch FROM now() - min(created_at)), 0) AS age
    FROM outbox_delivery WHERE status = 'pending'
    """
)


async def relay_leadership(session: AsyncSession, service: str) -> tuple[bool, float]:
    """Whether some relay of ``service`` holds its leadership lock, and the oldest pending age."""
    key = relay_lock_key(service)
    row = (
        await session.execute(_LEADERSHIP, {"hi": (key >> 32) & 0xFFFFFFFF, "lo": key & 0xFFFFFFFF})
    ).one()
    return bool(row.led), float(row.age or 0)


def parked_view(d: OutboxDelivery, e: OutboxEvent) -> dict[str, Any]:
    """The JSON an operator sees for one parked delivery."""
    parked_at: datetime | None = d.parked_at
    return {
        "event_id": str(e.id),
        "position": e.position,
        "subscriber": d.subscriber,
        "type": e.type,
        "version": e.version,
        "case_id": str(e.case_id),
        "sequence": e.sequence,
        "attempts": d.attempts,
        "last_error": d.last_error,
        "occurred_at": e.occurred_at.isoformat(),
        "parked_at": parked_at.isoformat() if parked_at else None,
    }

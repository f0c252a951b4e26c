"""``Idempotency-Key`` for creating POSTs (DESIGN §3).

Semantics, per principal and key:
- the first request runs and its response is stored in the same transaction as its effect;
- a replay with the same request returns the stored status and body (``Idempotent-Replayed``);
- the same key with a different request gets 422;
- the same key while the first request is still in flight gets 409;
- keys are kept for ``idempotency_retention_hours`` (24 h by default, the least DESIGN §3
  allows), and no longer: the stored response is a copy of what the route answered, which for
  a case or a person holds personal data. Past that a key no longer replays, and
  :func:`purge_periodically`, which every service runs in the background (supervised), deletes
  it within ``idempotency_purge_interval_s``. The copy is not encrypted: the same data sits in
  plain text in the resource's own tables of the same database, so encryption would protect
  nothing a database reader could not read there; what the copy adds is a second place that
  outlives the first, which the short retention and the purge bound.

"In flight" is detected with a transaction-scoped advisory lock on the key, taken with
``pg_try_advisory_xact_lock`` so a concurrent duplicate never waits: it fails fast with 409. The
lock is released when the first request commits or rolls back, so a client that retries after a
409 gets the replay, or a clean re-run if the first attempt failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Annotated, Any, cast

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import (
    DateTime,
    Integer,
    Table,
    Text,
    bindparam,
    delete,
    func,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.clock import Clock, ClockDep
from shared.db import Base, Database, DbSession
from shared.errors import Conflict, UnprocessableContent
from shared.http_api.deps import CurrentPrincipal

logger = logging.getLogger("casework.idempotency")

REPLAY_HEADER = "Idempotent-Replayed"
_STORED_HEADERS = ("location", "etag", "cache-control")


class IdempotencyKeyInFlight(Conflict):
    type = "idempotency-key-in-flight"
    title = "A request with this Idempotency-Key is still being processed"


class IdempotencyKeyReused(UnprocessableContent):
    type = "idempotency-key-reused"
    title = "This Idempotency-Key was used with a different request"


class IdempotentReplay(Exception):
    """Raised by the dependency when the key was already used for this request.

    The app's handler answers with ``response``; the route never runs, so a create route is its
    business call and ``idem.save(...)`` and nothing else. The request's transaction rolls back,
    which is right: a replay changes nothing.
    """

    def __init__(self, response: Response) -> None:
        super().__init__("idempotent replay")
        self.response = response


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_key"

    principal: Mapped[str] = mapped_column(Text, primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    method: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    request_hash: Mapped[str] = mapped_column(Text)
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[Any] = mapped_column(JSONB, nullable=True)
    response_headers: Mapped[dict[str, str]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Indexed for ``purge_expired_keys``; matches ix_idempotency_key_expires_at in the migration.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def _lock_id(principal: str, key: str) -> int:
    digest = hashlib.blake2b(f"{principal}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """Hash of the request; JSON bodies are canonicalised so key order and spacing don't matter."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    h = hashlib.sha256()
    for part in (method.encode(), b"\x00", path.encode(), b"\x00", canonical):
        h.update(part)
    return h.hexdigest()


_CLAIM = text("SELECT pg_try_advisory_xact_lock(:id)")
# Core statements on the table (not the mapped class): no ORM compile or bulk-insert path.
_TABLE = cast(Table, IdempotencyRecord.__table__)
_STORED = select(
    _TABLE.c.request_hash,
    _TABLE.c.response_status,
    _TABLE.c.response_body,
    _TABLE.c.response_headers,
    _TABLE.c.expires_at,
).where(
    _TABLE.c.principal == bindparam("principal"),
    _TABLE.c.key == bindparam("key"),
)
_SAVED_COLUMNS = (
    "method", "path", "request_hash", "response_status", "response_body", "response_headers",
    "expires_at",
)  # fmt: skip
_INSERT = insert(_TABLE)
# Built once; an expired record under the same key is replaced.
_SAVE = _INSERT.on_conflict_do_update(
    index_elements=["principal", "key"],
    set_={c: _INSERT.excluded[c] for c in _SAVED_COLUMNS} | {"created_at": func.now()},
)


class Idempotency:
    """The idempotency state of one creating request.

    A route passes its response through ``await idem.save(response)`` so the stored copy commits
    with the effect. A replay never reaches the route: ``begin`` raises ``IdempotentReplay``.
    """

    def __init__(
        self,
        session: AsyncSession,
        *,
        principal: str,
        key: str | None,
        method: str,
        path: str,
        request_hash: str,
        expires_at: datetime,
    ) -> None:
        self.session = session
        self.principal = principal
        self.key = key
        self.method = method
        self.path = path
        self.request_hash = request_hash
        self.expires_at = expires_at

    async def begin(self, now: datetime) -> None:
        """Claim the key, or raise ``IdempotentReplay`` with the stored response, or 409/422."""
        if self.key is None:
            return
        locked = await self.session.scalar(_CLAIM, {"id": _lock_id(self.principal, self.key)})
        if not locked:
            raise IdempotencyKeyInFlight("Retry after the first request has completed")
        # A second statement, so that it reads after the lock is ours (READ COMMITTED): a first
        # request that committed while we waited for the lock is seen here and replayed.
        record = (
            await self.session.execute(_STORED, {"principal": self.principal, "key": self.key})
        ).first()
        if record is None or record.expires_at <= now:
            return
        if record.request_hash != self.request_hash:
            raise IdempotencyKeyReused("Use a new Idempotency-Key for a different request")
        headers = {**record.response_headers, REPLAY_HEADER: "true"}
        raise IdempotentReplay(
            JSONResponse(record.response_body, status_code=record.response_status, headers=headers)
        )

    async def save(self, response: Response) -> Response:
        """Store ``response`` under the key in the current transaction and return it."""
        if self.key is None:
            return response
        body = json.loads(bytes(response.body)) if response.body else None
        headers = {k: v for k, v in response.headers.items() if k.lower() in _STORED_HEADERS}
        values = {
            "principal": self.principal,
            "key": self.key,
            "method": self.method,
            "path": self.path,
            "request_hash": self.request_hash,
            "response_status": response.status_code,
            "response_body": body,
            "response_headers": headers,
            "expires_at": self.expires_at,
        }
        await self.session.execute(_SAVE, values)
        return response


async def get_idempotency(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    clock: ClockDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            # The number is the service's setting: see ``shared.http_api.app.build_openapi``.
            description="Makes this POST safe to retry: a replay with the same key and body "
            "returns the stored response.",
        ),
    ] = None,
) -> Idempotency:
    """Dependency for creating POSTs; see the module docstring for the semantics."""
    body = await request.body()
    now = clock.now()
    retention = timedelta(hours=request.app.state.settings.idempotency_retention_hours)
    idem = Idempotency(
        session,
        principal=principal.sub,
        key=idempotency_key,
        method=request.method,
        path=request.url.path,
        request_hash=request_fingerprint(request.method, request.url.path, body),
        expires_at=now + retention,
    )
    await idem.begin(now)
    return idem


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]


async def purge_expired_keys(
    session: AsyncSession, *, now: datetime, limit: int | None = None
) -> int:
    """Delete expired keys (at most ``limit`` of them); returns how many went.

    With a limit, rows another transaction holds (a request replacing its expired key) are
    skipped, not waited for: the next round takes them.
    """
    stmt = delete(IdempotencyRecord)
    if limit is None:
        stmt = stmt.where(IdempotencyRecord.expires_at <= now)
    else:
        batch = (
            select(_TABLE.c.principal, _TABLE.c.key)
            .where(_TABLE.c.expires_at <= now)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = stmt.where(tuple_(IdempotencyRecord.principal, IdempotencyRecord.key).in_(batch))
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


PURGE_BATCH = 1000


async def purge_periodically(
    db: Database, clock: Clock, *, interval_s: float, stop: asyncio.Event
) -> None:
    """Purge expired keys now and then every ``interval_s`` until ``stop``, a batch per commit.

    Run it supervised (``shared.supervise``): a database error ends it, and the supervisor
    starts it again after a backoff.
    """
    while not stop.is_set():
        purged = 0
        while True:
            async with db.sessionmaker() as session, session.begin():
                n = await purge_expired_keys(session, now=clock.now(), limit=PURGE_BATCH)
            purged += n
            if n < PURGE_BATCH or stop.is_set():
                break
        if purged:
            logger.info("expired idempotency keys purged", extra={"keys": purged})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_s)


__all__ = [
    "IdempotencyDep",
    "IdempotencyKeyInFlight",
    "IdempotencyKeyReused",
    "IdempotencyRecord",
    "IdempotentReplay",
    "purge_expired_keys",
    "purge_periodically",
    "request_fingerprint",
]

"""The one way to make a guarded, audited change (architecture.md, "The resource kit").

Every change to a stored resource follows the same five steps: load it for update or 404, check
``If-Match``, snapshot it, change it, audit before → after. ``load_for_update`` does the first two
and ``Audited.change`` the rest::

    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    async with CASE_AUDIT.change(session, case, actor=actor, action="case.updated", reason=why):
        case.summary = data.summary

The row lock (``SELECT … FOR UPDATE``) serialises writers of one resource until commit, so two
concurrent transitions give one success and one 409. The audit row is
written in the caller's transaction and commits or rolls back with the change (XC-AUD).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from shared.audit import record_audit
from shared.auth import Principal
from shared.concurrency import check_if_match, make_etag
from shared.errors import NotFound


class Versioned(Protocol):
    id: Any
    version: int


M = TypeVar("M", bound=Versioned)
A = TypeVar("A")


async def load_for_update(
    session: AsyncSession,
    model: type[M],
    ident: uuid.UUID,
    *,
    if_match: str | None,
    missing: type[NotFound],
    required: bool = False,
    what: str | None = None,
) -> M:
    """``model`` ``ident`` with a row lock held until commit, after its ``If-Match`` check.

    ``missing`` is the 404 to raise; ``required`` makes ``If-Match`` mandatory (PATCH, DELETE).
    """
    if identity_key(model, ident) in session.identity_map:
        # A copy read earlier in this request (a load-or-404 dependency, say) may be older than
        # the row: SQLAlchemy's version check on a locking load would raise StaleDataError (a
        # 500). Lock the row without loading it, then refresh the copy from it.
        pk = sa_inspect(model).primary_key[0]
        await session.execute(select(pk).where(pk == ident).with_for_update())
        obj = await session.get(model, ident, populate_existing=True)
    else:
        obj = await session.get(model, ident, with_for_update=True, populate_existing=True)
    if obj is None:
        raise missing(f"No {what or model.__name__.lower()} with id {ident}")
    check_if_match(if_match, make_etag(obj.version), required=required)
    return obj


@dataclass(frozen=True)
class Audited(Generic[A]):
    """How one kind of resource is audited: its entity type, snapshot and case."""

    entity_type: str
    snapshot: Callable[[A], dict[str, Any]]
    case_id: Callable[[A], uuid.UUID | None] = lambda _: None
    entity_id: Callable[[A], uuid.UUID] = lambda obj: obj.id  # type: ignore[attr-defined]

    @asynccontextmanager
    async def change(
        self,
        session: AsyncSession,
        obj: A,
        *,
        actor: Principal,
        action: str,
        reason: str | None = None,
    ) -> AsyncIterator[A]:
        """Snapshot ``obj``, let the block change it, flush, and audit before → after."""
        before = self.snapshot(obj)
        yield obj
        await self._flushed(session, obj, actor=actor, action=action, before=before, reason=reason)

    async def created(
        self,
        session: AsyncSession,
        obj: A,
        *,
        actor: Principal,
        action: str,
        reason: str | None = None,
    ) -> None:
        """Audit a new ``obj`` (flushed first, so server defaults are in the snapshot)."""
        await self._flushed(session, obj, actor=actor, action=action, before=None, reason=reason)

    async def _flushed(
        self,
        session: AsyncSession,
        obj: A,
        *,
        actor: Principal,
        action: str,
        before: dict[str, Any] | None,
        reason: str | None,
    ) -> None:
        # Flushed and refreshed first: the snapshot holds the new version and server defaults.
        await session.flush()
        await session.refresh(obj)
        await self.record(session, obj, actor=actor, action=action, before=before, reason=reason)

    async def record(
        self,
        session: AsyncSession,
        obj: A,
        *,
        actor: Principal,
        action: str,
        before: dict[str, Any] | None,
        reason: str | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Write the audit row for ``obj`` as it is now (or ``after``), without flushing."""
        await record_audit(
            session,
            actor=actor,
            entity_type=self.entity_type,
            entity_id=self.entity_id(obj),
            case_id=self.case_id(obj),
            action=action,
            before=before,
            after=after if after is not None else self.snapshot(obj),
            reason=reason,
        )

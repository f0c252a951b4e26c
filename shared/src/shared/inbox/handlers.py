"""Event handlers of a consuming service and the batch consumer (DESIGN §2 points 2 and 6).

A batch is first checked against its caller (:func:`check_producer`): every event's ``source``
must be the producer the caller's token authenticates, and its type one that producer publishes
(``shared.events.registry.PRODUCERS``); otherwise the whole batch is refused (403) before
anything is stored. Each handler's effect and its ``(event_id, handler)`` inbox row are written
in one SAVEPOINT of the request's transaction, so a redelivered event changes nothing and a
failing handler leaves no half-applied effect. A handler audits what it creates or changes as
the producing service, naming the event (:func:`audit_effect`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import AuditEntry
from shared.auth import Principal, Role
from shared.errors import Forbidden, UnprocessableContent, UpstreamUnavailable
from shared.events.envelope import EventEnvelope, EventPayload
from shared.events.registry import PRODUCERS, contract_for, producer_of
from shared.inbox.models import InboxEvent
from shared.logging import get_request_id

logger = logging.getLogger("casework.inbox")

Handler = Callable[[AsyncSession, EventEnvelope, Any], Awaitable[None]]
ResultStatus = Literal["processed", "duplicate", "failed", "skipped"]


class InvalidEvents(UnprocessableContent):
    type = "invalid-events"
    title = "Some events have an unknown type or version, or break their contract"


class ForbiddenEvents(Forbidden):
    type = "forbidden-events"
    title = "Some events are not the caller's to send"


def producer_for(sub: str, subjects: Mapping[str, str], *, default_to_name: bool) -> str | None:
    """The catalogued producer whose relay authenticates as ``sub``, or None.

    ``subjects`` maps a producer to the token ``sub`` its relay is issued (in production, the
    identity provider's id of the producer's client). With ``default_to_name`` (development and
    testing, where each relay's dev token carries its service name) an unmapped producer's
    subject is its own name.
    """
    for producer in PRODUCERS:
        expected = subjects.get(producer, producer if default_to_name else None)
        if expected is not None and expected == sub:
            return producer
    return None


def check_producer(events: list[EventEnvelope], producer: str | None) -> None:
    """Refuse the whole batch (403 ``forbidden-events``) unless the caller may send every event.

    An event is the caller's to send when its ``source`` is the caller's producer name and its
    type is one that producer publishes. A type the catalogue does not know at all is left to
    :func:`validate_batch`, which refuses it by id (422).
    """
    forbidden = [
        str(env.id)
        for env in events
        if env.source != producer or producer_of(env.type) not in (None, producer)
    ]
    if not forbidden:
        return
    who = producer or "the caller, which is not an event producer,"
    raise ForbiddenEvents(
        f"{len(forbidden)} event(s) are not {who}'s to send: an event's source must be its "
        "sender and its type one the sender publishes; nothing in this batch was applied",
        extensions={"forbidden_event_ids": forbidden},
    )


def event_actor(envelope: EventEnvelope) -> Principal:
    """Who acted when an event's handler changes a record: the producing service.

    Safe to trust only after :func:`check_producer` bound ``source`` to the caller's token.
    """
    return Principal(sub=envelope.source, roles=frozenset({Role.service.value}))


def event_reason(envelope: EventEnvelope) -> str:
    """The audit reason of an event's effect, naming it: ``intake.case.referred event <id>``."""
    return f"{envelope.type} event {envelope.id}"


def audit_effect(
    session: AsyncSession,
    envelope: EventEnvelope,
    *,
    entity_type: str,
    entity_id: uuid.UUID,
    action: str,
    after: dict[str, Any] | None,
    before: dict[str, Any] | None = None,
) -> None:
    """Audit a record an event's handler created or changed: as the producing service
    (:func:`event_actor`), naming the event (:func:`event_reason`), in the effect's transaction.

    Added to the session rather than executed: the inbox's flush writes a batch's audit rows in
    one multi-row INSERT, in order, with the effects, so auditing costs no round trip per event.
    """
    actor = event_actor(envelope)
    session.add(
        AuditEntry(
            actor=actor.sub,
            actor_roles=sorted(actor.roles),
            entity_type=entity_type,
            entity_id=entity_id,
            case_id=envelope.case_id,
            action=action,
            before=before,
            after=after,
            reason=event_reason(envelope),
            request_id=get_request_id(),
        )
    )


@dataclass(frozen=True)
class Result:
    id: uuid.UUID
    status: ResultStatus
    detail: str | None = None


class EventHandlers:
    """The handlers a service registers, per ``(type, version)``."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, int], list[tuple[str, Handler]]] = {}

    def on(
        self, payload_cls: type[EventPayload], *, name: str | None = None
    ) -> Callable[[Handler], Handler]:
        """Decorator registering ``async def handler(session, envelope, payload)``."""

        def register(fn: Handler) -> Handler:
            key = (payload_cls.TYPE, payload_cls.VERSION)
            handler_name = name or f"{fn.__module__}.{fn.__qualname__}"
            self._handlers.setdefault(key, []).append((handler_name, fn))
            return fn

        return register

    def for_event(self, event_type: str, version: int) -> list[tuple[str, Handler]]:
        return self._handlers.get((event_type, version), [])

    @property
    def event_types(self) -> set[str]:
        return {t for t, _ in self._handlers}

    @property
    def handled(self) -> list[tuple[str, int]]:
        """Every ``(type, version)`` with a handler, sorted."""
        return sorted(self._handlers)


def validate_batch(
    events: list[EventEnvelope], handlers: EventHandlers
) -> list[tuple[EventEnvelope, EventPayload]]:
    """Check each event's ``(type, version)`` is known and handled, and its payload valid.

    Raises 422 ``invalid-events`` naming every bad event id, so the relay can retry the rest.
    """
    parsed: list[tuple[EventEnvelope, EventPayload]] = []
    invalid: list[str] = []
    for env in events:
        cls = contract_for(env.type, env.version)
        if cls is None or not handlers.for_event(env.type, env.version):
            invalid.append(str(env.id))
            continue
        try:
            parsed.append((env, cls.model_validate(env.payload)))
        except ValidationError:
            invalid.append(str(env.id))
    if invalid:
        raise InvalidEvents(
            f"{len(invalid)} event(s) rejected", extensions={"invalid_event_ids": invalid}
        )
    return parsed


async def consume(
    session: AsyncSession,
    events: list[tuple[EventEnvelope, EventPayload]],
    handlers: EventHandlers,
) -> list[Result]:
    """Apply each event's handlers once, in order; a failure stops that case for this batch.

    The whole batch is first tried in one SAVEPOINT with one multi-row inbox insert: that is the
    path a healthy system takes. If any handler fails, that savepoint is rolled back and the
    batch is replayed event by event, each handler in its own SAVEPOINT, so that the failure is
    isolated to its case.
    """
    try:
        async with session.begin_nested():
            results = await _consume_together(session, events, handlers)
            await session.flush()
        return results
    except Exception:
        logger.info("batch fast path failed; applying events one by one")
    return await _consume_one_by_one(session, events, handlers)


def _inbox_row(env: EventEnvelope, handler: str) -> dict[str, Any]:
    return {
        "event_id": env.id,
        "handler": handler,
        "event_type": env.type,
        "source": env.source,
        "case_id": env.case_id,
        "sequence": env.sequence,
    }


# The batch's inbox rows in one statement whose text never changes: SQLAlchemy compiles it once
# and asyncpg prepares it once, where a multi-row VALUES insert was compiled afresh for every
# batch (the largest single cost of the consumer under load). Rows go in in array order, so
# ``position`` stays the processing order.
_INSERT_INBOX_ROWS = text(
    """
    INSERT INTO inbox_event (event_id, handler, event_type, source, case_id, sequence)
    SELECT u.event_id, u.handler, u.event_type, u.source, u.case_id, u.sequence
    FROM unnest(CAST(:event_ids AS uuid[]), CAST(:handlers AS text[]),
                CAST(:event_types AS text[]), CAST(:sources AS text[]),
                CAST(:case_ids AS uuid[]), CAST(:sequences AS bigint[]))
         WITH ORDINALITY AS u(event_id, handler, event_type, source, case_id, sequence, n)
    ORDER BY u.n
    ON CONFLICT ON CONSTRAINT uq_inbox_event_event_id_handler DO NOTHING
    RETURNING event_id, handler
    """
)


async def _consume_together(
    session: AsyncSession,
    events: list[tuple[EventEnvelope, EventPayload]],
    handlers: EventHandlers,
) -> list[Result]:
    rows = [
        (env, name) for env, _ in events for name, _ in handlers.for_event(env.type, env.version)
    ]
    params = {
        "event_ids": [env.id for env, _ in rows],
        "handlers": [name for _, name in rows],
        "event_types": [env.type for env, _ in rows],
        "sources": [env.source for env, _ in rows],
        "case_ids": [env.case_id for env, _ in rows],
        "sequences": [env.sequence for env, _ in rows],
    }
    new = {(r[0], r[1]) for r in (await session.execute(_INSERT_INBOX_ROWS, params)).all()}
    results: list[Result] = []
    for env, payload in events:
        applied = 0
        for name, fn in handlers.for_event(env.type, env.version):
            if (env.id, name) in new:
                await fn(session, env, payload)
                applied += 1
        results.append(Result(env.id, "processed" if applied else "duplicate"))
    return results


async def _consume_one_by_one(
    session: AsyncSession,
    events: list[tuple[EventEnvelope, EventPayload]],
    handlers: EventHandlers,
) -> list[Result]:
    results: list[Result] = []
    stopped_cases: set[uuid.UUID] = set()
    for env, payload in events:
        if env.case_id in stopped_cases:
            results.append(Result(env.id, "skipped", "an earlier event of this case failed"))
            continue
        applied = 0
        try:
            for name, fn in handlers.for_event(env.type, env.version):
                async with session.begin_nested():
                    stmt = (
                        insert(InboxEvent)
                        .values(_inbox_row(env, name))
                        .on_conflict_do_nothing(constraint="uq_inbox_event_event_id_handler")
                        .returning(InboxEvent.position)
                    )
                    if (await session.execute(stmt)).scalar_one_or_none() is None:
                        continue
                    await fn(session, env, payload)
                    await session.flush()
                    applied += 1
        except Exception as exc:
            if not await _database_answers(session):
                # Not this event's fault: the database is failing. 503, so that the relay
                # counts no attempt (a failed result would count one per event, then park).
                logger.warning(
                    "event not applied: the database is failing",
                    extra={"event_id": str(env.id), "event_type": env.type,
                           "error": type(exc).__name__, "detail": str(exc)[:300]},
                )  # fmt: skip
                raise UpstreamUnavailable(
                    "The database is unavailable; no event was applied",
                    headers={"Retry-After": "1"},
                ) from exc
            logger.exception(
                "event handler failed", extra={"event_id": str(env.id), "event_type": env.type}
            )
            stopped_cases.add(env.case_id)
            results.append(Result(env.id, "failed", type(exc).__name__))
            continue
        results.append(Result(env.id, "processed" if applied else "duplicate"))
    return results


async def _database_answers(session: AsyncSession) -> bool:
    """True if the request's transaction can still run ``SELECT 1``."""
    try:
        await session.execute(text("SELECT 1"))
    except Exception:
        return False
    return True

"""The raw baseline of ``make bench``: intake-api's reads and writes with nothing around them.

A plain ASGI callable on an asyncpg pool, served by uvicorn with the same options as intake-api
(``uvicorn --factory casework_dev.bench_baseline:create_app``). No framework, no validation
library, no auth, no middleware: what is left is the floor a FastAPI service is compared with
(DESIGN §7: "≥ 50% of the throughput of a raw asyncpg endpoint").

- ``GET /case/{id}``: the case row as JSON, ``ETag`` from its ``version``.
- ``POST /case``: in one transaction, what intake-api's create writes: the idempotency claim
  (advisory lock, look-up, stored response), a reference from ``case_reference_seq``, the case,
  its two intake clocks (``deadline``), the ``audit_entry`` and the ``intake.case.created``
  event (``outbox_case_stream`` upsert and ``outbox_event``; the fan-out trigger runs as for
  intake-api). The harness counts the rows both sides write per request and says so if they
  differ.
- ``GET /query/{name}``: one of the list or work-queue statements the harness compiled from
  intake-api's own SQLAlchemy queries, with the same bound values (``BENCH_BASELINE_QUERIES``).

Environment: ``BENCH_BASELINE_DSN`` (libpq URL), ``BENCH_BASELINE_POOL`` (connections, like
intake-api's pool plus overflow), ``BENCH_BASELINE_QUERIES`` (a JSON file, optional).
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

ACTOR = "bench-baseline"
ACTOR_ROLES = ["intake_caseworker"]
RETENTION = timedelta(hours=48)
SOURCE = "intake-api"

_CLAIM = "SELECT pg_try_advisory_xact_lock($1)"
_STORED = (
    "SELECT response_status, response_body, response_headers FROM idempotency_key "
    "WHERE principal = $1 AND key = $2 AND expires_at > now()"
)
_INSERT_CASE = """
INSERT INTO "case" (id, reference, status, status_changed_at, case_type, channel, jurisdiction,
                    received_date, copied_in_only, type_reason, complaint_summary, owner,
                    created_by, version, checklist, joint_working_topics, remit_categories,
                    organisation_ids, next_due_date, next_due_kind)
VALUES ($1, $2, 'received', $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, 1, '{}'::jsonb,
        '{}', '{}', '{}', $12, $13)
RETURNING *
"""
_INSERT_CLOCKS = """
INSERT INTO deadline (id, case_id, kind, rule, starts_on, due_date)
VALUES ($1, $3, 'intake_contact', 'C-01 INT-008: pass on within 2 weeks of receipt', $4, $5),
       ($2, $3, 'acknowledgement', 'C-03 ¶1.27: acknowledge within 10 working days', $4, $6)
"""
_INSERT_AUDIT = """
INSERT INTO audit_entry (actor, actor_roles, entity_type, entity_id, case_id, action, before,
                         after, reason, request_id)
VALUES ($1, $2, 'case', $3, $3, 'case.created', NULL, $4::jsonb, 'Request received', $5)
"""
_NEXT_SEQUENCE = """
INSERT INTO outbox_case_stream (case_id, last_sequence) VALUES ($1, 1)
ON CONFLICT (case_id) DO UPDATE SET last_sequence = outbox_case_stream.last_sequence + 1
RETURNING last_sequence
"""
_INSERT_EVENT = """
INSERT INTO outbox_event (id, type, version, occurred_at, source, case_id, sequence,
                          correlation_id, actor, payload)
VALUES ($1, 'intake.case.created', 1, $2, $3, $4, $5, $6, $7, $8::jsonb)
"""
_STORE = """
INSERT INTO idempotency_key (principal, key, method, path, request_hash, response_status,
                             response_body, response_headers, expires_at)
VALUES ($1, $2, 'POST', '/case', $3, 201, $4::jsonb, $5::jsonb, $6)
ON CONFLICT (principal, key) DO UPDATE SET request_hash = excluded.request_hash,
    response_status = excluded.response_status, response_body = excluded.response_body,
    response_headers = excluded.response_headers, expires_at = excluded.expires_at,
    created_at = now()
"""


def _default(value: object) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: object) -> bytes:
    return json.dumps(value, default=_default, separators=(",", ":")).encode()


def lock_id(principal: str, key: str) -> int:
    """The advisory lock of an idempotency key, as shared.idempotency computes it."""
    digest = hashlib.blake2b(f"{principal}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def add_working_days(start: date, days: int) -> date:
    """Weekdays only: the baseline has no bank-holiday calendar (a little less work)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


_ARG_TYPES: dict[str, Callable[[Any], Any]] = {
    "str": str,
    "int": int,
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
    "uuid": uuid.UUID,
    "uuid[]": lambda values: [uuid.UUID(v) for v in values],
    "str[]": lambda values: [str(v) for v in values],
}


def decode_args(args: list[list[Any]]) -> list[Any]:
    """``[[type, value], …]`` as the harness wrote them → the Python values asyncpg binds."""
    return [_ARG_TYPES[kind](value) for kind, value in args]


class Baseline:
    """The ASGI application (``lifespan`` and ``http`` scopes only)."""

    def __init__(self, dsn: str, *, pool_size: int, queries: dict[str, dict[str, Any]]) -> None:
        self.dsn = dsn
        self.pool_size = pool_size
        self.queries = {
            name: (q["sql"], decode_args(q["args"]), tuple(q.get("setup", ())))
            for name, q in sorted(queries.items())
        }
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        try:
            if method == "GET" and path.startswith("/case/"):
                await self._get_case(path[len("/case/") :], send)
            elif method == "POST" and path == "/case":
                await self._create_case(scope, receive, send)
            elif method == "GET" and path.startswith("/query/"):
                await self._query(path[len("/query/") :], send)
            elif method == "GET" and path == "/health/ready":
                await _respond(send, 200, b'{"status":"pass"}')
            else:
                await _respond(send, 404, b'{"status":404}')
        except (asyncpg.PostgresError, OSError, ValueError) as exc:
            await _respond(send, 500, dumps({"status": 500, "detail": type(exc).__name__}))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.pool = await asyncpg.create_pool(
                    self.dsn, min_size=1, max_size=self.pool_size, init=_json_codecs,
                    server_settings={"application_name": "bench-baseline", "TimeZone": "UTC"},
                )  # fmt: skip
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _get_case(self, raw_id: str, send: Send) -> None:
        assert self.pool is not None
        try:
            case_id = uuid.UUID(raw_id)
        except ValueError:
            await _respond(send, 404, b'{"status":404}')
            return
        row = await self.pool.fetchrow('SELECT * FROM "case" WHERE id = $1', case_id)
        if row is None:
            await _respond(send, 404, b'{"status":404}')
            return
        await _respond(send, 200, dumps(dict(row)), etag=f'"{row["version"]}"')

    async def _create_case(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.pool is not None
        raw = await _body(receive)
        data = json.loads(raw)
        key = _header(scope, b"idempotency-key")
        now = datetime.now(UTC)
        received = date.fromisoformat(data["received_date"])
        async with self.pool.acquire() as conn, conn.transaction():
            if key is not None:
                if not await conn.fetchval(_CLAIM, lock_id(ACTOR, key)):
                    await _respond(send, 409, b'{"status":409}')
                    return
                stored = await conn.fetchrow(_STORED, ACTOR, key)
                if stored is not None:
                    await _respond(send, stored["response_status"], dumps(stored["response_body"]))
                    return
            number = await conn.fetchval("SELECT nextval('case_reference_seq')")
            # The two clocks, and the first of them on the case (as intake-api writes it, so the
            # trigger that keeps it has nothing to change).
            clocks = (
                (received + timedelta(weeks=2), uuid.uuid4(), "intake_contact"),
                (add_working_days(received, 10), uuid.uuid4(), "acknowledgement"),
            )
            first = min(clocks)
            case = await conn.fetchrow(
                _INSERT_CASE, uuid.uuid4(), f"CAS-{number:07d}", now, data["case_type"],
                data["channel"], data.get("jurisdiction"), received,
                bool(data.get("copied_in_only", False)), data.get("type_reason"),
                data.get("complaint_summary"), ACTOR, first[0], first[2],
            )  # fmt: skip
            body = dumps(dict(case))
            await conn.execute(
                _INSERT_CLOCKS, clocks[0][1], clocks[1][1], case["id"], received, clocks[0][0],
                clocks[1][0],
            )  # fmt: skip
            await conn.execute(_INSERT_AUDIT, ACTOR, ACTOR_ROLES, case["id"], body.decode(), None)
            sequence = await conn.fetchval(_NEXT_SEQUENCE, case["id"])
            payload = {
                "reference": case["reference"], "status": "received",
                "case_type": case["case_type"], "channel": case["channel"],
                "jurisdiction": case["jurisdiction"], "received_date": received.isoformat(),
                "previous_contact_check_id": None,
            }  # fmt: skip
            await conn.execute(
                _INSERT_EVENT, uuid.uuid4(), now, SOURCE, case["id"], sequence, None, ACTOR,
                dumps(payload).decode(),
            )  # fmt: skip
            location = f"/case/{case['id']}"
            etag = f'"{case["version"]}"'
            if key is not None:
                request_hash = hashlib.sha256(raw).hexdigest()
                headers = dumps({"location": location, "etag": etag}).decode()
                await conn.execute(
                    _STORE, ACTOR, key, request_hash, body.decode(), headers, now + RETENTION
                )
        await _respond(send, 201, body, etag=etag, location=location)

    async def _query(self, name: str, send: Send) -> None:
        assert self.pool is not None
        if name not in self.queries:
            await _respond(send, 404, b'{"status":404}')
            return
        sql, args, setup = self.queries[name]
        if setup:  # in one transaction, as intake-api reads a work-queue page
            async with self.pool.acquire() as conn, conn.transaction():
                for statement in setup:
                    await conn.execute(statement)
                rows = await conn.fetch(sql, *args)
        else:
            rows = await self.pool.fetch(sql, *args)
        await _respond(send, 200, dumps({"items": [dict(r) for r in rows]}))


def _encode_json(value: object) -> str:
    return value if isinstance(value, str) else dumps(value).decode()


async def _json_codecs(conn: asyncpg.Connection) -> None:
    # As SQLAlchemy's asyncpg dialect does for intake-api: JSON columns come back as objects.
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, encoder=_encode_json, decoder=json.loads, schema="pg_catalog"
        )


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _respond(
    send: Send, status: int, body: bytes, *, etag: str | None = None, location: str | None = None
) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if etag is not None:
        headers.append((b"etag", etag.encode()))
    if location is not None:
        headers.append((b"location", location.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app() -> Baseline:
    """The app, configured from the environment (see the module docstring)."""
    queries: dict[str, dict[str, Any]] = {}
    path = os.environ.get("BENCH_BASELINE_QUERIES")
    if path:
        queries = json.loads(Path(path).read_text())
    return Baseline(
        os.environ["BENCH_BASELINE_DSN"],
        pool_size=int(os.environ.get("BENCH_BASELINE_POOL", "20")),
        queries=queries,
    )

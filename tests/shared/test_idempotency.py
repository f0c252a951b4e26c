"""``Idempotency-Key`` on creating POSTs (DESIGN §3 "Idempotency"), through POST /v1/cases."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from intake_api.cases.models import Case
from shared.clock import FixedClock
from shared.config import BaseServiceSettings
from shared.db import Database
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.app import create_service_app
from shared.http_api.deps import CurrentPrincipal
from shared.http_api.problems import PROBLEM_JSON
from shared.http_api.responses import resource_response
from shared.idempotency import (
    REPLAY_HEADER,
    IdempotencyDep,
    IdempotencyRecord,
    _lock_id,
    purge_expired_keys,
    request_fingerprint,
)
from shared.testing.plugin import CommittingClient, CommittingDb

Headers = Callable[..., dict[str, str]]
ROLE = "intake_caseworker"


def _body(marker: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_type": "complaint",
        "channel": "online_form",
        "jurisdiction": "health",
        "received_date": "2026-11-02",
        "complaint_summary": f"Delayed reply from a fictional trust [{marker}]",
    }
    body.update(overrides)
    return body


def _headers(auth_headers: Headers, sub: str, key: str | None) -> dict[str, str]:
    headers = auth_headers(ROLE, sub=sub)
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def _marker() -> str:
    return f"idem-{uuid.uuid4().hex}"


async def _cases_with(session: AsyncSession, marker: str) -> int:
    n = await session.scalar(
        select(func.count()).select_from(Case).where(Case.complaint_summary.contains(marker))
    )
    return int(n or 0)


async def _record(session: AsyncSession, sub: str, key: str) -> IdempotencyRecord | None:
    session.expunge_all()
    return await session.get(IdempotencyRecord, (sub, key))


def test_fingerprint_ignores_json_key_order_and_spacing_but_not_values() -> None:
    a = request_fingerprint("POST", "/v1/cases", b'{"a": 1, "b": [1, 2]}')
    assert a == request_fingerprint("POST", "/v1/cases", b'{ "b":[1,2],\n "a":1 }')
    assert a != request_fingerprint("POST", "/v1/cases", b'{"a": 1, "b": [2, 1]}')
    assert a != request_fingerprint("POST", "/v1/people", b'{"a": 1, "b": [1, 2]}')
    assert a != request_fingerprint("PUT", "/v1/cases", b'{"a": 1, "b": [1, 2]}')


def test_fingerprint_of_a_non_json_body_uses_its_bytes() -> None:
    assert request_fingerprint("POST", "/x", b"not json") == request_fingerprint(
        "POST", "/x", b"not json"
    )
    assert request_fingerprint("POST", "/x", b"not json") != request_fingerprint(
        "POST", "/x", b"not  json"
    )


# ---------------------------------------------------------------------------------------------
# Semantics, inside the test's rolled-back transaction
# ---------------------------------------------------------------------------------------------


async def test_replay_with_same_key_and_body_returns_the_stored_response(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    marker, sub, key = _marker(), f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    h = _headers(auth_headers, sub, key)

    first = await client.post("/v1/cases", json=_body(marker), headers=h)
    again = await client.post("/v1/cases", json=_body(marker), headers=h)

    assert first.status_code == 201, first.text
    assert REPLAY_HEADER.lower() not in first.headers
    assert again.status_code == 201
    assert again.headers[REPLAY_HEADER] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == first.headers["etag"] == '"1"'
    reference = first.json()["reference"]
    n = await session.scalar(select(func.count()).select_from(Case).filter_by(reference=reference))
    assert n == 1
    assert await _cases_with(session, marker) == 1


async def test_same_json_with_other_key_order_and_spacing_is_still_a_replay(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    marker, sub, key = _marker(), f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    h = _headers(auth_headers, sub, key)
    body = _body(marker)
    first = await client.post("/v1/cases", json=body, headers=h)

    reordered = json.dumps(dict(reversed(list(body.items()))), indent=4)
    again = await client.post(
        "/v1/cases", content=reordered, headers={**h, "Content-Type": "application/json"}
    )

    assert first.status_code == again.status_code == 201
    assert again.headers[REPLAY_HEADER] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert await _cases_with(session, marker) == 1


async def test_same_key_with_a_different_body_is_422_key_reused(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    marker, sub, key = _marker(), f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    h = _headers(auth_headers, sub, key)
    first = await client.post("/v1/cases", json=_body(marker), headers=h)

    other = await client.post("/v1/cases", json=_body(marker, channel="letter"), headers=h)

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.headers["content-type"].startswith(PROBLEM_JSON)
    assert other.json()["type"] == PROBLEM_TYPE_BASE + "idempotency-key-reused"
    assert await _cases_with(session, marker) == 1


async def test_same_key_from_another_principal_is_independent(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    marker, key = _marker(), str(uuid.uuid4())
    ada = await client.post(
        "/v1/cases", json=_body(marker), headers=_headers(auth_headers, "ada-" + key[:8], key)
    )
    bob = await client.post(
        "/v1/cases", json=_body(marker), headers=_headers(auth_headers, "bob-" + key[:8], key)
    )

    assert ada.status_code == bob.status_code == 201
    assert REPLAY_HEADER.lower() not in bob.headers
    assert ada.json()["id"] != bob.json()["id"]
    assert ada.json()["reference"] != bob.json()["reference"]
    assert await _cases_with(session, marker) == 2


async def test_without_a_key_every_post_creates_a_case(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    marker, sub = _marker(), f"ada-{uuid.uuid4().hex[:8]}"
    h = _headers(auth_headers, sub, None)

    first = await client.post("/v1/cases", json=_body(marker), headers=h)
    second = await client.post("/v1/cases", json=_body(marker), headers=h)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert await _cases_with(session, marker) == 2


@pytest.mark.parametrize("bad_key", ["", "k" * 256])
async def test_empty_or_overlong_key_is_422(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, bad_key: str
) -> None:
    marker = _marker()
    h = _headers(auth_headers, f"ada-{uuid.uuid4().hex[:8]}", bad_key)
    r = await client.post("/v1/cases", json=_body(marker), headers=h)
    assert r.status_code == 422
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "validation-error"
    assert await _cases_with(session, marker) == 0


async def test_keys_are_kept_at_least_24h_and_expired_keys_are_replaced(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    clock: FixedClock,
    settings: BaseServiceSettings,
) -> None:
    marker, sub, key = _marker(), f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    h = _headers(auth_headers, sub, key)
    created_at = clock.now()
    first = await client.post("/v1/cases", json=_body(marker), headers=h)
    assert first.status_code == 201

    record = await _record(session, sub, key)
    assert record is not None
    assert record.expires_at - created_at == timedelta(hours=24)
    assert settings.idempotency_retention_hours == 24

    # One second before expiry the key still guards against a different body.
    clock.advance(timedelta(hours=24) - timedelta(seconds=1))
    assert (
        await client.post("/v1/cases", json=_body(marker, channel="email"), headers=h)
    ).status_code == 422

    clock.advance(timedelta(seconds=1))
    renewed = await client.post("/v1/cases", json=_body(marker, channel="email"), headers=h)

    assert renewed.status_code == 201, renewed.text
    assert REPLAY_HEADER.lower() not in renewed.headers
    assert renewed.json()["id"] != first.json()["id"]
    assert await _cases_with(session, marker) == 2
    record = await _record(session, sub, key)
    assert record is not None
    assert record.expires_at == clock.now() + timedelta(hours=24)
    assert record.response_body["id"] == renewed.json()["id"]


async def test_purge_expired_keys_deletes_only_expired_ones(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    sub = f"ada-{uuid.uuid4().hex[:8]}"
    old_key, new_key = str(uuid.uuid4()), str(uuid.uuid4())
    start = clock.now()
    h_old = _headers(auth_headers, sub, old_key)
    assert (await client.post("/v1/cases", json=_body(_marker()), headers=h_old)).status_code == 201
    clock.advance(timedelta(hours=12))
    h_new = _headers(auth_headers, sub, new_key)
    assert (await client.post("/v1/cases", json=_body(_marker()), headers=h_new)).status_code == 201

    purged = await purge_expired_keys(session, now=start + timedelta(hours=24))

    assert purged >= 1
    assert await _record(session, sub, old_key) is None
    assert await _record(session, sub, new_key) is not None


async def test_a_failed_request_does_not_burn_its_key(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    marker, sub, key = _marker(), f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    h = _headers(auth_headers, sub, key)

    # The clock's today is 2026-11-02.
    failed = await client.post(
        "/v1/cases", json=_body(marker, received_date="2026-11-03"), headers=h
    )
    assert failed.status_code == 422
    assert failed.json()["type"] == PROBLEM_TYPE_BASE + "received-date-in-future"
    assert await _record(session, sub, key) is None

    # Nothing was stored, so a corrected body under the same key is a first request, not a reuse.
    fixed = await client.post("/v1/cases", json=_body(marker), headers=h)
    assert fixed.status_code == 201, fixed.text
    assert REPLAY_HEADER.lower() not in fixed.headers

    replay = await client.post("/v1/cases", json=_body(marker), headers=h)
    assert replay.headers[REPLAY_HEADER] == "true"
    assert replay.json()["id"] == fixed.json()["id"]
    assert await _cases_with(session, marker) == 1


async def test_a_request_failing_validation_does_not_burn_its_key(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    marker, sub, key = _marker(), f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    h = _headers(auth_headers, sub, key)

    bad = await client.post("/v1/cases", json=_body(marker, channel="carrier_pigeon"), headers=h)
    good = await client.post("/v1/cases", json=_body(marker), headers=h)

    assert bad.status_code == 422
    assert good.status_code == 201
    assert await _cases_with(session, marker) == 1


# ---------------------------------------------------------------------------------------------
# Across real connections: in flight and concurrent duplicates
# ---------------------------------------------------------------------------------------------


async def _committed_cases_with(engine: AsyncEngine, marker: str) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.scalars(select(Case.id).where(Case.complaint_summary.contains(marker)))
        return [str(r) for r in rows]


@pytest.mark.concurrency
async def test_same_key_while_first_request_in_flight_is_409(
    committing_client: CommittingClient, auth_headers: Headers
) -> None:
    client, observer = committing_client.client, committing_client.observer
    marker, sub, key = _marker(), f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    h = _headers(auth_headers, sub, key)

    async with observer.connect() as holder:
        trans = await holder.begin()
        locked = await holder.scalar(
            text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": _lock_id(sub, key)}
        )
        assert locked is True
        in_flight = await client.post("/v1/cases", json=_body(marker), headers=h)
        await trans.rollback()

    assert in_flight.status_code == 409
    assert in_flight.headers["content-type"].startswith(PROBLEM_JSON)
    assert in_flight.json()["type"] == PROBLEM_TYPE_BASE + "idempotency-key-in-flight"
    assert await _committed_cases_with(observer, marker) == []

    after = await client.post("/v1/cases", json=_body(marker), headers=h)
    assert after.status_code == 201, after.text
    assert await _committed_cases_with(observer, marker) == [after.json()["id"]]


@pytest.mark.concurrency
async def test_20_concurrent_identical_posts_create_exactly_one_case(
    committing_client: CommittingClient, auth_headers: Headers
) -> None:
    client, observer = committing_client.client, committing_client.observer
    marker, sub, key = _marker(), f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    h = _headers(auth_headers, sub, key)

    responses = await asyncio.gather(
        *(client.post("/v1/cases", json=_body(marker), headers=h) for _ in range(20))
    )

    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, [
        r.text for r in responses if r.status_code not in (201, 409)
    ]
    created = [r for r in responses if r.status_code == 201]
    assert created
    assert len({r.json()["id"] for r in created}) == 1
    originals = [r for r in created if REPLAY_HEADER.lower() not in r.headers]
    assert len(originals) == 1
    for r in responses:
        if r.status_code == 409:
            assert r.json()["type"] == PROBLEM_TYPE_BASE + "idempotency-key-in-flight"
    assert await _committed_cases_with(observer, marker) == [created[0].json()["id"]]


# ---------------------------------------------------------------------------------------------
# Replays are answered by the app's handler (IdempotentReplay): the original's headers, and the
# route's body never runs
# ---------------------------------------------------------------------------------------------


class KitThingCreate(BaseModel):
    name: str
    cache_control: str = "no-store"


class KitThingRead(BaseModel):
    id: uuid.UUID
    name: str
    version: int


kit_router = APIRouter(prefix="/v1/kit-things")


@kit_router.post("", status_code=201, response_model=KitThingRead)
async def create_kit_thing(
    request: Request, body: KitThingCreate, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Response:
    """Create a thing; the app counts how often this body runs."""
    request.app.state.kit_runs.append(body.name)
    thing = KitThingRead(id=uuid.uuid4(), name=body.name, version=3)
    response = resource_response(
        thing, status_code=201, version=thing.version, location=f"/v1/kit-things/{thing.id}",
        cache_control=body.cache_control,
    )  # fmt: skip
    return await idem.save(response)


@pytest.fixture
async def kit_app(
    settings: BaseServiceSettings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> FastAPI:
    application = create_service_app(
        settings=settings, title="kit-idempotency", version="0.1.0",
        description="A creating route on the kit.", routers=[kit_router], configure_logs=False,
    )  # fmt: skip
    application.state.db = Database(engine, sessionmaker)
    application.state.clock = clock
    application.state.kit_runs = []
    return application


@pytest.fixture
async def kit_client(kit_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=kit_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_a_replay_carries_the_originals_cache_control_etag_and_location(
    kit_client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    h = _headers(auth_headers, f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4()))

    first = await kit_client.post("/v1/kit-things", json={"name": "one"}, headers=h)
    again = await kit_client.post("/v1/kit-things", json={"name": "one"}, headers=h)

    assert first.status_code == 201, first.text
    assert REPLAY_HEADER.lower() not in first.headers
    assert first.headers["cache-control"] == "no-store"
    assert first.headers["etag"] == '"3"'
    assert first.headers["location"] == f"/v1/kit-things/{first.json()['id']}"
    assert again.status_code == 201
    assert again.headers[REPLAY_HEADER] == "true"
    assert again.headers["cache-control"] == first.headers["cache-control"]
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["content-type"].startswith("application/json")
    assert again.json() == first.json()


async def test_a_replay_keeps_a_cache_control_other_than_the_default(
    kit_client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    h = _headers(auth_headers, f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4()))
    body = {"name": "public", "cache_control": "private, max-age=0, must-revalidate"}

    first = await kit_client.post("/v1/kit-things", json=body, headers=h)
    again = await kit_client.post("/v1/kit-things", json=body, headers=h)

    assert first.headers["cache-control"] == "private, max-age=0, must-revalidate"
    assert again.headers[REPLAY_HEADER] == "true"
    assert again.headers.get_list("cache-control") == ["private, max-age=0, must-revalidate"]


async def test_a_route_body_does_not_run_on_a_replay(
    kit_client: httpx.AsyncClient, kit_app: FastAPI, auth_headers: Headers
) -> None:
    sub = f"ada-{uuid.uuid4().hex[:8]}"
    h = _headers(auth_headers, sub, str(uuid.uuid4()))

    responses = [
        await kit_client.post("/v1/kit-things", json={"name": "once"}, headers=h) for _ in range(3)
    ]

    assert [r.status_code for r in responses] == [201, 201, 201]
    assert [REPLAY_HEADER.lower() in r.headers for r in responses] == [False, True, True]
    assert len({r.json()["id"] for r in responses}) == 1
    assert kit_app.state.kit_runs == ["once"]

    # A new key is a new request: the body runs again.
    fresh = await kit_client.post(
        "/v1/kit-things", json={"name": "once"}, headers=_headers(auth_headers, sub, "other-key")
    )
    assert fresh.status_code == 201
    assert REPLAY_HEADER.lower() not in fresh.headers
    assert fresh.json()["id"] != responses[0].json()["id"]
    assert kit_app.state.kit_runs == ["once", "once"]


async def test_a_reused_key_with_another_body_does_not_run_the_route(
    kit_client: httpx.AsyncClient, kit_app: FastAPI, auth_headers: Headers
) -> None:
    h = _headers(auth_headers, f"ada-{uuid.uuid4().hex[:8]}", str(uuid.uuid4()))
    first = await kit_client.post("/v1/kit-things", json={"name": "a"}, headers=h)

    other = await kit_client.post("/v1/kit-things", json={"name": "b"}, headers=h)

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.json()["type"] == PROBLEM_TYPE_BASE + "idempotency-key-reused"
    assert REPLAY_HEADER.lower() not in other.headers
    assert kit_app.state.kit_runs == ["a"]


# ---------------------------------------------------------------------------------------------
# Retention: one replay window, and a purge that runs by itself
# ---------------------------------------------------------------------------------------------


async def test_expired_keys_are_purged_in_the_background_without_being_asked(
    committing_db: CommittingDb,
    settings: BaseServiceSettings,
    clock: FixedClock,
    auth_headers: Headers,
) -> None:
    # The stored responses hold personal data: they go once the 24-hour window has passed,
    # whether or not anybody ever sends the key again.
    application = create_service_app(
        settings=settings.model_copy(
            update={"subscribers": {}, "idempotency_purge_interval_s": 0.05}
        ),
        title="kit-idempotency", version="0.1.0", description="A creating route on the kit.",
        routers=[kit_router], configure_logs=False,
    )  # fmt: skip
    application.state.db = committing_db.database
    application.state.clock = clock
    application.state.kit_runs = []
    sub = f"purge-{uuid.uuid4().hex[:8]}"
    old_key, new_key = str(uuid.uuid4()), str(uuid.uuid4())

    async def stored() -> set[str]:
        async with committing_db.observer.connect() as conn:
            rows = await conn.execute(
                text("SELECT key FROM idempotency_key WHERE principal = :p"), {"p": sub}
            )
            return {r[0] for r in rows}

    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    try:
        async with (
            application.router.lifespan_context(application),
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as c,
        ):
            assert "idempotency-purge" in application.state.background.names
            old = await c.post(
                "/v1/kit-things", json={"name": "old"}, headers=_headers(auth_headers, sub, old_key)
            )
            assert old.status_code == 201
            clock.advance(timedelta(hours=24) - timedelta(seconds=1))
            new = await c.post(
                "/v1/kit-things", json={"name": "new"}, headers=_headers(auth_headers, sub, new_key)
            )
            assert new.status_code == 201
            await asyncio.sleep(0.3)  # several purge rounds: nothing has expired yet
            assert await stored() == {old_key, new_key}

            clock.advance(timedelta(seconds=1))  # the old key is now exactly 24 hours old
            for _ in range(100):
                if await stored() == {new_key}:
                    break
                await asyncio.sleep(0.05)
            assert await stored() == {new_key}
            registry = application.state.metrics_registry
            crashes = registry.get_sample_value(
                "background_task_crashes_total", {"task": "idempotency-purge"}
            )
            assert not crashes
    finally:
        async with committing_db.observer.begin() as conn:
            await conn.execute(text("DELETE FROM idempotency_key WHERE principal = :p"), {"p": sub})


@pytest.mark.parametrize("hours", [24, 36])
async def test_openapi_states_the_one_replay_window_of_the_settings(
    settings: BaseServiceSettings, hours: int
) -> None:
    from intake_api.config import IntakeSettings
    from intake_api.main import create_app

    assert isinstance(settings, IntakeSettings)
    application = create_app(settings.model_copy(update={"idempotency_retention_hours": hours}))
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        document = (await c.get("/openapi.json")).json()

    descriptions = {
        p["description"]
        for operations in document["paths"].values()
        for operation in operations.values()
        for p in operation.get("parameters", [])
        if p["name"] == "Idempotency-Key"
    }
    assert len(descriptions) == 1
    [description] = descriptions
    assert f"for {hours} hours a replay" in description
    assert ("24" in description) == (hours == 24)
    assert "48" not in description

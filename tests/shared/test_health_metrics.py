"""Liveness, readiness (application/health+json) and Prometheus metrics."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shared.db import Database, create_engine

HEALTH_JSON = "application/health+json"
DB_CHECK = "postgresql:responseTime"

AuthHeaders = Callable[..., dict[str, str]]


def _use_engine(app: FastAPI, engine: AsyncEngine) -> None:
    app.state.db = Database(engine, async_sessionmaker(engine, expire_on_commit=False))


@pytest.fixture
async def refused_engine() -> AsyncIterator[AsyncEngine]:
    """An engine for a port where nothing listens: connections are refused at once."""
    eng = create_engine("postgresql://postgres@127.0.0.1:1/nope", application_name="t")
    yield eng
    await eng.dispose()


@pytest.fixture
async def silent_engine() -> AsyncIterator[AsyncEngine]:
    """An engine for a server that accepts TCP connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    eng = create_engine(f"postgresql://postgres@127.0.0.1:{port}/nope", application_name="t")
    try:
        yield eng
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
        await eng.dispose()


def _fake_check(name: str, status: str) -> Any:
    async def check(_request: Request) -> tuple[str, str, dict[str, Any]]:
        return name, status, {"componentType": "component"}

    return check


# --- liveness and readiness ---------------------------------------------------------------------


async def test_live_passes_without_touching_the_database(
    app: FastAPI, client: httpx.AsyncClient, refused_engine: AsyncEngine
) -> None:
    _use_engine(app, refused_engine)

    response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(HEALTH_JSON)
    body = response.json()
    assert body["status"] == "pass"
    assert body["serviceId"] == "intake-api"
    assert body["releaseId"] == "0.1.0"
    assert "checks" not in body


async def test_ready_passes_with_a_database_check(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(HEALTH_JSON)
    body = response.json()
    assert body["status"] == "pass"
    [check] = body["checks"][DB_CHECK]
    assert check["status"] == "pass"
    assert check["componentType"] == "datastore"
    assert check["observedUnit"] == "ms"
    assert check["observedValue"] >= 0
    assert "output" not in check


async def test_ready_fails_fast_when_the_database_refuses_connections(
    app: FastAPI, client: httpx.AsyncClient, refused_engine: AsyncEngine
) -> None:
    _use_engine(app, refused_engine)

    started = time.perf_counter()
    response = await client.get("/health/ready")
    elapsed = time.perf_counter() - started

    # Far from asyncpg's own 60 s connect timeout. The bound is loose: one full-suite run on a
    # loaded 2-core machine took 12.8 s here (a refused connection is normally milliseconds;
    # the cause of that stall is not found yet, see the issue notes).
    assert elapsed < 30.0
    assert response.status_code == 503
    assert response.headers["content-type"].startswith(HEALTH_JSON)
    body = response.json()
    assert body["status"] == "fail"
    [check] = body["checks"][DB_CHECK]
    assert check["status"] == "fail"
    assert check["output"]  # the exception's class name only
    assert "127.0.0.1" not in response.text
    assert "Traceback" not in response.text


async def test_ready_fails_within_the_timeout_when_the_database_hangs(
    app: FastAPI, client: httpx.AsyncClient, silent_engine: AsyncEngine
) -> None:
    _use_engine(app, silent_engine)

    started = time.perf_counter()
    response = await client.get("/health/ready")
    elapsed = time.perf_counter() - started

    # The 500 ms ready_timeout_s, not asyncpg's own 60 s: the upper bound leaves room for a
    # loaded machine (2.7 s was seen with the suite and other work on both cores).
    assert 0.4 <= elapsed < 10.0
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    [check] = body["checks"][DB_CHECK]
    assert check["output"] == "TimeoutError"
    assert 400 <= check["observedValue"] < 10_000


@pytest.mark.parametrize(
    ("extra", "http_status", "overall"),
    [
        ([("cache:responseTime", "warn")], 200, "warn"),
        ([("cache:responseTime", "fail")], 503, "fail"),
        ([("a:x", "fail"), ("b:x", "warn")], 503, "fail"),
        ([("a:x", "warn"), ("b:x", "fail")], 503, "fail"),
        ([("a:x", "pass"), ("b:x", "warn"), ("c:x", "pass")], 200, "warn"),
    ],
)
async def test_ready_status_is_the_worst_of_its_checks(
    app: FastAPI,
    client: httpx.AsyncClient,
    extra: list[tuple[str, str]],
    http_status: int,
    overall: str,
) -> None:
    for name, status in extra:
        app.state.readiness_checks.append(_fake_check(name, status))

    response = await client.get("/health/ready")

    assert response.status_code == http_status
    body = response.json()
    assert body["status"] == overall
    assert body["checks"][DB_CHECK][0]["status"] == "pass"
    for name, status in extra:
        assert body["checks"][name][0]["status"] == status


async def test_health_endpoints_need_no_token(client: httpx.AsyncClient) -> None:
    for path in ("/health/live", "/health/ready", "/metrics"):
        response = await client.get(path)
        assert response.status_code == 200, path


# --- metrics ------------------------------------------------------------------------------------


async def test_metrics_count_requests_by_route_template_and_status(
    client: httpx.AsyncClient, auth_headers: AuthHeaders
) -> None:
    case_id = str(uuid.uuid4())
    headers = auth_headers("caseworker")
    await client.get(f"/v1/cases/{case_id}", headers=headers)
    await client.get(f"/v1/cases/{uuid.uuid4()}", headers=headers)
    await client.get("/health/live")
    await client.get(f"/private/{case_id}")

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'http_requests_total{method="GET",route="/v1/cases/{case_id}",status="404"} 2.0' in text
    assert 'http_requests_total{method="GET",route="/health/live",status="200"} 1.0' in text
    assert 'http_requests_total{method="GET",route="<unmatched>",status="404"} 1.0' in text
    assert (
        'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/v1/cases/{case_id}"}'
        " 2.0" in text
    )
    assert 'http_request_duration_seconds_count{method="GET",route="/health/live"} 1.0' in text
    assert case_id not in text
    assert "/private" not in text


async def test_metrics_are_per_app_instance(
    client: httpx.AsyncClient, service_spec: Any, settings: Any
) -> None:
    await client.get("/health/live")
    fresh = service_spec.create_app(settings)
    transport = httpx.ASGITransport(app=fresh, raise_app_exceptions=False)

    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        text = (await other.get("/metrics")).text

    assert 'route="/health/live"' not in text

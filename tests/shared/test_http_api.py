"""The shared HTTP edge: body limit, correlation id, access logs, OpenAPI (DESIGN §3–4).

Problem rendering is in test_problems.py, health and metrics in test_health_metrics.py, and
auth and rate limiting over HTTP in test_auth_http.py.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.db import Database
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.app import create_service_app
from shared.logging import JsonFormatter, get_request_id, reset_request_id, set_request_id
from shared.testing.plugin import ServiceSpec

PROBLEM_JSON = "application/problem+json"
DEFAULT_LIMIT = 256 * 1024
SMALL_LIMIT = 2048
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
VALID_CASE = {"case_type": "complaint", "channel": "online_form", "received_date": "2026-11-02"}

AuthHeaders = Callable[..., dict[str, str]]


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM_TYPE_BASE + slug
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return body


echo_router = APIRouter(prefix="/v1/test")


@echo_router.post("/raw")
async def raw_body(request: Request) -> dict[str, int]:
    """Reads the body itself (no body model), like a webhook or upload route would."""
    return {"received": len(await request.body())}


@echo_router.get("/request-id")
async def request_id_seen_by_route() -> dict[str, str | None]:
    return {"request_id": get_request_id()}


@pytest.fixture
async def small_limit_client(
    service_spec: ServiceSpec,
    database_url: str,
    dev_keys_dir: Path,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[httpx.AsyncClient]:
    """intake-api's routes plus test routes, with a 2 KiB body limit."""
    from intake_api.cases.router import router as cases_router

    small = service_spec.settings_cls(
        database_url=database_url,
        ENV="testing",
        dev_keys_dir=dev_keys_dir,
        max_body_bytes=SMALL_LIMIT,
    )
    application: FastAPI = create_service_app(
        settings=small,
        title="limit-test",
        version="0.1.0",
        description="Small body limit.",
        routers=[cases_router, echo_router],
        configure_logs=False,
    )
    application.state.db = Database(engine, sessionmaker)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _chunks(total: int, size: int = 512) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        sent += n
        yield b" " * n


# --- body limit ---------------------------------------------------------------------------------


async def test_declared_oversized_body_is_413_before_auth_and_parsing(
    client: httpx.AsyncClient,
) -> None:
    # No token and not JSON: a 413 (not 401 or 422) shows the check runs before both.
    response = await client.post(
        "/v1/cases",
        content=b"x" * (DEFAULT_LIMIT + 1),
        headers={"content-type": "application/json"},
    )

    body = assert_problem(response, 413, "payload-too-large")
    assert body["title"] == "Request body too large"
    assert str(DEFAULT_LIMIT) in body["detail"]


async def test_body_at_the_limit_is_not_rejected_as_too_large(
    client: httpx.AsyncClient,
) -> None:
    payload = json.dumps(VALID_CASE).encode()
    payload += b" " * (DEFAULT_LIMIT - len(payload))
    assert len(payload) == DEFAULT_LIMIT

    response = await client.post(
        "/v1/cases", content=payload, headers={"content-type": "application/json"}
    )

    # Exactly at the limit the body is read whole and the request reaches auth.
    assert_problem(response, 401, "unauthorized")


async def test_streamed_oversized_body_on_a_model_route_is_413(
    small_limit_client: httpx.AsyncClient, auth_headers: AuthHeaders
) -> None:
    response = await small_limit_client.post(
        "/v1/cases",
        content=_chunks(SMALL_LIMIT * 3),
        headers={**auth_headers("intake_caseworker"), "content-type": "application/json"},
    )

    assert "content-length" not in response.request.headers
    body = assert_problem(response, 413, "payload-too-large")
    assert str(SMALL_LIMIT) in body["detail"]


async def test_streamed_oversized_body_without_auth_is_413(
    small_limit_client: httpx.AsyncClient,
) -> None:
    response = await small_limit_client.post(
        "/v1/cases",
        content=_chunks(SMALL_LIMIT * 3),
        headers={"content-type": "application/json"},
    )

    assert_problem(response, 413, "payload-too-large")


async def test_streamed_oversized_body_read_by_the_route_is_413(
    small_limit_client: httpx.AsyncClient,
) -> None:
    response = await small_limit_client.post("/v1/test/raw", content=_chunks(SMALL_LIMIT + 1))

    assert_problem(response, 413, "payload-too-large")


async def test_streamed_body_within_the_limit_is_read_whole(
    small_limit_client: httpx.AsyncClient,
) -> None:
    response = await small_limit_client.post("/v1/test/raw", content=_chunks(SMALL_LIMIT))

    assert response.status_code == 200
    assert response.json() == {"received": SMALL_LIMIT}


# --- correlation id -----------------------------------------------------------------------------


async def test_request_id_is_generated_when_absent(client: httpx.AsyncClient) -> None:
    first = await client.get("/health/live")
    second = await client.get("/health/live")

    assert UUID_RE.match(first.headers["x-request-id"])
    assert UUID_RE.match(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize(
    "incoming",
    ["3f2b9c1e-6a4d-4b7e-9c2f-1a2b3c4d5e6f", "gateway.trace:42_abc-DEF", "x" * 128],
)
async def test_well_formed_request_id_is_echoed(client: httpx.AsyncClient, incoming: str) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": incoming})

    assert response.headers["x-request-id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["bad id <script>", "name=Jane Doe", "x" * 129, "semi;colon", "quote'd"],
)
async def test_malformed_request_id_is_replaced(client: httpx.AsyncClient, incoming: str) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": incoming})

    assert response.headers["x-request-id"] != incoming
    assert UUID_RE.match(response.headers["x-request-id"])


async def test_problem_request_id_matches_the_header(client: httpx.AsyncClient) -> None:
    generated = await client.get("/v1/nowhere")
    echoed = await client.get("/v1/nowhere", headers={"X-Request-ID": "corr-123"})
    replaced = await client.get("/v1/nowhere", headers={"X-Request-ID": "bad id <script>"})

    assert generated.json()["request_id"] == generated.headers["x-request-id"]
    assert echoed.json()["request_id"] == "corr-123" == echoed.headers["x-request-id"]
    assert replaced.json()["request_id"] == replaced.headers["x-request-id"]
    assert "<script>" not in replaced.text


async def test_route_sees_the_request_id_and_it_does_not_leak_afterwards(
    small_limit_client: httpx.AsyncClient,
) -> None:
    response = await small_limit_client.get(
        "/v1/test/request-id", headers={"X-Request-ID": "route-rid-1"}
    )

    assert response.json() == {"request_id": "route-rid-1"}
    assert get_request_id() is None


# --- access logs --------------------------------------------------------------------------------


def _access_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "casework.access"]


def _app_log(caplog: pytest.LogCaptureFixture) -> str:
    """The captured lines, less the test client's own (httpx logs its requests at INFO when an
    earlier test in the worker left that level on): those are the client's, not the app's."""
    return "\n".join(
        line
        for line in caplog.text.splitlines()
        if '"logger": "httpx"' not in line and "HTTP Request:" not in line
    )


async def test_access_log_has_one_record_per_request_with_the_route_template(
    client: httpx.AsyncClient, auth_headers: AuthHeaders, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="casework.access")
    caplog.handler.setFormatter(JsonFormatter())
    case_id = str(uuid.uuid4())

    response = await client.get(
        f"/v1/cases/{case_id}?name=SECRET-PERSONAL-VALUE",
        headers={**auth_headers("caseworker"), "X-Request-ID": "access-rid-1"},
    )

    assert response.status_code == 404
    records = _access_records(caplog)
    assert len(records) == 1
    record = records[0]
    fields = vars(record)
    assert fields["method"] == "GET"
    assert fields["route"] == "/v1/cases/{case_id}"
    assert fields["status"] == 404
    assert isinstance(fields["duration_ms"], float)
    assert fields["duration_ms"] >= 0
    assert record.levelno == logging.INFO
    # Neither the raw id nor the query string reaches the log, in any field or the JSON line.
    for value in (record.getMessage(), *map(str, fields.values())):
        assert case_id not in value
        assert "SECRET-PERSONAL-VALUE" not in value
    assert case_id not in _app_log(caplog)
    assert "SECRET" not in _app_log(caplog)
    line = json.loads(next(ln for ln in caplog.text.splitlines() if '"casework.access"' in ln))
    assert line["request_id"] == "access-rid-1"
    assert line["route"] == "/v1/cases/{case_id}"


async def test_access_log_records_each_request_with_its_own_status(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="casework.access")

    await client.get("/health/live")
    await client.get("/v1/cases/" + str(uuid.uuid4()))
    await client.get("/no/such/path/SECRET-PERSONAL-VALUE")

    seen = [
        (vars(r)["method"], vars(r)["route"], vars(r)["status"]) for r in _access_records(caplog)
    ]
    assert seen == [
        ("GET", "/health/live", 200),
        ("GET", "/v1/cases/{case_id}", 401),
        ("GET", "<unmatched>", 404),
    ]
    assert "SECRET" not in _app_log(caplog)


async def test_access_log_records_the_413_the_middleware_renders_itself(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="casework.access")

    await client.post("/v1/cases", content=b"x" * (DEFAULT_LIMIT + 10))

    statuses = [vars(r)["status"] for r in _access_records(caplog)]
    assert statuses == [413]


def test_json_formatter_emits_one_json_object_with_request_id_and_extras() -> None:
    record = logging.LogRecord(
        "casework.test", logging.WARNING, __file__, 1, "hello %s", ("world",), None
    )
    record.case_count = 3
    record.when = uuid.UUID(int=0)  # not JSON-native: rendered with str()
    token = set_request_id("fmt-rid-7")
    try:
        line = JsonFormatter().format(record)
    finally:
        reset_request_id(token)

    assert "\n" not in line
    out = json.loads(line)
    assert out["request_id"] == "fmt-rid-7"
    assert out["msg"] == "hello world"
    assert out["level"] == "warning"
    assert out["logger"] == "casework.test"
    assert out["case_count"] == 3
    assert out["when"] == str(uuid.UUID(int=0))
    assert out["ts"].endswith("+00:00")
    assert "args" not in out
    assert "exc_info" not in out


def test_json_formatter_without_request_id_and_with_exception() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord("casework.test", logging.ERROR, __file__, 1, "failed", (), exc_info)

    out = json.loads(JsonFormatter().format(record))

    assert "request_id" not in out
    assert out["exc_type"] == "builtins.ValueError"
    assert out["stack"][-1].endswith("in test_json_formatter_without_request_id_and_with_exception")
    assert "boom" not in json.dumps(out), "an exception's message may hold personal data"


# --- OpenAPI ------------------------------------------------------------------------------------


@pytest.fixture
async def openapi(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_openapi_names_the_service_and_describes_its_tags(openapi: dict[str, Any]) -> None:
    assert openapi["info"]["title"] == "intake-api"
    assert openapi["info"]["version"] == "0.1.0"
    tags = {t["name"]: t.get("description") for t in openapi["tags"]}
    assert tags.keys() >= {"cases", "operations"}
    assert all(tags.values()), tags


async def test_openapi_has_the_problem_schemas_and_no_fastapi_validation_error(
    openapi: dict[str, Any],
) -> None:
    schemas = openapi["components"]["schemas"]
    assert {"type", "title", "status", "request_id"} <= set(schemas["Problem"]["properties"])
    assert "errors" in schemas["ValidationProblem"]["properties"]
    text = json.dumps(openapi)
    assert "HTTPValidationError" not in text
    # Every $ref resolves: the ValidationIssue definition was hoisted into components.
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text))
    assert "ValidationIssue" in refs
    assert refs <= set(schemas), refs - set(schemas)


async def test_openapi_documents_problem_responses_of_create_case(
    openapi: dict[str, Any],
) -> None:
    responses = openapi["paths"]["/v1/cases"]["post"]["responses"]

    for status in ("401", "403", "409", "413", "422", "429"):
        content = responses[status]["content"]
        assert list(content) == [PROBLEM_JSON], (status, content)
    assert responses["422"]["content"][PROBLEM_JSON]["schema"] == {
        "$ref": "#/components/schemas/ValidationProblem"
    }
    assert responses["409"]["content"][PROBLEM_JSON]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


async def test_openapi_has_no_422_in_plain_application_json(openapi: dict[str, Any]) -> None:
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                if status.startswith(("4", "5")) and status != "503":
                    assert "application/json" not in response.get("content", {}), (
                        path,
                        method,
                        status,
                    )


async def test_docs_page_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in response.text

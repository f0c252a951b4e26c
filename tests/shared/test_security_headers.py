"""Every response carries the headers an API gateway expects; nothing is cacheable by default.

Responses that can carry case or personal data must never sit in a cache (``Cache-Control:
no-store``); a route serving public reference data opts in to caching explicitly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from shared.config import BaseServiceSettings
from shared.http_api.app import create_service_app

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
}


@pytest.fixture
async def headers_client(settings: BaseServiceSettings) -> AsyncIterator[httpx.AsyncClient]:
    router = APIRouter()

    @router.get("/v1/things/1")
    async def thing() -> dict[str, str]:
        return {"summary": "personal data"}

    @router.get("/v1/reference/list")
    async def reference() -> JSONResponse:
        return JSONResponse(["a", "b"], headers={"Cache-Control": "public, max-age=3600"})

    app: FastAPI = create_service_app(
        settings=settings.model_copy(update={"max_body_bytes": 1024}),
        title="t", version="0.1.0", description="t", routers=[router], configure_logs=False,
    )  # fmt: skip
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _responses(c: httpx.AsyncClient) -> list[httpx.Response]:
    return [
        await c.get("/v1/things/1"),  # a plain route
        await c.get("/health/live"),  # a health probe
        await c.get("/v1/nowhere"),  # a 404 problem from a handler
        await c.post("/v1/things/1", content=b"x" * 4096),  # 413 from the middleware itself
    ]


async def test_every_response_has_the_security_headers(headers_client: httpx.AsyncClient) -> None:
    responses = await _responses(headers_client)
    assert [r.status_code for r in responses] == [200, 200, 404, 413]
    for r in responses:
        for name, value in EXPECTED.items():
            assert r.headers.get(name) == value, (r.request.url, name)


async def test_nothing_is_cacheable_unless_the_route_says_so(
    headers_client: httpx.AsyncClient,
) -> None:
    for r in await _responses(headers_client):
        assert r.headers["cache-control"] == "no-store", r.request.url
    public = await headers_client.get("/v1/reference/list")
    assert public.headers["cache-control"] == "public, max-age=3600"
    assert len(public.headers.get_list("cache-control")) == 1

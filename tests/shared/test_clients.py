"""Outgoing calls: correlation id, service token for the callee, retries, 503 when down."""

from pathlib import Path

import httpx
import pytest

from shared.auth import TokenVerifier
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.config import DEV_ISSUER, BaseServiceSettings
from shared.errors import UpstreamUnavailable
from shared.logging import reset_request_id, set_request_id


def _provider(keys: Path) -> DevServiceTokenProvider:
    return DevServiceTokenProvider(keys_dir=keys, issuer=DEV_ISSUER, subject="intake-api")


async def test_passes_request_id_and_a_service_token_for_the_callee(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    client = ServiceClient(
        base_url="http://assessment",
        audience="assessment-api",
        tokens=_provider(tmp_path),
        transport=httpx.MockTransport(handler),
    )
    token = set_request_id("req-123")
    try:
        r = await client.request("GET", "/v1/thing")
    finally:
        reset_request_id(token)
        await client.aclose()
    assert r.status_code == 200
    assert seen[0].headers["x-request-id"] == "req-123"
    bearer = seen[0].headers["authorization"].removeprefix("Bearer ")
    callee = BaseServiceSettings(
        database_url="postgresql://x@localhost/x",
        ENV="testing",
        dev_keys_dir=tmp_path,
        jwt_audience="assessment-api",
    )
    principal = await TokenVerifier(callee).verify(bearer)
    assert principal.is_service
    assert principal.sub == "intake-api"


async def test_retries_idempotent_calls_on_503_then_succeeds(tmp_path: Path) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503 if calls < 3 else 200)

    client = ServiceClient(
        base_url="http://x",
        audience="x",
        tokens=_provider(tmp_path),
        transport=httpx.MockTransport(handler),
    )
    r = await client.request("GET", "/")
    await client.aclose()
    assert r.status_code == 200
    assert calls == 3


async def test_never_retries_a_post(tmp_path: Path) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("down", request=request)

    client = ServiceClient(
        base_url="http://x",
        audience="x",
        tokens=_provider(tmp_path),
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(UpstreamUnavailable):
        await client.request("POST", "/", json={})
    await client.aclose()
    assert calls == 1


async def test_unreachable_dependency_gives_503_not_a_guess(tmp_path: Path) -> None:
    client = ServiceClient(
        base_url="http://127.0.0.1:1",
        audience="x",
        tokens=_provider(tmp_path),
        attempts=2,
    )
    with pytest.raises(UpstreamUnavailable) as info:
        await client.request("GET", "/health/ready")
    await client.aclose()
    assert info.value.status == 503


async def test_dev_tokens_are_cached_per_audience(tmp_path: Path) -> None:
    provider = _provider(tmp_path)
    a1 = await provider.token_for("a")
    assert await provider.token_for("a") == a1
    assert await provider.token_for("b") != a1

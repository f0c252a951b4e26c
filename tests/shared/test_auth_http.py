"""Bearer auth, roles and the per-principal rate limit at the HTTP edge (DESIGN §4).

The token verifier's full negative matrix is unit-tested in test_auth.py; here a compact
version checks that each defect reaches the client as a 401 problem with WWW-Authenticate.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case
from shared.auth import mint_dev_token
from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES
from shared.errors import PROBLEM_TYPE_BASE, RateLimited
from shared.ratelimit import FailureLimiter, TokenBucketLimiter

PROBLEM_JSON = "application/problem+json"
VALID_CASE = {"case_type": "complaint", "channel": "online_form", "received_date": "2026-11-02"}

TokenFactory = Callable[..., str]
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


def _b64(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    claims: dict[str, Any] = {
        "iss": DEV_ISSUER,
        "sub": "mallory",
        "aud": "intake-api",
        "roles": ["caseworker"],
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(overrides)
    return claims


def _authorization(kind: str, make_token: TokenFactory, keys_dir: Path) -> dict[str, str]:
    """The Authorization header for one defect in the negative matrix."""
    if kind == "missing":
        return {}
    if kind == "basic":
        return {"Authorization": "Basic YWxpY2U6c2VjcmV0"}
    if kind == "empty-bearer":
        return {"Authorization": "Bearer"}
    if kind == "garbage":
        return {"Authorization": "Bearer not.a-jwt.at-all"}
    if kind == "alg-none":
        return {"Authorization": f"Bearer {_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}."}
    if kind == "bad-signature":
        header, payload, sig = make_token("caseworker").split(".")
        tampered = _b64({**json.loads(base64.urlsafe_b64decode(payload + "==")), "sub": "root"})
        return {"Authorization": f"Bearer {header}.{tampered}.{sig}"}
    if kind == "expired":
        token = mint_dev_token(
            keys_dir=keys_dir,
            issuer=DEV_ISSUER,
            audience=DEV_TOKEN_AUDIENCES,
            sub="late",
            roles=["caseworker"],
            ttl_seconds=60,
            now=datetime.now(UTC) - timedelta(seconds=180),  # expired 120 s ago
        )
        return {"Authorization": f"Bearer {token}"}
    if kind == "wrong-audience":
        return {"Authorization": f"Bearer {make_token('caseworker', audience='other-api')}"}
    if kind == "wrong-issuer":
        token = mint_dev_token(
            keys_dir=keys_dir,
            issuer="someone-else",
            audience="intake-api",
            sub="x",
            roles=["caseworker"],
        )
        return {"Authorization": f"Bearer {token}"}
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "missing",
        "basic",
        "empty-bearer",
        "garbage",
        "alg-none",
        "bad-signature",
        "expired",
        "wrong-audience",
        "wrong-issuer",
    ],
)
async def test_bad_credentials_get_401_problem_with_www_authenticate(
    client: httpx.AsyncClient, make_token: TokenFactory, dev_keys_dir: Path, kind: str
) -> None:
    headers = _authorization(kind, make_token, dev_keys_dir)

    response = await client.get(f"/v1/cases/{uuid.uuid4()}", headers=headers)

    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    # The token is never echoed back.
    credential = headers.get("Authorization", "").partition(" ")[2]
    if credential:
        assert credential not in response.text


async def test_valid_reader_token_passes_auth(
    client: httpx.AsyncClient, auth_headers: AuthHeaders
) -> None:
    # Control for the matrix above: the same request with a good token gets past auth.
    response = await client.get(f"/v1/cases/{uuid.uuid4()}", headers=auth_headers("caseworker"))

    assert_problem(response, 404, "case-not-found")
    assert "www-authenticate" not in response.headers


@pytest.mark.parametrize("roles", [("integration",), (), ("clinical_adviser", "not-a-role")])
async def test_valid_token_without_a_reading_role_gets_403(
    client: httpx.AsyncClient, make_token: TokenFactory, roles: tuple[str, ...]
) -> None:
    token = make_token(*roles)

    response = await client.get(
        f"/v1/cases/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}"}
    )

    body = assert_problem(response, 403, "forbidden")
    assert body["title"] == "Forbidden"
    assert "www-authenticate" not in response.headers


@pytest.mark.parametrize("role", ["caseworker", "auditor", "integration"])
async def test_create_case_without_intake_role_gets_403_and_creates_nothing(
    client: httpx.AsyncClient, auth_headers: AuthHeaders, session: AsyncSession, role: str
) -> None:
    before = await session.scalar(select(func.count()).select_from(Case))

    response = await client.post("/v1/cases", json=VALID_CASE, headers=auth_headers(role))

    assert_problem(response, 403, "forbidden")
    assert await session.scalar(select(func.count()).select_from(Case)) == before


async def test_create_case_without_token_gets_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/cases", json=VALID_CASE)

    assert_problem(response, 401, "unauthorized")
    assert "www-authenticate" in response.headers


# --- rate limit ---------------------------------------------------------------------------------


async def test_third_request_in_a_burst_of_two_gets_429_with_retry_after(
    app: FastAPI, client: httpx.AsyncClient, auth_headers: AuthHeaders
) -> None:
    app.state.rate_limiter = TokenBucketLimiter(rate_per_minute=1, burst=2)
    alice = auth_headers("caseworker", sub="alice")
    bob = auth_headers("caseworker", sub="bob")
    path = f"/v1/cases/{uuid.uuid4()}"

    first = await client.get(path, headers=alice)
    second = await client.get(path, headers=alice)
    third = await client.get(path, headers=alice)
    other = await client.get(path, headers=bob)

    assert [first.status_code, second.status_code] == [404, 404]
    assert_problem(third, 429, "rate-limited")
    retry_after = int(third.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert other.status_code == 404


async def test_rate_limit_follows_the_subject_not_the_token(
    app: FastAPI, client: httpx.AsyncClient, auth_headers: AuthHeaders
) -> None:
    app.state.rate_limiter = TokenBucketLimiter(rate_per_minute=1, burst=1)
    path = f"/v1/cases/{uuid.uuid4()}"

    first = await client.get(path, headers=auth_headers("caseworker", sub="carol"))
    # A freshly minted token for the same subject shares the bucket.
    second = await client.get(path, headers=auth_headers("caseworker", sub="carol"))

    assert first.status_code == 404
    assert_problem(second, 429, "rate-limited")


def test_token_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    limiter = TokenBucketLimiter(rate_per_minute=1, burst=2)
    limiter.check("k", now=0.0)
    limiter.check("k", now=0.0)

    with pytest.raises(RateLimited) as first_refusal:
        limiter.check("k", now=0.0)
    assert first_refusal.value.headers["Retry-After"] == "60"

    with pytest.raises(RateLimited) as half_way:
        limiter.check("k", now=30.0)  # half a token back
    assert half_way.value.headers["Retry-After"] == "30"

    limiter.check("k", now=60.0)  # one whole token after a minute
    with pytest.raises(RateLimited):
        limiter.check("k", now=60.0)


def test_token_bucket_never_holds_more_than_the_burst() -> None:
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=3)
    limiter.check("k", now=0.0)

    for _ in range(3):
        limiter.check("k", now=10_000.0)
    with pytest.raises(RateLimited) as refusal:
        limiter.check("k", now=10_000.0)
    assert refusal.value.headers["Retry-After"] == "1"


def test_token_bucket_keys_are_independent() -> None:
    limiter = TokenBucketLimiter(rate_per_minute=30, burst=1)
    limiter.check("a", now=0.0)

    limiter.check("b", now=0.0)
    with pytest.raises(RateLimited) as refusal:
        limiter.check("a", now=0.5)
    # Half a token per second: 0.75 tokens short after 0.5 s, so 1.5 s, rounded up.
    assert refusal.value.headers["Retry-After"] == "2"


def test_token_bucket_forgets_the_oldest_key_beyond_max_keys() -> None:
    limiter = TokenBucketLimiter(rate_per_minute=1, burst=1, max_keys=2)
    limiter.check("a", now=0.0)
    limiter.check("b", now=0.0)
    limiter.check("c", now=0.0)  # evicts "a", the least recently used

    limiter.check("a", now=0.0)  # a fresh bucket again
    with pytest.raises(RateLimited):
        limiter.check("c", now=0.0)


async def test_service_principals_are_not_rate_limited(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    from shared.ratelimit import TokenBucketLimiter

    app.state.rate_limiter = TokenBucketLimiter(rate_per_minute=1, burst=1)
    h = auth_headers("service", sub="intake-api")
    statuses = [
        (await client.get(f"/v1/cases/{uuid.uuid4()}", headers=h)).status_code for _ in range(3)
    ]
    assert statuses == [404, 404, 404]


async def test_a_token_with_service_beside_a_human_role_is_rate_limited_as_that_human(
    app: FastAPI, client: httpx.AsyncClient, auth_headers: AuthHeaders
) -> None:
    app.state.rate_limiter = TokenBucketLimiter(rate_per_minute=1, burst=1)
    h = auth_headers("service", "intake_caseworker", sub="dual-role-person")
    path = f"/v1/cases/{uuid.uuid4()}"

    first = await client.get(path, headers=h)
    second = await client.get(path, headers=h)

    assert first.status_code == 404
    assert_problem(second, 429, "rate-limited")


# --- failed authentications per client address --------------------------------------------------


async def test_bad_signatures_from_one_address_get_429_with_retry_after_after_the_limit(
    app: FastAPI, client: httpx.AsyncClient, make_token: TokenFactory, dev_keys_dir: Path
) -> None:
    app.state.auth_failure_limiter = FailureLimiter(limit=3, window_s=60)
    forged = _authorization("bad-signature", make_token, dev_keys_dir)
    path = f"/v1/cases/{uuid.uuid4()}"

    failures = [await client.get(path, headers=forged) for _ in range(3)]
    refused = await client.get(path, headers=forged)
    # A fresh, valid token from the same address is refused too: it would need a signature check.
    fresh = await client.get(path, headers={"Authorization": f"Bearer {make_token('caseworker')}"})

    assert [r.status_code for r in failures] == [401, 401, 401]
    for r in (refused, fresh):
        body = assert_problem(r, 429, "rate-limited")
        assert body["detail"] == "Too many failed authentication attempts from this address"
        assert 1 <= int(r.headers["retry-after"]) <= 20  # 3 per 60 s: one back every 20 s


async def test_an_address_over_its_failure_limit_keeps_tokens_verified_before(
    app: FastAPI, client: httpx.AsyncClient, make_token: TokenFactory, dev_keys_dir: Path
) -> None:
    # Behind a gateway many people share one address: one of them guessing must not lock out
    # the others, whose tokens were verified before.
    app.state.auth_failure_limiter = FailureLimiter(limit=1, window_s=60)
    good = {"Authorization": f"Bearer {make_token('caseworker')}"}
    path = f"/v1/cases/{uuid.uuid4()}"
    assert (await client.get(path, headers=good)).status_code == 404

    bad = await client.get(path, headers=_authorization("garbage", make_token, dev_keys_dir))
    blocked = await client.get(path, headers=_authorization("expired", make_token, dev_keys_dir))
    still = await client.get(path, headers=good)

    assert bad.status_code == 401
    assert_problem(blocked, 429, "rate-limited")
    assert still.status_code == 404


async def test_the_failure_limit_is_per_address(
    app: FastAPI, make_token: TokenFactory, dev_keys_dir: Path
) -> None:
    app.state.auth_failure_limiter = FailureLimiter(limit=1, window_s=60)
    forged = _authorization("bad-signature", make_token, dev_keys_dir)
    path = f"/v1/cases/{uuid.uuid4()}"

    async def from_address(host: str) -> int:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(host, 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return (await c.get(path, headers=forged)).status_code

    assert [await from_address("192.0.2.1"), await from_address("192.0.2.1")] == [401, 429]
    assert await from_address("192.0.2.2") == 401


async def test_the_failure_limit_comes_from_the_settings(app: FastAPI) -> None:
    limiter = app.state.auth_failure_limiter
    assert isinstance(limiter, FailureLimiter)
    assert (limiter.limit, limiter.rate) == (20, 20 / 60)


def test_failure_budget_refills_over_the_window() -> None:
    limiter = FailureLimiter(limit=2, window_s=60)
    limiter.check("a", now=0.0)  # never failed: nothing to refuse
    limiter.record("a", now=0.0)
    limiter.record("a", now=0.0)

    with pytest.raises(RateLimited) as refusal:
        limiter.check("a", now=0.0)
    assert refusal.value.headers["Retry-After"] == "30"
    limiter.check("b", now=0.0)
    limiter.check("a", now=30.0)  # one failure's worth back after half the window

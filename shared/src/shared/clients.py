"""Outgoing HTTP between services (DESIGN §2, synchronous queries).

Every call carries the correlation id (``X-Request-ID``) and a short-lived service token whose
``aud`` is the callee. Idempotent methods are retried on connection errors and 502/503/504 with
a short backoff; nothing else is retried. When the callee stays unreachable the caller gets
``UpstreamUnavailable`` (503): it never guesses an answer.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from shared.auth import Role, mint_dev_token
from shared.config import BaseServiceSettings
from shared.errors import UpstreamUnavailable
from shared.logging import get_request_id

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})
DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)


class ServiceTokenProvider(Protocol):
    """Gives a bearer token for calls to ``audience``."""

    async def token_for(self, audience: str) -> str: ...


@dataclass
class DevServiceTokenProvider:
    """Mints ``service``-role tokens with the local dev key (development and testing only)."""

    keys_dir: Path
    issuer: str
    subject: str
    ttl_seconds: int = 300
    _cache: dict[str, tuple[str, float]] = field(default_factory=dict)

    async def token_for(self, audience: str) -> str:
        """A cached token for ``audience``, renewed a minute before it expires."""
        cached = self._cache.get(audience)
        now = time.monotonic()
        if cached and cached[1] > now:
            return cached[0]
        token = mint_dev_token(
            keys_dir=self.keys_dir,
            issuer=self.issuer,
            audience=audience,
            sub=self.subject,
            roles=[Role.service.value],
            ttl_seconds=self.ttl_seconds,
        )
        self._cache[audience] = (token, now + max(1, self.ttl_seconds - 60))
        return token


class RetryingTransport(httpx.AsyncBaseTransport):
    """Retries idempotent requests on transport errors and 502/503/504."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, *, attempts: int = 3, backoff_s: float = 0.05
    ) -> None:
        self.inner = inner
        self.attempts = attempts
        self.backoff_s = backoff_s

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retryable = request.method in IDEMPOTENT_METHODS
        attempts = self.attempts if retryable else 1
        for attempt in range(1, attempts + 1):
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError:
                if attempt == attempts:
                    raise
            else:
                if response.status_code not in RETRY_STATUSES or attempt == attempts:
                    return response
                await response.aclose()
            await asyncio.sleep(self.backoff_s * (2 ** (attempt - 1)) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        await self.inner.aclose()


class ServiceClient:
    """A client for one callee service."""

    def __init__(
        self,
        *,
        base_url: str,
        audience: str,
        tokens: ServiceTokenProvider,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        attempts: int = 3,
    ) -> None:
        self.audience = audience
        self.tokens = tokens
        inner = transport or httpx.AsyncHTTPTransport()
        self.http = httpx.AsyncClient(
            base_url=base_url,
            transport=RetryingTransport(inner, attempts=attempts),
            timeout=timeout,
        )

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request with token and correlation id; 503 ``UpstreamUnavailable`` if down."""
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Authorization"] = f"Bearer {await self.tokens.token_for(self.audience)}"
        if rid := get_request_id():
            headers["X-Request-ID"] = rid
        try:
            response = await self.http.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(f"{self.audience} is unreachable") from exc
        if response.status_code in RETRY_STATUSES:
            raise UpstreamUnavailable(f"{self.audience} answered {response.status_code}")
        return response

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()


@dataclass
class ClientCredentialsTokenProvider:
    """OAuth2 client-credentials tokens (Entra ID style ``<audience>/.default`` scope), cached."""

    token_url: str
    client_id: str
    client_secret: str
    http: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=5.0))
    _cache: dict[str, tuple[str, float]] = field(default_factory=dict)

    async def token_for(self, audience: str) -> str:
        """A cached access token for ``audience``, renewed a minute before it expires."""
        cached = self._cache.get(audience)
        now = time.monotonic()
        if cached and cached[1] > now:
            return cached[0]
        try:
            response = await self.http.post(
                self.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "scope": f"{audience}/.default",
                },
            )
            response.raise_for_status()
            body = response.json()
            token, expires_in = str(body["access_token"]), int(body.get("expires_in", 300))
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise UpstreamUnavailable("The token endpoint did not issue a service token") from exc
        self._cache[audience] = (token, now + max(1, expires_in - 60))
        return token


def token_provider_for(settings: BaseServiceSettings) -> ServiceTokenProvider:
    """Client credentials when configured; otherwise (development, testing) the dev issuer."""
    if settings.service_token_url and settings.service_client_id and settings.service_client_secret:
        return ClientCredentialsTokenProvider(
            token_url=settings.service_token_url,
            client_id=settings.service_client_id,
            client_secret=settings.service_client_secret.get_secret_value(),
        )
    if not settings.is_dev_or_test:
        raise RuntimeError("Service tokens need service_token_url and client credentials")
    return DevServiceTokenProvider(
        keys_dir=settings.dev_keys_dir, issuer=settings.jwt_issuer, subject=settings.service_name
    )

"""Pure ASGI middleware: correlation id, body limit, access log, metrics, last-resort 500.

One middleware instead of a stack of ``BaseHTTPMiddleware``s: it is cheaper per request and sees
every response, including the 500 it renders itself when an error escapes the app.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http_api.route_templates import route_template
from shared.logging import accept_or_new_request_id, reset_request_id, set_request_id

access_log = logging.getLogger("casework.access")
error_log = logging.getLogger("casework.error")

# Orchestrators call these every few seconds: their access lines are at DEBUG, out of the
# INFO stream (they are still counted in http_requests_total).
PROBE_ROUTES = frozenset({"/health/live", "/health/ready"})

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HttpMetrics:
    """Request count and latency per route template, in the app's own registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency by method and route template",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )


def _problem_bytes(status: int, slug: str, title: str, detail: str, request_id: str) -> bytes:
    import json

    from shared.errors import PROBLEM_TYPE_BASE

    return json.dumps(
        {
            "type": PROBLEM_TYPE_BASE + slug,
            "title": title,
            "status": status,
            "detail": detail,
            "request_id": request_id,
        }
    ).encode()


# Every response carries what an API gateway expects. A response that names no Cache-Control is
# not cacheable: case and personal data must never sit in a browser's or a proxy's cache, and a
# route serving public reference data says so explicitly.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
)


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` plus each security header the response does not already set."""
    present = {name.lower() for name, _ in headers}
    return headers + [(name, value) for name, value in SECURITY_HEADERS if name not in present]


class RequestContextMiddleware:
    """Sets X-Request-ID, caps the body, logs access as JSON and records metrics."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, metrics: HttpMetrics) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        incoming = None
        content_length: int | None = None
        for key, value in scope.get("headers", ()):
            if key == b"x-request-id":
                incoming = value.decode("latin-1")
            elif key == b"content-length":
                try:
                    content_length = int(value)
                except ValueError:
                    content_length = None
        request_id = accept_or_new_request_id(incoming)
        token = set_request_id(request_id)
        rid_header = (b"x-request-id", request_id.encode())
        started = time.perf_counter()
        status_holder: dict[str, Any] = {"status": 500, "started": False}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                message["headers"] = with_security_headers(
                    [*message.get("headers", []), rid_header]
                )
            await send(message)

        received = 0

        async def receive_wrapper() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # An HTTPException, not an AppError: FastAPI re-raises HTTPExceptions from
                    # body parsing but turns any other error there into a 400.
                    raise HTTPException(
                        413, detail=f"The request body exceeds {self.max_body_bytes} bytes"
                    )
            return message

        try:
            if content_length is not None and content_length > self.max_body_bytes:
                await self._send_problem(
                    send_wrapper,
                    413,
                    "payload-too-large",
                    "Request body too large",
                    f"The request body exceeds {self.max_body_bytes} bytes",
                    request_id,
                )
            else:
                await self.app(scope, receive_wrapper, send_wrapper)
        except Exception:
            error_log.exception("unhandled error escaped the app")
            if not status_holder["started"]:
                await self._send_problem(
                    send_wrapper,
                    500,
                    "internal-error",
                    "Internal server error",
                    "An unexpected error occurred. Quote the request_id when reporting it.",
                    request_id,
                )
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            method = scope.get("method", "")
            status = status_holder["status"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            access_log.log(
                logging.DEBUG if route in PROBE_ROUTES else logging.INFO,
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            reset_request_id(token)

    @staticmethod
    async def _send_problem(
        send: Send, status: int, slug: str, title: str, detail: str, request_id: str
    ) -> None:
        body = _problem_bytes(status, slug, title, detail, request_id)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": with_security_headers(
                    [
                        (b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode()),
                    ]
                ),
            }
        )
        await send({"type": "http.response.body", "body": body})

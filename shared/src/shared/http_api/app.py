"""The app factory every service uses.

It wires settings, the database lifespan, auth, rate limiting, the request-context middleware,
problem handlers, health and metrics, and an OpenAPI document with the problem schemas.
"""

from __future__ import annotations

import asyncio
import copy
import functools
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from prometheus_client import CollectorRegistry
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.routing import BaseRoute

from shared.auth import TokenVerifier
from shared.calendar import WorkingCalendar
from shared.clock import SystemClock
from shared.config import BaseServiceSettings, Environment
from shared.db import Database, create_engine
from shared.db_roles import check_service_role
from shared.http_api import health
from shared.http_api.docs import install_docs
from shared.http_api.middleware import HttpMetrics, RequestContextMiddleware
from shared.http_api.problems import (
    PROBLEM_JSON,
    Problem,
    ValidationProblem,
    install_problem_handlers,
)
from shared.idempotency import REPLAY_HEADER, IdempotentReplay, purge_periodically
from shared.inbox.handlers import EventHandlers
from shared.inbox.router import inbox_router
from shared.logging import configure_logging
from shared.metrics import PoolCollector, WorkQueue, WorkQueueMetrics, add_runtime_collectors
from shared.outbox.router import router as outbox_router
from shared.outbox.runtime import outbox_check, relay_leader_check, relay_lifespan
from shared.ratelimit import FailureLimiter, TokenBucketLimiter
from shared.schemas import NO_NUL
from shared.supervise import BackgroundTasks, Supervisor

LifespanHook = Callable[[FastAPI], AbstractAsyncContextManager[None]]

# CORS: what a browser page on an allowed origin may send, and which response headers its script
# may read (a created resource's Location and ETag, the correlation id, a replay's marker, when
# to retry).
CORS_METHODS = ["GET", "POST", "PATCH", "DELETE"]
CORS_REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "Idempotency-Key",
    "X-Request-ID",
    "X-Override-Reason",
]
CORS_EXPOSED_HEADERS = ["ETag", "Location", "X-Request-ID", REPLAY_HEADER, "Retry-After"]

COMMON_TAGS = [
    {"name": "operations", "description": "Liveness, readiness and Prometheus metrics."},
]


async def _replay(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IdempotentReplay)
    return exc.response


async def _purge_idempotency_keys(app: FastAPI, interval_s: float, stop: asyncio.Event) -> None:
    # The app's database and clock as they are when the task (re)starts: tests swap both.
    await purge_periodically(app.state.db, app.state.clock, interval_s=interval_s, stop=stop)


def create_service_app(
    *,
    settings: BaseServiceSettings,
    title: str,
    version: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    internal_routers: Sequence[APIRouter] = (),
    openapi_tags: Sequence[dict[str, Any]] = (),
    lifespan_hooks: Sequence[LifespanHook] = (),
    event_handlers: EventHandlers | None = None,
    work_queues: Sequence[WorkQueue] = (),
    configure_logs: bool = True,
) -> FastAPI:
    """Build a service's FastAPI app. No I/O happens until the lifespan starts.

    ``internal_routers`` serve ``/internal/...`` to other services (service token): they are left
    out of the public OpenAPI and documented in ``internal_openapi``. ``work_queues`` are counted
    on ``/metrics`` at each scrape (``shared.metrics``).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if configure_logs:
            configure_logging(settings.log_level, service=settings.service_name)
        async with AsyncExitStack() as stack:
            # Tests install their own Database before the app starts; keep it if present.
            if getattr(app.state, "db", None) is None:
                engine = create_engine(
                    settings.database_url.get_secret_value(),
                    application_name=settings.service_name,
                    pool_size=settings.db_pool_size,
                    max_overflow=settings.db_max_overflow,
                    pool_recycle_s=settings.db_pool_recycle_s,
                    statement_timeout_ms=settings.db_statement_timeout_ms,
                    lock_timeout_ms=settings.db_lock_timeout_ms,
                    pool_timeout=settings.db_pool_timeout_s,
                )
                app.state.db = Database.from_engine(engine)
                stack.push_async_callback(app.state.db.dispose)
                # Production refuses a role that could bypass the audit trail.
                production = settings.env is Environment.production
                await check_service_role(engine, production=production)
            stack.push_async_callback(app.state.verifier.aclose)
            # Every background task runs supervised (restarted on any crash, counted in
            # background_task_crashes_total) and stops before the database is disposed.
            background: BackgroundTasks = app.state.background
            stack.push_async_callback(background.stop)
            background.start(
                "idempotency-purge",
                functools.partial(
                    _purge_idempotency_keys, app, settings.idempotency_purge_interval_s
                ),
            )
            for hook in (*lifespan_hooks, relay_lifespan):
                await stack.enter_async_context(hook(app))
            yield

    app = FastAPI(
        title=title,
        version=version,
        description=description,
        openapi_tags=[*openapi_tags, *COMMON_TAGS],
        lifespan=lifespan,
        # Served by install_docs from vendored assets, not FastAPI's CDN-backed pages.
        docs_url=None,
        redoc_url=None,
    )
    registry = CollectorRegistry()
    app.state.settings = settings
    app.state.db = None
    app.state.clock = SystemClock()
    app.state.calendar = WorkingCalendar(settings.office_closure_dates)
    app.state.verifier = TokenVerifier(settings)
    app.state.rate_limiter = TokenBucketLimiter(
        rate_per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst
    )
    app.state.auth_failure_limiter = FailureLimiter(
        limit=settings.auth_failure_limit, window_s=settings.auth_failure_window_s
    )
    app.state.metrics_registry = registry
    add_runtime_collectors(registry)
    registry.register(PoolCollector(lambda: app.state.db))
    app.state.work_queue_metrics = WorkQueueMetrics(
        registry, work_queues, timeout_s=settings.metrics_queue_timeout_s
    )
    app.state.background = BackgroundTasks(Supervisor(registry))
    app.state.readiness_checks = [health.database_check, outbox_check]
    if settings.subscribers:
        app.state.readiness_checks.append(relay_leader_check)

    install_problem_handlers(app)
    app.add_exception_handler(IdempotentReplay, _replay)
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        metrics=HttpMetrics(registry),
    )
    if settings.cors_origins:
        # Outermost, so that every answer a browser reads carries the CORS headers: the 413 and
        # 500 problems the request-context middleware renders itself too.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            allow_credentials=settings.cors_allow_credentials,
            max_age=settings.cors_max_age_s,
        )
    install_docs(app)
    app.include_router(health.router)
    internal = [outbox_router]
    if event_handlers is not None:
        internal.append(inbox_router(event_handlers))
    internal.extend(internal_routers)
    for router in internal:
        app.include_router(router)
    app.state.internal_routers = internal
    for router in routers:
        app.include_router(router)

    def openapi() -> dict[str, Any]:
        if not app.openapi_schema:
            app.openapi_schema = build_openapi(app, app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def build_openapi(app: FastAPI, routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI document of ``routes``, with the problem schemas and the house conventions."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=routes,
        tags=app.openapi_tags,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, ValidationProblem):
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in model_schema.pop("$defs", {}).items():
            components.setdefault(name, sub)
        components[model.__name__] = model_schema
    retention_hours = app.state.settings.idempotency_retention_hours
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method in ("patch", "delete"):
                _require_if_match(operation)
            _state_idempotency_retention(operation, retention_hours)
            # FastAPI documents its own 422 shape; ours is a validation problem.
            responses = operation.get("responses", {})
            if "422" in responses:
                responses["422"] = {
                    "description": "Request validation failed",
                    "content": {
                        PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ValidationProblem"}}
                    },
                }
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    _state_no_nul(schema)
    return schema


def internal_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of the app's internal routes (``/internal/...``, service role).

    The public document leaves them out; operators and the contract tests read this one.
    """
    routes: list[BaseRoute] = []
    for router in app.state.internal_routers:
        for route in router.routes:
            shown = copy.copy(route)
            shown.include_in_schema = True
            routes.append(shown)
    return build_openapi(app, routes)


def _require_if_match(operation: dict[str, Any]) -> None:
    """Document ``If-Match`` as required where it is (PATCH and DELETE, DESIGN §3).

    The dependency itself takes it as optional so that a missing header is a 428 problem from
    ``check_if_match`` rather than FastAPI's 422.
    """
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name", "").lower() == "if-match":
            parameter["required"] = True
            schema = parameter.get("schema", {})
            # A header is present or absent; it is never JSON null.
            branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
            if len(branches) == 1:
                keep = {k: v for k, v in schema.items() if k != "anyOf"}
                parameter["schema"] = {**branches[0], **keep}


def _state_idempotency_retention(operation: dict[str, Any], hours: int) -> None:
    """State the one replay window, the service's ``idempotency_retention_hours``."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name") == "Idempotency-Key":
            parameter["description"] = (
                f"Makes this POST safe to retry: for {hours} hours a replay with the same key "
                "and body returns the stored response, the same key with another body is 422 "
                "and, while the first request runs, 409. The key and the stored response are "
                "then deleted."
            )


def _state_no_nul(schema: dict[str, Any]) -> None:
    """Give every free-text string a request can carry ``pattern: NO_NUL``.

    PostgreSQL text cannot hold NUL; the problem handlers refuse it with a 422
    (``unstorable-text``), and this states the rule where clients read it. Strings with a
    pattern, format or fixed values already say what they hold. Responses are left alone: a
    validation problem may quote the odd field name a client sent.
    """
    components = schema.get("components", {}).get("schemas", {})
    roots: list[Any] = []
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            roots.extend(p.get("schema") for p in operation.get("parameters", []))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                roots.append(media.get("schema"))
    seen: set[str] = set()
    while roots:
        node = roots.pop()
        if isinstance(node, list):
            roots.extend(node)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in seen and name in components:
                    seen.add(name)
                    roots.append(components[name])
            if node.get("type") == "string" and not (
                {"pattern", "format", "enum", "const"} & node.keys()
            ):
                node["pattern"] = NO_NUL
            roots.extend(v for k, v in node.items() if k not in ("examples", "example", "default"))

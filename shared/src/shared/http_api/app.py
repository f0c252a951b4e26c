"""The app factory every service uses.

It wires settings, the database lifespan, auth, rate limiting, the request-context middleware,
problem handlers, health and metrics, and an OpenAPI document with the problem schemas.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from prometheus_client import CollectorRegistry

from shared.auth import TokenVerifier
from shared.calendar import WorkingCalendar
from shared.clock import SystemClock
from shared.config import BaseServiceSettings
from shared.db import Database, create_engine
from shared.http_api import health
from shared.http_api.middleware import HttpMetrics, RequestContextMiddleware
from shared.http_api.problems import (
    PROBLEM_JSON,
    Problem,
    ValidationProblem,
    install_problem_handlers,
)
from shared.inbox.handlers import EventHandlers
from shared.inbox.router import inbox_router
from shared.logging import configure_logging
from shared.outbox.router import router as outbox_router
from shared.outbox.runtime import outbox_check, relay_lifespan
from shared.ratelimit import TokenBucketLimiter

LifespanHook = Callable[[FastAPI], AbstractAsyncContextManager[None]]

COMMON_TAGS = [
    {"name": "operations", "description": "Liveness, readiness and Prometheus metrics."},
]


def create_service_app(
    *,
    settings: BaseServiceSettings,
    title: str,
    version: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    openapi_tags: Sequence[dict[str, Any]] = (),
    lifespan_hooks: Sequence[LifespanHook] = (),
    event_handlers: EventHandlers | None = None,
    configure_logs: bool = True,
) -> FastAPI:
    """Build a service's FastAPI app. No I/O happens until the lifespan starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if configure_logs:
            configure_logging(settings.log_level)
        async with AsyncExitStack() as stack:
            # Tests install their own Database before the app starts; keep it if present.
            if getattr(app.state, "db", None) is None:
                engine = create_engine(
                    settings.database_url.get_secret_value(),
                    application_name=settings.service_name,
                    pool_size=settings.db_pool_size,
                    max_overflow=settings.db_max_overflow,
                    statement_timeout_ms=settings.db_statement_timeout_ms,
                )
                app.state.db = Database.from_engine(engine)
                stack.push_async_callback(app.state.db.dispose)
            stack.push_async_callback(app.state.verifier.aclose)
            for hook in (*lifespan_hooks, relay_lifespan):
                await stack.enter_async_context(hook(app))
            yield

    app = FastAPI(
        title=title,
        version=version,
        description=description,
        openapi_tags=[*openapi_tags, *COMMON_TAGS],
        lifespan=lifespan,
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
    app.state.metrics_registry = registry
    app.state.readiness_checks = [health.database_check, outbox_check]

    install_problem_handlers(app)
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        metrics=HttpMetrics(registry),
    )
    app.include_router(health.router)
    app.include_router(outbox_router)
    if event_handlers is not None:
        app.include_router(inbox_router(event_handlers))
    for router in routers:
        app.include_router(router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Problem, ValidationProblem):
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in model_schema.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components[model.__name__] = model_schema
        # FastAPI documents its own 422 shape; ours is a validation problem.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if "422" in responses:
                    responses["422"] = {
                        "description": "Request validation failed",
                        "content": {
                            PROBLEM_JSON: {
                                "schema": {"$ref": "#/components/schemas/ValidationProblem"}
                            }
                        },
                    }
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app

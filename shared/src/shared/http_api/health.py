"""Health and metrics endpoints (application/health+json, Prometheus text)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

HEALTH_JSON = "application/health+json"
Status = Literal["pass", "warn", "fail"]


class HealthResponse(JSONResponse):
    """A JSON response served (and documented) as ``application/health+json``."""

    media_type = HEALTH_JSON


class Health(BaseModel):
    """The health check response format for HTTP APIs (draft-inadarei-api-health-check)."""

    model_config = ConfigDict(populate_by_name=True)

    status: Status
    version: str
    release_id: str = Field(alias="releaseId")
    service_id: str = Field(alias="serviceId")
    checks: dict[str, list[dict[str, Any]]] | None = Field(
        default=None, description="Readiness only: each check's observations"
    )


def _documented(description: str) -> dict[str, Any]:
    # With ``response_class=HealthResponse`` FastAPI documents this under application/health+json.
    return {"description": description, "model": Health}


# A readiness check returns (check name, status, details) and must not raise.
ReadinessCheck = Callable[[Request], Awaitable[tuple[str, Status, dict[str, Any]]]]

router = APIRouter(tags=["operations"])


def _health(
    status: Status, request: Request, checks: dict[str, Any] | None = None
) -> HealthResponse:
    body: dict[str, Any] = {
        "status": status,
        "version": request.app.version.split(".")[0],
        "releaseId": request.app.version,
        "serviceId": request.app.state.settings.service_name,
    }
    if checks:
        body["checks"] = checks
    return HealthResponse(body, status_code=503 if status == "fail" else 200)


@router.get(
    "/health/live",
    summary="Liveness: the process is up (no I/O)",
    response_class=HealthResponse,
    responses={200: _documented("Live")},
)
async def live(request: Request) -> Response:
    """Liveness: the process is up (no I/O)."""
    return _health("pass", request)


async def database_check(request: Request) -> tuple[str, Status, dict[str, Any]]:
    """``SELECT 1`` within the configured timeout (500 ms by default)."""
    started = time.perf_counter()
    detail: dict[str, Any] = {"componentType": "datastore"}
    try:
        async with asyncio.timeout(request.app.state.settings.ready_timeout_s):
            async with request.app.state.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        status: Status = "pass"
    except Exception as exc:  # any failure to reach the database means not ready
        status = "fail"
        detail["output"] = type(exc).__name__
    detail["observedValue"] = round((time.perf_counter() - started) * 1000, 1)
    detail["observedUnit"] = "ms"
    return "postgresql:responseTime", status, detail


@router.get(
    "/health/ready",
    summary="Readiness: the database answers within the timeout",
    response_class=HealthResponse,
    responses={200: _documented("Ready"), 503: _documented("Not ready")},
)
async def ready(request: Request) -> Response:
    """Readiness: the database answers within the timeout."""
    checks: dict[str, Any] = {}
    overall: Status = "pass"
    for check in request.app.state.readiness_checks:
        name, status, detail = await check(request)
        detail["status"] = status
        detail["time"] = datetime.now(UTC).isoformat()
        checks[name] = [detail]
        if status == "fail" or (status == "warn" and overall == "pass"):
            overall = status
    return _health(overall, request, checks)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "description": "The Prometheus text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def metrics(request: Request) -> Response:
    """Prometheus metrics."""
    state = request.app.state
    await state.work_queue_metrics.refresh(state.db, state.clock)
    return Response(
        generate_latest(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST
    )

"""investigation-api: ``uvicorn --factory investigation_api.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from investigation_api.config import InvestigationSettings
from shared.http_api.app import create_service_app

VERSION = "0.1.0"


def create_app(settings: InvestigationSettings | None = None) -> FastAPI:
    """Build the investigation-api app (no I/O until the lifespan starts)."""
    settings = settings or InvestigationSettings()  # read from the environment
    return create_service_app(
        settings=settings,
        title="investigation-api",
        version=VERSION,
        description="Investigation: milestones, evidence, provisional views, final reports and recommendations (guidance §4–§9).",
        routers=(),
        openapi_tags=(),
    )

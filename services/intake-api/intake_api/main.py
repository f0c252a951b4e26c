"""intake-api: ``uvicorn --factory intake_api.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from intake_api.cases.router import router as cases_router
from intake_api.config import IntakeSettings
from shared.http_api.app import create_service_app

VERSION = "0.1.0"


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    """Build the intake-api app (no I/O until the lifespan starts)."""
    settings = settings or IntakeSettings()  # read from the environment
    return create_service_app(
        settings=settings,
        title="intake-api",
        version=VERSION,
        description="Intake: people, organisations and intake cases, from first contact to hand-off (guidance §1, §2 ¶2.1–2.76).",
        routers=(cases_router,),
        openapi_tags=(
            {"name": "cases", "description": "Intake cases: receipt, gates, triage and hand-off."},
        ),
    )

"""assessment-api: ``uvicorn --factory assessment_api.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from assessment_api.allocations.router import router as allocations_router
from assessment_api.cases.router import router as cases_router
from assessment_api.closing.dependencies import intake_client_lifespan
from assessment_api.closing.router import router as closing_router
from assessment_api.config import AssessmentSettings
from assessment_api.event_handlers import handlers
from shared.http_api.app import create_service_app
from shared.http_api.risk_guard import risk_guard_lifespan

VERSION = "0.1.0"


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    """Build the assessment-api app (no I/O until the lifespan starts)."""
    settings = settings or AssessmentSettings()  # read from the environment
    return create_service_app(
        settings=settings,
        title="assessment-api",
        version=VERSION,
        description="Assessment: allocation, early consideration, further consideration and proposals to investigate (guidance §2 ¶2.77–2.329, §3).",
        routers=(allocations_router, cases_router, closing_router),
        openapi_tags=(
            {"name": "allocation", "description": "The central allocation queue and assignment."},
            {
                "name": "cases",
                "description": "Assessment's case record, opened from intake's referral, and the "
                "decisions that end assessment, each behind the risk guard (XC-RSK-001).",
            },
        ),
        event_handlers=handlers,
        lifespan_hooks=(risk_guard_lifespan, intake_client_lifespan),
    )

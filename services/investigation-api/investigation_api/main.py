"""investigation-api: ``uvicorn --factory investigation_api.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from investigation_api.config import InvestigationSettings
from investigation_api.event_handlers import handlers
from investigation_api.investigations.router import router as investigations_router
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
        routers=(investigations_router,),
        openapi_tags=(
            {
                "name": "investigations",
                "description": "Each case proposed for investigation (T35), opened at Milestone "
                "1 'Investigation Allocated' by assessment's assessment.proposal.issued event: "
                "its organisations tab, parties, named persons, components in scope and the "
                "proposal's comment deadlines (INV-003, C-15; ¶3.102, ¶4.4).",
            },
        ),
        event_handlers=handlers,
    )

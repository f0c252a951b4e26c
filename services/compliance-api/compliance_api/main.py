"""compliance-api: ``uvicorn --factory compliance_api.main:create_app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from compliance_api.config import ComplianceSettings
from compliance_api.event_handlers import handlers
from compliance_api.legal.router import router as legal_router
from compliance_api.resolutions.router import router as resolutions_router
from compliance_api.risk.router import internal_router as risk_internal_router
from compliance_api.risk.router import router as risk_router
from shared.clients import ServiceClient, token_provider_for
from shared.http_api.app import create_service_app
from shared.staff import STAFF_AUDIENCE, StaffDirectory

VERSION = "0.1.0"


def create_app(settings: ComplianceSettings | None = None) -> FastAPI:
    """Build the compliance-api app (no I/O until the lifespan starts)."""
    settings = settings or ComplianceSettings()  # read from the environment
    app = create_service_app(
        settings=settings,
        title="compliance-api",
        version=VERSION,
        description="Compliance and case assurance: compliance items, escalation, risk assessments and statements (guidance §9 ¶9.46–9.100, §10).",
        routers=(risk_router, legal_router, resolutions_router),
        internal_routers=(risk_internal_router,),
        openapi_tags=(
            {
                "name": "risk",
                "description": "Casework risk (guidance §10): assessments with ratings computed "
                "from the matrix, the case's current rating, manager overrides and uplifts; "
                "the high-risk path (manager, AD, oversight, monthly updates), risk tasks, "
                "breach reports and the risk work queues.",
            },
            {
                "name": "legal",
                "description": "Legal-action correspondence (XC-RSK-004, ¶9.44–9.45): Legal "
                "Team referrals due within 24 hours of receipt, the late-referrals work queue, "
                "and Legal risk prompts. Opened by intake's legal_terms_found event.",
            },
            {
                "name": "compliance-items",
                "description": "Compliance items (requirements §B.4). Today the resolution "
                "items (¶3.66): a resolution agreed at assessment (assessment.resolution.agreed) "
                "is recorded here and closed once completed; it is not a recommendation, so it "
                "has no reminders and is never escalated (CMP-023).",
            },
        ),
        lifespan_hooks=(_close_staff_directory,),
        event_handlers=handlers,
    )
    # Built now (no I/O until the first call); tests replace it with one on an in-process app.
    app.state.staff_directory = StaffDirectory(
        ServiceClient(
            base_url=settings.staff_directory_url,
            audience=STAFF_AUDIENCE,
            tokens=token_provider_for(settings),
        )
    )
    return app


@asynccontextmanager
async def _close_staff_directory(app: FastAPI) -> AsyncIterator[None]:
    try:
        yield
    finally:
        directory: StaffDirectory = app.state.staff_directory
        await directory.client.aclose()

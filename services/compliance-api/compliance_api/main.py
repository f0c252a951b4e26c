"""compliance-api: ``uvicorn --factory compliance_api.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from compliance_api.config import ComplianceSettings
from compliance_api.event_handlers import handlers
from compliance_api.legal.router import router as legal_router
from compliance_api.risk.router import internal_router as risk_internal_router
from compliance_api.risk.router import router as risk_router
from shared.http_api.app import create_service_app

VERSION = "0.1.0"


def create_app(settings: ComplianceSettings | None = None) -> FastAPI:
    """Build the compliance-api app (no I/O until the lifespan starts)."""
    settings = settings or ComplianceSettings()  # read from the environment
    return create_service_app(
        settings=settings,
        title="compliance-api",
        version=VERSION,
        description="Compliance and case assurance: compliance items, escalation, risk assessments and statements (guidance §9 ¶9.46–9.100, §10).",
        routers=(risk_router, legal_router),
        internal_routers=(risk_internal_router,),
        openapi_tags=(
            {
                "name": "risk",
                "description": "Casework risk (guidance §10): assessments with ratings computed "
                "from the matrix, the case's current rating, manager overrides and uplifts.",
            },
            {
                "name": "legal",
                "description": "Legal-action correspondence (XC-RSK-004, ¶9.44–9.45): Legal "
                "Team referrals due within 24 hours of receipt, the late-referrals work queue, "
                "and Legal risk prompts. Opened by intake's legal_terms_found event.",
            },
        ),
        event_handlers=handlers,
    )

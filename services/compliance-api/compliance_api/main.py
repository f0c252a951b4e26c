"""compliance-api: ``uvicorn --factory compliance_api.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from compliance_api.config import ComplianceSettings
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
        routers=(),
        openapi_tags=(),
    )

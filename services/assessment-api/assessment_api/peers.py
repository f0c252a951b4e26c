"""assessment-api's client for intake-api, opened once per app and shared by every domain that
reads a case's parties (ids and roles only) or their reasonable adjustments: triage (ASM-048,
ASM-050) and the closing decisions' recipients (ASM-173). DESIGN §1: people live at intake."""

from __future__ import annotations

from assessment_api.config import AssessmentSettings
from shared.clients import ServiceClient, token_provider_for

INTAKE_AUDIENCE = "intake-api"


def intake_client(settings: AssessmentSettings) -> ServiceClient:
    """A client for intake-api with assessment's service tokens."""
    return ServiceClient(
        base_url=settings.intake_url, audience=INTAKE_AUDIENCE, tokens=token_provider_for(settings)
    )

"""The case's current risk rating as other services read it (CMP-114, XC-ROL-007).

compliance-api keeps the ratings (guidance §10); allocation in assessment-api needs the current
one at the moment it allocates: a high rating goes only to a Senior Caseworker (¶10.33, ¶10.62).
``GET /internal/risk/cases/{case_id}/rating`` answers ``CurrentRiskRating`` with a service token;
``rating`` is null while the case has no assessment ("no assessment, no rating"). When
compliance-api cannot be reached the reader raises 503 ``UpstreamUnavailable``: an allocation is
never made on a guessed rating.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.clients import ServiceClient
from shared.errors import UpstreamUnavailable

RISK_AUDIENCE = "compliance-api"


class RiskLevel(StrEnum):
    """CMP-101: low, medium or high (requirements §D.23)."""

    low = "low"
    medium = "medium"
    high = "high"


class CurrentRiskRating(BaseModel):
    """The case's current rating: its latest assessment's overall rating, or none yet."""

    model_config = ConfigDict(
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "case_id": "6f1c1b9e-2f4a-4a39-9d8e-0b7a4c1f5e21",
                    "rating": "high",
                    "assessment_id": "0b0c6a9e-8d59-4b9b-a3c6-1f0e0f6f9a10",
                    "recorded_at": "2026-11-02T09:30:00Z",
                }
            ]
        },
    )

    case_id: uuid.UUID
    rating: RiskLevel | None = Field(description="None while the case has no risk assessment")
    assessment_id: uuid.UUID | None = None
    recorded_at: datetime | None = None


class RiskRatings:
    """Reads a case's current rating from compliance-api; 503 when it cannot be reached."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def current(self, case_id: uuid.UUID) -> CurrentRiskRating:
        """The current rating (``rating`` None if never assessed); never a guess when down."""
        response = await self.client.request("GET", f"/internal/risk/cases/{case_id}/rating")
        if response.status_code != 200:
            raise UpstreamUnavailable(
                f"compliance-api answered {response.status_code} for a case's risk rating"
            )
        return CurrentRiskRating.model_validate_json(response.content)

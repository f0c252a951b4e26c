"""What the closing routes depend on: intake-api's client (opened once per app) and the problem
responses they document."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Path, Request

from assessment_api.closing.intake import INTAKE_AUDIENCE
from shared.auth import CASE_DATA_READERS, Principal
from shared.clients import ServiceClient, token_provider_for
from shared.config import BaseServiceSettings
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses


def intake_client(settings: BaseServiceSettings, base_url: str) -> ServiceClient:
    return ServiceClient(
        base_url=base_url, audience=INTAKE_AUDIENCE, tokens=token_provider_for(settings)
    )


@asynccontextmanager
async def intake_client_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the intake-api client from ``settings.intake_url`` (unless a test set one)."""
    if getattr(app.state, "intake_client", None) is not None:
        yield
        return
    client = intake_client(app.state.settings, app.state.settings.intake_url)
    app.state.intake_client = client
    try:
        yield
    finally:
        app.state.intake_client = None
        await client.aclose()


async def get_intake_client(request: Request) -> ServiceClient:
    """The app's intake-api client, opened on first use when no lifespan opened one."""
    client: ServiceClient | None = getattr(request.app.state, "intake_client", None)
    if client is None:
        settings = request.app.state.settings
        client = intake_client(settings, settings.intake_url)
        request.app.state.intake_client = client
    return client


IntakeClient = Annotated[ServiceClient, Depends(get_intake_client)]

CaseReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]
CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID (intake's case id)")]

RECIPIENTS = problem_responses(401, 403, 404, 422, 429, 503)

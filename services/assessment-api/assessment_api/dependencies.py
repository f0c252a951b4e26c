"""assessment-api's app-wide dependencies: the intake-api client (``assessment_api.peers``),
opened once per app by its lifespan hook and handed to the routes that read from intake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from assessment_api.peers import intake_client
from shared.clients import ServiceClient


@asynccontextmanager
async def intake_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the intake-api client from ``settings.intake_url`` (unless a test set one)."""
    if getattr(app.state, "intake_client", None) is not None:
        yield
        return
    client = intake_client(app.state.settings)
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
        client = intake_client(request.app.state.settings)
        request.app.state.intake_client = client
    return client


IntakeClient = Annotated[ServiceClient, Depends(get_intake_client)]

"""The HTTP side of ``shared.casework.risk_guard``: one compliance-api client per app, opened in
the lifespan, and the dependency a guarded route takes.

A service that needs the guard has a ``compliance_url`` setting and passes
``risk_guard_lifespan`` to ``create_service_app(lifespan_hooks=…)``; its guarded routes depend on
``RiskGuardClient``. Tests install their own client on ``app.state.risk_client`` before the app
starts (an in-process compliance app, or an address nobody listens on).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from shared.casework.risk_guard import RISK_AUDIENCE
from shared.clients import ServiceClient, token_provider_for
from shared.config import BaseServiceSettings


def compliance_client(settings: BaseServiceSettings, base_url: str) -> ServiceClient:
    """A client for compliance-api at ``base_url`` with this service's service tokens."""
    return ServiceClient(
        base_url=base_url, audience=RISK_AUDIENCE, tokens=token_provider_for(settings)
    )


@asynccontextmanager
async def risk_guard_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the compliance-api client from ``settings.compliance_url`` (unless a test set one),
    and close it on shutdown."""
    if getattr(app.state, "risk_client", None) is not None:
        yield
        return
    settings = app.state.settings
    client = compliance_client(settings, settings.compliance_url)
    app.state.risk_client = client
    try:
        yield
    finally:
        app.state.risk_client = None
        await client.aclose()


async def get_risk_client(request: Request) -> ServiceClient:
    """The app's compliance-api client, opened from ``settings.compliance_url`` on first use
    when the lifespan did not open one (an app served without its lifespan)."""
    client: ServiceClient | None = getattr(request.app.state, "risk_client", None)
    if client is None:
        settings = request.app.state.settings
        client = compliance_client(settings, settings.compliance_url)
        request.app.state.risk_client = client
    return client


RiskGuardClient = Annotated[ServiceClient, Depends(get_risk_client)]

"""``POST /internal/events``: where the relays of other services deliver (service role only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from shared.auth import Principal, Role
from shared.db import DbSession
from shared.events.envelope import EventBatch
from shared.http_api.deps import RequireRole
from shared.inbox.handlers import EventHandlers, consume, validate_batch

ServicePrincipal = Annotated[Principal, Depends(RequireRole(Role.service))]


def inbox_router(handlers: EventHandlers) -> APIRouter:
    """The inbox route for a service's handlers; hidden from the public OpenAPI."""
    router = APIRouter(include_in_schema=False)

    @router.post("/internal/events")
    async def receive_events(
        request: Request, batch: EventBatch, principal: ServicePrincipal, session: DbSession
    ) -> dict[str, list[dict[str, str | None]]]:
        """Apply a batch of events once each; duplicates are acknowledged and ignored."""
        parsed = validate_batch(batch.events, handlers)
        results = await consume(session, parsed, handlers)
        return {
            "results": [{"id": str(r.id), "status": r.status, "detail": r.detail} for r in results]
        }

    return router

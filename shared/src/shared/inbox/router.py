"""``POST /internal/events``: where the relays of other services deliver (service role only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from shared.auth import Principal, Role
from shared.db import DbSession
from shared.events.envelope import EventBatch
from shared.events.registry import contract_for
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses
from shared.inbox.handlers import (
    EventHandlers,
    check_producer,
    consume,
    producer_for,
    validate_batch,
)

ServicePrincipal = Annotated[Principal, Depends(RequireRole(Role.service))]


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with its ``#/$defs/...`` references replaced by what they name."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def handled_events_schema(handlers: EventHandlers) -> dict[str, Any]:
    """What a batch may hold, as JSON Schema: an event of a handled type and version whose
    payload keeps that version's contract. Anything else is refused by id (``invalid-events``).
    """
    variants = []
    for event_type, version in handlers.handled:
        contract = contract_for(event_type, version)
        if contract is None:
            continue
        payload = contract.model_json_schema()
        variants.append(
            {
                "properties": {
                    "type": {"const": event_type},
                    "version": {"const": version},
                    "payload": _inline(payload, payload.get("$defs", {})),
                }
            }
        )
    return {"properties": {"events": {"items": {"oneOf": variants}}}}


def inbox_router(handlers: EventHandlers) -> APIRouter:
    """The inbox route for a service's handlers; hidden from the public OpenAPI."""
    router = APIRouter(include_in_schema=False)
    # Documentation only: the body is parsed as a generic batch, so that an event the service
    # cannot take is refused by its id (422 ``invalid-events``) and the relay parks just that one.
    documented = {"content": {"application/json": {"schema": handled_events_schema(handlers)}}}

    @router.post(
        "/internal/events",
        responses=problem_responses(401, 403, 413, 422),
        openapi_extra={"requestBody": documented},
    )
    async def receive_events(
        request: Request, batch: EventBatch, principal: ServicePrincipal, session: DbSession
    ) -> dict[str, list[dict[str, str | None]]]:
        """Apply a batch of events once each; duplicates are acknowledged and ignored.

        403 ``forbidden-events`` when any event is not the caller's to send (its ``source`` is
        not the caller, or its type is not one the caller publishes): nothing is applied.
        """
        settings = request.app.state.settings
        producer = producer_for(
            principal.sub,
            settings.event_producer_subjects,
            default_to_name=settings.is_dev_or_test,
        )
        check_producer(batch.events, producer)
        parsed = validate_batch(batch.events, handlers)
        results = await consume(session, parsed, handlers)
        return {
            "results": [{"id": str(r.id), "status": r.status, "detail": r.detail} for r in results]
        }

    return router

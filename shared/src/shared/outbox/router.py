"""Operator endpoints for the outbox (hidden from the public OpenAPI; see the README)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from shared.auth import Principal, Role
from shared.db import DbSession
from shared.errors import NotFound
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses
from shared.outbox import service
from shared.pagination import Keyset, Page, key_int, key_str, paginate

Operator = Annotated[Principal, Depends(RequireRole(Role.operations_manager, Role.service))]

router = APIRouter(prefix="/internal/outbox", include_in_schema=False)


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=2000)
    subscriber: str | None = None


# The key is (position, subscriber): one event can be parked for several subscribers, and a page
# may end between them.
PARKED = Keyset("outbox-parked", (key_int, key_str))


class ParkedPage(Page[dict[str, Any]]):
    pass


class ParkedEventNotFound(NotFound):
    type = "parked-event-not-found"
    title = "No parked delivery for that event"


@router.get("/parked", responses=problem_responses(400, 401, 403, 422, 429))
async def list_parked(
    session: DbSession,
    principal: Operator,
    subscriber: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    after: Annotated[
        str | None, Query(max_length=1000, description="next_cursor of the previous page")
    ] = None,
) -> ParkedPage:
    """Parked events, oldest first."""
    return await paginate(
        lambda key, n: service.list_parked(session, subscriber=subscriber, limit=n, after=key),
        keyset=PARKED,
        cursor=after,
        limit=limit,
        key=lambda row: (row[0].event_position, row[0].subscriber),
        item=lambda row: service.parked_view(*row),
        page=ParkedPage,
    )


@router.post("/parked/{event_id}/replay", responses=problem_responses(401, 403, 404, 413, 422, 429))
async def replay_one(
    event_id: uuid.UUID, body: ReplayRequest, session: DbSession, principal: Operator
) -> dict[str, int]:
    """Replay one parked event (for one subscriber, or every subscriber it is parked for)."""
    count = await service.replay_parked(
        session, actor=principal, event_id=event_id, subscriber=body.subscriber, reason=body.reason
    )
    if count == 0:
        raise ParkedEventNotFound(f"Event {event_id} is not parked")
    return {"replayed": count}


@router.post("/parked/replay", responses=problem_responses(401, 403, 413, 422, 429))
async def replay_all(
    body: ReplayRequest, session: DbSession, principal: Operator
) -> dict[str, int]:
    """Replay every parked event (optionally for one subscriber)."""
    count = await service.replay_parked(
        session, actor=principal, event_id=None, subscriber=body.subscriber, reason=body.reason
    )
    return {"replayed": count}

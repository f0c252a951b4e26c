from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assessment_api.allocations import service
from assessment_api.allocations.dependencies import QueueReader
from assessment_api.allocations.schemas import QueueEntryRead
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.http_api.responses import resource_response
from shared.pagination import CursorQuery, LimitQuery, Page

router = APIRouter(prefix="/v1/allocation-queue", tags=["allocation"])


@router.get(
    "", response_model=Page[QueueEntryRead], responses=problem_responses(400, 401, 403, 422, 429)
)
async def read_allocation_queue(
    principal: QueueReader,
    session: DbSession,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    jurisdiction: Annotated[str | None, Query(pattern="^(health|parliamentary)$")] = None,
    triage_category: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The central allocation queue: high priority first, then oldest received (ASM-085)."""
    page = await service.read_queue(
        session,
        limit=limit,
        cursor=cursor,
        jurisdiction=jurisdiction,
        triage_category=triage_category,
    )
    return resource_response(page)

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from assessment_api.allocations import service
from assessment_api.allocations.schemas import QueueEntryRead
from shared.auth import Principal, Role
from shared.db import DbSession
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses
from shared.pagination import CursorQuery, LimitQuery, Page

CASEWORKER_OR_ABOVE = frozenset(
    {
        Role.caseworker,
        Role.senior_caseworker,
        Role.operations_manager,
        Role.assistant_director,
        Role.director,
        Role.deputy_ombudsman,
        Role.ombudsman,
        Role.auditor,
    }
)
QueueReader = Annotated[Principal, Depends(RequireRole(CASEWORKER_OR_ABOVE))]

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
) -> Page[QueueEntryRead]:
    """The central allocation queue: high priority first, then oldest received (ASM-085)."""
    return await service.read_queue(
        session,
        limit=limit,
        cursor=cursor,
        jurisdiction=jurisdiction,
        triage_category=triage_category,
    )

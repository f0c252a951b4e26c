"""``/v1/investigations``: investigation's record of each case proposed for investigation."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from investigation_api.investigations import service
from investigation_api.investigations.dependencies import (
    LIST,
    READ,
    CaseIdPath,
    InvestigationReader,
    OwnerQuery,
)
from investigation_api.investigations.schemas import InvestigationPage, InvestigationRead
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter(prefix="/v1/investigations", tags=["investigations"])


@router.get("", response_model=InvestigationPage, responses=LIST)
async def list_investigations(
    principal: InvestigationReader,
    session: DbSession,
    owner: OwnerQuery = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """Investigations, the newest proposal first, optionally one caseworker's; keyset-paginated."""
    page = await service.list_investigations(session, owner=owner, limit=limit, cursor=cursor)
    return resource_response(page)


@router.get("/{case_id}", response_model=InvestigationRead, responses=READ)
async def get_investigation(
    case_id: CaseIdPath, principal: InvestigationReader, session: DbSession
) -> Response:
    """One case's investigation: Milestone 1, its organisations tab, parties, named persons and
    components in scope, the proposal's comment deadlines and any exceptional prioritisation
    (INV-003, C-15, ASM-169)."""
    investigation = await service.get_investigation(session, case_id)
    return resource_response(investigation, version=investigation.version)

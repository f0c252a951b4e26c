"""``/v1/compliance-items``: compliance items (§B.4); today the resolution items of resolutions
agreed at assessment (¶3.66)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from compliance_api.resolutions import service
from compliance_api.resolutions.dependencies import (
    ACT,
    LIST,
    READ,
    CaseIdQuery,
    ItemActor,
    ItemIdPath,
    ItemReader,
)
from compliance_api.resolutions.schemas import ComplianceItemPage, ComplianceItemRead, ItemClosed
from compliance_api.resolutions.state import ItemKind, ItemStatus
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter(prefix="/v1/compliance-items", tags=["compliance-items"])


@router.get("", response_model=ComplianceItemPage, responses=LIST)
async def list_compliance_items(
    principal: ItemReader,
    session: DbSession,
    case_id: CaseIdQuery = None,
    kind: ItemKind | None = None,
    status: ItemStatus | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """Compliance items, the latest agreed first, optionally one case's; keyset-paginated."""
    page = await service.list_items(
        session, case_id=case_id, kind=kind, status=status, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.get("/{item_id}", response_model=ComplianceItemRead, responses=READ)
async def get_compliance_item(
    item_id: ItemIdPath, principal: ItemReader, session: DbSession
) -> Response:
    """One compliance item; the ETag header carries its version."""
    item = await service.get_item(session, item_id)
    return resource_response(ComplianceItemRead.model_validate(item), version=item.version)


@router.post("/{item_id}/close", response_model=ComplianceItemRead, responses=ACT)
async def close_compliance_item(
    item_id: ItemIdPath,
    body: ItemClosed,
    principal: ItemActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """¶3.66: the resolution was carried out; close its item. A resolution item is never
    escalated (CMP-023)."""
    item = await service.close_item(
        session, item_id=item_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return resource_response(ComplianceItemRead.model_validate(item), version=item.version)

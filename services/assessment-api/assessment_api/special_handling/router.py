"""``/v1/cases/{case_id}/lead-link``, ``/linked-cases`` and ``/investigation-priority``: special
handling at further consideration (¶3.97–3.100; ASM-168, ASM-169)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.special_handling import service
from assessment_api.special_handling.dependencies import (
    CHANGE,
    LIST,
    READ,
    RECORD,
    CaseActor,
    CaseIdPath,
    CaseReader,
)
from assessment_api.special_handling.schemas import (
    InvestigationPriorityCreate,
    InvestigationPriorityRead,
    LeadLinkCreate,
    LeadLinkRead,
    LeadLinkRemoval,
    LinkedCasePage,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter(prefix="/v1/cases/{case_id}", tags=["special handling"])


@router.post(
    "/lead-link",
    status_code=201,
    summary="Connect the case to its lead case",
    response_model=LeadLinkRead,
    responses=RECORD,
)
async def link_to_lead(
    case_id: CaseIdPath,
    body: LeadLinkCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-168 (¶3.97–3.99): connect the case to the lead case (another case at assessment,
    422 `lead-case-invalid`; not itself linked, 409 `lead-is-linked`), with the explanation. A
    case declined as linked to the lead needs it, and is closed as 'other reason to decline'."""
    link = await service.link_to_lead(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    read = LeadLinkRead.model_validate(link)
    return await idem.save(resource_response(read, version=link.version, status_code=201))


@router.get(
    "/lead-link", summary="Read the case's link to its lead", response_model=LeadLinkRead,
    responses=READ,
)  # fmt: skip
async def read_lead_link(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """The case's current connection to its lead case (404 `lead-link-not-found` if none)."""
    link = await service.get_link(session, case_id)
    return resource_response(LeadLinkRead.model_validate(link), version=link.version)


@router.post(
    "/lead-link/removal",
    summary="Remove a link made in error",
    response_model=LeadLinkRead,
    responses=CHANGE,
)
async def remove_lead_link(
    case_id: CaseIdPath,
    body: LeadLinkRemoval,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The link is kept, marked removed with the reason (audited); `If-Match` is the link's
    ETag and is required."""
    link = await service.remove_link(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    read = LeadLinkRead.model_validate(link)
    return await idem.save(resource_response(read, version=link.version))


@router.get(
    "/linked-cases",
    summary="List the cases linked to this lead",
    response_model=LinkedCasePage,
    responses=LIST,
)
async def list_linked_cases(
    case_id: CaseIdPath,
    principal: CaseReader,
    session: DbSession,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """ASM-168 (¶3.98): the cases connected to this lead, in the order they were linked, with
    their references, so their complainants can be contacted once the lead is finished."""
    page = await service.linked_cases(session, lead_case_id=case_id, limit=limit, cursor=cursor)
    return resource_response(page)


@router.post(
    "/investigation-priority",
    status_code=201,
    summary="Prioritise the case for investigation",
    response_model=InvestigationPriorityRead,
    responses=RECORD,
)
async def prioritise_for_investigation(
    case_id: CaseIdPath,
    body: InvestigationPriorityCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-169 (¶3.100): exceptional prioritisation (e.g. terminal illness), recorded with the
    line-manager discussion that came first: a manager in the staff directory other than the
    caseworker, before now (422 `line-manager-discussion-invalid`); audited."""
    priority = await service.prioritise_for_investigation(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    read = InvestigationPriorityRead.model_validate(priority)
    return await idem.save(resource_response(read, status_code=201))


@router.get(
    "/investigation-priority",
    summary="Read the case's prioritisation for investigation",
    response_model=InvestigationPriorityRead,
    responses=READ,
)
async def read_investigation_priority(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """The exceptional prioritisation and its line-manager discussion (404 if none)."""
    priority = await service.get_priority(session, case_id)
    return resource_response(InvestigationPriorityRead.model_validate(priority))

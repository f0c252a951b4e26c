from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assessment_api.allocations import allocation, service
from assessment_api.allocations.dependencies import (
    ACT,
    RATED,
    READ,
    Allocator,
    ApprovalIdPath,
    CalendarDep,
    Caseworker,
    ComplexTeams,
    Decider,
    EntryIdPath,
    Manager,
    QueueReader,
    RatingsDep,
)
from assessment_api.allocations.schemas import (
    AllocationApprovalRead,
    AllocationCreate,
    AllocationRead,
    AllocationTaskRead,
    ApprovalDecisionCreate,
    CategoryChangeCreate,
    NextCase,
    QueueEntryRead,
    SystemicIssueCreate,
    TerminalIllness,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
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
    """The central allocation queue: terminal illness first (XC-RSK-006), then high priority,
    then oldest received (ASM-085)."""
    page = await service.read_queue(
        session,
        limit=limit,
        cursor=cursor,
        jurisdiction=jurisdiction,
        triage_category=triage_category,
    )
    return resource_response(page)


@router.get(
    "/next",
    response_model=NextCase,
    responses=problem_responses(401, 403, 404, 409, 422, 429, 503),
)
async def next_case_for_me(
    principal: Caseworker, session: DbSession, ratings: RatingsDep, teams: ComplexTeams
) -> Response:
    """ "Next case for me" (ASM-085): the first queued case, in allocation order, that you may
    take (your grade and team, no declared conflict, high risk only for a Senior Caseworker),
    with why it is next. Take it with `POST /v1/allocation-queue/{entry_id}/allocation`."""
    answer = await allocation.next_case(
        session, actor=principal, ratings=ratings, complex_teams=teams
    )
    return resource_response(answer)


@router.get("/{entry_id}", response_model=AllocationRead, responses=READ)
async def get_queue_entry(
    entry_id: EntryIdPath, principal: QueueReader, session: DbSession
) -> Response:
    """One entry, with the clocks and tasks its allocation left."""
    return resource_response(await allocation.read_allocation(session, entry_id))


@router.post("/{entry_id}/allocation", response_model=AllocationRead, responses=RATED)
async def allocate_case(
    entry_id: EntryIdPath,
    body: AllocationCreate,
    principal: Allocator,
    session: DbSession,
    clock: ClockDep,
    calendar: CalendarDep,
    ratings: RatingsDep,
    teams: ComplexTeams,
    if_match: IfMatchHeader = None,
) -> Response:
    """T24: allocate the case (a manager to anyone, a caseworker to themselves). Refused (409
    `allocation-refused`, every reason listed) when the triage category does not fit the
    caseworker's grade and team (ASM-085), the current risk rating is high and they are not a
    Senior Caseworker (CMP-114; read from compliance-api now, 503 if unreachable), they declared
    a conflict on the case or its organisations (CMP-128), or are unavailable or inactive.
    409 `entry-not-queued` when the entry or its case no longer awaits allocation. The case
    moves to further consideration, held by the caseworker and their team. Starts the
    10-working-day contact clock (ASM-099), leaves the MP contact task (ASM-104) and the risk
    task (XC-RSK-002), and emits `assessment.case.allocated`."""
    entry, read = await allocation.allocate(
        session, entry_id=entry_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), calendar=calendar, ratings=ratings, complex_teams=teams,
        if_match=if_match,
    )  # fmt: skip
    return resource_response(read, version=entry.version)


@router.post("/{entry_id}/terminal-illness", response_model=QueueEntryRead, responses=ACT)
async def prioritise_terminal_illness(
    entry_id: EntryIdPath, body: TerminalIllness, principal: Manager, session: DbSession
) -> Response:
    """XC-RSK-006 (¶10.48, ¶1.39): a manager prioritises a terminally ill complainant's case;
    it goes first in the queue."""
    entry = await allocation.prioritise_terminal_illness(
        session, entry_id=entry_id, reason=body.reason, actor=principal
    )
    return resource_response(QueueEntryRead.model_validate(entry), version=entry.version)


@router.post(
    "/{entry_id}/category-changes",
    status_code=201,
    response_model=AllocationApprovalRead,
    responses=problem_responses(401, 403, 404, 409, 413, 422, 429),
)
async def request_category_change(
    entry_id: EntryIdPath,
    body: CategoryChangeCreate,
    principal: Caseworker,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-086/088: the allocated caseworker asks the manager to approve a category change and
    reallocation; ASM-089: to 'complex & significant' only through a complex referral to the AD
    for complex teams. Emits `assessment.category_change.requested` or
    `assessment.complex_referral.requested`."""
    approval = await allocation.request_category_change(
        session, entry_id=entry_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(
        resource_response(AllocationApprovalRead.model_validate(approval), status_code=201)
    )


@router.post(
    "/{entry_id}/category-changes/{approval_id}/decision",
    response_model=AllocationRead,
    responses=ACT,
)
async def decide_category_change(
    entry_id: EntryIdPath,
    approval_id: ApprovalIdPath,
    body: ApprovalDecisionCreate,
    principal: Decider,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """The manager (ASM-086) or the AD the complex referral was sent to (ASM-089) decides, not
    the requester, while the case is still allocated; approved, the category changes and the case
    returns to the queue (T25). Emits `assessment.category_change.decided` or
    `assessment.complex_referral.decided`."""
    read = await allocation.decide_category_change(
        session, entry_id=entry_id, approval_id=approval_id, data=body, actor=principal,
        at=clock.now(),
    )  # fmt: skip
    return resource_response(read)


@router.post(
    "/{entry_id}/systemic-issues",
    status_code=201,
    response_model=AllocationTaskRead,
    responses=problem_responses(401, 403, 404, 409, 413, 422, 429),
)
async def flag_systemic_issue(
    entry_id: EntryIdPath,
    body: SystemicIssueCreate,
    principal: Caseworker,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-087 (¶2.191): send a possible systemic issue to the AD – Casework for complex and
    senior caseworker teams (a task for them); emits `assessment.systemic_issue.flagged`."""
    task = await allocation.flag_systemic_issue(
        session, entry_id=entry_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(
        resource_response(AllocationTaskRead.model_validate(task), status_code=201)
    )

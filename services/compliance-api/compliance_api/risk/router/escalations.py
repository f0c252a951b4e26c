"""``/v1/risk``: the high-risk path (B.6; CMP-113, CMP-115, CMP-127…131), the case's risk tasks,
information breach reports (CMP-123) and the risk work queues. Mounted by ``router``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from compliance_api.risk import escalations, followups, queues
from compliance_api.risk.dependencies import (
    ACT,
    ACT_WITH_DIRECTORY,
    CREATE_ON,
    CREATE_WITH_DIRECTORY,
    LIST,
    READ,
    Assessor,
    CaseIdPath,
    Directory,
    EscalationIdPath,
    ItemIdPath,
    ManagerDecider,
    OversightAssigner,
    OversightHolder,
    PlanReviewer,
    RiskReader,
    TaskIdPath,
    UpdateEnder,
)
from compliance_api.risk.schemas_escalations import (
    BreachReportCreate,
    BreachReportRead,
    EscalationRead,
    HolderDecision,
    ManagerDecision,
    MitigationPlanCreate,
    OversightAssignmentCreate,
    OversightRecordCreate,
    OversightRecordRead,
    OversightRequestCreate,
    OversightUpdateRead,
    RatingChangeRequestCreate,
    RatingChangeRequestRead,
    ReviewDecision,
    TaskCompletion,
    TaskRead,
    UndecidedHighRiskPage,
    UpdateCreate,
    UpdateDuePage,
    UpdatesEnd,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter(tags=["risk"])

ESCALATION = "/escalations/{escalation_id}"


async def _answer(
    session: DbSession, escalation: escalations.Escalation, clock: ClockDep
) -> Response:
    body = await escalations.read(session, escalation, today=clock.today())
    return resource_response(body, version=body.version)


@router.get("/cases/{case_id}/escalation", response_model=EscalationRead, responses=READ)
async def case_escalation(
    case_id: CaseIdPath, principal: RiskReader, session: DbSession, clock: ClockDep
) -> Response:
    """The case's latest high-risk escalation (B.6), open or finished; 404 if never high."""
    return await _answer(session, await escalations.of_case(session, case_id), clock)


@router.get(ESCALATION, response_model=EscalationRead, responses=READ)
async def get_escalation(
    escalation_id: EscalationIdPath, principal: RiskReader, session: DbSession, clock: ClockDep
) -> Response:
    """One high-risk escalation: the manager's agreement, the plan and its review, the
    oversight, the rating change requests, meetings, decisions and updates."""
    return await _answer(session, await escalations.get(session, escalation_id), clock)


@router.post(f"{ESCALATION}/manager-decision", response_model=EscalationRead, responses=ACT)
async def decide_as_manager(
    escalation_id: EscalationIdPath,
    body: ManagerDecision,
    principal: ManagerDecider,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """CMP-113: the manager has discussed the high-risk case and agrees the rating, or not;
    the discussion task is done."""
    e = await escalations.decide_manager(
        session, escalation_id=escalation_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return await _answer(session, e, clock)


@router.post(
    f"{ESCALATION}/mitigation-plan", response_model=EscalationRead, responses=ACT_WITH_DIRECTORY
)
async def send_mitigation_plan(
    escalation_id: EscalationIdPath,
    body: MitigationPlanCreate,
    principal: Assessor,
    session: DbSession,
    clock: ClockDep,
    directory: Directory,
) -> Response:
    """CMP-113: after the manager agreed, the mitigation plan goes to an Assistant Director for
    review (read from the staff directory; 503 if it cannot be reached)."""
    e = await escalations.send_plan(
        session, escalation_id=escalation_id, data=body, actor=principal, at=clock.now(),
        directory=directory,
    )  # fmt: skip
    return await _answer(session, e, clock)


@router.post(f"{ESCALATION}/plan-review", response_model=EscalationRead, responses=ACT)
async def review_mitigation_plan(
    escalation_id: EscalationIdPath,
    body: ReviewDecision,
    principal: PlanReviewer,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """CMP-113: the AD the plan was sent to reviews it, or returns it to be completed again."""
    e = await escalations.review_plan(
        session, escalation_id=escalation_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return await _answer(session, e, clock)


@router.post(
    f"{ESCALATION}/oversight-request", response_model=EscalationRead, responses=ACT_WITH_DIRECTORY
)
async def request_oversight(
    escalation_id: EscalationIdPath,
    body: OversightRequestCreate,
    principal: Assessor,
    session: DbSession,
    clock: ClockDep,
    directory: Directory,
) -> Response:
    """CMP-127: still high after mitigation, ask for Ombudsman or deputy oversight: the template
    goes to the AD – Casework for Senior Caseworkers for the assurance meeting. Refused for a
    high risk only to a person (XC-RSK-005)."""
    e = await escalations.request_oversight(
        session, escalation_id=escalation_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), directory=directory,
    )  # fmt: skip
    return await _answer(session, e, clock)


@router.post(
    f"{ESCALATION}/oversight-assignment",
    response_model=EscalationRead,
    responses=ACT_WITH_DIRECTORY,
)
async def assign_oversight(
    escalation_id: EscalationIdPath,
    body: OversightAssignmentCreate,
    principal: OversightAssigner,
    session: DbSession,
    clock: ClockDep,
    directory: Directory,
) -> Response:
    """CMP-127/128: the AD records the assurance meeting's assignment to the Ombudsman or a
    deputy; refused where the directory shows a declared conflict on the case or its
    organisations, or the Director of Legal and Professional Services where legal advice is key.
    The rating is then locked (CMP-115) and monthly updates fall due (CMP-131)."""
    e = await escalations.assign_oversight(
        session, escalation_id=escalation_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), directory=directory,
    )  # fmt: skip
    return await _answer(session, e, clock)


@router.post(
    f"{ESCALATION}/rating-change-requests",
    status_code=201,
    response_model=RatingChangeRequestRead,
    responses=CREATE_ON,
)
async def request_rating_change(
    escalation_id: EscalationIdPath,
    body: RatingChangeRequestCreate,
    principal: Assessor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """CMP-115: ask the oversight holder to agree a new rating; once agreed, the next assessment
    or override giving that rating may be recorded (once)."""
    approval = await escalations.request_rating_change(
        session, escalation_id=escalation_id, data=body, actor=principal, at=clock.now()
    )
    read = escalations.rating_change_read(approval)
    return await idem.save(resource_response(read, status_code=201))


@router.post(
    f"{ESCALATION}/rating-change-requests/{{request_id}}/decision",
    response_model=RatingChangeRequestRead,
    responses=ACT,
)
async def decide_rating_change(
    escalation_id: EscalationIdPath,
    request_id: ItemIdPath,
    body: HolderDecision,
    principal: OversightHolder,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """CMP-115: the oversight holder (only) agrees the new rating or not."""
    approval = await escalations.decide_rating_change(
        session, escalation_id=escalation_id, request_id=request_id, data=body, actor=principal,
        at=clock.now(),
    )  # fmt: skip
    return resource_response(escalations.rating_change_read(approval))


@router.post(
    f"{ESCALATION}/records",
    status_code=201,
    response_model=OversightRecordRead,
    responses=CREATE_WITH_DIRECTORY,
)
async def add_oversight_record(
    escalation_id: EscalationIdPath,
    body: OversightRecordCreate,
    principal: Assessor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    directory: Directory,
) -> Response:
    """CMP-129: a meeting with the oversight holder (accompanied by a manager or AD, read from
    the staff directory) and its notes; or CMP-130: the holder's casework decision on the cover
    note to the briefing paper. Either awaits the holder's approval."""
    read = await escalations.add_record(
        session, escalation_id=escalation_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), directory=directory,
    )  # fmt: skip
    return await idem.save(resource_response(read, status_code=201))


@router.post(
    f"{ESCALATION}/records/{{record_id}}/approval",
    response_model=OversightRecordRead,
    responses=ACT,
)
async def approve_oversight_record(
    escalation_id: EscalationIdPath,
    record_id: ItemIdPath,
    body: HolderDecision,
    principal: OversightHolder,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """CMP-129/130 (¶10.71): the oversight holder shows they read, considered and approved the
    notes or decision (the evidence may be a saved email trail)."""
    read = await escalations.approve_record(
        session, escalation_id=escalation_id, record_id=record_id, data=body, actor=principal,
        at=clock.now(),
    )  # fmt: skip
    return resource_response(read)


@router.post(
    f"{ESCALATION}/updates",
    status_code=201,
    response_model=OversightUpdateRead,
    responses=CREATE_ON,
)
async def send_update(
    escalation_id: EscalationIdPath,
    body: UpdateCreate,
    principal: Assessor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """CMP-131: the monthly update ahead of the next assurance meeting (late if the meeting came
    first); the one after is then due."""
    update = await escalations.send_update(
        session, escalation_id=escalation_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(),
    )  # fmt: skip
    return await idem.save(
        resource_response(OversightUpdateRead.model_validate(update), status_code=201)
    )


@router.post(f"{ESCALATION}/updates-ended", response_model=EscalationRead, responses=ACT)
async def end_updates(
    escalation_id: EscalationIdPath,
    body: UpdatesEnd,
    principal: UpdateEnder,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """CMP-131: updates end when the senior decision maker agrees (the holder only) or the work
    is complete (which ends the oversight and lifts the lock)."""
    e = await escalations.end_updates(
        session, escalation_id=escalation_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return await _answer(session, e, clock)


@router.get("/cases/{case_id}/tasks", response_model=list[TaskRead], responses=READ)
async def list_tasks(case_id: CaseIdPath, principal: RiskReader, session: DbSession) -> Response:
    """The tasks the case's risks left (CMP-113, CMP-122, CMP-123, CMP-125), oldest first."""
    tasks = await followups.list_tasks(session, case_id=case_id)
    return resource_response([TaskRead.model_validate(t) for t in tasks])


@router.post("/tasks/{task_id}/completion", response_model=TaskRead, responses=ACT)
async def complete_task(
    task_id: TaskIdPath,
    body: TaskCompletion,
    principal: Assessor,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Mark a task done by hand, with a note (once). The manager's discussion and the breach
    report are done by their own acts (409 ``task-done-by-its-act``)."""
    task = await followups.complete_task(
        session, task_id=task_id, note=body.note, actor=principal, at=clock.now()
    )
    return resource_response(TaskRead.model_validate(task))


@router.post(
    "/cases/{case_id}/breach-reports",
    status_code=201,
    response_model=BreachReportRead,
    responses=CREATE_ON,
)
async def report_breach(
    case_id: CaseIdPath,
    body: BreachReportCreate,
    principal: Assessor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """CMP-123 / XC-DP-010: report the information breach recorded as a Financial risk of the
    case to the Information Security Manager (once)."""
    report = await followups.report_breach(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(
        resource_response(BreachReportRead.model_validate(report), status_code=201)
    )


@router.get(
    "/work-queues/undecided-high-risk", response_model=UndecidedHighRiskPage, responses=LIST
)
async def undecided_high_risk(
    principal: RiskReader,
    session: DbSession,
    clock: ClockDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """CMP-113: high-risk cases the manager has not yet discussed and decided, oldest first."""
    page = await queues.undecided_high_risk(
        session, today=clock.today(), limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.get("/work-queues/oversight-updates-due", response_model=UpdateDuePage, responses=LIST)
async def oversight_updates_due(
    principal: RiskReader,
    session: DbSession,
    clock: ClockDep,
    within_days: Annotated[
        int, Query(ge=0, le=31, description="Include updates due this many days ahead")
    ] = 7,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """CMP-131: oversight cases whose monthly update is due within ``within_days`` or missing
    (the assurance meeting came without it), earliest due first."""
    page = await queues.oversight_updates_due(
        session, today=clock.today(), within_days=within_days, limit=limit, cursor=cursor
    )
    return resource_response(page)

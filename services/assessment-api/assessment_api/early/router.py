"""``/v1/cases/{case_id}/early``: early consideration (¶2.97–2.141, §B.3 T20–T23)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.dependencies import IntakeClient
from assessment_api.early import service
from assessment_api.early.dependencies import (
    CLOSE,
    DECIDE,
    READ,
    RECORD,
    Calendar,
    CaseActor,
    CaseIdPath,
    CaseReader,
    RiskClient,
)
from assessment_api.early.schemas import (
    ContactAttemptCreate,
    ContactAttemptRead,
    EarlyConsiderationRead,
    EcDeclineCreate,
    InformationRequestCreate,
    InformationRequestRead,
    PassOnCreate,
    ResolutionCreate,
    WithdrawCreate,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases/{case_id}/early", tags=["early consideration"])


async def _answer(session: DbSession, case_id: CaseIdPath, clock: ClockDep) -> Response:
    read = await service.read(session, case_id=case_id, today=clock.today())
    return resource_response(read)


@router.get(
    "", summary="Read early consideration", response_model=EarlyConsiderationRead, responses=READ
)
async def read_early(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession, clock: ClockDep
) -> Response:
    """Contact attempts, clocks, information requests, the decision and its letters, and whether
    a decision (ASM-053) or 'withdrawn' (ASM-054) is possible today."""
    return await _answer(session, case_id, clock)


@router.post(
    "/contact-attempts",
    status_code=201,
    summary="Record a contact attempt",
    response_model=ContactAttemptRead,
    responses=RECORD,
)
async def record_contact_attempt(
    case_id: CaseIdPath,
    body: ContactAttemptCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    calendar: Calendar,
) -> Response:
    """ASM-053: a call or written contact to the complainant before deciding, or their reply.
    Outbound written contact starts a one-week reply clock (C-05)."""
    attempt = await service.record_contact_attempt(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), calendar=calendar
    )
    read = ContactAttemptRead.model_validate(attempt)
    return await idem.save(resource_response(read, status_code=201))


@router.post(
    "/information-requests",
    status_code=201,
    summary="Record that more information is needed",
    response_model=InformationRequestRead,
    responses=RECORD,
)
async def request_information(
    case_id: CaseIdPath,
    body: InformationRequestCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-054: further information is needed before deciding; the complainant was told, with
    the deadline given, if any."""
    request = await service.request_information(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    read = InformationRequestRead.model_validate(request)
    return await idem.save(resource_response(read, status_code=201))


@router.post(
    "/withdraw",
    summary="Close as 'withdrawn' (T21)",
    response_model=EarlyConsiderationRead,
    responses=CLOSE,
)
async def withdraw(
    case_id: CaseIdPath,
    body: WithdrawCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T21 (ASM-054): at once where no information deadline was given, else from the day after
    it (409 `ec-withdrawal-too-early`)."""
    await service.withdraw(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return await idem.save(await _answer(session, case_id, clock))


@router.post(
    "/decline",
    summary="Decide not to investigate at early consideration (T20)",
    response_model=EarlyConsiderationRead,
    responses=DECIDE,
)
async def decline(
    case_id: CaseIdPath,
    body: EcDeclineCreate,
    principal: CaseActor,
    session: DbSession,
    risk: RiskClient,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T20: after contact was tried (ASM-053: 409 `ec-contact-required`), with a summary
    (ASM-057), the standard or why none (ASM-060), never citing the aggrieved's medical records
    or clinical advice while suitability concerns stand (ASM-058: 422). Given by phone where
    possible; letters to the complainant on request and ALWAYS to MPs and representatives
    (ASM-055), who are read from intake's parties (representatives with authority, ASM-174): 409
    `decision-recipients-incomplete` while the aggrieved's copy is undecided, 503
    `intake-unavailable` when intake cannot say. Needs a `decline` risk assessment
    (XC-RSK-001): 409 `risk-assessment-required`, 503 with Retry-After when compliance-api
    cannot say."""
    await service.decline(
        session, risk, intake, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return await idem.save(await _answer(session, case_id, clock))


@router.post(
    "/resolution",
    summary="Close as resolved at early consideration (T22)",
    response_model=EarlyConsiderationRead,
    responses=DECIDE,
)
async def resolve(
    case_id: CaseIdPath,
    body: ResolutionCreate,
    principal: CaseActor,
    session: DbSession,
    risk: RiskClient,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T22: our specific action and the complainant's agreement (ASM-066), resolved overall
    (ASM-068), 'general discretion - resolution' or 'premature - resolution' by readiness
    (ASM-070). A decision not to investigate (ASM-069): behind the risk guard and issued to the
    complainant with copies to MPs (ASM-173), the parties read from intake (409
    `decision-recipients-incomplete` while the aggrieved's copy is undecided, 503
    `intake-unavailable` when intake cannot say). ASM-052: also for a case in further
    consideration, by the caseworker who holds it (the EC approach outside EC)."""
    await service.resolve(
        session, risk, intake, case_id=case_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return await idem.save(await _answer(session, case_id, clock))


@router.post(
    "/pass-on",
    summary="Pass the case on for allocation (T23)",
    response_model=EarlyConsiderationRead,
    responses=CLOSE,
)
async def pass_on(
    case_id: CaseIdPath,
    body: PassOnCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T23: for primary investigation (ASM-056, D.9 indicators), or because the complainant did
    not accept our resolution (ASM-067: action, outcome and why recorded)."""
    await service.pass_on(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id, clock))

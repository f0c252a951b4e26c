"""``/v1/cases/{case_id}/advice``: advice at assessment (guidance ¶3.12–3.58; ASM-142…148,
ASM-150…152): requests and the advice received, requests for an adviser's name, deciding without
clinical advice, and the clinical standard."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.advice import service
from assessment_api.advice.dependencies import (
    CHANGE,
    CREATE,
    LIST,
    READ,
    CaseActor,
    CaseIdPath,
    CaseReader,
    RequestIdPath,
)
from assessment_api.advice.rules import AdviceType
from assessment_api.advice.schemas import (
    AdviceOverviewRead,
    AdviceReceivedCreate,
    AdviceRequestCreate,
    AdviceRequestPage,
    AdviceRequestRead,
    AdviceWithdrawCreate,
    AdviserNameRequestCreate,
    AdviserNameRequestRead,
    ClinicalAdviceDecisionCreate,
    ClinicalAdviceDecisionRead,
    ClinicalStandardCreate,
    ClinicalStandardRead,
)
from shared.auth import Principal
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter(prefix="/v1/cases/{case_id}/advice", tags=["advice"])


def _request(request: service.AdviceRequest, reader: Principal, status_code: int = 200) -> Response:
    return resource_response(
        service.view(request, reader),
        status_code=status_code,
        version=request.version,
        location=f"/v1/cases/{request.case_id}/advice/requests/{request.id}",
    )


@router.get(
    "", summary="The case's advice records", response_model=AdviceOverviewRead, responses=READ
)
async def read_overview(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """The latest record of deciding without clinical advice (ASM-142), the clinical standards
    (ASM-146…150), the requests for an adviser's name (ASM-145), what advice still lacks before
    a decline or a proposal, and the ¶3.57 paragraph, the only thing about legal advice that may
    be sent (ASM-151)."""
    return resource_response(await service.overview(session, case_id=case_id))


@router.post(
    "/requests",
    status_code=201,
    summary="Request advice",
    response_model=AdviceRequestRead,
    responses=CREATE,
)
async def create_request(
    case_id: CaseIdPath,
    body: AdviceRequestCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Clinical advice with its format, discipline and questions (ASM-143; sequential impact
    advice names the request it follows), a follow-up of the same clinician unless a reason is
    given (ASM-144), legal advice to the Legal Team (ASM-151), EDI and other specialist advice
    in the specialist advice section and manager or peer advice (ASM-152). 422 `advice-invalid`
    lists each rule broken; 409 off further consideration."""
    request = await service.create_request(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(),
    )  # fmt: skip
    return await idem.save(_request(request, principal, status_code=201))


@router.get(
    "/requests",
    summary="List the case's advice requests",
    response_model=AdviceRequestPage,
    responses=LIST,
)
async def list_requests(
    case_id: CaseIdPath,
    principal: CaseReader,
    session: DbSession,
    advice_type: AdviceType | None = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Oldest first. Adviser identity and the content of legal advice are redacted for readers
    outside those who work the case and the Legal Team (ASM-145, ASM-151)."""
    page = await service.list_requests(
        session, case_id=case_id, reader=principal, limit=limit, cursor=cursor,
        advice_type=advice_type,
    )  # fmt: skip
    return resource_response(page)


@router.get(
    "/requests/{request_id}",
    summary="Read an advice request",
    response_model=AdviceRequestRead,
    responses=READ,
)
async def read_request(
    case_id: CaseIdPath, request_id: RequestIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """The request and the advice received, redacted as the list is."""
    request = await service.get_request(session, case_id=case_id, request_id=request_id)
    return _request(request, principal)


@router.post(
    "/requests/{request_id}/received",
    summary="Record the advice received",
    response_model=AdviceRequestRead,
    responses=CHANGE,
)
async def record_received(
    case_id: CaseIdPath,
    request_id: RequestIdPath,
    body: AdviceReceivedCreate,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The advice and how it was used (ASM-144); a quality concern discussed with a lead
    clinician. Legal advice documents are stored privileged (ASM-151). Once (409
    `advice-already-closed`)."""
    request = await service.record_received(
        session, case_id=case_id, request_id=request_id, data=body, actor=principal,
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return _request(request, principal)


@router.post(
    "/requests/{request_id}/withdrawn",
    summary="Withdraw an advice request",
    response_model=AdviceRequestRead,
    responses=CHANGE,
)
async def withdraw(
    case_id: CaseIdPath,
    request_id: RequestIdPath,
    body: AdviceWithdrawCreate,
    principal: CaseActor,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """No longer needed, with the reason (audited)."""
    request = await service.withdraw(
        session, case_id=case_id, request_id=request_id, data=body, actor=principal,
        if_match=if_match,
    )  # fmt: skip
    return _request(request, principal)


@router.post(
    "/adviser-name-requests",
    status_code=201,
    summary="Record a request for an adviser's name",
    response_model=AdviserNameRequestRead,
    responses=CREATE,
)
async def record_name_request(
    case_id: CaseIdPath,
    body: AdviserNameRequestCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-145: we do not name advisers; the request is referred to the Information Access and
    Assurance Team, and a lead clinician is told when it is to report the adviser to a
    regulator."""
    row = await service.record_name_request(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(),
    )  # fmt: skip
    read = AdviserNameRequestRead.model_validate(row)
    return await idem.save(resource_response(read, status_code=201))


@router.post(
    "/clinical-decisions",
    status_code=201,
    summary="Record whether clinical advice is needed",
    response_model=ClinicalAdviceDecisionRead,
    responses=CREATE,
)
async def record_clinical_decision(
    case_id: CaseIdPath,
    body: ClinicalAdviceDecisionCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-142: whether a view on a clinical decision is needed and, to decide without clinical
    advice, the Operations Manager's discussion (a lead clinician if the OM was unsure) or the
    caseworker's accreditation (as the staff directory holds it), and the reasoning."""
    row = await service.record_clinical_decision(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(),
    )  # fmt: skip
    read = ClinicalAdviceDecisionRead.model_validate(row)
    return await idem.save(resource_response(read, status_code=201))


@router.post(
    "/clinical-standards",
    status_code=201,
    summary="Record the clinical standard",
    response_model=ClinicalStandardRead,
    responses=CREATE,
)
async def record_standard(
    case_id: CaseIdPath,
    body: ClinicalStandardCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """ASM-146…148, ASM-150: the standard applied (source, in force at the time, rationale; an
    organisation's standard set aside only with a D.18 reason; conflicting standards explained)
    or that none applies (search steps, the adviser's clear statement, the OM's confirmation or
    accreditation)."""
    row = await service.record_standard(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(),
    )  # fmt: skip
    read = ClinicalStandardRead.model_validate(row)
    return await idem.save(resource_response(read, status_code=201))

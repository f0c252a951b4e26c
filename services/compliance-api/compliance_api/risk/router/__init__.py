"""``/v1/risk``: a case's risk assessments and rating, override requests and uplifts; and
``/internal/risk``: the XC-RSK-001 query the other services' guards ask with a service token."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from compliance_api.risk import overrides, service, uplifts
from compliance_api.risk.dependencies import (
    ACT,
    CREATE,
    LIST,
    READ,
    AssessmentIdPath,
    Assessor,
    CaseIdPath,
    OverrideDecider,
    RiskReader,
    ServiceCaller,
    UpliftSetter,
    WindowDays,
    assessment_location,
    uplift_location,
)
from compliance_api.risk.rules import Trigger
from compliance_api.risk.schemas import (
    CaseRiskRating,
    OverrideDecision,
    OverrideRequestCreate,
    OverrideRequestRead,
    QualifyingAssessment,
    RiskAssessmentCreate,
    RiskAssessmentPage,
    RiskAssessmentRead,
    UpliftCreate,
    UpliftPage,
    UpliftRead,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery
from shared.risk_rating import CurrentRiskRating
from shared.schemas import IsoDate

router = APIRouter(prefix="/v1/risk", tags=["risk"])
internal_router = APIRouter(prefix="/internal/risk", include_in_schema=False)


@router.post(
    "/cases/{case_id}/assessments",
    status_code=201,
    response_model=RiskAssessmentRead,
    responses=CREATE,
)
async def record_assessment(
    request: Request,
    case_id: CaseIdPath,
    body: RiskAssessmentCreate,
    principal: Assessor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """Record the case's next risk assessment; its ratings are computed from the matrix (D.23)
    and its overall rating becomes the case's (CMP-101…118, XC-RSK-001)."""
    assessment = await service.record_assessment(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), today=clock.today()
    )
    return await idem.save(
        resource_response(
            assessment,
            status_code=201,
            version=assessment.version,
            location=assessment_location(request, assessment.id),
        )
    )


@router.get("/cases/{case_id}/assessments", response_model=RiskAssessmentPage, responses=LIST)
async def list_assessments(
    case_id: CaseIdPath,
    principal: RiskReader,
    session: DbSession,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """The case's risk assessments, newest first."""
    page = await service.list_assessments(session, case_id=case_id, limit=limit, cursor=cursor)
    return resource_response(page)


@router.get("/cases/{case_id}/rating", response_model=CaseRiskRating, responses=READ)
async def current_rating(
    case_id: CaseIdPath, principal: RiskReader, session: DbSession
) -> Response:
    """The case's current rating: its latest assessment's (CMP-101); 404 if never assessed."""
    return resource_response(await service.current_rating(session, case_id=case_id))


@router.get("/assessments/{assessment_id}", response_model=RiskAssessmentRead, responses=READ)
async def get_risk_assessment(
    assessment_id: AssessmentIdPath, principal: RiskReader, session: DbSession
) -> Response:
    """One assessment with its risks."""
    assessment = await service.get_assessment(session, assessment_id)
    return resource_response(assessment, version=assessment.version)


@router.post(
    "/assessments/{assessment_id}/override-requests",
    status_code=201,
    response_model=OverrideRequestRead,
    responses=problem_responses(401, 403, 404, 409, 413, 422, 429),
)
async def request_override(
    assessment_id: AssessmentIdPath,
    body: OverrideRequestCreate,
    principal: Assessor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """CMP-112: ask a manager to raise or lower the case's rating, with the explanation."""
    approval = await overrides.request_override(
        session, assessment_id=assessment_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(resource_response(overrides.request_read(approval), status_code=201))


@router.get(
    "/assessments/{assessment_id}/override-requests",
    response_model=list[OverrideRequestRead],
    responses=READ,
)
async def list_override_requests(
    assessment_id: AssessmentIdPath, principal: RiskReader, session: DbSession
) -> Response:
    """The override requests on an assessment and their decisions, oldest first."""
    rows = await overrides.list_override_requests(session, assessment_id=assessment_id)
    return resource_response([overrides.request_read(a) for a in rows])


@router.post(
    "/assessments/{assessment_id}/override-requests/{request_id}/decision",
    response_model=RiskAssessmentRead,
    responses=ACT,
)
async def decide_override(
    assessment_id: AssessmentIdPath,
    request_id: Annotated[uuid.UUID, Path(description="The override request's UUID")],
    body: OverrideDecision,
    principal: OverrideDecider,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """CMP-112: a manager (not the requester) approves or refuses; approved, the assessment's
    rating becomes the one asked for (never below an active uplift, CMP-102)."""
    assessment = await overrides.decide_override(
        session,
        assessment_id=assessment_id,
        request_id=request_id,
        data=body,
        actor=principal,
        at=clock.now(),
        if_match=if_match,
    )
    return resource_response(assessment, version=assessment.version)


@router.post("/uplifts", status_code=201, response_model=UpliftRead, responses=CREATE)
async def create_uplift(
    request: Request,
    body: UpliftCreate,
    principal: UpliftSetter,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """CMP-102: impose a minimum rating on an organisation's cases or a group of cases for a
    period; assessments recorded in it cannot fall below it."""
    uplift = await uplifts.create_uplift(session, data=body, actor=principal, at=clock.now())
    return await idem.save(
        resource_response(
            UpliftRead.model_validate(uplift),
            status_code=201,
            version=uplift.version,
            location=uplift_location(request, uplift.id),
        )
    )


@router.get("/uplifts", response_model=UpliftPage, responses=LIST)
async def list_uplifts(
    principal: RiskReader,
    session: DbSession,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    active_on: Annotated[IsoDate | None, Query(description="In force on this day")] = None,
) -> Response:
    """Uplifts, latest starting first."""
    page = await uplifts.list_uplifts(session, limit=limit, cursor=cursor, active_on=active_on)
    return resource_response(page)


@router.get("/uplifts/{uplift_id}", response_model=UpliftRead, responses=READ)
async def get_risk_uplift(
    uplift_id: Annotated[uuid.UUID, Path(description="The uplift's UUID")],
    principal: RiskReader,
    session: DbSession,
) -> Response:
    uplift = await uplifts.get_uplift(session, uplift_id)
    return resource_response(UpliftRead.model_validate(uplift), version=uplift.version)


@internal_router.get(
    "/qualifying",
    response_model=QualifyingAssessment,
    responses=problem_responses(401, 403, 422, 429),
)
async def qualifying_assessment(
    case_id: Annotated[uuid.UUID, Query(description="The case's UUID")],
    trigger: Annotated[Trigger, Query(description="The transition's trigger (D.25)")],
    principal: ServiceCaller,
    session: DbSession,
    clock: ClockDep,
    window_days: WindowDays,
) -> Response:
    """XC-RSK-001: does the case have an assessment for ``trigger``, with conflicts of interest
    considered, recorded within the configured window? Service token only."""
    answer = await service.qualifying_assessment(
        session, case_id=case_id, trigger=trigger, today=clock.today(), window_days=window_days
    )
    return resource_response(answer)


@internal_router.get(
    "/cases/{case_id}/rating",
    response_model=CurrentRiskRating,
    responses=problem_responses(401, 403, 422, 429),
)
async def case_rating_for_service(
    case_id: CaseIdPath, principal: ServiceCaller, session: DbSession
) -> Response:
    """CMP-114: the case's current rating for another service's allocation; ``rating`` is null
    while the case has no assessment (a 404 here would be indistinguishable from a wrong URL).
    Service token only."""
    return resource_response(await service.current_rating_or_none(session, case_id=case_id))


# The high-risk path, tasks, breach reports and work queues (router/escalations.py).
from compliance_api.risk.router import escalations as _escalations  # noqa: E402

router.include_router(_escalations.router)

"""Risk rows built in the database, so HTTP is only for the behaviour under test; and the
shared checks of the risk tests."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk.models import (
    RiskApproval,
    RiskAssessment,
    RiskEscalation,
    RiskTask,
    RiskUplift,
    TaskKind,
    UpdateDeadline,
)
from compliance_api.risk.rules import HighRiskPath, OversightRole, Rating, Trigger, UpliftScope
from compliance_api.risk.state import EscalationState
from shared.clients import ServiceClient, token_provider_for
from shared.http_api.problems import PROBLEM_JSON
from shared.staff import STAFF_AUDIENCE, DeclaredConflict, Grade, StaffDirectory, StaffMember
from tests.helpers import NOW, TODAY

CW = "cw-risk-1"  # the caseworker who records assessments
MGR = "om-risk-1"  # a manager
AD = "ad-casework-1"  # the AD – Casework for Senior Caseworkers
DEPUTY = "deputy-1"  # a Deputy Ombudsman
ORG = uuid.UUID("0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11")
OMBUDSMAN = "ombudsman-1"
DLPS = "dlps-1"  # the Director of Legal and Professional Services, acting as deputy
CONFLICTED = "deputy-conflicted"  # a deputy who declared a conflict on ORG
LEFT = "deputy-left"  # a deputy no longer active


def _member(staff_id: str, grade: Grade, **extra: object) -> StaffMember:
    return StaffMember.model_validate(
        {"staff_id": staff_id, "display_name": f"Test {staff_id}", "grade": grade, **extra}
    )


# The staff directory's records the risk tests read (fake people only).
STAFF: dict[str, StaffMember] = {
    m.staff_id: m
    for m in [
        _member(CW, Grade.caseworker),
        _member(MGR, Grade.operations_manager),
        _member(AD, Grade.assistant_director),
        _member(DEPUTY, Grade.deputy_ombudsman),
        _member(OMBUDSMAN, Grade.ombudsman),
        _member(
            DLPS,
            Grade.director,
            posts=["deputy_ombudsman", "director_legal_and_professional_services"],
        ),
        _member(
            CONFLICTED,
            Grade.deputy_ombudsman,
            conflicts=[DeclaredConflict(organisation_id=ORG, declared_on=date(2026, 1, 5))],
        ),
        _member(LEFT, Grade.deputy_ombudsman, active=False),
    ]
}


def staff_app(staff: dict[str, StaffMember], seen: list[str]) -> FastAPI:
    """A small real directory: ``/internal/staff/{staff_id}`` answers ``StaffMember`` JSON, as
    assessment-api serves it; ``seen`` collects each call's authorization scheme."""
    app = FastAPI()

    @app.get("/internal/staff/{staff_id}")
    async def get_staff(staff_id: str, authorization: str = Header()) -> Response:
        seen.append(authorization.split(" ", 1)[0])
        member = staff.get(staff_id)
        if member is None:
            return JSONResponse({"type": "staff-not-found", "status": 404}, status_code=404)
        return Response(member.model_dump_json(), media_type="application/json")

    return app


def install_staff_directory(
    app: FastAPI, staff: dict[str, StaffMember] | None = None, seen: list[str] | None = None
) -> StaffDirectory:
    """Point compliance-api's staff directory at an in-process directory app over HTTP."""
    found = StaffDirectory(
        ServiceClient(
            base_url="http://staff-directory",
            audience=STAFF_AUDIENCE,
            tokens=token_provider_for(app.state.settings),
            transport=httpx.ASGITransport(app=staff_app(STAFF if staff is None else staff,
                                                        [] if seen is None else seen)),
        )
    )  # fmt: skip
    app.state.staff_directory = found
    return found


def assessment_body(
    risks: list[dict[str, Any]], *, trigger: str = "decline", **extra: Any
) -> dict[str, Any]:
    """An assessment's JSON: no risk gives the low rationale (CMP-108), two or more a cumulative
    assessment (CMP-117); ``extra`` adds or replaces fields."""
    body: dict[str, Any] = {
        "trigger": trigger,
        "conflicts_of_interest_considered": True,
        "risks": risks,
    }
    if not risks:
        body["low_rationale"] = "No indication at this stage that a risk is present"
    if len(risks) >= 2:
        body["cumulative"] = {
            "common_root": True,
            "raised": False,
            "reason": "All stem from the one decision",
        }
    body.update(extra)
    return body


async def ask_override(
    client: httpx.AsyncClient, assessment_id: object, rating: str, headers: dict[str, str]
) -> httpx.Response:
    """CMP-112: ask a manager to set the rating to ``rating``."""
    return await client.post(
        f"/v1/risk/assessments/{assessment_id}/override-requests",
        json={"rating": rating, "explanation": "Reviewed across all categories with the manager"},
        headers=headers,
    )


async def decide_override(
    client: httpx.AsyncClient,
    assessment_id: object,
    request_id: str,
    headers: dict[str, str],
    *,
    approve: bool = True,
    if_match: str | None = None,
) -> httpx.Response:
    """CMP-112: the manager's decision on an override request."""
    extra = {"If-Match": if_match} if if_match else {}
    return await client.post(
        f"/v1/risk/assessments/{assessment_id}/override-requests/{request_id}/decision",
        json={"approve": approve, "reason": "Agreed at supervision"},
        headers={**headers, **extra},
    )


def refused(response: httpx.Response, status: int = 422, kind: str | None = None) -> dict[str, Any]:
    """A problem+json refusal with ``status`` (and the problem ``type`` ending ``kind``)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    if kind:
        assert body["type"].endswith(f"/{kind}"), body["type"]
    return body


async def make_assessment(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    number: int = 1,
    trigger: str = "decline",
    rating: str = "low",
    conflicts: bool = True,
    recorded_at: datetime = NOW,
    uplift_floor: str | None = None,
    path: str | None = None,
    organisation_ids: list[uuid.UUID] | None = None,
) -> RiskAssessment:
    r = Rating(rating)
    assessment = RiskAssessment(
        id=uuid.uuid4(),
        case_id=case_id,
        number=number,
        trigger=Trigger(trigger),
        conflicts_of_interest_considered=conflicts,
        organisation_ids=organisation_ids or [],
        pre_rating=r,
        highest_post_rating=r,
        uplift_floor=Rating(uplift_floor) if uplift_floor else None,
        uplift_ids=[],
        generated_rating=r,
        rating=r,
        low_rationale="No risk identified" if r is Rating.low else None,
        high_risk_path=HighRiskPath(path or ("escalation" if r is Rating.high else "none")),
        recorded_by=CW,
        recorded_at=recorded_at,
    )
    session.add(assessment)
    await session.flush()
    return assessment


async def make_uplift(
    session: AsyncSession,
    *,
    minimum: str = "medium",
    organisation_id: uuid.UUID | None = ORG,
    case_ids: list[uuid.UUID] | None = None,
    starts_on: date = TODAY,
    ends_on: date = TODAY,
) -> RiskUplift:
    uplift = RiskUplift(
        id=uuid.uuid4(),
        scope=UpliftScope.case_group if case_ids else UpliftScope.organisation,
        organisation_id=None if case_ids else organisation_id,
        case_ids=case_ids or [],
        minimum_rating=Rating(minimum),
        starts_on=starts_on,
        ends_on=ends_on,
        reason="A new approach to these cases, until it is bedded in",
        decided_by="ad-risk-1",
        decided_at=NOW,
    )
    session.add(uplift)
    await session.flush()
    return uplift


async def make_escalation(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    state: str = "awaiting_manager",
    holder: str = DEPUTY,
    ad: str = AD,
    meeting_on: date = TODAY,
    next_meeting_on: date | None = None,
    organisation_ids: list[uuid.UUID] | None = None,
) -> RiskEscalation:
    """A case rated high with its escalation at ``state``, built as the path would leave it:
    from ``plan_with_ad`` the plan was sent to ``AD``; from ``oversight_requested`` the request
    went to ``AD``; at ``oversight_assigned`` ``holder`` holds it and an update is due before
    ``next_meeting_on`` (a month after ``meeting_on`` if not given)."""
    assessment = await make_assessment(
        session, case_id=case_id, rating="high", organisation_ids=organisation_ids
    )
    s = EscalationState(state)
    order = list(EscalationState)
    reached = order.index(s) if s in order[:7] else 0
    e_id, task_id, agreement_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    e = RiskEscalation(
        id=e_id, case_id=case_id, assessment_id=assessment.id, opened_at=NOW,
        state=EscalationState.awaiting_manager,
        opened_by=CW, agreement_id=agreement_id, task_id=task_id,
    )  # fmt: skip
    session.add(e)
    await session.flush()
    agreed = reached >= order.index(EscalationState.manager_agreed)
    session.add_all(
        [
            RiskTask(
                id=task_id, case_id=case_id, kind=TaskKind.discuss_high_risk,
                assessment_id=assessment.id, escalation_id=e_id, rule="CMP-113",
                created_by=CW, done_at=NOW if agreed else None, done_by=MGR if agreed else None,
            ),
            RiskApproval(
                id=agreement_id, case_id=case_id, kind="high_risk_agreement", subject_id=e_id,
                level="manager", rule="CMP-113", requested_by=CW, requested_at=NOW,
                decision="approved" if agreed else None, decided_by=MGR if agreed else None,
                decided_at=NOW if agreed else None,
            ),
        ]
    )  # fmt: skip
    if reached >= order.index(EscalationState.plan_with_ad):
        e.plan, e.plan_sent_to, e.ad_review_requested_at = "Legal review of letters", ad, NOW
        e.plan_review_id = uuid.uuid4()
        reviewed = reached >= order.index(EscalationState.plan_reviewed)
        session.add(
            RiskApproval(
                id=e.plan_review_id, case_id=case_id, kind="mitigation_plan_review",
                subject_id=e_id, level="assistant_director", rule="CMP-113", requested_by=CW,
                requested_at=NOW, decision="approved" if reviewed else None,
                decided_by=ad if reviewed else None, decided_at=NOW if reviewed else None,
            )
        )  # fmt: skip
    if reached >= order.index(EscalationState.oversight_requested):
        e.request_submitted_to, e.request_meeting_on = ad, meeting_on
        e.template_document_id, e.requested_by, e.requested_at = uuid.uuid4(), CW, NOW
    if s is EscalationState.oversight_assigned:
        e.holder, e.holder_role, e.legal_advice_key = holder, OversightRole.deputy_ombudsman, False
        e.assigned_meeting_on, e.assigned_by, e.assigned_at = meeting_on, ad, NOW
        following = next_meeting_on or meeting_on + timedelta(days=35)
        session.add(
            UpdateDeadline(
                id=uuid.uuid4(), case_id=case_id, escalation_id=e_id, meeting_on=following,
                rule="C-35", starts_on=meeting_on, due_date=following - timedelta(days=1),
            )
        )  # fmt: skip
    e.state = s
    await session.flush()
    return e

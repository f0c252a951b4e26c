"""What the risk routes depend on: roles, path types, the window from the settings, and the
problem responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Request

from compliance_api.risk import escalations, overrides
from shared.auth import CASE_DATA_READERS, MANAGERS, Principal, Role
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses
from shared.staff import StaffDirectory

# Who records a risk assessment: the caseworkers who own cases after intake, and their managers
# (¶10.4: the case owner manages the case's risk; CMP-016 whoever oversees the stage).
ASSESSORS = frozenset({Role.caseworker, Role.senior_caseworker}) | MANAGERS
# Who imposes a temporary uplift (¶10.6 "we may … decide"): Assistant Directors and above.
UPLIFT_SETTERS = frozenset(
    {Role.assistant_director, Role.director, Role.deputy_ombudsman, Role.ombudsman}
)

Assessor = Annotated[Principal, Depends(RequireRole(ASSESSORS))]
RiskReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]
# The route admits exactly the roles the delegation lets decide (one list, not two).
OverrideDecider = Annotated[Principal, Depends(RequireRole(overrides.RATING_OVERRIDE.roles))]
UpliftSetter = Annotated[Principal, Depends(RequireRole(UPLIFT_SETTERS))]
ServiceCaller = Annotated[Principal, Depends(RequireRole(Role.service))]
# CMP-113: the manager who discusses a high-risk case decides under the delegation.
ManagerDecider = Annotated[Principal, Depends(RequireRole(escalations.HIGH_RISK_AGREEMENT.roles))]
# CMP-113: the Assistant Director the plan was sent to (checked by name in the service).
PlanReviewer = Annotated[Principal, Depends(RequireRole(escalations.PLAN_REVIEW.roles))]
# CMP-127: the AD – Casework for Senior Caseworkers assigns oversight (by name in the service).
OversightAssigner = Annotated[Principal, Depends(RequireRole(frozenset({Role.assistant_director})))]
# CMP-115, CMP-130: the oversight holder (by name in the service).
OversightHolder = Annotated[Principal, Depends(RequireRole(escalations.HOLDERS))]
# CMP-131: the caseworker and their managers record updates; the holder may end them.
UpdateEnder = Annotated[Principal, Depends(RequireRole(ASSESSORS | escalations.HOLDERS))]

CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID")]
AssessmentIdPath = Annotated[uuid.UUID, Path(description="The risk assessment's UUID")]
EscalationIdPath = Annotated[uuid.UUID, Path(description="The high-risk escalation's UUID")]
ItemIdPath = Annotated[uuid.UUID, Path(description="The request's or record's UUID")]
TaskIdPath = Annotated[uuid.UUID, Path(description="The risk task's UUID")]


async def get_window_days(request: Request) -> int:
    """``COMPLIANCE_RISK_ASSESSMENT_WINDOW_DAYS``: 0 means the same day (CMP-104)."""
    days: int = request.app.state.settings.risk_assessment_window_days
    return days


WindowDays = Annotated[int, Depends(get_window_days)]


def get_staff_directory(request: Request) -> StaffDirectory:
    """The staff directory client built with the app (``COMPLIANCE_STAFF_DIRECTORY_URL``)."""
    directory: StaffDirectory = request.app.state.staff_directory
    return directory


Directory = Annotated[StaffDirectory, Depends(get_staff_directory)]


def assessment_location(request: Request, assessment_id: uuid.UUID) -> str:
    return str(request.url_for("get_risk_assessment", assessment_id=str(assessment_id)).path)


def uplift_location(request: Request, uplift_id: uuid.UUID) -> str:
    return str(request.url_for("get_risk_uplift", uplift_id=str(uplift_id)).path)


READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 422, 429)
CREATE = problem_responses(401, 403, 409, 413, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)
# Acts that read the staff directory: 503 when it cannot be reached (never a guess).
ACT_WITH_DIRECTORY = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429, 503)
CREATE_ON = problem_responses(401, 403, 404, 409, 413, 422, 429)
CREATE_WITH_DIRECTORY = problem_responses(401, 403, 404, 409, 413, 422, 429, 503)

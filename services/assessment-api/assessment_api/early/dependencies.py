"""What the early consideration routes depend on: roles, ownership of the case, the calendar, the
risk guard's compliance-api client, and the problem responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Request

from assessment_api.cases import service as cases
from assessment_api.cases.errors import CaseNotFound
from shared.auth import CASE_DATA_READERS, Principal, Role
from shared.calendar import WorkingCalendar
from shared.http_api.deps import RequireRole
from shared.http_api.ownership import CaseActorCheck
from shared.http_api.problems import problem_responses
from shared.http_api.risk_guard import RiskGuardClient

# The early consideration caseworker who holds the case (¶2.97–2.98), a member of its team, or a
# manager with an ``X-Override-Reason``, audited.
CaseActor = Annotated[
    Principal,
    Depends(
        CaseActorCheck(
            cases.holding,
            caseworkers={Role.caseworker, Role.senior_caseworker},
            missing=CaseNotFound,
        )
    ),
]
CaseReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]
CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID (intake's case id)")]
RiskClient = RiskGuardClient


async def get_calendar(request: Request) -> WorkingCalendar:
    calendar: WorkingCalendar = request.app.state.calendar
    return calendar


Calendar = Annotated[WorkingCalendar, Depends(get_calendar)]

READ = problem_responses(401, 403, 404, 422, 429)
RECORD = problem_responses(401, 403, 404, 409, 413, 422, 429)
CLOSE = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)
# A guarded decision: 409 also for risk-assessment-required, 503 when compliance-api cannot say.
DECIDE = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429, 503)

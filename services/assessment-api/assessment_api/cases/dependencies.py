"""What the cases routes depend on: roles, ownership, path and query types, the compliance-api
client of the risk guard, and the problem responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from assessment_api.cases import service
from assessment_api.cases.errors import CaseNotFound
from shared.auth import CASE_DATA_READERS, Principal, Role
from shared.calendar import WorkingCalendar
from shared.http_api.deps import RequireRole
from shared.http_api.ownership import CaseActorCheck
from shared.http_api.problems import PROBLEM_JSON, problem_responses
from shared.http_api.risk_guard import RiskGuardClient

# The caseworkers who hold cases after allocation (¶2.183, ¶2.196) decide them: the case's
# owner, a member of its team, or a manager with an ``X-Override-Reason``, audited.
CaseActor = Annotated[
    Principal,
    Depends(
        CaseActorCheck(
            service.holding,
            caseworkers={Role.caseworker, Role.senior_caseworker},
            missing=CaseNotFound,
        )
    ),
]
CaseReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]
CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID (intake's case id)")]
RiskClient = RiskGuardClient


def _calendar(request: Request) -> WorkingCalendar:
    calendar: WorkingCalendar = request.app.state.calendar
    return calendar


# C-15: the proposal's comment deadlines count working days (bank holidays, office closures).
Calendar = Annotated[WorkingCalendar, Depends(_calendar)]

OwnerQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Only cases held by this caseworker (token subject)",
    ),
]

READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 422, 429)
# A guarded decision: 409 also for risk-assessment-required and decision-not-ready, 503 when
# compliance-api cannot say.
DECIDE = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429, 503)
DECIDE[409]["content"][PROBLEM_JSON]["examples"] = {
    "decision-not-ready": {
        "summary": "What the guidance requires first is not all in place",
        "value": {
            "type": "https://casework.example/problems/decision-not-ready",
            "title": "What the guidance requires before this decision is not all in place",
            "status": 409,
            "detail": "Before a proposal to investigate: ASM-101 try to reach the complainant "
            "first; ASM-172 ask for a proposal to investigate to be approved",
            "missing": [
                {
                    "requirement": "ASM-101",
                    "detail": "try to reach the complainant first: contact made, or three "
                    "failed calls over two days (¶2.217-2.218)",
                },
                {
                    "requirement": "ASM-172",
                    "detail": "ask for a proposal to investigate to be approved under the "
                    "Delegation Scheme (¶3.108)",
                },
            ],
        },
    }
}

"""What the resolution routes depend on: roles, ownership of the case, the risk guard's and
intake's clients, and the problem responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from assessment_api.cases import service as cases
from assessment_api.cases.errors import CaseNotFound
from assessment_api.dependencies import IntakeClient as IntakeClient
from shared.auth import CASE_DATA_READERS, Principal, Role
from shared.http_api.deps import RequireRole
from shared.http_api.ownership import CaseActorCheck
from shared.http_api.problems import problem_responses
from shared.http_api.risk_guard import RiskGuardClient

# The caseworker holding the case at further consideration (¶3.63), a member of its team, or a
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

READ = problem_responses(401, 403, 404, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)
# A guarded decision issued to intake's parties: 409 also for risk-assessment-required and
# decision-recipients-incomplete, 503 when compliance-api or intake cannot say.
DECIDE = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429, 503)

"""What the proposal routes depend on: roles, ownership of the case, intake-api's client and
the problem responses they document."""

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

# The caseworker holding the case (who proposes, ¶3.107 usually carries on), a member of its
# team, or a manager with an ``X-Override-Reason``, audited.
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
DeadlineIdPath = Annotated[uuid.UUID, Path(description="The comment deadline's UUID")]

READ = problem_responses(401, 403, 404, 422, 429)
# Reads intake's organisation register: 503 when intake cannot say.
PREPARE = problem_responses(401, 403, 404, 409, 413, 422, 429, 503)
SAVE = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429, 503)
AFTER_ISSUE = problem_responses(401, 403, 404, 409, 413, 422, 429)

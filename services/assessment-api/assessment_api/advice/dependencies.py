"""What the advice routes depend on: roles, ownership of the case, and the problem responses
they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from assessment_api.cases import service as cases
from assessment_api.cases.errors import CaseNotFound
from shared.auth import CASE_DATA_READERS, Principal, Role
from shared.http_api.deps import RequireRole
from shared.http_api.ownership import CaseActorCheck
from shared.http_api.problems import problem_responses

# The caseworker who holds the case, a member of its team, or a manager with an
# ``X-Override-Reason``, audited.
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
# Any case reader; what each may see of legal advice and advisers is the service's ``view``.
CaseReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]
CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID (intake's case id)")]
RequestIdPath = Annotated[uuid.UUID, Path(description="The advice request's id")]

READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 404, 422, 429)
CREATE = problem_responses(401, 403, 404, 409, 413, 422, 429)
CHANGE = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)

"""What the investigations routes depend on: roles, path and query types, and the problem
responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query

from shared.auth import CASE_DATA_READERS, Principal
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses

InvestigationReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]
CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID (intake's case id)")]
OwnerQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Only investigations held by this caseworker (token subject)",
    ),
]

READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 422, 429)

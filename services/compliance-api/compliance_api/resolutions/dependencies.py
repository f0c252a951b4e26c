"""What the compliance item routes depend on: roles, path and query types and the problem
responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query

from shared.auth import CASE_DATA_READERS, CASEWORK_ROLES, Principal
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses

# The caseworker records that a resolution was carried out (¶3.66). compliance-api holds no
# case record yet, so its routes check roles, not case ownership (docs/architecture.md).
ItemActor = Annotated[Principal, Depends(RequireRole(CASEWORK_ROLES))]
ItemReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]

ItemIdPath = Annotated[uuid.UUID, Path(description="The compliance item's UUID")]
CaseIdQuery = Annotated[uuid.UUID | None, Query(description="Only the items of this case")]

READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)

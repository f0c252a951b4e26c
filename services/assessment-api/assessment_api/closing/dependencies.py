"""What the closing routes depend on: intake-api's client (opened once per app) and the problem
responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from shared.auth import CASE_DATA_READERS, Principal
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses

CaseReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]
CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID (intake's case id)")]

RECIPIENTS = problem_responses(401, 403, 404, 422, 429, 503)

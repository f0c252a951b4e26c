"""What the complaint handlers routes depend on: the case's holder (``CaseActor``), readers,
and the problem responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path

from assessment_api.cases.dependencies import CaseActor, CaseIdPath, CaseReader
from shared.http_api.problems import problem_responses

__all__ = ["ACT", "CHANGE", "READ", "CaseActor", "CaseIdPath", "CaseReader", "OrganisationIdPath"]

OrganisationIdPath = Annotated[
    uuid.UUID, Path(description="intake's organisation id, of an organisation on the case")
]

READ = problem_responses(401, 403, 404, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)
CHANGE = ACT

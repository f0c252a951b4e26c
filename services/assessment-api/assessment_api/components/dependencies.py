"""What the complaint components routes depend on: the case's holder (``CaseActor``), readers,
path types, and the problem responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path

from assessment_api.cases.dependencies import CaseActor, CaseIdPath, CaseReader
from shared.http_api.problems import problem_responses

__all__ = [
    "ACT",
    "CHANGE",
    "LIST",
    "READ",
    "CaseActor",
    "CaseIdPath",
    "CaseReader",
    "ComponentIdPath",
]

ComponentIdPath = Annotated[uuid.UUID, Path(description="The complaint component's id")]

READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 404, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)
CHANGE = ACT

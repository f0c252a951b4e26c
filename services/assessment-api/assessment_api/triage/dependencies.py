"""What the triage routes depend on: roles, ownership, the intake-api client, and the problem
responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from assessment_api.cases import service as cases
from assessment_api.cases.errors import CaseNotFound
from assessment_api.triage.service import THRESHOLD_PROPOSERS
from shared.auth import CASE_DATA_READERS, Principal, Role
from shared.http_api.deps import RequireRole
from shared.http_api.ownership import CaseActorCheck
from shared.http_api.problems import problem_responses

# ¶2.80: cases are triaged by caseworkers (the Early Consideration Team, or another team for a
# specialist case) who hold them; a manager may act with an ``X-Override-Reason``, audited.
TriageActor = Annotated[
    Principal,
    Depends(
        CaseActorCheck(
            cases.holding,
            caseworkers={Role.caseworker, Role.senior_caseworker},
            missing=CaseNotFound,
        )
    ),
]
TriageReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]
ThresholdProposer = Annotated[Principal, Depends(RequireRole(THRESHOLD_PROPOSERS))]
# The Executive Team's decision: the delegation (service.THRESHOLD_SET) checks the role itself,
# and the requester may not decide; any casework role reaches the check.
ThresholdDecider = Annotated[Principal, Depends(RequireRole(THRESHOLD_PROPOSERS))]
CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID (intake's case id)")]
SetIdPath = Annotated[uuid.UUID, Path(description="The threshold set's id")]


READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(401, 403, 422, 429)
PROPOSE = problem_responses(401, 403, 409, 413, 422, 429)
DECIDE_SET = problem_responses(401, 403, 404, 409, 413, 422, 429)
ASSESS = problem_responses(401, 403, 404, 409, 413, 422, 429)
# T17/T18 ask intake-api and compliance-api: 503 when either cannot answer.
CLOSE = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429, 503)
PASS_ON = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)

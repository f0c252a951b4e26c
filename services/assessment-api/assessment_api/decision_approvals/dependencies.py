"""What the decision approval routes depend on: roles, ownership of the case, the Delegation
Scheme's table (settings), and the problem responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Request

from assessment_api.cases import service as cases
from assessment_api.cases.errors import CaseNotFound
from assessment_api.decision_approvals.rules import ApprovalTable
from shared.auth import CASE_DATA_READERS, CASEWORK_ROLES, MANAGERS, Principal, Role
from shared.http_api.deps import RequireRole
from shared.http_api.ownership import CaseActorCheck
from shared.http_api.problems import problem_responses

# The caseworker who holds the case asks (or a member of its team, or a manager with an
# ``X-Override-Reason``, audited).
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
# Whoever may ever approve reaches the kit's check, which holds them to the level's roles (the
# table is configurable) and refuses the requester.
Approving = Annotated[
    Principal, Depends(RequireRole((CASEWORK_ROLES | MANAGERS) - {Role.intake_caseworker}))
]
CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID (intake's case id)")]
ApprovalIdPath = Annotated[uuid.UUID, Path(description="The decision approval's id")]


def _table(request: Request) -> ApprovalTable:
    table: ApprovalTable = request.app.state.settings.decision_approval_table()
    return table


Table = Annotated[ApprovalTable, Depends(_table)]

READ = problem_responses(401, 403, 404, 422, 429)
CREATE = problem_responses(401, 403, 404, 409, 413, 422, 429)
DECIDE = problem_responses(401, 403, 404, 409, 413, 422, 429)

"""Who may read and keep the staff directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from assessment_api.staff.schemas import STAFF_ID_PATTERN
from shared.auth import CASEWORK_ROLES, Principal, Role
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses

# Casework people read the directory (who is on which team, who declared what); staff admins
# keep it. Conflicts are declared by the person themselves, hence any casework role.
READERS = CASEWORK_ROLES | {Role.ombudsman, Role.auditor, Role.legal, Role.staff_admin}
DECLARERS = CASEWORK_ROLES | {Role.ombudsman, Role.legal, Role.staff_admin}
# PATCH: a staff admin, or the person (their own availability only; the service checks).
EDITORS = DECLARERS

StaffReader = Annotated[Principal, Depends(RequireRole(READERS))]
StaffAdmin = Annotated[Principal, Depends(RequireRole(Role.staff_admin))]
StaffEditor = Annotated[Principal, Depends(RequireRole(EDITORS))]
ConflictDeclarer = Annotated[Principal, Depends(RequireRole(DECLARERS))]
IdentitySync = Annotated[Principal, Depends(RequireRole(Role.service))]

StaffIdPath = Annotated[
    str,
    Path(
        description="The identity provider's subject (the token's `sub`)",
        pattern=STAFF_ID_PATTERN,
        max_length=200,
    ),
]

READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 422, 429)
CREATE = problem_responses(401, 403, 409, 413, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)

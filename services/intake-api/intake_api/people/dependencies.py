"""The HTTP edge the people routers share: roles, path and query parameters, documented problems."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query

from shared.auth import CASE_DATA_READERS, CASEWORK_ROLES, MANAGERS, Principal, Role
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses

# Personal data: caseworkers and above, Legal, auditors and internal service calls may read.
# ``integration`` (read-only feeds) and clinical advisers may not.
PERSON_READERS = CASE_DATA_READERS

# Reasonable adjustments arise at every stage (¶1.42–1.45 intake, ¶2.86 assessment, ¶8.37
# provisional views), so every casework role may log and decide one, each with their own token
# so the trail names the person. Not ``service``: a machine must not stand in for the caseworker.
RA_WRITERS = CASEWORK_ROLES

PersonWriter = Annotated[Principal, Depends(RequireRole(Role.intake_caseworker))]
RaWriter = Annotated[Principal, Depends(RequireRole(RA_WRITERS))]
PersonReader = Annotated[Principal, Depends(RequireRole(PERSON_READERS))]
# XC-COM-001: a restriction under the unreasonable behaviour policy is a manager's decision, and
# the manager who records it is its decision-maker.
RestrictionDecider = Annotated[Principal, Depends(RequireRole(MANAGERS))]

PersonId = Annotated[uuid.UUID, Path(description="The person's UUID")]
ForCase = Annotated[
    uuid.UUID | None,
    Query(description="The case this read is for; recorded with the read in the audit trail"),
]

# The problem responses each kind of route documents. ``TOP_*`` are the routes without a person.
CREATE = problem_responses(401, 403, 404, 409, 413, 422, 429)
READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 404, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 429)
TOP_CREATE = problem_responses(401, 403, 409, 413, 422, 429)
TOP_LIST = problem_responses(400, 401, 403, 422, 429)

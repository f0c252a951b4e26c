"""What the legal routes depend on: roles, path types and the problem responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from shared.auth import CASE_DATA_READERS, CASEWORK_ROLES, Principal, Role
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses

# Who records the referral or dismisses it, and answers a risk prompt: the people who work
# cases (the correspondence may arrive at any stage) and the Legal Team.
LEGAL_ACTORS = CASEWORK_ROLES | {Role.legal}

LegalActor = Annotated[Principal, Depends(RequireRole(LEGAL_ACTORS))]
LegalReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]

CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID")]
ReferralIdPath = Annotated[uuid.UUID, Path(description="The legal referral's UUID")]
PromptIdPath = Annotated[uuid.UUID, Path(description="The risk prompt's UUID")]

READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)

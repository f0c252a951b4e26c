"""Who may read the allocation queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import CASEWORK_ROLES, Principal, Role
from shared.http_api.deps import RequireRole

# Caseworkers and above, the Ombudsman, and auditors (read-only); intake caseworkers work cases
# only until they are referred into this queue.
CASEWORKER_OR_ABOVE = (CASEWORK_ROLES - {Role.intake_caseworker}) | {Role.ombudsman, Role.auditor}
QueueReader = Annotated[Principal, Depends(RequireRole(CASEWORKER_OR_ABOVE))]

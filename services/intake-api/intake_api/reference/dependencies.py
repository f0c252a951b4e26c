"""Who may read the reference data: any role that can read cases (the screens that use it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import CASE_DATA_READERS, Principal
from shared.http_api.deps import RequireRole

CaseReader = Annotated[Principal, Depends(RequireRole(CASE_DATA_READERS))]

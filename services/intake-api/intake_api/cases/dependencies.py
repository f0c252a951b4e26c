from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from intake_api.cases import service
from intake_api.cases.models import Case
from shared.auth import CASE_DATA_READERS, Principal, Role
from shared.calendar import WorkingCalendar
from shared.db import DbSession
from shared.http_api.deps import RequireRole

CASE_READERS = CASE_DATA_READERS
MANAGERS = frozenset(
    {Role.operations_manager, Role.assistant_director, Role.director, Role.deputy_ombudsman}
)

IntakeCaseworker = Annotated[Principal, Depends(RequireRole(Role.intake_caseworker))]
CaseReader = Annotated[Principal, Depends(RequireRole(CASE_READERS))]
Manager = Annotated[Principal, Depends(RequireRole(MANAGERS))]


CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID")]


async def case_from_path(session: DbSession, case_id: CaseIdPath) -> Case:
    return await service.get_case(session, case_id=case_id)


CaseFromPath = Annotated[Case, Depends(case_from_path)]


async def get_calendar(request: Request) -> WorkingCalendar:
    calendar: WorkingCalendar = request.app.state.calendar
    return calendar


Calendar = Annotated[WorkingCalendar, Depends(get_calendar)]


OwnerQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Only cases owned by this caseworker (token subject)",
    ),
]

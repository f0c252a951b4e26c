"""What the cases routes depend on: roles, path and query types, values from the app's settings,
and the problem responses they document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from intake_api.cases import decisions, service
from intake_api.cases.errors import CaseNotFound
from shared.auth import CASE_DATA_READERS, Principal, Role
from shared.calendar import WorkingCalendar
from shared.http_api.deps import RequireRole
from shared.http_api.ownership import CaseActorCheck
from shared.http_api.problems import problem_responses

CASE_READERS = CASE_DATA_READERS

IntakeCaseworker = Annotated[Principal, Depends(RequireRole(Role.intake_caseworker))]
# Every act on one case: an intake caseworker who owns it or is in its team (a case nobody owns
# yet is any intake caseworker's), or a manager with an ``X-Override-Reason``, audited (issue #15
# item 14).
CaseActor = Annotated[
    Principal,
    Depends(
        CaseActorCheck(service.holding, caseworkers={Role.intake_caseworker}, missing=CaseNotFound)
    ),
]
CaseReader = Annotated[Principal, Depends(RequireRole(CASE_READERS))]
# The route admits exactly the roles the delegation lets decide (one list, not two).
Manager = Annotated[Principal, Depends(RequireRole(decisions.SPECIAL_HANDLING.roles))]


CaseIdPath = Annotated[uuid.UUID, Path(description="The case's UUID")]


async def get_calendar(request: Request) -> WorkingCalendar:
    calendar: WorkingCalendar = request.app.state.calendar
    return calendar


Calendar = Annotated[WorkingCalendar, Depends(get_calendar)]


async def get_reference_prefix(request: Request) -> str:
    """The prefix of new case references (``INTAKE_CASE_REFERENCE_PREFIX``)."""
    prefix: str = request.app.state.settings.case_reference_prefix
    return prefix


ReferencePrefix = Annotated[str, Depends(get_reference_prefix)]


def case_location(request: Request, case_id: uuid.UUID) -> str:
    """The ``Location`` of a new case: the path of ``GET /v1/cases/{case_id}``."""
    return str(request.url_for("get_case", case_id=str(case_id)).path)


OwnerQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Only cases owned by this caseworker (token subject)",
    ),
]

READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 429)


async def get_assessment_url(request: Request) -> str:
    """Where a case passed on is read at assessment-api (``INTAKE_ASSESSMENT_URL``)."""
    url: str = request.app.state.settings.assessment_url
    return url


AssessmentUrl = Annotated[str, Depends(get_assessment_url)]

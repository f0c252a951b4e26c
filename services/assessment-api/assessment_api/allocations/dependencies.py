"""Who may read the allocation queue and act on it; what allocation reads from the app."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Request

from shared.auth import CASEWORK_ROLES, MANAGERS, Principal, Role
from shared.calendar import WorkingCalendar
from shared.http_api.deps import RequireRole
from shared.http_api.problems import problem_responses
from shared.http_api.risk_guard import get_risk_client
from shared.risk_rating import RiskRatings

# Caseworkers and above, the Ombudsman, and auditors (read-only); intake caseworkers work cases
# only until they are referred into this queue.
CASEWORKER_OR_ABOVE = (CASEWORK_ROLES - {Role.intake_caseworker}) | {Role.ombudsman, Role.auditor}
QueueReader = Annotated[Principal, Depends(RequireRole(CASEWORKER_OR_ABOVE))]
# Who allocates (T24 "allocator (MGR / team)"): a manager to anyone, a caseworker to themselves.
ALLOCATORS = frozenset({Role.caseworker, Role.senior_caseworker}) | MANAGERS
Allocator = Annotated[Principal, Depends(RequireRole(ALLOCATORS))]
Caseworker = Annotated[
    Principal, Depends(RequireRole(frozenset({Role.caseworker, Role.senior_caseworker})))
]
Manager = Annotated[Principal, Depends(RequireRole(MANAGERS))]
# Category-change decisions: managers, and the AD for complex referrals (a manager role too).
Decider = Manager

EntryIdPath = Annotated[uuid.UUID, Path(description="The allocation queue entry's UUID")]
ApprovalIdPath = Annotated[uuid.UUID, Path(description="The approval request's UUID")]


async def risk_ratings(request: Request) -> RiskRatings:
    """compliance-api's rating reader (CMP-114), on the app's one compliance-api client (the
    risk guard's, opened by its lifespan hook and closed with it)."""
    state = request.app.state
    ratings: RiskRatings | None = getattr(state, "risk_ratings", None)
    if ratings is None:
        ratings = state.risk_ratings = RiskRatings(await get_risk_client(request))
    return ratings


def complex_teams(request: Request) -> frozenset[str]:
    teams: frozenset[str] = request.app.state.settings.complex_teams
    return teams


def calendar(request: Request) -> WorkingCalendar:
    cal: WorkingCalendar = request.app.state.calendar
    return cal


RatingsDep = Annotated[RiskRatings, Depends(risk_ratings)]
ComplexTeams = Annotated[frozenset[str], Depends(complex_teams)]
CalendarDep = Annotated[WorkingCalendar, Depends(calendar)]

READ = problem_responses(401, 403, 404, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)
RATED = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429, 503)

"""Fixtures of the risk tests: who acts, and the staff directory compliance-api reads.

The directory is a small real ASGI app serving ``/internal/staff/{staff_id}`` with
``shared.staff.StaffMember`` JSON (the contract assessment-api serves), reached over HTTP through
the real ``StaffDirectory`` client with a service token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx
import pytest
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse, Response

from shared.clients import ServiceClient, token_provider_for
from shared.staff import STAFF_AUDIENCE, DeclaredConflict, Grade, StaffDirectory, StaffMember
from tests.compliance.risk.builders import AD, CW, DEPUTY, MGR, ORG

Headers = Callable[..., dict[str, str]]

OMBUDSMAN = "ombudsman-1"
DLPS = "dlps-1"  # the Director of Legal and Professional Services, acting as deputy
CONFLICTED = "deputy-conflicted"  # a deputy who declared a conflict on ORG
LEFT = "deputy-left"  # a deputy no longer active


def _member(staff_id: str, grade: Grade, **extra: object) -> StaffMember:
    return StaffMember.model_validate(
        {"staff_id": staff_id, "display_name": f"Test {staff_id}", "grade": grade, **extra}
    )


@pytest.fixture
def staff() -> dict[str, StaffMember]:
    """The directory's records, fake people only."""
    members = [
        _member(CW, Grade.caseworker),
        _member(MGR, Grade.operations_manager),
        _member(AD, Grade.assistant_director),
        _member(DEPUTY, Grade.deputy_ombudsman),
        _member(OMBUDSMAN, Grade.ombudsman),
        _member(
            DLPS,
            Grade.director,
            posts=["deputy_ombudsman", "director_legal_and_professional_services"],
        ),
        _member(
            CONFLICTED,
            Grade.deputy_ombudsman,
            conflicts=[DeclaredConflict(organisation_id=ORG, declared_on=date(2026, 1, 5))],
        ),
        _member(LEFT, Grade.deputy_ombudsman, active=False),
    ]
    return {m.staff_id: m for m in members}


def staff_app(staff: dict[str, StaffMember], seen: list[str]) -> FastAPI:
    app = FastAPI()

    @app.get("/internal/staff/{staff_id}")
    async def get_staff(staff_id: str, authorization: str = Header()) -> Response:
        seen.append(authorization.split(" ", 1)[0])
        member = staff.get(staff_id)
        if member is None:
            return JSONResponse({"type": "staff-not-found", "status": 404}, status_code=404)
        return Response(member.model_dump_json(), media_type="application/json")

    return app


@pytest.fixture
def directory_calls() -> list[str]:
    """The authorization scheme of each call the directory received."""
    return []


@pytest.fixture
def directory(
    app: FastAPI, staff: dict[str, StaffMember], directory_calls: list[str]
) -> StaffDirectory:
    """compliance-api's staff directory, pointed at the in-process directory app."""
    found = StaffDirectory(
        ServiceClient(
            base_url="http://staff-directory",
            audience=STAFF_AUDIENCE,
            tokens=token_provider_for(app.state.settings),
            transport=httpx.ASGITransport(app=staff_app(staff, directory_calls)),
        )
    )
    app.state.staff_directory = found
    return found


class _Down(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)


@pytest.fixture
def directory_down(app: FastAPI) -> StaffDirectory:
    """A directory that cannot be reached."""
    down = StaffDirectory(
        ServiceClient(
            base_url="http://staff-directory",
            audience=STAFF_AUDIENCE,
            tokens=token_provider_for(app.state.settings),
            transport=_Down(),
            attempts=1,
        )
    )
    app.state.staff_directory = down
    return down


@pytest.fixture
def cw(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("caseworker", sub=CW)


@pytest.fixture
def manager(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("operations_manager", sub=MGR)


@pytest.fixture
def ad(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("assistant_director", sub=AD)


@pytest.fixture
def deputy(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("deputy_ombudsman", sub=DEPUTY)

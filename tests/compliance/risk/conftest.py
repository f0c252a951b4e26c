"""Fixtures of the risk tests: who acts, and the staff directory compliance-api reads.

The directory is a small real ASGI app serving ``/internal/staff/{staff_id}`` with
``shared.staff.StaffMember`` JSON (the contract assessment-api serves), reached over HTTP through
the real ``StaffDirectory`` client with a service token.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from shared.clients import ServiceClient, token_provider_for
from shared.staff import STAFF_AUDIENCE, StaffDirectory, StaffMember
from tests.compliance.risk.builders import AD, CW, DEPUTY, MGR, STAFF, install_staff_directory

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def staff() -> dict[str, StaffMember]:
    """The directory's records, fake people only."""
    return dict(STAFF)


@pytest.fixture
def directory_calls() -> list[str]:
    """The authorization scheme of each call the directory received."""
    return []


@pytest.fixture
def directory(
    app: FastAPI, staff: dict[str, StaffMember], directory_calls: list[str]
) -> StaffDirectory:
    """compliance-api's staff directory, pointed at the in-process directory app."""
    return install_staff_directory(app, staff, directory_calls)


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

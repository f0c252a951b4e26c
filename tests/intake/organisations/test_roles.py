"""Who may do what with the register: every role × every route (DESIGN §7 role matrix)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.organisations.models import Organisation
from shared.audit import AuditEntry
from shared.auth import Role
from shared.errors import PROBLEM_TYPE_BASE

Headers = Callable[..., dict[str, str]]
MakeOrg = Callable[..., Awaitable[Organisation]]

EVERY_ROLE = {r.value for r in Role}
READERS = EVERY_ROLE  # reference data without personal data; `integration` feeds a CRM
WRITERS = {"intake_caseworker", "operations_manager"}
# B.2 `pvOptOut`: "CW records the written agreement" (CW includes senior caseworkers).
PV_RECORDERS = WRITERS | {"caseworker", "senior_caseworker"}


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str
    allowed: frozenset[str]
    success: int
    body: dict[str, Any] | None = None
    if_match: bool = False
    needs_agreement: bool = False


ROUTES = [
    Route("create", "POST", "/v1/organisations", frozenset(WRITERS), 201,
          body={"name": "Role Matrix Trust", "kind": "nhs_trust", "jurisdiction": "health"}),
    Route("list", "GET", "/v1/organisations", frozenset(READERS), 200),
    Route("read", "GET", "/v1/organisations/{id}", frozenset(READERS), 200),
    Route("update", "PATCH", "/v1/organisations/{id}", frozenset(WRITERS), 200,
          body={"active": False}, if_match=True),
    Route("record_pv_opt_out", "POST", "/v1/organisations/{id}/pv-opt-out",
          frozenset(PV_RECORDERS), 200,
          body={"agreed_date": "2026-10-01", "document_reference": "DOC-1", "reason": "On file"}),
    Route("withdraw_pv_opt_out", "POST", "/v1/organisations/{id}/pv-opt-out/withdraw",
          frozenset(PV_RECORDERS), 200, body={"reason": "Withdrawn in writing"},
          needs_agreement=True),
]  # fmt: skip

CASES = [(route, role) for route in ROUTES for role in sorted(EVERY_ROLE)]


async def _writes(session: AsyncSession) -> int:
    n = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_type == "organisation")
    )
    return int(n or 0)


@pytest.mark.parametrize(
    ("route", "role"), CASES, ids=[f"{route.name}-{role}" for route, role in CASES]
)
async def test_role_matrix(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    make_org: MakeOrg,
    route: Route,
    role: str,
) -> None:
    org = await make_org(pv_opt_out=route.needs_agreement)
    headers = auth_headers(role)
    if route.if_match:
        headers["If-Match"] = f'"{org.version}"'
    writes_before = await _writes(session)

    r = await client.request(
        route.method, route.path.format(id=org.id), json=route.body, headers=headers
    )

    if role in route.allowed:
        assert r.status_code == route.success, r.text
    else:
        assert r.status_code == 403, r.text
        assert r.json()["type"] == PROBLEM_TYPE_BASE + "forbidden"
        assert await _writes(session) == writes_before


def test_the_matrix_covers_every_route_of_the_module(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    served = {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/v1/organisations")
        for method in operations
    }
    assert served == {(r.method, r.path.replace("{id}", "{organisation_id}")) for r in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
async def test_no_token_is_401_and_a_token_without_roles_is_403(
    client: httpx.AsyncClient, auth_headers: Headers, route: Route
) -> None:
    path = route.path.format(id=uuid.uuid4())
    anonymous = await client.request(route.method, path, json=route.body)
    assert anonymous.status_code == 401
    assert anonymous.json()["type"] == PROBLEM_TYPE_BASE + "unauthorized"
    no_roles = await client.request(route.method, path, json=route.body, headers=auth_headers())
    assert no_roles.status_code == 403

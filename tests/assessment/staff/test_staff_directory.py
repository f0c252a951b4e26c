"""The staff directory (issue 12 "Staff directory"; CMP-128, XC-ROL-007): one service holds who
each member of staff is; other services read ``/internal/staff/{staff_id}`` with a service token
(``shared.staff.StaffDirectory``); the identity provider's sync job upserts with ``PUT``; people
read ``/v1/staff`` and staff admins keep it; conflicts are declared by the person or an admin,
audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import AuditEntry
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.http_api.problems import PROBLEM_JSON
from shared.staff import StaffDirectory, StaffMember, StaffNotFound
from tests.assessment.builders import make_staff

Headers = Callable[..., dict[str, str]]
ORG = uuid.UUID("5d2c1a0e-1111-4a8c-9b9e-3c5f0d6e8a21")
CASE = uuid.UUID("6e3d2b1f-2222-4b9d-8c0f-4d6e1f7a9b32")


@pytest.fixture
def service(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("service", sub="compliance-api")


@pytest.fixture
def admin(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("staff_admin", sub="admin-1")


async def _audit(session: AsyncSession, action: str) -> list[AuditEntry]:
    rows = await session.scalars(select(AuditEntry).where(AuditEntry.action == action))
    return list(rows.all())


# --- /internal/staff: what other services read -------------------------------------------------


async def test_internal_read_answers_the_shared_contract__CMP_128(
    client: httpx.AsyncClient, session: AsyncSession, service: dict[str, str]
) -> None:
    await make_staff(
        session, "do-1", grade="deputy_ombudsman", team=None,
        posts=["director_legal_and_professional_services"], conflicts=((ORG, None), (None, CASE)),
    )  # fmt: skip
    r = await client.get("/internal/staff/do-1", headers=service)
    assert r.status_code == 200, r.text
    member = StaffMember.model_validate_json(r.content)
    assert (member.grade, member.posts) == (
        "deputy_ombudsman",
        frozenset({"director_legal_and_professional_services"}),
    )
    assert member.conflicted_on(case_id=uuid.uuid4(), organisation_ids=frozenset({ORG}))
    assert member.conflicted_on(case_id=CASE, organisation_ids=frozenset())
    assert not member.conflicted_on(case_id=uuid.uuid4(), organisation_ids=frozenset())


async def test_internal_read_is_for_services_only(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await make_staff(session, "cw-1")
    r = await client.get("/internal/staff/cw-1", headers=auth_headers("operations_manager"))
    assert r.status_code == 403
    assert r.headers["content-type"] == PROBLEM_JSON


async def test_the_shared_reader_reads_the_real_directory(
    app: FastAPI, session: AsyncSession, settings: object
) -> None:
    """``shared.staff.StaffDirectory`` over HTTP against this service: a record, and 404 as
    ``StaffNotFound``."""
    await make_staff(session, "scw-9", grade="senior_caseworker")
    tokens = DevServiceTokenProvider(
        keys_dir=app.state.settings.dev_keys_dir,
        issuer=app.state.settings.jwt_issuer,
        subject="compliance-api",
    )
    client = ServiceClient(
        base_url="http://assessment",
        audience="assessment-api",
        tokens=tokens,
        transport=httpx.ASGITransport(app=app),
    )
    directory = StaffDirectory(client)
    try:
        assert (await directory.get("scw-9")).grade == "senior_caseworker"
        with pytest.raises(StaffNotFound):
            await directory.get("nobody-here")
    finally:
        await client.aclose()


# --- PUT /internal/staff: the identity provider's sync ----------------------------------------

SYNC = {
    "display_name": "Pat Example",
    "grade": "caseworker",
    "roles": ["caseworker"],
    "team": "general-2",
    "active": True,
}


async def test_sync_creates_then_is_idempotent(
    client: httpx.AsyncClient, session: AsyncSession, service: dict[str, str]
) -> None:
    first = await client.put("/internal/staff/idp-42", json=SYNC, headers=service)
    assert first.status_code == 201, first.text
    again = await client.put("/internal/staff/idp-42", json=SYNC, headers=service)
    assert again.status_code == 200
    assert again.headers["etag"] == first.headers["etag"]
    assert len(await _audit(session, "staff.synced")) == 1


async def test_sync_replaces_identity_fields_and_keeps_the_directorys_own(
    client: httpx.AsyncClient, session: AsyncSession, service: dict[str, str]
) -> None:
    await make_staff(session, "idp-7", available=False, conflicts=((ORG, None),))
    body = {**SYNC, "grade": "senior_caseworker", "team": "complex-1"}
    r = await client.put("/internal/staff/idp-7", json=body, headers=service)
    assert r.status_code == 200, r.text
    member = StaffMember.model_validate_json(r.content)
    assert (member.grade, member.team, member.available) == (
        "senior_caseworker",
        "complex-1",
        False,
    )
    assert len(member.conflicts) == 1


async def test_sync_refuses_people_and_bad_bodies(
    client: httpx.AsyncClient, service: dict[str, str], admin: dict[str, str]
) -> None:
    assert (await client.put("/internal/staff/x-1", json=SYNC, headers=admin)).status_code == 403
    bad = {**SYNC, "roles": ["service"]}
    r = await client.put("/internal/staff/x-1", json=bad, headers=service)
    assert r.status_code == 422
    r = await client.put("/internal/staff/x-1", json={**SYNC, "grade": None}, headers=service)
    assert r.status_code == 422
    r = await client.put("/internal/staff/bad%20id", json=SYNC, headers=service)
    assert r.status_code == 422


# --- /v1/staff: people read it, staff admins keep it -------------------------------------------


async def test_caseworkers_read_the_directory(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await make_staff(session, "cw-a", team="complex-1")
    await make_staff(session, "cw-b", team="general-1")
    headers = auth_headers("caseworker")
    page = await client.get("/v1/staff", params={"team": "complex-1"}, headers=headers)
    assert page.status_code == 200, page.text
    assert [s["staff_id"] for s in page.json()["items"]] == ["cw-a"]
    one = await client.get("/v1/staff/cw-b", headers=headers)
    assert (one.status_code, one.json()["team"]) == (200, "general-1")
    assert "etag" in one.headers
    missing = await client.get("/v1/staff/nobody", headers=headers)
    assert (missing.status_code, missing.json()["type"].rsplit("/", 1)[-1]) == (
        404,
        "staff-not-found",
    )


async def test_only_a_staff_admin_creates(
    client: httpx.AsyncClient, admin: dict[str, str], auth_headers: Headers
) -> None:
    body = {"staff_id": "new-1", "display_name": "New Person", "grade": "caseworker"}
    r = await client.post("/v1/staff", json=body, headers=auth_headers("operations_manager"))
    assert r.status_code == 403
    r = await client.post("/v1/staff", json=body, headers=admin)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/v1/staff/new-1"
    assert (r.json()["active"], r.json()["available"], r.json()["source"]) == (True, True, "admin")
    dup = await client.post("/v1/staff", json=body, headers=admin)
    assert dup.status_code == 409


async def test_patch_admin_any_field_person_only_availability(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str], auth_headers: Headers
) -> None:
    await make_staff(session, "cw-p")
    etag = (await client.get("/v1/staff/cw-p", headers=admin)).headers["etag"]
    no_match = await client.patch("/v1/staff/cw-p", json={"team": "x"}, headers=admin)
    assert no_match.status_code == 428
    r = await client.patch(
        "/v1/staff/cw-p", json={"team": "complex-2"}, headers={**admin, "If-Match": etag}
    )
    assert (r.status_code, r.json()["team"]) == (200, "complex-2")
    me = auth_headers("caseworker", sub="cw-p")
    etag = r.headers["etag"]
    mine = await client.patch(
        "/v1/staff/cw-p", json={"available": False}, headers={**me, "If-Match": etag}
    )
    assert (mine.status_code, mine.json()["available"]) == (200, False)
    etag = mine.headers["etag"]
    grade = await client.patch(
        "/v1/staff/cw-p", json={"grade": "senior_caseworker"}, headers={**me, "If-Match": etag}
    )
    assert grade.status_code == 403
    other = auth_headers("caseworker", sub="cw-other")
    r = await client.patch(
        "/v1/staff/cw-p", json={"available": True}, headers={**other, "If-Match": etag}
    )
    assert r.status_code == 403
    null = await client.patch(
        "/v1/staff/cw-p", json={"grade": None}, headers={**admin, "If-Match": etag}
    )
    assert null.status_code == 422


async def test_deactivation_is_audited_with_its_reason(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str]
) -> None:
    await make_staff(session, "cw-d")
    body = {"reason": "Left the organisation"}
    r = await client.post("/v1/staff/cw-d/deactivation", json=body, headers=admin)
    assert (r.status_code, r.json()["active"]) == (200, False)
    [row] = await _audit(session, "staff.deactivated")
    assert row.before is not None
    assert row.after is not None
    assert (row.reason, row.before["active"], row.after["active"]) == (body["reason"], True, False)
    r = await client.post("/v1/staff/cw-d/reactivation", json=body, headers=admin)
    assert (r.status_code, r.json()["active"]) == (200, True)


# --- Conflicts of interest ----------------------------------------------------------------------


async def test_a_person_declares_their_own_conflict__CMP_128(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers, service: dict[str, str]
) -> None:
    await make_staff(session, "cw-c")
    before = (await client.get("/internal/staff/cw-c", headers=service)).headers["etag"]
    body = {"case_id": str(CASE), "declared_on": "2026-11-02", "note": "I know the complainant"}
    me = auth_headers("caseworker", sub="cw-c")
    r = await client.post("/v1/staff/cw-c/conflicts", json=body, headers=me)
    assert r.status_code == 201, r.text
    assert (r.json()["case_id"], r.json()["declared_by"]) == (str(CASE), "cw-c")
    read = await client.get("/internal/staff/cw-c", headers=service)
    assert StaffMember.model_validate_json(read.content).conflicted_on(
        case_id=CASE, organisation_ids=frozenset()
    )
    assert read.headers["etag"] != before
    rows = await _audit(session, "staff.conflict_declared")
    [row] = [x for x in rows if x.entity_type == "staff_conflict"]
    assert (row.actor, row.case_id) == ("cw-c", CASE)


async def test_conflicts_for_others_only_by_a_staff_admin__CMP_128(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers, admin: dict[str, str]
) -> None:
    await make_staff(session, "cw-e")
    body = {"organisation_id": str(ORG), "declared_on": "2026-10-30"}
    other = auth_headers("operations_manager", sub="om-1")
    assert (
        await client.post("/v1/staff/cw-e/conflicts", json=body, headers=other)
    ).status_code == 403
    assert (
        await client.post("/v1/staff/cw-e/conflicts", json=body, headers=admin)
    ).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"organisation_id": str(ORG), "case_id": str(CASE), "declared_on": "2026-11-02"},
        {"declared_on": "2026-11-02"},
        {"organisation_id": str(ORG), "declared_on": "2026-11-03"},  # tomorrow
        {"organisation_id": str(ORG), "declared_on": None},
        {"organisation_id": str(ORG), "declared_on": "2026-11-02", "note": "  "},
    ],
)
async def test_a_conflict_names_one_thing_on_a_past_date(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str], body: dict[str, object]
) -> None:
    await make_staff(session, "cw-f")
    r = await client.post("/v1/staff/cw-f/conflicts", json=body, headers=admin)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == PROBLEM_JSON
    # Nothing audited by this refused request (entries other tests committed are theirs: the
    # concurrency tests commit, and audit rows cannot be deleted).
    count = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.actor == "admin-1")
    )
    assert count == 0

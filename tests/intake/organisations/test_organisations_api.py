"""The organisation register over HTTP: create, read, change, list and search (DESIGN §1, §3)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.organisations.models import Organisation
from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from shared.idempotency import REPLAY_HEADER

Headers = Callable[..., dict[str, str]]
Json = dict[str, Any]
Body = Callable[..., Json]
CreateOrg = Callable[..., Awaitable[Json]]
Audit = Callable[[AsyncSession, str | uuid.UUID], Awaitable[list[AuditEntry]]]
URL = "/v1/organisations"
WRITER = "intake_caseworker"


def _problem(r: httpx.Response, status: int, slug: str) -> Json:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    problem: Json = r.json()
    assert problem["type"] == PROBLEM_TYPE_BASE + slug
    return problem


async def _stored(session: AsyncSession, organisation_id: str) -> Organisation | None:
    session.expunge_all()
    return await session.get(Organisation, uuid.UUID(organisation_id))


async def _count(session: AsyncSession, name: str) -> int:
    n = await session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.name == name)
    )
    return int(n or 0)


def _marker() -> str:
    return uuid.uuid4().hex[:10]


# ---------------------------------------------------------------------------------------------
# POST /v1/organisations
# ---------------------------------------------------------------------------------------------


async def test_create_returns_201_location_etag_and_the_stored_entry(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    org_body: Body,
    audit: Audit,
) -> None:
    sub = f"ic-{_marker()}"
    body = org_body()
    r = await client.post(URL, json=body, headers=auth_headers(WRITER, sub=sub))

    assert r.status_code == 201, r.text
    org = r.json()
    assert r.headers["location"] == f"{URL}/{org['id']}"
    assert r.headers["etag"] == '"1"'
    assert org["version"] == 1
    assert org["created_by"] == sub
    assert org["name"] == body["name"]
    assert org["aliases"] == ["Exampleshire Hospitals", "EHFT"]
    assert org["active"] is True
    assert (org["kind"], org["jurisdiction"]) == ("nhs_trust", "health")
    assert org["in_jurisdiction"] is True
    assert org["remit_only_for_victims_code"] is False
    assert org["principal_officer"] == {"title": "Chief Executive", "name": "Dr Alex Example"}
    assert org["focal_point"]["team"] == "Patient Experience Team"
    assert org["contract_type"] is None
    assert org["pv_opt_out"] is None

    stored = await _stored(session, org["id"])
    assert stored is not None
    assert (stored.principal_officer_title, stored.principal_officer_name) == (
        "Chief Executive",
        "Dr Alex Example",
    )
    assert stored.focal_point_email == "patient.experience@exampleshire.example"

    rows = await audit(session, org["id"])
    assert [(a.action, a.actor, a.before) for a in rows] == [("organisation.created", sub, None)]
    assert rows[0].after == org

    g = await client.get(r.headers["location"], headers=auth_headers("auditor"))
    assert g.status_code == 200
    assert g.headers["etag"] == '"1"'
    assert g.json() == org


async def test_out_of_jurisdiction_body_has_no_jurisdiction__ASM_001(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, org_body: Body
) -> None:
    h = auth_headers(WRITER)
    with_one = org_body(kind="out_of_jurisdiction", jurisdiction="health")
    refused = await client.post(URL, json=with_one, headers=h)
    problem = _problem(refused, 422, "organisation-kind-jurisdiction-mismatch")
    assert problem["allowed_jurisdictions"] == ["null"]
    assert await _count(session, with_one["name"]) == 0

    r = await client.post(
        URL, json=org_body(kind="out_of_jurisdiction", jurisdiction=None), headers=h
    )
    assert r.status_code == 201, r.text
    assert r.json()["jurisdiction"] is None
    assert r.json()["in_jurisdiction"] is False
    assert r.json()["remit_only_for_victims_code"] is False


async def test_victims_code_only_body_flagged__ASM_004(
    client: httpx.AsyncClient, auth_headers: Headers, org_body: Body
) -> None:
    h = auth_headers(WRITER)
    r = await client.post(
        URL, json=org_body(kind="victims_code_only", jurisdiction="parliamentary"), headers=h
    )
    assert r.status_code == 201, r.text
    assert r.json()["remit_only_for_victims_code"] is True
    assert r.json()["in_jurisdiction"] is True

    health = await client.post(
        URL, json=org_body(kind="victims_code_only", jurisdiction="health"), headers=h
    )
    _problem(health, 422, "organisation-kind-jurisdiction-mismatch")


@pytest.mark.parametrize(
    ("kind", "jurisdiction"),
    [
        ("nhs_trust", "parliamentary"),
        ("nhs_trust", None),
        ("family_health_service_provider", "parliamentary"),
        ("independent_provider", None),
        ("icb", "parliamentary"),
        ("nhs_england_region", "parliamentary"),
        ("government_department", "health"),
        ("government_department", None),
        ("executive_agency", "health"),
        ("second_tier_complaint_handler", None),
    ],
)
async def test_jurisdiction_that_contradicts_the_kind_is_422(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    org_body: Body,
    kind: str,
    jurisdiction: str | None,
) -> None:
    body = org_body(kind=kind, jurisdiction=jurisdiction)
    r = await client.post(URL, json=body, headers=auth_headers(WRITER))
    problem = _problem(r, 422, "organisation-kind-jurisdiction-mismatch")
    assert problem["kind"] == kind
    assert await _count(session, body["name"]) == 0


@pytest.mark.parametrize("jurisdiction", ["health", "parliamentary"])
async def test_second_tier_complaint_handler_may_be_either_jurisdiction(
    client: httpx.AsyncClient, auth_headers: Headers, org_body: Body, jurisdiction: str
) -> None:
    body = org_body(kind="second_tier_complaint_handler", jurisdiction=jurisdiction)
    r = await client.post(URL, json=body, headers=auth_headers(WRITER))
    assert r.status_code == 201, r.text
    assert r.json()["jurisdiction"] == jurisdiction


@pytest.mark.parametrize("contract_type", ["GMS/GDS", "PMS/PDS"])
async def test_family_health_service_provider_records_its_contract_type__ASM_162(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    org_body: Body,
    contract_type: str,
) -> None:
    body = org_body(
        name=f"Sample Valley GP Practice {_marker()}",
        kind="family_health_service_provider",
        jurisdiction="health",
        contract_type=contract_type,
    )
    r = await client.post(URL, json=body, headers=auth_headers(WRITER))
    assert r.status_code == 201, r.text
    assert r.json()["contract_type"] == contract_type
    stored = await _stored(session, r.json()["id"])
    assert stored is not None
    assert stored.contract_type == contract_type


async def test_family_health_service_provider_contract_type_may_be_unknown_yet__ASM_162(
    client: httpx.AsyncClient, auth_headers: Headers, org_body: Body
) -> None:
    # ¶3.79: if the provider is unsure we ask for a copy, so the type is not known at first.
    body = org_body(kind="family_health_service_provider", jurisdiction="health")
    r = await client.post(URL, json=body, headers=auth_headers(WRITER))
    assert r.status_code == 201, r.text
    assert r.json()["contract_type"] is None


async def test_contract_type_on_another_kind_is_refused__ASM_162(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, org_body: Body
) -> None:
    body = org_body(kind="nhs_trust", jurisdiction="health", contract_type="PMS/PDS")
    r = await client.post(URL, json=body, headers=auth_headers(WRITER))
    _problem(r, 422, "contract-type-not-allowed")
    assert await _count(session, body["name"]) == 0


@pytest.mark.parametrize("value", ["GMS", "PMS", "gms/gds", "APMS"])
async def test_contract_type_outside_the_guidance_words_is_a_validation_error(
    client: httpx.AsyncClient, auth_headers: Headers, org_body: Body, value: str
) -> None:
    body = org_body(
        kind="family_health_service_provider", jurisdiction="health", contract_type=value
    )
    r = await client.post(URL, json=body, headers=auth_headers(WRITER))
    _problem(r, 422, "validation-error")


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "   "},
        {"kind": "local_authority"},
        {"jurisdiction": "scotland"},
        {"principal_officer": {"title": "Chief Executive"}},
        {"focal_point": {"team": "Liaison", "email": "not-an-email"}},
        {"focal_point": {"email": "liaison@example.example"}},
        {"aliases": [""]},
        {"in_jurisdiction": False},
        {"remit_only_for_victims_code": True},
        {"pv_opt_out": True},
        {"version": 7},
    ],
    ids=lambda o: next(iter(o)),
)
async def test_invalid_or_read_only_fields_are_422(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    org_body: Body,
    overrides: Json,
) -> None:
    body = org_body(**overrides)
    r = await client.post(URL, json=body, headers=auth_headers(WRITER))
    _problem(r, 422, "validation-error")
    assert await _count(session, str(body["name"]).strip()) == 0


async def test_idempotency_key_replays_the_first_response_and_creates_one_row(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, org_body: Body
) -> None:
    h = {**auth_headers(WRITER, sub=f"ic-{_marker()}"), "Idempotency-Key": str(uuid.uuid4())}
    body = org_body()
    first = await client.post(URL, json=body, headers=h)
    again = await client.post(URL, json=body, headers=h)
    other = await client.post(URL, json={**body, "active": False}, headers=h)

    assert first.status_code == again.status_code == 201
    assert again.headers[REPLAY_HEADER] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == '"1"'
    _problem(other, 422, "idempotency-key-reused")
    assert await _count(session, body["name"]) == 1


# ---------------------------------------------------------------------------------------------
# GET /v1/organisations/{id}
# ---------------------------------------------------------------------------------------------


async def test_unknown_organisation_is_404(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.get(f"{URL}/{uuid.uuid4()}", headers=auth_headers("caseworker"))
    _problem(r, 404, "organisation-not-found")


async def test_malformed_id_is_422(client: httpx.AsyncClient, auth_headers: Headers) -> None:
    r = await client.get(f"{URL}/not-a-uuid", headers=auth_headers("caseworker"))
    _problem(r, 422, "validation-error")


# ---------------------------------------------------------------------------------------------
# PATCH /v1/organisations/{id}
# ---------------------------------------------------------------------------------------------


async def _patch(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    org_id: str,
    body: Json,
    if_match: str | None = '"1"',
) -> httpx.Response:
    h = dict(headers)
    if if_match is not None:
        h["If-Match"] = if_match
    return await client.patch(f"{URL}/{org_id}", json=body, headers=h)


async def test_patch_without_if_match_is_428_and_changes_nothing(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    create_org: CreateOrg,
    audit: Audit,
) -> None:
    org = await create_org()
    r = await _patch(client, auth_headers(WRITER), org["id"], {"name": "Renamed"}, if_match=None)
    _problem(r, 428, "if-match-required")
    stored = await _stored(session, org["id"])
    assert stored is not None
    assert (stored.name, stored.version) == (org["name"], 1)
    assert [a.action for a in await audit(session, org["id"])] == ["organisation.created"]


async def test_patch_with_a_stale_etag_is_412_and_changes_nothing(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, create_org: CreateOrg
) -> None:
    org = await create_org()
    h = auth_headers(WRITER)
    assert (await _patch(client, h, org["id"], {"active": False})).status_code == 200

    stale = await _patch(client, h, org["id"], {"name": "Renamed"}, if_match='"1"')

    problem = _problem(stale, 412, "etag-mismatch")
    assert problem["current_etag"] == '"2"'
    stored = await _stored(session, org["id"])
    assert stored is not None
    assert (stored.name, stored.active, stored.version) == (org["name"], False, 2)


async def test_patch_changes_only_the_fields_sent_and_audits_before_and_after(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    create_org: CreateOrg,
    audit: Audit,
) -> None:
    org = await create_org()
    sub = f"om-{_marker()}"
    officer = {"title": "Chief Executive", "name": "Jo Placeholder"}

    r = await _patch(
        client,
        auth_headers("operations_manager", sub=sub),
        org["id"],
        {"principal_officer": officer, "aliases": ["EHFT", "ehft", "Exampleshire General"]},
    )

    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    updated = r.json()
    assert updated["version"] == 2
    assert updated["principal_officer"] == officer
    assert updated["aliases"] == ["EHFT", "Exampleshire General"]
    unchanged = {"principal_officer", "aliases", "version", "updated_at"}
    assert {k: v for k, v in updated.items() if k not in unchanged} == {
        k: v for k, v in org.items() if k not in unchanged
    }
    stored = await _stored(session, org["id"])
    assert stored is not None
    assert stored.principal_officer_name == "Jo Placeholder"

    rows = await audit(session, org["id"])
    assert [a.action for a in rows] == ["organisation.created", "organisation.updated"]
    assert rows[1].actor == sub
    assert rows[1].before is not None
    assert rows[1].before["principal_officer"]["name"] == "Dr Alex Example"
    assert rows[1].after == updated
    assert rows[1].reason == "Register entry updated: aliases, principal_officer_name"


async def test_patch_null_clears_a_nullable_field(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, create_org: CreateOrg
) -> None:
    org = await create_org()
    r = await _patch(client, auth_headers(WRITER), org["id"], {"focal_point": None})
    assert r.status_code == 200, r.text
    assert r.json()["focal_point"] is None
    stored = await _stored(session, org["id"])
    assert stored is not None
    assert (stored.focal_point_team, stored.focal_point_email, stored.focal_point_phone) == (
        None,
        None,
        None,
    )


async def test_patch_rechecks_kind_and_jurisdiction_together__ASM_001(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, create_org: CreateOrg
) -> None:
    org = await create_org(kind="government_department", jurisdiction="parliamentary")
    h = auth_headers(WRITER)

    kind_only = await _patch(client, h, org["id"], {"kind": "out_of_jurisdiction"})
    _problem(kind_only, 422, "organisation-kind-jurisdiction-mismatch")
    jurisdiction_only = await _patch(client, h, org["id"], {"jurisdiction": "health"})
    _problem(jurisdiction_only, 422, "organisation-kind-jurisdiction-mismatch")
    stored = await _stored(session, org["id"])
    assert stored is not None
    assert (stored.kind, stored.jurisdiction, stored.version) == (
        "government_department",
        "parliamentary",
        1,
    )

    both = await _patch(client, h, org["id"], {"kind": "out_of_jurisdiction", "jurisdiction": None})
    assert both.status_code == 200, both.text
    assert both.json()["in_jurisdiction"] is False
    assert both.json()["jurisdiction"] is None


async def test_patch_refuses_a_contract_type_the_kind_cannot_have__ASM_162(
    client: httpx.AsyncClient, auth_headers: Headers, create_org: CreateOrg
) -> None:
    gp = await create_org(
        kind="family_health_service_provider", jurisdiction="health", contract_type="GMS/GDS"
    )
    trust = await create_org()
    h = auth_headers(WRITER)

    _problem(
        await _patch(client, h, trust["id"], {"contract_type": "GMS/GDS"}),
        422,
        "contract-type-not-allowed",
    )
    # Changing the kind away from a family health service provider must clear the contract type.
    _problem(
        await _patch(client, h, gp["id"], {"kind": "independent_provider"}),
        422,
        "contract-type-not-allowed",
    )
    ok = await _patch(client, h, gp["id"], {"kind": "independent_provider", "contract_type": None})
    assert ok.status_code == 200, ok.text
    assert (ok.json()["kind"], ok.json()["contract_type"]) == ("independent_provider", None)

    changed = await _patch(client, h, gp["id"], {"kind": "family_health_service_provider"}, '"2"')
    assert changed.status_code == 200
    switched = await _patch(client, h, gp["id"], {"contract_type": "PMS/PDS"}, '"3"')
    assert switched.json()["contract_type"] == "PMS/PDS"


@pytest.mark.parametrize(
    "body",
    [
        {"name": None},
        {"kind": None},
        {"active": None},
        {"aliases": None},
        {"in_jurisdiction": False},
        {"pv_opt_out": None},
        {"pv_opt_out": {"agreed_date": "2026-10-01"}},
        {"version": 9},
    ],
    ids=lambda b: next(iter(b)),
)
async def test_patch_refuses_null_required_fields_and_read_only_fields(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    create_org: CreateOrg,
    body: Json,
) -> None:
    org = await create_org()
    r = await _patch(client, auth_headers(WRITER), org["id"], body)
    _problem(r, 422, "validation-error")
    stored = await _stored(session, org["id"])
    assert stored is not None
    assert stored.version == 1


async def test_patch_that_changes_nothing_keeps_the_version_and_writes_no_audit(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    create_org: CreateOrg,
    audit: Audit,
) -> None:
    org = await create_org()
    r = await _patch(client, auth_headers(WRITER), org["id"], {"name": org["name"], "active": True})
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'
    assert r.json() == org
    assert [a.action for a in await audit(session, org["id"])] == ["organisation.created"]


async def test_patch_of_an_unknown_organisation_is_404(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await _patch(client, auth_headers(WRITER), str(uuid.uuid4()), {"active": False})
    _problem(r, 404, "organisation-not-found")


# ---------------------------------------------------------------------------------------------
# GET /v1/organisations: keyset pagination, filters, search
# ---------------------------------------------------------------------------------------------


async def _list(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> Json:
    r = await client.get(URL, params=params, headers=headers)
    assert r.status_code == 200, r.text
    page: Json = r.json()
    return page


async def test_pagination_walks_every_row_once_in_name_then_id_order(
    client: httpx.AsyncClient, auth_headers: Headers, create_org: CreateOrg
) -> None:
    m = _marker()
    names = [f"{m} Alpha", f"{m} Bravo", f"{m} Bravo", f"{m} Charlie", f"{m} Delta"]
    created = [await create_org(name=n) for n in reversed(names)]
    expected = [o["id"] for o in sorted(created, key=lambda o: (o["name"], uuid.UUID(o["id"])))]
    h = auth_headers("caseworker")

    seen: list[str] = []
    pages = 0
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"q": m, "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = await _list(client, h, **params)
        pages += 1
        assert len(page["items"]) <= 2
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == expected
    assert pages == 3
    # An exact fit has no empty trailing page.
    assert (await _list(client, h, q=m, limit=5))["next_cursor"] is None


async def test_bad_cursor_is_400_and_overlong_limit_is_422(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    h = auth_headers("caseworker")
    _problem(await client.get(URL, params={"cursor": "garbage!"}, headers=h), 400, "invalid-cursor")
    tampered = "WzEsMl0"  # [1,2]: a number where a name belongs
    _problem(await client.get(URL, params={"cursor": tampered}, headers=h), 400, "invalid-cursor")
    _problem(await client.get(URL, params={"limit": 101}, headers=h), 422, "validation-error")
    _problem(await client.get(URL, params={"kind": "council"}, headers=h), 422, "validation-error")


async def test_search_finds_an_organisation_by_alias_ignoring_case(
    client: httpx.AsyncClient, auth_headers: Headers, create_org: CreateOrg
) -> None:
    m = _marker()
    jcp = await create_org(
        name=f"Jobcentre Plus Example {m}",
        kind="executive_agency",
        jurisdiction="parliamentary",
        aliases=[f"JCP-{m}", "Jobcentre"],
    )
    await create_org(name=f"Unrelated Trust {m}", aliases=[])
    h = auth_headers("intake_caseworker")

    by_alias = await _list(client, h, q=f"jcp-{m.upper()}")
    assert [o["id"] for o in by_alias["items"]] == [jcp["id"]]
    by_name = await _list(client, h, q=f"JOBCENTRE PLUS EXAMPLE {m}")
    assert [o["id"] for o in by_name["items"]] == [jcp["id"]]
    assert [o["name"] for o in (await _list(client, h, q=m))["items"]] == [
        f"Jobcentre Plus Example {m}",
        f"Unrelated Trust {m}",
    ]


async def test_search_treats_like_wildcards_literally(
    client: httpx.AsyncClient, auth_headers: Headers, create_org: CreateOrg
) -> None:
    m = _marker()
    literal = await create_org(name=f"100% Example {m}", aliases=[f"a_b{m}"])
    await create_org(name=f"100 Example {m}", aliases=[f"axb{m}"])
    h = auth_headers("caseworker")

    assert [o["id"] for o in (await _list(client, h, q=f"100% Example {m}"))["items"]] == [
        literal["id"]
    ]
    assert [o["id"] for o in (await _list(client, h, q=f"a_b{m}"))["items"]] == [literal["id"]]


async def test_filters_by_jurisdiction_kind_in_jurisdiction_and_active(
    client: httpx.AsyncClient, auth_headers: Headers, create_org: CreateOrg
) -> None:
    m = _marker()
    trust = await create_org(name=f"{m} trust")
    dept = await create_org(
        name=f"{m} dept", kind="government_department", jurisdiction="parliamentary"
    )
    council = await create_org(name=f"{m} council", kind="out_of_jurisdiction", jurisdiction=None)
    closed = await create_org(name=f"{m} closed", active=False)
    h = auth_headers("auditor")

    async def ids(**params: Any) -> set[str]:
        return {o["id"] for o in (await _list(client, h, q=m, **params))["items"]}

    assert await ids() == {trust["id"], dept["id"], council["id"], closed["id"]}
    assert await ids(jurisdiction="health") == {trust["id"], closed["id"]}
    assert await ids(jurisdiction="parliamentary") == {dept["id"]}
    assert await ids(kind="government_department") == {dept["id"]}
    assert await ids(in_jurisdiction="false") == {council["id"]}
    assert await ids(in_jurisdiction="true") == {trust["id"], dept["id"], closed["id"]}
    assert await ids(active="false") == {closed["id"]}
    assert await ids(active="true", jurisdiction="health") == {trust["id"]}


# ---------------------------------------------------------------------------------------------
# The database refuses contradictory rows even without the service
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "out_of_jurisdiction", "jurisdiction": "health"},
        {"kind": "nhs_trust", "jurisdiction": "parliamentary"},
        {"kind": "nhs_trust", "jurisdiction": "health", "contract_type": "GMS/GDS"},
        {"principal_officer_title": "Chief Executive", "principal_officer_name": None},
        {"focal_point_team": None, "focal_point_email": "x@example.example"},
    ],
)
async def test_database_checks_back_up_the_register_rules(
    session: AsyncSession, overrides: Json
) -> None:
    values: Json = {
        "id": uuid.uuid4(),
        "name": "Direct insert",
        "aliases": [],
        "active": True,
        "kind": "nhs_trust",
        "jurisdiction": "health",
        "created_by": "test",
        "version": 1,
    }
    values.update(overrides)
    async with session.begin_nested():
        session.add(Organisation(**values))
        with pytest.raises(IntegrityError, match="ck_organisation_"):
            await session.flush()


async def test_nul_characters_are_a_validation_error_not_a_server_error(
    client: httpx.AsyncClient, auth_headers: Headers, org_body: Body
) -> None:
    # PostgreSQL text cannot hold NUL; a fuzzer (schemathesis) sends it sooner or later.
    h = auth_headers(WRITER)
    for overrides in (
        {"name": "Nul\x00 Trust"},
        {"aliases": ["E\x00HFT"]},
        {"focal_point": {"team": "Team\x00", "email": "a\x00@b.example"}},
    ):
        _problem(
            await client.post(URL, json=org_body(**overrides), headers=h), 422, "validation-error"
        )
    _problem(await client.get(URL, params={"q": "a\x00b"}, headers=h), 422, "validation-error")
    cursor = "WyJhXHUwMDAwYiIsIjVlZWQwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMSJd"
    _problem(await client.get(URL, params={"cursor": cursor}, headers=h), 400, "invalid-cursor")

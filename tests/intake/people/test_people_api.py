"""People: create, read (audited), PATCH with ETags, contact card, search, roles."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import normalise
from intake_api.people.dependencies import RA_WRITERS
from intake_api.people.models import Person
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from shared.idempotency import REPLAY_HEADER
from shared.pagination import encode_cursor
from tests.intake.people.conftest import (
    NON_READERS,
    NON_WRITERS,
    READERS,
    WRITER,
    Headers,
    audit_rows,
    create_person,
    mp_body,
    person_body,
    unique,
)


def _type(r: httpx.Response) -> str:
    assert r.headers["content-type"].startswith(PROBLEM_JSON), r.text
    value: str = r.json()["type"]
    return value.removeprefix(PROBLEM_TYPE_BASE)


# ---------------------------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------------------------


async def test_create_person_returns_201_location_etag_and_the_record__INT_010(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    sub = f"ic-{unique()}"
    r = await client.post("/v1/people", json=person_body(), headers=auth_headers(WRITER, sub=sub))

    assert r.status_code == 201, r.text
    person = r.json()
    assert r.headers["location"] == f"/v1/people/{person['id']}"
    assert r.headers["etag"] == '"1"'
    assert r.headers["cache-control"] == "no-store"
    assert person["display_name"] == "Mx Alex Example"
    assert person["party_kind"] == "person"
    assert person["addresses"][0]["postcode"] == "ZZ99 9ZZ"
    assert person["confidential_access_rights_apply"] is False
    assert person["mp"] is None
    assert person["created_by"] == sub
    [entry] = await audit_rows(session, person["id"], "person.created")
    assert entry.actor == sub
    assert entry.after is not None
    assert entry.after["family_name"] == "Example"


async def test_an_organisation_can_be_a_party__INT_010(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.post(
        "/v1/people",
        json={
            "party_kind": "organisation",
            "organisation_name": "Example Advocacy Service",
            "emails": [{"address": "advice@example.invalid"}],
        },
        headers=auth_headers(WRITER),
    )
    assert r.status_code == 201, r.text
    assert r.json()["display_name"] == "Example Advocacy Service"


@pytest.mark.parametrize(
    "overrides",
    [
        {"given_name": None, "family_name": None},
        {"organisation_name": "Example Ltd"},
        {"party_kind": "organisation", "organisation_name": None},
        {
            "party_kind": "organisation",
            "organisation_name": "Example Ltd",
            "prison_number": "A1234BC",
        },
        {"preferred_contact_method": "other"},
    ],
)
async def test_inconsistent_party_details_are_422(
    client: httpx.AsyncClient, auth_headers: Headers, overrides: dict[str, Any]
) -> None:
    r = await client.post("/v1/people", json=person_body(**overrides), headers=auth_headers(WRITER))
    assert r.status_code == 422
    assert _type(r) == "party-details-invalid"
    assert "Alex" not in r.text  # submitted values are never echoed


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"version": 7}, "version"),
        ({"sort_name": "x"}, "sort_name"),
        ({"emails": [{"address": "not-an-email"}]}, "emails"),
        ({"days_to_avoid": ["funday"]}, "days_to_avoid"),
        (
            {
                "dates_to_avoid": [
                    {"from_date": "2026-12-02", "to_date": "2026-12-01", "reason": "x"}
                ]
            },
            "dates_to_avoid",
        ),
        ({"addresses": [{"first_line": "1 Example Street", "county": "Nowhere"}]}, "addresses"),
    ],
)
async def test_unknown_or_invalid_fields_are_422(
    client: httpx.AsyncClient, auth_headers: Headers, overrides: dict[str, Any], field: str
) -> None:
    r = await client.post("/v1/people", json=person_body(**overrides), headers=auth_headers(WRITER))
    assert r.status_code == 422
    assert _type(r) == "validation-error"
    assert any(field in e["loc"] for e in r.json()["errors"])


async def test_create_with_an_idempotency_key_is_replayed_not_duplicated(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    family = f"Example{unique()}"
    h = {**auth_headers(WRITER, sub=f"ic-{unique()}"), "Idempotency-Key": str(uuid.uuid4())}
    first = await client.post("/v1/people", json=person_body(family_name=family), headers=h)
    again = await client.post("/v1/people", json=person_body(family_name=family), headers=h)

    assert first.status_code == again.status_code == 201
    assert again.headers[REPLAY_HEADER] == "true"
    assert again.json()["id"] == first.json()["id"]
    n = await session.scalar(
        select(func.count()).select_from(Person).where(Person.family_name == family)
    )
    assert n == 1


async def test_days_to_avoid_are_deduplicated_in_week_order(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    person = await create_person(client, auth_headers, days_to_avoid=["friday", "monday", "friday"])
    assert person["days_to_avoid"] == ["monday", "friday"]


# ---------------------------------------------------------------------------------------------
# Read, audited
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
async def test_readers_can_get_a_person_and_the_read_is_audited__XC_AUD(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
    role: str,
) -> None:
    sub = f"{role}-{unique()}"
    case_id = uuid.uuid4()
    r = await client.get(
        f"/v1/people/{person['id']}",
        params={"case_id": str(case_id)},
        headers=auth_headers(role, sub=sub),
    )

    assert r.status_code == 200
    assert r.json() == person
    assert r.headers["etag"] == '"1"'
    [entry] = await audit_rows(session, person["id"], "person.read")
    assert entry.actor == sub
    assert entry.actor_roles == [role]
    assert entry.case_id == case_id
    assert entry.before is None
    assert entry.after is None


@pytest.mark.parametrize("role", NON_READERS)
async def test_integration_and_clinical_advisers_get_403_on_personal_data(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any], role: str
) -> None:
    h = auth_headers(role)
    pid = person["id"]
    for path in (
        f"/v1/people/{pid}",
        f"/v1/people/{pid}/contact-card",
        "/v1/people?name=Example",
        f"/v1/people/{pid}/consents",
        f"/v1/people/{pid}/reasonable-adjustments",
        "/v1/people/reasonable-adjustments",
        f"/v1/people/{pid}/accessibility-requests",
        f"/v1/people/{pid}/identity-verifications",
        f"/v1/people/{pid}/identity-verifications/call-status?call_ref=CALL-1",
        "/v1/people/mp-deactivation-requests",
    ):
        r = await client.get(path, headers=h)
        assert r.status_code == 403, path
        assert _type(r) == "forbidden"


async def test_get_without_a_token_is_401(
    client: httpx.AsyncClient, person: dict[str, Any]
) -> None:
    r = await client.get(f"/v1/people/{person['id']}")
    assert r.status_code == 401


async def test_get_unknown_person_is_404(client: httpx.AsyncClient, auth_headers: Headers) -> None:
    r = await client.get(f"/v1/people/{uuid.uuid4()}", headers=auth_headers("caseworker"))
    assert r.status_code == 404
    assert _type(r) == "person-not-found"


# ---------------------------------------------------------------------------------------------
# PATCH with If-Match
# ---------------------------------------------------------------------------------------------


async def test_patch_without_if_match_is_428(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    r = await client.patch(
        f"/v1/people/{person['id']}",
        json={"preferred_contact_method": "letter"},
        headers=auth_headers(WRITER),
    )
    assert r.status_code == 428
    assert _type(r) == "if-match-required"


async def test_patch_with_a_stale_etag_is_412_and_changes_nothing(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    h = auth_headers(WRITER)
    url = f"/v1/people/{person['id']}"
    ok = await client.patch(
        url, json={"preferred_contact_method": "letter"}, headers={**h, "If-Match": '"1"'}
    )
    assert ok.headers["etag"] == '"2"'

    stale = await client.patch(
        url, json={"preferred_contact_method": "email"}, headers={**h, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert _type(stale) == "etag-mismatch"
    assert (await client.get(url, headers=h)).json()["preferred_contact_method"] == "letter"


async def test_patch_updates_details_and_audits_before_after_and_why__INT_051(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
) -> None:
    new_address = {"first_line": "2 Example Road", "postcode": "ZZ99 9ZY"}
    r = await client.patch(
        f"/v1/people/{person['id']}",
        json={
            "addresses": [new_address],
            "days_to_avoid": ["tuesday"],
            "dates_to_avoid": [
                {"from_date": "2026-12-24", "to_date": "2026-12-24", "reason": "anniversary"}
            ],
            "reason": "Corrected after identity check on call CALL-0001",
        },
        headers={**auth_headers(WRITER), "If-Match": '"1"'},
    )

    assert r.status_code == 200, r.text
    updated = r.json()
    assert r.headers["etag"] == '"2"'
    assert updated["version"] == 2
    assert updated["addresses"][0]["first_line"] == "2 Example Road"
    assert updated["days_to_avoid"] == ["tuesday"]
    assert updated["dates_to_avoid"][0]["reason"] == "anniversary"
    assert updated["phones"] == person["phones"]  # fields left out are kept
    [entry] = await audit_rows(session, person["id"], "person.updated")
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["addresses"][0]["first_line"] == "1 Example Street"
    assert entry.after["addresses"][0]["first_line"] == "2 Example Road"
    assert entry.reason == "Corrected after identity check on call CALL-0001"


@pytest.mark.parametrize(
    "body",
    [
        {"party_kind": "organisation"},
        {"mp": {"constituency": "Elsewhere"}},
        {"status": "x"},
        {"addresses": None},
    ],
)
async def test_patch_cannot_change_kind_mp_record_or_unknown_fields(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any], body: dict[str, Any]
) -> None:
    r = await client.patch(
        f"/v1/people/{person['id']}",
        json=body,
        headers={**auth_headers(WRITER), "If-Match": '"1"'},
    )
    assert r.status_code == 422
    assert _type(r) == "validation-error"


async def test_patch_cannot_leave_a_person_without_a_name(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    r = await client.patch(
        f"/v1/people/{person['id']}",
        json={"given_name": None, "family_name": None},
        headers={**auth_headers(WRITER), "If-Match": '"1"'},
    )
    assert r.status_code == 422
    assert _type(r) == "party-details-invalid"


async def test_patch_unknown_person_is_404(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.patch(
        f"/v1/people/{uuid.uuid4()}",
        json={"title": "Dr"},
        headers={**auth_headers(WRITER), "If-Match": '"1"'},
    )
    assert r.status_code == 404


# ---------------------------------------------------------------------------------------------
# Contact preferences and the contact card
# ---------------------------------------------------------------------------------------------


async def test_preference_shows_on_every_case_of_the_person__INT_007(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    # Set while working on case A; read while working on case B: held on the person (¶1.8).
    case_a, case_b = uuid.uuid4(), uuid.uuid4()
    h = auth_headers(WRITER)
    r = await client.patch(
        f"/v1/people/{person['id']}",
        json={"preferred_contact_method": "text_relay", "reason": f"Asked on case {case_a}"},
        headers={**h, "If-Match": '"1"'},
    )
    assert r.status_code == 200

    for case_id in (case_a, case_b):
        read = await client.get(
            f"/v1/people/{person['id']}", params={"case_id": str(case_id)}, headers=h
        )
        card = await client.get(
            f"/v1/people/{person['id']}/contact-card",
            params={"case_id": str(case_id)},
            headers=auth_headers("service"),
        )
        assert read.json()["preferred_contact_method"] == "text_relay"
        assert card.json()["preferred_contact_method"] == "text_relay"
        assert card.json()["suggested_contact_method"] == "text_relay"


async def test_without_a_preference_the_suggested_method_is_telephone__INT_006(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    assert person["preferred_contact_method"] is None
    card = await client.get(
        f"/v1/people/{person['id']}/contact-card", headers=auth_headers("caseworker")
    )
    assert card.json()["suggested_contact_method"] == "telephone"


async def test_other_contact_method_needs_a_note__INT_006(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    person = await create_person(
        client,
        auth_headers,
        preferred_contact_method="other",
        preferred_contact_note="Through their support worker",
    )
    assert person["preferred_contact_note"] == "Through their support worker"


async def test_contact_card_for_a_prisoner_carries_number_and_marking__INT_048(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    person = await create_person(client, auth_headers, prison_number="A1234BC")
    sub = f"svc-assessment-{unique()}"
    r = await client.get(
        f"/v1/people/{person['id']}/contact-card", headers=auth_headers("service", sub=sub)
    )

    assert r.status_code == 200
    card = r.json()
    assert card["prison_number"] == "A1234BC"
    assert card["confidential_access_rights_apply"] is True
    assert card["confidential_access_marking"] == "confidential access rights apply"
    assert card["correspondence_address"]["postcode"] == "ZZ99 9ZZ"
    assert card["display_name"] == "Mx Alex Example"
    assert card["days_to_avoid"] == []
    assert person["confidential_access_rights_apply"] is True
    [entry] = await audit_rows(session, person["id"], "person.contact_card.read")
    assert entry.actor == sub
    assert entry.actor_roles == ["service"]


async def test_contact_card_without_prison_number_has_no_marking__INT_048(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    card = (
        await client.get(f"/v1/people/{person['id']}/contact-card", headers=auth_headers("legal"))
    ).json()
    assert card["confidential_access_rights_apply"] is False
    assert card["confidential_access_marking"] is None


@pytest.mark.parametrize("role", READERS)
async def test_contact_card_is_readable_by_service_and_caseworkers_and_above(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any], role: str
) -> None:
    r = await client.get(f"/v1/people/{person['id']}/contact-card", headers=auth_headers(role))
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'


async def test_every_read_is_a_separate_audit_row__XC_AUD(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
) -> None:
    h = auth_headers("caseworker")
    for _ in range(3):
        await client.get(f"/v1/people/{person['id']}/contact-card", headers=h)
    assert len(await audit_rows(session, person["id"], "person.contact_card.read")) == 3


# ---------------------------------------------------------------------------------------------
# Role matrix for writes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_WRITERS)
async def test_only_intake_caseworkers_write_personal_data(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any], role: str
) -> None:
    h = auth_headers(role)
    pid = person["id"]
    some = str(uuid.uuid4())
    writes: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/v1/people", person_body()),
        ("PATCH", f"/v1/people/{pid}", {"title": "Dr"}),
        (
            "POST",
            f"/v1/people/{pid}/consents",
            {
                "consent_type": "obtain_information",
                "source": "verbal",
                "given_at": "2026-11-01T10:00:00Z",
            },
        ),
        ("POST", f"/v1/people/{pid}/consents/{some}/withdraw", {"reason": "Changed mind"}),
        ("POST", f"/v1/people/{pid}/reasonable-adjustments", {"requested_adjustments": "x"}),
        (
            "POST",
            f"/v1/people/{pid}/reasonable-adjustments/{some}/agree",
            {
                "disability_type": "visual",
                "agreed_adjustments": "x",
                "decided_date": "2026-11-02",
            },
        ),
        (
            "POST",
            f"/v1/people/{pid}/reasonable-adjustments/{some}/refuse",
            {
                "reasons": "x",
                "alternatives_considered": "y",
                "legal_team_informed_at": "2026-11-02T09:00:00Z",
                "decided_date": "2026-11-02",
            },
        ),
        (
            "POST",
            f"/v1/people/{pid}/reasonable-adjustments/{some}/record-outcome-letter",
            {"outcome_letter_reference": "DOC-1", "sent_date": "2026-11-02"},
        ),
        ("POST", f"/v1/people/{pid}/accessibility-requests", {"description": "x"}),
        (
            "POST",
            f"/v1/people/{pid}/accessibility-requests/{some}/close",
            {"outcome_note": "done"},
        ),
        (
            "POST",
            f"/v1/people/{pid}/identity-verifications",
            {"call_ref": "CALL-1", "waiver": {"reason": "Just spoke to them"}},
        ),
        (
            "POST",
            f"/v1/people/{pid}/mp/successor",
            {"successor_person_id": some, "effective_date": "2026-11-01", "reason": "died"},
        ),
        ("POST", f"/v1/people/{pid}/mp/deactivate", {"reason": "Left office"}),
    ]
    if role in RA_WRITERS:  # every casework role logs and decides reasonable adjustments
        writes = [w for w in writes if "/reasonable-adjustments" not in w[1]]
    for method, path, body in writes:
        headers = {**h, "If-Match": '"1"'} if method == "PATCH" else h
        r = await client.request(method, path, json=body, headers=headers)
        assert r.status_code == 403, (role, method, path, r.text)
        assert _type(r) == "forbidden"


# INT-032: reasonable adjustments arise at every stage, so every casework role (DESIGN §4, from
# intake caseworker to Deputy Ombudsman) logs and decides them.
CASEWORK = (
    "intake_caseworker", "caseworker", "senior_caseworker", "operations_manager",
    "assistant_director", "director", "deputy_ombudsman",
)  # fmt: skip


def test_every_casework_role_writes_reasonable_adjustments__INT_032() -> None:
    assert set(RA_WRITERS) == set(CASEWORK)


@pytest.mark.parametrize("role", [r for r in CASEWORK if r != "intake_caseworker"])
async def test_casework_roles_at_any_stage_log_reasonable_adjustments__INT_032(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    person: dict[str, Any],
    session: AsyncSession,
    role: str,
) -> None:
    sub = f"{role}-{uuid.uuid4().hex[:6]}"
    r = await client.post(
        f"/v1/people/{person['id']}/reasonable-adjustments",
        json={"requested_adjustments": "Calls only after 2pm"},
        headers=auth_headers(role, sub=sub),
    )
    assert r.status_code == 201, r.text
    assert r.json()["recorded_by"] == sub  # the person who logged it, never a service account
    [row] = await audit_rows(session, person["id"], "person.reasonable_adjustment.requested")
    assert row.actor == sub


# ---------------------------------------------------------------------------------------------
# Search for the previous-contact check (INT-001)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
async def searchable(client: httpx.AsyncClient, auth_headers: Headers) -> dict[str, Any]:
    tag = unique()
    return await create_person(
        client,
        auth_headers,
        given_name="Alex",
        family_name=f"Example{tag}",
        emails=[{"address": f"Alex.{tag}@Example.invalid"}],
        phones=[{"number": f"+44 (0)7700 9{tag[:5].translate(str.maketrans('abcdef', '123456'))}"}],
        addresses=[{"first_line": "1 Example Street", "postcode": f"ZZ{tag[:2]} 9ZZ"}],
    )


async def _search(
    client: httpx.AsyncClient, auth_headers: Headers, **params: str
) -> list[dict[str, Any]]:
    r = await client.get("/v1/people", params=params, headers=auth_headers("intake_caseworker"))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_search_by_name_is_case_and_space_insensitive__INT_001(
    client: httpx.AsyncClient, auth_headers: Headers, searchable: dict[str, Any]
) -> None:
    family = searchable["family_name"]
    for name in (family, family.upper(), f"  alex   {family.lower()} "):
        hits = await _search(client, auth_headers, name=name)
        assert [h["id"] for h in hits] == [searchable["id"]], name
    [hit] = await _search(client, auth_headers, name=family)
    assert hit["display_name"] == f"Mx Alex {family}"
    assert hit["postcodes"] == [searchable["addresses"][0]["postcode"]]
    assert hit["is_mp"] is False


async def test_search_by_email_phone_and_postcode_uses_normalised_forms__INT_001(
    client: httpx.AsyncClient, auth_headers: Headers, searchable: dict[str, Any]
) -> None:
    email = searchable["emails"][0]["address"]
    phone = searchable["phones"][0]["number"]
    national = "0" + phone.replace("+44 (0)", "").replace(" ", "")
    postcode = searchable["addresses"][0]["postcode"]
    for params in (
        {"email": email.upper()},
        {"phone": national},
        {"phone": phone},
        {"postcode": postcode.lower().replace(" ", "")},
        {"postcode": postcode, "name": searchable["family_name"]},
    ):
        hits = await _search(client, auth_headers, **params)
        assert [h["id"] for h in hits] == [searchable["id"]], params


async def test_search_criteria_must_all_match__INT_001(
    client: httpx.AsyncClient, auth_headers: Headers, searchable: dict[str, Any]
) -> None:
    hits = await _search(client, auth_headers, name=searchable["family_name"], postcode="ZZ00 0ZZ")
    assert hits == []


async def test_search_without_a_criterion_is_422(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.get("/v1/people", headers=auth_headers("caseworker"))
    assert r.status_code == 422
    assert _type(r) == "search-criterion-required"


async def test_search_pages_with_an_opaque_cursor(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    family = f"Example{unique()}"
    ids = {
        (await create_person(client, auth_headers, given_name=g, family_name=family))["id"]
        for g in ("Ash", "Bo", "Cy")
    }
    h = auth_headers("caseworker")
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(3):
        params = {"name": family, "limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/people", params=params, headers=h)).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 3
    assert set(seen) == ids
    assert cursor is None


async def test_search_with_a_forged_cursor_is_400(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.get(
        "/v1/people", params={"name": "x", "cursor": "bm9wZQ"}, headers=auth_headers("caseworker")
    )
    assert r.status_code == 400
    assert _type(r) == "invalid-cursor"


async def test_each_search_hit_is_an_audited_read__XC_AUD(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    searchable: dict[str, Any],
) -> None:
    sub = f"cw-{unique()}"
    r = await client.get(
        "/v1/people",
        params={"name": searchable["family_name"]},
        headers=auth_headers("caseworker", sub=sub),
    )
    assert len(r.json()["items"]) == 1
    [entry] = await audit_rows(session, searchable["id"], "person.search_result.read")
    assert entry.actor == sub


def test_normalisers() -> None:
    assert normalise.normalise_name("  ALEX   Example ") == "alex example"
    assert normalise.normalise_email(" Alex@Example.INVALID ") == "alex@example.invalid"
    assert normalise.normalise_postcode("zz99 9zz") == "ZZ999ZZ"
    assert normalise.normalise_phone("+44 (0)7700 900123") == "07700900123"
    assert normalise.normalise_phone("0044 7700 900123") == "07700900123"
    assert normalise.normalise_phone("07700-900-123") == "07700900123"
    assert normalise.normalise_phone("+1 555 0100") == "15550100"


async def test_the_mp_flag_shows_in_search_results(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    body = mp_body()
    r = await client.post("/v1/people", json=body, headers=auth_headers(WRITER))
    [hit] = await _search(client, auth_headers, name=body["family_name"])
    assert hit["id"] == r.json()["id"]
    assert hit["is_mp"] is True
    assert hit["mp_active"] is True


async def test_openapi_documents_every_people_route(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    paths = {p: ops for p, ops in spec["paths"].items() if p.startswith("/v1/people")}
    assert len(paths) >= 15
    for path, ops in paths.items():
        for method, op in ops.items():
            assert op["tags"] == ["people"], (path, method)
            assert op.get("summary") or op.get("description"), (path, method)
            assert {"401", "403", "422"} <= set(op["responses"]), (path, method)
    patch = spec["paths"]["/v1/people/{person_id}"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])
    assert any(t["name"] == "people" for t in spec["tags"])


async def test_nul_characters_are_422_not_500(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    h = auth_headers(WRITER)
    r = await client.post("/v1/people", json=person_body(family_name="Ex\x00ample"), headers=h)
    assert r.status_code == 422
    r = await client.get("/v1/people", params={"name": "Ex\x00ample"}, headers=h)
    assert r.status_code == 422
    r = await client.post(
        f"/v1/people/{person['id']}/accessibility-requests",
        json={"description": "x\x00"},
        headers=h,
    )
    assert r.status_code == 422


@pytest.mark.parametrize(
    "values", [["2026-01-01T00:00:00", str(uuid.uuid4())], [1, 2], ["2026-01-01T00:00:00Z", "x"]]
)
async def test_forged_list_cursors_are_400(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any], values: list[Any]
) -> None:
    r = await client.get(
        f"/v1/people/{person['id']}/consents",
        params={"cursor": encode_cursor(values)},
        headers=auth_headers("caseworker"),
    )
    assert r.status_code == 400
    assert _type(r) == "invalid-cursor"

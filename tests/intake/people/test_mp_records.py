"""MP records: succession and deactivation (¶2.42 second occurrence, ¶2.47, ASM-023/026)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people.models import MpDeactivationRequest, MpSuccession
from shared.errors import PROBLEM_TYPE_BASE
from tests.intake.people.conftest import WRITER, Headers, audit_rows, mp_body

SUCCESSOR: dict[str, Any] = {
    "title": "Mr",
    "given_name": "Jo",
    "family_name": "Placeholder",
    "addresses": [{"first_line": "House of Commons", "postcode": "ZZ99 9ZZ"}],
    "emails": [{"address": "jo.placeholder.mp@example.invalid"}],
}


def _type(r: httpx.Response) -> str:
    value: str = r.json()["type"]
    return value.removeprefix(PROBLEM_TYPE_BASE)


@pytest.fixture
async def mp(client: httpx.AsyncClient, auth_headers: Headers) -> dict[str, Any]:
    r = await client.post("/v1/people", json=mp_body(), headers=auth_headers(WRITER))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def _succeed(
    client: httpx.AsyncClient, auth_headers: Headers, mp_id: str, **body: Any
) -> httpx.Response:
    payload = {"effective_date": "2026-10-30", "reason": "left_office"} | body
    return await client.post(
        f"/v1/people/{mp_id}/mp/successor", json=payload, headers=auth_headers(WRITER)
    )


async def test_an_mp_record_is_active_with_its_constituency(mp: dict[str, Any]) -> None:
    assert mp["mp"] == {
        "constituency": "Exampleshire North",
        "active": True,
        "deactivated_at": None,
        "deactivation_reason": None,
        "successor_person_id": None,
        "predecessor_person_ids": [],
        "pending_deactivation_request_id": None,
    }


async def test_successor_mp_is_a_separate_record__ASM_026(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, mp: dict[str, Any]
) -> None:
    h = auth_headers(WRITER)
    r = await _succeed(client, auth_headers, mp["id"], successor=SUCCESSOR)

    assert r.status_code == 201, r.text
    succession = r.json()
    new_id = succession["successor_person_id"]
    assert new_id != mp["id"]
    assert succession["previous_person_id"] == mp["id"]
    assert succession["deactivation_request_id"] is not None

    old = (await client.get(f"/v1/people/{mp['id']}", headers=h)).json()
    new = (await client.get(f"/v1/people/{new_id}", headers=h)).json()
    # The old record is not overwritten, and stays active until an act deactivates it.
    for field in ("given_name", "family_name", "emails", "addresses", "version"):
        assert old[field] == mp[field], field
    assert old["mp"]["active"] is True
    assert old["mp"]["constituency"] == "Exampleshire North"
    assert old["mp"]["successor_person_id"] == new_id
    assert old["mp"]["pending_deactivation_request_id"] == succession["deactivation_request_id"]
    assert new["family_name"] == "Placeholder"
    assert new["mp"]["active"] is True
    assert new["mp"]["constituency"] == "Exampleshire North"  # defaults to the predecessor's
    assert new["mp"]["predecessor_person_ids"] == [mp["id"]]

    assert await audit_rows(session, mp["id"], "person.mp.successor_recorded")
    assert await audit_rows(session, mp["id"], "person.mp.deactivation_requested")
    assert await audit_rows(session, new_id, "person.created")
    assert await audit_rows(session, new_id, "person.mp.predecessor_linked")


async def test_contact_card_of_an_old_mp_names_the_appropriate_successor__ASM_023(
    client: httpx.AsyncClient, auth_headers: Headers, mp: dict[str, Any]
) -> None:
    new_id = (await _succeed(client, auth_headers, mp["id"], successor=SUCCESSOR)).json()[
        "successor_person_id"
    ]
    card = await client.get(f"/v1/people/{mp['id']}/contact-card", headers=auth_headers("service"))
    assert card.json()["mp"]["successor_person_id"] == new_id


async def test_an_existing_mp_record_can_be_linked_as_successor__ASM_026(
    client: httpx.AsyncClient, auth_headers: Headers, mp: dict[str, Any]
) -> None:
    other = (
        await client.post(
            "/v1/people",
            json=mp_body(mp={"constituency": "Exampleshire South"}),
            headers=auth_headers(WRITER),
        )
    ).json()
    r = await _succeed(
        client, auth_headers, mp["id"], successor_person_id=other["id"], reason="died"
    )
    assert r.status_code == 201, r.text
    assert r.json()["successor_person_id"] == other["id"]
    assert r.json()["reason"] == "died"


async def test_successor_must_be_another_active_mp_record(
    client: httpx.AsyncClient, auth_headers: Headers, mp: dict[str, Any], person: dict[str, Any]
) -> None:
    for candidate in (mp["id"], person["id"], str(uuid.uuid4())):
        r = await _succeed(client, auth_headers, mp["id"], successor_person_id=candidate)
        assert r.status_code == 422, candidate
        assert _type(r) == "successor-invalid"


async def test_a_record_has_one_successor_only(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, mp: dict[str, Any]
) -> None:
    assert (await _succeed(client, auth_headers, mp["id"], successor=SUCCESSOR)).status_code == 201
    again = await _succeed(client, auth_headers, mp["id"], successor=SUCCESSOR)
    assert again.status_code == 409
    assert _type(again) == "mp-already-succeeded"
    n = await session.scalar(
        select(func.count())
        .select_from(MpSuccession)
        .where(MpSuccession.previous_person_id == uuid.UUID(mp["id"]))
    )
    assert n == 1


async def test_only_an_mp_record_can_be_succeeded(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    r = await _succeed(client, auth_headers, person["id"], successor=SUCCESSOR)
    assert r.status_code == 409
    assert _type(r) == "not-an-mp"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"successor": SUCCESSOR, "successor_person_id": str(uuid.uuid4())},
        {"successor": SUCCESSOR, "reason": "resigned_in_a_huff"},
        {"successor": {**SUCCESSOR, "mp": {"constituency": "x"}}},
    ],
)
async def test_malformed_successions_are_422(
    client: httpx.AsyncClient, auth_headers: Headers, mp: dict[str, Any], body: dict[str, Any]
) -> None:
    r = await _succeed(client, auth_headers, mp["id"], **body)
    assert r.status_code == 422
    assert _type(r) == "validation-error"


async def test_effective_date_cannot_be_in_the_future(
    client: httpx.AsyncClient, auth_headers: Headers, mp: dict[str, Any]
) -> None:
    r = await _succeed(
        client, auth_headers, mp["id"], successor=SUCCESSOR, effective_date="2026-11-03"
    )
    assert r.status_code == 422
    assert _type(r) == "date-in-future"


async def test_deactivation_is_its_own_act_and_completes_the_request__ASM_026(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, mp: dict[str, Any]
) -> None:
    h = auth_headers(WRITER)
    succession = (await _succeed(client, auth_headers, mp["id"], successor=SUCCESSOR)).json()
    queue = await client.get("/v1/people/mp-deactivation-requests", headers=h)
    assert succession["deactivation_request_id"] in [q["id"] for q in queue.json()["items"]]

    stale = await client.post(
        f"/v1/people/{mp['id']}/mp/deactivate",
        json={"reason": "Left office"},
        headers={**h, "If-Match": '"7"'},
    )
    assert stale.status_code == 412
    r = await client.post(
        f"/v1/people/{mp['id']}/mp/deactivate",
        json={"reason": "Left office at the general election"},
        headers={**h, "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    old = r.json()
    assert old["mp"]["active"] is False
    assert old["mp"]["deactivated_at"] == "2026-11-02T10:00:00Z"
    assert old["mp"]["deactivation_reason"] == "Left office at the general election"
    assert old["mp"]["pending_deactivation_request_id"] is None
    assert old["mp"]["successor_person_id"] == succession["successor_person_id"]
    assert old["family_name"] == mp["family_name"]  # still there, only inactive
    assert r.headers["etag"] == '"2"'

    request = await session.get(
        MpDeactivationRequest, uuid.UUID(succession["deactivation_request_id"])
    )
    assert request is not None
    await session.refresh(request)
    assert request.completed_at is not None
    open_queue = await client.get("/v1/people/mp-deactivation-requests", headers=h)
    assert succession["deactivation_request_id"] not in [
        q["id"] for q in open_queue.json()["items"]
    ]
    everything = await client.get(
        "/v1/people/mp-deactivation-requests", params={"open": "false"}, headers=h
    )
    assert succession["deactivation_request_id"] in [q["id"] for q in everything.json()["items"]]
    [entry] = await audit_rows(session, mp["id"], "person.mp.deactivated")
    assert entry.before is not None
    assert entry.before["mp"]["active"] is True

    again = await client.post(
        f"/v1/people/{mp['id']}/mp/deactivate", json={"reason": "Again"}, headers=h
    )
    assert again.status_code == 409
    assert _type(again) == "mp-already-inactive"


async def test_succeeding_an_inactive_record_raises_no_request(
    client: httpx.AsyncClient, auth_headers: Headers, mp: dict[str, Any]
) -> None:
    h = auth_headers(WRITER)
    await client.post(f"/v1/people/{mp['id']}/mp/deactivate", json={"reason": "Died"}, headers=h)
    r = await _succeed(client, auth_headers, mp["id"], successor=SUCCESSOR, reason="died")
    assert r.status_code == 201
    assert r.json()["deactivation_request_id"] is None


async def test_deactivating_a_non_mp_is_409(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    r = await client.post(
        f"/v1/people/{person['id']}/mp/deactivate",
        json={"reason": "Left office"},
        headers=auth_headers(WRITER),
    )
    assert r.status_code == 409
    assert _type(r) == "not-an-mp"


async def test_an_organisation_cannot_be_an_mp(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.post(
        "/v1/people",
        json={
            "party_kind": "organisation",
            "organisation_name": "Example Ltd",
            "mp": {"constituency": "Exampleshire North"},
        },
        headers=auth_headers(WRITER),
    )
    assert r.status_code == 422
    assert _type(r) == "party-details-invalid"

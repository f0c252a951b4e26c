"""Reasonable adjustments over HTTP (§B.5, INT-032…035) and other accessibility (INT-036/037)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shared.clock import FixedClock
from shared.errors import PROBLEM_TYPE_BASE
from tests.intake.people.conftest import WRITER, Headers, audit_rows, create_person

AGREE: dict[str, Any] = {
    "disability_type": "visual",
    "agreed_adjustments": "All letters in 18pt large print",
    "decided_date": "2026-11-02",
}
REFUSE: dict[str, Any] = {
    "reasons": "The request would stop us obtaining evidence we need",
    "alternatives_considered": "Offered a recorded call instead",
    "legal_team_informed_at": "2026-11-02T09:45:00Z",
    "decided_date": "2026-11-02",
}
LETTER: dict[str, Any] = {"outcome_letter_reference": "DOC-0002", "sent_date": "2026-11-02"}


def _type(r: httpx.Response) -> str:
    value: str = r.json()["type"]
    return value.removeprefix(PROBLEM_TYPE_BASE)


async def _request(
    client: httpx.AsyncClient, auth_headers: Headers, person_id: str, **overrides: Any
) -> dict[str, Any]:
    body = {"requested_adjustments": "All letters in large print"} | overrides
    r = await client.post(
        f"/v1/people/{person_id}/reasonable-adjustments", json=body, headers=auth_headers(WRITER)
    )
    assert r.status_code == 201, r.text
    ra: dict[str, Any] = r.json()
    return ra


async def _act(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    ra: dict[str, Any],
    act: str,
    body: dict[str, Any],
    **headers: str,
) -> httpx.Response:
    return await client.post(
        f"/v1/people/{ra['person_id']}/reasonable-adjustments/{ra['id']}/{act}",
        json=body,
        headers=auth_headers(WRITER) | headers,
    )


async def test_a_request_starts_undecided_and_is_audited__INT_032(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
) -> None:
    case_id = str(uuid.uuid4())
    r = await client.post(
        f"/v1/people/{person['id']}/reasonable-adjustments",
        json={"requested_adjustments": "Calls only after 2pm", "case_id": case_id},
        headers=auth_headers(WRITER),
    )

    assert r.status_code == 201, r.text
    ra = r.json()
    assert r.headers["location"] == f"/v1/people/{person['id']}/reasonable-adjustments/{ra['id']}"
    assert r.headers["etag"] == '"1"'
    assert ra["status"] == "requested"
    assert ra["decision"] is None
    assert ra["requested_at"] == "2026-11-02T10:00:00Z"
    assert ra["case_id"] == case_id
    assert ra["outcome_letter_outstanding"] is False
    [entry] = await audit_rows(session, person["id"], "person.reasonable_adjustment.requested")
    assert str(entry.case_id) == case_id

    one = await client.get(r.headers["location"], headers=auth_headers("caseworker"))
    assert one.status_code == 200
    assert one.json() == ra


async def test_requested_at_cannot_be_in_the_future(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    r = await client.post(
        f"/v1/people/{person['id']}/reasonable-adjustments",
        json={"requested_adjustments": "x", "requested_at": "2026-11-03T00:00:00Z"},
        headers=auth_headers(WRITER),
    )
    assert r.status_code == 422
    assert _type(r) == "date-in-future"


async def test_agreed_needs_disability_type_and_date__INT_033(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    ra = await _request(client, auth_headers, person["id"])
    for missing in ("disability_type", "agreed_adjustments", "decided_date"):
        body = {k: v for k, v in AGREE.items() if k != missing}
        r = await _act(client, auth_headers, ra, "agree", body)
        assert r.status_code == 422, missing
        assert any(missing in e["loc"] for e in r.json()["errors"])

    other = await _act(client, auth_headers, ra, "agree", AGREE | {"disability_type": "other"})
    assert other.status_code == 422

    r = await _act(client, auth_headers, ra, "agree", AGREE)
    assert r.status_code == 200, r.text
    agreed = r.json()
    assert agreed["status"] == "agreed"
    assert agreed["decision"] == "agreed"
    assert agreed["disability_type"] == "visual"
    assert agreed["decided_date"] == "2026-11-02"
    assert agreed["decided_at"] == "2026-11-02T10:00:00Z"
    assert agreed["outcome_letter_outstanding"] is True
    assert r.headers["etag"] == '"2"'


async def test_decided_date_cannot_be_after_today__INT_033(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    ra = await _request(client, auth_headers, person["id"])
    r = await _act(client, auth_headers, ra, "agree", AGREE | {"decided_date": "2026-11-03"})
    assert r.status_code == 422
    assert _type(r) == "date-in-future"


async def test_not_reasonable_needs_reasons_and_legal_informed__INT_034(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
) -> None:
    ra = await _request(client, auth_headers, person["id"])
    for missing in ("reasons", "alternatives_considered", "legal_team_informed_at"):
        body = {k: v for k, v in REFUSE.items() if k != missing}
        r = await _act(client, auth_headers, ra, "refuse", body)
        assert r.status_code == 422, missing
        assert any(missing in e["loc"] for e in r.json()["errors"])
    future = await _act(
        client,
        auth_headers,
        ra,
        "refuse",
        REFUSE | {"legal_team_informed_at": "2026-11-02T11:00:00Z"},
    )
    assert future.status_code == 422
    assert _type(future) == "date-in-future"

    r = await _act(client, auth_headers, ra, "refuse", REFUSE)
    assert r.status_code == 200, r.text
    refused = r.json()
    assert refused["status"] == "not_reasonable"
    assert refused["decision"] == "not_reasonable"
    assert refused["legal_team_informed_at"] == "2026-11-02T09:45:00Z"
    assert refused["alternatives_considered"] == "Offered a recorded call instead"
    [entry] = await audit_rows(session, person["id"], "person.reasonable_adjustment.not_reasonable")
    assert entry.reason == REFUSE["reasons"]
    assert entry.before is not None
    assert entry.before["status"] == "requested"


@pytest.mark.parametrize(("act", "body"), [("agree", AGREE), ("refuse", REFUSE)])
async def test_outcome_letter_completes_a_decided_request__INT_035(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    person: dict[str, Any],
    act: str,
    body: dict[str, Any],
) -> None:
    ra = await _request(client, auth_headers, person["id"])
    early = await _act(client, auth_headers, ra, "record-outcome-letter", LETTER)
    assert early.status_code == 409
    assert _type(early) == "reasonable-adjustment-transition-not-allowed"

    decided = (await _act(client, auth_headers, ra, act, body)).json()
    assert decided["outcome_letter_outstanding"] is True
    r = await _act(client, auth_headers, ra, "record-outcome-letter", LETTER)
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "outcome_letter_sent"
    assert done["decision"] == decided["decision"]
    assert done["outcome_letter_reference"] == "DOC-0002"
    assert done["outcome_letter_outstanding"] is False


async def test_a_decided_request_cannot_be_decided_again__B_5(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    ra = await _request(client, auth_headers, person["id"])
    assert (await _act(client, auth_headers, ra, "agree", AGREE)).status_code == 200
    for act, body in (("agree", AGREE), ("refuse", REFUSE)):
        r = await _act(client, auth_headers, ra, act, body)
        assert r.status_code == 409
        assert r.json()["current_status"] == "agreed"


async def test_transitions_check_if_match_when_sent(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    ra = await _request(client, auth_headers, person["id"])
    stale = await _act(client, auth_headers, ra, "agree", AGREE, **{"If-Match": '"5"'})
    assert stale.status_code == 412
    ok = await _act(client, auth_headers, ra, "agree", AGREE, **{"If-Match": '"1"'})
    assert ok.status_code == 200


async def test_unknown_request_is_404(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    r = await _act(
        client, auth_headers, {"person_id": person["id"], "id": uuid.uuid4()}, "agree", AGREE
    )
    assert r.status_code == 404
    assert _type(r) == "reasonable-adjustment-not-found"


async def test_undecided_requests_queue_oldest_first__INT_032(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    clock: FixedClock,
) -> None:
    a = await create_person(client, auth_headers)
    b = await create_person(client, auth_headers)
    clock.advance(timedelta(days=-400))  # older than anything else in the test database
    oldest = await _request(client, auth_headers, b["id"])
    clock.advance(timedelta(hours=1))
    middle = await _request(client, auth_headers, a["id"])
    clock.advance(timedelta(hours=1))
    decided = await _request(client, auth_headers, a["id"])
    clock.advance(timedelta(days=400))
    assert (await _act(client, auth_headers, decided, "agree", AGREE)).status_code == 200

    h = auth_headers("caseworker")
    first = await client.get("/v1/people/reasonable-adjustments", params={"limit": 1}, headers=h)
    assert first.status_code == 200, first.text
    assert [r["id"] for r in first.json()["items"]] == [oldest["id"]]
    second = await client.get(
        "/v1/people/reasonable-adjustments",
        params={"limit": 1, "cursor": first.json()["next_cursor"]},
        headers=h,
    )
    assert [r["id"] for r in second.json()["items"]] == [middle["id"]]

    queue = await client.get("/v1/people/reasonable-adjustments", params={"limit": 100}, headers=h)
    ids = [r["id"] for r in queue.json()["items"]]
    assert decided["id"] not in ids
    assert all(r["status"] == "requested" for r in queue.json()["items"])

    letters_due = await client.get(
        "/v1/people/reasonable-adjustments", params={"status": "agreed", "limit": 100}, headers=h
    )
    assert decided["id"] in [r["id"] for r in letters_due.json()["items"]]
    # The queue shows personal data of each person on it: each is an audited read.
    assert await audit_rows(session, b["id"], "person.reasonable_adjustments.read")


async def test_a_person_lists_their_requests(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    ra = await _request(client, auth_headers, person["id"])
    r = await client.get(
        f"/v1/people/{person['id']}/reasonable-adjustments", headers=auth_headers("legal")
    )
    assert [x["id"] for x in r.json()["items"]] == [ra["id"]]
    missing = await client.get(
        f"/v1/people/{uuid.uuid4()}/reasonable-adjustments", headers=auth_headers("legal")
    )
    assert missing.status_code == 404


# ---------------------------------------------------------------------------------------------
# Other accessibility requests (INT-036) and anticipatory adjustments (INT-037)
# ---------------------------------------------------------------------------------------------


async def test_other_accessibility_requests_are_a_simple_list__INT_036(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
) -> None:
    url = f"/v1/people/{person['id']}/accessibility-requests"
    r = await client.post(
        url, json={"description": "Prefers calls after 2pm"}, headers=auth_headers(WRITER)
    )
    assert r.status_code == 201, r.text
    assert r.json()["anticipatory"] is False
    listed = await client.get(url, headers=auth_headers("auditor"))
    assert [x["description"] for x in listed.json()["items"]] == ["Prefers calls after 2pm"]
    assert await audit_rows(session, person["id"], "person.accessibility_request.recorded")
    assert await audit_rows(session, person["id"], "person.accessibility_requests.read")


async def test_anticipatory_adjustment_note_is_created_and_closed_with_an_outcome__INT_037(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
) -> None:
    h = auth_headers(WRITER)
    note = (
        await client.post(
            f"/v1/people/{person['id']}/accessibility-requests",
            json={
                "description": "Case papers mention partial sight; ask about large print",
                "anticipatory": True,
            },
            headers=h,
        )
    ).json()
    assert note["anticipatory"] is True
    assert note["closed_at"] is None
    close_url = f"/v1/people/{person['id']}/accessibility-requests/{note['id']}/close"

    assert (await client.post(close_url, json={}, headers=h)).status_code == 422
    r = await client.post(close_url, json={"outcome_note": "Asked; large print wanted"}, headers=h)
    assert r.status_code == 200, r.text
    closed = r.json()
    assert closed["outcome_note"] == "Asked; large print wanted"
    assert closed["closed_at"] == "2026-11-02T10:00:00Z"
    assert r.headers["etag"] == '"2"'
    [entry] = await audit_rows(session, person["id"], "person.accessibility_request.closed")
    assert entry.reason == "Asked; large print wanted"

    again = await client.post(close_url, json={"outcome_note": "again"}, headers=h)
    assert again.status_code == 409
    assert _type(again) == "accessibility-request-already-closed"
    unknown = await client.post(
        f"/v1/people/{person['id']}/accessibility-requests/{uuid.uuid4()}/close",
        json={"outcome_note": "x"},
        headers=h,
    )
    assert unknown.status_code == 404

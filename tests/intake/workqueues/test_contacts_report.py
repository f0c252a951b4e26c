"""INT-011 (¶1.13): the report of contacts that reached the complainant without explaining what we
can and cannot do, or without discussing reasonable adjustments.

Cases, parties and contacts are made through the API. The test clock starts at Mon 2 Nov 2026
10:00 UTC (GMT, so London time too). Every listing passes ``owner``: other test modules commit
rows to the same test database, and the report is office-wide.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.clock import FixedClock
from shared.errors import PROBLEM_TYPE_BASE
from shared.pagination import encode_cursor
from tests.intake.api import Api, JsonDict, new_person
from tests.intake.workqueues.conftest import ME, OTHER, IntakeCase, at

REPORT = "/v1/work-queues/contacts-missing-discussion"
ITEM_FIELDS = {
    "contact_id",
    "case_id",
    "reference",
    "person_id",
    "attempted_at",
    "channel",
    "direction",
    "expectations_explained",
    "adjustments_discussed",
    "recorded_by",
}


async def _contact(
    api: Api, cid: str, person_id: str, when: datetime, *, outcome: str = "reached",
    expectations: bool = True, adjustments: bool = True,
) -> str:  # fmt: skip
    """Record a telephone contact; its id."""
    attempt = await api.call(
        "POST", f"/v1/cases/{cid}/contact-attempts",
        json={"person_id": person_id, "channel": "telephone", "attempted_at": when.isoformat(),
              "outcome": outcome, "expectations_explained": expectations,
              "adjustments_discussed": adjustments},
        expect=201,
    )  # fmt: skip
    return str(attempt["id"])


async def _report(api: Api, *, owner: str = ME, **params: Any) -> list[JsonDict]:
    """Every row of the report for ``owner``'s cases, following next_cursor to the end."""
    items: list[JsonDict] = []
    cursor: str | None = None
    while True:
        query = {**params, "owner": owner, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = await api.call("GET", REPORT, params=query)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def _ids(api: Api, **params: Any) -> list[str]:
    return [i["contact_id"] for i in await _report(api, **params)]


async def test_lists_reached_contacts_missing_either_discussion__INT_011(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    person = await new_person(api, "Alex")
    case = await intake_case(ME, clock.today(), person=person)
    cid, person_id = case["id"], person["id"]
    now = clock.now()
    both = await _contact(api, cid, person_id, now - timedelta(hours=4))
    no_expectations = await _contact(
        api, cid, person_id, now - timedelta(hours=3), expectations=False
    )
    no_adjustments = await _contact(
        api, cid, person_id, now - timedelta(hours=2), adjustments=False
    )
    neither = await _contact(
        api, cid, person_id, now - timedelta(hours=1), expectations=False, adjustments=False
    )

    # Newest contact first; the contact with both conversations is never listed.
    assert await _ids(api) == [neither, no_adjustments, no_expectations]
    assert await _ids(api, missing="expectations") == [neither, no_expectations]
    assert await _ids(api, missing="adjustments") == [neither, no_adjustments]
    assert both not in await _ids(api)

    row = next(i for i in await _report(api) if i["contact_id"] == no_expectations)
    assert set(row) == ITEM_FIELDS  # ids, codes and flags only: no names or contact details
    assert row == {
        "contact_id": no_expectations,
        "case_id": cid,
        "reference": case["reference"],
        "person_id": person_id,
        "attempted_at": row["attempted_at"],
        "channel": "telephone",
        "direction": "outbound",
        "expectations_explained": False,
        "adjustments_discussed": True,
        "recorded_by": ME,
    }
    assert datetime.fromisoformat(row["attempted_at"]) == now - timedelta(hours=3)


async def test_only_reached_complainants_are_listed__INT_011(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    complainant = await new_person(api, "Alex")
    cid = (await intake_case(ME, clock.today(), person=complainant))["id"]
    relative = await new_person(api, "Robin")
    await api.call(
        "POST", f"/v1/cases/{cid}/parties",
        json={"person_id": relative["id"], "role": "aggrieved"}, expect=201,
    )  # fmt: skip
    stranger = await new_person(api, "Sam")  # not a party of the case at all
    # Robin is the complainant of another case, which does not make them one of this case.
    await intake_case(ME, clock.today(), person=relative)
    now = clock.now()

    async def bare(person_id: str, outcome: str = "reached") -> str:
        """A contact with neither conversation."""
        return await _contact(
            api, cid, person_id, now, outcome=outcome, expectations=False, adjustments=False
        )

    listed = await bare(complainant["id"])
    for outcome in ("no_answer", "voicemail", "wrong_number", "written_no_reply"):
        await bare(complainant["id"], outcome)
    await bare(relative["id"])
    await bare(stranger["id"])

    for missing in (None, "expectations", "adjustments"):
        params = {"missing": missing} if missing else {}
        assert await _ids(api, **params) == [listed], missing


async def test_owner_filter__INT_011(
    api: Api, theirs: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    now = clock.now()
    contacts: dict[str, str] = {}
    for who, caller, owner in (("me", api, ME), ("them", theirs, OTHER)):
        person = await new_person(caller, "Alex")
        cid = (await intake_case(owner, clock.today(), person=person))["id"]
        contacts[who] = await _contact(caller, cid, person["id"], now, adjustments=False)

    assert await _ids(api, owner=ME) == [contacts["me"]]
    assert await _ids(api, owner=OTHER) == [contacts["them"]]
    # Without the filter both are listed (among any other owner's rows).
    everything = await api.call("GET", REPORT, params={"limit": 100})
    ids = {i["contact_id"] for i in everything["items"]}
    assert {contacts["me"], contacts["them"]} <= ids


async def test_cursor_walks_every_row_once_newest_first__INT_011(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    person = await new_person(api, "Alex")
    cids = [(await intake_case(ME, clock.today(), person=person))["id"] for _ in range(2)]
    now = clock.now()
    # Two contacts share an instant, so the id breaks the tie.
    whens = [now - timedelta(minutes=m) for m in (50, 40, 40, 30, 20)]
    made = {
        await _contact(api, cids[n % 2], person["id"], when, expectations=False)
        for n, when in enumerate(whens)
    }

    seen: list[JsonDict] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 1, "owner": ME, **({"cursor": cursor} if cursor else {})}
        page = await api.call("GET", REPORT, params=params)
        pages += 1
        assert len(page["items"]) == 1
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    ids = [i["contact_id"] for i in seen]
    assert len(set(ids)) == len(ids) == 5
    assert set(ids) == made
    keys = [(datetime.fromisoformat(i["attempted_at"]), uuid.UUID(i["contact_id"])) for i in seen]
    assert keys == sorted(keys, reverse=True)
    assert ids == await _ids(api)  # one page of 100 agrees with pages of one

    # A cursor of another queue, or one the server did not make, is refused.
    nil = str(uuid.UUID(int=0))
    for bad in (
        "not-a-cursor",
        encode_cursor(["overdue-callbacks", now.isoformat(), nil]),
        encode_cursor(["contacts-missing-discussion", "2026-11-02T10:00:00", nil]),  # naive
    ):
        body = await api.call("GET", REPORT, params={"cursor": bad}, expect=400)
        assert body["type"] == PROBLEM_TYPE_BASE + "invalid-cursor"


async def test_from_and_to_are_london_dates__INT_011(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    clock.set(at("2027-07-05T10:00:00"))  # summer: London is UTC+1
    person = await new_person(api, "Alex")
    cid = (await intake_case(ME, clock.today(), person=person))["id"]
    late_june = await _contact(api, cid, person["id"], at("2027-06-30T22:59:59"), adjustments=False)
    early_july = await _contact(  # 00:00 BST on 1 July, still 30 June in UTC
        api, cid, person["id"], at("2027-06-30T23:00:00"), adjustments=False
    )
    july_2 = await _contact(api, cid, person["id"], at("2027-07-02T12:00:00"), adjustments=False)

    assert await _ids(api, **{"from": "2027-07-01"}) == [july_2, early_july]
    assert await _ids(api, to="2027-06-30") == [late_june]
    assert await _ids(api, **{"from": "2027-06-30", "to": "2027-06-30"}) == [late_june]
    assert await _ids(api, **{"from": "2027-07-01", "to": "2027-07-01"}) == [early_july]
    assert await _ids(api, **{"from": "2027-07-03"}) == []
    assert await _ids(api, **{"from": "0001-01-01", "to": "9999-12-31"}) == [
        july_2,
        early_july,
        late_june,
    ]

    body = await api.call(
        "GET", REPORT, params={"from": "2027-07-02", "to": "2027-07-01"}, expect=422
    )
    assert body["type"] == PROBLEM_TYPE_BASE + "invalid-date-range"


async def test_auditor_reads_the_report__INT_011(
    api: Api,
    client: httpx.AsyncClient,
    auth_headers: Any,
    clock: FixedClock,
    intake_case: IntakeCase,
) -> None:
    person = await new_person(api, "Alex")
    cid = (await intake_case(ME, clock.today(), person=person))["id"]
    contact = await _contact(api, cid, person["id"], clock.now(), expectations=False)
    auditor = Api(client, auth_headers("auditor"))
    assert await _ids(auditor, owner=ME) == [contact]


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (("intake_caseworker",), 200),
        (("caseworker",), 200),
        (("auditor",), 200),
        (("operations_manager",), 200),
        (("integration",), 403),
        (("clinical_adviser",), 403),
        ((), 401),
    ],
)
async def test_role_matrix__INT_011(
    client: httpx.AsyncClient, auth_headers: Any, roles: tuple[str, ...], status: int
) -> None:
    headers = auth_headers(*roles) if roles else {}
    r = await client.get(REPORT, headers=headers, params={"owner": ME})
    assert r.status_code == status, r.text
    if status == 200:
        assert r.json() == {"items": [], "next_cursor": None}
    else:
        assert r.headers["content-type"].startswith("application/problem+json")
        slug = "unauthorized" if status == 401 else "forbidden"
        assert r.json()["type"] == PROBLEM_TYPE_BASE + slug


@pytest.mark.parametrize("missing", ["both", "Expectations", ""])
async def test_bad_missing_value_is_a_422_problem__INT_011(
    client: httpx.AsyncClient, auth_headers: Any, missing: str
) -> None:
    r = await client.get(
        REPORT, headers=auth_headers("intake_caseworker"), params={"missing": missing}
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["type"] == PROBLEM_TYPE_BASE + "validation-error"
    assert any("missing" in e["loc"] for e in body["errors"])

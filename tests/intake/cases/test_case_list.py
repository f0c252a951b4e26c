"""GET /v1/cases: the filtered, keyset-paginated case list (DESIGN §3 Lists, §7 Scale), and the
``intake.case.created`` event a new case emits (requirements §E.1 CaseCreated)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case, Channel
from intake_api.cases.repository import CaseListFilters, case_list_query
from intake_api.cases.state import CaseStatus
from intake_api.organisations.models import Organisation
from shared.errors import PROBLEM_TYPE_BASE
from shared.outbox.models import OutboxEvent
from shared.pagination import encode_cursor
from tests.intake.api import Api, JsonDict, new_organisation, new_person, open_case
from tests.intake.builders import make_case, make_organisation, make_person

ME = f"caseworker-list-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def caseworker() -> str:
    return ME  # the list is filtered by owner: committed rows of other modules may share the db


async def _new(api: Api, received: str, *, org: JsonDict | None = None) -> JsonDict:
    person = await new_person(api, "Sam")
    org = org or await new_organisation(
        api, "Exampleshire Hospitals NHS Trust", "nhs_trust", "health"
    )
    return await open_case(
        api, channel="letter", jurisdiction="health", received_date=received, person=person,
        organisation=org,
    )  # fmt: skip


async def _build(
    session: AsyncSession, received: str, *, org: Organisation | None = None
) -> JsonDict:
    """What ``_new`` makes, built in the database: for the tests of the list, not of creation."""
    person = await make_person(session, given_name="Sam")
    case = await make_case(
        session, parties=[person], organisations=[org or await make_organisation(session)],
        channel=Channel.letter, received_date=date.fromisoformat(received), owner=ME,
    )  # fmt: skip
    return {"id": str(case.id), "received_date": received}


async def _all(api: Api, **params: Any) -> list[JsonDict]:
    items: list[JsonDict] = []
    cursor: str | None = None
    while True:
        query = {"owner": ME, **params, **({"cursor": cursor} if cursor else {})}
        page = await api.call("GET", "/v1/cases", params=query)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def test_newest_received_first_and_every_page_follows_on(
    api: Api, session: AsyncSession
) -> None:
    made = [await _build(session, f"2026-10-{day:02d}") for day in (5, 1, 9, 1, 20)]
    items = await _all(api, limit=2)
    assert [i["id"] for i in items] == [
        c["id"] for c in sorted(made, key=lambda c: (c["received_date"], c["id"]), reverse=True)
    ]
    assert len({i["id"] for i in items}) == 5  # a tie on the date neither repeats nor skips
    first = items[0]
    assert set(first) >= {"reference", "status", "case_type", "channel", "organisation_ids"}
    assert first["owner"] == ME
    assert first["status"] == "intake"
    assert "complaint_summary" not in first  # the list carries no free text about people


async def test_filters_hold_together(api: Api, session: AsyncSession) -> None:
    board = await make_organisation(session, name="Example Borough Health Board")
    org = {"id": str(board.id)}
    about_org = await _build(session, "2026-09-10", org=board)
    await _build(session, "2026-09-11")
    early = await _build(session, "2026-08-01", org=board)

    by_org = await _all(api, organisation_id=org["id"])
    assert [i["id"] for i in by_org] == [about_org["id"], early["id"]]
    assert all(org["id"] in i["organisation_ids"] for i in by_org)

    in_range = await _all(api, organisation_id=org["id"], received_from="2026-09-01",
                          received_to="2026-09-30")  # fmt: skip
    assert [i["id"] for i in in_range] == [about_org["id"]]
    on_the_day = await _all(api, received_from="2026-08-01", received_to="2026-08-01")
    assert [i["id"] for i in on_the_day] == [early["id"]]  # both ends inclusive

    assert await _all(api, status=["closed", "referred"], organisation_id=org["id"]) == []
    assert len(await _all(api, status=["intake", "received"], organisation_id=org["id"])) == 2
    assert await _all(api, jurisdiction="parliamentary", organisation_id=org["id"]) == []
    assert len(await _all(api, case_type="complaint", organisation_id=org["id"])) == 2


@pytest.mark.parametrize(
    ("params", "status", "problem"),
    [
        ({"cursor": "not-a-cursor"}, 400, "invalid-cursor"),
        ({"cursor": encode_cursor(["my-open-cases", "2026-01-01", str(uuid.uuid4())])}, 400,
         "invalid-cursor"),
        ({"cursor": encode_cursor(["cases", "yesterday", str(uuid.uuid4())])}, 400,
         "invalid-cursor"),
        ({"received_from": "2026-10-02", "received_to": "2026-10-01"}, 422, "invalid-date-range"),
        ({"status": "lost"}, 422, "validation-error"),
        ({"organisation_id": "nope"}, 422, "validation-error"),
        ({"limit": 101}, 422, "validation-error"),
        ({"owner": "a\x00b"}, 422, "validation-error"),
    ],
)  # fmt: skip
async def test_bad_list_requests_are_problems(
    api: Api, params: dict[str, Any], status: int, problem: str
) -> None:
    response = await api.http.get("/v1/cases", params=params, headers=api.caseworker)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == f"{PROBLEM_TYPE_BASE}{problem}"


@pytest.mark.parametrize("role", ["auditor", "caseworker", "operations_manager", "service"])
async def test_readers_may_list(client: httpx.AsyncClient, auth_headers: Any, role: str) -> None:
    response = await client.get("/v1/cases", params={"limit": 1}, headers=auth_headers(role))
    assert response.status_code == 200, response.text


async def test_list_needs_a_reader_role(client: httpx.AsyncClient, auth_headers: Any) -> None:
    response = await client.get("/v1/cases", headers=auth_headers("finance"))
    assert response.status_code == 403
    assert (await client.get("/v1/cases")).status_code == 401


async def test_the_query_uses_its_keyset_index(session: AsyncSession) -> None:
    """The plan walks an index in keyset order: no sort of the whole table (DESIGN §7 Scale)."""
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    for filters in (
        CaseListFilters(),
        CaseListFilters(statuses=(CaseStatus.closed,)),
        CaseListFilters(organisation_id=uuid.uuid4()),  # ix_case_organisation_listing
    ):
        stmt = case_list_query(filters, after=None, limit=50)
        sql = str(stmt.compile(compile_kwargs={"literal_binds": True}))
        plan = "\n".join((await session.execute(text(f"EXPLAIN {sql}"))).scalars())
        assert any(
            index in plan
            for index in (
                "ix_case_received_date_id",
                "ix_case_status_received_date_id",
                "ix_case_organisation_listing",
            )
        ), plan
        assert "Sort" not in plan, plan


async def test_a_new_case_emits_case_created(api: Api, session: AsyncSession) -> None:
    case = await _new(api, "2026-10-12")
    events = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.case_id == uuid.UUID(case["id"]))
        )
    ).all()
    created = [e for e in events if e.type == "intake.case.created"]
    assert len(created) == 1
    payload = created[0].payload
    assert payload["reference"] == case["reference"]
    assert payload["received_date"] == "2026-10-12"
    assert payload["channel"] == "letter"
    assert payload["status"] == "intake"
    assert not {"given_name", "family_name", "complaint_summary"} & set(payload)
    assert await session.get(Case, uuid.UUID(case["id"])) is not None

"""The central allocation queue (ASM-085, ¶2.182): fed by intake.case.referred, read in order.

Entries arrive the way production sends them: as events POSTed to ``/internal/events`` with a
service token. Each test starts from an empty queue (its deletions are rolled back with it).
"""

from __future__ import annotations

import base64
import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import QueueEntry
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON

Headers = Callable[..., dict[str, str]]
OCCURRED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
NIL = uuid.UUID(int=0)


@pytest.fixture(autouse=True)
async def empty_queue(session: AsyncSession) -> None:
    await session.execute(delete(QueueEntry))
    await session.flush()


@dataclass(frozen=True)
class Referral:
    reference: str
    priority: str = "standard"
    received_date: date = date(2026, 10, 1)
    jurisdiction: str = "health"
    triage_category: str = "general"
    route: str = "awaiting_allocation"
    case_id: uuid.UUID = NIL


def _event(r: Referral, case_id: uuid.UUID, org: uuid.UUID) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": "intake.case.referred",
        "version": 1,
        "occurred_at": OCCURRED.isoformat(),
        "source": "intake-api",
        "case_id": str(case_id),
        "sequence": 1,
        "correlation_id": None,
        "actor": "ic-1",
        "payload": {
            "reference": r.reference,
            "case_type": "complaint",
            "jurisdiction": r.jurisdiction,
            "route": r.route,
            "triage_category": r.triage_category,
            "priority": r.priority,
            "organisation_ids": [str(org)],
            "received_date": r.received_date.isoformat(),
        },
    }


async def seed(
    client: httpx.AsyncClient, auth_headers: Headers, *referrals: Referral
) -> dict[str, Referral]:
    """Deliver one referral event per item, as intake's relay would; reference → referral."""
    out: dict[str, Referral] = {}
    events = []
    for r in referrals:
        case_id = uuid.uuid4()
        out[r.reference] = replace(r, case_id=case_id)
        events.append(_event(r, case_id, uuid.uuid4()))
    resp = await client.post(
        "/internal/events",
        json={"events": events},
        headers=auth_headers("service", sub="intake-api"),
    )
    assert resp.status_code == 200, resp.text
    assert {x["status"] for x in resp.json()["results"]} == {"processed"}
    return out


async def read(
    client: httpx.AsyncClient, auth_headers: Headers, role: str = "caseworker", **params: Any
) -> httpx.Response:
    return await client.get("/v1/allocation-queue", params=params, headers=auth_headers(role))


async def read_all_pages(
    client: httpx.AsyncClient, auth_headers: Headers, **params: Any
) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        extra = {"cursor": cursor} if cursor else {}
        r = await read(client, auth_headers, **params, **extra)
        assert r.status_code == 200, r.text
        pages.append(r.json())
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "pagination does not end"


def _refs(items: list[dict[str, Any]]) -> list[str]:
    return [i["reference"] for i in items]


# ---------------------------------------------------------------------------------------------
# Order and content
# ---------------------------------------------------------------------------------------------


async def test_queue_is_high_priority_first_then_oldest_received_then_id__ASM_085(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    await seed(
        client,
        auth_headers,
        Referral("S-OLD", "standard", date(2026, 10, 1)),
        Referral("H-NEW", "high", date(2026, 10, 20)),
        Referral("TIE-1", "high", date(2026, 10, 10)),
        Referral("S-NEW", "standard", date(2026, 10, 25)),
        Referral("H-OLD", "high", date(2026, 10, 5)),
        Referral("TIE-2", "high", date(2026, 10, 10)),
        Referral("TIE-3", "high", date(2026, 10, 10)),
    )

    r = await read(client, auth_headers)

    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert r.json()["next_cursor"] is None
    refs = _refs(items)
    assert refs[0] == "H-OLD"
    assert sorted(refs[1:4]) == ["TIE-1", "TIE-2", "TIE-3"]
    assert refs[4:] == ["H-NEW", "S-OLD", "S-NEW"]
    # Equal priority and received date: the entry id decides, so the order is total and stable.
    tie_ids = [uuid.UUID(i["id"]) for i in items[1:4]]
    assert tie_ids == sorted(tie_ids)


async def test_queue_entry_shows_what_intake_referred(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    seeded = await seed(
        client,
        auth_headers,
        Referral(
            "CAS-0000123",
            "high",
            date(2026, 10, 30),
            jurisdiction="parliamentary",
            triage_category="complex & significant",
            route="ad_senior_caseworker_teams",
        ),
    )

    [item] = (await read(client, auth_headers)).json()["items"]

    ref = seeded["CAS-0000123"]
    assert item["case_id"] == str(ref.case_id)
    assert {k: item[k] for k in ("reference", "jurisdiction", "route", "triage_category")} == {
        "reference": "CAS-0000123",
        "jurisdiction": "parliamentary",
        "route": "ad_senior_caseworker_teams",
        "triage_category": "complex & significant",
    }
    assert (item["priority"], item["case_type"], item["status"]) == ("high", "complaint", "queued")
    assert item["received_date"] == "2026-10-30"
    assert datetime.fromisoformat(item["referred_at"]) == OCCURRED
    assert len(item["organisation_ids"]) == 1


async def test_only_a_referral_that_awaits_allocation_is_queued__ASM_085(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # T13 (ECT triage) and T15 (DR consent) are not awaiting allocation: no entry, so the
    # queue never offers them; T14 and T16 are queued.
    seeded = await seed(
        client,
        auth_headers,
        Referral("T13-TRIAGE", route="ect_triage"),
        Referral("T15-DR", route="dispute_resolution"),
        Referral("T14-QUEUE", route="awaiting_allocation"),
        Referral("T16-AD", route="ad_senior_caseworker_teams"),
    )

    assert sorted(_refs((await read(client, auth_headers)).json()["items"])) == [
        "T14-QUEUE",
        "T16-AD",
    ]
    rows = (await session.scalars(select(QueueEntry.reference))).all()
    assert sorted(rows) == ["T14-QUEUE", "T16-AD"]
    assert seeded["T13-TRIAGE"].case_id not in {
        e.case_id for e in (await session.scalars(select(QueueEntry))).all()
    }


# ---------------------------------------------------------------------------------------------
# Keyset pagination
# ---------------------------------------------------------------------------------------------


async def test_pages_follow_next_cursor_without_duplicates_or_gaps__DESIGN_3(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    # Ties sit across the page boundaries so that the id tie-breaker is what keeps them apart.
    await seed(
        client,
        auth_headers,
        *(Referral(f"H-{n}", "high", date(2026, 10, 3)) for n in range(4)),
        Referral("H-LATE", "high", date(2026, 10, 9)),
        *(Referral(f"S-{n}", "standard", date(2026, 10, 1)) for n in range(2)),
    )
    everything = _refs((await read(client, auth_headers, limit=100)).json()["items"])
    assert len(everything) == 7

    pages = await read_all_pages(client, auth_headers, limit=3)

    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    assert [p["next_cursor"] is None for p in pages] == [False, False, True]
    walked = [ref for p in pages for ref in _refs(p["items"])]
    assert walked == everything
    assert len(set(walked)) == 7
    assert walked[4] == "H-LATE"
    assert sorted(walked[5:]) == ["S-0", "S-1"]


async def test_an_empty_queue_is_an_empty_page(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await read(client, auth_headers)
    assert r.status_code == 200
    assert r.json() == {"items": [], "next_cursor": None}


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------


@pytest.fixture
async def mixed_queue(client: httpx.AsyncClient, auth_headers: Headers) -> dict[str, Referral]:
    return await seed(
        client,
        auth_headers,
        Referral("HEALTH-GEN", jurisdiction="health", triage_category="general"),
        Referral("HEALTH-CS", jurisdiction="health", triage_category="complex & significant"),
        Referral("PARL-GEN", jurisdiction="parliamentary", triage_category="general"),
        Referral(
            "PARL-CS-1",
            "high",
            jurisdiction="parliamentary",
            triage_category="complex & significant",
        ),
        Referral(
            "PARL-CS-2",
            jurisdiction="parliamentary",
            triage_category="complex & significant",
            received_date=date(2026, 10, 2),
        ),
        Referral("PARL-SCW", jurisdiction="parliamentary", triage_category="senior caseworker"),
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"jurisdiction": "health"}, {"HEALTH-GEN", "HEALTH-CS"}),
        ({"jurisdiction": "parliamentary"}, {"PARL-GEN", "PARL-CS-1", "PARL-CS-2", "PARL-SCW"}),
        ({"triage_category": "general"}, {"HEALTH-GEN", "PARL-GEN"}),
        ({"triage_category": "complex & significant"}, {"HEALTH-CS", "PARL-CS-1", "PARL-CS-2"}),
        ({"triage_category": "senior caseworker"}, {"PARL-SCW"}),
        (
            {"jurisdiction": "parliamentary", "triage_category": "complex & significant"},
            {"PARL-CS-1", "PARL-CS-2"},
        ),
        ({"triage_category": "general consideration triage"}, set()),
    ],
)
async def test_filters_by_jurisdiction_and_triage_category(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    mixed_queue: dict[str, Referral],
    params: dict[str, str],
    expected: set[str],
) -> None:
    r = await read(client, auth_headers, **params)

    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert set(_refs(items)) == expected
    for key, value in params.items():
        assert {i[key] for i in items} <= {value}


async def test_filters_hold_across_pages(
    client: httpx.AsyncClient, auth_headers: Headers, mixed_queue: dict[str, Referral]
) -> None:
    pages = await read_all_pages(client, auth_headers, limit=1, jurisdiction="parliamentary")

    walked = [ref for p in pages for ref in _refs(p["items"])]
    assert walked[0] == "PARL-CS-1"  # the only high-priority one
    assert sorted(walked) == ["PARL-CS-1", "PARL-CS-2", "PARL-GEN", "PARL-SCW"]
    assert walked[-1] == "PARL-CS-2"  # received a day after the others


@pytest.mark.parametrize("bad", ["Health", "scotland", ""])
async def test_unknown_jurisdiction_filter_is_422(
    client: httpx.AsyncClient, auth_headers: Headers, bad: str
) -> None:
    r = await read(client, auth_headers, jurisdiction=bad)
    assert r.status_code == 422
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "validation-error"


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


def _b64(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        _b64(b"\xff\xfe not json"),
        _b64({"rank": 0}),
        _b64([0, "2026-10-01"]),
        # Fixed ids, not uuid4(): a test's name must be the same in every xdist worker.
        _b64([0, "2026-10-01", str(uuid.UUID(int=1)), "extra"]),
        _b64(["high", "2026-10-01", str(uuid.UUID(int=2))]),
        _b64([0, "01/10/2026", str(uuid.UUID(int=3))]),
        _b64([0, "2026-10-01", "not-a-uuid"]),
        _b64([None, None, None]),
    ],
)
async def test_invalid_cursor_is_400_invalid_cursor(
    client: httpx.AsyncClient, auth_headers: Headers, cursor: str
) -> None:
    r = await read(client, auth_headers, cursor=cursor)

    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "invalid-cursor"


@pytest.mark.parametrize("limit", [0, -1, 101, 1000, "ten"])
async def test_limit_outside_1_to_100_is_422(
    client: httpx.AsyncClient, auth_headers: Headers, limit: Any
) -> None:
    r = await read(client, auth_headers, limit=limit)

    assert r.status_code == 422
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "validation-error"
    assert any("limit" in e["loc"] for e in r.json()["errors"])


async def test_limit_of_100_is_allowed(client: httpx.AsyncClient, auth_headers: Headers) -> None:
    assert (await read(client, auth_headers, limit=100)).status_code == 200


# ---------------------------------------------------------------------------------------------
# Who may read it
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["caseworker", "senior_caseworker", "operations_manager", "auditor"]
)
async def test_caseworkers_and_above_and_auditors_may_read_the_queue(
    client: httpx.AsyncClient, auth_headers: Headers, role: str
) -> None:
    await seed(client, auth_headers, Referral("CAS-0000001"))

    r = await read(client, auth_headers, role=role)

    assert r.status_code == 200, r.text
    assert _refs(r.json()["items"]) == ["CAS-0000001"]


@pytest.mark.parametrize("role", ["intake_caseworker", "integration", "legal"])
async def test_other_roles_are_403(
    client: httpx.AsyncClient, auth_headers: Headers, role: str
) -> None:
    r = await read(client, auth_headers, role=role)

    assert r.status_code == 403
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "forbidden"


async def test_reading_the_queue_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/allocation-queue")

    assert r.status_code == 401
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "unauthorized"


# ---------------------------------------------------------------------------------------------
# No empty trailing page (shared.pagination.paginate)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 3, 5])
async def test_a_queue_of_exactly_limit_entries_is_one_page_with_no_next_cursor__DESIGN_3(
    client: httpx.AsyncClient, auth_headers: Headers, limit: int
) -> None:
    await seed(client, auth_headers, *(Referral(f"CAS-{n}") for n in range(limit)))

    r = await read(client, auth_headers, limit=limit)

    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == limit
    assert r.json()["next_cursor"] is None


@pytest.mark.parametrize(("entries", "limit"), [(4, 2), (6, 3), (7, 3), (5, 1), (2, 5)])
async def test_paging_visits_each_entry_once_and_ends_on_a_non_empty_page__DESIGN_3(
    client: httpx.AsyncClient, auth_headers: Headers, entries: int, limit: int
) -> None:
    received = [date(2026, 10, 1 + n % 3) for n in range(entries)]  # ties across page ends
    await seed(
        client,
        auth_headers,
        *(Referral(f"CAS-{n}", received_date=d) for n, d in enumerate(received)),
    )
    everything = _refs((await read(client, auth_headers, limit=100)).json()["items"])

    pages = await read_all_pages(client, auth_headers, limit=limit)

    walked = [ref for p in pages for ref in _refs(p["items"])]
    assert walked == everything
    assert sorted(walked) == sorted(f"CAS-{n}" for n in range(entries))
    assert len(pages) == math.ceil(entries / limit)  # no page after the last entry
    assert all(p["items"] for p in pages)
    assert [p["next_cursor"] is None for p in pages] == [False] * (len(pages) - 1) + [True]


async def test_the_queue_is_never_cached__XC_DP(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    await seed(client, auth_headers, Referral("CAS-0000001"))

    r = await read(client, auth_headers)

    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"

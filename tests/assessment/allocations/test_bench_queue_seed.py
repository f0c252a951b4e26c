"""``make bench``'s allocation seed (casework_dev.bench_allocation, issue #12) fits the migrated
assessment and compliance schemas, and the routes it measures read it as a central queue.

The seed is loaded into this test's databases (rolled back afterwards) and read over HTTP, with
the ratings served by the in-process compliance-api from the seed's own ``risk_assessment`` rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Table, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import QueueEntry
from assessment_api.cases.models import Case
from assessment_api.staff.models import StaffConflict, StaffRecord
from casework_dev import bench_allocation
from compliance_api.risk.models import RiskAssessment
from tests.helpers import NOW, TODAY

Headers = Callable[..., dict[str, str]]
WAITING = 1500
ALLOCATED = 300

pytestmark = pytest.mark.usefixtures("guarded")


@pytest.fixture(autouse=True)
async def empty_queue(session: AsyncSession) -> None:
    await session.execute(delete(QueueEntry))
    await session.flush()


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


TABLES = {"assessment_case": _table(Case), "allocation_queue_entry": _table(QueueEntry)}


def _dicts(columns: tuple[str, ...], records: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(columns, r, strict=True)) for r in records]


@pytest.fixture
async def seeded(session: AsyncSession, compliance_app: FastAPI) -> bench_allocation.Batch:
    """The bench's rows, as its loader writes them: waiting cases, an allocated history, the
    staff directory with the asking caseworker's conflicts, and the ratings at compliance."""
    waiting = bench_allocation.make_batch(TODAY, NOW, 0, WAITING)
    allocated = bench_allocation.make_batch(TODAY, NOW, WAITING, ALLOCATED, allocated=True)
    for batch in (waiting, allocated):
        for table, columns, records in batch.assessment_tables():
            await session.execute(insert(TABLES[table]), _dicts(columns, records))
    # As the loader does: the asking caseworker declared a conflict on the first waiting case.
    members, conflicts = bench_allocation.staff_rows(now=NOW, conflict_case=waiting.case[0][0])
    await session.execute(
        insert(_table(StaffRecord)), _dicts(bench_allocation.STAFF_COLUMNS, members)
    )
    await session.execute(
        insert(_table(StaffConflict)), _dicts(bench_allocation.CONFLICT_COLUMNS, conflicts)
    )
    await session.flush()
    async with compliance_app.state.db.sessionmaker() as risk_session:
        risks = waiting.risk + allocated.risk
        await risk_session.execute(
            insert(_table(RiskAssessment)), _dicts(bench_allocation.RISK_COLUMNS, risks)
        )
        await risk_session.commit()
    return waiting


def _queue(batch: bench_allocation.Batch) -> list[dict[str, Any]]:
    """The waiting entries in allocation order, each with its case's rating."""
    ratings = {c[0]: c[bench_allocation.CASE_COLUMNS.index("risk_rating")] for c in batch.case}
    entries = _dicts(bench_allocation.ENTRY_COLUMNS, batch.entry)
    for e in entries:
        e["rating"] = ratings[e["case_id"]]
    return sorted(
        entries,
        key=lambda e: (e["terminal_rank"], e["priority_rank"], e["received_date"], e["id"]),
    )


def _free(batch: bench_allocation.Batch, entry: dict[str, Any]) -> bool:
    """Whether the asking caseworker declared no conflict on the entry's case or organisations
    (the loader's conflicts: the first waiting case and two organisations)."""
    _, conflicts = bench_allocation.staff_rows(now=NOW, conflict_case=batch.case[0][0])
    cases = {c[3] for c in conflicts if c[3] is not None}
    orgs = {c[2] for c in conflicts if c[2] is not None}
    return entry["case_id"] not in cases and not orgs.intersection(entry["organisation_ids"])


async def test_seeded_queue_reads_only_waiting_cases_in_allocation_order__ASM_085_XC_RSK_006(
    client: httpx.AsyncClient, auth_headers: Headers, seeded: bench_allocation.Batch
) -> None:
    expected = [str(e["id"]) for e in _queue(seeded)]
    me = auth_headers("caseworker", sub=bench_allocation.CASEWORKER)
    got: list[str] = []
    cursor: str | None = None
    for _ in range(3):
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        r = await client.get("/v1/allocation-queue", params=params, headers=me)
        assert r.status_code == 200, r.text
        got += [item["id"] for item in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        assert cursor is not None
    assert got == expected[:300]
    first = r.json()["items"][0]
    assert first["status"] == "queued"


async def test_seeded_next_case_skips_conflicts_and_high_risk_for_a_caseworker__CMP_114_CMP_128(
    client: httpx.AsyncClient, auth_headers: Headers, seeded: bench_allocation.Batch
) -> None:
    skipped = 0
    for e in _queue(seeded):
        if e["triage_category"] != "general" or not _free(seeded, e):
            continue
        if e["rating"] == "high":
            skipped += 1
            continue
        expected = e
        break
    r = await client.get(
        "/v1/allocation-queue/next",
        headers=auth_headers("caseworker", sub=bench_allocation.CASEWORKER),
    )
    assert r.status_code == 200, r.text
    assert r.json()["entry"]["id"] == str(expected["id"])
    assert r.json()["skipped_high_risk"] == skipped
    assert skipped > 0  # the seed puts high-risk cases where a caseworker meets them


async def test_seeded_next_case_for_a_complex_team_senior_is_the_head_of_the_queue__ASM_085(
    client: httpx.AsyncClient, auth_headers: Headers, seeded: bench_allocation.Batch
) -> None:
    r = await client.get(
        "/v1/allocation-queue/next",
        headers=auth_headers("senior_caseworker", sub=bench_allocation.SENIOR),
    )
    assert r.status_code == 200, r.text
    assert r.json()["entry"]["id"] == str(_queue(seeded)[0]["id"])
    assert r.json()["skipped_high_risk"] == 0


@pytest.mark.parametrize(
    "filters",
    [
        {"triage_category": "complex & significant"},
        {"jurisdiction": "parliamentary"},
        {"triage_category": "senior caseworker", "jurisdiction": "health"},
    ],
)
async def test_seeded_filtered_queue_pages_follow_the_cursor_in_order__ASM_085(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    seeded: bench_allocation.Batch,
    filters: dict[str, str],
) -> None:
    expected = [str(e["id"]) for e in _queue(seeded) if all(e[k] == v for k, v in filters.items())]
    me = auth_headers("caseworker", sub=bench_allocation.CASEWORKER)
    got: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 7, **filters, **({"cursor": cursor} if cursor else {})}
        r = await client.get("/v1/allocation-queue", params=params, headers=me)
        assert r.status_code == 200, r.text
        got += [item["id"] for item in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert len(expected) > 14  # more than two pages
    assert got == expected


async def test_next_case_walks_past_a_full_batch_of_high_risk_cases__CMP_114(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    seeded: bench_allocation.Batch,
    compliance_app: FastAPI,
) -> None:
    """Every general case ahead of the twentieth is rated high: a caseworker is offered the
    twentieth, past two batches of candidates, none skipped twice or missed."""
    fits = [e for e in _queue(seeded) if e["triage_category"] == "general" and _free(seeded, e)]
    ahead, expected = fits[:19], fits[19]
    async with compliance_app.state.db.sessionmaker() as risk_session:
        await risk_session.execute(
            update(_table(RiskAssessment))
            .where(_table(RiskAssessment).c.case_id.in_([e["case_id"] for e in ahead]))
            .values(rating="high")
        )
        await risk_session.execute(
            delete(_table(RiskAssessment)).where(
                _table(RiskAssessment).c.case_id == expected["case_id"]
            )
        )
        rows = [
            {"id": uuid.uuid4(), "case_id": e["case_id"], "number": 1, "trigger": "ad_hoc",
             "conflicts_of_interest_considered": True, "organisation_ids": e["organisation_ids"],
             "pre_rating": "high", "highest_post_rating": "high", "uplift_ids": [],
             "generated_rating": "high", "rating": "high", "high_risk_path": "escalation",
             "recorded_by": "bench-seed", "recorded_at": NOW, "version": 1}
            for e in ahead if e["rating"] is None
        ]  # fmt: skip
        if rows:
            await risk_session.execute(insert(_table(RiskAssessment)), rows)
        await risk_session.commit()
    r = await client.get(
        "/v1/allocation-queue/next",
        headers=auth_headers("caseworker", sub=bench_allocation.CASEWORKER),
    )
    assert r.status_code == 200, r.text
    assert r.json()["entry"]["id"] == str(expected["id"])
    assert r.json()["skipped_high_risk"] == 19

"""The pure parts of ``make bench``'s allocation lines (issue #12): the seed rows, the lines.

Nothing here starts a server or seeds a database; tests/assessment/allocations/
test_bench_queue_seed.py loads a batch into the migrated schemas and reads it as the routes do.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Table

from assessment_api.allocations.models import QueueEntry
from assessment_api.cases.models import Case
from assessment_api.cases.rules import RiskRating
from assessment_api.cases.state import CaseStatus
from assessment_api.staff.models import StaffConflict, StaffRecord
from casework_dev import bench, bench_allocation
from casework_dev.bench_allocation import (
    CASE_COLUMNS,
    CONFLICT_COLUMNS,
    ENTRY_COLUMNS,
    RISK_COLUMNS,
    STAFF_COLUMNS,
)
from compliance_api.risk.models import RiskAssessment
from compliance_api.risk.rules import HighRiskPath, Rating, Trigger
from shared.staff import Grade
from tests.helpers import NOW, TODAY

WAITING = 20_000
# What the queue entry repeats of its case (the referral's facts).
SHARED_KEYS = (
    "reference", "triage_category", "priority", "received_date", "organisation_ids",
    "jurisdiction", "route", "source_event_id",
)  # fmt: skip


@pytest.fixture(scope="module")
def waiting() -> bench_allocation.Batch:
    return bench_allocation.make_batch(TODAY, NOW, 0, WAITING)


@pytest.fixture(scope="module")
def allocated() -> bench_allocation.Batch:
    return bench_allocation.make_batch(TODAY, NOW, WAITING, 2000, allocated=True)


def rows(columns: tuple[str, ...], records: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(columns, r, strict=True)) for r in records]


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


@pytest.mark.parametrize(
    ("model", "columns"),
    [
        (Case, CASE_COLUMNS),
        (QueueEntry, ENTRY_COLUMNS),
        (RiskAssessment, RISK_COLUMNS),
        (StaffRecord, STAFF_COLUMNS),
        (StaffConflict, CONFLICT_COLUMNS),
    ],
)
def test_seed_fills_every_required_column_of_the_models(
    model: Any, columns: tuple[str, ...]
) -> None:
    table = _table(model)
    assert set(columns) <= set(table.columns.keys())
    required = {
        c.name for c in table.columns
        if not c.nullable and c.server_default is None and c.default is None
    }  # fmt: skip
    assert required <= set(columns), required - set(columns)


def test_waiting_cases_are_queued_entries_of_cases_awaiting_allocation__ASM_085(
    waiting: bench_allocation.Batch, allocated: bench_allocation.Batch
) -> None:
    for batch, entry_status, case_status in (
        (waiting, "queued", CaseStatus.awaiting_allocation),
        (allocated, "allocated", CaseStatus.further_consideration),
    ):
        cases = {c["id"]: c for c in rows(CASE_COLUMNS, batch.case)}
        entries = rows(ENTRY_COLUMNS, batch.entry)
        assert len(cases) == len(entries) == len(batch.case)
        for e in entries:
            c = cases[e["case_id"]]
            assert e["status"] == entry_status
            assert CaseStatus(c["status"]) is case_status
            for key in SHARED_KEYS:
                assert e[key] == c[key]
            assert (e["allocated_to"] is not None) == (entry_status == "allocated")
            assert c["owner"] == e["allocated_to"]
            assert TODAY - timedelta(days=800) <= e["received_date"] < TODAY
            assert e["referred_at"] <= NOW


def test_queue_order_keys_and_spread_are_a_central_queues__ASM_085_XC_RSK_006(
    waiting: bench_allocation.Batch,
) -> None:
    entries = rows(ENTRY_COLUMNS, waiting.entry)
    categories = Counter(e["triage_category"] for e in entries)
    # INT-023 / §D.4: the categories as intake stores them, mostly general.
    assert set(categories) == {"general", "senior caseworker", "complex & significant"}
    assert categories["general"] > WAITING * 0.7
    assert categories["complex & significant"] > WAITING * 0.02
    for e in entries:
        assert e["terminal_rank"] == (0 if e["terminal_illness"] else 1)
        assert e["priority_rank"] == (0 if e["priority"] == "high" else 1)
    terminal = sum(e["terminal_illness"] for e in entries)
    high = sum(e["priority"] == "high" for e in entries)
    assert 20 <= terminal <= 200
    assert WAITING * 0.03 < high < WAITING * 0.1
    assert len({e["jurisdiction"] for e in entries}) == 2
    assert Counter(len(e["organisation_ids"]) for e in entries)[2] > 0
    recent = sum(e["received_date"] > TODAY - timedelta(days=180) for e in entries)
    assert recent > WAITING * 0.6  # most of the queue is recent, with a long tail
    assert len({e["id"] for e in entries}) == WAITING


def test_ratings_agree_between_assessment_and_compliance__CMP_114(
    waiting: bench_allocation.Batch,
) -> None:
    cases = {c["id"]: c for c in rows(CASE_COLUMNS, waiting.case)}
    risks = rows(RISK_COLUMNS, waiting.risk)
    assert {r["case_id"] for r in risks} == {i for i, c in cases.items() if c["risk_rating"]}
    for r in risks:
        c = cases[r["case_id"]]
        assert (c["risk_rating"], c["risk_assessment_id"]) == (r["rating"], r["id"])
        assert RiskRating(r["rating"]).value == Rating(r["rating"]).value
        assert Trigger(r["trigger"])
        assert HighRiskPath(r["high_risk_path"])
        assert r["number"] == 1
        assert r["organisation_ids"] == c["organisation_ids"]
    entries = rows(ENTRY_COLUMNS, waiting.entry)
    rating = {e["id"]: cases[e["case_id"]]["risk_rating"] for e in entries}
    high = [e for e in entries if rating[e["id"]] == "high"]
    assert WAITING * 0.02 < len(high) < WAITING * 0.06
    terminal = [e for e in entries if e["terminal_illness"]]
    # Terminally ill complainants are more often rated high than the rest of the queue.
    assert sum(rating[e["id"]] == "high" for e in terminal) / len(terminal) > 0.2


def test_staff_directory_has_the_askers_and_their_conflicts__CMP_128() -> None:
    head = uuid.UUID(int=7)
    members, conflicts = bench_allocation.staff_rows(now=NOW, conflict_case=head)
    staff = {m["staff_id"]: m for m in rows(STAFF_COLUMNS, members)}
    assert len(staff) == len(members)
    for m in staff.values():
        assert Grade(m["grade"])
        assert (m["active"], m["available"]) == (True, True)
    asker = staff[bench_allocation.CASEWORKER]
    senior = staff[bench_allocation.SENIOR]
    assert (asker["grade"], senior["grade"]) == ("caseworker", "senior_caseworker")
    assert senior["team"] == bench_allocation.SENIOR_TEAM
    from assessment_api.config import AssessmentSettings

    assert senior["team"] in AssessmentSettings.model_fields["complex_teams"].default
    declared = rows(CONFLICT_COLUMNS, conflicts)
    assert {c["staff_member_id"] for c in declared} == {asker["id"]}
    assert [c["case_id"] for c in declared if c["case_id"]] == [head]
    orgs = [c["organisation_id"] for c in declared if c["organisation_id"]]
    assert len(orgs) == 2
    for c in declared:
        assert (c["organisation_id"] is None) != (c["case_id"] is None)
    _, without = bench_allocation.staff_rows(now=NOW, conflict_case=None)
    assert all(c[3] is None for c in without)


def test_batches_are_the_same_whoever_makes_them() -> None:
    a = bench_allocation.make_batch(TODAY, NOW, 500, 50)
    b = bench_allocation.make_batch(TODAY, NOW, 500, 50)
    assert (a.case, a.entry, a.risk) == (b.case, b.entry, b.risk)
    assert a.case[0][1] == "CAS-0000501"
    assert bench_allocation.make_batch(TODAY, NOW, 0, 50).case != a.case


def test_allocation_options_and_lines() -> None:
    quick = bench.parse_args(["--quick"])
    full = bench.parse_args([])
    assert "allocation" in quick.scenarios
    assert (quick.queue_cases, full.queue_cases) == (20_000, 100_000)
    assert bench.parse_args(["--queue-cases", "5000"]).queue_cases == 5000
    in_quick = [(kind, deep) for _, kind, _, deep, q in bench.ALLOCATION_LINES if q]
    # Issue #12: the first page, a deep cursor page and "next case for me", in CI's smoke run.
    assert ("queue", None) in in_quick
    assert ("next", None) in in_quick
    assert any(kind == "queue" and deep for kind, deep in in_quick)
    assert {arg for _, kind, arg, _, _ in bench.ALLOCATION_LINES if kind == "next"} == {
        bench_allocation.CASEWORKER, bench_allocation.SENIOR,
    }  # fmt: skip


def test_seed_marker_follows_the_assessment_and_compliance_migrations() -> None:
    marker = bench_allocation.seed_marker(1000)
    assert marker["cases"] == 1000
    assert marker["seed_version"] == bench_allocation.SEED_VERSION
    assert marker["migrations"] == bench_allocation.fingerprint()
    assert {d.parent.name for d in bench_allocation.MIGRATION_DIRS} == {
        "assessment-api", "compliance-api",
    }  # fmt: skip


def test_idle_wait_sees_a_busy_process_tree_settle() -> None:
    """A service's workers have all started when its process tree stops using CPU."""
    import subprocess
    import sys
    import time

    from casework_dev.benchkit import tree_cpu_s, wait_until_idle

    busy = "import time\nwhile time.process_time() < 1.0: pass\n"  # a CPU second, however slow
    proc = subprocess.Popen([sys.executable, "-c", busy + "time.sleep(30)"])
    try:
        waited = wait_until_idle([proc.pid], interval=0.5, timeout=30)
        assert 0.5 <= waited < 30
        assert tree_cpu_s(proc.pid) >= 0.9
        started = time.monotonic()
        assert wait_until_idle([proc.pid], interval=0.2, timeout=5) < 1.0
        assert time.monotonic() - started < 1.0
    finally:
        proc.kill()
        proc.wait()

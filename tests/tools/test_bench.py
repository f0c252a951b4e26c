"""The pure parts of ``make bench``: wrk output, verdicts, the Lua script, SQL, seed rows.

Nothing here runs wrk, starts a server or seeds a database.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from casework_dev import bench, bench_seed
from casework_dev.bench import (
    Bar,
    Load,
    TableRow,
    Verdict,
    WrkResult,
    compile_query,
    format_table,
    line_row,
    lua_script,
    parse_wrk_output,
    plan_warnings,
    ratio_of,
    rows_per_case,
    seed_is_current,
    verdict,
)
from casework_dev.bench_baseline import add_working_days, decode_args, lock_id
from casework_dev.benchkit import BenchError
from intake_api.cases.models import (
    OPEN_STATUSES,
    CaseType,
    Channel,
    DeadlineKind,
    Jurisdiction,
    OrganisationRole,
    PartyRole,
    Priority,
    Route,
    TriageCategory,
)
from intake_api.cases.repository import CaseListFilters, case_list_query
from intake_api.cases.rules import INTAKE_CLOSURE_CODES
from intake_api.cases.schemas import CaseCreate
from intake_api.cases.state import CaseStatus
from intake_api.organisations.models import ContractType, OrganisationKind
from intake_api.workqueues import repository as wq
from shared.casework.communications import ContactOutcome
from shared.idempotency import _lock_id
from tests.helpers import NOW, TODAY


def result(**overrides: float) -> WrkResult:
    values: dict[str, float] = {
        "requests": 1000, "duration_s": 2.0, "non2xx": 0, "first_non2xx_status": 0,
        "socket_errors": 0, "p50_ms": 5.0, "p95_ms": 20.0, "p99_ms": 40.0, "max_ms": 60.0,
        "mean_ms": 7.0,
    }  # fmt: skip
    values.update(overrides)
    return WrkResult(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- wrk output

WRK_STDOUT = """Running 5s test @ http://127.0.0.1:41234
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    27.95ms   10.31ms 107.27ms   79.12%
  1730 requests in 5.00s, 2.61MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    345.78
Transfer/sec:    534.14KB
BENCH_RESULT {"requests":1730,"duration_us":5003123,"bytes":2736000,"non2xx":3,\
"first_non2xx_status":429,"connect":0,"read":1,"write":0,"timeout":2,"p50_us":27110,\
"p95_us":41940,"p99_us":49170,"max_us":107270,"mean_us":27950.4}
"""


def test_wrk_result_line_is_parsed_with_errors_counted() -> None:
    r = parse_wrk_output(WRK_STDOUT)
    assert r.requests == 1730
    assert r.rps == pytest.approx(1730 / 5.003123)
    assert (r.p50_ms, r.p95_ms, r.p99_ms) == (27.11, 41.94, 49.17)
    assert r.non2xx == 3
    assert r.first_non2xx_status == 429
    assert r.socket_errors == 3
    assert r.errors == 6


def test_wrk_output_without_our_line_is_an_error() -> None:
    with pytest.raises(BenchError, match="BENCH_RESULT"):
        parse_wrk_output("Running 5s test @ http://127.0.0.1:1\nunable to connect\n")


# --------------------------------------------------------------------------- ratios and verdicts


def test_ratio_is_ours_over_the_baseline() -> None:
    ours = result(requests=600)
    assert ratio_of(ours, result(requests=1200)) == pytest.approx(0.5)
    assert ratio_of(ours, None) is None
    assert ratio_of(ours, result(requests=0)) is None


def test_get_bar_needs_both_half_the_baseline_and_p99() -> None:
    bar = Bar(min_ratio=0.5, max_p99_ms=50)
    assert bar.met(result(p99_ms=49.9), 0.5) is True
    assert bar.met(result(p99_ms=50.1), 0.9) is False
    assert bar.met(result(p99_ms=10), 0.49) is False
    assert bar.met(result(), None) is False  # no baseline: the ratio bar cannot be met
    assert Bar().met(result(), 1.0) is None
    assert bar.describe() == "≥50% base & p99≤50"


def test_errors_override_the_bars_and_include_the_baselines() -> None:
    bar = Bar(max_p95_ms=50)
    assert line_row("x", bar, result(), result()).verdict is Verdict.passed
    assert line_row("x", bar, result(p95_ms=51), result()).verdict is Verdict.failed
    row = line_row("x", bar, result(), result(non2xx=2))
    assert row.errors == 2
    assert row.verdict is Verdict.errors
    assert verdict(True, errors=0, applies=False) is Verdict.not_applicable
    assert verdict(None, errors=0) is Verdict.none


def test_table_marks_quick_verdicts_as_informational_but_not_errors() -> None:
    rows = [
        line_row("get: one case", Bar(min_ratio=0.5), result(), result(requests=1500)),
        line_row("post: create", Bar(min_ratio=0.5), result(non2xx=1), result()),
        TableRow("events: latency", p99=12.0, bar="p99≤50", verdict=Verdict.passed),
    ]
    quick = format_table(rows, quick=True).splitlines()
    assert quick[0].split()[:3] == ["scenario", "req/s", "p50"]
    assert quick[2].endswith("(pass)")
    assert quick[3].endswith("ERRORS")
    assert "0.67" in quick[2]
    full = format_table(rows, quick=False).splitlines()
    assert full[2].endswith("PASS")


def test_rows_per_case_ignores_requests_in_flight() -> None:
    before = {"case": 10, "deadline": 20, "audit_entry": 5}
    after = {"case": 110, "deadline": 220, "audit_entry": 105}
    assert rows_per_case(before, after) == {"case": 1.0, "deadline": 2.0, "audit_entry": 1.0}
    assert rows_per_case(before, before)["deadline"] == 0.0


def test_wrk_cpu_is_taken_out_of_other_processes() -> None:
    cpu = {"elapsed_s": 10.0, "others_busy_cpus": 0.5}
    assert bench.with_wrk_cpu(cpu, 3.0) == {**cpu, "wrk_cpu_s": 3.0, "others_busy_cpus": 0.2}
    assert bench.with_wrk_cpu({}, 3.0) == {}


# --------------------------------------------------------------------------- the Lua script


def test_lua_script_sets_token_rotates_paths_and_reports_json() -> None:
    script = lua_script(Load("GET", ("/v1/cases/a", "/v1/cases/b"), token="aaa.bbb.ccc"))
    assert 'headers["Authorization"] = "Bearer aaa.bbb.ccc"' in script
    assert '"/v1/cases/a",\n  "/v1/cases/b"' in script
    assert "paths[((n + tid) % #paths) + 1]" in script
    assert "local key_prefix = nil" in script
    assert "latency:percentile(99)" in script
    assert "non2xx = non2xx + 1" in script
    assert "BENCH_RESULT" in script
    assert "Content-Type" not in script


def test_lua_script_for_post_sends_the_body_and_a_fresh_key_per_request() -> None:
    body = json.dumps({"complaint_summary": 'It\'s "quoted" and \\ escaped'})
    script = lua_script(Load("POST", ("/v1/cases",), "t", body, "bench-1"))
    assert f"local body = [==[{body}]==]" in script
    assert 'local key_prefix = "bench-1"' in script
    assert 'headers["Idempotency-Key"] = key_prefix .. "-" .. tid .. "-" .. n' in script
    assert 'headers["Content-Type"] = "application/json"' in script


@pytest.mark.parametrize(
    "load",
    [
        Load("GET", ('/x"y',)),
        Load("GET", ("/x",), token='a"b'),
        Load("GET", ("/x\n",)),
        Load("POST", ("/x",), body="]==]"),
        Load("GET", ()),
    ],
)
def test_lua_script_refuses_what_would_break_it(load: Load) -> None:
    with pytest.raises(ValueError, match=r"."):
        lua_script(load)


# --------------------------------------------------------------------------- SQL and plans


def test_list_query_compiles_to_positional_sql_the_baseline_can_bind() -> None:
    org = uuid.uuid4()
    after = (date(2025, 1, 1), uuid.uuid4())
    filters = CaseListFilters(
        statuses=(CaseStatus.closed, CaseStatus.referred), organisation_id=org
    )
    sql, args = compile_query(case_list_query(filters, after=after, limit=51))
    assert sql.count("$") == len(args)
    values = decode_args(args)
    assert "closed" in values
    assert "referred" in values
    assert org in values  # the organisation, through case_organisation
    assert "original" in values
    assert after[0] in values
    assert after[1] in values
    assert 51 in values
    assert all(not isinstance(v, CaseStatus) for v in values)  # plain strings for asyncpg
    assert json.loads(json.dumps(args)) == args  # survives the trip to the baseline


def test_queue_queries_compile_with_dates_and_instants() -> None:
    owner = "bench-caseworker-001"
    stmt = wq.overdue_callbacks_query(now=NOW, owner=owner, after=None, limit=20)
    sql, args = compile_query(stmt)
    assert "deadline.due_at <" in sql
    assert decode_args(args)[:1] == ["callback"]
    assert NOW in decode_args(args)
    assert owner in decode_args(args)
    sql, args = compile_query(wq.my_open_cases_query(owner=owner, after=None, limit=20))
    assert sql.count("$") >= len(args)  # a value used twice keeps its number
    # Literals, as the partial expression index spells them, so a generic plan can use it.
    assert "coalesce(\"case\".next_due_date, '9999-12-31'::date)" in sql
    assert "status IN ('received', 'intake', 'awaiting_information'" in sql
    assert decode_args(args)[:1] == [owner]


def test_compile_refuses_values_it_cannot_pass_on() -> None:
    with pytest.raises(TypeError):
        bench._arg(1.5)


PLAN = """Limit  (cost=0.43..10.00 rows=51 width=100) (actual time=0.1..40.0 rows=51 loops=1)
  ->  Sort  (cost=1.00..2.00 rows=90000 width=100) (actual time=30.0..35.0 rows=90000 loops=1)
        Sort Method: external merge  Disk: 9000kB
        ->  Seq Scan on "case"  (cost=0.00..1.00 rows=90000 width=100) (actual time=0.0..9.0 \
rows=90000 loops=1)
              Filter: ((status)::text = 'closed'::text)
              Rows Removed by Filter: 10000
  ->  Seq Scan on deadline_extension  (cost=0.00..3.28 rows=1 width=28) (actual \
time=0.010..0.010 rows=0 loops=13)
        Rows Removed by Filter: 102
Execution Time: 41.2 ms""".splitlines()


def test_plan_warnings_name_seq_scans_of_big_tables_and_big_sorts() -> None:
    assert plan_warnings(PLAN) == [
        "sort of 90,000 rows",
        "sort spilled to disk",
        "seq scan on case",
    ]
    assert plan_warnings(PLAN, big=5_000)[-1] == "10,000 rows read and thrown away by a filter"
    assert bench.execution_ms(PLAN) == 41.2


def test_index_plans_raise_no_warning() -> None:
    plan = [
        "Limit  (cost=0.43..10.0 rows=51 width=1) (actual time=0.1..0.2 rows=51 loops=1)",
        '  ->  Index Scan Backward using ix_case_received_date_id on "case"',
    ]
    assert plan_warnings(plan) == []


# --------------------------------------------------------------------------- the baseline


def test_baseline_locks_idempotency_keys_as_the_service_does() -> None:
    assert lock_id("bench-baseline", "k-1") == _lock_id("bench-baseline", "k-1")


def test_baseline_working_days_skip_weekends() -> None:
    assert add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 9)  # Friday → Monday
    assert add_working_days(date(2026, 11, 2), 10) == date(2026, 11, 16)


def test_post_body_is_the_schema_example_received_yesterday() -> None:
    body = json.loads(bench.post_body(CaseCreate, TODAY - timedelta(days=1)))
    assert CaseCreate.model_validate(body).received_date == date(2026, 11, 1)
    assert body["case_type"] == "complaint"


# --------------------------------------------------------------------------- options and seed cache


def test_quick_options_are_small() -> None:
    opts = bench.parse_args(["--quick"])
    assert (opts.cases, opts.duration, opts.list_duration) == (100_000, 4, 2)
    assert opts.scenarios == bench.SCENARIOS
    full = bench.parse_args(["--scenarios", "list", "get"])
    assert full.scenarios == ("get", "list")
    assert full.cases == 1_000_000
    # Issue #15 item 19: one owner with 5,000 open cases, 1,000 in the smoke run CI makes.
    assert (full.owner_cases, opts.owner_cases) == (5000, 1000)


def test_quick_run_measures_the_heavy_owners_queues() -> None:
    quick = [(q, whose) for _, q, whose, _, in_quick in bench.QUEUE_LINES if in_quick]
    assert ("my-open-cases", bench.HEAVY) in quick
    heavy = {q for _, q, whose, _, _ in bench.QUEUE_LINES if whose == bench.HEAVY}
    assert heavy == {
        "my-open-cases", "overdue-acknowledgements", "information-deadlines-passed",
        "two-week-contact", "overdue-callbacks",
    }  # fmt: skip


def test_uvicorn_gets_workers_only_when_more_than_one() -> None:
    assert "--workers" not in bench.uvicorn_options(1)
    assert bench.uvicorn_options(3)[:2] == ["--workers", "3"]


def test_seed_is_rebuilt_when_migrations_generator_or_age_change() -> None:
    wanted = bench.seed_marker(1000)
    fresh = {**wanted, "seeded_on": TODAY.isoformat()}
    assert seed_is_current(fresh, wanted, TODAY)
    assert seed_is_current(fresh, wanted, TODAY + timedelta(days=bench.SEED_MAX_AGE_DAYS))
    assert not seed_is_current(fresh, wanted, TODAY + timedelta(days=8))
    assert not seed_is_current({**fresh, "migrations": "other"}, wanted, TODAY)
    assert not seed_is_current({**fresh, "seed_version": 0}, wanted, TODAY)
    assert not seed_is_current(fresh, bench.seed_marker(1000, 5000), TODAY)  # another owner size
    assert not seed_is_current(None, wanted, TODAY)
    assert not seed_is_current(wanted, wanted, TODAY)  # no seeded_on: an interrupted seed


# --------------------------------------------------------------------------- seed rows


@pytest.fixture(scope="module")
def batch() -> bench_seed.Batch:
    return bench_seed.make_batch(TODAY, NOW, 0, 3000)


def _rows(batch: bench_seed.Batch, table: str) -> list[dict[str, Any]]:
    for name, columns, rows in batch.tables():
        if name == table:
            return [dict(zip(columns, row, strict=True)) for row in rows]
    raise KeyError(table)


def test_organisations_satisfy_the_register_checks() -> None:
    orgs = bench_seed.organisations(random.Random(1))
    assert len(orgs) == 50
    assert len({o.id for o in orgs}) == 50
    for org in orgs:
        kind = OrganisationKind(org.kind)
        assert org.name.startswith("Fictional ")
        assert Jurisdiction(org.jurisdiction)
        if kind in (OrganisationKind.government_department, OrganisationKind.executive_agency):
            assert org.jurisdiction == "parliamentary"
        else:
            assert org.jurisdiction == "health"
        assert (org.contract_type is not None) == (
            kind is OrganisationKind.family_health_service_provider
        )
        if org.contract_type is not None:
            assert ContractType(org.contract_type)
        assert len(org.record()) == len(bench_seed.ORGANISATION_COLUMNS)
    assert orgs[0].weight > orgs[-1].weight


def test_every_row_matches_its_columns_and_the_model_enums(batch: bench_seed.Batch) -> None:
    for _, columns, rows in batch.tables():
        assert all(len(r) == len(columns) for r in rows)
    cases = _rows(batch, "case")
    assert len(cases) == 3000
    for c in cases:
        assert CaseStatus(c["status"])
        assert CaseType(c["case_type"])
        assert Channel(c["channel"])
        assert c["jurisdiction"] is None or Jurisdiction(c["jurisdiction"])
        assert Priority(c["priority"])
        assert c["route"] is None or Route(c["route"])
        assert c["triage_category"] is None or TriageCategory(c["triage_category"])
        assert c["closure_code"] is None or c["closure_code"] in INTAKE_CLOSURE_CODES
        assert (c["closure_code"] is not None) == (c["status"] == "closed")
        assert (c["owner"] is None) == (c["status"] == "received")
        assert isinstance(c["received_date"], date)
        assert TODAY - timedelta(days=bench_seed.DAYS) <= c["received_date"] <= TODAY
    for d in _rows(batch, "deadline"):
        assert DeadlineKind(d["kind"])
        assert not (d["met_at"] and d["cancelled_at"])
    for p in _rows(batch, "case_party"):
        assert PartyRole(p["role"])
    for a in _rows(batch, "contact_attempt"):
        assert ContactOutcome(a["outcome"])
    for o in _rows(batch, "case_organisation"):
        assert OrganisationRole(o["role"])


def test_rows_refer_only_to_their_batch_and_the_organisations(batch: bench_seed.Batch) -> None:
    cases = {c["id"]: c for c in _rows(batch, "case")}
    orgs = {o.id for o in bench_seed.organisations(random.Random(bench_seed.RNG_SEED))}
    deadlines = {d["id"] for d in _rows(batch, "deadline")}
    for table in ("case_organisation", "deadline", "case_party", "contact_attempt"):
        assert {r["case_id"] for r in _rows(batch, table)} <= set(cases)
    assert {e["deadline_id"] for e in _rows(batch, "deadline_extension")} <= deadlines
    originals: dict[object, set[object]] = {}
    for link in _rows(batch, "case_organisation"):
        assert link["organisation_id"] in orgs
        if link["role"] == "original":
            originals.setdefault(link["case_id"], set()).add(link["organisation_id"])
    for case_id, c in cases.items():
        assert set(c["organisation_ids"]) == originals.get(case_id, set())
    parties = {(p["case_id"], p["person_id"]) for p in _rows(batch, "case_party")}
    assert {(a["case_id"], a["person_id"]) for a in _rows(batch, "contact_attempt")} <= parties


def test_spread_fills_the_lists_and_every_work_queue(batch: bench_seed.Batch) -> None:
    cases = _rows(batch, "case")
    statuses = Counter(c["status"] for c in cases)
    open_ = sum(statuses[s] for s in OPEN_STATUSES)
    assert statuses["closed"] + statuses["referred"] > 0.85 * len(cases)
    assert 0.01 * len(cases) < open_ < 0.1 * len(cases)
    assert len({c["owner"] for c in cases}) > 150
    assert len({c["reference"] for c in cases}) == len(cases)
    assert cases[0]["reference"] == "CAS-0000001"
    open_clocks = Counter(
        d["kind"] for d in _rows(batch, "deadline") if not d["met_at"] and not d["cancelled_at"]
    )
    assert set(open_clocks) == {k.value for k in DeadlineKind}
    overdue_ack = [
        d for d in _rows(batch, "deadline")
        if d["kind"] == "acknowledgement" and not d["met_at"] and not d["cancelled_at"]
        and d["due_date"] < TODAY
    ]  # fmt: skip
    assert overdue_ack


def test_information_deadlines_follow_the_queue_contract(batch: bench_seed.Batch) -> None:
    # workqueues: a case awaiting information has exactly one open information deadline.
    status = {c["id"]: c["status"] for c in _rows(batch, "case")}
    open_info = Counter(
        d["case_id"] for d in _rows(batch, "deadline")
        if d["kind"] == "information" and not d["met_at"] and not d["cancelled_at"]
    )  # fmt: skip
    awaiting = {i for i, s in status.items() if s == "awaiting_information"}
    assert set(open_info) == awaiting
    assert set(open_info.values()) == {1}


def test_batches_are_the_same_whoever_makes_them() -> None:
    a = bench_seed.make_batch(TODAY, NOW, 500, 50)
    b = bench_seed.make_batch(TODAY, NOW, 500, 50)
    assert a == b
    assert a.case[0][1] == "CAS-0000501"
    assert bench_seed.make_batch(TODAY, NOW, 550, 50).case[0][0] != a.case[0][0]


def test_seed_fills_the_work_queue_keys_the_triggers_would() -> None:
    """COPY runs with the triggers off: the generator fills the keys migration 0015 keeps."""
    batch = bench_seed.make_batch(TODAY, NOW, 0, 2000)
    deadlines = _rows(batch, "deadline")
    owner = {c["id"]: c["owner"] for c in _rows(batch, "case")}
    for c in _rows(batch, "case"):
        open_ = sorted(
            (d["effective_due_date"], d["id"], d["kind"]) for d in deadlines
            if d["case_id"] == c["id"] and not d["met_at"] and not d["cancelled_at"]
        )  # fmt: skip
        expected = (open_[0][0], open_[0][2]) if open_ else (None, None)
        assert (c["next_due_date"], c["next_due_kind"]) == expected
    for table in ("deadline", "contact_attempt"):
        assert all(r["case_owner"] == owner[r["case_id"]] for r in _rows(batch, table))


def test_heavy_owner_cases_are_open_recent_and_theirs() -> None:
    batch = bench_seed.make_batch(TODAY, NOW, 1_000_000, 500, heavy=True)
    cases = _rows(batch, "case")
    assert len(cases) == 500
    assert cases[0]["reference"] == "CAS-1000001"
    assert {c["owner"] for c in cases} == {bench_seed.HEAVY_OWNER}
    assert {c["status"] for c in cases} <= set(OPEN_STATUSES) - {"received"}
    assert min(c["received_date"] for c in cases) >= TODAY - timedelta(days=45)
    assert sum(c["next_due_date"] is not None for c in cases) > 0.5 * len(cases)
    assert {d["case_owner"] for d in _rows(batch, "deadline")} == {bench_seed.HEAVY_OWNER}

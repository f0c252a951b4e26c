"""``make bench`` / ``make bench-quick``: intake-api against a raw asyncpg baseline (DESIGN §7).

A benchmark, not a test: it reports figures from one run, as ratios to a baseline measured on
the same machine in the same run, and compares them with the quality bars.

1. PostgreSQL: ``DATABASE_URL`` if set, else a private pgserver cluster kept in
   ``.data/bench/pg`` between runs. The seeded database (``bench_seed_<N>_intake``: N fictional
   cases, see :mod:`casework_dev.bench_seed`) is built once and rebuilt only when the intake
   migrations, the generator or N change, or it is a week old; each run works on a copy of it
   (``CREATE DATABASE … TEMPLATE``) that is dropped afterwards, so POSTs never pile up.
2. intake-api runs as in production: uvicorn, no reload, the same worker count and event loop
   for it and the baseline, its in-process relay on as under ``make run``. The rate limit is
   raised for the run (one principal sends every request). The baseline is
   :mod:`casework_dev.bench_baseline`: an ASGI callable on an asyncpg pool.
3. Load: wrk (installed with apt when missing) in its own process on loopback, with a generated
   Lua script that sets the bearer token, a fresh ``Idempotency-Key`` per POST, rotates GETs over
   pre-seeded case ids, counts non-2xx answers and prints its percentiles as one JSON line.
4. Scenarios: ``get`` one case by id; ``post`` create a case; ``list`` the case list with several
   filters, first and deep pages; ``queues`` the intake work queues, also for one caseworker with
   thousands of open cases loaded after the statistics were taken (``--owner-cases``; issue #15
   item 19); ``allocation`` assessment-api's central allocation queue and "next case for me"
   over N waiting cases (issue #12; :mod:`casework_dev.bench_allocation`, below); ``events``
   the event backbone (:mod:`casework_dev.bench_events`). Each list and queue line is also run
   through ``EXPLAIN (ANALYZE, BUFFERS)`` with the same SQL and values, and the plans are
   printed.
4a. ``allocation``: a second seeded pair of databases (``bench_seed_alloc_<N>_assessment`` and
   ``…_compliance``, built and reused like the intake seed; ``--queue-cases``), assessment-api
   as in production and compliance-api on one worker (it answers allocation's rating question,
   CMP-114), and the queue's first page, deep cursor pages, its filters, and "next case for
   me" for a caseworker and a senior caseworker measured at one connection against the p95
   bar, once every worker has started and been warmed. They have no raw baseline (no ratio);
   their SQL is captured from assessment-api's own service calls
   (:func:`casework_dev.bench_allocation.capture`), every statement of a request, and each is
   run through ``EXPLAIN (ANALYZE, BUFFERS)``.
5. A table on the terminal and the same figures in ``.data/bench/<timestamp>.json`` (and
   ``latest.json``). A run whose requests got errors exits 1 (quick runs too: the smoke check);
   bars that are missed are reported, not enforced.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import enum
import fcntl
import hashlib
import importlib.util
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import asyncpg
import httpx
from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from casework_dev import bench_allocation, bench_events, bench_seed
from casework_dev.benchkit import (
    BenchError,
    Child,
    CpuMeter,
    Stack,
    say,
    start_private_postgres,
    wait_until_idle,
)
from casework_dev.layout import ROOT
from casework_dev.procs import free_port, prepare_databases, service_env
from shared.auth import Role, load_or_create_dev_keypair, mint_dev_token
from shared.clock import BUSINESS_TIMEZONE
from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES, BaseServiceSettings
from shared.db import with_database
from shared.outbox.runtime import plain_dsn
from shared.pagination import encode_cursor
from shared.risk_rating import CurrentRiskRating, RiskRatings

OUT_DIR = ROOT / ".data" / "bench"
PG_DIR = OUT_DIR / "pg"
MIGRATIONS = ROOT / "services" / "intake-api" / "migrations"
SEED_MAX_AGE_DAYS = 7
# The private cluster's memory: what a production server of this size would be given.
PG_SETTINGS = {"shared_buffers": "1GB"}
SCENARIOS = ("get", "post", "list", "queues", "allocation", "events")
INTAKE_SCENARIOS = frozenset({"get", "post", "list", "queues"})
CASE_LIMIT = 50  # GET /v1/cases default page
CASE_FETCH = CASE_LIMIT + 1  # what the app reads for a page: one row more tells of a next
QUEUE_LIMIT = 20  # work-queue default page
QUEUE_FETCH = QUEUE_LIMIT + 1  # what the app reads for a page: one row more tells of a next
P99_BAR_MS = 50.0
P95_BAR_MS = 50.0
RATIO_BAR = 0.5
BASELINE_APP = "casework_dev.bench_baseline:create_app"
# Tables that grow with the cases; a seq scan of a small lookup table is the planner being right.
BIG_TABLES = frozenset(
    {"case", "deadline", "case_organisation", "case_party", "contact_attempt", "audit_entry",
     "outbox_event", "communication", "idempotency_key", "allocation_queue_entry",
     "assessment_case", "risk_assessment"}
)  # fmt: skip
WRITE_TABLES = ("case", "deadline", "audit_entry", "outbox_event", "idempotency_key")


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    quick: bool
    scenarios: tuple[str, ...]
    duration: int  # seconds per GET and POST run, each side
    list_duration: int  # seconds per list and queue line, each side
    warmup: int
    connections: int  # GET and POST: throughput at this concurrency
    list_connections: int  # list and queue lines: the time to serve a page
    workers: int
    cases: int
    keep_logs: bool
    owner_cases: int = 5000  # the heavy owner's open cases, loaded after ANALYZE
    queue_cases: int = 100_000  # cases waiting in assessment's allocation queue


def parse_args(argv: list[str] | None = None) -> Options:
    p = argparse.ArgumentParser(
        prog="python -m casework_dev.bench",
        description="Benchmark intake-api against a raw asyncpg baseline (DESIGN §7).",
    )
    p.add_argument("--quick", action="store_true", help="smoke run: small seed, short runs")
    p.add_argument(
        "--scenarios", nargs="+", choices=SCENARIOS, metavar="NAME",
        help=f"subset of {', '.join(SCENARIOS)} (default: all)",
    )  # fmt: skip
    p.add_argument("--duration", type=int, help="seconds per GET/POST run (20; quick 4)")
    p.add_argument("--list-duration", type=int, help="seconds per list/queue line (10; quick 2)")
    p.add_argument("--warmup", type=int, help="untimed seconds before each run (2; quick 1)")
    p.add_argument("--connections", type=int, default=10, help="wrk connections, GET/POST (10)")
    p.add_argument(
        "--list-connections", type=int, default=1, help="wrk connections, list/queue lines (1)"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="uvicorn workers, both sides (one per CPU core, as the README recommends)",
    )
    p.add_argument("--cases", type=int, help="cases to seed (1000000; quick 100000)")
    p.add_argument(
        "--owner-cases", type=int,
        help="open cases of one more caseworker, seeded after ANALYZE (5000; quick 1000)",
    )  # fmt: skip
    p.add_argument(
        "--queue-cases", type=int,
        help="cases waiting in the allocation queue (100000; quick 20000)",
    )  # fmt: skip
    p.add_argument("--keep-logs", action="store_true", help="keep the service logs")
    a = p.parse_args(argv)
    opts = Options(
        quick=a.quick,
        scenarios=tuple(s for s in SCENARIOS if s in (a.scenarios or SCENARIOS)),
        duration=a.duration or (4 if a.quick else 20),
        list_duration=a.list_duration or (2 if a.quick else 10),
        warmup=a.warmup if a.warmup is not None else (1 if a.quick else 2),
        connections=a.connections,
        list_connections=a.list_connections,
        workers=a.workers,
        cases=a.cases or (100_000 if a.quick else 1_000_000),
        keep_logs=a.keep_logs,
        owner_cases=a.owner_cases if a.owner_cases is not None else (1000 if a.quick else 5000),
        queue_cases=a.queue_cases or (20_000 if a.quick else 100_000),
    )
    if min(opts.duration, opts.list_duration, opts.connections, opts.list_connections,
           opts.workers) < 1:  # fmt: skip
        p.error("durations, connections and workers must be at least 1")
    if opts.cases < 1000 or opts.queue_cases < 1000 or opts.warmup < 0 or opts.owner_cases < 0:
        p.error(
            "--cases and --queue-cases must be at least 1000, --warmup and --owner-cases "
            "not negative"
        )
    return opts


# --------------------------------------------------------------------------- wrk


def ensure_wrk() -> str:
    """The wrk binary; installs Debian's package when running as root, else says how."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        print("wrk (the HTTP load generator) is not installed. Install it with:", file=sys.stderr)
        print("sudo apt-get install wrk", file=sys.stderr)
        raise SystemExit(2)
    say("Installing wrk: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.call(install, env=env) != 0:
        subprocess.check_call(["apt-get", "update", "-q"], env=env)
        subprocess.check_call(install, env=env)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("apt-get installed wrk but it is not on PATH")
    return found


@dataclass(frozen=True)
class Load:
    """What wrk sends: paths in turn, one method, an optional body and a fresh key per POST."""

    method: str
    paths: tuple[str, ...]
    token: str | None = None
    body: str | None = None
    idempotency_prefix: str | None = None


_SAFE = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*")


def lua_script(load: Load) -> str:
    """The wrk script for ``load``; ``done()`` prints ``BENCH_RESULT {json}``."""
    if not load.paths:
        raise ValueError("at least one path")
    for value in (*load.paths, load.token or "", load.idempotency_prefix or ""):
        if not _SAFE.fullmatch(value) or "]]" in value:
            raise ValueError(f"unsafe for the Lua script: {value!r}")
    if load.body is not None and "]==]" in load.body:
        raise ValueError("body contains the Lua long-string terminator")
    paths = ",\n".join(f'  "{p}"' for p in load.paths)
    headers = []
    if load.token:
        headers.append(f'headers["Authorization"] = "Bearer {load.token}"')
    if load.body is not None:
        headers.append('headers["Content-Type"] = "application/json"')
    body = "nil" if load.body is None else f"[==[{load.body}]==]"
    prefix = "nil" if load.idempotency_prefix is None else f'"{load.idempotency_prefix}"'
    return f"""-- Generated by casework_dev.bench for one run; not kept.
local paths = {{
{paths}
}}
local method = "{load.method}"
local body = {body}
local key_prefix = {prefix}
local headers = {{}}
{chr(10).join(headers)}

local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  n = 0
  non2xx = 0
  first_bad = 0
end

function request()
  n = n + 1
  local path = paths[((n + tid) % #paths) + 1]
  if key_prefix then
    headers["Idempotency-Key"] = key_prefix .. "-" .. tid .. "-" .. n
  end
  return wrk.format(method, path, headers, body)
end

function response(status, hdrs, resp_body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    local f = t:get("first_bad")
    if first == 0 and f ~= 0 then first = f end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {{"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,"non2xx":%.0f,' ..
    '"first_non2xx_status":%.0f,"connect":%.0f,"read":%.0f,"write":%.0f,"timeout":%.0f,' ..
    '"p50_us":%.0f,"p95_us":%.0f,"p99_us":%.0f,"max_us":%.0f,"mean_us":%.1f}}\\n',
    summary.requests, summary.duration, summary.bytes, bad, first,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    non2xx: int
    first_non2xx_status: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "rps": round(self.rps, 1), "errors": self.errors}


def parse_wrk_output(text: str) -> WrkResult:
    """The ``BENCH_RESULT`` line our script's ``done()`` printed."""
    for line in text.splitlines():
        if line.startswith("BENCH_RESULT "):
            d = json.loads(line[len("BENCH_RESULT ") :])
            return WrkResult(
                requests=int(d["requests"]),
                duration_s=d["duration_us"] / 1e6,
                non2xx=int(d["non2xx"]),
                first_non2xx_status=int(d["first_non2xx_status"]),
                socket_errors=int(d["connect"] + d["read"] + d["write"] + d["timeout"]),
                p50_ms=d["p50_us"] / 1000,
                p95_ms=d["p95_us"] / 1000,
                p99_ms=d["p99_us"] / 1000,
                max_ms=d["max_us"] / 1000,
                mean_ms=d["mean_us"] / 1000,
            )
    tail = "\n".join(text.splitlines()[-15:])
    raise BenchError(f"wrk printed no BENCH_RESULT line:\n{tail}")


def run_wrk(
    wrk: str, base_url: str, load: Load, *, seconds: int, connections: int, workdir: Path
) -> WrkResult:
    run_id = uuid.uuid4().hex[:8]
    if load.idempotency_prefix is not None:  # a key is never reused, warm-up or not
        load = replace(load, idempotency_prefix=f"{load.idempotency_prefix}-{run_id}")
    script = workdir / f"load-{run_id}.lua"
    script.write_text(lua_script(load))
    cmd = [
        wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(script), base_url,
    ]  # fmt: skip
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    finally:
        script.unlink(missing_ok=True)
    if out.returncode != 0:
        raise BenchError(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout}")
    return parse_wrk_output(out.stdout)


# --------------------------------------------------------------------------- bars and verdicts


@dataclass(frozen=True)
class Bar:
    min_ratio: float | None = None
    max_p95_ms: float | None = None
    max_p99_ms: float | None = None

    def describe(self) -> str:
        parts = []
        if self.min_ratio is not None:
            parts.append(f"≥{self.min_ratio:.0%} base")
        if self.max_p95_ms is not None:
            parts.append(f"p95≤{self.max_p95_ms:g}")
        if self.max_p99_ms is not None:
            parts.append(f"p99≤{self.max_p99_ms:g}")
        return " & ".join(parts)

    def met(self, ours: WrkResult, ratio: float | None) -> bool | None:
        """None when there is no bar."""
        checks = []
        if self.min_ratio is not None:
            checks.append(ratio is not None and ratio >= self.min_ratio)
        if self.max_p95_ms is not None:
            checks.append(ours.p95_ms <= self.max_p95_ms)
        if self.max_p99_ms is not None:
            checks.append(ours.p99_ms <= self.max_p99_ms)
        return all(checks) if checks else None


def ratio_of(ours: WrkResult, baseline: WrkResult | None) -> float | None:
    """Our throughput over the baseline's (None without a usable baseline)."""
    if baseline is None or baseline.rps <= 0:
        return None
    return ours.rps / baseline.rps


class Verdict(enum.StrEnum):
    passed = "PASS"
    failed = "FAIL"
    errors = "ERRORS"
    not_applicable = "n/a"
    none = ""


def verdict(ok: bool | None, *, errors: int, applies: bool = True) -> Verdict:
    if errors:
        return Verdict.errors
    if ok is None:
        return Verdict.none
    if not applies:
        return Verdict.not_applicable
    return Verdict.passed if ok else Verdict.failed


@dataclass
class TableRow:
    scenario: str
    rps: float | None = None
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    errors: int | None = None
    base_rps: float | None = None
    ratio: float | None = None
    bar: str = ""
    verdict: Verdict = Verdict.none

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict.value or None}


def line_row(name: str, bar: Bar, ours: WrkResult, baseline: WrkResult | None) -> TableRow:
    ratio = ratio_of(ours, baseline)
    errors = ours.errors + (baseline.errors if baseline else 0)
    return TableRow(
        scenario=name, rps=ours.rps, p50=ours.p50_ms, p95=ours.p95_ms, p99=ours.p99_ms,
        errors=errors, base_rps=baseline.rps if baseline else None, ratio=ratio,
        bar=bar.describe(), verdict=verdict(bar.met(ours, ratio), errors=errors),
    )  # fmt: skip


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def format_table(rows: Sequence[TableRow], *, quick: bool) -> str:
    """The terminal table; a quick run's verdicts are informational (in parentheses)."""
    header = ("scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "base req/s",
              "ratio", "bar", "verdict")  # fmt: skip
    cells = []
    for r in rows:
        v = r.verdict.value
        if quick and r.verdict in (Verdict.passed, Verdict.failed, Verdict.not_applicable):
            v = f"({v.lower()})"
        cells.append((
            r.scenario, _num(r.rps), _num(r.p50, 2), _num(r.p95, 2), _num(r.p99, 2),
            _num(r.errors), _num(r.base_rps), "-" if r.ratio is None else f"{r.ratio:.2f}",
            r.bar, v,
        ))  # fmt: skip
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    left = {0, 8, 9}

    def fmt(row: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(widths[i]) if i in left else c.rjust(widths[i]) for i, c in enumerate(row)
        ).rstrip()

    lines = [fmt(header), "-" * len(fmt(header))]
    lines += [fmt(c) for c in cells]
    return "\n".join(lines)


# --------------------------------------------------------------------------- plans

_ACTUAL = re.compile(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)")
_REMOVED = re.compile(r"Rows Removed by (?:Filter|Join Filter): (\d+)")


def plan_warnings(plan: Sequence[str], *, big: int = 10_000) -> list[str]:
    """What looks costly in an ``EXPLAIN (ANALYZE)`` text plan: seq scans, big sorts, waste."""
    out = []
    for line in plan:
        text = line.strip().removeprefix("->").strip()
        if m := re.match(r"(?:Parallel )?Seq Scan on (\S+)", text):
            table = m.group(1).strip('"')
            if table in BIG_TABLES:
                out.append(f"seq scan on {table}")
        if text.startswith(("Sort ", "Incremental Sort ")) and (a := _ACTUAL.search(text)):
            rows = int(a.group(1)) * int(a.group(2))
            if rows > big:
                out.append(f"sort of {rows:,} rows")
        if "Sort Method: external" in text:
            out.append("sort spilled to disk")
        if (r := _REMOVED.search(text)) and int(r.group(1)) > big:
            out.append(f"{int(r.group(1)):,} rows read and thrown away by a filter")
    return list(dict.fromkeys(out))


def execution_ms(plan: Sequence[str]) -> float | None:
    for line in plan:
        if line.startswith("Execution Time:"):
            return float(line.split()[2])
    return None


# --------------------------------------------------------------------------- SQL for the baseline


def _arg(value: Any) -> list[Any]:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        raise TypeError("no boolean binds expected")
    if isinstance(value, datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, date):
        return ["date", value.isoformat()]
    if isinstance(value, uuid.UUID):
        return ["uuid", str(value)]
    if isinstance(value, int):
        return ["int", value]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, list) and all(isinstance(v, uuid.UUID) for v in value):
        return ["uuid[]", [str(v) for v in value]]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ["str[]", [str(v) for v in value]]
    raise TypeError(f"cannot pass {type(value).__name__} to the baseline")


def compile_query(stmt: Select[Any]) -> tuple[str, list[list[Any]]]:
    """The SQL text and ``$n`` values SQLAlchemy's asyncpg dialect sends for ``stmt``."""
    dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    return compiled.string, [_arg(params[name]) for name in compiled.positiontup or ()]


# --------------------------------------------------------------------------- machine


def machine_facts() -> dict[str, Any]:
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    mem_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {
        "nproc": os.cpu_count(), "cpu_model": cpu_model, "memory_gib": mem_gib,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(), "python": platform.python_version(),
    }  # fmt: skip


def uvicorn_options(workers: int) -> list[str]:
    """Production uvicorn options: uvloop and httptools when the venv has them (uv.lock)."""
    opts = ["--workers", str(workers)] if workers > 1 else []
    if importlib.util.find_spec("uvloop") is not None:
        opts += ["--loop", "uvloop"]
    if importlib.util.find_spec("httptools") is not None:
        opts += ["--http", "httptools"]
    return opts


# --------------------------------------------------------------------------- seed


def migrations_fingerprint() -> str:
    """Changes when any intake migration (or the shared migration helpers) changes."""
    h = hashlib.sha256()
    files = sorted((MIGRATIONS / "versions").glob("*.py"))
    files.append(ROOT / "shared" / "src" / "shared" / "migrations.py")
    for path in files:
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def seed_marker(cases: int, owner_cases: int = 0) -> dict[str, Any]:
    return {
        "seed_version": bench_seed.SEED_VERSION,
        "cases": cases,
        "owner_cases": owner_cases,
        "migrations": migrations_fingerprint(),
    }


def seed_is_current(found: dict[str, Any] | None, wanted: dict[str, Any], today: date) -> bool:
    if not found or any(found.get(k) != v for k, v in wanted.items()):
        return False
    try:
        seeded_on = date.fromisoformat(found["seeded_on"])
    except (KeyError, TypeError, ValueError):
        return False
    return (today - seeded_on).days <= SEED_MAX_AGE_DAYS


async def _read_marker(server_url: str, name: str) -> dict[str, Any] | None:
    conn = await asyncpg.connect(plain_dsn(server_url), timeout=10)
    try:
        raw = await conn.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            name,
        )
    finally:
        await conn.close()
    try:
        found = json.loads(raw) if raw else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


async def _admin(server_url: str, *statements: str) -> None:
    conn = await asyncpg.connect(plain_dsn(server_url), timeout=10)
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


async def _seed(url: str, cases: int, today: date, owner_cases: int = 0) -> dict[str, int]:
    started = time.monotonic()

    def progress(done: int) -> None:
        if done == cases or done % max(cases // 5, 1) < 25_000:
            say(f"  {done:,} / {cases:,} cases ({time.monotonic() - started:.0f} s)")

    counts = await bench_seed.load(
        plain_dsn(url), cases=cases, today=today, now=datetime.now(UTC), progress=progress
    )
    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        # What autovacuum would have done to a database that grew over three years.
        await conn.execute("SET maintenance_work_mem = '256MB'")
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()
    if owner_cases:
        # After the statistics: as on a server whose autovacuum lags behind one busy caseworker.
        heavy = await bench_seed.load_heavy_owner(
            plain_dsn(url), first=cases, cases=owner_cases, today=today, now=datetime.now(UTC)
        )
        say(f"  {owner_cases:,} open cases of {bench_seed.HEAVY_OWNER}, not analysed")
        for table, n in heavy.items():
            counts[table] = counts.get(table, 0) + n
    return counts


def ensure_seed(stack: Stack, cases: int, today: date, owner_cases: int = 0) -> dict[str, Any]:
    """The seeded template database, built when missing or out of date; returns its marker."""
    prefix = f"bench_seed_{cases}"
    name = f"{prefix}_intake"
    wanted = seed_marker(cases, owner_cases)
    found = asyncio.run(_read_marker(stack.server_url, name))
    if seed_is_current(found, wanted, today):
        assert found is not None
        say(f"Reusing the seeded database {name} (seeded on {found['seeded_on']})")
        return {**found, "database": name, "reused": True}
    why = "missing" if found is None else "out of date"
    say(f"Seeding {name} ({why}): {cases:,} fictional cases")
    started = time.monotonic()
    asyncio.run(_admin(stack.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    prepare_databases(stack.server_url, prefix, ("intake",))
    # Loaded as the server's user: COPY without the foreign-key triggers, VACUUM, setval.
    counts = asyncio.run(_seed(with_database(stack.server_url, name), cases, today, owner_cases))
    marker = {**wanted, "seeded_on": today.isoformat(), "rows": counts}
    seconds = round(time.monotonic() - started, 1)
    comment = json.dumps(marker).replace("'", "''")
    asyncio.run(_admin(stack.server_url, f"COMMENT ON DATABASE \"{name}\" IS '{comment}'"))
    say(f"Seeded in {seconds:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return {**marker, "database": name, "reused": False, "seed_s": seconds}


def clone_seed(
    stack: Stack, seed_db: str, service: str = "intake", strategy: str = "FILE_COPY"
) -> str:
    """A throwaway copy of the seed for this run (dropped by :meth:`Stack.close`).

    ``FILE_COPY`` suits a big seed; ``WAL_LOG`` a small one on a busy server (no checkpoint)."""
    name = f"bench_run_{uuid.uuid4().hex[:8]}_{service}"
    say(f"Copying {seed_db} to {name}")
    stack.databases.append(name)
    started = time.monotonic()
    sql = f'CREATE DATABASE "{name}" TEMPLATE "{seed_db}" STRATEGY {strategy}'
    asyncio.run(_admin(stack.server_url, sql))
    say(f"Copied in {time.monotonic() - started:.1f} s")
    return with_database(stack.server_url, name)


# --------------------------------------------------------------------------- scenario lines


@dataclass
class Line:
    """One row of the table: our request, the baseline's, and the bar."""

    name: str
    group: str
    ours: Load
    baseline: Load | None
    bar: Bar
    seconds: int
    query: tuple[str, list[list[Any]]] | None = None  # list/queue SQL, for baseline and EXPLAIN
    quick: bool = False  # part of the quick subset
    setup: tuple[str, ...] = ()  # run before ``query`` in its transaction, as intake-api does
    service: str = "intake-api"  # who serves ``ours``


@dataclass
class Fixtures:
    """Ids and values from the seeded data that the scenarios ask for."""

    case_ids: list[uuid.UUID]
    busy_org: uuid.UUID
    rare_org: uuid.UUID
    owner: str
    today: date
    now: datetime
    deep: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    heavy_owner: str | None = None  # bench_seed.HEAVY_OWNER when seeded


async def _fetch(conn: asyncpg.Connection, stmt: Select[Any]) -> list[asyncpg.Record]:
    sql, args = compile_query(stmt)
    from casework_dev.bench_baseline import decode_args

    return list(await conn.fetch(sql, *decode_args(args)))


def _list_filters(params: dict[str, Any]) -> Any:
    from intake_api.cases.models import CaseType, Jurisdiction
    from intake_api.cases.repository import CaseListFilters
    from intake_api.cases.state import CaseStatus

    return CaseListFilters(
        statuses=tuple(CaseStatus(s) for s in params.get("status", ())),
        organisation_id=params.get("organisation_id"),
        owner=params.get("owner"),
        case_type=CaseType(params["case_type"]) if "case_type" in params else None,
        jurisdiction=Jurisdiction(params["jurisdiction"]) if "jurisdiction" in params else None,
        received_from=params.get("received_from"),
        received_to=params.get("received_to"),
    )


# name, filters, deep page at this fraction of the matching cases, in the quick subset
LIST_LINES: tuple[tuple[str, dict[str, Any], float | None, bool], ...] = (
    ("list: newest, no filter", {}, None, True),
    ("list: status=intake", {"status": ["intake"]}, None, False),
    ("list: status=closed, deep page", {"status": ["closed"]}, 0.5, True),
    ("list: busiest organisation", {"organisation_id": "busy"}, None, False),
    ("list: rarest organisation", {"organisation_id": "rare"}, None, False),
    ("list: complaints, one month", {"case_type": "complaint", "received": (400, 370)}, None,
     False),
    ("list: owner's open cases", {"owner": "owner", "status": ["received", "intake",
     "awaiting_information"]}, None, False),
    ("list: parliamentary, deep page", {"jurisdiction": "parliamentary"}, 0.2, False),
)  # fmt: skip

# Whose queue a line reads: the office's, a typical caseworker's, or the heavy owner's (open cases
# seeded after ANALYZE; their lines are named with the count).
OFFICE, OWNER, HEAVY = "office", "owner", "heavy"

# name, queue, whose, deep page fraction, in the quick subset
QUEUE_LINES: tuple[tuple[str, str, str, float | None, bool], ...] = (
    ("queue: my-open-cases", "my-open-cases", OWNER, None, True),
    ("queue: overdue-acknowledgements", "overdue-acknowledgements", OFFICE, None, True),
    ("queue: overdue-acknowledgements, deep", "overdue-acknowledgements", OFFICE, 0.5, False),
    ("queue: overdue-acknowledgements, owner", "overdue-acknowledgements", OWNER, None, False),
    ("queue: information-deadlines-passed", "information-deadlines-passed", OFFICE, None, False),
    ("queue: two-week-contact", "two-week-contact", OFFICE, None, False),
    ("queue: overdue-callbacks", "overdue-callbacks", OFFICE, None, False),
    ("queue: overdue-callbacks, owner", "overdue-callbacks", OWNER, None, False),
    ("queue: my-open-cases, {n}-case owner", "my-open-cases", HEAVY, None, True),
    ("queue: my-open-cases, {n}-case owner, deep", "my-open-cases", HEAVY, 0.5, False),
    ("queue: overdue-acknowledgements, {n}-case owner", "overdue-acknowledgements", HEAVY, None,
     True),
    ("queue: information-deadlines-passed, {n}-case owner", "information-deadlines-passed",
     HEAVY, None, False),
    ("queue: two-week-contact, {n}-case owner", "two-week-contact", HEAVY, None, False),
    ("queue: overdue-callbacks, {n}-case owner", "overdue-callbacks", HEAVY, None, False),
)  # fmt: skip


def _resolve(params: dict[str, Any], fx: Fixtures) -> dict[str, Any]:
    out = dict(params)
    if out.get("organisation_id") == "busy":
        out["organisation_id"] = fx.busy_org
    if out.get("organisation_id") == "rare":
        out["organisation_id"] = fx.rare_org
    if out.get("owner") == "owner":
        out["owner"] = fx.owner
    if "received" in out:
        start, end = out.pop("received")
        out["received_from"] = fx.today - timedelta(days=start)
        out["received_to"] = fx.today - timedelta(days=end)
    return out


def _list_path(params: dict[str, Any], cursor: str | None) -> str:
    query: list[tuple[str, str]] = []
    for key, value in params.items():
        for v in value if isinstance(value, list) else [value]:
            query.append((key, v.isoformat() if isinstance(v, date) else str(v)))
    query.append(("limit", str(CASE_LIMIT)))
    if cursor is not None:
        query.append(("cursor", cursor))
    return "/v1/cases?" + urlencode(query)


def queue_query(
    queue: str, fx: Fixtures, owner: str | None, after: Any, *, me: str | None = None
) -> Select[Any]:
    """The statement intake-api runs for ``queue`` (workqueues.repository's builders), for the
    caller ``me`` (default the typical caseworker)."""
    from intake_api.workqueues import repository as wq

    if queue == "my-open-cases":
        return wq.my_open_cases_query(owner=me or fx.owner, after=after, limit=QUEUE_FETCH)
    if queue == "overdue-acknowledgements":
        return wq.overdue_acknowledgements_query(
            today=fx.today, owner=owner, after=after, limit=QUEUE_FETCH
        )
    if queue == "information-deadlines-passed":
        return wq.information_deadlines_passed_query(
            today=fx.today, owner=owner, after=after, limit=QUEUE_FETCH
        )
    if queue == "two-week-contact":  # the route's default within_days=3
        return wq.two_week_contact_query(
            due_by=fx.today + timedelta(days=3), owner=owner, after=after, limit=QUEUE_FETCH
        )
    if queue == "overdue-callbacks":
        return wq.overdue_callbacks_query(now=fx.now, owner=owner, after=after, limit=QUEUE_FETCH)
    raise ValueError(queue)


# The keyset of each queue's rows, as workqueues.service builds its cursors.
QUEUE_KEYS = {
    "my-open-cases": ("sort_due", "received_date", "case_id"),
    "overdue-acknowledgements": ("due_date", "deadline_id"),
    "information-deadlines-passed": ("due_date", "deadline_id"),
    "two-week-contact": ("due_date", "deadline_id"),
    "overdue-callbacks": ("due_at", "deadline_id"),
}


async def _row_at(conn: asyncpg.Connection, stmt: Select[Any], fraction: float) -> Any:
    total = (await _fetch(conn, select(func.count()).select_from(stmt.limit(None).subquery())))[0][
        0
    ]
    if total < 2:
        return None
    rows = await _fetch(conn, stmt.limit(1).offset(int(total * fraction)))
    return rows[0] if rows else None


async def build_lines(url: str, fx: Fixtures, opts: Options, tokens: dict[str, str]) -> list[Line]:
    """Every line of the selected scenarios, with their requests, SQL and deep-page cursors."""
    from intake_api.cases.repository import case_list_query
    from intake_api.cases.schemas import CaseCreate
    from intake_api.cases.service import CASE_LIST

    lines: list[Line] = []
    main = tokens["caseworker"]
    if "get" in opts.scenarios:
        lines.append(Line(
            "get: one case by id", "get",
            Load("GET", tuple(f"/v1/cases/{i}" for i in fx.case_ids), main),
            Load("GET", tuple(f"/case/{i}" for i in fx.case_ids)),
            Bar(min_ratio=RATIO_BAR, max_p99_ms=P99_BAR_MS), opts.duration, quick=True,
        ))  # fmt: skip
    if "post" in opts.scenarios:
        body = post_body(CaseCreate, fx.today - timedelta(days=1))
        run = uuid.uuid4().hex[:8]
        lines.append(Line(
            "post: create a case", "post",
            Load("POST", ("/v1/cases",), main, body, f"bench-{run}-ours"),
            Load("POST", ("/case",), None, body, f"bench-{run}-base"),
            Bar(min_ratio=RATIO_BAR), opts.duration, quick=True,
        ))  # fmt: skip
    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        if "list" in opts.scenarios:
            for name, raw, deep, quick in LIST_LINES:
                if opts.quick and not quick:
                    continue
                params = _resolve(raw, fx)
                filters = _list_filters(params)
                after, cursor = None, None
                if deep is not None:
                    row = await _row_at(conn, case_list_query(filters, after=None, limit=0), deep)
                    if row is not None:
                        after = (row["received_date"], row["id"])
                        cursor = CASE_LIST.encode(after)  # as the service makes them
                stmt = case_list_query(filters, after=after, limit=CASE_FETCH)
                lines.append(_query_line(name, "list", _list_path(params, cursor), main, stmt,
                                         opts, quick))  # fmt: skip
        if "queues" in opts.scenarios:
            for raw_name, queue, whose, deep, quick in QUEUE_LINES:
                if (opts.quick and not quick) or (whose == HEAVY and fx.heavy_owner is None):
                    continue
                name = raw_name.format(n=f"{opts.owner_cases:,}")
                me = fx.heavy_owner if whose == HEAVY else fx.owner
                owner = None if whose == OFFICE or queue == "my-open-cases" else me
                token = main
                if queue == "my-open-cases":
                    token = tokens[HEAVY] if whose == HEAVY else tokens[OWNER]
                after, cursor = None, None
                if deep is not None:
                    row = await _row_at(conn, queue_query(queue, fx, owner, None, me=me), deep)
                    if row is not None:
                        after = tuple(row[k] for k in QUEUE_KEYS[queue])
                        cursor = encode_cursor([queue, *(_cursor_value(v) for v in after)])
                query: dict[str, str] = {"limit": str(QUEUE_LIMIT)}
                if owner:
                    query["owner"] = owner
                if cursor:
                    query["cursor"] = cursor
                path = f"/v1/work-queues/{queue}?{urlencode(query)}"
                stmt = queue_query(queue, fx, owner, after, me=me)
                lines.append(_query_line(name, "queue", path, token, stmt, opts, quick))
    finally:
        await conn.close()
    return lines


def _cursor_value(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _query_line(
    name: str, group: str, path: str, token: str, stmt: Select[Any], opts: Options, quick: bool
) -> Line:
    from intake_api.workqueues.repository import NO_SORT

    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return Line(
        name, group, Load("GET", (path,), token), Load("GET", (f"/query/{slug}",)),
        Bar(max_p95_ms=P95_BAR_MS), opts.list_duration, compile_query(stmt), quick,
        setup=(NO_SORT,) if group == "queue" else (),
    )  # fmt: skip


def post_body(create_schema: Any, received: date) -> str:
    """CaseCreate's OpenAPI example, received ``received``; validated against the schema."""
    example = dict(create_schema.model_config["json_schema_extra"]["examples"][0])
    example["received_date"] = received.isoformat()
    create_schema.model_validate(example)
    return json.dumps(example, separators=(",", ":"))


async def gather_fixtures(url: str, today: date, *, heavy: bool = False) -> Fixtures:
    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        ids = [
            r["id"] for r in await conn.fetch('SELECT id FROM "case" ORDER BY random() LIMIT 2000')
        ]
        orgs = await conn.fetch(
            "SELECT organisation_id, count(*) AS n FROM case_organisation "
            "WHERE role = 'original' GROUP BY organisation_id ORDER BY n DESC, organisation_id"
        )
        owners = await conn.fetch(
            'SELECT owner, count(*) AS n FROM "case" WHERE owner IS NOT NULL AND status IN '
            "('received', 'intake', 'awaiting_information', 'joint_working_review', "
            "'restart_review') AND owner <> $1 GROUP BY owner ORDER BY n DESC, owner",
            bench_seed.HEAVY_OWNER,
        )
    finally:
        await conn.close()
    if not ids or not orgs or not owners:
        raise BenchError("the seeded database has no cases, organisations or open cases")
    return Fixtures(
        case_ids=ids, busy_org=orgs[0]["organisation_id"], rare_org=orgs[-1]["organisation_id"],
        owner=owners[len(owners) // 2]["owner"], today=today, now=datetime.now(UTC),
        heavy_owner=bench_seed.HEAVY_OWNER if heavy else None,
    )  # fmt: skip


# --------------------------------------------------------------------------- processes


class Server(Child):
    """intake-api or the baseline under uvicorn, with the production options added."""

    app: str | None = None
    extra_args: Sequence[str] = ()

    def command(self) -> list[str]:
        if self.app is None:
            base = super().command()
        else:
            base = [
                sys.executable, "-m", "uvicorn", "--factory", self.app, "--host", "127.0.0.1",
                "--port", str(self.port), "--no-access-log", "--log-level", "warning",
            ]  # fmt: skip
        return [*base, *self.extra_args]


# One principal sends every request: the per-principal limit would otherwise answer 429.
RATE_LIMIT_OVERRIDES = {
    "INTAKE_RATE_LIMIT_PER_MINUTE": "1000000000",
    "INTAKE_RATE_LIMIT_BURST": "1000000000",
}


def start_intake(stack: Stack, url: str, opts: Options) -> Server:
    """intake-api under uvicorn as in production; not waited for (it starts while we prepare)."""
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    env = service_env("intake", url, keys_dir=stack.workdir / "keys", extra=RATE_LIMIT_OVERRIDES)
    ours = Server("intake", env, port=free_port(), log_path=stack.log_dir / "intake-api.log")
    ours.extra_args = uvicorn_options(opts.workers)
    say(f"Starting intake-api on port {ours.port} (uvicorn {' '.join(ours.extra_args)})")
    stack.children.append(ours.start())
    return ours


def baseline_pool() -> int:
    """As many connections as intake-api's pool may open (size plus overflow)."""
    defaults = BaseServiceSettings.model_fields
    return int(defaults["db_pool_size"].default) + int(defaults["db_max_overflow"].default)


def start_baseline(stack: Stack, url: str, opts: Options, queries: dict[str, Any]) -> Server:
    queries_file = stack.workdir / "baseline-queries.json"
    queries_file.write_text(json.dumps(queries))
    env = {
        "BENCH_BASELINE_DSN": plain_dsn(url),
        "BENCH_BASELINE_POOL": str(baseline_pool()),
        "BENCH_BASELINE_QUERIES": str(queries_file),
    }
    baseline = Server("baseline", env, port=free_port(), log_path=stack.log_dir / "baseline.log")
    baseline.app = BASELINE_APP
    baseline.extra_args = uvicorn_options(opts.workers)
    say(f"Starting the baseline on port {baseline.port} (the same uvicorn options)")
    stack.children.append(baseline.start())
    return baseline


def services_info(opts: Options) -> dict[str, Any]:
    defaults = BaseServiceSettings.model_fields
    return {
        "uvicorn_options": uvicorn_options(opts.workers), "workers": opts.workers,
        "baseline_pool": baseline_pool(),
        "intake_pool": {"size": defaults["db_pool_size"].default,
                        "max_overflow": defaults["db_max_overflow"].default},
        "env_overrides": RATE_LIMIT_OVERRIDES, "relay": "in-process (as under make run)",
    }  # fmt: skip


def mint_tokens(keys_dir: Path, owner: str, heavy_owner: str | None = None) -> dict[str, str]:
    def token(sub: str) -> str:
        return mint_dev_token(
            keys_dir=keys_dir, issuer=DEV_ISSUER, audience=DEV_TOKEN_AUDIENCES, sub=sub,
            roles=[Role.intake_caseworker.value], ttl_seconds=6 * 3600,
        )  # fmt: skip

    tokens = {"caseworker": token("bench-intake-caseworker"), OWNER: token(owner)}
    if heavy_owner is not None:
        tokens[HEAVY] = token(heavy_owner)
    return tokens


# --------------------------------------------------------------------------- measuring


async def _count_rows(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}") AS "{t}"' for t in WRITE_TABLES)
        row = await conn.fetchrow(sql)
    finally:
        await conn.close()
    return {t: int(row[t]) for t in WRITE_TABLES}


def rows_per_case(before: dict[str, int], after: dict[str, int]) -> dict[str, float]:
    """Rows written per case created, per table.

    Per case rather than per response: requests still in flight when wrk stops commit after
    it has counted, and would skew a per-response figure by up to one per connection.
    """
    cases = after["case"] - before["case"]
    return {t: round((after[t] - before[t]) / cases, 2) if cases else 0.0 for t in before}


@dataclass
class Measured:
    line: Line
    ours: WrkResult
    baseline: WrkResult | None
    cpu: dict[str, Any]
    rows_per_case: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def row(self) -> TableRow:
        return line_row(self.line.name, self.line.bar, self.ours, self.baseline)


def measure(
    stack: Stack,
    wrk: str,
    line: Line,
    ours: Server,
    baseline: Server | None,
    opts: Options,
    url: str,
) -> Measured:
    # GET and POST measure throughput; every other line the time to serve a page.
    connections = opts.connections if line.group in ("get", "post") else opts.list_connections

    def one(server: Server, load: Load) -> tuple[WrkResult, dict[str, float]]:
        # Every line warms up, list and queue lines of a quick run included: a query's first
        # seconds after seeding (cold plan cache, pages not yet in shared buffers) made their
        # tails (p95 112-635 ms over a p50 of 8 ms) a measure of the seed, not of the route.
        if opts.warmup:
            run_wrk(wrk, server.base_url, load, seconds=opts.warmup,
                    connections=connections, workdir=stack.workdir)  # fmt: skip
        before: dict[str, int] = {}
        if line.group == "post":
            time.sleep(0.5)  # the warm-up's last requests commit
            before = asyncio.run(_count_rows(url))
        result = run_wrk(wrk, server.base_url, load, seconds=line.seconds,
                         connections=connections, workdir=stack.workdir)  # fmt: skip
        written: dict[str, float] = {}
        if before:
            time.sleep(0.5)  # requests in flight when wrk stopped
            after = asyncio.run(_count_rows(url))
            written = rows_per_case(before, after)
        return result, written

    def metered(server: Server, load: Load) -> tuple[WrkResult, dict[str, float], dict[str, Any]]:
        meter = CpuMeter(stack)
        children_before = _children_cpu_s()
        meter.start()
        result, written = one(server, load)
        return result, written, with_wrk_cpu(meter.stop(), _children_cpu_s() - children_before)

    say(f"{line.name}: {line.service} {line.seconds} s")
    ours_result, ours_rows, cpu = metered(ours, line.ours)
    cpus = {line.service: cpu}
    base_result: WrkResult | None = None
    base_rows: dict[str, float] = {}
    if line.baseline is not None:
        if baseline is None:
            raise BenchError(f"{line.name}: a baseline load without a baseline server")
        say(f"{line.name}: baseline {line.seconds} s")
        base_result, base_rows, cpus["baseline"] = metered(baseline, line.baseline)
    m = Measured(line, ours_result, base_result, cpus)
    if ours_rows:
        m.rows_per_case = {line.service: ours_rows, "baseline": base_rows}
    for who, r in ((line.service, ours_result), ("baseline", base_result)):
        if r is not None and r.errors:
            say(
                f"  {who}: {r.errors:,} errors of {r.requests:,} requests (first non-2xx "
                f"status {r.first_non2xx_status or '-'}; socket errors {r.socket_errors})"
            )
    return m


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def with_wrk_cpu(cpu: dict[str, Any], wrk_s: float) -> dict[str, Any]:
    """Move wrk's CPU (a child that has exited, so /proc no longer shows it) out of "others"."""
    if not cpu:
        return cpu
    others = max(0.0, cpu["others_busy_cpus"] - wrk_s / max(cpu["elapsed_s"], 1e-9))
    return {**cpu, "wrk_cpu_s": round(wrk_s, 2), "others_busy_cpus": round(others, 2)}


async def explain(
    url: str, sql: str, args: list[list[Any]], setup: Sequence[str] = ()
) -> list[str]:
    from casework_dev.bench_baseline import decode_args

    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        async with conn.transaction():
            for statement in setup:
                await conn.execute(statement)
            rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *decode_args(args))
    finally:
        await conn.close()
    return [r[0] for r in rows]


async def postgres_facts(url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        facts: dict[str, Any] = {"version": await conn.fetchval("SHOW server_version")}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost",
                     "max_connections"):  # fmt: skip
            facts[name] = await conn.fetchval(f"SHOW {name}")
        facts["database_size"] = await conn.fetchval(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        )
    finally:
        await conn.close()
    return facts


# --------------------------------------------------------------------------- events


def events_rows(doc: dict[str, Any]) -> list[TableRow]:
    """The event backbone's headline figures as table rows."""
    head = doc["latency"]["headline"]
    backlog = doc["backlog"]
    full = backlog["events"] >= bench_events.FULL_BACKLOG
    lost = backlog["events"] - backlog["delivered"]
    errors = lost + backlog["parked"] + backlog["order_inversions"]
    eps = backlog["throughput_eps"]
    return [
        TableRow(
            "events: commit→consumer latency", p50=head["p50"], p95=head["p95"], p99=head["p99"],
            errors=0, bar=f"p99≤{bench_events.LATENCY_P99_BAR_MS:g}",
            verdict=verdict(head["p99"] <= bench_events.LATENCY_P99_BAR_MS, errors=0),
        ),
        TableRow(
            f"events: relay drain of {backlog['events']:,}", rps=eps, errors=errors,
            bar=f"≥{bench_events.THROUGHPUT_BAR:,.0f}/s, ≤{bench_events.DRAIN_BAR_S:g} s",
            verdict=verdict(
                eps >= bench_events.THROUGHPUT_BAR
                and backlog["drain_s"] <= bench_events.DRAIN_BAR_S,
                errors=errors, applies=full,
            ),
        ),
    ]  # fmt: skip


def run_events(opts: Options) -> dict[str, Any]:
    say("Events: make bench-events" + (" --quick" if opts.quick else ""))
    ev_opts = bench_events.parse_args(["--quick"] if opts.quick else [])
    ev_stack = Stack(Path(tempfile.mkdtemp(prefix="bench-events-")), keep_logs=opts.keep_logs)
    failed = True
    try:
        doc = bench_events.run(ev_stack, ev_opts)
        failed = False
        return doc
    except (RuntimeError, TimeoutError):
        ev_stack.tail_logs()
        raise
    finally:
        ev_stack.close(failed=failed)


# --------------------------------------------------------------------------- report


def print_plans(plans: Sequence[dict[str, Any]]) -> None:
    for p in plans:
        print()
        print(f"=== {p['scenario']}: EXPLAIN (ANALYZE, BUFFERS)")
        for statement in p.get("setup", ()):
            print(f"{statement};")
        print(p["sql"])
        if p["args"]:
            print("-- values: " + ", ".join(f"${i} = {v[1]!r}" for i, v in enumerate(p["args"], 1)))
        for line in p["plan"]:
            print(f"  {line}")
        if p["warnings"]:
            print("  !! " + "; ".join(p["warnings"]))


def write_json(doc: dict[str, Any]) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT_DIR / f"{stamp}.json"
    text = json.dumps(doc, indent=2, default=str) + "\n"
    path.write_text(text)
    (OUT_DIR / "latest.json").write_text(text)
    return path


def _compare_writes(measured: Sequence[Measured]) -> list[str]:
    notes = []
    for m in measured:
        ours = m.rows_per_case.get("intake-api", {})
        base = m.rows_per_case.get("baseline", {})
        if not ours or not base:
            continue
        differ = [t for t in ours if abs(ours[t] - base.get(t, 0.0)) > 0.05]
        summary = ", ".join(f"{t} {ours[t]:g}" for t in ours)
        say(f"Rows written per case created, intake-api: {summary}")
        if differ:
            notes.append(
                "The baseline's POST writes other rows than intake-api's: "
                + ", ".join(f"{t} {ours[t]:g} vs {base.get(t, 0.0):g}" for t in differ)
            )
    return notes


# --------------------------------------------------------------------------- main


def use_postgres(stack: Stack) -> None:
    """``DATABASE_URL``, else the private cluster kept in ``.data/bench/pg``."""
    url = os.environ.get("DATABASE_URL")
    if url:
        say("Using PostgreSQL from DATABASE_URL (the seeds are kept there as templates)")
        stack.server_url = url
    else:
        start_private_postgres(stack, PG_DIR, keep=True, settings=PG_SETTINGS)


def run_http(
    stack: Stack, opts: Options, wrk: str, today: date
) -> tuple[list[Measured], list[dict[str, Any]], dict[str, Any]]:
    """Scenarios 1-4 on ``stack``: the measured lines, the plans and what the run was on."""
    seed = ensure_seed(stack, opts.cases, today, opts.owner_cases)
    run_url = clone_seed(stack, seed["database"])
    load_or_create_dev_keypair(stack.workdir / "keys")  # before intake-api looks for it
    ours = start_intake(stack, run_url, opts)
    pg_facts = asyncio.run(postgres_facts(run_url))
    say(
        f"PostgreSQL {pg_facts['version']}, shared_buffers {pg_facts['shared_buffers']}, "
        f"database {pg_facts['database_size']}"
    )
    fx = asyncio.run(gather_fixtures(run_url, today, heavy=opts.owner_cases > 0))
    tokens = mint_tokens(stack.workdir / "keys", fx.owner, fx.heavy_owner)
    lines = asyncio.run(build_lines(run_url, fx, opts, tokens))
    queries = {
        load_slug(line): {"sql": line.query[0], "args": line.query[1], "setup": list(line.setup)}
        for line in lines
        if line.query is not None
    }
    baseline = start_baseline(stack, run_url, opts, queries)
    ours.wait_ready()
    baseline.wait_ready()
    roots = [s.proc.pid for s in (ours, baseline) if s.proc is not None]
    say(f"Services up; every worker started after {wait_until_idle(roots):.1f} s more")
    measured = [measure(stack, wrk, line, ours, baseline, opts, run_url) for line in lines]
    # The allocation lines that follow have the machine to themselves.
    for server in (ours, baseline):
        server.stop()
    plans = []
    for line in lines:
        if line.query is not None:
            plan = asyncio.run(explain(run_url, *line.query, line.setup))
            plans.append({
                "scenario": line.name, "sql": line.query[0], "args": line.query[1], "plan": plan,
                "setup": list(line.setup),
                "execution_ms": execution_ms(plan), "warnings": plan_warnings(plan),
            })  # fmt: skip
    context = {
        "postgres": {
            **pg_facts,
            "source": "DATABASE_URL" if stack.pg is None else "pgserver in .data/bench/pg",
        },
        "seed": seed,
        "services": services_info(opts),
        "fixtures": {"owner": fx.owner, "heavy_owner": fx.heavy_owner,
                     "heavy_owner_open_cases": opts.owner_cases if fx.heavy_owner else 0,
                     "busy_organisation": str(fx.busy_org),
                     "rare_organisation": str(fx.rare_org), "get_ids": len(fx.case_ids)},
    }  # fmt: skip
    return measured, plans, context


# --------------------------------------------------------------------------- allocation (#12)

ALLOCATION_LIMIT = 50  # GET /v1/allocation-queue default page
# name, request ("queue" or "next"), filters or who asks, deep page fraction, in the quick subset
ALLOCATION_LINES: tuple[tuple[str, str, Any, float | None, bool], ...] = (
    ("allocation queue: first page", "queue", {}, None, True),
    ("allocation queue: deep page", "queue", {}, 0.5, True),
    ("allocation queue: complex & significant", "queue",
     {"triage_category": "complex & significant"}, None, False),
    ("allocation queue: parliamentary, deep page", "queue", {"jurisdiction": "parliamentary"},
     0.5, False),
    ("allocation queue: complex & significant, parliamentary", "queue",
     {"triage_category": "complex & significant", "jurisdiction": "parliamentary"}, None, False),
    ("allocation queue: complex & significant, parliamentary, deep page", "queue",
     {"triage_category": "complex & significant", "jurisdiction": "parliamentary"}, 0.5, False),
    ("next case for me: caseworker", "next", bench_allocation.CASEWORKER, None, True),
    ("next case for me: senior caseworker", "next", bench_allocation.SENIOR, None, False),
)  # fmt: skip
ALLOCATION_ROLES = {
    bench_allocation.CASEWORKER: Role.caseworker,
    bench_allocation.SENIOR: Role.senior_caseworker,
}
ALLOCATION_ENV = {
    "ASSESSMENT_RATE_LIMIT_PER_MINUTE": "1000000000",
    "ASSESSMENT_RATE_LIMIT_BURST": "1000000000",
}


@dataclass
class AllocationLine:
    """A line of the table and what it was measured on: the statements the request runs."""

    line: Line
    statements: list[bench_allocation.Statement]
    answer: dict[str, Any] = field(default_factory=dict)  # what the capture's call returned
    asker: str | None = None  # "next case for me": who asks


async def _seed_allocation(urls: dict[str, str], cases: int, today: date) -> dict[str, int]:
    started = time.monotonic()

    def progress(done: int) -> None:
        quarter = max(cases // 4, 1)
        if done == cases or done // quarter != (done - bench_allocation.BATCH) // quarter:
            say(f"  {done:,} / {cases:,} waiting cases ({time.monotonic() - started:.0f} s)")

    counts = await bench_allocation.load(
        plain_dsn(urls["assessment"]), plain_dsn(urls["compliance"]), cases=cases, today=today,
        now=datetime.now(UTC), progress=progress,
    )  # fmt: skip
    for url in urls.values():
        conn = await asyncpg.connect(plain_dsn(url), timeout=10)
        try:
            await conn.execute("SET maintenance_work_mem = '256MB'")
            await conn.execute("VACUUM (ANALYZE)")
        finally:
            await conn.close()
    return counts


def ensure_allocation_seed(stack: Stack, cases: int, today: date) -> dict[str, Any]:
    """The seeded assessment and compliance template databases; returns their marker."""
    prefix = f"bench_seed_alloc_{cases}"
    names = {s: f"{prefix}_{s}" for s in bench_allocation.SERVICES}
    wanted = bench_allocation.seed_marker(cases)
    found = [asyncio.run(_read_marker(stack.server_url, n)) for n in names.values()]
    if all(f is not None and seed_is_current(f, wanted, today) for f in found):
        assert found[0] is not None
        say(f"Reusing the seeded databases {prefix}_* (seeded on {found[0]['seeded_on']})")
        return {**found[0], "databases": names, "reused": True}
    say(f"Seeding {prefix}_assessment and _compliance: {cases:,} waiting cases")
    started = time.monotonic()
    asyncio.run(_admin(stack.server_url, *(
        f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names.values()
    )))  # fmt: skip
    prepare_databases(stack.server_url, prefix, bench_allocation.SERVICES)
    # Loaded as the server's user, as the intake seed is.
    urls = {s: with_database(stack.server_url, n) for s, n in names.items()}
    counts = asyncio.run(_seed_allocation(urls, cases, today))
    marker = {**wanted, "seeded_on": today.isoformat(), "rows": counts}
    comment = json.dumps(marker).replace("'", "''")
    asyncio.run(_admin(stack.server_url, *(
        f"COMMENT ON DATABASE \"{n}\" IS '{comment}'" for n in names.values()
    )))  # fmt: skip
    seconds = round(time.monotonic() - started, 1)
    say(f"Seeded in {seconds:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return {**marker, "databases": names, "reused": False, "seed_s": seconds}


def start_allocation_services(
    stack: Stack, urls: dict[str, str], opts: Options
) -> tuple[Server, Server]:
    """compliance-api (the ratings allocation reads) and assessment-api, as in production."""
    keys = stack.workdir / "keys"
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    compliance = Server(
        "compliance", service_env("compliance", urls["compliance"], keys_dir=keys, subscribers={}),
        port=free_port(), log_path=stack.log_dir / "compliance-api.log",
    )  # fmt: skip
    # One worker: at one connection it answers one rating question at a time.
    compliance.extra_args = uvicorn_options(1)
    env = service_env(
        "assessment", urls["assessment"], keys_dir=keys, subscribers={},
        extra={**ALLOCATION_ENV, "ASSESSMENT_COMPLIANCE_URL": compliance.base_url},
    )  # fmt: skip
    assessment = Server(
        "assessment", env, port=free_port(), log_path=stack.log_dir / "assessment-api.log"
    )
    assessment.extra_args = uvicorn_options(opts.workers)
    say(
        f"Starting assessment-api on port {assessment.port} (uvicorn "
        f"{' '.join(assessment.extra_args)}) and compliance-api on port {compliance.port}"
    )
    stack.children += [compliance.start(), assessment.start()]
    return assessment, compliance


class HttpRatings(RiskRatings):
    """compliance-api's answer to allocation's rating question (CMP-114), asked as assessment-api
    asks it, for the capture of "next case for me" (a client of its own, outside an app)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token

    async def current(self, case_id: uuid.UUID) -> CurrentRiskRating:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=10) as client:
            response = await client.get(
                f"/internal/risk/cases/{case_id}/rating",
                headers={"Authorization": f"Bearer {self.token}"},
            )
        if response.status_code != 200:
            raise BenchError(f"compliance-api answered {response.status_code} for a rating")
        return CurrentRiskRating.model_validate_json(response.content)


async def _deep_cursor(url: str, filters: dict[str, Any], fraction: float) -> str | None:
    """The cursor of a page ``fraction`` of the way down the filtered queue, as the service
    encodes it: the repository's order key of the entry there."""
    from assessment_api.allocations import repository, service
    from assessment_api.allocations.models import EntryStatus, QueueEntry

    where = [QueueEntry.status == EntryStatus.queued.value]
    where += [getattr(QueueEntry, k) == v for k, v in filters.items()]

    async def find(session: Any) -> Any:
        total = (await session.execute(select(func.count()).where(*where))).scalar_one()
        stmt = select(*repository.ORDER).where(*where).order_by(*repository.ORDER)
        return (await session.execute(stmt.offset(int(total * fraction)).limit(1))).first()

    row, _ = await bench_allocation.capture(url, find)
    return None if row is None else service.QUEUE.encode(tuple(row))


async def build_allocation_lines(
    url: str, compliance_url: str, opts: Options, tokens: dict[str, str]
) -> list[AllocationLine]:
    """The allocation lines with their requests and the statements each request runs, captured
    from assessment-api's own service calls with the same arguments as the route's."""
    from assessment_api.allocations import allocation, service
    from assessment_api.config import AssessmentSettings
    from shared.auth import Principal

    complex_teams = AssessmentSettings.model_fields["complex_teams"].default
    ratings = HttpRatings(compliance_url, tokens["service"])
    out: list[AllocationLine] = []
    for name, kind, arg, deep, quick in ALLOCATION_LINES:
        if opts.quick and not quick:
            continue
        if kind == "queue":
            filters: dict[str, Any] = dict(arg)
            cursor = None if deep is None else await _deep_cursor(url, filters, deep)
            query = {**filters, "limit": str(ALLOCATION_LIMIT)}
            if cursor is not None:
                query["cursor"] = cursor
            path = "/v1/allocation-queue?" + urlencode(query)
            token = tokens[bench_allocation.CASEWORKER]

            async def read(
                session: Any, f: dict[str, Any] = filters, c: str | None = cursor
            ) -> Any:
                return await service.read_queue(
                    session, limit=ALLOCATION_LIMIT, cursor=c,
                    jurisdiction=f.get("jurisdiction"), triage_category=f.get("triage_category"),
                )  # fmt: skip

            page, statements = await bench_allocation.capture(url, read)
            answer: dict[str, Any] = {
                "items": len(page.items),
                "next_cursor": page.next_cursor is not None,
            }
        else:
            path, token = "/v1/allocation-queue/next", tokens[arg]
            actor = Principal(sub=arg, roles=frozenset({ALLOCATION_ROLES[arg].value}))

            async def next_for(session: Any, a: Principal = actor) -> Any:
                return await allocation.next_case(
                    session, actor=a, ratings=ratings, complex_teams=complex_teams,
                )  # fmt: skip

            found, statements = await bench_allocation.capture(url, next_for)
            answer = {
                "entry_id": str(found.entry.id), "skipped_high_risk": found.skipped_high_risk,
                "terminal_illness": found.entry.terminal_illness,
                "triage_category": found.entry.triage_category,
            }  # fmt: skip
        line = Line(
            name, "allocation", Load("GET", (path,), token), None, Bar(max_p95_ms=P95_BAR_MS),
            opts.list_duration, quick=quick, service="assessment-api",
        )  # fmt: skip
        out.append(AllocationLine(line, statements, answer, None if kind == "queue" else arg))
    return out


def _check_answer(server: Server, line: AllocationLine) -> None:
    """One request before the load: the route answers 200, "next" the entry the capture found."""
    load = line.line.ours
    assert load.token is not None
    response = httpx.get(
        server.base_url + load.paths[0], headers={"Authorization": f"Bearer {load.token}"},
        timeout=30,
    )  # fmt: skip
    if response.status_code != 200:
        raise BenchError(
            f"{line.line.name}: assessment-api answered {response.status_code}: "
            f"{response.text[:300]}"
        )
    entry_id = line.answer.get("entry_id")
    if entry_id is not None and response.json()["entry"]["id"] != entry_id:
        raise BenchError(f"{line.line.name}: the route and the captured call disagree")


def run_allocation(
    stack: Stack, opts: Options, wrk: str, today: date
) -> tuple[list[Measured], list[dict[str, Any]], dict[str, Any]]:
    """Scenario ``allocation``: assessment-api's allocation queue over ``opts.queue_cases``
    waiting cases (issue #12)."""
    seed = ensure_allocation_seed(stack, opts.queue_cases, today)
    urls = {s: clone_seed(stack, db, s, "WAL_LOG") for s, db in seed["databases"].items()}
    keys = stack.workdir / "keys"
    load_or_create_dev_keypair(keys)
    assessment, compliance = start_allocation_services(stack, urls, opts)
    tokens = {
        sub: mint_dev_token(
            keys_dir=keys, issuer=DEV_ISSUER, audience=DEV_TOKEN_AUDIENCES, sub=sub,
            roles=[role.value], ttl_seconds=6 * 3600,
        )
        for sub, role in (*ALLOCATION_ROLES.items(), ("assessment-api", Role.service))
    }  # fmt: skip
    tokens["service"] = tokens.pop("assessment-api")
    compliance.wait_ready()
    assessment.wait_ready()
    roots = [s.proc.pid for s in (assessment, compliance) if s.proc is not None]
    say(f"Services up; every worker started after {wait_until_idle(roots):.1f} s more")
    lines = asyncio.run(build_allocation_lines(urls["assessment"], compliance.base_url, opts,
                                               tokens))  # fmt: skip
    for line in lines:
        _check_answer(assessment, line)
    # Untimed, every worker: a line measured on one connection meets one worker, and its first
    # requests on a cold one (the ORM's compile caches, the first rating client) are start-up.
    # Eight connections per worker, so that each worker accepts some.
    say(f"Warming assessment-api's {opts.workers} worker(s) on every allocation line")
    by_token: dict[str, list[str]] = {}
    for line in lines:
        assert line.line.ours.token is not None
        by_token.setdefault(line.line.ours.token, []).extend(line.line.ours.paths)
    for token, paths in by_token.items():
        run_wrk(wrk, assessment.base_url, Load("GET", tuple(paths), token), seconds=1,
                connections=8 * opts.workers, workdir=stack.workdir)  # fmt: skip
    measured = [
        measure(stack, wrk, line.line, assessment, None, opts, urls["assessment"]) for line in lines
    ]
    plans = []
    for line in lines:
        for i, st in enumerate(line.statements, 1):
            args = [_plan_arg(v) for v in st.values]
            plan = asyncio.run(explain_values(urls["assessment"], st.sql, st.values))
            plans.append({
                "scenario": f"{line.line.name} [statement {i} of {len(line.statements)}]",
                "sql": st.sql, "args": args, "plan": plan, "setup": [],
                "execution_ms": execution_ms(plan), "warnings": plan_warnings(plan),
            })  # fmt: skip
    for line in lines:
        if line.asker is not None:
            # CMP-114: only a caseworker's candidates need their rating read.
            senior = ALLOCATION_ROLES[line.asker] is Role.senior_caseworker
            asked = 0 if senior else line.answer["skipped_high_risk"] + 1
            say(
                f"{line.line.name}: {line.answer['skipped_high_risk']} high-risk case(s) "
                f"skipped; compliance-api asked {asked} time(s) per request"
            )
    context = {
        "seed": seed,
        "fixtures": {"caseworker": bench_allocation.CASEWORKER,
                     "senior_caseworker": bench_allocation.SENIOR,
                     "answers": {line.line.name: line.answer for line in lines}},
        "services": {"uvicorn_options": uvicorn_options(opts.workers),
                     "env_overrides": ALLOCATION_ENV,
                     "peer": "compliance-api (ratings, CMP-114), one uvicorn worker"},
    }  # fmt: skip
    return measured, plans, context


def _plan_arg(value: Any) -> list[Any]:
    try:
        return _arg(value)
    except TypeError:
        return [type(value).__name__, repr(value)]


async def explain_values(url: str, sql: str, values: Sequence[Any]) -> list[str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of a captured statement with its own values."""
    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        async with conn.transaction():
            rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *values)
    finally:
        await conn.close()
    return [r[0] for r in rows]


def report(
    opts: Options,
    rows: Sequence[TableRow],
    measured: Sequence[Measured],
    plans: Sequence[dict[str, Any]],
    wrk_version: str,
) -> list[str]:
    """Print the table, the plans and the warnings; returns the notes for the JSON."""
    notes = _compare_writes(measured)
    print()
    title = "make bench-quick (verdicts informational)" if opts.quick else "make bench"
    print(
        f"{title}: {opts.cases:,} cases, {opts.queue_cases:,} waiting for allocation; wrk "
        f"connections: {opts.connections} for GET/POST, {opts.list_connections} for list, "
        "queue and allocation lines (the time to serve a page); "
        f"{opts.workers} worker(s), {wrk_version.split(' [')[0]}"
    )
    print(format_table(rows, quick=opts.quick))
    print_plans(plans)
    print()
    for note in notes:
        say(f"Note: {note}")
    busiest = max(
        (c.get("others_busy_cpus", 0.0) for m in measured for c in m.cpu.values()), default=0.0
    )
    if busiest > 0.25 * (os.cpu_count() or 1):
        say(
            f"Warning: other processes kept up to {busiest:.1f} of {os.cpu_count()} CPUs busy "
            "during the run; absolute figures are pessimistic, ratios less so."
        )
    bad = [p["scenario"] for p in plans if p["warnings"]]
    if bad:
        say("Plans worth a look (seq scans, big sorts, wasted reads): " + "; ".join(bad))
    return notes


def run(stack: Stack, opts: Options) -> int:
    facts = machine_facts()
    say(
        f"Machine: {facts['nproc']} CPUs ({facts['cpu_model'] or 'unknown'}), "
        f"{facts['memory_gib']} GiB, load average {facts['loadavg_at_start']}"
    )
    wrk = ensure_wrk()
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    today = datetime.now(BUSINESS_TIMEZONE).date()
    measured: list[Measured] = []
    plans: list[dict[str, Any]] = []
    context: dict[str, Any] = {}
    if any(s != "events" for s in opts.scenarios):
        use_postgres(stack)
        if INTAKE_SCENARIOS.intersection(opts.scenarios):
            measured, plans, context = run_http(stack, opts, wrk, today)
        if "allocation" in opts.scenarios:
            more, more_plans, context["allocation"] = run_allocation(stack, opts, wrk, today)
            measured += more
            plans += more_plans
        # The API stack goes before the event benchmark starts its own.
        stack.close(failed=False)
    events_doc = run_events(opts) if "events" in opts.scenarios else None
    rows = [m.row for m in measured]
    if events_doc is not None:
        rows += events_rows(events_doc)
    notes = report(opts, rows, measured, plans, wrk_version)
    doc = {
        "benchmark": "api",
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": opts.quick,
        "options": asdict(opts),
        "machine": {**facts, "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
                    "wrk": wrk_version},
        **context,
        "table": [r.as_json() for r in rows],
        "lines": [
            {
                "scenario": m.line.name, "group": m.line.group,
                "request": {"method": m.line.ours.method, "path": m.line.ours.paths[0],
                            "paths": len(m.line.ours.paths)},
                "bar": m.line.bar.describe(), "service": m.line.service,
                "ours": m.ours.as_json(),
                "baseline": m.baseline.as_json() if m.baseline else None,
                "ratio": ratio_of(m.ours, m.baseline), "cpu": m.cpu,
                "rows_per_case": m.rows_per_case or None,
            }
            for m in measured
        ],
        "plans": plans,
        "notes": notes,
        "events": events_doc,
    }  # fmt: skip
    path = write_json(doc)
    say(f"Results written to {path.relative_to(ROOT)} and .data/bench/latest.json")
    errors = [r.scenario for r in rows if r.verdict is Verdict.errors]
    if errors:
        print(f"ERROR: requests failed in: {', '.join(errors)}", file=sys.stderr)
        return 1
    return 0


def load_slug(line: Line) -> str:
    assert line.baseline is not None
    return line.baseline.paths[0].removeprefix("/query/")


@contextlib.contextmanager
def single_run() -> Iterator[None]:
    """One ``make bench`` at a time: the private cluster and the seed are shared."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BenchError("another make bench is running on this checkout") from None
        yield


def main(argv: list[str] | None = None) -> None:
    opts = parse_args(argv)

    def on_sigterm(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    stack = Stack(Path(tempfile.mkdtemp(prefix="bench-")), keep_logs=opts.keep_logs)
    failed = True
    code = 0
    started = time.monotonic()
    try:
        with single_run():
            code = run(stack, opts)
        failed = False
    except KeyboardInterrupt:
        print(flush=True)
        say("Interrupted")
        failed = opts.keep_logs
        code = 130
    except (RuntimeError, TimeoutError, OSError, asyncpg.PostgresError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        stack.tail_logs()
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.close(failed=failed)
    say(f"Done in {math.ceil(time.monotonic() - started)} s")
    raise SystemExit(code)


if __name__ == "__main__":
    main()

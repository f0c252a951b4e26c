"""``make bench-events``: the event backbone against its quality bars (DESIGN §2, §7).

A benchmark, not a test: it reports figures from one run and compares them with the bars.

1. Starts PostgreSQL (a private pgserver cluster in a temporary directory, or ``DATABASE_URL``
   with uniquely named databases that are dropped afterwards), creates and migrates an intake and
   an assessment database, and starts assessment-api and intake-api under uvicorn (no reload,
   log level warning) with intake's in-process relay off, plus a standalone relay
   (``python -m intake_api.relay``) delivering to assessment-api: the wiring of the crash tests.
2. **Commit-to-consumer latency** on an idle system: N single-event transactions, each for a
   fresh case, with a random 5–20 ms pause between them. The clock starts when the producer's
   COMMIT returns and stops when the consumer's transaction (inbox row plus effect) committed.
   The stop time is the commit timestamp PostgreSQL records (``track_commit_timestamp``, which
   the private cluster turns on); ``inbox_event.processed_at`` is ``now()``, the *start* of the
   consumer's transaction, so it misses the insert, the handler and the commit, and is only the
   fallback (reported too, for comparison). Both ends read the same clock only when PostgreSQL
   runs on this machine, as the private cluster does.
3. **Backlog drain**: with the relay stopped, bulk-inserts a backlog (default 100,000 events over
   10,000 cases, sequences 1..k per case, valid ``intake.case.referred`` v1 payloads; the fan-out
   trigger writes the delivery rows), starts the relay and times until no delivery is pending
   and the consumer holds every inbox row. Checks nothing is parked and order per case held.
4. Prints a table and writes the same figures to ``bench-results/events-<timestamp>.json``.

Ctrl-C, SIGTERM and errors stop every process the run started, stop PostgreSQL (or drop the
databases) and remove the temporary files. Even after a SIGKILL nothing is left running: the
children die with this process (``PR_SET_PDEATHSIG``) and a small watcher stops the private
cluster (only ``DATABASE_URL`` databases would then be left behind).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import platform
import random
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from casework_dev.benchkit import (
    BenchError,
    Child,
    CpuMeter,
    Stack,
    check_alive,
    describe_cpu,
    say,
    server_version,
    start_postgres,
    summary_ms,
)
from casework_dev.layout import ROOT
from casework_dev.procs import free_port, prepare_databases, service_env
from shared.db import Database, create_engine, with_database
from shared.events.contracts.intake import CaseReferredV1
from shared.outbox.emit import emit
from shared.outbox.runtime import plain_dsn

RESULTS_DIR = ROOT / "bench-results"
# intake.case.referred has two handlers at assessment (the queue and the case record): the
# figures follow one, so that each event counts once.
ONE_HANDLER = "handler = 'allocations.queue_referred_case'"

SUBSCRIBER = "assessment-api"
EVENT_TYPE = "intake.case.referred"

LATENCY_P99_BAR_MS = 50.0
DRAIN_BAR_S = 60.0
THROUGHPUT_BAR = 3000.0
FULL_BACKLOG = 100_000  # the size DESIGN §7's drain bars are stated for


@dataclass(frozen=True)
class Options:
    latency_events: int
    backlog: int
    cases: int
    warmup: int
    pause_ms: tuple[float, float]
    drain_timeout_s: float
    quick: bool
    keep_logs: bool


def parse_args(argv: list[str] | None = None) -> Options:
    p = argparse.ArgumentParser(
        prog="python -m casework_dev.bench_events",
        description="Benchmark the event backbone: commit-to-consumer latency and backlog drain.",
    )
    p.add_argument("--latency-events", type=int, help="single-event commits to time (500)")
    p.add_argument("--backlog", type=int, help="events in the backlog to drain (100000)")
    p.add_argument("--cases", type=int, default=10_000, help="cases the backlog spreads over")
    p.add_argument("--warmup", type=int, default=20, help="untimed events before timing")
    p.add_argument("--pause-ms", type=float, nargs=2, default=(5.0, 20.0), metavar=("MIN", "MAX"))
    p.add_argument("--drain-timeout", type=float, default=600.0, help="give up after (s)")
    p.add_argument(
        "--quick", action="store_true", help="smoke sizes: 100 latency events, 5000 backlog"
    )
    p.add_argument("--keep-logs", action="store_true", help="keep the service logs")
    a = p.parse_args(argv)
    latency = a.latency_events if a.latency_events is not None else (100 if a.quick else 500)
    backlog = a.backlog if a.backlog is not None else (5_000 if a.quick else 100_000)
    if latency < 1 or backlog < 1 or a.cases < 1 or a.warmup < 0:
        p.error("sizes must be positive")
    lo, hi = a.pause_ms
    if not 0 <= lo <= hi:
        p.error("--pause-ms needs 0 <= MIN <= MAX")
    return Options(
        latency_events=latency,
        backlog=backlog,
        cases=min(a.cases, backlog),
        warmup=a.warmup,
        pause_ms=(lo, hi),
        drain_timeout_s=a.drain_timeout,
        quick=a.quick,
        keep_logs=a.keep_logs,
    )


# --------------------------------------------------------------------------- processes


def start_services(stack: Stack) -> None:
    prefix = f"bench_{uuid.uuid4().hex[:8]}"
    say(f"Creating and migrating {prefix}_intake and {prefix}_assessment")
    stack.databases = [f"{prefix}_intake", f"{prefix}_assessment"]
    stack.urls = prepare_databases(stack.server_url, prefix, ("intake", "assessment"))
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    keys = stack.workdir / "keys"
    a_port, i_port = free_port(), free_port()
    stack.relay_metrics_port = free_port()
    subscribers = {
        SUBSCRIBER: {
            "url": f"http://127.0.0.1:{a_port}/internal/events",
            "audience": SUBSCRIBER,
            "event_types": [EVENT_TYPE],
        }
    }
    intake_env = service_env(
        "intake", stack.urls["intake"], keys_dir=keys, subscribers=subscribers,
        extra={"INTAKE_RELAY_IN_PROCESS": "false"},
    )  # fmt: skip
    assessment_env = service_env("assessment", stack.urls["assessment"], keys_dir=keys)
    relay_env = service_env(
        "intake", stack.urls["intake"], keys_dir=keys, subscribers=subscribers,
        extra={"INTAKE_RELAY_METRICS_PORT": str(stack.relay_metrics_port)},
    )  # fmt: skip
    assessment = Child("assessment", assessment_env, port=a_port)
    assessment.log_path = stack.log_dir / "assessment-api.log"
    intake = Child("intake", intake_env, port=i_port, log_path=stack.log_dir / "intake-api.log")
    stack.relay = Child("intake", relay_env, kind="relay", log_path=stack.log_dir / "relay.log")
    say(f"Starting assessment-api on port {a_port} and intake-api on port {i_port} (uvicorn)")
    stack.children += [assessment.start(), intake.start()]
    assessment.wait_ready()
    intake.wait_ready()  # its lifespan synced the subscriptions the fan-out trigger reads
    start_relay(stack)


def start_relay(stack: Stack) -> float:
    """Start the standalone relay; returns the wall-clock time just before it was started."""
    assert stack.relay is not None
    say("Starting the standalone relay (python -m intake_api.relay)")
    if stack.relay not in stack.children:
        stack.children.append(stack.relay)
    started = time.time()
    stack.relay.start()
    return started


def wait_relay_leader(stack: Stack, timeout: float = 60) -> None:
    assert stack.relay is not None
    url = f"http://127.0.0.1:{stack.relay_metrics_port}/metrics"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not stack.relay.alive:
            raise BenchError("the relay exited while starting")
        with contextlib.suppress(httpx.HTTPError):
            for line in httpx.get(url, timeout=1).text.splitlines():
                if line.startswith("outbox_relay_leader ") and float(line.split()[1]) == 1.0:
                    return
        time.sleep(0.05)
    raise BenchError(f"the relay did not become active in {timeout:g} s")


def stop_relay(stack: Stack) -> None:
    assert stack.relay is not None
    say("Stopping the relay")
    stack.relay.stop()
    stack.children.remove(stack.relay)


# --------------------------------------------------------------------------- measurements


def referred_payload(case_id: uuid.UUID) -> CaseReferredV1:
    return CaseReferredV1(
        reference=f"BENCH-{str(case_id)[:8]}",
        case_type="complaint",
        jurisdiction="health",
        route="awaiting_allocation",
        triage_category="general",
        priority="standard",
        organisation_ids=[],
        received_date=date(2026, 11, 2),
    )


async def _wait_for(
    check: Callable[[], Awaitable[bool]], *, within: float, what: str, every: float = 0.05
) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {within:g} s waiting for {what}")
        await asyncio.sleep(every)


async def _produce_singles(
    db: Database, n: int, pause_ms: tuple[float, float]
) -> list[tuple[uuid.UUID, float]]:
    """``n`` transactions of one event for a fresh case; (event id, wall time after COMMIT)."""
    out: list[tuple[uuid.UUID, float]] = []
    for _ in range(n):
        case_id = uuid.uuid4()
        async with db.sessionmaker() as session:
            async with session.begin():
                env = await emit(
                    session, referred_payload(case_id), case_id=case_id, actor="bench-events"
                )
            out.append((env.id, time.time()))
        await asyncio.sleep(random.uniform(*pause_ms) / 1000)
    return out


async def measure_latency(stack: Stack, opts: Options) -> dict[str, Any]:
    engine = create_engine(stack.urls["intake"], application_name="bench-producer", pool_size=2)
    db = Database.from_engine(engine)
    consumer = await asyncpg.connect(plain_dsn(stack.urls["assessment"]), timeout=10)
    try:

        def delivered(ids: list[uuid.UUID]) -> Callable[[], Awaitable[bool]]:
            async def check() -> bool:
                check_alive(stack)
                n = await consumer.fetchval(
                    "SELECT count(*) FROM inbox_event "
                    f"WHERE event_id = ANY($1::uuid[]) AND {ONE_HANDLER}",
                    ids,
                )
                return bool(n == len(ids))

            return check

        if opts.warmup:
            say(f"Warm-up: {opts.warmup} untimed events")
            warm = await _produce_singles(db, opts.warmup, opts.pause_ms)
            await _wait_for(delivered([e for e, _ in warm]), within=60, what="warm-up")
            await asyncio.sleep(1.0)  # idle again
        lo, hi = opts.pause_ms
        say(
            f"Latency: committing {opts.latency_events} single-event transactions "
            f"(a fresh case each, {lo:g}–{hi:g} ms apart)"
        )
        meter = CpuMeter(stack)
        meter.start()
        made = await _produce_singles(db, opts.latency_events, opts.pause_ms)
        ids = [e for e, _ in made]
        await _wait_for(delivered(ids), within=120, what="the latency events")
        cpu = meter.stop()
        say(describe_cpu(cpu))
        commit_ts = (
            "pg_xact_commit_timestamp(xmin)" if stack.commit_timestamps else "NULL::timestamptz"
        )
        rows = await consumer.fetch(
            f"SELECT event_id, processed_at, {commit_ts} AS committed_at FROM inbox_event "
            f"WHERE event_id = ANY($1::uuid[]) AND {ONE_HANDLER}",
            ids,
        )
    finally:
        await consumer.close()
        await engine.dispose()
    by_id = {r["event_id"]: r for r in rows}
    start = [(by_id[e], t) for e, t in made]
    started_tx = [max(0.0, r["processed_at"].timestamp() - t) for r, t in start]
    result: dict[str, Any] = {
        "events": len(made),
        "warmup_events": opts.warmup,
        "pause_ms": list(opts.pause_ms),
        "consumer_tx_start": summary_ms(started_tx),
        "cpu": cpu,
    }
    if stack.commit_timestamps and all(r["committed_at"] is not None for r, _ in start):
        committed = [max(0.0, r["committed_at"].timestamp() - t) for r, t in start]
        result["consumer_commit"] = summary_ms(committed)
        result["measured_to"] = "consumer commit (pg_xact_commit_timestamp of the inbox row)"
        result["headline"] = result["consumer_commit"]
    else:
        say(
            "Note: track_commit_timestamp is off on this server, so latency runs to the start of "
            "the consumer's transaction (inbox_event.processed_at), a few ms short of its commit"
        )
        result["measured_to"] = "consumer transaction start (inbox_event.processed_at = now())"
        result["headline"] = result["consumer_tx_start"]
    return result


async def _count(conn: asyncpg.Connection, sql: str, *args: Any) -> int:
    return int(await conn.fetchval(sql, *args))


def backlog_rounds(total: int, cases: int) -> Iterator[tuple[int, int]]:
    """(sequence, number of cases that get that sequence): case i gets sequences 1..k_i."""
    sequence = 1
    remaining = total
    while remaining > 0:
        n = min(cases, remaining)
        yield sequence, n
        remaining -= n
        sequence += 1


_BACKLOG_ROUND = """
INSERT INTO outbox_event (id, type, version, occurred_at, source, case_id, sequence,
                          correlation_id, actor, payload)
SELECT gen_random_uuid(), $1, 1, now(), 'intake-api', md5($2 || i::text)::uuid, $3, NULL,
       'bench-events',
       jsonb_build_object(
           'reference', 'BENCH-' || i::text, 'case_type', 'complaint',
           'jurisdiction', 'health', 'route', 'awaiting_allocation',
           'triage_category', 'general', 'priority', 'standard',
           'organisation_ids', '[]'::jsonb, 'received_date', '2026-11-02')
FROM generate_series(0, $4 - 1) AS i
ORDER BY i
"""
_BACKLOG_STREAMS = """
INSERT INTO outbox_case_stream (case_id, last_sequence)
SELECT md5($1 || i::text)::uuid, $2 + CASE WHEN i < $3 THEN 1 ELSE 0 END
FROM generate_series(0, $4 - 1) AS i
"""


async def build_backlog(stack: Stack, opts: Options, tag: str) -> dict[str, Any]:
    say(
        f"Backlog: inserting {opts.backlog:,} events over {opts.cases:,} cases in bulk "
        "(the fan-out trigger writes the delivery rows)"
    )
    t0 = time.monotonic()
    # As the server's user, not the service's runtime role: ANALYZE is for owners.
    admin = with_database(stack.server_url, stack.databases[0])
    conn = await asyncpg.connect(plain_dsn(admin), timeout=10)
    try:
        async with conn.transaction():
            for sequence, n in backlog_rounds(opts.backlog, opts.cases):
                await conn.execute(_BACKLOG_ROUND, EVENT_TYPE, tag, sequence, n)
            full, extra = divmod(opts.backlog, opts.cases)
            await conn.execute(_BACKLOG_STREAMS, tag, full, extra, opts.cases)
        # What autovacuum would have done while a real backlog built up.
        await conn.execute("ANALYZE outbox_event, outbox_delivery, outbox_case_stream")
        pending = await _count(
            conn, "SELECT count(*) FROM outbox_delivery WHERE status = 'pending'"
        )
    finally:
        await conn.close()
    if pending != opts.backlog:
        raise BenchError(f"expected {opts.backlog} pending deliveries, found {pending}")
    seconds = time.monotonic() - t0
    say(f"Backlog ready: {pending:,} pending deliveries ({seconds:.1f} s)")
    return {"events": opts.backlog, "cases": opts.cases, "setup_s": round(seconds, 2)}


async def drain_backlog(stack: Stack, opts: Options, tag: str) -> dict[str, Any]:
    producer = await asyncpg.connect(plain_dsn(stack.urls["intake"]), timeout=10)
    consumer = await asyncpg.connect(plain_dsn(stack.urls["assessment"]), timeout=10)
    try:
        baseline = await _count(consumer, f"SELECT count(*) FROM inbox_event WHERE {ONE_HANDLER}")
        meter = CpuMeter(stack)
        meter.start()
        # Not in a worker thread: PR_SET_PDEATHSIG fires when the *thread* that forked exits.
        started = start_relay(stack)
        say("Draining the backlog…")
        last_report = time.monotonic()
        # Cheap to ask often (the relay's own partial index); counting the consumer's inbox
        # rows ten times a second would cost the database more than the figure is worth.
        while await producer.fetchval(
            "SELECT EXISTS (SELECT 1 FROM outbox_delivery "
            "WHERE subscriber = $1 AND status = 'pending')",
            SUBSCRIBER,
        ):
            check_alive(stack)
            if time.time() - started > opts.drain_timeout_s:
                raise BenchError(f"backlog not drained in {opts.drain_timeout_s:g} s")
            if time.monotonic() - last_report >= 5:
                last_report = time.monotonic()
                inbox = (
                    await _count(consumer, f"SELECT count(*) FROM inbox_event WHERE {ONE_HANDLER}")
                    - baseline
                )
                say(f"  {inbox:,} / {opts.backlog:,} delivered after {time.time() - started:.0f} s")
            await asyncio.sleep(0.1)
        finished = time.time()
        cpu = meter.stop()
        parked = await _count(
            producer, "SELECT count(*) FROM outbox_delivery WHERE status = 'parked'"
        )
        cases = backlog_case_ids(tag, opts.cases)
        last_ts = "pg_xact_commit_timestamp(xmin)" if stack.commit_timestamps else "processed_at"
        span = await consumer.fetchrow(
            f"SELECT count(*) AS n, min(processed_at) AS first, max({last_ts}) AS last "
            f"FROM inbox_event WHERE case_id = ANY($1::uuid[]) AND {ONE_HANDLER}",
            cases,
        )
        # Order per case: within each case, inbox positions follow the sequences.
        inversions = await _count(
            consumer,
            f"""
            SELECT count(*) FROM (
                SELECT sequence,
                       lag(sequence) OVER (PARTITION BY case_id ORDER BY position) AS prev
                FROM inbox_event WHERE case_id = ANY($1::uuid[]) AND {ONE_HANDLER}
            ) s WHERE sequence <= prev
            """,
            cases,
        )
    finally:
        await producer.close()
        await consumer.close()
    say(describe_cpu(cpu))
    drain_s = finished - started
    first, last = span["first"].timestamp(), span["last"].timestamp()
    return {
        "drain_s": round(drain_s, 2),
        "throughput_eps": round(opts.backlog / drain_s, 1),
        "relay_start_to_first_delivery_s": round(first - started, 2),
        "first_to_last_delivery_s": round(last - first, 2),
        "steady_throughput_eps": round(opts.backlog / (last - first), 1) if last > first else None,
        "delivered": int(span["n"]),
        "parked": parked,
        "order_inversions": inversions,
        "cpu": cpu,
    }


def backlog_case_ids(tag: str, cases: int) -> list[uuid.UUID]:
    """The case ids ``md5(tag || i)::uuid`` that :data:`_BACKLOG_ROUND` gives, in Python."""
    return [uuid.UUID(hashlib.md5(f"{tag}{i}".encode()).hexdigest()) for i in range(cases)]


async def wait_no_pending(stack: Stack, within: float = 60) -> None:
    conn = await asyncpg.connect(plain_dsn(stack.urls["intake"]), timeout=10)
    try:

        async def idle() -> bool:
            return not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM outbox_delivery)")

        await _wait_for(idle, within=within, what="the relay to delete the delivered rows")
    finally:
        await conn.close()


@dataclass(frozen=True)
class Row:
    metric: str
    value: float | int | None
    unit: str
    bar: str = ""
    ok: bool | None = None  # None: informational
    applies: bool = True  # False: the bar assumes another size of run

    @property
    def verdict(self) -> str:
        if self.ok is None:
            return ""
        if not self.applies:
            return "n/a"
        return "PASS" if self.ok else "FAIL"

    def as_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric, "value": self.value, "unit": self.unit,
            "bar": self.bar or None, "result": self.verdict or None,
        }  # fmt: skip


def rows_of(latency: dict[str, Any], backlog: dict[str, Any], opts: Options) -> list[Row]:
    head = latency["headline"]
    rows = [
        Row("commit→consumer latency p50", head["p50"], "ms"),
        Row("commit→consumer latency p95", head["p95"], "ms"),
        Row(
            "commit→consumer latency p99",
            head["p99"],
            "ms",
            f"≤ {LATENCY_P99_BAR_MS:g}",
            head["p99"] <= LATENCY_P99_BAR_MS,
        ),
        Row("commit→consumer latency max", head["max"], "ms"),
    ]
    if head is not latency["consumer_tx_start"]:
        rows.append(Row("  p99 to consumer tx start", latency["consumer_tx_start"]["p99"], "ms"))
    rows.append(Row("  other processes' load, latency", _others(latency), "CPUs"))
    drain, eps = backlog["drain_s"], backlog["throughput_eps"]
    lost = opts.backlog - backlog["delivered"]
    full = opts.backlog >= FULL_BACKLOG
    rows += [
        Row(f"backlog drain ({opts.backlog:,} events)", drain, "s", f"≤ {DRAIN_BAR_S:g}",
            drain <= DRAIN_BAR_S, full),
        Row("relay throughput (events / drain)", eps, "events/s", f"≥ {THROUGHPUT_BAR:,.0f}",
            eps >= THROUGHPUT_BAR, full),
        Row("  relay start → first delivery", backlog["relay_start_to_first_delivery_s"], "s"),
        Row("  first → last delivery rate", backlog["steady_throughput_eps"], "events/s"),
        Row("  other processes' load, drain", _others(backlog), "CPUs"),
        Row("events lost", lost, "events", "= 0", lost == 0),
        Row("events parked", backlog["parked"], "events", "= 0", backlog["parked"] == 0),
        Row("order-per-case inversions", backlog["order_inversions"], "", "= 0",
            backlog["order_inversions"] == 0),
    ]  # fmt: skip
    return rows


def _others(phase: dict[str, Any]) -> float | None:
    cpu: dict[str, Any] = phase.get("cpu") or {}
    others = cpu.get("others_busy_cpus")
    return float(others) if others is not None else None


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.2f}"


def print_table(rows: list[Row]) -> None:
    width = max(len(r.metric) for r in rows)
    print()
    print(f"{'metric':<{width}}  {'value':>12}  {'unit':<9} {'bar':<9} result")
    print("-" * (width + 45))
    for r in rows:
        print(f"{r.metric:<{width}}  {_fmt(r.value):>12}  {r.unit:<9} {r.bar:<9} {r.verdict}")
    print()


def _tuning_env() -> dict[str, str]:
    keys = ("_RELAY_", "_DB_POOL", "_DB_MAX", "_RATE_LIMIT")
    return {
        k: v
        for k, v in sorted(os.environ.items())
        if k.startswith(("INTAKE_", "ASSESSMENT_")) and any(s in k for s in keys)
    }


def write_json(
    rows: list[Row], latency: dict[str, Any], backlog: dict[str, Any], context: dict[str, Any]
) -> tuple[Path, dict[str, Any]]:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"events-{stamp}.json"
    doc = {
        "benchmark": "events",
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        **context,
        "metrics": [r.as_json() for r in rows],
        "latency": latency,
        "backlog": backlog,
        "passed": all(r.ok is not False for r in rows if r.applies),
    }
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path, doc


# --------------------------------------------------------------------------- main


def run(stack: Stack, opts: Options) -> dict[str, Any]:
    """The whole benchmark on ``stack``; returns the document it also writes as JSON."""
    load_before = os.getloadavg()
    start_postgres(stack)
    start_services(stack)
    wait_relay_leader(stack)
    latency = asyncio.run(measure_latency(stack, opts))
    asyncio.run(wait_no_pending(stack))
    stop_relay(stack)
    tag = f"bench-{uuid.uuid4().hex[:8]}-"
    backlog = asyncio.run(build_backlog(stack, opts, tag))
    backlog.update(asyncio.run(drain_backlog(stack, opts, tag)))
    rows = rows_of(latency, backlog, opts)
    print_table(rows)
    if opts.backlog < FULL_BACKLOG:
        say(
            f"Note: the drain bars assume a backlog of {FULL_BACKLOG:,} (n/a here): with "
            f"{opts.backlog:,} events the relay's start-up (about 2 s) dominates its throughput"
        )
    busiest = max(_others(latency) or 0.0, _others(backlog) or 0.0)
    if busiest > 0.25 * (os.cpu_count() or 1):
        say(
            f"Warning: other processes kept up to {busiest:.1f} of {os.cpu_count()} CPUs busy "
            "during the run; the figures are pessimistic. Run again on a quieter machine."
        )
    from shared.config import BaseServiceSettings

    defaults = BaseServiceSettings.model_fields
    context = {
        "options": {
            "latency_events": opts.latency_events, "backlog": opts.backlog,
            "cases": opts.cases, "warmup": opts.warmup, "pause_ms": list(opts.pause_ms),
            "quick": opts.quick,
        },
        "host": {
            "cpus": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(),
            "postgres": asyncio.run(server_version(stack.server_url)),
            "postgres_source": "DATABASE_URL" if stack.pg is None else "private pgserver",
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        },
        "relay": {
            "batch_size_default": defaults["relay_batch_size"].default,
            "poll_interval_s_default": defaults["relay_poll_interval_s"].default,
            "env_overrides": _tuning_env(),
        },
    }  # fmt: skip
    path, doc = write_json(rows, latency, backlog, context)
    say(f"Results written to {path.relative_to(ROOT)}")
    return {**doc, "path": str(path.relative_to(ROOT))}


def main(argv: list[str] | None = None) -> None:
    opts = parse_args(argv)

    def on_sigterm(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    stack = Stack(Path(tempfile.mkdtemp(prefix="bench-events-")), keep_logs=opts.keep_logs)
    failed = True
    code = 0
    try:
        run(stack, opts)
        failed = False
    except KeyboardInterrupt:
        print(flush=True)
        say("Interrupted")
        failed = opts.keep_logs  # nothing to look into
        code = 130
    except (RuntimeError, TimeoutError) as exc:  # BenchError, or a service that did not start
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        stack.tail_logs()
        code = 1
    finally:
        # A second Ctrl-C must not leave processes behind half-way through the cleanup.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        say("Stopping the services and cleaning up")
        stack.close(failed=failed)
    raise SystemExit(code)


if __name__ == "__main__":
    main()

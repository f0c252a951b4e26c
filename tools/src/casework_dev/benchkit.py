"""What the benchmarks share: processes that die with the run, PostgreSQL, CPU accounting.

Used by ``make bench-events`` (:mod:`casework_dev.bench_events`) and ``make bench``
(:mod:`casework_dev.bench`). Every process a run starts is recorded on a :class:`Stack`, so that
:meth:`Stack.close` undoes it, and dies with the run even after a SIGKILL (``PR_SET_PDEATHSIG``
for the children, a small watcher for the private PostgreSQL cluster).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import math
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from casework_dev.layout import ROOT
from casework_dev.procs import PrivatePostgres, ServiceProcess
from shared.outbox.runtime import plain_dsn


def say(msg: str) -> None:
    print(f"==> {msg}", flush=True)


class BenchError(RuntimeError):
    """The run could not produce its figures (a process died, a wait timed out)."""


# --------------------------------------------------------------------------- processes


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: SIGTERM when we die, even by SIGKILL
    except OSError:
        pass


class Child(ServiceProcess):
    """A :class:`ServiceProcess` in its own session that dies with the benchmark."""

    def start(self) -> Child:
        env = {**os.environ, **self.env}
        with contextlib.ExitStack() as stack:
            out: Any = subprocess.DEVNULL
            if self.log_path is not None:
                out = stack.enter_context(open(self.log_path, "ab"))
            self.proc = subprocess.Popen(
                self.command(), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                start_new_session=True, preexec_fn=_die_with_parent,
            )  # fmt: skip
        return self


@dataclass
class Stack:
    """Everything the run started, so that :meth:`close` can undo it."""

    workdir: Path
    keep_logs: bool
    pg: PrivatePostgres | None = None
    pg_kept: bool = False  # a cluster whose data outlives the run: drop our databases in it
    server_url: str = ""
    databases: list[str] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    children: list[Child] = field(default_factory=list)
    relay: Child | None = None
    relay_metrics_port: int = 0
    commit_timestamps: bool = False
    reaper: subprocess.Popen[bytes] | None = None
    closed: bool = False

    @property
    def log_dir(self) -> Path:
        return self.workdir / "logs"

    def close(self, *, failed: bool) -> None:
        if self.closed:
            return
        self.closed = True
        for child in reversed(self.children):  # relay first, then the APIs
            child.stop()
        if self.databases and (self.pg is None or self.pg_kept):
            say(f"Dropping the benchmark databases: {', '.join(self.databases)}")
            try:
                asyncio.run(_drop_databases(self.server_url, self.databases))
            except (OSError, asyncpg.PostgresError) as exc:
                say(f"Could not drop them: {exc}")
        if self.pg is not None:
            say("Stopping the private PostgreSQL cluster")
            # pgserver complains that it cannot stop the server pg_ctl has just stopped.
            logging.getLogger("pgserver").setLevel(logging.CRITICAL + 1)
            with contextlib.suppress(Exception):
                self.pg.stop_server()  # pg_ctl: also right after our restart of it
            self.pg.cleanup()
        if self.reaper is not None and self.reaper.stdin is not None:
            with contextlib.suppress(OSError):
                self.reaper.stdin.write(b"done\n")
                self.reaper.stdin.close()
            self.reaper.wait(10)
        if failed or self.keep_logs:
            say(f"Service logs are in {self.log_dir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def tail_logs(self, lines: int = 30) -> None:
        for log in sorted(self.log_dir.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            if text:
                print(f"---- {log.name} (last {len(text)} lines)", file=sys.stderr)
                print("\n".join(text), file=sys.stderr)


async def _drop_databases(server_url: str, names: list[str]) -> None:
    conn = await asyncpg.connect(plain_dsn(server_url), timeout=10)
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


# pgserver's postmaster is a daemon, out of reach of PR_SET_PDEATHSIG. If the benchmark dies
# without cleaning up (SIGKILL), this watcher sees its stdin close, stops the cluster (fast
# shutdown) and removes the temporary directory.
_REAPER = """
import os, shutil, signal, sys, time
if sys.stdin.readline().strip() != "done":
    try:
        with open(os.path.join(sys.argv[1], "postmaster.pid")) as f:
            pid = int(f.readline())
        os.kill(pid, signal.SIGINT)
        for _ in range(300):
            os.kill(pid, 0)
            time.sleep(0.1)
    except (OSError, ValueError):
        pass
    shutil.rmtree(sys.argv[2], ignore_errors=True)
"""


class KeptPostgres(PrivatePostgres):
    """A private cluster whose data outlives the run: stopped at the end, never deleted."""

    def start(self) -> str:
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

        self.data_dir.mkdir(parents=True, exist_ok=True)
        get_server = pgserver.get_server  # type: ignore[attr-defined]
        self._server = get_server(self.data_dir, cleanup_mode="stop")
        self.url = str(self._server.get_uri())
        return self.url


def start_private_postgres(
    stack: Stack, data_dir: Path, *, keep: bool = False, settings: dict[str, str] | None = None
) -> None:
    """Start a private cluster in ``data_dir`` (kept after the run if ``keep``) with ``settings``.

    Settings that need a restart are applied with ``ALTER SYSTEM`` and one restart, only when
    one of them differs from what the cluster already runs with.
    """
    say(f"Starting a private PostgreSQL cluster in {data_dir}")
    stack.pg = KeptPostgres(data_dir) if keep else PrivatePostgres(data_dir)
    stack.pg_kept = keep
    stack.server_url = stack.pg.start()
    stack.reaper = subprocess.Popen(
        [sys.executable, "-c", _REAPER, str(stack.pg.data_dir), str(stack.workdir)],
        stdin=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    if settings and asyncio.run(_alter_system(stack.server_url, settings)):
        stack.pg.stop_server()
        stack.pg.start_server()


async def _alter_system(url: str, settings: dict[str, str]) -> bool:
    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        changed = False
        for name, value in settings.items():
            if await conn.fetchval(f"SHOW {name}") != value:
                await conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
                changed = True
        return changed
    finally:
        await conn.close()


def start_postgres(stack: Stack) -> None:
    """``DATABASE_URL``, else a throwaway private cluster with commit timestamps on."""
    url = os.environ.get("DATABASE_URL")
    if url:
        say("Using PostgreSQL from DATABASE_URL (uniquely named databases, dropped afterwards)")
        stack.server_url = url
        stack.commit_timestamps = asyncio.run(_commit_timestamps_on(url))
        return
    # Consumer commit times for the latency figure; needs a restart to take effect.
    start_private_postgres(stack, stack.workdir / "pg", settings={"track_commit_timestamp": "on"})
    stack.commit_timestamps = asyncio.run(_commit_timestamps_on(stack.server_url))


async def _commit_timestamps_on(url: str) -> bool:
    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        return bool(await conn.fetchval("SHOW track_commit_timestamp") == "on")
    finally:
        await conn.close()


def check_alive(stack: Stack) -> None:
    for child in stack.children:
        if not child.alive:
            raise BenchError(f"{child.service}-{child.kind} exited unexpectedly")


# --------------------------------------------------------------------------- CPU accounting

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_table() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds used so far), from /proc (Linux)."""
    table: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        table[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK)
    return table


def _busy_cpu_s() -> float:
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / _TICK  # all but idle and iowait


def tree_cpu_s(root: int) -> float:
    """CPU seconds used so far by ``root`` and its descendants (Linux; 0 without /proc)."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            total += table[pid][1]
            todo.extend(children.get(pid, []))
    return total


def wait_until_idle(
    roots: list[int], *, busy_below: float = 0.1, interval: float = 1.0, timeout: float = 60
) -> float:
    """Wait until the process trees under ``roots`` use less than ``busy_below`` of a CPU over
    ``interval`` (a service's workers have all started: readiness answers from the first one
    while the others are still importing). Returns the seconds waited."""
    started = time.monotonic()
    before = sum(tree_cpu_s(r) for r in roots)
    while time.monotonic() - started < timeout:
        time.sleep(interval)
        now = sum(tree_cpu_s(r) for r in roots)
        if now - before < busy_below * interval:
            break
        before = now
    return time.monotonic() - started


class CpuMeter:
    """CPU seconds used by our processes (per group) and by everything else on the machine.

    The figures of a benchmark on a shared machine mean little without knowing how much CPU
    other processes took meanwhile.
    """

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.available = Path("/proc/stat").exists()
        self._t0 = 0.0
        self._busy0 = 0.0
        self._ours0: dict[int, float] = {}

    def _groups(self, table: dict[int, tuple[int, float]]) -> dict[int, str]:
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        roots = {os.getpid(): "bench"}
        for child in self.stack.children:
            if child.proc is not None:
                roots[child.proc.pid] = f"{child.service}-{child.kind}"
        if self.stack.pg is not None:
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid_file = self.stack.pg.data_dir / "postmaster.pid"
                roots[int(pid_file.read_text().split()[0])] = "postgres"
        groups: dict[int, str] = {}
        for root, name in roots.items():
            todo = [root]
            while todo:
                pid = todo.pop()
                if pid in table and groups.get(pid) in (None, "bench"):
                    groups[pid] = name
                    todo.extend(children.get(pid, []))
        return groups

    def start(self) -> None:
        if not self.available:
            return
        table = _proc_table()
        self._ours0 = {pid: table[pid][1] for pid in self._groups(table)}
        self._t0 = time.monotonic()
        self._busy0 = _busy_cpu_s()

    def stop(self) -> dict[str, Any]:
        if not self.available:
            return {}
        elapsed = time.monotonic() - self._t0
        busy = _busy_cpu_s() - self._busy0
        table = _proc_table()
        used: dict[str, float] = {}
        for pid, name in self._groups(table).items():
            used[name] = used.get(name, 0.0) + table[pid][1] - self._ours0.get(pid, 0.0)
        ours = sum(used.values())
        cpus = os.cpu_count() or 1
        return {
            "elapsed_s": round(elapsed, 2),
            "cpus": cpus,
            "ours_cpu_s": {k: round(v, 2) for k, v in sorted(used.items())},
            "machine_busy_cpus": round(busy / elapsed, 2),
            "others_busy_cpus": round(max(0.0, busy - ours) / elapsed, 2),
            "postgres_counted_as_other": self.stack.pg is None,
        }


def describe_cpu(cpu: dict[str, Any]) -> str:
    if not cpu:
        return "CPU use unknown (no /proc)"
    ours = ", ".join(f"{k} {v:.1f}" for k, v in cpu["ours_cpu_s"].items())
    note = " (PostgreSQL from DATABASE_URL included)" if cpu["postgres_counted_as_other"] else ""
    return (
        f"CPU seconds: {ours}; other processes{note} kept {cpu['others_busy_cpus']:.2f} of "
        f"{cpu['cpus']} CPUs busy"
    )


# --------------------------------------------------------------------------- figures


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation): a value that was actually observed."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {
        "count": len(ms),
        "min": round(min(ms), 2),
        "mean": round(sum(ms) / len(ms), 2),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "p99": round(percentile(ms, 99), 2),
        "max": round(max(ms), 2),
    }


async def server_version(url: str) -> str:
    conn = await asyncpg.connect(plain_dsn(url), timeout=10)
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()

"""The embedded PostgreSQL of ``make run`` after a SIGKILL (issue #14): pgserver keeps a list of
the processes holding the server and stops it when the last one lets go; a killed run left its
pid on that list, so no later run ever stopped the server. Each run now prunes dead pids first.

Real processes on a cluster of their own in a temporary directory (never ``.data/pg``): this
runs in the serial part of the suite (marker ``slow``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from casework_dev.pg import HANDLE_LIST, prune_dead_handles

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

# A stand-in for `make run`'s hold on the server: the same EmbeddedServer, started, then stopped
# on Ctrl-C (SIGINT) as run.main does.
RUN = """
import signal, sys
from pathlib import Path
from casework_dev.pg import EmbeddedServer

embedded = EmbeddedServer(Path(sys.argv[1]))
def stop(*_):
    raise KeyboardInterrupt
signal.signal(signal.SIGINT, stop)
try:
    print(embedded.start(), flush=True)
    signal.pause()
except KeyboardInterrupt:
    pass
finally:
    embedded.stop()
"""


def _postmaster_alive(pgdata: Path) -> bool:
    pidfile = pgdata / "postmaster.pid"
    if not pidfile.exists():
        return False
    pid = int(pidfile.read_text().splitlines()[0])
    return Path(f"/proc/{pid}").exists()


def _start_run(pgdata: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, str(pgdata)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline()
    assert url.startswith("postgresql://"), f"the run did not start PostgreSQL: {url!r}"
    return proc


def _ctrl_c(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0


@pytest.fixture
def pgdata() -> Iterator[Path]:
    # Not under pytest's temp folder: pgserver runs PostgreSQL as its own user when we are root,
    # and that user must be able to enter the directory.
    root = Path(tempfile.mkdtemp(prefix="embedded-pg-"))
    data = root / "pg"
    try:
        yield data
    finally:
        if _postmaster_alive(data):
            from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

            user = "pgserver" if os.geteuid() == 0 else None  # as pgserver runs it
            pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=data, user=user, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def test_after_a_sigkill_the_next_two_runs_each_stop_the_server_on_ctrl_c(pgdata: Path) -> None:
    crashed = _start_run(pgdata)
    crashed.send_signal(signal.SIGKILL)
    crashed.wait()
    # The kill leaves the server up and the dead run on pgserver's list.
    assert _postmaster_alive(pgdata)
    assert json.loads((pgdata / HANDLE_LIST).read_text()) == [crashed.pid]

    for _ in range(2):
        run = _start_run(pgdata)
        assert json.loads((pgdata / HANDLE_LIST).read_text()) == [run.pid]
        _ctrl_c(run)
        assert not _postmaster_alive(pgdata), "Ctrl-C left the embedded PostgreSQL running"


def test_a_live_holder_stays_on_the_list_and_a_reused_pid_does_not(tmp_path: Path) -> None:
    handles = tmp_path / HANDLE_LIST
    gone = subprocess.Popen(["true"])
    gone.wait()
    # This process started before the list was written: it may hold a handle.
    handles.write_text(json.dumps([gone.pid, 1]))  # pid 1: alive, started long ago
    time.sleep(1.1)  # /proc's start times are in clock ticks; a clear second apart
    # A process started after the list was last written cannot be on it: its pid is a reused one.
    newer = subprocess.Popen(["sleep", "30"])
    try:
        listed = json.loads(handles.read_text())
        handles.write_text(json.dumps([*listed, newer.pid]))
        # Back-date the list's last write to before the newer process started.
        written = time.time() - 3
        os.utime(handles, (written, written))
        pruned = prune_dead_handles(tmp_path)
    finally:
        newer.kill()
        newer.wait()
    assert gone.pid in pruned
    assert newer.pid in pruned
    assert 1 not in pruned
    assert json.loads(handles.read_text()) == [1]

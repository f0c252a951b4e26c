"""`make run` as a user meets it: real processes, real ports, Ctrl-C, a second run, stale state.

The runner is started as ``python -m casework_dev.run`` (what ``make run`` executes after
installing) against the test server, on ports 18101–18104 so it never meets a developer's own
``make run``.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.testing.plugin import drop_database, server_url

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BASE_PORT = 18101
PORTS = range(BASE_PORT, BASE_PORT + 4)
PIDFILE = ROOT / ".data" / f"run-{BASE_PORT}.pid"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = server_url()
    env["CASEWORK_BASE_PORT"] = str(BASE_PORT)
    env["CASEWORK_DB_PREFIX"] = "e2e_run"
    env["ENV"] = "development"
    return env


def _start() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "casework_dev.run"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_line(proc: subprocess.Popen[str], needle: str, timeout: float = 90) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} not seen; output:\n{''.join(lines)}")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline and "pytest" not in cmdline:
            found.append(int(entry.name))
    return found


def _token(*roles: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "casework_dev.mint_token", *[f"--role={r}" for r in roles]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def _refer_a_case_and_see_it_queued() -> None:
    """The README's walk-through, then the first event crossing services under `make run`."""
    import asyncio
    from datetime import date

    from casework_dev.intake_steps import Api
    from casework_dev.walkthrough import health_case_to_hand_off

    intake = f"http://127.0.0.1:{BASE_PORT}"
    assessment = f"http://127.0.0.1:{BASE_PORT + 1}"

    async def hand_off() -> dict[str, object]:
        async with httpx.AsyncClient(base_url=intake, timeout=10) as http:
            api = Api(http, {"Authorization": f"Bearer {_token('intake_caseworker')}"})
            return await health_case_to_hand_off(api, received_date=date.today().isoformat())

    case = asyncio.run(hand_off())
    reader = {"Authorization": f"Bearer {_token('caseworker')}"}
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        queue = httpx.get(f"{assessment}/v1/allocation-queue?limit=100", headers=reader).json()
        if any(item["case_id"] == case["id"] for item in queue["items"]):
            return
        time.sleep(0.2)
    raise AssertionError("the referred case never reached assessment's allocation queue")


@pytest.fixture
def runner() -> Iterator[subprocess.Popen[str]]:
    # A fresh start: an earlier run's databases may hold another schema history (make run keeps
    # its data between runs; this test is about starting and stopping, not about upgrades).
    for service in ("intake", "assessment", "investigation", "compliance"):
        asyncio.run(drop_database(f"e2e_run_{service}"))
    proc = _start()
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in _processes_mentioning("casework_dev.run"):
            os.kill(pid, signal.SIGKILL)
        # Children get SIGTERM from the kernel when the runner dies; give them time to exit.
        deadline = time.monotonic() + 15
        while not all(_port_free(p) for p in PORTS) and time.monotonic() < deadline:
            time.sleep(0.2)


def test_make_run_starts_all_four_and_ctrl_c_stops_everything(
    runner: subprocess.Popen[str],
) -> None:
    lines = _wait_for_line(runner, "Press Ctrl-C")
    text = "".join(lines)
    for step in (
        "Using PostgreSQL from DATABASE_URL",
        "Migrating intake-api",
        "Starting compliance-api",
    ):
        assert step in text
    for port in PORTS:
        assert f"http://127.0.0.1:{port}/docs" in text
        r = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=5)
        assert r.status_code == 200
        assert r.json()["status"] == "pass"
    assert "make -s token ROLE=intake_caseworker" in text
    # The banner is one block after the services' start-up lines, each of which names its
    # service (issue #14).
    assert "{" not in text[text.index("All services are ready") :], "a log line in the banner"
    for line in lines:
        if line.startswith("{"):
            assert json.loads(line)["service"].endswith("-api"), line
    _refer_a_case_and_see_it_queued()

    # A second run while the first is alive says clearly what is wrong.
    second = subprocess.run(
        [sys.executable, "-m", "casework_dev.run"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert "already running" in second.stderr

    runner.send_signal(signal.SIGINT)
    assert runner.wait(timeout=30) == 0
    assert all(_port_free(p) for p in PORTS), "a service outlived Ctrl-C"
    assert not [p for port in PORTS for p in _processes_mentioning(f"--port {port}")]
    assert not PIDFILE.exists()


def test_stale_pid_file_is_cleared_and_a_taken_port_is_named() -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    PIDFILE.parent.mkdir(parents=True, exist_ok=True)
    PIDFILE.write_text(str(dead.pid))
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", BASE_PORT + 2))
        blocker.listen()
        result = subprocess.run(
            [sys.executable, "-m", "casework_dev.run"],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert "stale pid file" in result.stdout
    assert result.returncode == 1
    assert f"{BASE_PORT + 2} (investigation-api)" in result.stderr
    assert not PIDFILE.exists()

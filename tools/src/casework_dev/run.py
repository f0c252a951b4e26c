"""``make run``: PostgreSQL, databases, migrations, then the four services until Ctrl-C.

Every child is in its own session and is also told by the kernel to die with us
(``PR_SET_PDEATHSIG``), so neither Ctrl-C nor a crash of this process leaves services behind.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
from alembic import command

from casework_dev import procs
from casework_dev.layout import BASE_PORT, KEYS_DIR, PORTS, ROOT, SERVICES
from casework_dev.pg import (
    EmbeddedServer,
    ServiceDatabase,
    ensure_service_databases,
    server_url,
)
from shared.alembic_env import alembic_config

PIDFILE = ROOT / ".data" / f"run-{BASE_PORT}.pid"
READY_TIMEOUT_S = 60.0


# Our lines and the services' (copied by ServiceOutput's threads) never interleave mid-line.
_OUTPUT_LOCK = threading.Lock()


def say(msg: str) -> None:
    with _OUTPUT_LOCK:
        print(f"==> {msg}", flush=True)


def fail(msg: str) -> None:
    with _OUTPUT_LOCK:
        print(f"ERROR: {msg}", file=sys.stderr, flush=True)
    raise SystemExit(1)


class ServiceOutput:
    """Copies each service's output (its JSON log lines) to ours, a line at a time, and knows
    when the last one came: the banner waits for the services' start-up lines to end, so that
    it is the last thing on the screen rather than buried among them."""

    def __init__(self, out: IO[bytes] | None = None) -> None:
        self._out = out
        self._last = time.monotonic()
        self._threads: list[threading.Thread] = []

    def follow(self, stream: IO[bytes]) -> None:
        thread = threading.Thread(target=self._copy, args=(stream,), daemon=True)
        thread.start()
        self._threads.append(thread)

    def _copy(self, stream: IO[bytes]) -> None:
        out = self._out or sys.stdout.buffer
        for line in iter(stream.readline, b""):
            with _OUTPUT_LOCK:
                out.write(line)
                out.flush()
                self._last = time.monotonic()

    def wait_quiet(self, quiet_s: float = 0.5, limit_s: float = 5.0) -> None:
        """Return once no service has written for ``quiet_s`` (at most after ``limit_s``)."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if time.monotonic() - self._last >= quiet_s:
                return
            time.sleep(0.05)

    def banner(self, lines: list[str]) -> None:
        """Print ``lines`` as one block: no service line can come between them."""
        out = self._out or sys.stdout.buffer
        with _OUTPUT_LOCK:
            out.write(("\n".join(lines) + "\n").encode())
            out.flush()


def ready_banner(ports: dict[str, int]) -> list[str]:
    """What a newcomer needs once everything is up: the docs URLs, a token, a first request."""
    rule = "=" * 72
    return [
        "",
        rule,
        "==> All services are ready. API docs:",
        *(
            f"    {service + '-api':<18} http://127.0.0.1:{port}/docs"
            for service, port in ports.items()
        ),
        "==> Get a token: TOKEN=$(make -s token ROLE=intake_caseworker)",
        '==> Then: curl -H "Authorization: Bearer $TOKEN" '
        f"http://127.0.0.1:{ports['intake']}/v1/cases/<id>",
        "==> Press Ctrl-C to stop everything.",
        rule,
    ]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_pidfile() -> None:
    """Refuse a second ``make run``; clear the pid file a crashed run left behind."""
    PIDFILE.parent.mkdir(parents=True, exist_ok=True)
    if PIDFILE.exists():
        try:
            pid = int(PIDFILE.read_text().strip() or "0")
        except ValueError:
            pid = 0
        if pid and pid != os.getpid() and _pid_alive(pid):
            fail(f"`make run` is already running (pid {pid}). Stop it with Ctrl-C or `kill {pid}`.")
        say(f"Removing a stale pid file left by an earlier run (pid {pid or '?'})")
    PIDFILE.write_text(str(os.getpid()))


def release_pidfile() -> None:
    try:
        if PIDFILE.read_text().strip() == str(os.getpid()):
            PIDFILE.unlink()
    except FileNotFoundError:
        pass


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_base_port(taken_base: int, count: int = len(SERVICES)) -> int | None:
    """A base port above ``taken_base`` (in steps of 100) whose ``count`` ports are all free."""
    for base in range(taken_base + 100, min(taken_base + 1100, 65536 - count), 100):
        if all(_port_free(base + i) for i in range(count)):
            return base
    return None


def ports_taken_message(taken: list[str], base_port: int) -> str:
    """What to do when a port is taken: move the four ports, never kill what holds them."""
    suggestion = free_base_port(base_port) or base_port + 100
    return (
        f"Port(s) already in use: {', '.join(taken)}. Another `make run` or another program "
        f"holds them. Stop it, or start on other ports: CASEWORK_BASE_PORT={suggestion} make run "
        f"uses {suggestion}–{suggestion + len(SERVICES) - 1} (these are free now)."
    )


def check_ports_free() -> None:
    """Say clearly which port is taken instead of letting uvicorn fail later."""
    taken = [f"{port} ({service}-api)" for service, port in PORTS.items() if not _port_free(port)]
    if taken:
        fail(ports_taken_message(taken, BASE_PORT))


def _die_with_parent() -> None:
    os.setsid()
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Child:
    service: str
    proc: subprocess.Popen[bytes]


def default_subscribers(service: str) -> dict[str, Any]:
    """A service's default subscribers, moved onto this run's ports."""
    return procs.default_subscribers(service, PORTS)


def settings_fields(service: str) -> set[str]:
    module = importlib.import_module(f"{service}_api.config")
    settings_cls = getattr(module, f"{service.capitalize()}Settings")
    return set(settings_cls.model_fields)


def service_env(service: str, db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    prefix = service.upper()
    # The risk guard (XC-RSK-001) asks compliance-api on this run's port.
    if "compliance_url" in settings_fields(service):
        env.setdefault(f"{prefix}_COMPLIANCE_URL", f"http://127.0.0.1:{PORTS['compliance']}")
    # assessment reads a case's parties from intake (triage ASM-048/050, closing ASM-173).
    if "intake_url" in settings_fields(service):
        env.setdefault(f"{prefix}_INTAKE_URL", f"http://127.0.0.1:{PORTS['intake']}")
    # Intake's register links a case passed on to assessment-api on this run's port.
    if "assessment_url" in settings_fields(service):
        env.setdefault(f"{prefix}_ASSESSMENT_URL", f"http://127.0.0.1:{PORTS['assessment']}")
    # An unset ENV means production (shared.config): `make run` is development unless told.
    env.setdefault("ENV", "development")
    env[f"{prefix}_DATABASE_URL"] = db_url
    env[f"{prefix}_DEV_KEYS_DIR"] = str(KEYS_DIR)
    if service == "compliance":
        # The staff directory (CMP-127/128) is assessment-api's, on this run's port.
        env.setdefault("COMPLIANCE_STAFF_DIRECTORY_URL", f"http://127.0.0.1:{PORTS['assessment']}")
    subscribers = default_subscribers(service)
    if subscribers and BASE_PORT != 8001:
        env.setdefault(f"{prefix}_SUBSCRIBERS", json.dumps(subscribers))
    return env


def start_service(service: str, db_url: str, output: ServiceOutput) -> Child:
    cmd = [
        sys.executable, "-m", "uvicorn", "--factory", f"{service}_api.main:create_app",
        "--host", "127.0.0.1", "--port", str(PORTS[service]),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd,
        env=service_env(service, db_url),
        preexec_fn=_die_with_parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdout is not None
    output.follow(proc.stdout)
    return Child(service, proc)


def wait_ready(children: list[Child]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    pending = {c.service for c in children}
    with httpx.Client(timeout=2.0) as http:
        while pending:
            for child in children:
                if child.proc.poll() is not None:
                    code = child.proc.returncode
                    fail(f"{child.service}-api exited with code {code} while starting")
            for service in sorted(pending):
                try:
                    r = http.get(f"http://127.0.0.1:{PORTS[service]}/health/ready")
                    if r.status_code == 200:
                        say(f"{service}-api is ready")
                        pending.discard(service)
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                fail(f"Timed out waiting for: {', '.join(sorted(pending))}")
            if pending:
                time.sleep(0.2)


def stop_children(children: list[Child]) -> None:
    for child in children:
        if child.proc.poll() is None:
            child.proc.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.proc.kill()
            child.proc.wait()


def migrate(databases: dict[str, ServiceDatabase]) -> None:
    """As each service's migration role, which then grants its runtime role (shared.db_roles)."""
    for service in SERVICES:
        db = databases[service]
        say(f"Migrating {service}-api database (as {db.roles.migration})")
        ini = ROOT / "services" / f"{service}-api" / "alembic.ini"
        config = alembic_config(ini, db.migration_url, runtime_role=db.roles.runtime)
        command.upgrade(config, "head")


def seed(databases: dict[str, ServiceDatabase]) -> None:
    say("Loading the fictional organisation seed")
    cmd = [sys.executable, "-m", "intake_api.seed"]
    if subprocess.call(cmd, env=service_env("intake", databases["intake"].runtime_url)) != 0:
        fail("Loading the organisation seed failed (see the error above)")


def main() -> None:
    claim_pidfile()
    embedded = EmbeddedServer()
    children: list[Child] = []

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    # Also when started with SIGINT ignored (a background job of a script): Ctrl-C must work.
    signal.signal(signal.SIGINT, on_signal)
    try:
        check_ports_free()
        if os.environ.get("DATABASE_URL"):
            say("Using PostgreSQL from DATABASE_URL")
        else:
            say(f"Starting embedded PostgreSQL (data in {Path('.data/pg')})")
        server, _ = server_url(embedded)
        databases = ensure_service_databases(server)
        migrate(databases)
        seed(databases)
        output = ServiceOutput()
        for service in SERVICES:
            db = databases[service]
            say(f"Starting {service}-api on port {PORTS[service]} (as {db.roles.runtime})")
            children.append(start_service(service, db.runtime_url, output))
        wait_ready(children)
        # The services' start-up lines first, then the banner as the last block on the screen.
        output.wait_quiet()
        output.banner(ready_banner(PORTS))
        while True:
            for child in children:
                if child.proc.poll() is not None:
                    code = child.proc.returncode
                    fail(f"{child.service}-api stopped unexpectedly (exit code {code})")
            time.sleep(0.5)
    except KeyboardInterrupt:
        print()
        say("Stopping services")
    finally:
        stop_children(children)
        embedded.stop()
        release_pidfile()
        say("Stopped")


if __name__ == "__main__":
    main()

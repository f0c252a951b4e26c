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
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from alembic import command

from casework_dev.pg import (
    ROOT,
    SERVICES,
    EmbeddedServer,
    ServiceDatabase,
    ensure_service_databases,
    server_url,
)
from shared.alembic_env import alembic_config

# CASEWORK_BASE_PORT moves all four ports (the end-to-end tests use it to stay off 8001–8004).
BASE_PORT = int(os.environ.get("CASEWORK_BASE_PORT", "8001"))
PORTS = {s: BASE_PORT + i for i, s in enumerate(SERVICES)}
PIDFILE = ROOT / ".data" / f"run-{BASE_PORT}.pid"
KEYS_DIR = ROOT / ".local" / "keys"
READY_TIMEOUT_S = 60.0


def say(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def fail(msg: str) -> None:
    print(f"ERROR: {msg}", file=sys.stderr, flush=True)
    raise SystemExit(1)


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


def check_ports_free() -> None:
    """Say clearly which port is taken instead of letting uvicorn fail later."""
    taken = []
    for service, port in PORTS.items():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                taken.append(f"{port} ({service}-api)")
    if taken:
        fail(
            "Port(s) already in use: "
            + ", ".join(taken)
            + ". Another `make run` or program is using them; stop it (e.g. `fuser -k 8001/tcp`) "
            "and try again."
        )


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
    module = importlib.import_module(f"{service}_api.config")
    settings_cls = getattr(module, f"{service.capitalize()}Settings")
    factory = settings_cls.model_fields["subscribers"].default_factory
    subscribers: dict[str, Any] = {
        name: sub.model_dump() for name, sub in (factory() if factory else {}).items()
    }
    for sub in subscribers.values():
        for other, port in PORTS.items():
            sub["url"] = sub["url"].replace(
                f"127.0.0.1:{8001 + SERVICES.index(other)}/", f"127.0.0.1:{port}/"
            )
    return subscribers


def service_env(service: str, db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    prefix = service.upper()
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


def start_service(service: str, db_url: str) -> Child:
    cmd = [
        sys.executable, "-m", "uvicorn", "--factory", f"{service}_api.main:create_app",
        "--host", "127.0.0.1", "--port", str(PORTS[service]),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=service_env(service, db_url), preexec_fn=_die_with_parent)
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
        for service in SERVICES:
            db = databases[service]
            say(f"Starting {service}-api on port {PORTS[service]} (as {db.roles.runtime})")
            children.append(start_service(service, db.runtime_url))
        wait_ready(children)
        print()
        say("All services are ready. API docs:")
        for service, port in PORTS.items():
            print(f"    {service + '-api':<18} http://127.0.0.1:{port}/docs")
        say("Get a token: TOKEN=$(make -s token ROLE=intake_caseworker)")
        say(
            f'Then: curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:{PORTS["intake"]}/v1/cases/<id>'
        )
        say("Press Ctrl-C to stop everything.")
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

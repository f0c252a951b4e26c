"""Real processes for crash tests, end-to-end tests and benchmarks.

- :class:`PrivatePostgres`: a throwaway PostgreSQL cluster (pgserver binaries) that a test may
  stop and start at will without disturbing anybody else's server.
- :class:`ServiceProcess`: one service under uvicorn, or its standalone relay, as a child process
  that can be SIGKILLed and started again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from casework_dev.layout import ROOT
from casework_dev.pg import ensure_role_databases
from shared.alembic_env import alembic_config

SERVICES = ("intake", "assessment", "investigation", "compliance")


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivatePostgres:
    """A PostgreSQL cluster of our own in ``data_dir``, reachable over a Unix socket."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: Any = None
        self.url = ""

    def start(self) -> str:
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

        get_server = pgserver.get_server  # type: ignore[attr-defined]
        self._server = get_server(self.data_dir, cleanup_mode="delete")
        self.url = str(self._server.get_uri())
        return self.url

    @property
    def socket_dir(self) -> str:
        return parse_qs(urlsplit(self.url).query)["host"][0]

    def _pg_ctl(self, args: list[str]) -> None:
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(args, pgdata=self.data_dir, user=self._server.system_user, timeout=60)

    def stop_server(self) -> None:
        """Stop PostgreSQL (fast shutdown: open connections are cut)."""
        self._pg_ctl(["-w", "-m", "fast", "stop"])

    def start_server(self) -> None:
        """Start it again on the same socket directory."""
        self._pg_ctl(
            [
                "-w",
                "-o",
                '-h ""',
                "-o",
                f"-k {self.socket_dir}",
                "-l",
                str(self.data_dir / "log"),
                "start",
            ]
        )

    def cleanup(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


def database_url(server_url: str, name: str) -> str:
    from shared.db import with_database

    return with_database(server_url, name)


# The roles of these databases: casework_test_<service>_migrator and …_runtime, as the tests'.
ROLE_FAMILY = "casework_test"


def prepare_databases(server_url: str, prefix: str, services: tuple[str, ...]) -> dict[str, str]:
    """Create and migrate ``<prefix>_<service>`` for each service; returns service → URL.

    Each database is migrated as its service's migration role, and the URL returned is the
    runtime role's, as a deployed service uses (``shared.db_roles``). For owner's work (a bulk
    load, ``ANALYZE``) use the server's URL with ``shared.db.with_database``.
    """
    from alembic import command

    databases = asyncio.run(
        ensure_role_databases(server_url, ROLE_FAMILY, {s: f"{prefix}_{s}" for s in services})
    )
    for service, db in databases.items():
        ini = ROOT / "services" / f"{service}-api" / "alembic.ini"
        config = alembic_config(ini, db.migration_url, runtime_role=db.roles.runtime)
        command.upgrade(config, "head")
    return {service: db.runtime_url for service, db in databases.items()}


@dataclass
class ServiceProcess:
    """A service (``kind="api"``) or its standalone relay (``kind="relay"``) as a child process."""

    service: str
    env: dict[str, str]
    port: int | None = None
    kind: str = "api"
    log_path: Path | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        if self.kind == "relay":
            return [sys.executable, "-m", f"{self.service}_api.relay"]
        return [
            sys.executable, "-m", "uvicorn", "--factory", f"{self.service}_api.main:create_app",
            "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log",
            "--log-level", "warning",
        ]  # fmt: skip

    def start(self) -> ServiceProcess:
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        env = {**os.environ, **self.env}
        self.proc = subprocess.Popen(
            self.command(), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
        )
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        assert self.port is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.service}-{self.kind} exited ({self.proc.returncode})")
            try:
                if httpx.get(f"{self.base_url}/health/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.service}-{self.kind} not ready in {timeout}s")

    def kill(self) -> None:
        """SIGKILL: no cleanup, as in a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """SIGTERM and wait, then SIGKILL if it lingers."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def default_subscribers(service: str, ports: dict[str, int]) -> dict[str, Any]:
    """A service's default subscribers (its settings' defaults, as ``make run`` wires the four
    services together), moved from the default ports onto ``ports``."""
    import importlib

    module = importlib.import_module(f"{service}_api.config")
    settings_cls = getattr(module, f"{service.capitalize()}Settings")
    factory = settings_cls.model_fields["subscribers"].default_factory
    subscribers: dict[str, Any] = {
        name: sub.model_dump() for name, sub in (factory() if factory else {}).items()
    }
    for sub in subscribers.values():
        for other, port in ports.items():
            sub["url"] = sub["url"].replace(
                f"127.0.0.1:{8001 + SERVICES.index(other)}/", f"127.0.0.1:{port}/"
            )
    return subscribers


def service_env(
    service: str,
    db_url: str,
    *,
    keys_dir: Path,
    subscribers: dict[str, Any] | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Environment for a service process (development mode, dev issuer keys in ``keys_dir``)."""
    import json

    p = service.upper()
    env = {
        "ENV": "development",
        f"{p}_DATABASE_URL": db_url,
        f"{p}_DEV_KEYS_DIR": str(keys_dir),
        f"{p}_LOG_LEVEL": "WARNING",
    }
    if subscribers is not None:
        env[f"{p}_SUBSCRIBERS"] = json.dumps(subscribers)
    env.update(extra or {})
    return env

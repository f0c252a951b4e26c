"""The four services started as real processes for the end-to-end paths (tests/e2e/test_*_path.py):
each its own uvicorn and relay, on a private PostgreSQL cluster, pointed at one another as `make
run` points them, with dev tokens for any role."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from casework_dev.procs import (
    SERVICES,
    PrivatePostgres,
    ServiceProcess,
    default_subscribers,
    free_port,
    prepare_databases,
    service_env,
)
from shared.auth import mint_dev_token
from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES


@dataclass
class Stack:
    procs: dict[str, ServiceProcess]
    keys_dir: Path
    root: Path

    def url(self, service: str) -> str:
        return self.procs[service].base_url

    def headers(self, *roles: str, sub: str | None = None) -> dict[str, str]:
        token = mint_dev_token(
            keys_dir=self.keys_dir, issuer=DEV_ISSUER, audience=DEV_TOKEN_AUDIENCES,
            sub=sub or f"e2e-{'-'.join(roles)}-{uuid.uuid4().hex[:6]}", roles=list(roles),
        )  # fmt: skip
        return {"Authorization": f"Bearer {token}"}

    def logs(self) -> str:
        return "\n".join(
            f"--- {s}-api log (tail)\n"
            + (self.root / f"{s}.log").read_text(errors="replace")[-2000:]
            for s in SERVICES
            if (self.root / f"{s}.log").exists()
        )


@contextmanager
def four_services(root: Path, name: str) -> Iterator[Stack]:
    """The four services as `make run` starts them, each its own process, on a private
    PostgreSQL cluster; ``name`` tells the cluster's folder and the databases apart."""
    keys_dir = root / "keys"
    # Not under pytest's base temp: PostgreSQL runs as another user (see test_four_services).
    pg_dir = Path(tempfile.mkdtemp(prefix=f"casework-e2e-{name}-"))
    pg = PrivatePostgres(pg_dir / "pg")
    procs: dict[str, ServiceProcess] = {}
    try:
        pg.start()
        urls = prepare_databases(pg.url, f"e2e{name}", SERVICES)
        ports = {s: free_port() for s in SERVICES}
        base = {s: f"http://127.0.0.1:{ports[s]}" for s in SERVICES}
        # The peers `make run` points each service at (casework_dev.run.service_env).
        peers = {
            "intake": {"INTAKE_ASSESSMENT_URL": base["assessment"]},
            "assessment": {
                "ASSESSMENT_COMPLIANCE_URL": base["compliance"],
                "ASSESSMENT_INTAKE_URL": base["intake"],
            },
            "compliance": {"COMPLIANCE_STAFF_DIRECTORY_URL": base["assessment"]},
        }
        for s in SERVICES:
            env = service_env(
                s, urls[s], keys_dir=keys_dir, subscribers=default_subscribers(s, ports),
                extra=peers.get(s),
            )  # fmt: skip
            procs[s] = ServiceProcess(s, env, port=ports[s], log_path=root / f"{s}.log")
        for p in procs.values():
            p.start()
        for s, p in procs.items():
            try:
                p.wait_ready(timeout=300)  # four processes starting at once on a busy machine
            except (RuntimeError, TimeoutError) as exc:
                log = (root / f"{s}.log").read_text(errors="replace")[-4000:]
                raise AssertionError(f"{s}-api did not start: {exc}\n{log}") from exc
        yield Stack(procs, keys_dir, root)
    finally:
        for p in procs.values():
            p.stop()
        pg.cleanup()
        shutil.rmtree(pg_dir, ignore_errors=True)

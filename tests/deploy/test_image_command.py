"""The image's commands are not fiction: each is started as written, outside a container.

The API command is the Dockerfile's own CMD (parsed from deploy/Dockerfile, with the ENV of its
runtime stage), started from a directory that holds what the image's /app holds and no source,
against the test database; it must become ready, pass the Dockerfile's HEALTHCHECK and stop
cleanly on SIGTERM. The migration and schema-gate commands are read from the Kubernetes
manifests and run the same way. Real processes: the serial part of the suite (marker ``slow``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from casework_dev.procs import free_port
from shared.testing.plugin import TEST_ROLE_FAMILY
from tests.deploy.manifests import K8S, ROOT, dockerfile

pytestmark = pytest.mark.slow

# The image puts its virtualenv first on PATH; here that is the workspace's.
VENV_BIN = Path(sys.executable).parent


def image_environment(**settings: str) -> dict[str, str]:
    """This process's environment with the image's ENV (PATH: the virtualenv first)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "UVICORN_"))}
    for key, value in dockerfile().env.items():
        env[key] = f"{VENV_BIN}:{os.environ['PATH']}" if key == "PATH" else value
    env.update(settings)
    return env


def app_dir(tmp_path: Path) -> Path:
    """What the image's /app holds besides the virtualenv: each alembic.ini and migrations/."""
    app = tmp_path / "app"
    for service_dir in (ROOT / "services").iterdir():
        if (service_dir / "alembic.ini").is_file():
            target = app / "services" / service_dir.name
            target.mkdir(parents=True)
            shutil.copy(service_dir / "alembic.ini", target)
            shutil.copytree(
                service_dir / "migrations",
                target / "migrations",
                ignore=shutil.ignore_patterns("__pycache__"),
            )
    return app


def k8s_objects(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((K8S / "base" / f"{name}.yaml").read_text()) if d]


def k8s_command(kind: str, name: str, container: str) -> list[str]:
    for obj in k8s_objects("intake-api"):
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            spec = obj["spec"]["template"]["spec"]
            for c in [*spec.get("initContainers", []), *spec["containers"]]:
                if c["name"] == container:
                    return [str(part) for part in c["command"]]
    raise KeyError((kind, name, container))


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> httpx.Response:
    deadline = time.monotonic() + 60
    with httpx.Client(timeout=2) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
            try:
                response = http.get(url)
                if response.status_code == 200:
                    return response
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    raise AssertionError(f"not ready in 60 s:\n{log.read_text()[-4000:]}")


def test_the_dockerfile_cmd_serves_intake_api_and_becomes_ready(
    database_url: str, tmp_path: Path
) -> None:
    image = dockerfile()
    cmd = image.cmd
    assert cmd == ["uvicorn", "--factory", "intake_api.main:create_app"]
    port = free_port()
    # In the image ENV is unset (production, which needs the identity provider's JWKS): run as
    # development, with the dev issuer's key in a folder of the test's own.
    env = image_environment(
        ENV="development",
        UVICORN_HOST="127.0.0.1",
        UVICORN_PORT=str(port),
        INTAKE_DATABASE_URL=database_url,
        INTAKE_DEV_KEYS_DIR=str(tmp_path / "keys"),
        INTAKE_LOG_LEVEL="WARNING",
    )
    log = tmp_path / "intake.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=app_dir(tmp_path), stdout=out, stderr=out)
    try:
        ready = wait_ready(proc, f"http://127.0.0.1:{port}/health/ready", log)
        body = ready.json()
        assert body["serviceId"] == "intake-api"
        assert body["checks"]["postgresql:responseTime"][0]["status"] == "pass"
        # Docker's HEALTHCHECK, as written, against the running service.
        check = subprocess.run(
            image.healthcheck_cmd, env=env, capture_output=True, timeout=30, check=False
        )
        assert check.returncode == 0, check.stderr
        # Nothing was written next to the code (the image's root file system is read-only).
        assert not list((tmp_path / "app").rglob("__pycache__"))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    # A clean stop: uvicorn finishes the lifespan, then re-raises SIGTERM (so the exit status
    # says what stopped it).
    assert code in (0, -signal.SIGTERM), log.read_text()[-4000:]
    assert "Application shutdown complete." in log.read_text()


def test_the_healthcheck_fails_when_nothing_serves(tmp_path: Path) -> None:
    env = image_environment(UVICORN_PORT=str(free_port()))
    check = subprocess.run(
        dockerfile().healthcheck_cmd, env=env, capture_output=True, timeout=30, check=False
    )
    assert check.returncode != 0


def test_the_migration_and_gate_commands_of_the_manifests_run(
    database_url: str, migration_database_url: str, tmp_path: Path
) -> None:
    """The migration Job's command (as the migration role) and the schema gate's (as the
    runtime role) from deploy/k8s, in a copy of the image's /app."""
    app = app_dir(tmp_path)
    migrate = k8s_command("Job", "intake-api-migrate", "migrate")
    env = image_environment(
        INTAKE_MIGRATION_DATABASE_URL=migration_database_url,
        INTAKE_DB_RUNTIME_ROLE=f"{TEST_ROLE_FAMILY}_intake_runtime",
    )
    done = subprocess.run(migrate, env=env, cwd=app, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    gate = k8s_command("Deployment", "intake-api", "schema-gate")
    env = image_environment(INTAKE_DATABASE_URL=database_url)
    done = subprocess.run(gate, env=env, cwd=app, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert b'"msg": "schema current' in done.stderr


def production_relay() -> dict[str, Any]:
    overlay = K8S / "overlays" / "production" / "intake-relay.yaml"
    for obj in yaml.safe_load_all(overlay.read_text()):
        if obj and obj["kind"] == "Deployment":
            container: dict[str, Any] = obj["spec"]["template"]["spec"]["containers"][0]
            return container
    raise KeyError("intake-relay")


def test_the_relay_command_serves_its_metrics_where_the_manifest_says(
    database_url: str, tmp_path: Path
) -> None:
    """The production relay's command, with its metrics on a configured address (127.0.0.2
    here, in the manifest 0.0.0.0) so that monitoring can scrape it from outside the pod."""
    relay = production_relay()
    assert relay["command"] == ["python", "-m", "intake_api.relay"]
    settings = {e["name"]: e["value"] for e in relay["env"] if "value" in e}
    assert settings["INTAKE_RELAY_METRICS_HOST"] == "0.0.0.0"
    port = free_port()
    env = image_environment(
        ENV="development",
        INTAKE_DATABASE_URL=database_url,
        INTAKE_DEV_KEYS_DIR=str(tmp_path / "keys"),
        INTAKE_RELAY_METRICS_PORT=str(port),
        INTAKE_RELAY_METRICS_HOST="127.0.0.2",
    )
    log = tmp_path / "relay.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            relay["command"], env=env, cwd=app_dir(tmp_path), stdout=out, stderr=out
        )
    try:
        metrics = wait_ready(proc, f"http://127.0.0.2:{port}/metrics", log)
        assert "outbox_relay_leader" in metrics.text
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise

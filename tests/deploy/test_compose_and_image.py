"""deploy/Dockerfile and deploy/compose.yaml, read as files (no Docker daemon is needed).

What the image runs is proved by starting it (test_image_command.py); here: how it is built, and
that Compose runs the same commands, migrates each service before starting it and wires the
subscribers to each other's Compose names.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from assessment_api.config import AssessmentSettings
from compliance_api.config import ComplianceSettings
from intake_api.config import IntakeSettings
from shared.config import BaseServiceSettings
from tests.deploy.manifests import DEPLOY, ROOT, SERVICES, compose, dockerfile, service_cmd


def test_the_image_is_built_with_the_makefiles_uv_and_the_frozen_lock_without_dev_tools() -> None:
    text = dockerfile().text
    make_uv = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert make_uv is not None
    assert f"ARG UV_VERSION={make_uv.group(1)}\n" in text
    assert "FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv" in text
    syncs = re.findall(r"uv sync ([^\n]+)", text)
    assert len(syncs) == 2
    assert all("--frozen --no-dev" in s and "${PACKAGES}" in s for s in syncs)
    packages = re.search(r'ARG PACKAGES="([^"]+)"', text)
    assert packages is not None
    # The four services and what they need: not casework-dev (make run, pgserver's binaries).
    assert packages.group(1).split() == [
        part for s in SERVICES for part in ("--package", f"{s}-api")
    ]
    assert text.count("\nFROM ") == 3  # uv, build, runtime: multi-stage


def test_the_image_runs_unprivileged_on_a_read_only_root() -> None:
    image = dockerfile()
    user, _, group = image.user.partition(":")
    assert user.isdigit()  # numeric: Kubernetes' runAsNonRoot can check it
    assert int(user) >= 10000
    assert group == user
    env = image.env
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"  # no __pycache__ writes at run time
    assert env["PATH"].startswith("/app/.venv/bin:")
    assert env["UVICORN_HOST"] == "0.0.0.0"
    assert env["UVICORN_PORT"] == "8000"
    # Bytecode is compiled at build time instead, including the migrations Alembic imports.
    assert "UV_COMPILE_BYTECODE=1" in image.text
    assert "python -m compileall -q /app/services" in image.text
    assert "--interval=" in image.last("HEALTHCHECK")
    assert "/health/ready" in " ".join(image.healthcheck_cmd)


def test_the_build_context_holds_only_what_the_image_needs() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert "**" in ignore  # everything is left out unless named
    assert "!uv.lock" in ignore
    assert not any(line.startswith("!tests") or line.startswith("!.local") for line in ignore)


def test_compose_runs_postgres_16_and_a_migration_before_each_service() -> None:
    services = compose()["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert set(services) == {
        "postgres",
        "seed-intake",
        *(f"migrate-{s}" for s in SERVICES),
        *(f"{s}-api" for s in SERVICES),
    }
    for service in SERVICES:
        migrate = services[f"migrate-{service}"]
        assert migrate["command"] == [
            "alembic", "-c", f"services/{service}-api/alembic.ini", "upgrade", "head",
        ]  # fmt: skip
        assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
        env = migrate["environment"]
        assert urlsplit(env[f"{service.upper()}_MIGRATION_DATABASE_URL"]).username == (
            f"{service}_migrator"
        )
        assert env[f"{service.upper()}_DB_RUNTIME_ROLE"] == f"{service}_runtime"
        api = services[f"{service}-api"]
        assert api["command"] == service_cmd(service)
        assert api["depends_on"] == {
            f"migrate-{service}": {"condition": "service_completed_successfully"}
        }
        url = urlsplit(api["environment"][f"{service.upper()}_DATABASE_URL"])
        assert (url.username, url.hostname, url.path) == (
            f"{service}_runtime",
            "postgres",
            f"/casework_{service}",
        )
        assert api["read_only"] is True
        assert api["tmpfs"] == ["/tmp"]
        assert api["cap_drop"] == ["ALL"]
        assert api["ports"] == [f"127.0.0.1:{8001 + SERVICES.index(service)}:8000"]


@pytest.mark.parametrize(
    ("service", "settings_cls"),
    [
        ("intake", IntakeSettings),
        ("assessment", AssessmentSettings),
        ("compliance", ComplianceSettings),
    ],
)
def test_compose_wires_the_subscribers_to_the_compose_names(
    service: str, settings_cls: type[BaseServiceSettings]
) -> None:
    default = settings_cls.model_fields["subscribers"].default_factory
    assert default is not None
    expected = {name: sub.model_dump() for name, sub in default().items()}  # type: ignore[call-arg]
    services = compose()["services"]
    env = services[f"{service}-api"]["environment"]
    deployed = json.loads(env[f"{service.upper()}_SUBSCRIBERS"])
    assert set(deployed) == set(expected)
    for name, sub in deployed.items():
        assert sub["url"] == f"http://{name}:8000/internal/events"
        assert name in services
        assert sub["event_types"] == expected[name]["event_types"]
        assert sub["audience"] == expected[name]["audience"]
    for field in settings_cls.model_fields:  # every peer the service asks, by its Compose name
        if field.endswith("_url") and field not in (
            "database_url", "migration_database_url", "jwt_jwks_url", "service_token_url",
        ):  # fmt: skip
            assert f"{service.upper()}_{field.upper()}" in env, (service, field)


def test_compose_postgres_runs_the_deployed_role_and_database_files() -> None:
    postgres = compose()["services"]["postgres"]
    mounts = {m.split(":")[1]: m.split(":")[0] for m in postgres["volumes"] if m.startswith("./")}
    assert mounts == {
        "/docker-entrypoint-initdb.d/10-roles.sh": "./compose/10-roles.sh",
        "/docker-entrypoint-initdb.d/20-databases.sql": "./k8s/base/database/databases.sql",
    }
    for source in mounts.values():
        assert (DEPLOY / source).is_file()
    # Health over TCP: the init scripts' server listens on its socket only.
    assert "--host" in postgres["healthcheck"]["test"]

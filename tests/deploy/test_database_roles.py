"""The deployed databases and roles: no service can read another service's database.

On a private PostgreSQL (real binaries, the pgserver package), this runs the files the
deployments run: deploy/compose/10-roles.sh (the eight login roles, as Compose makes them and as
the CloudNativePG Cluster's managed.roles declares them) and deploy/k8s/base/database/
databases.sql (the databases and who may connect: the Kubernetes setup Job and Compose). Then
every service is migrated as its migration role, and every role tries every database.

How it holds: each service has a database of its own, owned by its migration role;
``REVOKE ALL ON DATABASE … FROM PUBLIC`` takes CONNECT away from every other role, and only the
service's runtime role is granted it back. Inside, the runtime role has only what the
migrations grant it (shared.db_roles). Real processes: the serial part (marker ``slow``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy import text

from casework_dev.procs import PrivatePostgres
from shared.alembic_env import alembic_config
from shared.db import create_engine, with_database
from shared.db_roles import runtime_role_problems, with_user
from shared.testing.plugin import run_alembic
from tests.deploy.manifests import DEPLOY, K8S, ROOT, SERVICES

pytestmark = pytest.mark.slow

# pgserver's binaries (psql among them), found without importing it (its import warns).
_PGSERVER = importlib.util.find_spec("pgserver")
assert _PGSERVER is not None
assert _PGSERVER.origin is not None
PG_BIN = Path(_PGSERVER.origin).parent / "pginstall" / "bin"
ROLES_SCRIPT = DEPLOY / "compose" / "10-roles.sh"
DATABASES_SQL = K8S / "base" / "database" / "databases.sql"


@pytest.fixture(scope="module")
def server() -> Iterator[PrivatePostgres]:
    # Not under pytest's base temp: PostgreSQL runs as another user when the tests run as root.
    pg_dir = Path(tempfile.mkdtemp(prefix="casework-deploy-"))
    pg = PrivatePostgres(pg_dir / "pg")
    try:
        pg.start()
        yield pg
    finally:
        pg.cleanup()
        shutil.rmtree(pg_dir, ignore_errors=True)


def psql_env(pg: PrivatePostgres) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{PG_BIN}:{os.environ['PATH']}",
        "PGHOST": pg.socket_dir,
        "PGUSER": "postgres",
        "POSTGRES_USER": "postgres",
        "CASEWORK_ROLE_PASSWORD": "not-checked-on-the-local-socket",
    }


def run(args: list[str], pg: PrivatePostgres) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, env=psql_env(pg), capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def deployed(server: PrivatePostgres) -> dict[str, str]:
    """The roles and databases as deployed, every service migrated; service → database URL
    (the server's superuser)."""
    run(["sh", str(ROLES_SCRIPT)], server)
    sql = ["psql", "--no-psqlrc", "--dbname=postgres", f"--file={DATABASES_SQL}"]
    run(sql, server)
    run(sql, server)  # idempotent: every deployment runs it again
    urls = {s: with_database(server.url, f"casework_{s}") for s in SERVICES}
    for service, url in urls.items():
        ini = ROOT / "services" / f"{service}-api" / "alembic.ini"
        config = alembic_config(
            ini, with_user(url, f"{service}_migrator"), runtime_role=f"{service}_runtime"
        )
        run_alembic(command.upgrade, config, "head")
    return urls


def dsn(pg: PrivatePostgres, role: str, database: str) -> str:
    return f"postgresql://{role}@/{database}?host={pg.socket_dir}"


async def can_connect(pg: PrivatePostgres, role: str, database: str) -> bool:
    refused = None
    try:
        conn = await asyncpg.connect(dsn(pg, role, database), timeout=10)
    except asyncpg.InsufficientPrivilegeError as exc:
        refused = str(exc)
    else:
        await conn.close()
    if refused is None:
        return True
    assert "permission denied for database" in refused
    return False


async def test_each_role_connects_to_its_own_service_database_only(
    server: PrivatePostgres, deployed: dict[str, str]
) -> None:
    for role_service in SERVICES:
        for kind in ("runtime", "migrator"):
            role = f"{role_service}_{kind}"
            for db_service in SERVICES:
                allowed = await can_connect(server, role, f"casework_{db_service}")
                assert allowed == (role_service == db_service), (role, db_service)


async def test_a_role_granted_nothing_connects_to_no_service_database(
    server: PrivatePostgres, deployed: dict[str, str]
) -> None:
    admin = await asyncpg.connect(dsn(server, "postgres", "postgres"))
    try:
        await admin.execute("CREATE ROLE casework_reporting_test LOGIN")
        for service in SERVICES:
            assert not await can_connect(server, "casework_reporting_test", f"casework_{service}")
    finally:
        await admin.execute("DROP ROLE casework_reporting_test")
        await admin.close()


async def test_each_database_belongs_to_its_migration_role_and_the_runtime_role_only_uses_it(
    server: PrivatePostgres, deployed: dict[str, str]
) -> None:
    for service, url in deployed.items():
        runtime = create_engine(
            with_user(url, f"{service}_runtime"), application_name="deploy-test", pool_size=1
        )
        try:
            async with runtime.connect() as conn:
                owner = await conn.scalar(
                    text(
                        "SELECT pg_get_userbyid(datdba) FROM pg_database "
                        "WHERE datname = current_database()"
                    )
                )
                assert owner == f"{service}_migrator"
                # Not a superuser, not the owner, cannot switch triggers off or touch the trail.
                assert await runtime_role_problems(conn) == []
                assert await conn.scalar(text("SELECT count(*) FROM audit_entry")) is not None
                assert not await conn.scalar(
                    text("SELECT has_schema_privilege('public', 'CREATE')")
                )
        finally:
            await runtime.dispose()

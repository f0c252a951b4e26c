"""Where PostgreSQL comes from for ``make run`` and ``make test``.

``DATABASE_URL`` wins when set (CI points it at the machine's server). Otherwise an embedded
server from the ``pgserver`` package (real PostgreSQL binaries in a wheel) keeps its data in
``.data/pg``, which git ignores, so a second ``make run`` finds the same data again.

Each service database is owned by the service's migration role and used by its runtime role
(``shared.db_roles``); both are created here when missing, as an operator does in production.
"""

from __future__ import annotations

import asyncio
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from casework_dev.layout import ROOT, SERVICES
from shared.db import create_engine, with_database
from shared.db_roles import (
    DatabaseRoles,
    ensure_roles,
    quote_ident,
    quote_literal,
    service_roles,
    with_user,
)

PGDATA = ROOT / ".data" / "pg"


# pgserver's list of the processes holding a handle on a server (in its data directory): the
# server is stopped when the last of them lets go.
HANDLE_LIST = ".handle_pids.json"


def _started_at(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), from /proc; None if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration, ValueError):
        return None
    # Field 22 (starttime, in clock ticks since boot) counts from after the command's ")".
    ticks = int(stat.rsplit(")", 1)[1].split()[19])
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def _holds_handle(pid: int, listed_at: float) -> bool:
    """Whether ``pid`` may be the process that put itself on a list last written at
    ``listed_at``: it is alive and started before then (not a newer process given a dead one's
    pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = _started_at(pid)
    # /proc's start time is in clock ticks: allow one second of rounding.
    return started is None or started <= listed_at + 1.0


def prune_dead_handles(pgdata: Path) -> list[int]:
    """Remove the pids of processes that are gone from pgserver's handle list; return them.

    A ``make run`` (or ``make test``) killed with SIGKILL never takes its pid off the list, and
    pgserver stops the server only when the list holds nothing but the process letting go: a
    dead pid left there means no later run ever stops the server. Called before taking a handle,
    under pgserver's own lock.
    """
    from pgserver.postgres_server import PostgresServer

    path = pgdata / HANDLE_LIST
    with PostgresServer._lock:
        try:
            listed_at = path.stat().st_mtime
            pids = [int(p) for p in json.loads(path.read_text())]
        except (OSError, ValueError, TypeError):
            return []
        dead = [pid for pid in pids if not _holds_handle(pid, listed_at)]
        if dead:
            path.write_text(json.dumps([pid for pid in pids if pid not in dead]))
    return dead


class EmbeddedServer:
    """Keeps the pgserver handle alive; the server stops when the last user process exits."""

    def __init__(self, data_dir: Path = PGDATA) -> None:
        self.data_dir = data_dir
        self._handle: Any = None

    def start(self) -> str:
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if self.data_dir.exists():
            prune_dead_handles(self.data_dir)
        get_server = pgserver.get_server  # type: ignore[attr-defined]
        self._handle = get_server(self.data_dir, cleanup_mode="stop")
        return str(self._handle.get_uri())

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cleanup()
            self._handle = None


def server_url(embedded: EmbeddedServer) -> tuple[str, bool]:
    """The server URL and whether it is the embedded one."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url, False
    return embedded.start(), True


# What PostgreSQL logs about a failing statement of ours (docs/operations.md): the error's
# message only. DETAIL ("Failing row contains (...)") and the statement would quote the row,
# with a complainant's name and summary in it.
QUIET_ERROR_LOG = {
    "log_error_verbosity": "terse",
    "log_min_error_statement": "panic",
    "log_parameter_max_length_on_error": "0",
}


# A database made before the role split belongs to the server's admin: hand the database and
# every object of its public schema to the migration role, so that its migrations and grants work.
_HAND_OVER = """
DO $$
DECLARE
    owner CONSTANT regrole := to_regrole({owner});
    r record;
BEGIN
    FOR r IN
        SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                              WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind,
               c.oid::regclass AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND c.relowner <> owner
          -- identity and serial sequences go with their table
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I', r.kind, r.name, owner);
    END LOOP;
    FOR r IN
        SELECT p.oid::regprocedure AS name FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proowner <> owner
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.name, owner);
    END LOOP;
    FOR r IN
        SELECT t.oid::regtype AS name FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r') AND t.typowner <> owner
    LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO %I', r.name, owner);
    END LOOP;
END
$$
"""


async def _hand_over(server: str, name: str, owner: str) -> None:
    engine = create_engine(
        with_database(server, name), application_name="casework-dev", isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as conn:
            await conn.execute(text(_HAND_OVER.format(owner=quote_literal(owner))))
    finally:
        await engine.dispose()


async def ensure_databases(
    server: str, names: list[str], owners: dict[str, str] | None = None
) -> dict[str, str]:
    """Create each database if missing, with ``QUIET_ERROR_LOG``; return name → URL (the server's
    user).

    ``owners`` maps a database to the role that must own it and its objects: a new database is
    created with that owner, and an existing one owned by anyone else is handed over to it. The
    log settings need a superuser; as any other role they are left to the server's
    configuration, as deployment sets them.
    """
    owners = owners or {}
    engine = create_engine(server, application_name="casework-dev", isolation_level="AUTOCOMMIT")
    handed_over = []
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT datname, pg_get_userbyid(datdba) FROM pg_database")
            )
            existing = {str(name): str(owner) for name, owner in rows}
            superuser = (await conn.execute(text("SHOW is_superuser"))).scalar_one() == "on"
            for name in names:
                owner = owners.get(name)
                owned_by = f" OWNER {quote_ident(owner)}" if owner else ""
                if name not in existing:
                    await conn.execute(text(f"CREATE DATABASE {quote_ident(name)}{owned_by}"))
                elif owner and existing[name] != owner:
                    await conn.execute(
                        text(f"ALTER DATABASE {quote_ident(name)} OWNER TO {quote_ident(owner)}")
                    )
                    handed_over.append(name)
                for setting, value in QUIET_ERROR_LOG.items() if superuser else ():
                    await conn.execute(
                        text(f"ALTER DATABASE {quote_ident(name)} SET {setting} = '{value}'")
                    )
    finally:
        await engine.dispose()
    for name in handed_over:
        await _hand_over(server, name, owners[name])
    return {name: with_database(server, name) for name in names}


@dataclass(frozen=True)
class ServiceDatabase:
    """One service's database: the migration role's URL, the runtime role and its URL."""

    migration_url: str
    runtime_url: str
    roles: DatabaseRoles


async def ensure_role_databases(
    server: str, family: str, databases: dict[str, str]
) -> dict[str, ServiceDatabase]:
    """For each service → database name: the roles, the database owned by the migration role.

    Roles are named ``<family>_<service>_migrator`` and ``…_runtime``. Migrations are the
    caller's (with ``alembic_config(..., runtime_role=)``, which grants the runtime role).
    """
    roles = {service: service_roles(family, service) for service in databases}
    for pair in roles.values():
        await ensure_roles(server, pair)
    urls = await ensure_databases(
        server,
        list(databases.values()),
        {name: roles[service].migration for service, name in databases.items()},
    )
    return {
        service: ServiceDatabase(
            migration_url=with_user(urls[name], roles[service].migration),
            runtime_url=with_user(urls[name], roles[service].runtime),
            roles=roles[service],
        )
        for service, name in databases.items()
    }


def db_prefix() -> str:
    """The prefix of ``make run``'s databases and roles (``CASEWORK_DB_PREFIX``, ``casework``)."""
    return os.environ.get("CASEWORK_DB_PREFIX", "casework")


def service_database(service: str) -> str:
    """The database name ``make run`` uses for a service (prefix: ``CASEWORK_DB_PREFIX``)."""
    return f"{db_prefix()}_{service}"


def ensure_service_databases(server: str) -> dict[str, ServiceDatabase]:
    """The four service databases and their roles (``<prefix>_<service>_migrator``, …)."""
    databases = {s: service_database(s) for s in SERVICES}
    return asyncio.run(ensure_role_databases(server, db_prefix(), databases))

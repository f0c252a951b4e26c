"""Where PostgreSQL comes from for ``make run`` and ``make test``.

``DATABASE_URL`` wins when set (CI points it at the machine's server). Otherwise an embedded
server from the ``pgserver`` package (real PostgreSQL binaries in a wheel) keeps its data in
``.data/pg``, which git ignores, so a second ``make run`` finds the same data again.
"""

from __future__ import annotations

import asyncio
import os
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy import text

from shared.db import create_engine, with_database

ROOT = Path(__file__).resolve().parents[3]
PGDATA = ROOT / ".data" / "pg"
SERVICES = ("intake", "assessment", "investigation", "compliance")


class EmbeddedServer:
    """Keeps the pgserver handle alive; the server stops when the last user process exits."""

    def __init__(self) -> None:
        self._handle: Any = None

    def start(self) -> str:
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

        PGDATA.parent.mkdir(parents=True, exist_ok=True)
        get_server = pgserver.get_server  # type: ignore[attr-defined]
        self._handle = get_server(PGDATA, cleanup_mode="stop")
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


async def ensure_databases(server: str, names: list[str]) -> dict[str, str]:
    """Create each database if missing, with ``QUIET_ERROR_LOG``; return name → URL.

    The log settings need a superuser; as any other role they are left to the server's
    configuration, as deployment sets them.
    """
    engine = create_engine(server, application_name="casework-dev", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            existing = set(
                (await conn.execute(text("SELECT datname FROM pg_database"))).scalars().all()
            )
            superuser = (await conn.execute(text("SHOW is_superuser"))).scalar_one() == "on"
            for name in names:
                if name not in existing:
                    await conn.execute(text(f'CREATE DATABASE "{name}"'))
                for setting, value in QUIET_ERROR_LOG.items() if superuser else ():
                    await conn.execute(text(f"ALTER DATABASE \"{name}\" SET {setting} = '{value}'"))
    finally:
        await engine.dispose()
    return {name: with_database(server, name) for name in names}


def service_database(service: str) -> str:
    """The database name ``make run`` uses for a service (prefix: ``CASEWORK_DB_PREFIX``)."""
    return f"{os.environ.get('CASEWORK_DB_PREFIX', 'casework')}_{service}"


def ensure_service_databases(server: str) -> dict[str, str]:
    """Create the four service databases if missing; return service → URL."""
    urls = asyncio.run(ensure_databases(server, [service_database(s) for s in SERVICES]))
    return {s: urls[service_database(s)] for s in SERVICES}

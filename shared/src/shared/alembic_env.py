"""The body of every service's Alembic ``env.py``: async migrations on asyncpg.

Migrations run as the service's migration role (``<P>_MIGRATION_DATABASE_URL``), which owns the
schema. When a runtime role is named (``alembic_config(..., runtime_role=)`` or
``<P>_DB_RUNTIME_ROLE``), its grants are applied at the end of every run, in the migrations'
transaction (``shared.db_roles.runtime_grants``).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db import to_async_url
from shared.db_roles import runtime_grants

RUNTIME_ROLE_OPTION = "casework.runtime_role"


def alembic_config(ini: Path, url: str, *, runtime_role: str | None = None) -> Config:
    """An Alembic config for a service's ``alembic.ini`` pointing at ``url`` (the migration role's).

    With ``runtime_role``, every run ends by granting that role what the service needs.
    """
    cfg = Config(str(ini))
    cfg.set_main_option("script_location", str(ini.parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if runtime_role:
        cfg.set_main_option(RUNTIME_ROLE_OPTION, runtime_role.replace("%", "%%"))
    return cfg


def _url(context: Any, env_var: str) -> str:
    url = context.config.get_main_option("sqlalchemy.url") or os.environ.get(env_var)
    if not url:
        raise RuntimeError(f"No database URL: set sqlalchemy.url or {env_var}")
    return str(url)


def _runtime_role(context: Any, env_var: str) -> str | None:
    role = context.config.get_main_option(RUNTIME_ROLE_OPTION) or os.environ.get(env_var)
    return str(role) if role else None


def run_migrations(
    context: Any, *, target_metadata: MetaData, url_env_var: str, runtime_role_env_var: str
) -> None:
    """Run migrations offline (SQL script) or online against the configured database.

    ``url_env_var`` names the migration role's URL, ``runtime_role_env_var`` the runtime role.
    """
    url = _url(context, url_env_var)
    runtime_role = _runtime_role(context, runtime_role_env_var)

    def migrate_and_grant() -> None:
        with context.begin_transaction():
            context.run_migrations()
            for statement in runtime_grants(runtime_role) if runtime_role else ():
                context.execute(statement)

    if context.is_offline_mode():
        context.configure(
            url=to_async_url(url), target_metadata=target_metadata, literal_binds=True
        )
        migrate_and_grant()
        return

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        migrate_and_grant()

    async def run_async() -> None:
        engine = create_async_engine(to_async_url(url), poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(do_run)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run_async())

"""The body of every service's Alembic ``env.py``: async migrations on asyncpg."""

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


def alembic_config(ini: Path, url: str) -> Config:
    """An Alembic config for a service's ``alembic.ini`` pointing at ``url``."""
    cfg = Config(str(ini))
    cfg.set_main_option("script_location", str(ini.parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _url(context: Any, env_var: str) -> str:
    url = context.config.get_main_option("sqlalchemy.url") or os.environ.get(env_var)
    if not url:
        raise RuntimeError(f"No database URL: set sqlalchemy.url or {env_var}")
    return str(url)


def run_migrations(context: Any, *, target_metadata: MetaData, url_env_var: str) -> None:
    """Run migrations offline (SQL script) or online against the configured database."""
    url = _url(context, url_env_var)
    if context.is_offline_mode():
        context.configure(
            url=to_async_url(url), target_metadata=target_metadata, literal_binds=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(to_async_url(url), poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(do_run)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run_async())

"""Wait until a service's database schema is at least the Alembic head this code was built with.

A deployment runs each service's migrations as a Job of their own (``deploy/``), as the migration
role. The new version's pods must not serve before that Job has finished, and nothing in
Kubernetes orders a Job before a Deployment. So every API and relay pod starts with this gate as
an init container, connected as the runtime role (which may read ``alembic_version``):

    python -m shared.schema_gate --alembic-ini services/intake-api/alembic.ini \\
        --url-env INTAKE_DATABASE_URL

It exits 0 as soon as the database's revision is this code's head or newer (a revision this code
does not know comes from a later release: after a roll-back the old pods start on the newer,
expanded schema), and 1 if that does not happen within ``--timeout`` seconds. An unreachable
database or a missing ``alembic_version`` table counts as "not yet". It never changes the schema.
It logs (JSON lines, as the services do) revisions only, never the URL.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import pool, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db import to_async_url
from shared.logging import configure_logging

logger = logging.getLogger("casework.schema_gate")


class SchemaState(StrEnum):
    """Where the database's schema stands against the code's migrations."""

    missing = "missing"  # no alembic_version yet: never migrated
    behind = "behind"  # an ancestor of the code's head: the migration has not run yet
    current = "current"  # the code's head
    ahead = "ahead"  # a revision the code does not know: a later release migrated it


def script_directory(alembic_ini: Path) -> ScriptDirectory:
    """The migrations of a service's ``alembic.ini`` (``script_location`` is next to it)."""
    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    return ScriptDirectory.from_config(config)


def schema_state(script: ScriptDirectory, revisions: set[str]) -> SchemaState:
    """Compare the database's ``revisions`` (``alembic_version``) with the code's heads."""
    if not revisions:
        return SchemaState.missing
    applied: set[str] = set()
    for revision in revisions:
        try:
            known = script.get_revision(revision)
        except CommandError:
            return SchemaState.ahead
        if known is None:
            return SchemaState.ahead
        applied.update(r.revision for r in script.iterate_revisions(revision, "base"))
    heads = set(script.get_heads())
    if not heads <= applied:
        return SchemaState.behind
    return SchemaState.current if heads == revisions else SchemaState.ahead


async def database_revisions(url: str) -> set[str]:
    """The revisions in ``alembic_version`` (empty when the table does not exist yet)."""
    engine = create_async_engine(to_async_url(url), poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            exists = await conn.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
            if not exists:
                return set()
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return {str(r[0]) for r in rows}
    finally:
        await engine.dispose()


async def wait_for_schema(
    alembic_ini: Path,
    url: str,
    *,
    timeout_s: float,
    interval_s: float = 2.0,
    say: Callable[[str], None] = lambda _msg: None,
) -> SchemaState:
    """Poll until the schema is ``current`` or ``ahead``; raise ``TimeoutError`` otherwise."""
    script = script_directory(alembic_ini)
    heads = ", ".join(sorted(script.get_heads()))
    deadline = time.monotonic() + timeout_s
    last = ""
    while True:
        try:
            revisions = await database_revisions(url)
            state = schema_state(script, revisions)
            seen = ", ".join(sorted(revisions)) or "none"
            report = f"schema {state} (database at {seen}, this code's head {heads})"
        except (OSError, SQLAlchemyError, DBAPIError) as exc:
            state = None
            report = f"database not reachable yet ({type(exc).__name__})"
        if report != last:
            say(report)
            last = report
        if state in (SchemaState.current, SchemaState.ahead):
            return state
        if time.monotonic() >= deadline:
            raise TimeoutError(f"gave up after {timeout_s:g} s: {report}")
        await asyncio.sleep(interval_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.schema_gate",
        description="Wait until the database schema is at least this code's Alembic head.",
    )
    parser.add_argument("--alembic-ini", type=Path, required=True)
    parser.add_argument(
        "--url-env", required=True, help="the environment variable holding the database URL"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds (default 900)")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between checks")
    args = parser.parse_args(argv)
    configure_logging("INFO")
    url = os.environ.get(args.url_env)
    if not url:
        logger.error("%s is not set", args.url_env)
        return 2
    try:
        asyncio.run(
            wait_for_schema(
                args.alembic_ini,
                url,
                timeout_s=args.timeout,
                interval_s=args.interval,
                say=logger.info,
            )
        )
    except TimeoutError as exc:
        logger.error("%s", exc)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

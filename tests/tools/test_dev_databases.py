"""``make run``'s databases (``casework_dev.pg``): the role split, also for a database that an
earlier ``make run`` made before the split, owned by the server's admin.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from casework_dev.pg import ensure_role_databases
from shared.alembic_env import alembic_config
from shared.db import create_engine
from shared.testing.plugin import drop_database, recreate_database, run_alembic, server_url

ROOT = Path(__file__).resolve().parents[2]
INTAKE_INI = ROOT / "services/intake-api/alembic.ini"

OWNERS = """
SELECT DISTINCT pg_get_userbyid(owner) FROM (
    SELECT c.relowner AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public'
    UNION ALL
    SELECT p.proowner FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public'
    UNION ALL
    SELECT datdba FROM pg_database WHERE datname = current_database()
) o
"""


@pytest.fixture
async def legacy_database() -> str:
    """An intake database migrated by the server's admin, as ``make run`` did before roles."""
    name = f"intake_legacy_test_{os.getpid()}"
    url = await recreate_database(name)
    run_alembic(command.upgrade, alembic_config(INTAKE_INI, url), "head")
    return name


async def test_make_run_hands_an_earlier_database_to_the_migration_role(
    legacy_database: str,
) -> None:
    try:
        databases = await ensure_role_databases(
            server_url(), "casework_test", {"intake": legacy_database}
        )
        db = databases["intake"]
        config = alembic_config(INTAKE_INI, db.migration_url, runtime_role=db.roles.runtime)
        run_alembic(command.upgrade, config, "head")

        owner = create_engine(db.migration_url, application_name="pytest-legacy")
        runtime = create_engine(db.runtime_url, application_name="pytest-legacy")
        try:
            async with owner.connect() as conn:
                owners = set((await conn.scalars(text(OWNERS))).all())
            async with runtime.connect() as conn:
                trans = await conn.begin()
                await conn.execute(
                    text(
                        "INSERT INTO audit_entry (actor, actor_roles, entity_type, entity_id, "
                        "action) VALUES ('a', '{}', 'case', gen_random_uuid(), 'case.created')"
                    )
                )
                await conn.execute(text("SELECT nextval('case_reference_seq')"))
                with pytest.raises(DBAPIError, match="must be owner"):
                    async with conn.begin_nested():
                        await conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER ALL"))
                await trans.rollback()
        finally:
            await owner.dispose()
            await runtime.dispose()
    finally:
        await drop_database(legacy_database)

    assert (db.roles.migration, db.roles.runtime) == (
        "casework_test_intake_migrator",
        "casework_test_intake_runtime",
    )
    assert owners == {"casework_test_intake_migrator"}

"""The audit trail cannot be bypassed by the role a service runs as (XC-AUD; DESIGN §4 "Database
roles"; issue 15 item 5).

The tests' app sessions, like a deployed service, use the runtime role; the migration role owns
the schema. Everything here runs as those two roles, on the service's migrated test database.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from intake_api.config import IntakeSettings
from shared.audit import AuditEntry, record_audit
from shared.auth import Principal
from shared.db import create_engine, with_database
from shared.db_roles import RuntimeRoleRefused, require_runtime_role, runtime_role_problems
from shared.http_api.app import create_service_app
from shared.testing.plugin import server_url

ACTOR = Principal(sub="user-ada", roles=frozenset({"caseworker"}))
RUNTIME_ROLE = "casework_test_intake_runtime"
MIGRATION_ROLE = "casework_test_intake_migrator"
INSUFFICIENT_PRIVILEGE = "42501"

# Every way we know to switch the append-only trigger off, or to get round it.
BYPASSES = [
    "ALTER TABLE audit_entry DISABLE TRIGGER ALL",
    "ALTER TABLE audit_entry DISABLE TRIGGER USER",
    "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only",
    "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_truncate",
    "DROP TRIGGER audit_entry_append_only ON audit_entry",
    "CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
    "CREATE TRIGGER t_sneaky BEFORE INSERT ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()",
    "CREATE FUNCTION public.t_sneaky() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "SET session_replication_role = replica",
    "SET LOCAL session_replication_role = replica",
    "SELECT set_config('session_replication_role', 'replica', true)",
    "ALTER TABLE audit_entry OWNER TO CURRENT_USER",
    "ALTER TABLE audit_entry RENAME TO audit_entry_old",
    "DROP TABLE audit_entry",
    f"SET ROLE {MIGRATION_ROLE}",
    "UPDATE audit_entry SET reason = 'rewritten'",
    "DELETE FROM audit_entry",
    "TRUNCATE audit_entry",
    "UPDATE alembic_version SET version_num = '0001'",
]


def _sqlstate(exc: DBAPIError) -> str | None:
    orig: Any = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig.__cause__, "sqlstate", None)
    return str(state) if state else None


async def test_the_session_of_the_app_is_the_runtime_role_not_a_superuser(
    connection: AsyncConnection,
) -> None:
    row = (
        await connection.execute(
            text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        )
    ).one()
    assert tuple(row) == (RUNTIME_ROLE, False)


@pytest.mark.parametrize("statement", BYPASSES)
async def test_the_runtime_role_cannot_bypass_the_audit_trail__XC_AUD(
    connection: AsyncConnection, statement: str
) -> None:
    entry_id = await connection.scalar(
        text(
            "INSERT INTO audit_entry (actor, actor_roles, entity_type, entity_id, action) "
            "VALUES ('user-ada', '{}', 'case', gen_random_uuid(), 'case.created') RETURNING id"
        )
    )

    with pytest.raises(DBAPIError) as refused:
        async with connection.begin_nested():
            await connection.execute(text(statement))

    assert _sqlstate(refused.value) == INSUFFICIENT_PRIVILEGE, refused.value
    facts = (
        await connection.execute(
            text(
                "SELECT (SELECT actor FROM audit_entry WHERE id = :id), "
                "current_setting('session_replication_role'), current_user, "
                "(SELECT string_agg(tgname || '=' || tgenabled::text, ',' ORDER BY tgname) "
                " FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass)"
            ),
            {"id": entry_id},
        )
    ).one()
    assert tuple(facts) == (
        "user-ada",
        "origin",
        RUNTIME_ROLE,
        "audit_entry_append_only=O,audit_entry_no_truncate=O",
    )


async def test_the_runtime_role_cannot_grant_itself_more_on_the_audit_table__XC_AUD(
    connection: AsyncConnection,
) -> None:
    # PostgreSQL only warns ("no privileges were granted"): the grant has no effect.
    await connection.execute(text("GRANT UPDATE, DELETE, TRUNCATE ON audit_entry TO CURRENT_USER"))

    rights = (
        await connection.execute(
            text(
                "SELECT has_table_privilege('audit_entry', 'UPDATE'), "
                "has_table_privilege('audit_entry', 'DELETE'), "
                "has_table_privilege('audit_entry', 'TRUNCATE'), "
                "has_table_privilege('audit_entry', 'INSERT'), "
                "has_table_privilege('audit_entry', 'SELECT')"
            )
        )
    ).one()
    assert tuple(rights) == (False, False, False, True, True)


async def test_the_runtime_role_adds_and_reads_audit_rows__XC_AUD(
    connection: AsyncConnection,
) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        entity_id = uuid.uuid4()
        entry_id = await record_audit(
            session, actor=ACTOR, entity_type="case", entity_id=entity_id, action="case.created"
        )
        found = await session.scalar(select(AuditEntry).where(AuditEntry.id == entry_id))

    assert found is not None
    assert (found.entity_id, found.action, found.actor) == (entity_id, "case.created", "user-ada")


async def test_tables_a_later_migration_adds_get_the_runtime_grants(
    migration_database_url: str, database_url: str
) -> None:
    """Default privileges: a table the migration role creates is usable by the runtime role."""
    name = f"t_later_{uuid.uuid4().hex[:12]}"
    owner = create_engine(migration_database_url, application_name="pytest-roles-owner")
    runtime = create_engine(database_url, application_name="pytest-roles-runtime")
    try:
        async with owner.begin() as conn:
            await conn.execute(
                text(f"CREATE TABLE {name} (id bigint GENERATED ALWAYS AS IDENTITY, v int)")
            )
        async with runtime.connect() as conn:
            trans = await conn.begin()
            await conn.execute(text(f"INSERT INTO {name} (v) VALUES (1)"))
            await conn.execute(text(f"UPDATE {name} SET v = 2"))
            assert await conn.scalar(text(f"SELECT v FROM {name}")) == 2
            await conn.execute(text(f"DELETE FROM {name}"))
            with pytest.raises(DBAPIError, match="must be owner"):
                async with conn.begin_nested():
                    await conn.execute(text(f"ALTER TABLE {name} ADD COLUMN w int"))
            await trans.rollback()
    finally:
        async with owner.begin() as conn:
            await conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
        await owner.dispose()
        await runtime.dispose()


# ---------------------------------------------------------------------------------------------
# The start-up check: production refuses a role that could bypass the trail
# ---------------------------------------------------------------------------------------------


@pytest.fixture
async def superuser_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The test server's admin (a superuser) on the service's test database."""
    name = database_url.rsplit("/", 1)[1].split("?", 1)[0]
    engine = create_engine(with_database(server_url(), name), application_name="pytest-roles-su")
    yield engine
    await engine.dispose()


async def test_the_check_passes_the_runtime_role_and_names_what_is_wrong_with_others(
    engine: AsyncEngine, migration_database_url: str, superuser_engine: AsyncEngine
) -> None:
    owner = create_engine(migration_database_url, application_name="pytest-roles-owner")
    try:
        async with engine.connect() as conn:
            runtime = await runtime_role_problems(conn)
        async with owner.connect() as conn:
            as_owner = await runtime_role_problems(conn)
        async with superuser_engine.connect() as conn:
            as_superuser = await runtime_role_problems(conn)
    finally:
        await owner.dispose()

    assert runtime == []
    assert as_owner == [
        "owns the database or its schema objects (or is a member of the owner)",
        "may UPDATE, DELETE, TRUNCATE or add triggers to audit_entry",
    ]
    assert as_superuser == [
        "is a superuser",
        "has CREATEROLE (it could grant itself the owner's role)",
        "owns the database or its schema objects (or is a member of the owner)",
        "may UPDATE, DELETE, TRUNCATE or add triggers to audit_entry",
    ]


async def test_outside_production_a_bad_role_is_a_warning(
    superuser_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="casework.db"):
        await require_runtime_role(superuser_engine, refuse=False)
    assert "audit trail not protected" in caplog.text


def _production_settings(url: str) -> IntakeSettings:
    # No subscribers: no relay, and nothing written to the shared test database.
    return IntakeSettings(
        database_url=url, ENV="production", jwt_jwks_url="https://login.example.invalid/keys",
        subscribers={},
    )  # fmt: skip


def _app(settings: IntakeSettings) -> FastAPI:
    # The shared factory every service uses, without touching the process's logging setup.
    return create_service_app(
        settings=settings, title="t", version="0.1.0", description="t", configure_logs=False
    )


def _as(url: str, user: str) -> str:
    """``url`` as ``user``, with a password that is not a placeholder (trust ignores it)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    password = parts.password or "Nq4-secret-in-the-url"
    return urlunsplit((parts.scheme, f"{user}:{password}@{host}", parts.path, parts.query, ""))


@pytest.mark.parametrize("who", ["superuser", "owner"])
async def test_production_refuses_to_start_as_superuser_or_owner_without_echoing_config(
    database_url: str, migration_database_url: str, who: str
) -> None:
    name = database_url.rsplit("/", 1)[1].split("?", 1)[0]
    if who == "superuser":
        admin = with_database(server_url(), name)
        url = _as(admin, urlsplit(admin).username or "postgres")
    else:
        url = _as(migration_database_url, MIGRATION_ROLE)
    settings = _production_settings(url)
    app = _app(settings)

    with pytest.raises(RuntimeRoleRefused) as refused:
        async with app.router.lifespan_context(app):
            pass

    message = str(refused.value)
    assert message.startswith("Refusing to start: the database role of database_url ")
    for value in (settings.database_url.get_secret_value(), name, MIGRATION_ROLE, "postgres"):
        assert value not in message
    assert "secret-in-the-url" not in message
    assert "127.0.0.1" not in message


async def test_production_starts_as_the_runtime_role(database_url: str) -> None:
    app = _app(_production_settings(_as(database_url, RUNTIME_ROLE)))

    async with app.router.lifespan_context(app):
        assert app.state.db is not None


async def test_the_refusal_is_raised_before_anything_is_served(
    superuser_engine: AsyncEngine,
) -> None:
    with pytest.raises(RuntimeRoleRefused, match="is a superuser"):
        await require_runtime_role(superuser_engine, refuse=True)

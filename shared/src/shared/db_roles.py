"""Database roles: a migration role owns each service's schema, the service runs as another.

The audit trail is append-only because PostgreSQL says so (``shared.migrations``), and only a role
that cannot undo that may run the service. So every service database has two roles:

- the **migration role** owns the database and every object in it, and runs Alembic;
- the **runtime role** is what the service (API, relay, seed) connects as: not a superuser, not
  the owner nor a member of it, with SELECT, INSERT, UPDATE and DELETE on the tables, USAGE and
  SELECT on the sequences, and only INSERT and SELECT on the append-only tables. It can neither
  ``ALTER TABLE audit_entry DISABLE TRIGGER`` (owner only) nor ``SET session_replication_role``
  (superuser only), nor UPDATE, DELETE or TRUNCATE the audit trail.

The runtime grants are applied by the migration role at the end of every ``alembic upgrade``
(:func:`runtime_grants`, run by ``shared.alembic_env``), not written into a migration: the role's
name belongs to the deployment, not to the schema's history, and re-granting after every upgrade
covers the tables a later migration adds and undoes any grant made by hand. Default privileges do
the same for tables the migration role creates outside Alembic.

``make run`` and the tests create both roles themselves (:func:`ensure_roles`); in production the
operator creates them (README, "Database roles"), and the service refuses to start as a role that
could bypass the audit trail (:func:`require_runtime_role`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db import create_engine

logger = logging.getLogger("casework.db")

# Tables the runtime role may only add to and read. The triggers of ``shared.migrations`` refuse
# changes to them even for their owner; the missing privileges refuse them to the runtime role.
APPEND_ONLY_TABLES = ("audit_entry",)


@dataclass(frozen=True)
class DatabaseRoles:
    """The two roles of one service's database."""

    migration: str
    runtime: str


def service_roles(family: str, service: str) -> DatabaseRoles:
    """The roles ``make run`` and the tests use for ``service`` (``<family>_<service>_…``).

    One pair per service, so a runtime role has grants on its own service's databases only.
    """
    return DatabaseRoles(
        migration=f"{family}_{service}_migrator", runtime=f"{family}_{service}_runtime"
    )


def quote_ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """``value`` as an SQL string literal (standard_conforming_strings is on since 9.1)."""
    return "'" + value.replace("'", "''") + "'"


def with_user(url: str, user: str) -> str:
    """``url`` connecting as ``user`` (the password, if any, is kept)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    userinfo = quote(user, safe="")
    if parts.password:
        userinfo += ":" + quote(parts.password, safe="")
    return urlunsplit((parts.scheme, f"{userinfo}@{host}", parts.path, parts.query, parts.fragment))


def runtime_grants(runtime_role: str) -> list[str]:
    """The statements the migration role runs after every upgrade to equip ``runtime_role``.

    Idempotent. Run by the owner of the schema's objects (or a superuser), in the migration's
    transaction.
    """
    role = quote_ident(runtime_role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        # Alembic's bookkeeping is the migration role's alone.
        f"REVOKE INSERT, UPDATE, DELETE ON TABLE alembic_version FROM {role}",
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(
            f"""
            DO $$
            BEGIN
                IF to_regclass({quote_literal(quote_ident(table))}) IS NOT NULL THEN
                    REVOKE ALL ON TABLE {quote_ident(table)} FROM {role};
                    GRANT SELECT, INSERT ON TABLE {quote_ident(table)} TO {role};
                END IF;
            END
            $$
            """
        )
    return [" ".join(s.split()) for s in statements]


def _create_role_sql(role: str, password: str | None) -> str:
    # INHERIT: the owner of a database acts through pg_database_owner, which owns `public`.
    login = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS"
    if password:
        login += f" PASSWORD {quote_literal(password)}"
    # Race-safe: another process may create the same role at the same moment (duplicate_object
    # when it committed first, unique_violation when we both inserted into pg_authid).
    return (
        "DO $$ BEGIN "
        f"CREATE ROLE {quote_ident(role)} {login}; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; "
        "END $$"
    )


async def ensure_roles(admin_url: str, roles: DatabaseRoles) -> None:
    """Create both roles if missing (``make run`` and the tests; an operator does it in production).

    ``admin_url`` must be a superuser's. The roles get the admin URL's password, if it has one,
    so that the same server accepts them; roles that already exist are left as they are.
    """
    password = urlsplit(admin_url).password
    engine = create_engine(
        admin_url, application_name="casework-roles", isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as conn:
            for role in (roles.migration, roles.runtime):
                await conn.execute(text(_create_role_sql(role, password)))
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------------------------------
# The start-up check
# ---------------------------------------------------------------------------------------------

_ROLE_FACTS = text(
    """
    SELECT r.rolsuper, r.rolcreaterole,
           pg_has_role(current_user, d.datdba, 'MEMBER') AS owns_database,
           EXISTS (
               SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'MEMBER')
           ) AS owns_objects,
           current_setting('server_version_num')::int AS version
    FROM pg_roles r, pg_database d
    WHERE r.rolname = current_user AND d.datname = current_database()
    """
)
_TABLE_RIGHTS = text(
    """
    SELECT has_table_privilege(current_user, c.oid, 'UPDATE')
        OR has_table_privilege(current_user, c.oid, 'DELETE')
        OR has_table_privilege(current_user, c.oid, 'TRUNCATE')
        OR has_table_privilege(current_user, c.oid, 'TRIGGER')
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname = :table
    """
)
_SET_REPLICATION_ROLE = text(
    "SELECT has_parameter_privilege(current_user, 'session_replication_role', 'SET')"
)


async def runtime_role_problems(conn: AsyncConnection) -> list[str]:
    """Why the connection's role could bypass the audit trail; empty when it cannot.

    The messages name no role, URL or other configuration value.
    """
    facts = (await conn.execute(_ROLE_FACTS)).one()
    problems = []
    if facts.rolsuper:
        problems.append("is a superuser")
    if facts.rolcreaterole:
        problems.append("has CREATEROLE (it could grant itself the owner's role)")
    if facts.owns_database or facts.owns_objects:
        problems.append("owns the database or its schema objects (or is a member of the owner)")
    for table in APPEND_ONLY_TABLES:
        if await conn.scalar(_TABLE_RIGHTS, {"table": table}):
            problems.append(f"may UPDATE, DELETE, TRUNCATE or add triggers to {table}")
    if not facts.rolsuper and facts.version >= 150000 and await conn.scalar(_SET_REPLICATION_ROLE):
        problems.append("may SET session_replication_role (which switches triggers off)")
    return problems


class RuntimeRoleRefused(RuntimeError):
    """The service was asked to run as a role that could bypass the audit trail."""


async def require_runtime_role(engine: AsyncEngine, *, refuse: bool) -> None:
    """Check the service's database role at start-up; refuse it when ``refuse`` (production).

    Outside production a problem is logged as a warning and the service starts.
    """
    async with engine.connect() as conn:
        problems = await runtime_role_problems(conn)
    if not problems:
        return
    message = (
        "the database role of database_url "
        + "; ".join(problems)
        + ": run the service as the runtime role, and migrations as the migration role "
        "(README, 'Database roles')"
    )
    if refuse:
        raise RuntimeRoleRefused(f"Refusing to start: {message}")
    logger.warning("audit trail not protected: %s", message)


async def check_service_role(engine: AsyncEngine, *, production: bool) -> None:
    """A service's start-up check (the API's lifespan, the standalone relay).

    Production fails closed: a role that could bypass the trail, or a database that cannot be
    asked, stops the start. Elsewhere a problem is a warning, and an unreachable database is left
    to the readiness check.
    """
    if production:
        await require_runtime_role(engine, refuse=True)
        return
    try:
        await require_runtime_role(engine, refuse=False)
    except (OSError, SQLAlchemyError) as exc:
        logger.warning("database role not checked: %s", type(exc).__name__)

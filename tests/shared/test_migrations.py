"""Every service's migrations go up, down to base and up again (STYLE "Tests"), on a scratch DB."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.alembic_env import alembic_config
from shared.db import Base, create_engine
from shared.testing.plugin import recreate_database, run_alembic, server_url

ROOT = Path(__file__).resolve().parents[2]
SHARED_TABLES = {
    "audit_entry",
    "idempotency_key",
    "outbox_event",
    "outbox_case_stream",
    "outbox_subscription",
    "outbox_delivery",
    "inbox_event",
}


@dataclass(frozen=True)
class Expected:
    name: str
    tables: frozenset[str]
    sequences: frozenset[str] = frozenset()

    @property
    def ini(self) -> Path:
        return ROOT / f"services/{self.name}-api/alembic.ini"


PEOPLE_TABLES = {
    "person",
    "consent",
    "reasonable_adjustment_request",
    "accessibility_request",
    "identity_verification",
    "mp_succession",
    "mp_deactivation_request",
}

CASE_TABLES = {
    "case_party",
    "case_organisation",
    "previous_contact_check",
    "case_link",
    "contact_attempt",
    "communication",
    "deadline",
    "deadline_extension",
    "case_task",
}

SERVICES = [
    Expected(
        "intake",
        frozenset(
            {
                *SHARED_TABLES,
                "case",
                "organisation",
                "organisation_pv_opt_out",
                *PEOPLE_TABLES,
                *CASE_TABLES,
            }
        ),
        frozenset({"case_reference_seq"}),
    ),
    Expected("assessment", frozenset({*SHARED_TABLES, "allocation_queue_entry"})),
    Expected("investigation", frozenset(SHARED_TABLES)),
    Expected("compliance", frozenset(SHARED_TABLES)),
]


@pytest.fixture
async def scratch_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    name = f"{request.param}_migrations_test_{os.getpid()}"
    url = await recreate_database(name)
    try:
        yield url
    finally:
        admin = create_engine(
            server_url(), application_name="pytest-admin", isolation_level="AUTOCOMMIT"
        )
        try:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            await admin.dispose()


async def _names(engine: AsyncEngine, sql: str) -> set[str]:
    async with engine.connect() as conn:
        return set((await conn.scalars(text(sql))).all())


TABLES = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
SEQUENCES = (
    "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"
)
FUNCTIONS = (
    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE n.nspname = 'public'"
)
TRIGGERS = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"


def _drift(connection: Connection, tables: frozenset[str]) -> list[Any]:
    # Base.metadata holds every service imported in this process: compare only this service's.
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        if table.name in tables:
            table.to_metadata(metadata)

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return type_ != "table" or name in tables

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    diff: list[Any] = compare_metadata(context, metadata)
    return diff


@pytest.mark.parametrize(
    ("service", "scratch_url"),
    [(s, s.name) for s in SERVICES],
    ids=[s.name for s in SERVICES],
    indirect=["scratch_url"],
)
async def test_migrations_upgrade_downgrade_upgrade(service: Expected, scratch_url: str) -> None:
    # Import the models so their tables are on Base.metadata for the drift check. Later
    # migrations may add tables: the expected ones must exist, and they must match their models.
    __import__(f"{service.name}_api.models")
    cfg = alembic_config(service.ini, scratch_url)
    engine = create_engine(scratch_url, application_name="pytest-migrations", pool_size=1)
    try:
        run_alembic(command.upgrade, cfg, "head")
        assert service.tables <= await _names(engine, TABLES)

        run_alembic(command.downgrade, cfg, "base")
        assert await _names(engine, TABLES) == {"alembic_version"}
        assert await _names(engine, SEQUENCES) == set()
        assert await _names(engine, FUNCTIONS) == set()
        assert await _names(engine, TRIGGERS) == set()

        run_alembic(command.upgrade, cfg, "head")
        assert service.tables <= await _names(engine, TABLES)
        assert service.sequences <= await _names(engine, SEQUENCES)
        assert {"audit_entry_append_only", "audit_entry_no_truncate"} <= await _names(
            engine, TRIGGERS
        )
        async with engine.connect() as conn:
            diff = await conn.run_sync(_drift, service.tables)
        assert diff == [], f"models and migrations disagree: {diff}"
    finally:
        await engine.dispose()

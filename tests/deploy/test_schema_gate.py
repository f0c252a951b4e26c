"""shared.schema_gate: a new version's pods wait until their migration Job has run.

It is what orders the migration before the new version serves in deploy/k8s (the init container
of every API and relay pod), so each way it can answer is tested against real databases.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command

from shared.alembic_env import alembic_config
from shared.db_roles import with_user
from shared.schema_gate import (
    SchemaState,
    main,
    schema_state,
    script_directory,
    wait_for_schema,
)
from shared.testing.plugin import (
    TEST_ROLE_FAMILY,
    drop_database,
    migrated_database,
    recreate_database,
    run_alembic,
)

ROOT = Path(__file__).resolve().parents[2]
INTAKE_INI = ROOT / "services/intake-api/alembic.ini"


def test_schema_state_compares_the_database_with_the_code_head() -> None:
    script = script_directory(INTAKE_INI)
    (head,) = script.get_heads()
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    assert schema_state(script, {head}) is SchemaState.current
    assert schema_state(script, {previous}) is SchemaState.behind
    assert schema_state(script, {"0001"}) is SchemaState.behind
    assert schema_state(script, set()) is SchemaState.missing
    # A revision this code does not know comes from a later release (a roll-back): go ahead.
    assert schema_state(script, {"9999_from_a_later_release"}) is SchemaState.ahead


async def test_a_database_at_head_lets_the_pod_start(database_url: str) -> None:
    """The runtime role may read alembic_version: the gate runs with the service's own URL."""
    seen: list[str] = []
    state = await wait_for_schema(INTAKE_INI, database_url, timeout_s=10, say=seen.append)
    assert state is SchemaState.current
    assert len(seen) == 1
    assert seen[0].startswith("schema current (database at ")
    assert "postgresql" not in seen[0]  # the URL (and its password) is never logged


@pytest.fixture
async def behind_database() -> AsyncIterator[tuple[str, str]]:
    """An intake database one migration behind the code: (runtime URL, migration URL)."""
    name = f"intake_gate_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    db = await migrated_database("intake", INTAKE_INI, name)
    config = alembic_config(INTAKE_INI, db.migration_url)
    run_alembic(command.downgrade, config, "-1")
    try:
        yield db.runtime_url, db.migration_url
    finally:
        await drop_database(name)


async def test_a_database_behind_holds_the_pod_until_the_migration_ran(
    behind_database: tuple[str, str],
) -> None:
    runtime_url, migration_url = behind_database
    seen: list[str] = []
    with pytest.raises(TimeoutError, match="schema behind"):
        await wait_for_schema(
            INTAKE_INI, runtime_url, timeout_s=0.5, interval_s=0.1, say=seen.append
        )
    assert len(seen) == 1  # one line per change, not one per poll
    config = alembic_config(
        INTAKE_INI, migration_url, runtime_role=f"{TEST_ROLE_FAMILY}_intake_runtime"
    )
    run_alembic(command.upgrade, config, "head")
    assert await wait_for_schema(INTAKE_INI, runtime_url, timeout_s=5) is SchemaState.current


async def test_an_unmigrated_or_unreachable_database_times_out() -> None:
    name = f"intake_gate_empty_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = await recreate_database(name)
    try:
        with pytest.raises(TimeoutError, match="schema missing"):
            await wait_for_schema(INTAKE_INI, url, timeout_s=0.3, interval_s=0.1)
    finally:
        await drop_database(name)
    unreachable = with_user("postgresql://127.0.0.1:1/nowhere", "nobody")
    with pytest.raises(TimeoutError, match="database not reachable yet"):
        await wait_for_schema(INTAKE_INI, unreachable, timeout_s=0.3, interval_s=0.1)


def test_the_command_line_exits_non_zero_without_its_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # Leave this process's logging as the test session set it.
    monkeypatch.setattr("shared.schema_gate.configure_logging", lambda level: None)
    monkeypatch.delenv("GATE_TEST_URL", raising=False)
    assert main(["--alembic-ini", str(INTAKE_INI), "--url-env", "GATE_TEST_URL"]) == 2
    monkeypatch.setenv("GATE_TEST_URL", "postgresql://nobody@127.0.0.1:1/nowhere")
    args = ["--alembic-ini", str(INTAKE_INI), "--url-env", "GATE_TEST_URL", "--timeout", "0.2"]
    assert main([*args, "--interval", "0.1"]) == 1

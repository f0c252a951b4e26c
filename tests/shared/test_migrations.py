"""Every service's migrations go up, down to base and up again, on a scratch DB.

(docs/architecture.md, Tests.)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
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
    "case_approval",
    "case_support",
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
    Expected(
        "assessment",
        frozenset(
            {
                *SHARED_TABLES,
                "allocation_queue_entry",
                "staff_member",
                "staff_conflict",
                "allocation_deadline",
                "allocation_task",
                "allocation_approval",
                "assessment_case",
                "decline_decision",
                "decision_communication",
                "decision_approval",  # its FK target: the decision's approval (ASM-172)
            }
        ),
    ),
    Expected(
        "investigation",
        frozenset(
            {
                *SHARED_TABLES,
                "investigation",
                "investigation_organisation",
                "investigation_party",
                "investigation_milestone",
                "proposal_comment_deadline",
            }
        ),
    ),
    Expected(
        "compliance",
        frozenset(
            {
                *SHARED_TABLES,
                "risk_assessment",
                "risk_entry",
                "risk_uplift",
                "risk_approval",
                "risk_escalation",
                "risk_task",
                "risk_update_deadline",
                "risk_oversight_update",
                "risk_oversight_record",
                "risk_breach_report",
                "legal_referral",
                "risk_prompt",
                "compliance_item",
            }
        ),
    ),
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


@pytest.mark.parametrize("scratch_url", ["intake_0014"], indirect=True)
async def test_special_handling_decisions_move_to_case_approval_and_back__INT_025(
    scratch_url: str,
) -> None:
    """0014 copies every INT-025 request and decision onto the approvals table, losing none."""
    cfg = alembic_config(SERVICES[0].ini, scratch_url)
    engine = create_engine(scratch_url, application_name="pytest-migrations", pool_size=1)
    case_sql = text(
        'INSERT INTO "case" (id, reference, status, case_type, channel, received_date, '
        "created_by, version, priority, priority_requested_by, priority_approved_by, "
        "priority_approved_at, special_handling_reason) VALUES (gen_random_uuid(), :ref, "
        "'intake', 'complaint', 'email', '2026-11-02', 'ic-1', 1, :priority, :req, :appr, "
        ":at, 'terminal illness') RETURNING id"
    )
    audit_sql = text(
        "INSERT INTO audit_entry (occurred_at, actor, actor_roles, entity_type, entity_id, "
        "case_id, action) VALUES (:at, :actor, :roles, 'case', :id, :id, :action)"
    )
    approved_at = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    try:
        run_alembic(command.upgrade, cfg, "0013")
        async with engine.begin() as conn:
            approved = await conn.scalar(case_sql, {
                "ref": "C-1", "priority": "high", "req": "ic-alice", "appr": "om-bob",
                "at": approved_at,
            })  # fmt: skip
            pending = await conn.scalar(case_sql, {
                "ref": "C-2", "priority": "standard", "req": "ic-carol", "appr": None, "at": None,
            })  # fmt: skip
            await conn.scalar(case_sql, {
                "ref": "C-3", "priority": "standard", "req": None, "appr": None, "at": None,
            })  # fmt: skip
            for case_id, actor, roles, action, at in (
                (approved, "ic-alice", ["intake_caseworker"], "case.priority_requested",
                 datetime(2026, 11, 2, 15, 0, tzinfo=UTC)),
                (approved, "om-bob", ["operations_manager"], "case.priority_approved",
                 approved_at),
            ):  # fmt: skip
                await conn.execute(audit_sql, {
                    "at": at, "actor": actor, "roles": roles, "id": case_id, "action": action,
                })  # fmt: skip
        run_alembic(command.upgrade, cfg, "0014")
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT case_id, kind, requested_by, requested_at, request_reason, "
                        "decision, decided_by, decided_by_roles, decided_at "
                        "FROM case_approval ORDER BY requested_by"
                    )
                )
            ).all()
        assert len(rows) == 2  # the case with no request has no approval
        first, second = rows
        assert first.case_id == approved
        assert first.kind == "special_handling"
        assert first.requested_by == "ic-alice"
        assert first.requested_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
        assert first.request_reason == "terminal illness"
        assert (first.decision, first.decided_by) == ("approved", "om-bob")
        assert first.decided_by_roles == ["operations_manager"]
        assert first.decided_at == approved_at
        assert second.case_id == pending
        assert second.requested_by == "ic-carol"
        assert (second.decision, second.decided_by, second.decided_at) == (None, None, None)

        run_alembic(command.downgrade, cfg, "0013")
        assert "case_approval" not in await _names(engine, TABLES)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("scratch_url", ["intake_0015"], indirect=True)
async def test_work_queue_keys_are_backfilled_and_then_kept(scratch_url: str) -> None:
    """0015 fills the case's next clock and the owner's copies from the rows already there, and
    its triggers keep them from then on (issue #15 item 19)."""
    cfg = alembic_config(SERVICES[0].ini, scratch_url)
    engine = create_engine(scratch_url, application_name="pytest-migrations", pool_size=1)
    case_sql = text(
        'INSERT INTO "case" (id, reference, status, case_type, channel, received_date, '
        "owner, created_by, version, priority) VALUES (gen_random_uuid(), :ref, 'intake', "
        "'complaint', 'email', '2026-11-02', :owner, 'ic-1', 1, 'standard') RETURNING id"
    )
    deadline_sql = text(
        "INSERT INTO deadline (id, case_id, kind, rule, starts_on, due_date, met_at, "
        "cancelled_at) VALUES (:id, :case_id, :kind, 'r', '2026-11-02', :due, :met, :cancelled)"
    )
    met = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    first, second, third = (uuid.UUID(int=n) for n in (1, 2, 3))
    try:
        run_alembic(command.upgrade, cfg, "0014")
        async with engine.begin() as conn:
            busy = await conn.scalar(case_sql, {"ref": "C-1", "owner": "ic-alice"})
            quiet = await conn.scalar(case_sql, {"ref": "C-2", "owner": None})
            for row in (
                # met and cancelled clocks do not count, however early
                (uuid.uuid4(), busy, "callback", date(2026, 11, 4), met, None),
                (uuid.uuid4(), busy, "acknowledgement", date(2026, 11, 5), None, met),
                # a tie on the date goes to the lower id
                (second, busy, "intake_contact", date(2026, 11, 16), None, None),
                (first, busy, "acknowledgement", date(2026, 11, 16), None, None),
                # extended from 9 Nov to 20 Nov: the extension's date counts
                (third, busy, "information", date(2026, 11, 9), None, None),
                (uuid.uuid4(), quiet, "intake_contact", date(2026, 11, 16), met, None),
            ):
                await conn.execute(deadline_sql, dict(zip(
                    ("id", "case_id", "kind", "due", "met", "cancelled"), row, strict=True
                )))  # fmt: skip
            await conn.execute(
                text(
                    "INSERT INTO deadline_extension (id, deadline_id, new_due_date, reason, "
                    "is_reasonable_adjustment, granted_by) VALUES (gen_random_uuid(), :id, "
                    "'2026-11-20', 'more time', false, 'ic-alice')"
                ),
                {"id": third},
            )
            await conn.execute(
                text(
                    "INSERT INTO case_task (id, case_id, kind, rule, created_by) "
                    "VALUES (gen_random_uuid(), :id, 'send_copy_to_new_mp', 'r', 'ic-1')"
                ),
                {"id": busy},
            )
        run_alembic(command.upgrade, cfg, "0015")

        async def keys(case_id: uuid.UUID) -> tuple[Any, ...]:
            async with engine.connect() as conn:
                row = (
                    await conn.execute(
                        text(
                            "SELECT c.next_due_date, c.next_due_kind, array_agg(DISTINCT "
                            'd.case_owner) AS owners FROM "case" c JOIN deadline d ON '
                            "d.case_id = c.id WHERE c.id = :id GROUP BY c.id"
                        ),
                        {"id": case_id},
                    )
                ).one()
            return tuple(row)

        assert await keys(busy) == (date(2026, 11, 16), "acknowledgement", ["ic-alice"])
        assert await keys(quiet) == (None, None, [None])
        async with engine.connect() as conn:
            assert await conn.scalar(
                text("SELECT case_owner FROM case_task WHERE case_id = :id"), {"id": busy}
            ) == "ic-alice"  # fmt: skip

        # From now on the triggers keep them: the tie's winner met, the case handed over.
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE deadline SET met_at = :at WHERE id = :id"), {"at": met, "id": first}
            )
            await conn.execute(
                text('UPDATE "case" SET owner = :owner WHERE id = :id'),
                {"owner": "ic-bob", "id": busy},
            )
        assert await keys(busy) == (date(2026, 11, 16), "intake_contact", ["ic-bob"])

        run_alembic(command.downgrade, cfg, "0014")
        assert "case_next_due_refresh" not in await _names(engine, FUNCTIONS)
    finally:
        await engine.dispose()

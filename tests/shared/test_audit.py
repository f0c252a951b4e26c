"""The append-only audit trail (DESIGN §3 "Audit", XC-AUD)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import AuditEntry, list_audit, record_audit
from shared.auth import Principal
from shared.db import create_engine
from shared.logging import reset_request_id, set_request_id

ACTOR = Principal(sub="user-ada", roles=frozenset({"senior_caseworker", "caseworker"}))


async def _rows_for(session: AsyncSession, entity_id: uuid.UUID) -> int:
    n = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == entity_id)
    )
    return int(n or 0)


async def test_record_audit_captures_who_what_why_and_request_id__XC_AUD(
    session: AsyncSession,
) -> None:
    entity_id, case_id = uuid.uuid4(), uuid.uuid4()
    token = set_request_id("req-audit-1")
    try:
        await record_audit(
            session,
            actor=ACTOR,
            entity_type="case",
            entity_id=entity_id,
            case_id=case_id,
            action="case.priority_changed",
            before={"priority": "standard"},
            after={"priority": "urgent"},
            reason="Complainant is terminally ill",
        )
    finally:
        reset_request_id(token)
    await session.flush()

    session.expunge_all()
    row = await session.scalar(select(AuditEntry).where(AuditEntry.entity_id == entity_id))
    assert row is not None
    assert row.actor == "user-ada"
    assert row.actor_roles == ["caseworker", "senior_caseworker"]
    assert row.entity_type == "case"
    assert row.case_id == case_id
    assert row.action == "case.priority_changed"
    assert row.before == {"priority": "standard"}
    assert row.after == {"priority": "urgent"}
    assert row.reason == "Complainant is terminally ill"
    assert row.request_id == "req-audit-1"
    assert row.occurred_at.tzinfo is not None


async def test_record_audit_rolls_back_with_the_change(session: AsyncSession) -> None:
    entity_id = uuid.uuid4()
    nested = await session.begin_nested()
    await record_audit(
        session, actor=ACTOR, entity_type="case", entity_id=entity_id, action="case.created"
    )
    await session.flush()
    # Same transaction: visible before commit.
    assert await _rows_for(session, entity_id) == 1
    await nested.rollback()

    assert await _rows_for(session, entity_id) == 0


async def test_list_audit_returns_one_entitys_rows_oldest_first(session: AsyncSession) -> None:
    entity_id, other_id = uuid.uuid4(), uuid.uuid4()
    for action in ("case.created", "case.updated", "case.closed"):
        await record_audit(
            session, actor=ACTOR, entity_type="case", entity_id=entity_id, action=action
        )
        await session.flush()
    await record_audit(
        session, actor=ACTOR, entity_type="case", entity_id=other_id, action="case.created"
    )
    await record_audit(
        session, actor=ACTOR, entity_type="person", entity_id=entity_id, action="person.created"
    )
    await session.flush()

    rows = await list_audit(session, entity_type="case", entity_id=entity_id)

    assert [r.action for r in rows] == ["case.created", "case.updated", "case.closed"]


REWRITES = [
    "UPDATE audit_entry SET reason = 'rewritten' WHERE id = :id",
    "UPDATE audit_entry SET actor = 'someone-else'",
    "DELETE FROM audit_entry WHERE id = :id",
    "DELETE FROM audit_entry",
    "TRUNCATE audit_entry",
]


@pytest.mark.parametrize("statement", REWRITES)
async def test_the_service_may_not_rewrite_audit_history__XC_AUD(
    session: AsyncSession, statement: str
) -> None:
    # The session is the service's runtime role: it has no UPDATE, DELETE or TRUNCATE on the
    # table, so PostgreSQL refuses before the trigger is even reached.
    entry_id = await record_audit(
        session, actor=ACTOR, entity_type="case", entity_id=uuid.uuid4(), action="case.created"
    )

    with pytest.raises(DBAPIError, match="permission denied for table audit_entry"):
        async with session.begin_nested():
            await session.execute(text(statement), {"id": entry_id})

    reason = await session.scalar(select(AuditEntry.reason).where(AuditEntry.id == entry_id))
    actor = await session.scalar(select(AuditEntry.actor).where(AuditEntry.id == entry_id))
    assert (reason, actor) == (None, "user-ada")


@pytest.mark.parametrize("statement", REWRITES)
async def test_postgres_refuses_to_rewrite_audit_history_even_to_its_owner__XC_AUD(
    migration_database_url: str, statement: str
) -> None:
    # Defence in depth: the migration role owns the table, and the trigger still refuses.
    owner = create_engine(migration_database_url, application_name="pytest-audit-owner")
    try:
        async with owner.connect() as conn:
            trans = await conn.begin()
            entry_id = await conn.scalar(
                text(
                    "INSERT INTO audit_entry (actor, actor_roles, entity_type, entity_id, action) "
                    "VALUES ('user-ada', '{}', 'case', gen_random_uuid(), 'case.created') "
                    "RETURNING id"
                )
            )
            with pytest.raises(DBAPIError, match="append-only"):
                async with conn.begin_nested():
                    await conn.execute(text(statement), {"id": entry_id})
            actor = await conn.scalar(
                text("SELECT actor FROM audit_entry WHERE id = :id"), {"id": entry_id}
            )
            await trans.rollback()
    finally:
        await owner.dispose()
    assert actor == "user-ada"

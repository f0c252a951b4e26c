"""Each work queue's plan is one index range in the queue's order, whatever the planner's
statistics know of the owner (issue #15 item 19: 2,095 open cases took 2.1 s on stale statistics).

On a database of its own (the shared test database's statistics are whatever other tests left):
an office of 200 caseworkers' cases (mostly closed) and ten caseworkers' open ones, then one
owner's 1,200 open cases with their clocks, tasks and contacts, never analysed (no statistics at
all); then ANALYZE, and a second owner's 1,200 cases loaded after it (statistics that know
nothing of that owner, as on a server whose autovacuum lags). Each queue for those owners is
explained as the service reads a page (a custom plan, in a transaction with sorting off) and as
a prepared statement's generic plan would run it.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from alembic import command
from sqlalchemy import Select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from intake_api.workqueues import repository as wq
from shared.alembic_env import alembic_config
from shared.db import with_database
from shared.testing.plugin import recreate_database, run_alembic

INI = Path(__file__).resolve().parents[3] / "services/intake-api/alembic.ini"
UNANALYSED = f"caseworker-unanalysed-{uuid.uuid4().hex[:8]}"
STALE = f"caseworker-stale-{uuid.uuid4().hex[:8]}"
CASES = 1200
LIMIT = 21  # a page of 20 and one more, as the service reads it
TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
PER_CASE = frozenset({"deadline", "case_task", "contact_attempt"})

# An office: 200 caseworkers, most of their cases long closed, about 4% still open; so the
# statistics' guess for an owner they have not seen is an average caseload of a page or so.
OFFICE = """
INSERT INTO "case" (id, reference, status, case_type, channel, received_date, owner, created_by,
                    version, priority, organisation_ids, next_due_date)
SELECT gen_random_uuid(), 'OFFICE-' || g, CASE WHEN g % 25 = 0 THEN 'intake' ELSE 'closed' END,
       'complaint', 'email', DATE '2026-11-02' - (g % 900), 'office-' || (g % 200), 'office', 1,
       'standard', '{}', CASE WHEN g % 25 = 0 THEN DATE '2026-11-02' + (g % 30) END
FROM generate_series(1, 20000) AS g
"""

SEED = (
    # Open cases over the last 60 days, every fifth one awaiting information.
    """
    INSERT INTO "case" (id, reference, status, case_type, channel, received_date, owner,
                        created_by, version, priority, organisation_ids)
    SELECT gen_random_uuid(), :prefix || g,
           CASE WHEN g % 5 = 0 THEN 'awaiting_information' ELSE 'intake' END,
           'complaint', 'email', CAST(:today AS date) - (g % 60), :owner, :owner, 1,
           'standard', '{}'
    FROM generate_series(1, :cases) AS g
    """,
    # C-01 and C-03 from receipt: many overdue.
    """
    INSERT INTO deadline (id, case_id, kind, rule, starts_on, due_date)
    SELECT gen_random_uuid(), c.id, k.kind, 'plan test', c.received_date,
           c.received_date + 14
    FROM "case" c CROSS JOIN (VALUES ('intake_contact'), ('acknowledgement')) AS k (kind)
    WHERE c.owner = :owner
    """,
    # C-02 passed for the cases awaiting information, C-04 overdue on every third case.
    """
    INSERT INTO deadline (id, case_id, kind, rule, starts_on, due_date)
    SELECT gen_random_uuid(), c.id, 'information', 'plan test', c.received_date,
           c.received_date + 7
    FROM "case" c WHERE c.owner = :owner AND c.status = 'awaiting_information'
    """,
    """
    INSERT INTO deadline (id, case_id, kind, rule, starts_on, due_date, due_at)
    SELECT gen_random_uuid(), c.id, 'callback', 'plan test', c.received_date,
           c.received_date + 2, (c.received_date + 2)::timestamp AT TIME ZONE 'UTC'
    FROM "case" c WHERE c.owner = :owner AND right(c.reference, 1) IN ('0', '3', '6')
    """,
    """
    INSERT INTO case_task (id, case_id, kind, rule, created_by)
    SELECT gen_random_uuid(), c.id, 'request_written_response', 'plan test', :owner
    FROM "case" c WHERE c.owner = :owner
    """,
    # A complainant each; every fourth one reached, without the INT-011 discussions.
    """
    INSERT INTO case_party (id, case_id, person_id, role, authority_to_receive_info)
    SELECT gen_random_uuid(), c.id, gen_random_uuid(), 'complainant', false
    FROM "case" c WHERE c.owner = :owner
    """,
    """
    INSERT INTO contact_attempt (id, case_id, person_id, channel, direction, attempted_at,
                                 outcome, expectations_explained, adjustments_discussed,
                                 recorded_by)
    SELECT gen_random_uuid(), p.case_id, p.person_id, 'telephone', 'outbound',
           now() - interval '1 day', 'reached', false, false, :owner
    FROM case_party p JOIN "case" c ON c.id = p.case_id
    WHERE c.owner = :owner AND right(c.reference, 1) IN ('0', '4', '8')
    """,
)


def _positional(sql: str) -> tuple[str, list[str]]:
    """``:name`` parameters as asyncpg's ``$n``, and the names in their order."""
    pattern = r"(?<!:):(\w+)\b"
    names = list(dict.fromkeys(re.findall(pattern, sql)))
    return re.sub(pattern, lambda m: f"${names.index(m.group(1)) + 1}", sql), names


async def _load(conn: asyncpg.Connection, owner: str, cases: int) -> None:
    values = {"owner": owner, "cases": cases, "today": TODAY, "prefix": owner + "-"}
    for sql in SEED:
        positional, names = _positional(sql)
        await conn.execute(positional, *(values[n] for n in names))


@pytest.fixture
async def loaded() -> AsyncIterator[asyncpg.Connection]:
    """A migrated database of its own: see the module's docstring."""
    name = f"intake_queue_plans_{os.getpid()}"
    url = await recreate_database(name)
    run_alembic(command.upgrade, alembic_config(INI, url), "head")
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(OFFICE)
        for i in range(10):
            await _load(conn, f"caseworker-{i:02d}-{uuid.uuid4().hex[:4]}", 120)
        await _load(conn, UNANALYSED, CASES)
        yield conn
    finally:
        await conn.close()
        admin = await asyncpg.connect(with_database(url, "postgres"))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def _queries(owner: str) -> dict[str, Select[Any]]:
    return {
        "my-open-cases": wq.my_open_cases_query(owner=owner, after=None, limit=LIMIT),
        "overdue-acknowledgements": wq.overdue_acknowledgements_query(
            today=TODAY, owner=owner, after=None, limit=LIMIT
        ),
        "information-deadlines-passed": wq.information_deadlines_passed_query(
            today=TODAY, owner=owner, after=None, limit=LIMIT
        ),
        "two-week-contact": wq.two_week_contact_query(
            due_by=TODAY + timedelta(days=3), owner=owner, after=None, limit=LIMIT
        ),
        "overdue-callbacks": wq.overdue_callbacks_query(
            now=NOW, owner=owner, after=None, limit=LIMIT
        ),
        "open-tasks": wq.open_tasks_query(owner=owner, after=None, limit=LIMIT),
        "contacts-missing-discussion": wq.contacts_missing_discussion_query(
            missing=None, owner=owner, since=None, before=None, after=None, limit=LIMIT
        ),
    }


# The index each queue's first scan reads for one owner.
OWNER_INDEX = {
    "my-open-cases": ("case", "ix_case_owner_next_due"),
    "overdue-acknowledgements": ("deadline", "ix_deadline_owner_open_due"),
    "information-deadlines-passed": ("deadline", "ix_deadline_owner_open_effective_due"),
    "two-week-contact": ("deadline", "ix_deadline_owner_open_due"),
    "overdue-callbacks": ("deadline", "ix_deadline_owner_open_due_at"),
    "open-tasks": ("case_task", "ix_case_task_owner_open"),
    "contacts-missing-discussion": (
        "contact_attempt",
        "ix_contact_attempt_owner_missing_discussion",
    ),
}
# Index entries a page may read: the page, or for INT-008 the page and the owner's cases whose
# complainant was reached (a quarter here), which the queue skips with one probe each.
READ_AT_MOST = {"two-week-contact": 2 * LIMIT}


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _compiled(stmt: Select[Any]) -> tuple[str, list[Any]]:
    """The SQL and values the service sends (asyncpg's positional parameters)."""
    dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    return compiled.string, [compiled.params[name] for name in compiled.positiontup or ()]


def _literal(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + str(getattr(value, "value", value)).replace("'", "''") + "'"


def _outline(nodes: list[dict[str, Any]]) -> list[str]:
    """The plan in one line a node, for a failure's message."""
    return [
        " ".join(str(n[k]) for k in ("Node Type", "Relation Name", "Index Name", "Plan Rows")
                 if k in n)
        for n in nodes
    ]  # fmt: skip


def _check(name: str, plan: dict[str, Any], *, analysed: bool) -> None:
    nodes = list(_nodes(plan))
    why = (name, _outline(nodes))
    table, index = OWNER_INDEX[name]
    scans = [n for n in nodes if n.get("Relation Name") == table]
    assert scans, why
    first = scans[0]
    assert first["Node Type"] in ("Index Scan", "Index Only Scan"), why
    assert first["Index Name"] == index, why
    assert not [n for n in nodes if "Sort" in n["Node Type"]], why
    assert not [n for n in nodes if n["Node Type"] == "Seq Scan"], why
    if name == "my-open-cases":  # nothing looked up per case: the case row has its next clock
        assert not {n.get("Relation Name") for n in nodes} & PER_CASE, why
    if analysed:  # a page reads a page of index entries, not the owner's 1,200 cases
        read = first["Actual Rows"] * first["Actual Loops"]
        assert read <= READ_AT_MOST.get(name, LIMIT), (read, *why)


async def _plan(conn: asyncpg.Connection, explain: str, *args: Any) -> dict[str, Any]:
    """``explain``'s plan, in a transaction set up as the service reads a page."""
    async with conn.transaction():
        await conn.execute(wq.NO_SORT)
        plan: dict[str, Any] = json.loads(await conn.fetchval(explain, *args))[0]
    return plan


async def _explain(conn: asyncpg.Connection, name: str, stmt: Select[Any]) -> None:
    sql, args = _compiled(stmt)
    # The plan's shape first: a bad one fails here rather than running into the timeout.
    _check(name, (await _plan(conn, f"EXPLAIN (FORMAT JSON) {sql}", *args))["Plan"],
           analysed=False)  # fmt: skip
    result = await _plan(conn, f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", *args)
    _check(name, result["Plan"], analysed=True)
    assert result["Plan"]["Actual Rows"] == LIMIT, name  # the owner has a page in each


async def _generic(conn: asyncpg.Connection, name: str, stmt: Select[Any]) -> None:
    """asyncpg prepares statements, and PostgreSQL may switch one to a generic plan that cannot
    see the values: the statuses and the far date are literals, so the indexes still apply."""
    sql, args = _compiled(stmt)
    statement = f"plan_{name.replace('-', '_')}"
    await conn.execute(f"PREPARE {statement} AS {sql}")
    try:
        explain = f"EXPLAIN (FORMAT JSON) EXECUTE {statement}({', '.join(map(_literal, args))})"
        plan = await _plan(conn, explain)
    finally:
        await conn.execute(f"DEALLOCATE {statement}")
    _check(name, plan["Plan"], analysed=False)


async def test_every_queue_reads_one_index_range_without_or_with_stale_statistics(
    loaded: asyncpg.Connection,
) -> None:
    for name, stmt in _queries(UNANALYSED).items():  # never analysed
        await _explain(loaded, name, stmt)
    await loaded.execute('ANALYZE "case", deadline, case_task, contact_attempt, case_party')
    await _load(loaded, STALE, CASES)  # after the statistics were taken
    for name, stmt in _queries(STALE).items():
        await _explain(loaded, name, stmt)
    await loaded.execute("SET plan_cache_mode = force_generic_plan")
    for name, stmt in _queries(STALE).items():
        await _generic(loaded, name, stmt)

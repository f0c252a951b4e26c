"""Every work queue reads one index in its own order, whatever the owner's size or the statistics.

``my-open-cases`` looked up each open case's next clock (a lateral subquery per case): its cost
grew with the owner's open cases, and with stale statistics the planner made it worse (2.1 s for
2,095 cases). The owner-filtered deadline, task and contact queues walked the office-wide index
and threw away the other owners' rows. Now the keys the queues sort and filter on are columns,
kept by PostgreSQL in the transaction that changes what they derive from:

- ``case.next_due_date`` / ``case.next_due_kind``: the case's open clock that falls first (the
  earliest effective due date, then the lowest deadline id), or null. Statement triggers on
  ``deadline`` recompute them for the cases whose clocks were created, met, cancelled, extended
  (the extension trigger moves ``effective_due_date``) or deleted. The recount first locks those
  cases (``FOR NO KEY UPDATE``), so two transactions changing one case's clocks cannot both read
  the other's change as missing; ``ix_case_owner_next_due`` is the owner's open cases in the
  queue's order.
- ``deadline.case_owner``, ``case_task.case_owner``, ``contact_attempt.case_owner``: the case's
  owner now, copied when the row is made and moved when the case changes hands, so "only my
  cases" is the leading column of the queue's index rather than a filter.

Existing rows are backfilled before the triggers exist.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "met_at IS NULL AND cancelled_at IS NULL"
OPEN_CASE = (
    "status IN ('received', 'intake', 'awaiting_information', 'joint_working_review', "
    "'restart_review')"
)
MISSING_DISCUSSION = (
    "outcome = 'reached' AND NOT (expectations_explained AND adjustments_discussed)"
)
CHILDREN = ("deadline", "case_task", "contact_attempt")

_FUNCTIONS = (
    """
    CREATE FUNCTION case_next_due_refresh(case_ids uuid[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        -- Lock first, in id order; the recount is a new statement, so it sees every change
        -- committed by a transaction that held one of these cases before us.
        PERFORM 1 FROM "case" WHERE id = ANY (case_ids) ORDER BY id FOR NO KEY UPDATE;
        UPDATE "case" c SET next_due_date = n.due, next_due_kind = n.kind
        FROM (
            SELECT ids.id, first.due, first.kind
            FROM unnest(case_ids) AS ids (id)
            LEFT JOIN LATERAL (
                SELECT d.effective_due_date AS due, d.kind FROM deadline d
                WHERE d.case_id = ids.id AND d.met_at IS NULL AND d.cancelled_at IS NULL
                ORDER BY d.effective_due_date, d.id LIMIT 1
            ) first ON true
        ) n
        WHERE c.id = n.id
          AND (c.next_due_date, c.next_due_kind) IS DISTINCT FROM (n.due, n.kind);
    END $$
    """,
    """
    CREATE FUNCTION deadline_inserted_moves_next_due() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM case_next_due_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION deadline_updated_moves_next_due() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM case_next_due_refresh(ARRAY(
            SELECT n.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.case_id, n.kind, n.effective_due_date, n.met_at, n.cancelled_at)
                  IS DISTINCT FROM (o.case_id, o.kind, o.effective_due_date, o.met_at,
                                    o.cancelled_at)
            UNION
            SELECT o.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.case_id IS DISTINCT FROM o.case_id
        ));
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION deadline_deleted_moves_next_due() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM case_next_due_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION copy_case_owner() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- The same lock a change of owner takes: whichever commits first, the other sees it.
        SELECT c.owner INTO NEW.case_owner FROM "case" c WHERE c.id = NEW.case_id
            FOR NO KEY UPDATE;
        RETURN NEW;
    END $$
    """,
    """
    CREATE FUNCTION case_owner_moves_with_case() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE deadline SET case_owner = NEW.owner
            WHERE case_id = NEW.id AND case_owner IS DISTINCT FROM NEW.owner;
        UPDATE case_task SET case_owner = NEW.owner
            WHERE case_id = NEW.id AND case_owner IS DISTINCT FROM NEW.owner;
        UPDATE contact_attempt SET case_owner = NEW.owner
            WHERE case_id = NEW.id AND case_owner IS DISTINCT FROM NEW.owner;
        RETURN NULL;
    END $$
    """,
)

_TRIGGERS = (
    """
    CREATE TRIGGER deadline_inserted_moves_next_due AFTER INSERT ON deadline
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION deadline_inserted_moves_next_due()
    """,
    """
    CREATE TRIGGER deadline_updated_moves_next_due AFTER UPDATE ON deadline
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION deadline_updated_moves_next_due()
    """,
    """
    CREATE TRIGGER deadline_deleted_moves_next_due AFTER DELETE ON deadline
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION deadline_deleted_moves_next_due()
    """,
    *(
        f"""
        CREATE TRIGGER {table}_copy_case_owner BEFORE INSERT OR UPDATE OF case_id ON {table}
            FOR EACH ROW EXECUTE FUNCTION copy_case_owner()
        """
        for table in CHILDREN
    ),
    """
    CREATE TRIGGER case_owner_moves_with_case AFTER UPDATE OF owner ON "case"
        FOR EACH ROW WHEN (OLD.owner IS DISTINCT FROM NEW.owner)
        EXECUTE FUNCTION case_owner_moves_with_case()
    """,
)

_BACKFILL = (
    """
    UPDATE "case" c SET next_due_date = n.due, next_due_kind = n.kind
    FROM (
        SELECT DISTINCT ON (case_id) case_id, effective_due_date AS due, kind FROM deadline
        WHERE met_at IS NULL AND cancelled_at IS NULL
        ORDER BY case_id, effective_due_date, id
    ) n
    WHERE c.id = n.case_id
    """,
    *(
        f"""
        UPDATE {table} t SET case_owner = c.owner FROM "case" c
        WHERE c.id = t.case_id AND c.owner IS NOT NULL
        """
        for table in CHILDREN
    ),
)


def upgrade() -> None:
    op.add_column("case", sa.Column("next_due_date", sa.Date(), nullable=True))
    op.add_column("case", sa.Column("next_due_kind", sa.String(length=60), nullable=True))
    for table in CHILDREN:
        op.add_column(table, sa.Column("case_owner", sa.Text(), nullable=True))
    for statement in (*_BACKFILL, *_FUNCTIONS, *_TRIGGERS):
        op.execute(statement)
    op.create_index(
        "ix_case_owner_next_due",
        "case",
        ["owner", sa.text("coalesce(next_due_date, '9999-12-31'::date)"), "received_date", "id"],
        postgresql_where=sa.text(OPEN_CASE),
    )
    for name, column in (
        ("ix_deadline_owner_open_due", "due_date"),
        ("ix_deadline_owner_open_effective_due", "effective_due_date"),
        ("ix_deadline_owner_open_due_at", "due_at"),
    ):
        op.create_index(
            name,
            "deadline",
            ["kind", "case_owner", column, "id"],
            postgresql_where=sa.text(OPEN),
        )
    op.create_index(
        "ix_case_task_owner_open",
        "case_task",
        ["case_owner", "created_at", "id"],
        postgresql_where=sa.text("done_at IS NULL"),
    )
    op.create_index(
        "ix_contact_attempt_owner_missing_discussion",
        "contact_attempt",
        ["case_owner", "attempted_at", "id"],
        postgresql_where=sa.text(MISSING_DISCUSSION),
    )


def downgrade() -> None:
    for name, table in (
        ("ix_contact_attempt_owner_missing_discussion", "contact_attempt"),
        ("ix_case_task_owner_open", "case_task"),
        ("ix_deadline_owner_open_due_at", "deadline"),
        ("ix_deadline_owner_open_effective_due", "deadline"),
        ("ix_deadline_owner_open_due", "deadline"),
        ("ix_case_owner_next_due", "case"),
    ):
        op.drop_index(name, table_name=table)
    op.execute('DROP TRIGGER case_owner_moves_with_case ON "case"')
    for table in CHILDREN:
        op.execute(f"DROP TRIGGER {table}_copy_case_owner ON {table}")
    for operation in ("inserted", "updated", "deleted"):
        op.execute(f"DROP TRIGGER deadline_{operation}_moves_next_due ON deadline")
        op.execute(f"DROP FUNCTION deadline_{operation}_moves_next_due()")
    op.execute("DROP FUNCTION case_owner_moves_with_case()")
    op.execute("DROP FUNCTION copy_case_owner()")
    op.execute("DROP FUNCTION case_next_due_refresh(uuid[])")
    for table in CHILDREN:
        op.drop_column(table, "case_owner")
    op.drop_column("case", "next_due_kind")
    op.drop_column("case", "next_due_date")

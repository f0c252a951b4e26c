"""Allocation: the queue's allocation columns and order (XC-RSK-006), its clocks, tasks and
approvals (ASM-085…089, ASM-099, ASM-104, XC-RSK-002).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sa.String(length=60)
TZ = sa.DateTime(timezone=True)
ENTRY = "allocation_queue_entry"


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    ]


def _entry_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["entry_id"], [f"{ENTRY}.id"], name=op.f(f"fk_{table}_entry_id_{ENTRY}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    for name, type_, default in (
        ("terminal_illness", sa.Boolean(), sa.text("false")),
        ("terminal_rank", sa.Integer(), sa.text("1")),
        ("risk_assessment_required", sa.Boolean(), sa.text("false")),
        ("mp_referred", sa.Boolean(), sa.text("false")),
        ("version", sa.Integer(), sa.text("1")),
    ):
        op.add_column(ENTRY, sa.Column(name, type_, server_default=default, nullable=False))
    op.add_column(ENTRY, sa.Column("allocated_to", sa.Text(), nullable=True))
    op.add_column(ENTRY, sa.Column("allocated_team", sa.Text(), nullable=True))
    op.add_column(ENTRY, sa.Column("allocated_at", TZ, nullable=True))
    op.add_column(ENTRY, sa.Column("allocated_by", sa.Text(), nullable=True))
    op.drop_index("ix_allocation_queue_entry_queue_order", table_name=ENTRY)
    op.create_index(
        "ix_allocation_queue_entry_allocation_order",
        ENTRY,
        ["terminal_rank", "priority_rank", "received_date", "id"],
        postgresql_where=sa.text("status = 'queued'"),
    )

    op.create_table(
        "allocation_deadline",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", S, nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("effective_due_date", sa.Date(), nullable=False),
        sa.Column("due_at", TZ, nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("met_at", TZ, nullable=True),
        sa.Column("cancelled_at", TZ, nullable=True),
        *_timestamps(),
        _entry_fk("allocation_deadline"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_deadline")),
    )
    op.create_index("ix_allocation_deadline_entry_id", "allocation_deadline", ["entry_id"])
    op.create_index(
        "ix_allocation_deadline_open_due",
        "allocation_deadline",
        ["kind", "due_date"],
        postgresql_where=sa.text("met_at IS NULL AND cancelled_at IS NULL"),
    )
    # The effective due date is the original until an extension moves it (DESIGN §5; intake 0010).
    op.execute(
        """
        CREATE FUNCTION allocation_deadline_effective_due_date_default() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.effective_due_date := coalesce(NEW.effective_due_date, NEW.due_date);
            RETURN NEW;
        END $$;
        """
    )
    op.execute(
        """
        CREATE TRIGGER allocation_deadline_effective_due_date_default
            BEFORE INSERT ON allocation_deadline
            FOR EACH ROW EXECUTE FUNCTION allocation_deadline_effective_due_date_default()
        """
    )

    op.create_table(
        "allocation_task",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", S, nullable=False),
        sa.Column("assignee", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("done_at", TZ, nullable=True),
        sa.Column("done_by", sa.Text(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        *_timestamps(),
        _entry_fk("allocation_task"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_task")),
    )
    op.create_index("ix_allocation_task_entry_id", "allocation_task", ["entry_id"])
    op.create_index(
        "ix_allocation_task_assignee_open",
        "allocation_task",
        ["assignee", "created_at", "id"],
        postgresql_where=sa.text("done_at IS NULL"),
    )

    op.create_table(
        "allocation_approval",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("request_reason", sa.Text(), nullable=True),
        sa.Column(
            "evidence",
            pg.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_by_roles", pg.ARRAY(sa.Text()), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        *_timestamps(),
        _entry_fk("allocation_approval"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_approval")),
    )
    op.create_index(
        "ix_allocation_approval_entry_id", "allocation_approval", ["entry_id", "requested_at"]
    )


def downgrade() -> None:
    op.drop_table("allocation_approval")
    op.drop_table("allocation_task")
    op.drop_table("allocation_deadline")
    op.execute("DROP FUNCTION allocation_deadline_effective_due_date_default()")
    op.drop_index("ix_allocation_queue_entry_allocation_order", table_name=ENTRY)
    op.create_index(
        "ix_allocation_queue_entry_queue_order",
        ENTRY,
        ["priority_rank", "received_date", "id"],
        postgresql_where=sa.text("status = 'queued'"),
    )
    for name in (
        "allocated_by",
        "allocated_at",
        "allocated_team",
        "allocated_to",
        "version",
        "mp_referred",
        "risk_assessment_required",
        "terminal_rank",
        "terminal_illness",
    ):
        op.drop_column(ENTRY, name)

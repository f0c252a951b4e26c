"""Outbox and inbox tables; the allocation queue.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.migrations import (
    create_inbox_table_v1,
    create_outbox_tables_v1,
    drop_inbox_table_v1,
    drop_outbox_tables_v1,
)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_tables_v1()
    create_inbox_table_v1()

    op.create_table(
        "allocation_queue_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("case_type", sa.Text(), nullable=False),
        sa.Column("jurisdiction", sa.Text(), nullable=False),
        sa.Column("route", sa.Text(), nullable=False),
        sa.Column("triage_category", sa.Text(), nullable=False),
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("priority_rank", sa.Integer(), nullable=False),
        sa.Column("organisation_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text(), server_default="queued", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_queue_entry")),
    )
    op.create_index(
        "ix_allocation_queue_entry_queue_order",
        "allocation_queue_entry",
        ["priority_rank", "received_date", "id"],
        postgresql_where=sa.text("status = 'queued'"),
    )
    op.create_index("ix_allocation_queue_entry_case_id", "allocation_queue_entry", ["case_id"])


def downgrade() -> None:
    op.drop_table("allocation_queue_entry")
    drop_inbox_table_v1()
    drop_outbox_tables_v1()

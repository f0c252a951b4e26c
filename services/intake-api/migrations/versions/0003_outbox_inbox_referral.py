"""Outbox and inbox tables; referral fields on the case.

Revision ID: 0003
Revises: 0002
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

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_tables_v1()
    create_inbox_table_v1()
    op.add_column("case", sa.Column("route", sa.String(length=40), nullable=True))
    op.add_column("case", sa.Column("triage_category", sa.String(length=40), nullable=True))
    op.add_column(
        "case",
        sa.Column("priority", sa.String(length=40), server_default="standard", nullable=False),
    )
    op.add_column(
        "case",
        sa.Column("organisation_ids", pg.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
    )
    op.add_column("case", sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("case", sa.Column("referred_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for column in (
        "referred_at",
        "status_changed_at",
        "organisation_ids",
        "priority",
        "triage_category",
        "route",
    ):
        op.drop_column("case", column)
    drop_inbox_table_v1()
    drop_outbox_tables_v1()

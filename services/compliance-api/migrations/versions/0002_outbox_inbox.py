"""Outbox and inbox tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

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


def downgrade() -> None:
    drop_inbox_table_v1()
    drop_outbox_tables_v1()

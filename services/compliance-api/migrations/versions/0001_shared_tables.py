"""Shared tables: audit trail (append-only) and idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from shared.migrations import (
    create_audit_table_v1,
    create_idempotency_table_v1,
    drop_audit_table_v1,
    drop_idempotency_table_v1,
)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_table_v1()
    create_idempotency_table_v1()


def downgrade() -> None:
    drop_idempotency_table_v1()
    drop_audit_table_v1()

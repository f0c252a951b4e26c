"""Work queues: a partial index for the open timed clocks (C-04 call-backs, INT-030).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deadline_open_due_at",
        "deadline",
        ["kind", "due_at"],
        postgresql_where=sa.text("met_at IS NULL AND cancelled_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_deadline_open_due_at", table_name="deadline")

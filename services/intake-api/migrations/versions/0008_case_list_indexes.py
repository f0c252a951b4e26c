"""The case list (GET /v1/cases): indexes for its keyset order and its filters.

- ``ix_case_received_date_id`` replaces nothing: the newest cases, walked backwards.
- ``ix_case_status_received_date_id`` replaces ``ix_case_status_received_date``: with ``id`` as
  the last key a status filter reads its page in keyset order with no sort.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_case_received_date_id", "case", ["received_date", "id"])
    op.create_index("ix_case_status_received_date_id", "case", ["status", "received_date", "id"])
    op.drop_index("ix_case_status_received_date", table_name="case")


def downgrade() -> None:
    op.create_index("ix_case_status_received_date", "case", ["status", "received_date"])
    op.drop_index("ix_case_status_received_date_id", table_name="case")
    op.drop_index("ix_case_received_date_id", table_name="case")

"""The joint working team's decision on a case (T12; INT-039, INT-045).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "case", sa.Column("joint_working_decided_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("case", sa.Column("joint_working_accepted", sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column("case", "joint_working_accepted")
    op.drop_column("case", "joint_working_decided_at")

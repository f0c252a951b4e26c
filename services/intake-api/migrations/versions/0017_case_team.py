"""The case's team, whose members may act on it beside its owner (issue #15 item 14).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing cases have no team: their owners (and managers overriding) act on them as before.
    op.add_column("case", sa.Column("team", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("case", "team")

"""The case's exceptional prioritisation for investigation (¶3.100, ASM-169), received with
``assessment.proposal.issued``: the prioritisation's id at assessment, the line manager it was
discussed with, when, and who recorded it. Ids and dates only (the reason stays at assessment);
all four set or all empty. Records opened before this, or from an older producer, have none.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "investigation"
COLUMNS = (
    ("priority_id", sa.Uuid()),
    ("priority_line_manager_id", sa.Text()),
    ("priority_discussed_at", sa.DateTime(timezone=True)),
    ("priority_recorded_by", sa.Text()),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column(TABLE, sa.Column(name, type_, nullable=True))
    names = ", ".join(name for name, _ in COLUMNS)
    op.create_check_constraint(
        op.f("ck_investigation_priority_all_or_none"),
        TABLE,
        f"num_nulls({names}) IN (0, {len(COLUMNS)})",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_investigation_priority_all_or_none"), TABLE, type_="check")
    for name, _ in reversed(COLUMNS):
        op.drop_column(TABLE, name)

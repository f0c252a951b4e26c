"""Decisions at further consideration approved under the Delegation Scheme (ASM-172,
XC-ROL-002): ``decision_approval`` (the casework kit's approval columns, the case's FK, and when
the decision it covers was made), and on the decline and the proposal the approval they were
made under and who approved.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "decision_approval"
DECISIONS = ("decline_decision", "investigation_proposal")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_reason", sa.Text(), nullable=True),
        sa.Column("evidence", pg.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_by_roles", pg.ARRAY(sa.Text()), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["assessment_case.id"],
            name=op.f(f"fk_{TABLE}_case_id_assessment_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index("ix_decision_approval_case_id", TABLE, ["case_id", "requested_at"])
    for table in DECISIONS:
        op.add_column(table, sa.Column("approval_id", sa.Uuid(), nullable=True))
        op.add_column(table, sa.Column("approved_by", sa.Text(), nullable=True))
        op.create_foreign_key(
            op.f(f"fk_{table}_approval_id_{TABLE}"), table, TABLE, ["approval_id"], ["id"]
        )


def downgrade() -> None:
    for table in DECISIONS:
        op.drop_constraint(op.f(f"fk_{table}_approval_id_{TABLE}"), table, type_="foreignkey")
        op.drop_column(table, "approved_by")
        op.drop_column(table, "approval_id")
    op.drop_table(TABLE)

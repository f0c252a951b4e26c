"""Approvals under the delegation scheme move onto the casework kit's table (XC-ROL).

INT-025 special handling was three columns on the case (who asked, who approved, when). Each
request is now a ``case_approval`` row: who asked, when and why, at which level it is decided,
and who decided, with which roles, when and why. The case keeps its priority and the three
columns as the current state the rules read; the approval rows are the record of the acts.

Existing requests are copied across, with their times and the decider's roles taken from the
audit trail where it has them, so no decision is lost.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPECIAL_HANDLING_RULE = "INT-025 ¶1.39: special handling is agreed with a manager"


def upgrade() -> None:
    op.create_table(
        "case_approval",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
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
            ["case_id"], ["case.id"], name=op.f("fk_case_approval_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_approval")),
    )
    op.create_index("ix_case_approval_case_id", "case_approval", ["case_id", "requested_at"])
    op.create_index(
        "ix_case_approval_undecided",
        "case_approval",
        ["kind", "requested_at"],
        postgresql_where=sa.text("decision IS NULL"),
    )
    op.execute(
        sa.text(
            """
            INSERT INTO case_approval (
                id, case_id, kind, level, rule, requested_by, requested_at, request_reason,
                decision, decided_by, decided_by_roles, decided_at
            )
            SELECT gen_random_uuid(), c.id, 'special_handling', 'manager', :rule,
                   c.priority_requested_by,
                   coalesce(req.occurred_at, c.updated_at),
                   c.special_handling_reason,
                   CASE WHEN c.priority_approved_by IS NOT NULL THEN 'approved' END,
                   c.priority_approved_by,
                   CASE WHEN c.priority_approved_by IS NOT NULL THEN dec.actor_roles END,
                   c.priority_approved_at
            FROM "case" c
            LEFT JOIN LATERAL (
                SELECT a.occurred_at FROM audit_entry a
                WHERE a.case_id = c.id AND a.action = 'case.priority_requested'
                ORDER BY a.id DESC LIMIT 1
            ) req ON true
            LEFT JOIN LATERAL (
                SELECT a.actor_roles FROM audit_entry a
                WHERE a.case_id = c.id AND a.action = 'case.priority_approved'
                ORDER BY a.id DESC LIMIT 1
            ) dec ON true
            WHERE c.priority_requested_by IS NOT NULL
            """
        ).bindparams(rule=SPECIAL_HANDLING_RULE)
    )


def downgrade() -> None:
    op.drop_index("ix_case_approval_undecided", table_name="case_approval")
    op.drop_index("ix_case_approval_case_id", table_name="case_approval")
    op.drop_table("case_approval")

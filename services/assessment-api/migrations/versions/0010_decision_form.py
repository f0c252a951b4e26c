"""The Decision Form at further consideration: the current form per case (versioned), every saved
version, and the Assistant Director's agreements to time-limit decisions (ASM-090…098,
ASM-118…136, ASM-170).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"],
        ["assessment_case.id"],
        name=op.f(f"fk_{table}_case_id_assessment_case"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "decision_form",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("content", pg.JSONB(), nullable=False),
        sa.Column("saved_by", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        _case_fk("decision_form"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_form")),
    )
    op.create_index("uq_decision_form_case_id", "decision_form", ["case_id"], unique=True)

    op.create_table(
        "decision_form_version",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("form_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", pg.JSONB(), nullable=False),
        sa.Column("saved_by", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        *_timestamps(),
        _case_fk("decision_form_version"),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["decision_form.id"],
            name=op.f("fk_decision_form_version_form_id_decision_form"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_form_version")),
    )
    op.create_index(
        "uq_decision_form_version_form_id_number",
        "decision_form_version",
        ["form_id", "number"],
        unique=True,
    )

    op.create_table(
        "decision_form_approval",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
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
        *_timestamps(),
        _case_fk("decision_form_approval"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_form_approval")),
    )
    op.create_index("ix_decision_form_approval_case_id", "decision_form_approval", ["case_id"])


def downgrade() -> None:
    op.drop_table("decision_form_approval")
    op.drop_table("decision_form_version")
    op.drop_table("decision_form")

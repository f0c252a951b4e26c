"""Assessment's case record, its decisions (decline, proposal) and its tasks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0003"
down_revision: str | None = "0002"
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


def upgrade() -> None:
    op.create_table(
        "assessment_case",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("case_type", sa.Text(), nullable=False),
        sa.Column("jurisdiction", sa.Text(), nullable=False),
        sa.Column("route", sa.Text(), nullable=False),
        sa.Column("triage_category", sa.Text(), nullable=False),
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("risk_assessment_required", sa.Boolean(), nullable=False),
        sa.Column("organisation_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(60), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closure_code", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("risk_rating", sa.String(60), nullable=True),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=True),
        sa.Column("risk_rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_case")),
    )
    op.create_index(
        "ix_assessment_case_status_received_date_id",
        "assessment_case",
        ["status", "received_date", "id"],
    )
    op.create_index(
        "ix_assessment_case_received_date_id", "assessment_case", ["received_date", "id"]
    )
    op.create_index("ix_assessment_case_owner_status", "assessment_case", ["owner", "status"])

    op.create_table(
        "decline_decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("closure_code", sa.Text(), nullable=False),
        sa.Column("discretion", sa.String(60), nullable=True),
        sa.Column("other_reason", sa.String(68), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["assessment_case.id"],
            name=op.f("fk_decline_decision_case_id_assessment_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decline_decision")),
    )
    op.create_index("uq_decline_decision_case_id", "decline_decision", ["case_id"], unique=True)

    op.create_table(
        "investigation_proposal",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=False),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["assessment_case.id"],
            name=op.f("fk_investigation_proposal_case_id_assessment_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_proposal")),
    )
    op.create_index(
        "uq_investigation_proposal_case_id", "investigation_proposal", ["case_id"], unique=True
    )

    op.create_table(
        "assessment_task",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Text(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=True),
        sa.Column("previous_rating", sa.String(60), nullable=True),
        sa.Column("rating", sa.String(60), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["assessment_case.id"],
            name=op.f("fk_assessment_task_case_id_assessment_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_task")),
    )
    op.create_index("ix_assessment_task_case_id", "assessment_task", ["case_id"])
    op.create_index(
        "ix_case_task_open",
        "assessment_task",
        ["created_at", "id"],
        postgresql_where=sa.text("done_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("assessment_task")
    op.drop_table("investigation_proposal")
    op.drop_table("decline_decision")
    op.drop_table("assessment_case")

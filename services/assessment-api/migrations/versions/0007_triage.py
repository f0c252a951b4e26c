"""ECT triage with the Public Value Model: threshold sets and their Executive Team approvals,
PVM assessments, and triage closures (ASM-044…051).

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0007"
down_revision: str | None = "0006"
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
        "pvm_threshold_set",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("decline_below", sa.Integer(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("status", sa.String(60), nullable=False),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approval_id", sa.Uuid(), nullable=False),
        sa.Column("approved_by", sa.Text(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pvm_threshold_set")),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'refused')",
            name=op.f("ck_pvm_threshold_set_status"),
        ),
        sa.CheckConstraint(
            "(status = 'approved') = (approved_by IS NOT NULL AND approved_at IS NOT NULL)",
            name=op.f("ck_pvm_threshold_set_approved_by_executive_team"),
        ),
    )
    op.create_index("uq_pvm_threshold_set_version", "pvm_threshold_set", ["version"], unique=True)
    op.create_index(
        "uq_pvm_threshold_set_approved_effective_from",
        "pvm_threshold_set",
        ["effective_from"],
        unique=True,
        postgresql_where=sa.text("status = 'approved'"),
    )

    op.create_table(
        "triage_approval",
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_approval")),
    )
    op.create_index("ix_triage_approval_subject_id", "triage_approval", ["subject_id"])

    op.create_table(
        "pvm_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("criteria", pg.JSONB(), nullable=False),
        sa.Column("answers", pg.JSONB(), nullable=False),
        sa.Column("claimed_injustices", pg.JSONB(), nullable=False),
        sa.Column("injustice_level", sa.Integer(), nullable=False),
        sa.Column("cumulative_note", sa.Text(), nullable=True),
        sa.Column("information_sources", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("threshold_set_id", sa.Uuid(), nullable=False),
        sa.Column("threshold_version", sa.Integer(), nullable=False),
        sa.Column("decline_below", sa.Integer(), nullable=False),
        sa.Column("minimal_intervention_considered", sa.Boolean(), nullable=False),
        sa.Column("minimal_intervention_conditions", pg.JSONB(), nullable=False),
        sa.Column("minimal_intervention_note", sa.Text(), nullable=True),
        sa.Column("adjustment_considered", sa.Boolean(), nullable=False),
        sa.Column("adjustment_explanation", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(60), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pvm_assessment")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["assessment_case.id"],
            ondelete="CASCADE",
            name=op.f("fk_pvm_assessment_case_id_assessment_case"),
        ),
        sa.ForeignKeyConstraint(
            ["threshold_set_id"],
            ["pvm_threshold_set.id"],
            name=op.f("fk_pvm_assessment_threshold_set_id_pvm_threshold_set"),
        ),
        sa.CheckConstraint(
            "injustice_level BETWEEN 1 AND 6", name=op.f("ck_pvm_assessment_injustice_level")
        ),
        sa.CheckConstraint(
            "outcome IN ('decline', 'consider_further', 'resolve_minimal_intervention')",
            name=op.f("ck_pvm_assessment_outcome"),
        ),
    )
    op.create_index(
        "uq_pvm_assessment_case_number", "pvm_assessment", ["case_id", "number"], unique=True
    )

    op.create_table(
        "triage_closure",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("closure_code", sa.Text(), nullable=False),
        sa.Column("pvm_assessment_id", sa.Uuid(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("complainant_told_by", sa.Text(), nullable=True),
        sa.Column("written_response_requested", sa.Boolean(), nullable=False),
        sa.Column("written_response", pg.JSONB(), nullable=True),
        sa.Column("mp_written_response", pg.JSONB(), nullable=True),
        sa.Column("mp_involved", sa.Boolean(), nullable=True),
        sa.Column("adjustment_exists", sa.Boolean(), nullable=True),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_closure")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["assessment_case.id"],
            ondelete="CASCADE",
            name=op.f("fk_triage_closure_case_id_assessment_case"),
        ),
        sa.ForeignKeyConstraint(
            ["pvm_assessment_id"],
            ["pvm_assessment.id"],
            name=op.f("fk_triage_closure_pvm_assessment_id_pvm_assessment"),
        ),
        sa.CheckConstraint(
            "closure_code IN ('Triage - other reason to decline', 'ECT triage - Resolution')",
            name=op.f("ck_triage_closure_closure_code"),
        ),
        # ASM-050 (¶2.93): a decline with an MP involved has the MP's written response.
        sa.CheckConstraint(
            "NOT (mp_involved AND mp_written_response IS NULL)",
            name=op.f("ck_triage_closure_mp_written_response"),
        ),
    )
    op.create_index("ix_triage_closure_case_id", "triage_closure", ["case_id"])


def downgrade() -> None:
    op.drop_table("triage_closure")
    op.drop_table("pvm_assessment")
    op.drop_table("triage_approval")
    op.drop_table("pvm_threshold_set")

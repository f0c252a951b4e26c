"""Risk assessments, their risks, uplifts and override approvals (guidance §10, CMP-101…131).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sa.String(length=60)
TZ = sa.DateTime(timezone=True)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "risk_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("trigger", S, nullable=False),
        sa.Column("conflicts_of_interest_considered", sa.Boolean(), nullable=False),
        sa.Column("organisation_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("pre_rating", S, nullable=False),
        sa.Column("highest_post_rating", S, nullable=False),
        sa.Column("cumulative_common_root", sa.Boolean(), nullable=True),
        sa.Column("cumulative_raised", sa.Boolean(), nullable=True),
        sa.Column("cumulative_reason", sa.Text(), nullable=True),
        sa.Column("uplift_floor", S, nullable=True),
        sa.Column("uplift_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("generated_rating", S, nullable=False),
        sa.Column("override_rating", S, nullable=True),
        sa.Column("override_direction", S, nullable=True),
        sa.Column("override_explanation", sa.Text(), nullable=True),
        sa.Column("override_approval_id", sa.Uuid(), nullable=True),
        sa.Column("rating", S, nullable=False),
        sa.Column("low_rationale", sa.Text(), nullable=True),
        sa.Column("monitoring_notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("number >= 1", name=op.f("ck_risk_assessment_number_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessment")),
        sa.UniqueConstraint("case_id", "number", name=op.f("uq_risk_assessment_case_id_number")),
    )
    op.create_index(
        "ix_risk_assessment_case_trigger",
        "risk_assessment",
        ["case_id", "trigger", "recorded_at"],
    )
    op.create_table(
        "risk_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", S, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("impact", S, nullable=False),
        sa.Column("likelihood", S, nullable=False),
        sa.Column("impact_after", S, nullable=True),
        sa.Column("likelihood_after", S, nullable=True),
        sa.Column("pre_rating", S, nullable=False),
        sa.Column("matrix_post_rating", S, nullable=False),
        sa.Column("post_rating", S, nullable=False),
        sa.Column("downgrade_factors", sa.Text(), nullable=True),
        sa.Column("downgrade_discussed_with", sa.Text(), nullable=True),
        sa.Column("cumulative_effect", sa.Text(), nullable=True),
        sa.Column("mitigation_outcome", S, nullable=True),
        sa.Column("mitigation_plan", sa.Text(), nullable=True),
        sa.Column("action_if_occurs", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(impact_after IS NULL) = (likelihood_after IS NULL)",
            name=op.f("ck_risk_entry_after_both_or_neither"),
        ),
        sa.CheckConstraint(
            "pre_rating = 'low'"
            " OR (mitigation_outcome IS NOT NULL AND mitigation_plan IS NOT NULL)",
            name=op.f("ck_risk_entry_mitigation_plan_required"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["risk_assessment.id"],
            name=op.f("fk_risk_entry_assessment_id_risk_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_entry")),
        sa.UniqueConstraint(
            "assessment_id", "position", name=op.f("uq_risk_entry_assessment_id_position")
        ),
    )
    op.create_table(
        "risk_uplift",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scope", S, nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("case_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("minimum_rating", S, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_risk_uplift_period_ordered")),
        sa.CheckConstraint(
            "minimum_rating <> 'low'", name=op.f("ck_risk_uplift_raises_the_rating")
        ),
        sa.CheckConstraint(
            "(scope = 'organisation' AND organisation_id IS NOT NULL"
            " AND cardinality(case_ids) = 0)"
            " OR (scope = 'case_group' AND organisation_id IS NULL"
            " AND cardinality(case_ids) >= 1)",
            name=op.f("ck_risk_uplift_scope_target"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_uplift")),
    )
    op.create_index("ix_risk_uplift_period", "risk_uplift", ["starts_on", "ends_on"])
    op.create_table(
        "risk_approval",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("request_reason", sa.Text(), nullable=True),
        sa.Column("evidence", pg.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_by_roles", pg.ARRAY(sa.Text()), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_approval")),
    )
    op.create_index("ix_risk_approval_subject", "risk_approval", ["subject_id", "requested_at"])
    op.create_index(
        "ix_risk_approval_undecided",
        "risk_approval",
        ["kind", "requested_at"],
        postgresql_where=sa.text("decision IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_risk_approval_undecided", table_name="risk_approval")
    op.drop_index("ix_risk_approval_subject", table_name="risk_approval")
    op.drop_table("risk_approval")
    op.drop_index("ix_risk_uplift_period", table_name="risk_uplift")
    op.drop_table("risk_uplift")
    op.drop_table("risk_entry")
    op.drop_index("ix_risk_assessment_case_trigger", table_name="risk_assessment")
    op.drop_table("risk_assessment")

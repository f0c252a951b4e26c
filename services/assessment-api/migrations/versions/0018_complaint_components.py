"""Complaint summary and complaint components at further consideration (ASM-105…108, ASM-116,
ASM-117, ASM-126); organisation decisions made from them (ASM-176: ``investigate`` is exactly
a 'propose to investigate'); the individual who signed a family health service provider's
final response recorded as the organisation (ASM-096).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sa.String(60)


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


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
    op.add_column(
        "assessment_case_organisation",
        sa.Column("signed_for_practice_id", sa.Uuid(), nullable=True),
    )
    op.create_check_constraint(
        op.f("ck_assessment_case_organisation_individual_signatory_is_provider"),
        "assessment_case_organisation",
        "signed_for_practice_id IS NULL OR "
        "(role = 'provider' AND signed_for_practice_id <> organisation_id)",
    )
    op.create_check_constraint(
        op.f("ck_organisation_decision_investigate_is_proposal"),
        "organisation_decision",
        "investigate = (decision = 'propose to investigate')",
    )

    op.create_table(
        "complaint_summary",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("issues", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("excluded_issues", pg.JSONB(), nullable=False),
        sa.Column("discussed_on", sa.Date(), nullable=False),
        sa.Column("discussion_attempt_id", sa.Uuid(), nullable=True),
        sa.Column("complainant_told_on", sa.Date(), nullable=True),
        sa.Column("complainant_told_how", sa.Text(), nullable=True),
        sa.Column("saved_by", sa.Text(), nullable=False),
        _ts("saved_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "btrim(summary) <> ''", name=op.f("ck_complaint_summary_summary_not_blank")
        ),
        sa.CheckConstraint(
            "(complainant_told_on IS NULL) = (complainant_told_how IS NULL)",
            name=op.f("ck_complaint_summary_told_how"),
        ),
        _case_fk("complaint_summary"),
        sa.ForeignKeyConstraint(
            ["discussion_attempt_id"],
            ["fc_contact_attempt.id"],
            name="fk_complaint_summary_discussion_attempt",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_summary")),
    )
    op.create_index("uq_complaint_summary_case_id", "complaint_summary", ["case_id"], unique=True)

    op.create_table(
        "complaint_component",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("case_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("area", S, nullable=False),
        sa.Column("summary_description", sa.Text(), nullable=False),
        sa.Column("issues", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        _ts("recorded_at"),
        sa.Column("time_limit_outcome", S, nullable=True),
        sa.Column("time_limit_rationale", sa.Text(), nullable=True),
        sa.Column("decision", S, nullable=True),
        sa.Column("closure_code", sa.Text(), nullable=True),
        sa.Column("discretion", S, nullable=True),
        sa.Column("other_reason", sa.String(68), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("material_evidence", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("premature_factors", pg.JSONB(), nullable=False),
        sa.Column("sent_back_to_organisation", sa.Boolean(), nullable=False),
        sa.Column("organisation_agreed_to_respond", sa.Boolean(), nullable=False),
        sa.Column("complainant_told_time_limit", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        _ts("decided_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "btrim(summary_description) <> ''",
            name=op.f("ck_complaint_component_summary_description_not_blank"),
        ),
        sa.CheckConstraint(
            "cardinality(issues) > 0", name=op.f("ck_complaint_component_covers_an_issue")
        ),
        sa.CheckConstraint(
            "decision IS NULL OR decision = 'propose to investigate' OR "
            "(rationale IS NOT NULL AND cardinality(material_evidence) > 0)",
            name=op.f("ck_complaint_component_not_investigated_kept_why"),
        ),
        sa.CheckConstraint(
            "(decision IS NULL) = (decided_at IS NULL)",
            name=op.f("ck_complaint_component_decided_when"),
        ),
        sa.CheckConstraint(
            "NOT sent_back_to_organisation OR organisation_agreed_to_respond",
            name=op.f("ck_complaint_component_sent_back_with_agreement"),
        ),
        sa.CheckConstraint(
            "decision IS DISTINCT FROM 'premature' OR complainant_told_time_limit",
            name=op.f("ck_complaint_component_premature_told_time_limit"),
        ),
        sa.CheckConstraint(
            "decision IS DISTINCT FROM 'out of time' OR "
            "time_limit_outcome = 'out of time, limit not set aside'",
            name=op.f("ck_complaint_component_out_of_time_on_its_decision"),
        ),
        sa.CheckConstraint(
            "(time_limit_outcome IS NULL) = (time_limit_rationale IS NULL)",
            name=op.f("ck_complaint_component_time_limit_with_rationale"),
        ),
        _case_fk("complaint_component"),
        sa.ForeignKeyConstraint(
            ["case_organisation_id"],
            ["assessment_case_organisation.id"],
            name="fk_complaint_component_case_organisation",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_component")),
    )
    op.create_index(
        "ix_complaint_component_case_id", "complaint_component", ["case_id", "recorded_at"]
    )
    op.create_index(
        "ix_complaint_component_organisation",
        "complaint_component",
        ["organisation_id", "recorded_at"],
    )
    op.create_index(
        "uq_complaint_component_area",
        "complaint_component",
        ["case_organisation_id", "area"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_table("complaint_component")
    op.drop_table("complaint_summary")
    op.drop_constraint(
        op.f("ck_organisation_decision_investigate_is_proposal"), "organisation_decision"
    )
    op.drop_constraint(
        op.f("ck_assessment_case_organisation_individual_signatory_is_provider"),
        "assessment_case_organisation",
    )
    op.drop_column("assessment_case_organisation", "signed_for_practice_id")

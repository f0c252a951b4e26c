"""Complaint handlers: the organisations of a case with their roles, the complainant's scope,
component areas and decisions per organisation, and the CHC and IFR checks (ASM-071…084).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
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


def _organisation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_organisation_id"],
        ["assessment_case_organisation.id"],
        name=op.f(f"fk_{table}_case_organisation"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "handler_record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("health", sa.Boolean(), nullable=False),
        sa.Column("scope", S, nullable=False),
        sa.Column("handler_only_said_at_intake", sa.Boolean(), nullable=False),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("scope_put_by", sa.Text(), nullable=True),
        _ts("scope_put_at", nullable=True),
        sa.Column("unhappy_with_handler_reason", sa.Text(), nullable=True),
        sa.Column("commissioning_complaint", sa.Text(), nullable=True),
        sa.Column("exception_kind", S, nullable=True),
        sa.Column("exception_reasons", sa.Text(), nullable=True),
        sa.Column("exception_recorded_by", sa.Text(), nullable=True),
        _ts("exception_recorded_at", nullable=True),
        sa.Column("chc_stage", S, nullable=True),
        sa.Column("chc_icb_review_done", sa.Boolean(), nullable=True),
        sa.Column("chc_nhse_review_done", sa.Boolean(), nullable=True),
        sa.Column("chc_investigate_icb_too", sa.Boolean(), nullable=True),
        sa.Column("chc_manager_discussed_with", sa.Text(), nullable=True),
        sa.Column("chc_written_complaints_about_both", sa.Boolean(), nullable=True),
        sa.Column("chc_icb_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("chc_region_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("chc_recorded_by", sa.Text(), nullable=True),
        sa.Column("ifr", sa.Boolean(), nullable=False),
        sa.Column("ifr_application_complete", sa.Boolean(), nullable=True),
        sa.Column("ifr_policy_used", sa.Text(), nullable=True),
        sa.Column("ifr_compliant_with_policy_and_directions", sa.Boolean(), nullable=True),
        sa.Column("ifr_policy_reasonable", sa.Boolean(), nullable=True),
        _ts("changed_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "(exception_kind IS NULL) = (exception_reasons IS NULL)",
            name=op.f("ck_handler_record_exception_with_reasons"),
        ),
        _case_fk("handler_record"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handler_record")),
    )
    op.create_index("uq_handler_record_case_id", "handler_record", ["case_id"], unique=True)

    op.create_table(
        "assessment_case_organisation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("role", S, nullable=False),
        sa.Column("acts_for_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("complaints_stage_complete", sa.Boolean(), nullable=True),
        sa.Column("added_by", sa.Text(), nullable=False),
        _ts("added_at"),
        *_timestamps(),
        sa.CheckConstraint(
            "(role = 'contractor') = (acts_for_organisation_id IS NOT NULL)",
            name=op.f("ck_assessment_case_organisation_contractor_acts_for"),
        ),
        sa.CheckConstraint(
            "acts_for_organisation_id IS NULL OR acts_for_organisation_id <> organisation_id",
            name=op.f("ck_assessment_case_organisation_own_organisation"),
        ),
        _case_fk("assessment_case_organisation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_case_organisation")),
    )
    op.create_index(
        "uq_assessment_case_organisation",
        "assessment_case_organisation",
        ["case_id", "organisation_id"],
        unique=True,
    )

    op.create_table(
        "organisation_component_area",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("case_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        _ts("recorded_at"),
        *_timestamps(),
        _case_fk("organisation_component_area"),
        _organisation_fk("organisation_component_area"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_component_area")),
    )
    op.create_index(
        "ix_organisation_component_area_case_id", "organisation_component_area", ["case_id"]
    )
    op.create_index(
        "uq_organisation_component_area",
        "organisation_component_area",
        ["case_organisation_id", "area"],
        unique=True,
    )

    op.create_table(
        "organisation_decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("case_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("investigate", sa.Boolean(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        _ts("decided_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        _case_fk("organisation_decision"),
        _organisation_fk("organisation_decision"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_decision")),
    )
    op.create_index(
        "uq_organisation_decision",
        "organisation_decision",
        ["case_id", "organisation_id"],
        unique=True,
    )
    op.create_index(
        "uq_organisation_decision_organisation_on_case",
        "organisation_decision",
        ["case_organisation_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_table("organisation_decision")
    op.drop_table("organisation_component_area")
    op.drop_table("assessment_case_organisation")
    op.drop_table("handler_record")

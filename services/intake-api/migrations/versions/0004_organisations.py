"""Organisation register.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", pg.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("jurisdiction", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("contract_type", sa.String(length=40), nullable=True),
        sa.Column("principal_officer_title", sa.Text(), nullable=True),
        sa.Column("principal_officer_name", sa.Text(), nullable=True),
        sa.Column("focal_point_team", sa.Text(), nullable=True),
        sa.Column("focal_point_email", sa.Text(), nullable=True),
        sa.Column("focal_point_phone", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.CheckConstraint(
            "(kind = 'out_of_jurisdiction' AND jurisdiction IS NULL)"
            " OR (kind IN ('nhs_trust', 'family_health_service_provider', 'independent_provider',"
            " 'icb', 'nhs_england_region') AND jurisdiction = 'health')"
            " OR (kind IN ('government_department', 'executive_agency', 'victims_code_only')"
            " AND jurisdiction = 'parliamentary')"
            " OR (kind = 'second_tier_complaint_handler' AND jurisdiction IS NOT NULL)",
            name=op.f("ck_organisation_kind_jurisdiction"),
        ),
        sa.CheckConstraint(
            "contract_type IS NULL OR kind = 'family_health_service_provider'",
            name=op.f("ck_organisation_contract_type_kind"),
        ),
        sa.CheckConstraint(
            "(principal_officer_title IS NULL) = (principal_officer_name IS NULL)",
            name=op.f("ck_organisation_principal_officer_complete"),
        ),
        sa.CheckConstraint(
            "focal_point_team IS NOT NULL"
            " OR (focal_point_email IS NULL AND focal_point_phone IS NULL)",
            name=op.f("ck_organisation_focal_point_team"),
        ),
    )
    op.create_index("ix_organisation_name_id", "organisation", ["name", "id"])

    op.create_table(
        "organisation_pv_opt_out",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("agreed_date", sa.Date(), nullable=False),
        sa.Column("document_reference", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_pv_opt_out")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_pv_opt_out_organisation_id_organisation"),
        ),
        sa.CheckConstraint(
            "(status = 'withdrawn') = (withdrawn_at IS NOT NULL)",
            name=op.f("ck_organisation_pv_opt_out_withdrawn_at_status"),
        ),
    )
    op.create_index(
        "ix_organisation_pv_opt_out_organisation_id", "organisation_pv_opt_out", ["organisation_id"]
    )
    op.create_index(
        "uq_organisation_pv_opt_out_in_force",
        "organisation_pv_opt_out",
        ["organisation_id"],
        unique=True,
        postgresql_where=sa.text("status = 'in_force'"),
    )


def downgrade() -> None:
    op.drop_index("uq_organisation_pv_opt_out_in_force", table_name="organisation_pv_opt_out")
    op.drop_index(
        "ix_organisation_pv_opt_out_organisation_id", table_name="organisation_pv_opt_out"
    )
    op.drop_table("organisation_pv_opt_out")
    op.drop_index("ix_organisation_name_id", table_name="organisation")
    op.drop_table("organisation")

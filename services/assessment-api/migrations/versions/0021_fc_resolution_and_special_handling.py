"""Resolution at further consideration (T33, T34; ASM-153…156): the request made of the
organisation(s) with its answer, and its communications through the casework kit (the
organisation's answer inbound and scanned, the closure's letters and calls), with the kit's
legal-scan CHECK (XC-RSK-004). Special handling (¶3.97–3.100): a case's link to its lead case
(ASM-168) and its exceptional prioritisation for investigation (ASM-169).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.casework.communications import legal_scan_checks

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASE = "assessment_case.id"


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def _case_fk(table: str, column: str = "case_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [CASE],
        name=op.f(f"fk_{table}_{column}_assessment_case"),
        ondelete="CASCADE",
    )


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "fc_resolution_request",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("actions", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("complainant_told_not_recommendations", sa.Boolean(), nullable=False),
        sa.Column("organisations_told_not_recommendations", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        _at("requested_at"),
        sa.Column("status", sa.String(60), nullable=False),
        _at("heard_at", nullable=True),
        sa.Column("heard_by", sa.Text(), nullable=True),
        sa.Column("answer_recorded_by", sa.Text(), nullable=True),
        _at("answer_recorded_at", nullable=True),
        sa.Column("agreement", pg.JSONB(), nullable=True),
        sa.Column("closure_code", sa.Text(), nullable=True),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        _case_fk("fc_resolution_request"),
        # ASM-154: no request is recorded without both sides told (the service refuses first).
        sa.CheckConstraint(
            "complainant_told_not_recommendations AND organisations_told_not_recommendations",
            name=op.f("ck_fc_resolution_request_not_recommendations_told"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fc_resolution_request")),
    )
    op.create_index(
        "ix_fc_resolution_request_case_id",
        "fc_resolution_request",
        ["case_id", "requested_at"],
    )
    op.create_index(
        "uq_fc_resolution_request_open",
        "fc_resolution_request",
        ["case_id"],
        unique=True,
        postgresql_where=sa.text("status = 'requested'"),
    )

    table = "fc_resolution_communication"
    op.create_table(
        table,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("medium", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        _at("occurred_at"),
        sa.Column("from_person_id", sa.Uuid(), nullable=True),
        sa.Column("recipients", pg.JSONB(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("headers", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("documents", pg.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("risk_disclosure", pg.JSONB(), nullable=True),
        sa.Column("paragraphs", pg.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("acknowledges_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("legal_scan", pg.JSONB(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            str(legal_scan_checks("communication").sqltext),
            name=op.f(f"ck_{table}_legal_scan_present"),
        ),
        _case_fk(table),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["fc_resolution_request.id"],
            name=op.f(f"fk_{table}_request_id_fc_resolution_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    op.create_index("ix_fc_resolution_communication_case_id", table, ["case_id"])

    op.create_table(
        "lead_link",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("lead_case_id", sa.Uuid(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("linked_by", sa.Text(), nullable=False),
        _at("linked_at"),
        sa.Column("removed_by", sa.Text(), nullable=True),
        _at("removed_at", nullable=True),
        sa.Column("removal_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        _case_fk("lead_link"),
        _case_fk("lead_link", "lead_case_id"),
        sa.CheckConstraint("case_id <> lead_case_id", name=op.f("ck_lead_link_not_its_own_lead")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_link")),
    )
    op.create_index(
        "uq_lead_link_case_id",
        "lead_link",
        ["case_id"],
        unique=True,
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.create_index(
        "ix_lead_link_lead_case_id",
        "lead_link",
        ["lead_case_id", "linked_at", "id"],
        postgresql_where=sa.text("removed_at IS NULL"),
    )

    op.create_table(
        "investigation_priority",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("line_manager_id", sa.Text(), nullable=False),
        _at("discussed_at"),
        sa.Column("agreed", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        _at("recorded_at"),
        *_timestamps(),
        _case_fk("investigation_priority"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_priority")),
    )
    op.create_index(
        "uq_investigation_priority_case_id", "investigation_priority", ["case_id"], unique=True
    )


def downgrade() -> None:
    op.drop_table("investigation_priority")
    op.drop_table("lead_link")
    op.drop_table("fc_resolution_communication")
    op.drop_table("fc_resolution_request")

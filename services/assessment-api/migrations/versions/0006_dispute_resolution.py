"""Dispute Resolution (DR): the process with its consent forms, the resolution conference, the
components mediated in part, and DR's letters (¶2.115–2.131, ASM-061…065).

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0006"
down_revision: str | None = "0005"
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
    op.create_table(
        "dr_process",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("prior_status", S, nullable=True),
        sa.Column("caseworker", sa.Text(), nullable=False),
        sa.Column("dr_caseworker", sa.Text(), nullable=False),
        sa.Column("complainant_person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        _ts("complainant_consent_sent_at"),
        _ts("complainant_consent_returned_at", nullable=True),
        _ts("organisation_consent_sent_at"),
        _ts("organisation_consent_returned_at", nullable=True),
        _ts("accepted_at", nullable=True),
        sa.Column("withdrawal_reason", S, nullable=True),
        sa.Column("outcome", S, nullable=True),
        _ts("ended_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        _case_fk("dr_process"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dr_process")),
    )
    op.create_index("ix_dr_process_case_id", "dr_process", ["case_id"])
    op.create_index(
        "uq_dr_process_open_case",
        "dr_process",
        ["case_id"],
        unique=True,
        postgresql_where=sa.text("ended_at IS NULL"),
    )

    op.create_table(
        "dr_conference",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("process_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("mode", S, nullable=False),
        _ts("held_at"),
        sa.Column("outcome", S, nullable=False),
        sa.Column("agreed_outcomes", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("agreed_by_complainant", sa.Boolean(), nullable=False),
        sa.Column("agreed_by_organisation", sa.Boolean(), nullable=False),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["dr_process.id"],
            name=op.f("fk_dr_conference_process_id_dr_process"),
            ondelete="CASCADE",
        ),
        _case_fk("dr_conference"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dr_conference")),
    )
    op.create_index("uq_dr_conference_process_id", "dr_conference", ["process_id"], unique=True)

    op.create_table(
        "dr_mediated_component",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("conference_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("component", sa.Text(), nullable=False),
        sa.Column("mediation_outcome", sa.Text(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["dr_conference.id"],
            name=op.f("fk_dr_mediated_component_conference_id_dr_conference"),
            ondelete="CASCADE",
        ),
        _case_fk("dr_mediated_component"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dr_mediated_component")),
    )
    op.create_index(
        "uq_dr_mediated_component",
        "dr_mediated_component",
        ["conference_id", "component"],
        unique=True,
    )

    op.create_table(
        "dr_communication",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("process_id", sa.Uuid(), nullable=False),
        sa.Column("kind", S, nullable=False),
        sa.Column("party", S, nullable=False),
        sa.Column("medium", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        _ts("occurred_at"),
        sa.Column("from_person_id", sa.Uuid(), nullable=True),
        sa.Column("recipients", pg.JSONB(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("headers", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("documents", pg.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("risk_disclosure", pg.JSONB(), nullable=True),
        sa.Column("paragraphs", pg.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("acknowledges_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        *_timestamps(),
        _case_fk("dr_communication"),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["dr_process.id"],
            name=op.f("fk_dr_communication_process_id_dr_process"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dr_communication")),
    )
    op.create_index("ix_dr_communication_case_id", "dr_communication", ["case_id", "occurred_at"])


def downgrade() -> None:
    op.drop_table("dr_communication")
    op.drop_table("dr_mediated_component")
    op.drop_table("dr_conference")
    op.drop_table("dr_process")

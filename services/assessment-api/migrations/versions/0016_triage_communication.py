"""ECT triage closures (T17 decline, T18 resolution) record their letters and calls through the
casework kit's communications (ASM-050 ¶2.92–2.93, ASM-173, ASM-174): one row per recipient, to
the parties intake holds, with the kit's legal-scan CHECK (XC-RSK-004) as on assessment's other
communication tables. Its own table: ``decision_communication`` belongs to a T32 decline
(its ``decline_decision_id`` is required), a triage closure is a ``triage_closure``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.casework.communications import legal_scan_checks

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "triage_communication"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("triage_closure_id", sa.Uuid(), nullable=False),
        sa.Column("medium", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
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
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            str(legal_scan_checks("communication").sqltext),
            name=op.f(f"ck_{TABLE}_legal_scan_present"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["assessment_case.id"],
            ondelete="CASCADE",
            name=op.f(f"fk_{TABLE}_case_id_assessment_case"),
        ),
        sa.ForeignKeyConstraint(
            ["triage_closure_id"],
            ["triage_closure.id"],
            name=op.f(f"fk_{TABLE}_triage_closure_id_triage_closure"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index("ix_triage_communication_case_id", TABLE, ["case_id"])


def downgrade() -> None:
    op.drop_table(TABLE)

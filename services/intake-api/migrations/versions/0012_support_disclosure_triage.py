"""Support given (INT-031); the index of the INT-011 contacts report; disclosure controls
(INT-053/054); the triage questionnaire (INT-024); reuse of an earlier MP referral (ASM-031);
successor-MP letters (ASM-025); copies owed to a new MP (ASM-024).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_support",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("communication_id", sa.Uuid(), nullable=True),
        sa.Column("provided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provided_by", sa.Text(), nullable=False),
        sa.Column("signed_form_returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_form_communication_id", sa.Uuid(), nullable=True),
        sa.Column("signed_form_recorded_by", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_support_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["communication_id"],
            ["communication.id"],
            name=op.f("fk_case_support_communication_id_communication"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_form_communication_id"],
            ["communication.id"],
            name=op.f("fk_case_support_signed_form_communication_id_communication"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_support")),
    )
    op.create_index("ix_case_support_case_id", "case_support", ["case_id", "provided_at"])
    op.create_index(
        "ix_contact_attempt_missing_discussion",
        "contact_attempt",
        ["attempted_at", "id"],
        postgresql_where=sa.text(
            "outcome = 'reached' AND NOT (expectations_explained AND adjustments_discussed)"
        ),
    )
    op.add_column("case", sa.Column("triage_questionnaire_version", sa.Text(), nullable=True))
    op.add_column("case", sa.Column("mp_referral_reuse", pg.JSONB(), nullable=True))
    op.add_column(
        "communication",
        sa.Column("documents", pg.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
    )
    op.add_column("communication", sa.Column("risk_disclosure", pg.JSONB(), nullable=True))
    op.add_column(
        "communication",
        sa.Column("paragraphs", pg.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.add_column("case_task", sa.Column("person_id", sa.Uuid(), nullable=True))
    op.add_column(
        "consent",
        sa.Column(
            "covers_sensitive_information",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("consent", "covers_sensitive_information")
    op.drop_column("case_task", "person_id")
    op.drop_column("communication", "paragraphs")
    op.drop_column("communication", "risk_disclosure")
    op.drop_column("communication", "documents")
    op.drop_column("case", "mp_referral_reuse")
    op.drop_index("ix_contact_attempt_missing_discussion", table_name="contact_attempt")
    op.drop_column("case", "triage_questionnaire_version")
    op.drop_index("ix_case_support_case_id", table_name="case_support")
    op.drop_table("case_support")

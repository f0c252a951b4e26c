"""Legal Team referrals and risk prompts (XC-RSK-004, CMP-025, CMP-126; C-23).

Revision ID: 0010
Revises: 0003
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0010"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "legal_referral",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("communication_id", sa.Uuid(), nullable=False),
        sa.Column("communication_type", sa.Text(), nullable=False),
        sa.Column("medium", sa.Text(), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("terms", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("matches", pg.JSONB(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("late", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("done_at", TZ, nullable=True),
        sa.Column("done_by", sa.Text(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "due_at = received_at + interval '24 hours'",
            name=op.f("ck_legal_referral_due_in_24_hours"),
        ),
        sa.CheckConstraint(
            "outcome IN ('referred', 'dismissed')", name=op.f("ck_legal_referral_outcome_known")
        ),
        sa.CheckConstraint(
            "(outcome IS NULL) = (done_at IS NULL) AND (done_at IS NULL) = (done_by IS NULL)",
            name=op.f("ck_legal_referral_done_with_outcome"),
        ),
        sa.CheckConstraint(
            "done_at IS NULL OR done_at >= received_at",
            name=op.f("ck_legal_referral_done_after_receipt"),
        ),
        sa.CheckConstraint(
            "outcome IS DISTINCT FROM 'dismissed' OR done_note IS NOT NULL",
            name=op.f("ck_legal_referral_dismissal_has_reason"),
        ),
        sa.CheckConstraint(
            "late = COALESCE(outcome = 'referred' AND done_at > due_at, false)",
            name=op.f("ck_legal_referral_late_when_referred_after_due"),
        ),
        sa.CheckConstraint("cardinality(terms) >= 1", name=op.f("ck_legal_referral_has_terms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_referral")),
        sa.UniqueConstraint("source_event_id", name=op.f("uq_legal_referral_source_event_id")),
    )
    op.create_index("ix_legal_referral_case", "legal_referral", ["case_id", "received_at"])
    op.create_index(
        "ix_legal_referral_attention",
        "legal_referral",
        ["due_at", "id"],
        postgresql_where=sa.text("done_at IS NULL OR late"),
    )
    op.create_table(
        "risk_prompt",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("raised_at", TZ, nullable=False),
        sa.Column("addressed_at", TZ, nullable=True),
        sa.Column("addressed_by", sa.Text(), nullable=True),
        sa.Column("addressed_note", sa.Text(), nullable=True),
        sa.Column("assessment_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "category IN ('people', 'financial', 'reputation_political', 'our_service', 'legal')",
            name=op.f("ck_risk_prompt_category_known"),
        ),
        sa.CheckConstraint(
            "(addressed_at IS NULL) = (addressed_by IS NULL)"
            " AND (addressed_at IS NULL) = (addressed_note IS NULL)",
            name=op.f("ck_risk_prompt_addressed_by_someone"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["legal_referral.id"],
            name=op.f("fk_risk_prompt_referral_id_legal_referral"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_prompt")),
        sa.UniqueConstraint(
            "source_event_id", "category", name=op.f("uq_risk_prompt_source_event_id_category")
        ),
    )
    op.create_index("ix_risk_prompt_case", "risk_prompt", ["case_id", "raised_at"])


def downgrade() -> None:
    op.drop_index("ix_risk_prompt_case", table_name="risk_prompt")
    op.drop_table("risk_prompt")
    op.drop_index("ix_legal_referral_attention", table_name="legal_referral")
    op.drop_index("ix_legal_referral_case", table_name="legal_referral")
    op.drop_table("legal_referral")

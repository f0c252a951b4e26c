"""Contact after allocation at further consideration (ASM-099…104, C-07, C-08): each attempt to
reach the complainant or the referring MP, the ¶2.219 checklist answered in a conversation, and
the record of a 'withdrawn' closure (ASM-103). A contact note and a checklist note are what a
party told us: both carry the kit's legal scan, required by the same CHECK as migration 0009's.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.casework.communications import legal_scan_checks

revision: str = "0013"
down_revision: str | None = "0012"
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


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"],
        ["assessment_case.id"],
        name=op.f(f"fk_{table}_case_id_assessment_case"),
        ondelete="CASCADE",
    )


def _scanned(table: str) -> sa.CheckConstraint:
    check = legal_scan_checks("contact_attempt")  # XC-RSK-004
    return sa.CheckConstraint(str(check.sqltext), name=op.f(f"ck_{table}_legal_scan_present"))


def _false(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Boolean(), server_default=sa.text("false"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "fc_contact_attempt",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("party", sa.String(60), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("expectations_explained", sa.Boolean(), nullable=False),
        sa.Column("adjustments_discussed", sa.Boolean(), nullable=False),
        sa.Column("channel_override_reason", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("legal_scan", pg.JSONB(), nullable=True),
        _false("introduced"),
        _false("contact_details_given"),
        _false("purpose_explained"),
        _false("first_contact"),
        sa.Column("method_basis", sa.Text(), nullable=True),
        _false("asked_for_number_and_preference"),
        sa.Column("stated_preference", sa.Text(), nullable=True),
        sa.Column("stated_only_on", pg.ARRAY(sa.Text()), nullable=True),
        sa.Column("stated_dates_to_avoid", pg.JSONB(), nullable=True),
        sa.Column("timing_override_reason", sa.Text(), nullable=True),
        *_timestamps(),
        _case_fk("fc_contact_attempt"),
        _scanned("fc_contact_attempt"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fc_contact_attempt")),
    )
    op.create_index(
        "ix_fc_contact_attempt_case_id", "fc_contact_attempt", ["case_id", "attempted_at"]
    )

    op.create_table(
        "fc_checklist_answer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("attempt_id", sa.Uuid(), nullable=False),
        sa.Column("item", sa.String(60), nullable=False),
        sa.Column("answer", sa.String(60), nullable=False),
        sa.Column("alternative_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("legal_scan", pg.JSONB(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        *_timestamps(),
        _case_fk("fc_checklist_answer"),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["fc_contact_attempt.id"],
            name=op.f("fk_fc_checklist_answer_attempt_id_fc_contact_attempt"),
            ondelete="CASCADE",
        ),
        _scanned("fc_checklist_answer"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fc_checklist_answer")),
    )
    op.create_index(
        "ix_fc_checklist_answer_case_id", "fc_checklist_answer", ["case_id", "answered_at"]
    )
    op.create_index(
        "uq_fc_checklist_answer_attempt_item",
        "fc_checklist_answer",
        ["attempt_id", "item"],
        unique=True,
    )

    op.create_table(
        "fc_withdrawal",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("information_needed", sa.Text(), nullable=False),
        sa.Column("told_by", sa.Text(), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("unlocked_by", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        _case_fk("fc_withdrawal"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fc_withdrawal")),
    )
    op.create_index("uq_fc_withdrawal_case_id", "fc_withdrawal", ["case_id"], unique=True)


def downgrade() -> None:
    op.drop_table("fc_withdrawal")
    op.drop_table("fc_checklist_answer")
    op.drop_table("fc_contact_attempt")

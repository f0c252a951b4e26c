"""Early consideration: contact attempts, clocks, information requests, decisions and letters
(ASM-052…060, ASM-066…070; T20–T23).

``ec_deadline.effective_due_date`` is kept by PostgreSQL, as intake's deadlines are (intake
migration 0010): a new deadline starts with its ``due_date``. Early consideration's clocks have
no extensions (a new information deadline is a new request).

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0008"
down_revision: str | None = "0007"
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


def upgrade() -> None:
    op.create_table(
        "ec_contact_attempt",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expectations_explained", sa.Boolean(), nullable=False),
        sa.Column("adjustments_discussed", sa.Boolean(), nullable=False),
        sa.Column("channel_override_reason", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        *_timestamps(),
        _case_fk("ec_contact_attempt"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ec_contact_attempt")),
    )
    op.create_index(
        "ix_ec_contact_attempt_case_id", "ec_contact_attempt", ["case_id", "attempted_at"]
    )

    op.create_table(
        "ec_deadline",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("effective_due_date", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        _case_fk("ec_deadline"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ec_deadline")),
    )
    op.create_index("ix_ec_deadline_case_id", "ec_deadline", ["case_id"])
    op.create_index(
        "ix_ec_deadline_open_due",
        "ec_deadline",
        ["kind", "effective_due_date"],
        postgresql_where=sa.text("met_at IS NULL AND cancelled_at IS NULL"),
    )
    op.execute(
        """
        CREATE FUNCTION ec_deadline_effective_due_date_default() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.effective_due_date := coalesce(NEW.effective_due_date, NEW.due_date);
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER ec_deadline_effective_due_date_default BEFORE INSERT ON ec_deadline
            FOR EACH ROW EXECUTE FUNCTION ec_deadline_effective_due_date_default()
        """
    )

    op.create_table(
        "ec_information_request",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("information_needed", sa.Text(), nullable=False),
        sa.Column("told_by", sa.Text(), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        *_timestamps(),
        _case_fk("ec_information_request"),
        sa.ForeignKeyConstraint(
            ["deadline_id"],
            ["ec_deadline.id"],
            name=op.f("fk_ec_information_request_deadline_id_ec_deadline"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ec_information_request")),
    )
    op.create_index("ix_ec_information_request_case_id", "ec_information_request", ["case_id"])

    op.create_table(
        "ec_decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("closure_code", sa.Text(), nullable=True),
        sa.Column("discretion", sa.Text(), nullable=True),
        sa.Column("other_reason", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("standard", sa.Text(), nullable=True),
        sa.Column("no_standard_rationale", sa.Text(), nullable=True),
        sa.Column("evidence", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("suitability", pg.JSONB(), nullable=True),
        sa.Column("parties", pg.JSONB(), nullable=True),
        sa.Column("given_by_phone", sa.Boolean(), nullable=True),
        sa.Column("written_confirmation_requested", sa.Boolean(), nullable=True),
        sa.Column("unlocked_by", sa.Text(), nullable=True),
        sa.Column("resolution", pg.JSONB(), nullable=True),
        sa.Column("pass_on", pg.JSONB(), nullable=True),
        sa.Column("information_request_id", sa.Uuid(), nullable=True),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        _case_fk("ec_decision"),
        sa.ForeignKeyConstraint(
            ["information_request_id"],
            ["ec_information_request.id"],
            name=op.f("fk_ec_decision_information_request_id_ec_information_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ec_decision")),
    )
    op.create_index("uq_ec_decision_case_id", "ec_decision", ["case_id"], unique=True)

    op.create_table(
        "ec_communication",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
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
        *_timestamps(),
        _case_fk("ec_communication"),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["ec_decision.id"],
            name=op.f("fk_ec_communication_decision_id_ec_decision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ec_communication")),
    )
    op.create_index("ix_ec_communication_case_id", "ec_communication", ["case_id"])


def downgrade() -> None:
    op.drop_table("ec_communication")
    op.drop_table("ec_decision")
    op.drop_table("ec_information_request")
    op.execute("DROP TRIGGER ec_deadline_effective_due_date_default ON ec_deadline")
    op.execute("DROP FUNCTION ec_deadline_effective_due_date_default()")
    op.drop_table("ec_deadline")
    op.drop_table("ec_contact_attempt")

"""The proposal to investigate (¶3.73–3.108; ASM-158…167, C-15): the plan prepared before it is
issued, one letter per recipient through the casework kit's communications (with the kit's
legal-scan CHECK, XC-RSK-004: a recipient's reply is recorded there too), and one C-15 comment
deadline per recipient with its agreed extensions. ``effective_due_date`` is kept by PostgreSQL
as intake's deadlines are (intake migration 0010): a new deadline starts with its ``due_date``,
and an extension moves its own deadline only (ASM-161), the original never overwritten.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.casework.communications import legal_scan_checks

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECIPIENT_KINDS = "recipient_kind IN ('organisation', 'named_person', 'party')"


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
        ondelete="CASCADE",
        name=op.f(f"fk_{table}_case_id_assessment_case"),
    )


def _proposal_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["proposal_id"],
        ["investigation_proposal.id"],
        name=op.f(f"fk_{table}_proposal_id_investigation_proposal"),
    )


_TRIGGERS = (
    """
    CREATE FUNCTION proposal_recipient_deadline_effective_due_date_default() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.effective_due_date := coalesce(NEW.effective_due_date, NEW.due_date);
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER proposal_recipient_deadline_effective_due_date_default
        BEFORE INSERT ON proposal_recipient_deadline
        FOR EACH ROW EXECUTE FUNCTION proposal_recipient_deadline_effective_due_date_default()
    """,
    """
    CREATE FUNCTION proposal_recipient_extension_moves_due_date() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE proposal_recipient_deadline SET effective_due_date = NEW.new_due_date
            WHERE id = NEW.deadline_id;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER proposal_recipient_extension_moves_due_date
        AFTER INSERT ON proposal_recipient_extension
        FOR EACH ROW EXECUTE FUNCTION proposal_recipient_extension_moves_due_date()
    """,
)


def upgrade() -> None:
    op.create_table(
        "proposal_plan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("injustice_claimed", sa.Text(), nullable=False),
        sa.Column("outcome_sought", sa.Text(), nullable=False),
        sa.Column("organisations", pg.JSONB(), nullable=False),
        sa.Column("organisation_inputs", pg.JSONB(), nullable=False),
        sa.Column("named_persons", pg.JSONB(), nullable=False),
        sa.Column("issues", pg.JSONB(), nullable=False),
        sa.Column("prepared_by", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        _case_fk("proposal_plan"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_plan")),
    )
    op.create_index("uq_proposal_plan_case_id", "proposal_plan", ["case_id"], unique=True)

    op.create_table(
        "proposal_communication",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=60), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
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
        *_timestamps(),
        sa.CheckConstraint(
            str(legal_scan_checks("communication").sqltext),
            name=op.f("ck_proposal_communication_legal_scan_present"),
        ),
        sa.CheckConstraint(
            RECIPIENT_KINDS, name=op.f("ck_proposal_communication_proposal_recipient_kind")
        ),
        _case_fk("proposal_communication"),
        _proposal_fk("proposal_communication"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_communication")),
    )
    op.create_index("ix_proposal_communication_case_id", "proposal_communication", ["case_id"])

    op.create_table(
        "proposal_recipient_deadline",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=60), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("effective_due_date", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            RECIPIENT_KINDS, name=op.f("ck_proposal_recipient_deadline_proposal_recipient_kind")
        ),
        _case_fk("proposal_recipient_deadline"),
        _proposal_fk("proposal_recipient_deadline"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_recipient_deadline")),
    )
    op.create_index(
        "ix_proposal_recipient_deadline_case_id", "proposal_recipient_deadline", ["case_id"]
    )
    op.create_index(
        "uq_proposal_recipient_deadline_recipient",
        "proposal_recipient_deadline",
        ["proposal_id", "recipient_kind", "recipient_id"],
        unique=True,
    )
    op.create_index(
        "ix_proposal_recipient_deadline_open_due",
        "proposal_recipient_deadline",
        ["effective_due_date"],
        postgresql_where=sa.text("met_at IS NULL AND cancelled_at IS NULL"),
    )

    op.create_table(
        "proposal_recipient_extension",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deadline_id", sa.Uuid(), nullable=False),
        sa.Column("new_due_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("is_reasonable_adjustment", sa.Boolean(), nullable=False),
        sa.Column("granted_by", sa.Text(), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "length(btrim(reason)) > 0", name=op.f("ck_proposal_recipient_extension_reason_given")
        ),
        sa.ForeignKeyConstraint(
            ["deadline_id"],
            ["proposal_recipient_deadline.id"],
            ondelete="CASCADE",
            name=op.f("fk_proposal_recipient_extension_deadline_id_proposal_recipient_deadline"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_recipient_extension")),
    )
    op.create_index(
        "ix_proposal_recipient_extension_deadline_id",
        "proposal_recipient_extension",
        ["deadline_id"],
    )
    for statement in _TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for statement in (
        "DROP TRIGGER proposal_recipient_extension_moves_due_date ON proposal_recipient_extension",
        "DROP FUNCTION proposal_recipient_extension_moves_due_date()",
        "DROP TRIGGER proposal_recipient_deadline_effective_due_date_default "
        "ON proposal_recipient_deadline",
        "DROP FUNCTION proposal_recipient_deadline_effective_due_date_default()",
    ):
        op.execute(statement)
    op.drop_table("proposal_recipient_extension")
    op.drop_table("proposal_recipient_deadline")
    op.drop_table("proposal_communication")
    op.drop_table("proposal_plan")

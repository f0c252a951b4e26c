"""Investigation's record of a case, opened at Milestone 1 from assessment's proposal to
investigate (INV-003, ¶3.102, ¶4.4): the organisations tab, the parties, the milestones and the
proposal's comment deadlines (C-15). ``proposal_comment_deadline.effective_due_date`` is kept by
PostgreSQL, as intake's deadlines are (intake migration 0010): a new deadline starts with its
``due_date``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    ]


def _investigation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["investigation_id"],
        ["investigation.id"],
        name=op.f(f"fk_{table}_investigation_id_investigation"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "investigation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("case_type", sa.Text(), nullable=False),
        sa.Column("jurisdiction", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=60), nullable=False),
        sa.Column("status_changed_at", TZ, nullable=False),
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("proposed_at", TZ, nullable=False),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.Text(), nullable=True),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=False),
        sa.Column("named_person_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("component_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_investigation_proposal_id")),
    )
    op.create_index("ix_investigation_proposed_at_id", "investigation", ["proposed_at", "id"])
    op.create_index(
        "ix_investigation_owner_proposed_at_id", "investigation", ["owner", "proposed_at", "id"]
    )

    op.create_table(
        "investigation_organisation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("investigation_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "role IN ('organisation', 'second_tier', 'contractor')",
            name=op.f("ck_investigation_organisation_role_known"),
        ),
        _investigation_fk("investigation_organisation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_organisation")),
        sa.UniqueConstraint(
            "investigation_id",
            "organisation_id",
            "role",
            name=op.f("uq_investigation_organisation_row"),
        ),
    )

    op.create_table(
        "investigation_party",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("investigation_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "role IN ('complainant', 'aggrieved', 'representative', 'mp')",
            name=op.f("ck_investigation_party_role_known"),
        ),
        _investigation_fk("investigation_party"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_party")),
        sa.UniqueConstraint(
            "investigation_id", "person_id", "role", name=op.f("uq_investigation_party_row")
        ),
    )

    op.create_table(
        "investigation_milestone",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("investigation_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "number BETWEEN 1 AND 7", name=op.f("ck_investigation_milestone_number_in_range")
        ),
        _investigation_fk("investigation_milestone"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_milestone")),
        sa.UniqueConstraint(
            "investigation_id",
            "number",
            name=op.f("uq_investigation_milestone_investigation_id_number"),
        ),
    )

    op.create_table(
        "proposal_comment_deadline",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("investigation_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_kind", sa.Text(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("effective_due_date", sa.Date(), nullable=False),
        sa.Column("due_at", TZ, nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("met_at", TZ, nullable=True),
        sa.Column("cancelled_at", TZ, nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "recipient_kind IN ('organisation', 'named_person', 'party')",
            name=op.f("ck_proposal_comment_deadline_recipient_kind_known"),
        ),
        _investigation_fk("proposal_comment_deadline"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_comment_deadline")),
        sa.UniqueConstraint(
            "investigation_id",
            "recipient_kind",
            "recipient_id",
            name=op.f("uq_proposal_comment_deadline_recipient"),
        ),
    )
    op.execute(
        """
        CREATE FUNCTION proposal_comment_deadline_effective_due_date_default() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.effective_due_date := coalesce(NEW.effective_due_date, NEW.due_date);
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER proposal_comment_deadline_effective_due_date_default
            BEFORE INSERT ON proposal_comment_deadline
            FOR EACH ROW EXECUTE FUNCTION proposal_comment_deadline_effective_due_date_default()
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TRIGGER proposal_comment_deadline_effective_due_date_default "
        "ON proposal_comment_deadline"
    )
    op.execute("DROP FUNCTION proposal_comment_deadline_effective_due_date_default()")
    op.drop_table("proposal_comment_deadline")
    op.drop_table("investigation_milestone")
    op.drop_table("investigation_party")
    op.drop_table("investigation_organisation")
    op.drop_index("ix_investigation_owner_proposed_at_id", table_name="investigation")
    op.drop_index("ix_investigation_proposed_at_id", table_name="investigation")
    op.drop_table("investigation")

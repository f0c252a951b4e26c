"""An extension agreed at assessment for one proposal recipient (ASM-161 ¶3.78), received as
``assessment.proposal.comment_deadline_extended``: its own row, the original date kept, and the
recipient's ``effective_due_date`` moved by PostgreSQL, as intake's extensions do (intake
migration 0010). The row's id is the extension's id at assessment, so it is stored once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "proposal_comment_extension"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deadline_id", sa.Uuid(), nullable=False),
        sa.Column("new_due_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("is_reasonable_adjustment", sa.Boolean(), nullable=False),
        sa.Column("granted_by", sa.Text(), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["deadline_id"],
            ["proposal_comment_deadline.id"],
            ondelete="CASCADE",
            name=op.f(f"fk_{TABLE}_deadline_id_proposal_comment_deadline"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index("ix_proposal_comment_extension_deadline_id", TABLE, ["deadline_id"])
    op.execute(
        """
        CREATE FUNCTION proposal_comment_extension_moves_due_date() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE proposal_comment_deadline SET effective_due_date = NEW.new_due_date
                WHERE id = NEW.deadline_id;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER proposal_comment_extension_moves_due_date
            AFTER INSERT ON proposal_comment_extension
            FOR EACH ROW EXECUTE FUNCTION proposal_comment_extension_moves_due_date()
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TRIGGER proposal_comment_extension_moves_due_date ON proposal_comment_extension"
    )
    op.execute("DROP FUNCTION proposal_comment_extension_moves_due_date()")
    op.drop_table(TABLE)

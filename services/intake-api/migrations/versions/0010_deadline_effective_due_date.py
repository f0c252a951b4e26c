"""Deadlines carry their effective due date (the latest agreed extension, else the original).

The information-deadline work queue orders by it; computing it per row from the extensions
meant sorting every passed deadline on each page. Extensions stay separate records and the
original ``due_date`` is never overwritten (DESIGN §5): ``effective_due_date`` is derived, kept
by PostgreSQL itself:
- a new deadline starts with its ``due_date`` (BEFORE INSERT);
- a new extension moves its deadline's ``effective_due_date`` to the extension's date (the
  newest extension wins, as before; the service refuses an extension that is not later).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_TRIGGERS = (
    """
    CREATE FUNCTION deadline_effective_due_date_default() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.effective_due_date := coalesce(NEW.effective_due_date, NEW.due_date);
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER deadline_effective_due_date_default BEFORE INSERT ON deadline
        FOR EACH ROW EXECUTE FUNCTION deadline_effective_due_date_default()
    """,
    """
    CREATE FUNCTION deadline_extension_moves_due_date() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE deadline SET effective_due_date = NEW.new_due_date WHERE id = NEW.deadline_id;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER deadline_extension_moves_due_date AFTER INSERT ON deadline_extension
        FOR EACH ROW EXECUTE FUNCTION deadline_extension_moves_due_date()
    """,
)


def upgrade() -> None:
    op.add_column("deadline", sa.Column("effective_due_date", sa.Date(), nullable=True))
    op.execute(
        """
        UPDATE deadline d SET effective_due_date = coalesce(
            (SELECT e.new_due_date FROM deadline_extension e WHERE e.deadline_id = d.id
             ORDER BY e.created_at DESC, e.new_due_date DESC, e.id DESC LIMIT 1),
            d.due_date)
        """
    )
    op.alter_column("deadline", "effective_due_date", nullable=False)
    for statement in _TRIGGERS:
        op.execute(statement)
    op.create_index(
        "ix_deadline_open_effective_due",
        "deadline",
        ["kind", "effective_due_date"],
        postgresql_where=sa.text("met_at IS NULL AND cancelled_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_deadline_open_effective_due", table_name="deadline")
    for statement in (
        "DROP TRIGGER deadline_extension_moves_due_date ON deadline_extension",
        "DROP FUNCTION deadline_extension_moves_due_date()",
        "DROP TRIGGER deadline_effective_due_date_default ON deadline",
        "DROP FUNCTION deadline_effective_due_date_default()",
    ):
        op.execute(statement)
    op.drop_column("deadline", "effective_due_date")

"""The case list by organisation reads one index in its own order.

``case_organisation`` carries its case's ``received_date`` (a case's receipt date never changes),
copied by PostgreSQL when the link is made, and ``ix_case_organisation_listing`` orders an
organisation's cases newest first: a page is the next 51 index entries, for an organisation with
three cases or three hundred thousand. (Filtering the date-ordered case index instead depends on
the planner guessing the organisation's size, and a small one cost a scan of most cases.)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = (
    """
    CREATE FUNCTION case_organisation_received_date() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        SELECT c.received_date INTO NEW.received_date FROM "case" c WHERE c.id = NEW.case_id;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER case_organisation_received_date BEFORE INSERT ON case_organisation
        FOR EACH ROW EXECUTE FUNCTION case_organisation_received_date()
    """,
)


def upgrade() -> None:
    op.add_column("case_organisation", sa.Column("received_date", sa.Date(), nullable=True))
    op.execute(
        'UPDATE case_organisation o SET received_date = c.received_date FROM "case" c '
        "WHERE c.id = o.case_id"
    )
    op.alter_column("case_organisation", "received_date", nullable=False)
    for statement in _TRIGGERS:
        op.execute(statement)
    op.create_index(
        "ix_case_organisation_listing",
        "case_organisation",
        ["organisation_id", "role", "received_date", "case_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_case_organisation_listing", table_name="case_organisation")
    op.execute("DROP TRIGGER case_organisation_received_date ON case_organisation")
    op.execute("DROP FUNCTION case_organisation_received_date()")
    op.drop_column("case_organisation", "received_date")

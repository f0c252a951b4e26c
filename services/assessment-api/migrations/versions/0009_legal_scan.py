"""Assessment's communications and contact attempts carry their scan for legal-action wording
(XC-RSK-004), as intake's do (intake migration 0018): a returned DR consent form, a call, and a
contact note cannot be stored without it. No rows predate this in any deployment (the tables
are new in this release), so there is nothing to scan here.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.casework.communications import legal_scan_checks

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "dr_communication": "communication",
    "ec_communication": "communication",
    "ec_contact_attempt": "contact_attempt",
}


def upgrade() -> None:
    for table, kind in TABLES.items():
        op.add_column(table, sa.Column("legal_scan", pg.JSONB(), nullable=True))
        check = legal_scan_checks(kind)  # type: ignore[arg-type]
        op.create_check_constraint(
            op.f(f"ck_{table}_legal_scan_present"), table, str(check.sqltext)
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_constraint(op.f(f"ck_{table}_legal_scan_present"), table, type_="check")
        op.drop_column(table, "legal_scan")

"""Communications and contact attempts carry their scan for legal-action wording (XC-RSK-004).

An inbound communication, a call, and a contact attempt with notes cannot be stored without it
(``shared.casework.communications.legal_scan_checks``). Rows recorded before are scanned here,
so the CHECK holds; no event is emitted for them (their 24 hours are long past, and a migration
is no place to raise work: a search of ``legal_scan -> 'terms'`` finds them).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.casework.communications import (
    COMMUNICATION_SCANNED,
    CONTACT_ATTEMPT_SCANNED,
    communication_texts,
    legal_scan,
    legal_scan_checks,
)

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _set(table: str) -> sa.TextClause:
    return sa.text(f"UPDATE {table} SET legal_scan = :scan WHERE id = :id").bindparams(
        sa.bindparam("scan", type_=pg.JSONB())
    )


def upgrade() -> None:
    for table in ("communication", "contact_attempt"):
        op.add_column(table, sa.Column("legal_scan", pg.JSONB(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(f"SELECT id, summary, documents FROM communication WHERE {COMMUNICATION_SCANNED}")
    ).all()
    scans = [
        {"id": r.id, "scan": legal_scan(communication_texts(r.summary, r.documents))} for r in rows
    ]
    if scans:
        bind.execute(_set("communication"), scans)
    rows = bind.execute(
        sa.text(f"SELECT id, notes FROM contact_attempt WHERE {CONTACT_ATTEMPT_SCANNED}")
    ).all()
    scans = [{"id": r.id, "scan": legal_scan({"notes": r.notes})} for r in rows]
    if scans:
        bind.execute(_set("contact_attempt"), scans)
    for table in ("communication", "contact_attempt"):
        check = legal_scan_checks(table)
        op.create_check_constraint(
            op.f(f"ck_{table}_legal_scan_present"), table, str(check.sqltext)
        )


def downgrade() -> None:
    for table in ("communication", "contact_attempt"):
        op.drop_constraint(op.f(f"ck_{table}_legal_scan_present"), table, type_="check")
        op.drop_column(table, "legal_scan")

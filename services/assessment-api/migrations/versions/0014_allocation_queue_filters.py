"""The allocation queue filtered by triage category, jurisdiction or both is one range of one
index in the queue's order (DESIGN §5; ASM-085, XC-RSK-006), as the unfiltered queue already is.

``make bench`` over 100,000 waiting cases (issue #12) found the filtered pages walking the
order index and throwing rows away: about 1,100 per page for 'complex & significant', 800 for
'parliamentary', and 12,400 (31 ms) for both together. Each filter now has its index, partial on
the queued entries like the order index; "next case for me" (a list of categories) keeps using
the order index, whose head fits almost every caller.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRY = "allocation_queue_entry"
ORDER = ["terminal_rank", "priority_rank", "received_date", "id"]
INDEXES = {
    "ix_allocation_queue_entry_category_order": ["triage_category"],
    "ix_allocation_queue_entry_jurisdiction_order": ["jurisdiction"],
    "ix_allocation_queue_entry_category_jurisdiction_order": ["triage_category", "jurisdiction"],
}


def upgrade() -> None:
    for name, leading in INDEXES.items():
        op.create_index(
            name, ENTRY, [*leading, *ORDER], postgresql_where=sa.text("status = 'queued'")
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name=ENTRY)

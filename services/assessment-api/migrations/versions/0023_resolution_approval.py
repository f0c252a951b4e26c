"""A resolution at further consideration (T33) is a decision not to investigate issued under
the normal requirements (ASM-156 ¶3.67), so it is approved under the Delegation Scheme
(ASM-172) like a decline: the agreed request records the approval it was closed under and the
approver. An agreed request without one is refused by CHECK (NOT VALID: requests agreed before
this revision were closed before resolutions were approved, and keep their record).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "fc_resolution_request"
CHECK = "ck_fc_resolution_request_agreed_is_approved"


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("approval_id", sa.Uuid(), nullable=True))
    op.add_column(TABLE, sa.Column("approved_by", sa.Text(), nullable=True))
    op.create_foreign_key(
        op.f(f"fk_{TABLE}_approval_id_decision_approval"),
        TABLE,
        "decision_approval",
        ["approval_id"],
        ["id"],
    )
    op.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT {CHECK} "
        "CHECK (status <> 'agreed' OR (approval_id IS NOT NULL AND approved_by IS NOT NULL)) "
        "NOT VALID"
    )


def downgrade() -> None:
    op.drop_constraint(op.f(CHECK), TABLE, type_="check")
    op.drop_constraint(op.f(f"fk_{TABLE}_approval_id_decision_approval"), TABLE, type_="foreignkey")
    op.drop_column(TABLE, "approved_by")
    op.drop_column(TABLE, "approval_id")

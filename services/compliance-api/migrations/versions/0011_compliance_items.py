"""Compliance items (requirements §B.4): the resolution items of resolutions agreed at
assessment (¶3.66, ASM-155, CMP-023). A resolution item is open or closed and never has an
escalation stage: the database refuses anything else, whichever code writes it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "compliance_item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=60), nullable=False),
        sa.Column("status_changed_at", TZ, nullable=False),
        sa.Column("escalation_stage", sa.Integer(), nullable=True),
        sa.Column("organisation_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("component_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("actions", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("resolution_id", sa.Uuid(), nullable=True),
        sa.Column("risk_assessment_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("agreed_at", TZ, nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.Column("closure_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("kind IN ('resolution')", name=op.f("ck_compliance_item_kind_known")),
        sa.CheckConstraint(
            "kind <> 'resolution' OR (status IN ('open', 'closed') AND escalation_stage IS NULL)",
            name=op.f("ck_compliance_item_resolution_never_escalated"),
        ),
        sa.CheckConstraint(
            "kind <> 'resolution' OR resolution_id IS NOT NULL",
            name=op.f("ck_compliance_item_resolution_named"),
        ),
        sa.CheckConstraint(
            "cardinality(actions) >= 1", name=op.f("ck_compliance_item_has_actions")
        ),
        sa.CheckConstraint(
            "(closed_at IS NULL) = (status <> 'closed')"
            " AND (closed_at IS NULL) = (closed_by IS NULL)",
            name=op.f("ck_compliance_item_closed_with_who_and_when"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_item")),
        sa.UniqueConstraint("resolution_id", name=op.f("uq_compliance_item_resolution_id")),
    )
    op.create_index("ix_compliance_item_case_id", "compliance_item", ["case_id", "agreed_at", "id"])
    op.create_index("ix_compliance_item_agreed_at_id", "compliance_item", ["agreed_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_compliance_item_agreed_at_id", table_name="compliance_item")
    op.drop_index("ix_compliance_item_case_id", table_name="compliance_item")
    op.drop_table("compliance_item")

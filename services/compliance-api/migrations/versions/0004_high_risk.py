"""The high-risk path (CMP-113, CMP-115, CMP-127…131, XC-RSK-005), the category rules
(CMP-116, CMP-119, CMP-121…125) and ad hoc review reasons (XC-RSK-003).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sa.String(length=60)
TZ = sa.DateTime(timezone=True)
FALSE = sa.text("false")


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    ]


def _assessment_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("review_reason", S, nullable=True),
        sa.Column("mp_involved", sa.Boolean(), server_default=FALSE, nullable=False),
        sa.Column("earlier_cases_reviewed", sa.Boolean(), nullable=True),
        sa.Column("earlier_service_complaint", sa.Boolean(), server_default=FALSE, nullable=False),
        sa.Column(
            "others_informed",
            pg.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "prompts", pg.ARRAY(sa.Text()), server_default=sa.text("'{}'::text[]"), nullable=False
        ),
        sa.Column("high_risk_path", S, server_default=sa.text("'none'"), nullable=False),
        sa.Column("prioritise_allocation", sa.Boolean(), server_default=FALSE, nullable=False),
    )


def _entry_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("who_to_contact", sa.Text(), nullable=True),
        sa.Column("mitigation_effect", sa.Text(), nullable=True),
        sa.Column("risk_to", S, nullable=True),
        sa.Column("immediate", sa.Boolean(), server_default=FALSE, nullable=False),
        sa.Column("immediate_action", sa.Text(), nullable=True),
        sa.Column("terminal_illness", sa.Boolean(), server_default=FALSE, nullable=False),
        sa.Column("threat_of_harm", sa.Boolean(), server_default=FALSE, nullable=False),
        sa.Column("disclosure_decision", sa.Text(), nullable=True),
        sa.Column("disclosure_reason", sa.Text(), nullable=True),
        sa.Column("disclosure_before_decision", sa.Boolean(), nullable=True),
        sa.Column("information_breach", sa.Boolean(), server_default=FALSE, nullable=False),
        sa.Column("unresolved_by_management", sa.Boolean(), server_default=FALSE, nullable=False),
    )


ENTRY_CHECKS = {
    "threat_disclosure_considered": "NOT threat_of_harm OR (disclosure_decision IS NOT NULL"
    " AND disclosure_reason IS NOT NULL)",
    "immediate_action": "NOT immediate OR immediate_action IS NOT NULL",
    "people_flags": "category = 'people' OR NOT (terminal_illness OR threat_of_harm)",
    "financial_flags": "category = 'financial' OR NOT information_breach",
    "our_service_flags": "category = 'our_service' OR NOT unresolved_by_management",
}

OPEN_STATES = "state NOT IN ('manager_disagreed', 'oversight_ended', 'stood_down')"


def upgrade() -> None:
    for column in _assessment_columns():
        op.add_column("risk_assessment", column)
    for column in _entry_columns():
        op.add_column("risk_entry", column)
    for name, sql in ENTRY_CHECKS.items():
        op.create_check_constraint(op.f(f"ck_risk_entry_{name}"), "risk_entry", sql)

    op.create_table(
        "risk_escalation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("state", S, nullable=False),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=True),
        sa.Column("plan_outcome", S, nullable=True),
        sa.Column("plan_sent_to", sa.Text(), nullable=True),
        sa.Column("ad_review_requested_at", TZ, nullable=True),
        sa.Column("plan_review_id", sa.Uuid(), nullable=True),
        sa.Column("template_document_id", sa.Uuid(), nullable=True),
        sa.Column("request_submitted_to", sa.Text(), nullable=True),
        sa.Column("request_meeting_on", sa.Date(), nullable=True),
        sa.Column("requested_by", sa.Text(), nullable=True),
        sa.Column("requested_at", TZ, nullable=True),
        sa.Column("holder", sa.Text(), nullable=True),
        sa.Column("holder_role", S, nullable=True),
        sa.Column("legal_advice_key", sa.Boolean(), nullable=True),
        sa.Column("assigned_meeting_on", sa.Date(), nullable=True),
        sa.Column("assigned_by", sa.Text(), nullable=True),
        sa.Column("assigned_at", TZ, nullable=True),
        sa.Column("updates_ended_at", TZ, nullable=True),
        sa.Column("updates_ended_by", sa.Text(), nullable=True),
        sa.Column("updates_end_reason", sa.Text(), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "state NOT IN ('oversight_assigned', 'oversight_ended')"
            " OR (holder IS NOT NULL AND holder_role IS NOT NULL)",
            name=op.f("ck_risk_escalation_holder_when_assigned"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["risk_assessment.id"],
            name=op.f("fk_risk_escalation_assessment_id_risk_assessment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_escalation")),
    )
    op.create_index(
        "uq_risk_escalation_open_case",
        "risk_escalation",
        ["case_id"],
        unique=True,
        postgresql_where=sa.text(OPEN_STATES),
    )
    op.create_index(
        "ix_risk_escalation_awaiting_manager",
        "risk_escalation",
        ["opened_at", "id"],
        postgresql_where=sa.text("state = 'awaiting_manager'"),
    )

    op.create_table(
        "risk_task",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", S, nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("escalation_id", sa.Uuid(), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("done_at", TZ, nullable=True),
        sa.Column("done_by", sa.Text(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["risk_assessment.id"],
            name=op.f("fk_risk_task_assessment_id_risk_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["risk_entry.id"], name=op.f("fk_risk_task_entry_id_risk_entry")
        ),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["risk_escalation.id"],
            name=op.f("fk_risk_task_escalation_id_risk_escalation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_task")),
    )
    op.create_index("ix_risk_task_case", "risk_task", ["case_id", "created_at"])
    op.create_index(
        "ix_risk_task_open",
        "risk_task",
        ["created_at", "id"],
        postgresql_where=sa.text("done_at IS NULL"),
    )

    op.create_table(
        "risk_update_deadline",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("escalation_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        # An update is never extended: the date in force is the due date.
        sa.Column("effective_due_date", sa.Date(), sa.Computed("due_date", persisted=True)),
        sa.Column("due_at", TZ, nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("met_at", TZ, nullable=True),
        sa.Column("cancelled_at", TZ, nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["risk_escalation.id"],
            name=op.f("fk_risk_update_deadline_escalation_id_risk_escalation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_update_deadline")),
    )
    op.create_index(
        "ix_risk_update_deadline_open",
        "risk_update_deadline",
        ["effective_due_date", "id"],
        postgresql_where=sa.text("met_at IS NULL AND cancelled_at IS NULL"),
    )
    op.create_index("ix_risk_update_deadline_escalation", "risk_update_deadline", ["escalation_id"])

    op.create_table(
        "risk_oversight_update",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("escalation_id", sa.Uuid(), nullable=False),
        sa.Column("deadline_id", sa.Uuid(), nullable=True),
        sa.Column("meeting_on", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("sent_by", sa.Text(), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["risk_escalation.id"],
            name=op.f("fk_risk_oversight_update_escalation_id_risk_escalation"),
        ),
        sa.ForeignKeyConstraint(
            ["deadline_id"],
            ["risk_update_deadline.id"],
            name=op.f("fk_risk_oversight_update_deadline_id_risk_update_deadline"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_oversight_update")),
    )

    op.create_table(
        "risk_oversight_record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("escalation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", S, nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("accompanied_by", sa.Text(), nullable=True),
        sa.Column("accompanied_by_grade", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("cover_note_document_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("approval_id", sa.Uuid(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "(kind = 'meeting' AND accompanied_by IS NOT NULL)"
            " OR (kind = 'decision' AND decision IS NOT NULL"
            " AND cover_note_document_id IS NOT NULL)",
            name=op.f("ck_risk_oversight_record_kind_fields"),
        ),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["risk_escalation.id"],
            name=op.f("fk_risk_oversight_record_escalation_id_risk_escalation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_oversight_record")),
    )
    op.create_index(
        "ix_risk_oversight_record_escalation",
        "risk_oversight_record",
        ["escalation_id", "recorded_at"],
    )

    op.create_table(
        "risk_breach_report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("reported_to", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.Text(), nullable=False),
        sa.Column("reported_at", TZ, nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["risk_entry.id"], name=op.f("fk_risk_breach_report_entry_id_risk_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_breach_report")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_risk_breach_report_entry_id")),
    )


def downgrade() -> None:
    op.drop_table("risk_breach_report")
    op.drop_index("ix_risk_oversight_record_escalation", table_name="risk_oversight_record")
    op.drop_table("risk_oversight_record")
    op.drop_table("risk_oversight_update")
    op.drop_index("ix_risk_update_deadline_escalation", table_name="risk_update_deadline")
    op.drop_index("ix_risk_update_deadline_open", table_name="risk_update_deadline")
    op.drop_table("risk_update_deadline")
    op.drop_index("ix_risk_task_open", table_name="risk_task")
    op.drop_index("ix_risk_task_case", table_name="risk_task")
    op.drop_table("risk_task")
    op.drop_index("ix_risk_escalation_awaiting_manager", table_name="risk_escalation")
    op.drop_index("uq_risk_escalation_open_case", table_name="risk_escalation")
    op.drop_table("risk_escalation")
    for name in ENTRY_CHECKS:
        op.drop_constraint(op.f(f"ck_risk_entry_{name}"), "risk_entry", type_="check")
    for column in reversed(_entry_columns()):
        op.drop_column("risk_entry", column.name)
    for column in reversed(_assessment_columns()):
        op.drop_column("risk_assessment", column.name)

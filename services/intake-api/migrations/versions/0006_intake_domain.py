"""Intake case domain: gates, parties, organisations, contacts, communications, deadlines.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sa.String(length=60)


def _ts(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


NEW_CASE_COLUMNS: list[sa.Column] = [  # type: ignore[type-arg]
    sa.Column("owner", sa.Text(), nullable=True),
    sa.Column("copied_in_only", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("type_reason", sa.Text(), nullable=True),
    sa.Column("previous_contact_check_id", sa.Uuid(), nullable=True),
    sa.Column("injustice_claimed", sa.Text(), nullable=True),
    sa.Column("outcome_sought", sa.Text(), nullable=True),
    sa.Column("financial_remedy_sought", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("financial_amount_pence", sa.Integer(), nullable=True),
    sa.Column("complaint_process_stage", S, nullable=True),
    sa.Column("reason_unhappy_with_response", sa.Text(), nullable=True),
    sa.Column("victims_code_checked", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("victims_code", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("vpa_answers", pg.JSONB(), nullable=True),
    sa.Column("vpa_no_mp_referral", sa.Boolean(), server_default=sa.false(), nullable=False),
    _ts("vpa_legal_advice_requested_at"),
    sa.Column("vpa_pass_through_note", sa.Text(), nullable=True),
    sa.Column("mp_person_id", sa.Uuid(), nullable=True),
    sa.Column("mp_referred_date", sa.Date(), nullable=True),
    sa.Column(
        "complaint_to_mp_in_writing", sa.Boolean(), server_default=sa.false(), nullable=False
    ),
    sa.Column("aggrieved_consent", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("mp_requests_investigation", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("mp_referral_signed_by", S, nullable=True),
    sa.Column(
        "written_complaint_received", sa.Boolean(), server_default=sa.false(), nullable=False
    ),
    sa.Column(
        "complaint_form_awaiting_confirmation",
        sa.Boolean(),
        server_default=sa.false(),
        nullable=False,
    ),
    sa.Column("properly_made", sa.Boolean(), nullable=True),
    sa.Column("properly_made_decided_by", sa.Text(), nullable=True),
    _ts("properly_made_decided_at"),
    sa.Column("org_response_format", S, nullable=True),
    sa.Column(
        "not_reasonable_to_expect_local_resolution",
        sa.Boolean(),
        server_default=sa.false(),
        nullable=False,
    ),
    sa.Column("readiness_rationale", sa.Text(), nullable=True),
    sa.Column("exception_reason", S, nullable=True),
    sa.Column("exception_rationale", sa.Text(), nullable=True),
    sa.Column(
        "self_referred_by_organisation", sa.Boolean(), server_default=sa.false(), nullable=False
    ),
    sa.Column("joint_working", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("other_ombudsman", S, nullable=True),
    sa.Column("joint_working_topics", pg.ARRAY(sa.Text()), server_default="{}", nullable=False),
    _ts("joint_working_shared_at"),
    sa.Column("prison_case_type", S, nullable=True),
    sa.Column("routing_rationale", sa.Text(), nullable=True),
    sa.Column("specialist_team", sa.Text(), nullable=True),
    sa.Column("triage_answers", pg.JSONB(), nullable=True),
    sa.Column("special_handling_reason", sa.Text(), nullable=True),
    sa.Column("priority_requested_by", sa.Text(), nullable=True),
    sa.Column("priority_approved_by", sa.Text(), nullable=True),
    _ts("priority_approved_at"),
    sa.Column("checklist", pg.JSONB(), server_default="{}", nullable=False),
    sa.Column("checklist_override_reason", sa.Text(), nullable=True),
    sa.Column("risk_assessment_required", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("closure_code", sa.Text(), nullable=True),
    sa.Column("closure_reasons", sa.Text(), nullable=True),
    sa.Column("remit_categories", pg.ARRAY(sa.Text()), server_default="{}", nullable=False),
    sa.Column("decision_channel", S, nullable=True),
    sa.Column(
        "written_decision_requested", sa.Boolean(), server_default=sa.false(), nullable=False
    ),
    sa.Column("signposting_type", S, nullable=True),
    sa.Column("signposting_detail", sa.Text(), nullable=True),
    _ts("closed_at"),
]


def upgrade() -> None:
    for column in NEW_CASE_COLUMNS:
        op.add_column("case", column)
    # Earlier columns were VARCHAR(40); the shared enum helper uses 60.
    for name in (
        "status",
        "case_type",
        "channel",
        "jurisdiction",
        "route",
        "triage_category",
        "priority",
    ):
        op.alter_column("case", name, type_=S, existing_type=sa.String(length=40))
    op.create_index("ix_case_owner_status", "case", ["owner", "status"])
    op.create_check_constraint(
        op.f("ck_case_financial_amount_not_negative"),
        "case",
        "financial_amount_pence IS NULL OR financial_amount_pence >= 0",
    )

    op.create_table(
        "case_party",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("role", S, nullable=False),
        sa.Column("authority_to_receive_info", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_party_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_party")),
        sa.UniqueConstraint("case_id", "person_id", "role", name="uq_case_party_case_person_role"),
    )
    op.create_index("ix_case_party_person_id", "case_party", ["person_id"])
    op.create_table(
        "case_organisation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("role", S, nullable=False),
        sa.Column("in_jurisdiction", sa.Boolean(), nullable=False),
        sa.Column("remit_only_for_victims_code", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_case_organisation_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_organisation")),
        sa.UniqueConstraint(
            "case_id", "organisation_id", "role", name="uq_case_organisation_case_org_role"
        ),
    )
    op.create_index(
        "ix_case_organisation_organisation_id", "case_organisation", ["organisation_id", "case_id"]
    )
    op.create_table(
        "previous_contact_check",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_ids", pg.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("done_by", sa.Text(), nullable=False),
        sa.Column("matches", pg.JSONB(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_previous_contact_check")),
    )
    op.create_table(
        "case_link",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("earlier_case_id", sa.Uuid(), nullable=False),
        sa.Column("later_case_id", sa.Uuid(), nullable=False),
        sa.Column("reason", S, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("earlier_case_id <> later_case_id", name=op.f("ck_case_link_not_self")),
        sa.ForeignKeyConstraint(
            ["earlier_case_id"],
            ["case.id"],
            name=op.f("fk_case_link_earlier_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["later_case_id"],
            ["case.id"],
            name=op.f("fk_case_link_later_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_link")),
        sa.UniqueConstraint("earlier_case_id", "later_case_id", name="uq_case_link_earlier_later"),
    )
    op.create_index("ix_case_link_later_case_id", "case_link", ["later_case_id"])
    op.create_table(
        "contact_attempt",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        _ts("attempted_at", nullable=False),
        sa.Column("outcome", S, nullable=False),
        sa.Column("expectations_explained", sa.Boolean(), nullable=False),
        sa.Column("adjustments_discussed", sa.Boolean(), nullable=False),
        sa.Column("channel_override_reason", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_contact_attempt_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempt")),
    )
    op.create_index("ix_contact_attempt_case_id", "contact_attempt", ["case_id", "attempted_at"])
    op.create_table(
        "communication",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("medium", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        _ts("occurred_at", nullable=False),
        sa.Column("from_person_id", sa.Uuid(), nullable=True),
        sa.Column("recipients", pg.JSONB(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("headers", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("acknowledges_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_communication_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communication")),
    )
    op.create_index("ix_communication_case_id", "communication", ["case_id", "occurred_at"])
    op.create_index(
        "ix_communication_unacknowledged",
        "communication",
        ["occurred_at"],
        postgresql_where=sa.text("direction = 'inbound'"),
    )
    op.create_table(
        "deadline",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", S, nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        _ts("due_at"),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        _ts("met_at"),
        _ts("cancelled_at"),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_deadline_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline")),
    )
    op.create_index(
        "ix_deadline_open_due",
        "deadline",
        ["kind", "due_date"],
        postgresql_where=sa.text("met_at IS NULL AND cancelled_at IS NULL"),
    )
    op.create_index("ix_deadline_case_id", "deadline", ["case_id"])
    op.create_table(
        "deadline_extension",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deadline_id", sa.Uuid(), nullable=False),
        sa.Column("new_due_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("is_reasonable_adjustment", sa.Boolean(), nullable=False),
        sa.Column("granted_by", sa.Text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["deadline_id"],
            ["deadline.id"],
            name=op.f("fk_deadline_extension_deadline_id_deadline"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_extension")),
    )
    op.create_index("ix_deadline_extension_deadline_id", "deadline_extension", ["deadline_id"])


def downgrade() -> None:
    for table in (
        "deadline_extension",
        "deadline",
        "communication",
        "contact_attempt",
        "case_link",
        "previous_contact_check",
        "case_organisation",
        "case_party",
    ):
        op.drop_table(table)
    op.drop_constraint(op.f("ck_case_financial_amount_not_negative"), "case", type_="check")
    op.drop_index("ix_case_owner_status", table_name="case")
    for name in (
        "status",
        "case_type",
        "channel",
        "jurisdiction",
        "route",
        "triage_category",
        "priority",
    ):
        op.alter_column("case", name, type_=sa.String(length=40), existing_type=S)
    for column in reversed(NEW_CASE_COLUMNS):
        op.drop_column("case", column.name)

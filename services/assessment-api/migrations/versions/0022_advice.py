"""Advice at assessment (guidance ¶3.12–3.58; ASM-142…148, ASM-150…152): advice requests and
the advice received (legal advice documents marked privileged, by CHECK), requests for an
adviser's name (a lead clinician told when it is for a regulator, by CHECK), the record of
deciding without clinical advice, and the clinical standard.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGAL_DOCUMENTS_PRIVILEGED = (
    "advice_type <> 'legal' OR NOT jsonb_path_exists(documents, '$[*] ? (@.privileged != true)')"
)


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"],
        ["assessment_case.id"],
        ondelete="CASCADE",
        name=op.f(f"fk_{table}_case_id_assessment_case"),
    )


def _request_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["advice_request.id"], name=op.f(f"fk_{table}_{column}_advice_request")
    )


def upgrade() -> None:
    t = "advice_request"
    op.create_table(
        t,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("advice_type", sa.String(60), nullable=False),
        sa.Column("clinical_format", sa.String(60), nullable=True),
        sa.Column("discipline", sa.Text(), nullable=True),
        sa.Column("questions", sa.Text(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("depends_on_request_id", sa.Uuid(), nullable=True),
        sa.Column("follow_up_of", sa.Uuid(), nullable=True),
        sa.Column("adviser_id", sa.Text(), nullable=True),
        sa.Column("adviser_change_reason", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(60), nullable=False),
        sa.Column("advice", sa.Text(), nullable=True),
        sa.Column("documents", pg.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("how_used", sa.Text(), nullable=True),
        sa.Column("quality_concern", sa.Text(), nullable=True),
        sa.Column("quality_concern_raised_with", sa.Text(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_stamps(),
        sa.CheckConstraint(
            LEGAL_DOCUMENTS_PRIVILEGED, name=op.f(f"ck_{t}_legal_documents_privileged")
        ),
        _case_fk(t),
        _request_fk(t, "depends_on_request_id"),
        _request_fk(t, "follow_up_of"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index("ix_advice_request_case_id", t, ["case_id", "requested_at", "id"])

    t = "adviser_name_request"
    op.create_table(
        t,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("advice_request_id", sa.Uuid(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("for_regulator", sa.Boolean(), nullable=False),
        sa.Column("referred_to_iaa_on", sa.Date(), nullable=False),
        sa.Column("lead_clinician_told_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        *_stamps(),
        sa.CheckConstraint(
            "NOT for_regulator OR lead_clinician_told_on IS NOT NULL",
            name=op.f(f"ck_{t}_regulator_lead_clinician_told"),
        ),
        _case_fk(t),
        _request_fk(t, "advice_request_id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index("ix_adviser_name_request_case_id", t, ["case_id"])

    t = "clinical_advice_decision"
    op.create_table(
        t,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("clinical_decision_involved", sa.Boolean(), nullable=False),
        sa.Column("om_id", sa.Text(), nullable=True),
        sa.Column("om_discussed_on", sa.Date(), nullable=True),
        sa.Column("om_outcome", sa.String(60), nullable=True),
        sa.Column("lead_clinician_consulted_on", sa.Date(), nullable=True),
        sa.Column("accredited", sa.Boolean(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        *_stamps(),
        _case_fk(t),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index("ix_clinical_advice_decision_case_id", t, ["case_id", "recorded_at"])

    t = "clinical_standard"
    op.create_table(
        t,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("advice_request_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(60), nullable=False),
        sa.Column("source", sa.String(60), nullable=True),
        sa.Column("kind", sa.String(60), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("in_force_at_event_date", sa.Boolean(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("evidence_weighting", sa.Text(), nullable=True),
        sa.Column("organisation_standard", sa.Text(), nullable=True),
        sa.Column("appropriateness_checked", sa.Boolean(), nullable=False),
        sa.Column("rejection_reason", sa.String(60), nullable=True),
        sa.Column("rejection_explanation", sa.Text(), nullable=True),
        sa.Column("organisation_told_on", sa.Date(), nullable=True),
        sa.Column("organisation_missed_deadline", sa.Boolean(), nullable=False),
        sa.Column("conflicting_standard", sa.Text(), nullable=True),
        sa.Column("conflict_explanation", sa.Text(), nullable=True),
        sa.Column("adviser_stated_clearly", sa.Boolean(), nullable=False),
        sa.Column("search_steps", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("om_id", sa.Text(), nullable=True),
        sa.Column("om_confirmed_on", sa.Date(), nullable=True),
        sa.Column("om_unsure", sa.Boolean(), nullable=False),
        sa.Column("lead_clinician_consulted_on", sa.Date(), nullable=True),
        sa.Column("accredited", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        *_stamps(),
        _case_fk(t),
        _request_fk(t, "advice_request_id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index("ix_clinical_standard_case_id", t, ["case_id", "recorded_at"])


def downgrade() -> None:
    op.drop_table("clinical_standard")
    op.drop_table("clinical_advice_decision")
    op.drop_table("adviser_name_request")
    op.drop_table("advice_request")

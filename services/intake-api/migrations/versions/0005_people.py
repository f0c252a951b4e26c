"""People, contact preferences, consents, reasonable adjustments and identity checks.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Self-contained: no foreign key to the case or organisation tables (case ids are plain UUIDs).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum() -> sa.String:
    return sa.String(length=40)


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def _fk(table: str, column: str, referred: str, name: str = "") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(name or f"fk_{table}_{column}_{referred}")
    )


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("party_kind", _enum(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("given_name", sa.Text(), nullable=True),
        sa.Column("family_name", sa.Text(), nullable=True),
        sa.Column("organisation_name", sa.Text(), nullable=True),
        sa.Column("addresses", pg.JSONB(), nullable=False),
        sa.Column("phones", pg.JSONB(), nullable=False),
        sa.Column("emails", pg.JSONB(), nullable=False),
        sa.Column("preferred_contact_method", _enum(), nullable=True),
        sa.Column("preferred_contact_note", sa.Text(), nullable=True),
        sa.Column("days_to_avoid", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("dates_to_avoid", pg.JSONB(), nullable=False),
        sa.Column("prison_number", sa.Text(), nullable=True),
        sa.Column("mp_constituency", sa.Text(), nullable=True),
        sa.Column("mp_active", sa.Boolean(), nullable=True),
        sa.Column("mp_deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mp_deactivated_by", sa.Text(), nullable=True),
        sa.Column("mp_deactivation_reason", sa.Text(), nullable=True),
        sa.Column("sort_name", sa.Text(), nullable=False),
        sa.Column("search_names", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("search_emails", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("search_phones", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("search_postcodes", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_index("ix_person_sort_name_id", "person", ["sort_name", "id"])
    for column in ("search_names", "search_emails", "search_phones", "search_postcodes"):
        op.create_index(f"ix_person_{column}", "person", [column], postgresql_using="gin")

    op.create_table(
        "consent",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("consent_type", _enum(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("third_party_person_id", sa.Uuid(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("source", _enum(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence_reference", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.Column("withdrawn_by", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        _fk("consent", "person_id", "person"),
        _fk("consent", "third_party_person_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    op.create_index(op.f("ix_consent_person_id"), "consent", ["person_id"])
    op.create_index(op.f("ix_consent_third_party_person_id"), "consent", ["third_party_person_id"])

    op.create_table(
        "reasonable_adjustment_request",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_adjustments", sa.Text(), nullable=False),
        sa.Column("status", _enum(), nullable=False),
        sa.Column("decision", _enum(), nullable=True),
        sa.Column("disability_type", _enum(), nullable=True),
        sa.Column("disability_note", sa.Text(), nullable=True),
        sa.Column("agreed_adjustments", sa.Text(), nullable=True),
        sa.Column("decided_date", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("alternatives_considered", sa.Text(), nullable=True),
        sa.Column("legal_team_informed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_letter_reference", sa.Text(), nullable=True),
        sa.Column("outcome_letter_sent_date", sa.Date(), nullable=True),
        sa.Column("outcome_letter_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        _fk("reasonable_adjustment_request", "person_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reasonable_adjustment_request")),
    )
    op.create_index(
        op.f("ix_reasonable_adjustment_request_person_id"),
        "reasonable_adjustment_request",
        ["person_id"],
    )
    op.create_index(
        "ix_reasonable_adjustment_request_status_requested_at",
        "reasonable_adjustment_request",
        ["status", "requested_at"],
    )

    op.create_table(
        "accessibility_request",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("anticipatory", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        _fk("accessibility_request", "person_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accessibility_request")),
    )
    op.create_index(
        op.f("ix_accessibility_request_person_id"), "accessibility_request", ["person_id"]
    )

    op.create_table(
        "identity_verification",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("call_ref", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", _enum(), nullable=False),
        sa.Column("questions", pg.JSONB(), nullable=False),
        sa.Column("question_set", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("repeated_question_set", sa.Boolean(), nullable=False),
        sa.Column("waiver_reason", sa.Text(), nullable=True),
        sa.Column("previous_verification_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        *_timestamps(),
        _fk("identity_verification", "person_id", "person"),
        # The naming convention's name is over 63 characters; SQLAlchemy shortens it so.
        _fk(
            "identity_verification",
            "previous_verification_id",
            "identity_verification",
            "fk_identity_verification_previous_verification_id_ident_f135",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_verification")),
    )
    op.create_index(
        "ix_identity_verification_person_id_call_ref",
        "identity_verification",
        ["person_id", "call_ref"],
    )

    op.create_table(
        "mp_succession",
        sa.Column("previous_person_id", sa.Uuid(), nullable=False),
        sa.Column("successor_person_id", sa.Uuid(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("reason", _enum(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        *_timestamps(),
        _fk("mp_succession", "previous_person_id", "person"),
        _fk("mp_succession", "successor_person_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mp_succession")),
        sa.UniqueConstraint("previous_person_id", name=op.f("uq_mp_succession_previous_person_id")),
    )
    op.create_index(
        op.f("ix_mp_succession_successor_person_id"), "mp_succession", ["successor_person_id"]
    )

    op.create_table(
        "mp_deactivation_request",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("mp_succession_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.Text(), nullable=True),
        *_timestamps(),
        _fk("mp_deactivation_request", "person_id", "person"),
        _fk("mp_deactivation_request", "mp_succession_id", "mp_succession"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mp_deactivation_request")),
    )
    op.create_index(
        op.f("ix_mp_deactivation_request_person_id"), "mp_deactivation_request", ["person_id"]
    )
    op.create_index(
        "ix_mp_deactivation_request_requested_at", "mp_deactivation_request", ["requested_at"]
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children go before the tables they refer to.
    for table in (
        "mp_deactivation_request",
        "mp_succession",
        "identity_verification",
        "accessibility_request",
        "reasonable_adjustment_request",
        "consent",
        "person",
    ):
        op.drop_table(table)

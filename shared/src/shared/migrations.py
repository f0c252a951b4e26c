"""Alembic helpers for the tables every service has (audit trail, idempotency keys).

Each service's first migration calls these, so the shared tables are created by Alembic like
everything else. The ``_v1`` suffix freezes the shape: a later change gets a new helper and a new
migration, never an edit here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg


def create_audit_table_v1() -> None:
    """Create ``audit_entry`` and make PostgreSQL refuse UPDATE, DELETE and TRUNCATE on it."""
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_roles", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("entity_type", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("before", pg.JSONB(), nullable=True),
        sa.Column("after", pg.JSONB(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index("ix_audit_entry_entity", "audit_entry", ["entity_type", "entity_id", "id"])
    op.create_index("ix_audit_entry_case_id", "audit_entry", ["case_id", "id"])
    op.execute(
        """
        CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$;
        """
    )
    op.execute(
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change()"
    )


def drop_audit_table_v1() -> None:
    """Undo :func:`create_audit_table_v1`."""
    op.drop_table("audit_entry")
    op.execute("DROP FUNCTION IF EXISTS audit_entry_refuse_change()")


def create_idempotency_table_v1() -> None:
    """Create ``idempotency_key``: stored responses of creating POSTs, per principal and key."""
    op.create_table(
        "idempotency_key",
        sa.Column("principal", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_body", pg.JSONB(), nullable=True),
        sa.Column("response_headers", pg.JSONB(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key", name=op.f("pk_idempotency_key")),
    )
    op.create_index("ix_idempotency_key_expires_at", "idempotency_key", ["expires_at"])


def drop_idempotency_table_v1() -> None:
    """Undo :func:`create_idempotency_table_v1`."""
    op.drop_table("idempotency_key")

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


OUTBOX_CHANNEL = "outbox"


def create_outbox_tables_v1() -> None:
    """Create the outbox tables, the fan-out trigger and its NOTIFY (see ``shared.outbox``)."""
    op.create_table(
        "outbox_event",
        sa.Column("position", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("correlation_id", sa.Text(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("payload", pg.JSONB(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_outbox_event")),
        sa.UniqueConstraint("id", name=op.f("uq_outbox_event_id")),
        sa.UniqueConstraint("case_id", "sequence", name="uq_outbox_event_case_sequence"),
    )
    op.create_table(
        "outbox_case_stream",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_outbox_case_stream")),
    )
    op.create_table(
        "outbox_subscription",
        sa.Column("subscriber", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("subscriber", "event_type", name=op.f("pk_outbox_subscription")),
    )
    op.create_table(
        "outbox_delivery",
        sa.Column("subscriber", sa.Text(), nullable=False),
        sa.Column("event_position", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'parked')", name="status"),
        sa.ForeignKeyConstraint(
            ["event_position"], ["outbox_event.position"],
            name=op.f("fk_outbox_delivery_event_position_outbox_event"),
        ),
        sa.PrimaryKeyConstraint("subscriber", "event_position", name=op.f("pk_outbox_delivery")),
    )  # fmt: skip
    # The relay's scan: pending rows of one subscriber in position order.
    op.execute(
        "CREATE INDEX ix_outbox_delivery_pending ON outbox_delivery (subscriber, event_position) "
        "WHERE status = 'pending'"
    )
    # The ordering guard: is there an earlier undelivered event of the same case?
    op.create_index(
        "ix_outbox_delivery_case", "outbox_delivery", ["subscriber", "case_id", "sequence"]
    )
    op.execute(
        "CREATE INDEX ix_outbox_delivery_pending_age ON outbox_delivery (created_at) "
        "WHERE status = 'pending'"
    )
    op.execute(
        f"""
        CREATE FUNCTION outbox_fan_out() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO outbox_delivery (subscriber, event_position, case_id, sequence)
            SELECT s.subscriber, NEW.position, NEW.case_id, NEW.sequence
            FROM outbox_subscription s WHERE s.event_type = NEW.type;
            -- Delivered at commit, and folded into one notification per transaction.
            PERFORM pg_notify('{OUTBOX_CHANNEL}', '');
            RETURN NULL;
        END
        $$;
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_event_fan_out AFTER INSERT ON outbox_event "
        "FOR EACH ROW EXECUTE FUNCTION outbox_fan_out()"
    )


def drop_outbox_tables_v1() -> None:
    """Undo :func:`create_outbox_tables_v1`."""
    op.drop_table("outbox_delivery")
    op.execute("DROP TRIGGER IF EXISTS outbox_event_fan_out ON outbox_event")
    op.execute("DROP FUNCTION IF EXISTS outbox_fan_out()")
    op.drop_table("outbox_subscription")
    op.drop_table("outbox_case_stream")
    op.drop_table("outbox_event")


def create_inbox_table_v1() -> None:
    """Create ``inbox_event``: one row per (event, handler) whose effect has been applied."""
    op.create_table(
        "inbox_event",
        sa.Column("position", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("handler", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_inbox_event")),
        sa.UniqueConstraint("event_id", "handler", name="uq_inbox_event_event_id_handler"),
    )
    op.create_index("ix_inbox_event_case", "inbox_event", ["source", "case_id", "sequence"])


def drop_inbox_table_v1() -> None:
    """Undo :func:`create_inbox_table_v1`."""
    op.drop_table("inbox_event")

"""The allocation queue joined to the case lifecycle (ASM-085, T14/T19/T23/T24/T25/T28).

- A case in ``awaiting_allocation`` has a queued entry when its transaction commits: a deferred
  constraint trigger checks it, so no route or event handler (present or future) can leave a
  case in the queue's status with nothing in the queue. Deferred, because the entry and the
  status change are written in either order within one transaction (intake's referral opens
  the case in one handler and queues it in another, both in the inbox's transaction). It
  raises a check violation, which the services answer as a 422 problem, never a 500.
- ``assessment_case.mp_referred``: the referral's MP tick (ASM-104) is a fact of the case, so a
  case that enters the queue after triage or early consideration still leaves the MP task.

No unique index on a case's queued entries: intake's referral is delivered at least once and
the inbox makes each delivery's effect happen once, but a case referred twice while it waits
(the crash tests deliver thousands of referrals over a few cases) would then fail its event and
hold back the case's later events. A second queued entry of a waiting case is harmless: the
queue reads entries whose case awaits allocation, and allocating one moves the case on, which
takes the other out of the queue too.

Existing rows: the MP tick is copied from the case's referral entries, and a case waiting for
allocation without a queued entry (passed on before this release) gets one built from the case.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "assessment_case",
        sa.Column("mp_referred", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.execute(
        """
        UPDATE assessment_case c SET mp_referred = true
        WHERE EXISTS (
            SELECT 1 FROM allocation_queue_entry q WHERE q.case_id = c.id AND q.mp_referred
        )
        """
    )
    op.execute(
        """
        INSERT INTO allocation_queue_entry (
            id, case_id, source_event_id, reference, case_type, jurisdiction, route,
            triage_category, priority, priority_rank, organisation_ids, received_date,
            referred_at, status, terminal_illness, terminal_rank, risk_assessment_required,
            mp_referred
        )
        SELECT gen_random_uuid(), c.id, c.source_event_id, c.reference, c.case_type,
               c.jurisdiction, c.route, c.triage_category, c.priority,
               CASE WHEN c.priority = 'high' THEN 0 ELSE 1 END, c.organisation_ids,
               c.received_date, c.referred_at, 'queued', false, 1,
               c.risk_assessment_required, c.mp_referred
        FROM assessment_case c
        WHERE c.status = 'awaiting_allocation'
          AND NOT EXISTS (
              SELECT 1 FROM allocation_queue_entry q
              WHERE q.case_id = c.id AND q.status = 'queued'
          )
        """
    )
    op.execute(
        """
        CREATE FUNCTION assessment_case_awaiting_allocation_is_queued() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            checked uuid;
        BEGIN
            IF TG_TABLE_NAME = 'assessment_case' THEN
                checked := NEW.id;
            ELSE
                checked := OLD.case_id;
            END IF;
            -- At commit: the case and its entries as they are now.
            IF EXISTS (
                SELECT 1 FROM assessment_case c
                WHERE c.id = checked AND c.status = 'awaiting_allocation'
                  AND NOT EXISTS (
                      SELECT 1 FROM allocation_queue_entry q
                      WHERE q.case_id = c.id AND q.status = 'queued'
                  )
            ) THEN
                RAISE EXCEPTION 'case % awaits allocation with no queued entry (ASM-085)', checked
                    USING ERRCODE = 'check_violation',
                          CONSTRAINT = 'assessment_case_awaiting_allocation_is_queued';
            END IF;
            RETURN NULL;
        END $$;
        """
    )
    op.execute(
        """
        CREATE CONSTRAINT TRIGGER assessment_case_awaiting_allocation_is_queued
            AFTER INSERT OR UPDATE OF status ON assessment_case
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW WHEN (NEW.status = 'awaiting_allocation')
            EXECUTE FUNCTION assessment_case_awaiting_allocation_is_queued()
        """
    )
    # The entry's side: a queued entry that stops being queued, or goes, while its case waits.
    op.execute(
        """
        CREATE CONSTRAINT TRIGGER allocation_queue_entry_leaves_queue
            AFTER UPDATE OF status OR DELETE ON allocation_queue_entry
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW WHEN (OLD.status = 'queued')
            EXECUTE FUNCTION assessment_case_awaiting_allocation_is_queued()
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER allocation_queue_entry_leaves_queue ON allocation_queue_entry")
    op.execute("DROP TRIGGER assessment_case_awaiting_allocation_is_queued ON assessment_case")
    op.execute("DROP FUNCTION assessment_case_awaiting_allocation_is_queued()")
    op.drop_column("assessment_case", "mp_referred")

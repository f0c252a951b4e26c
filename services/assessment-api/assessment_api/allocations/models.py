from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, Text, Uuid, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from shared.casework.approvals import ApprovalColumns
from shared.casework.deadlines import DeadlineColumns
from shared.casework.tasks import TaskColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey


def enum_col(cls: type[StrEnum], name: str) -> Enum:
    """A StrEnum stored as its value in a VARCHAR (no native PostgreSQL enum to migrate)."""
    return Enum(
        cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=60
    )


class EntryStatus(StrEnum):
    queued = "queued"  # §B.1 AWAITING_ALLOCATION
    allocated = "allocated"  # §B.1 FURTHER_CONSIDERATION (T24)


class QueueEntry(UUIDPrimaryKey, Timestamps, Base):
    """A case referred by intake, waiting in the central allocation queue (ASM-085, ¶2.182).

    One row per time the case enters the queue (the referral, T19, T23, T28); T25 puts the
    allocated row back. A case awaiting allocation always has a queued row (migration 0015);
    the queue reads only entries whose case is awaiting allocation. There is deliberately no
    unique constraint on ``source_event_id``, nor on a case's queued rows: exactly-once is the
    inbox's job, and the crash tests prove it.
    """

    __tablename__ = "allocation_queue_entry"

    case_id: Mapped[uuid.UUID]
    source_event_id: Mapped[uuid.UUID]
    reference: Mapped[str] = mapped_column(Text)
    case_type: Mapped[str] = mapped_column(Text)
    jurisdiction: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(Text)
    triage_category: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(Text)
    priority_rank: Mapped[int] = mapped_column(Integer)
    organisation_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    received_date: Mapped[date]
    referred_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(Text, server_default="queued")
    # XC-RSK-006: terminal illness sorts first (0), everything else after (1).
    terminal_illness: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    terminal_rank: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    # XC-RSK-002 and ASM-104: facts of the referral that leave tasks at allocation.
    risk_assessment_required: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    mp_referred: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    allocated_to: Mapped[str | None] = mapped_column(Text)
    allocated_team: Mapped[str | None] = mapped_column(Text)
    allocated_at: Mapped[datetime | None]
    allocated_by: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index(
            "ix_allocation_queue_entry_allocation_order",
            "terminal_rank",
            "priority_rank",
            "received_date",
            "id",
            postgresql_where=text("status = 'queued'"),
        ),
        # The queue filtered by category, jurisdiction or both: one range each (migration 0014).
        *(
            Index(
                f"ix_allocation_queue_entry_{name}_order",
                *leading,
                "terminal_rank",
                "priority_rank",
                "received_date",
                "id",
                postgresql_where=text("status = 'queued'"),
            )
            for name, leading in (
                ("category", ("triage_category",)),
                ("jurisdiction", ("jurisdiction",)),
                ("category_jurisdiction", ("triage_category", "jurisdiction")),
            )
        ),
        Index("ix_allocation_queue_entry_case_id", "case_id"),
    )


class DeadlineKind(StrEnum):
    post_allocation_contact = "post_allocation_contact"  # C-07, ASM-099 (10 working days)


class AllocationDeadline(DeadlineColumns, UUIDPrimaryKey, Timestamps, Base):
    """A clock allocation starts (DESIGN §5): the rule, the original due date, how it was met."""

    __tablename__ = "allocation_deadline"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("allocation_queue_entry.id", ondelete="CASCADE")
    )
    case_id: Mapped[uuid.UUID]
    kind: Mapped[DeadlineKind] = mapped_column(enum_col(DeadlineKind, "allocation_deadline_kind"))

    __table_args__ = (
        Index("ix_allocation_deadline_entry_id", "entry_id"),
        Index(
            "ix_allocation_deadline_open_due",
            "kind",
            "due_date",
            postgresql_where=text("met_at IS NULL AND cancelled_at IS NULL"),
        ),
    )


class TaskKind(StrEnum):
    contact_mp = "contact_mp"  # ASM-104 (¶2.226)
    risk_assessment = "risk_assessment"  # XC-RSK-002 (¶10.14)
    review_systemic_issue = "review_systemic_issue"  # ASM-087 (¶2.191), for the AD


class AllocationTask(TaskColumns, UUIDPrimaryKey, Timestamps, Base):
    """Follow-up work allocation leaves, for the allocated caseworker or a named post holder."""

    __tablename__ = "allocation_task"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("allocation_queue_entry.id", ondelete="CASCADE")
    )
    case_id: Mapped[uuid.UUID]
    kind: Mapped[TaskKind] = mapped_column(enum_col(TaskKind, "allocation_task_kind"))
    assignee: Mapped[str] = mapped_column(Text)  # a staff id
    description: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_allocation_task_entry_id", "entry_id"),
        Index(
            "ix_allocation_task_assignee_open",
            "assignee",
            "created_at",
            "id",
            postgresql_where=text("done_at IS NULL"),
        ),
    )


class AllocationApproval(ApprovalColumns, UUIDPrimaryKey, Timestamps, Base):
    """A category change (ASM-086, manager) or complex referral (ASM-089, AD) and its decision."""

    __tablename__ = "allocation_approval"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("allocation_queue_entry.id", ondelete="CASCADE")
    )
    case_id: Mapped[uuid.UUID]

    __table_args__ = (Index("ix_allocation_approval_entry_id", "entry_id", "requested_at"),)

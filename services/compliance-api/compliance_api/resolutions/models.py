"""Compliance items (requirements §B.4, ¶3.66, ¶9.96–9.98): today the resolution items
assessment's agreed resolutions open (``assessment.resolution.agreed``), once per resolution.
compliance-api holds no case record: ``case_id`` is the UUID every service uses (DESIGN §1).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, Index, Integer, Text, UniqueConstraint, Uuid
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from compliance_api.resolutions.state import ItemKind, ItemStatus
from shared.db import Base, Timestamps, UUIDPrimaryKey


def enum_col(cls: type[StrEnum], name: str) -> Enum:
    """A StrEnum stored as its value in a VARCHAR (no native PostgreSQL enum to migrate)."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=False,
        values_callable=lambda e: [m.value for m in e],
        length=60,
    )


class ComplianceItem(UUIDPrimaryKey, Timestamps, Base):
    """A compliance item: what an organisation agreed (or is asked) to do, by when, and where it
    stands (§B.4). A resolution item (¶3.66) carries the agreed actions (§D.20), the organisations
    and components it covers and the date agreed, if one; it never has an escalation stage."""

    __tablename__ = "compliance_item"

    case_id: Mapped[uuid.UUID]
    reference: Mapped[str] = mapped_column(Text)
    kind: Mapped[ItemKind] = mapped_column(enum_col(ItemKind, "compliance_item_kind"))
    status: Mapped[ItemStatus] = mapped_column(enum_col(ItemStatus, "compliance_item_status"))
    status_changed_at: Mapped[datetime]
    escalation_stage: Mapped[int | None] = mapped_column(Integer)
    organisation_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    component_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    actions: Mapped[list[str]] = mapped_column(ARRAY(Text))
    # CMP-009: the original target date is never changed (revisions are separate records).
    target_date: Mapped[date | None]
    resolution_id: Mapped[uuid.UUID | None]
    risk_assessment_id: Mapped[uuid.UUID | None]
    decided_by: Mapped[str] = mapped_column(Text)
    agreed_at: Mapped[datetime]
    source_event_id: Mapped[uuid.UUID]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(Text)
    closure_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("resolution_id"),
        Index("ix_compliance_item_case_id", "case_id", "agreed_at", "id"),
        Index("ix_compliance_item_agreed_at_id", "agreed_at", "id"),
        CheckConstraint("kind IN ('resolution')", name="kind_known"),
        # ¶3.66, CMP-023: a resolution item is open or closed and never escalated.
        CheckConstraint(
            "kind <> 'resolution' OR (status IN ('open', 'closed') AND escalation_stage IS NULL)",
            name="resolution_never_escalated",
        ),
        CheckConstraint(
            "kind <> 'resolution' OR resolution_id IS NOT NULL", name="resolution_named"
        ),
        CheckConstraint("cardinality(actions) >= 1", name="has_actions"),
        CheckConstraint(
            "(closed_at IS NULL) = (status <> 'closed')"
            " AND (closed_at IS NULL) = (closed_by IS NULL)",
            name="closed_with_who_and_when",
        ),
    )

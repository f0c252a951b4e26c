"""Investigation's record of a case, opened at Milestone 1 from assessment's proposal to
investigate (T35; INV-003, ¶4.4). Ids and codes only: the people of a case live at intake
(DESIGN §1). The full lifecycle (confirmation, evidence, provisional views, the report) is a
later issue's.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import IntEnum, StrEnum

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from shared.casework.deadlines import DeadlineColumns, ExtensionColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey


def enum_col(cls: type[StrEnum], name: str) -> Enum:
    """A StrEnum stored as its value in a VARCHAR (no native PostgreSQL enum to migrate)."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        values_callable=lambda e: [m.value for m in e],
        length=max(60, *(len(m.value) for m in cls)),
    )


class InvestigationStatus(StrEnum):
    """§B.1 statuses investigation holds. A record opens at ``proposed_to_investigate`` (status
    12, Milestone 1); the later statuses come with the lifecycle."""

    proposed_to_investigate = "proposed_to_investigate"


class Milestone(IntEnum):
    """The 7 investigation milestones (§D.15, ¶4.4), by number."""

    investigation_allocated = 1
    investigation_confirmed = 2
    evidence_advice_requested = 3
    ready_for_analysis = 4
    provisional_views_shared = 5
    provisional_views_comments_received = 6
    final_report_issued = 7


# §D.15's labels (¶4.4), as the guidance writes them.
MILESTONE_LABELS = {
    Milestone.investigation_allocated: "Investigation Allocated",
    Milestone.investigation_confirmed: "Investigation Confirmed",
    Milestone.evidence_advice_requested: "Evidence/Advice requested",
    Milestone.ready_for_analysis: "Ready for analysis",
    Milestone.provisional_views_shared: (
        "Our provisional views shared with the body and complainant"
    ),
    Milestone.provisional_views_comments_received: ("Receipt of comments on our provisional views"),
    Milestone.final_report_issued: "Final Report issued",
}


PRIORITY_COLUMNS = (
    "priority_id",
    "priority_line_manager_id",
    "priority_discussed_at",
    "priority_recorded_by",
)
# ASM-169: a prioritisation is whole (who it was discussed with, when, who recorded it) or absent.
PRIORITY_ALL_OR_NONE = f"num_nulls({', '.join(PRIORITY_COLUMNS)}) IN (0, {len(PRIORITY_COLUMNS)})"


class Investigation(Timestamps, Base):
    """A case at investigation, keyed by the case's id (one case, one UUID in every service).

    ``owner`` and ``team`` are the casework kit's ownership columns: the caseworker in the
    proposal's 'Case Allocated' box (¶3.107), usually the one who assessed it. ``priority_*``
    is the case's exceptional prioritisation for investigation, agreed at assessment after a
    line-manager discussion (¶3.100, ASM-169): all set or all empty (migration 0005); the
    reason stays at assessment.
    """

    __tablename__ = "investigation"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(Text)
    case_type: Mapped[str] = mapped_column(Text)
    jurisdiction: Mapped[str] = mapped_column(Text)
    status: Mapped[InvestigationStatus] = mapped_column(
        enum_col(InvestigationStatus, "investigation_status")
    )
    status_changed_at: Mapped[datetime]
    proposal_id: Mapped[uuid.UUID]
    proposed_at: Mapped[datetime]
    proposed_by: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(Text)
    risk_assessment_id: Mapped[uuid.UUID]
    named_person_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    component_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    source_event_id: Mapped[uuid.UUID]

    owner: Mapped[str | None] = mapped_column(Text)
    team: Mapped[str | None] = mapped_column(Text)

    priority_id: Mapped[uuid.UUID | None]
    priority_line_manager_id: Mapped[str | None] = mapped_column(Text)
    priority_discussed_at: Mapped[datetime | None]
    priority_recorded_by: Mapped[str | None] = mapped_column(Text)

    version: Mapped[int] = mapped_column(Integer)

    @property
    def prioritised(self) -> bool:
        """ASM-169: prioritised for investigation in exceptional circumstances."""
        return self.priority_id is not None

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("proposal_id"),
        CheckConstraint(PRIORITY_ALL_OR_NONE, name="priority_all_or_none"),
        Index("ix_investigation_proposed_at_id", "proposed_at", "id"),
        Index("ix_investigation_owner_proposed_at_id", "owner", "proposed_at", "id"),
    )


class InvestigationOrganisation(UUIDPrimaryKey, Timestamps, Base):
    """The organisations tab (¶3.102, ASM-171): each organisation to investigate or write to,
    with its part (the organisation, the second tier, a contractor; ¶3.84–3.89)."""

    __tablename__ = "investigation_organisation"

    investigation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("investigation.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[uuid.UUID]
    role: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)  # the proposal's order

    __table_args__ = (
        UniqueConstraint(
            "investigation_id", "organisation_id", "role", name="uq_investigation_organisation_row"
        ),
        CheckConstraint("role IN ('organisation', 'second_tier', 'contractor')", name="role_known"),
    )


class InvestigationParty(UUIDPrimaryKey, Timestamps, Base):
    """A party of the case (a person at intake) who got the complainant's proposal letter
    (¶3.75): the complainant, the aggrieved, a representative, the MP."""

    __tablename__ = "investigation_party"

    investigation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("investigation.id", ondelete="CASCADE")
    )
    person_id: Mapped[uuid.UUID]
    role: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)  # the proposal's order

    __table_args__ = (
        UniqueConstraint(
            "investigation_id", "person_id", "role", name="uq_investigation_party_row"
        ),
        CheckConstraint(
            "role IN ('complainant', 'aggrieved', 'representative', 'mp')", name="role_known"
        ),
    )


class MilestoneRecord(UUIDPrimaryKey, Timestamps, Base):
    """A milestone recorded and dated on the case (INV-003): each once."""

    __tablename__ = "investigation_milestone"

    investigation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("investigation.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    completed_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("investigation_id", "number"),
        CheckConstraint("number BETWEEN 1 AND 7", name="number_in_range"),
    )


class CommentDeadline(DeadlineColumns, UUIDPrimaryKey, Timestamps, Base):
    """One proposal recipient's comment deadline (C-15, ASM-161: ten working days from the
    letters; an agreed extension moves only that recipient's date). The investigation is not
    confirmed before the latest has passed or every recipient has replied (ASM-158, INV-019).
    ``effective_due_date`` is kept by PostgreSQL (migration 0003), as the kit's deadlines are.
    """

    __tablename__ = "proposal_comment_deadline"

    investigation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("investigation.id", ondelete="CASCADE")
    )
    recipient_kind: Mapped[str] = mapped_column(Text)
    recipient_id: Mapped[uuid.UUID]

    __table_args__ = (
        UniqueConstraint(
            "investigation_id",
            "recipient_kind",
            "recipient_id",
            name="uq_proposal_comment_deadline_recipient",
        ),
        CheckConstraint(
            "recipient_kind IN ('organisation', 'named_person', 'party')",
            name="recipient_kind_known",
        ),
    )


class CommentExtension(ExtensionColumns, Timestamps, Base):
    """ASM-161 (¶3.78): an extension agreed at assessment for one recipient, received as
    ``assessment.proposal.comment_deadline_extended``; keyed by assessment's extension id. The
    recipient's ``effective_due_date`` is moved by PostgreSQL (migration 0004)."""

    __tablename__ = "proposal_comment_extension"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    deadline_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("proposal_comment_deadline.id", ondelete="CASCADE")
    )
    source_event_id: Mapped[uuid.UUID]

    __table_args__ = (Index("ix_proposal_comment_extension_deadline_id", "deadline_id"),)

"""Assessment's case record, its decisions and its tasks. Ids and codes only: the people of a
case live at intake (DESIGN §1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, Text, Uuid, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.cases.rules import Discretion, OtherReason, RiskRating
from assessment_api.cases.state import CaseStatus
from shared.casework.communications import CommunicationColumns, legal_scan_checks
from shared.casework.tasks import TaskColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey


def enum_col(cls: type[StrEnum], name: str) -> Enum:
    """A StrEnum stored as its value in a VARCHAR (no native PostgreSQL enum to migrate)."""
    longest = max(len(m.value) for m in cls)
    return Enum(
        cls,
        name=name,
        native_enum=False,
        values_callable=lambda e: [m.value for m in e],
        length=max(60, longest),
    )


class Case(Timestamps, Base):
    """A case at assessment, from the referral (T13–T16) to a decision (T32, T35).

    ``id`` is intake's case id (one case, one UUID in every service). ``owner`` and ``team`` are
    the casework kit's ownership columns: nobody owns a case in the queue until allocation.
    """

    __tablename__ = "assessment_case"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(Text)
    case_type: Mapped[str] = mapped_column(Text)
    jurisdiction: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(Text)
    triage_category: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(Text)
    risk_assessment_required: Mapped[bool] = mapped_column(Boolean)
    # ASM-104: the referral said an MP referred the case; allocation leaves the MP task.
    mp_referred: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    organisation_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    received_date: Mapped[date]
    referred_at: Mapped[datetime]
    source_event_id: Mapped[uuid.UUID]

    status: Mapped[CaseStatus] = mapped_column(enum_col(CaseStatus, "assessment_case_status"))
    status_changed_at: Mapped[datetime]
    closure_code: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]

    owner: Mapped[str | None] = mapped_column(Text)
    team: Mapped[str | None] = mapped_column(Text)

    # The case's current rating at compliance-api (compliance.risk.* events, CMP-101/CMP-120).
    risk_rating: Mapped[RiskRating | None] = mapped_column(enum_col(RiskRating, "risk_rating"))
    risk_assessment_id: Mapped[uuid.UUID | None]
    risk_rated_at: Mapped[datetime | None]

    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        Index("ix_assessment_case_status_received_date_id", "status", "received_date", "id"),
        Index("ix_assessment_case_received_date_id", "received_date", "id"),
        Index("ix_assessment_case_owner_status", "owner", "status"),
    )


class DeclineDecision(UUIDPrimaryKey, Timestamps, Base):
    """A decision not to investigate (T32; ASM-093 one reason, its discretion and rationale;
    ASM-137/ASM-177 the risk assessment it was made on; ASM-172 its approval); its letters and
    calls are ``DecisionCommunication`` rows."""

    __tablename__ = "decline_decision"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    closure_code: Mapped[str] = mapped_column(Text)
    discretion: Mapped[Discretion | None] = mapped_column(enum_col(Discretion, "discretion"))
    other_reason: Mapped[OtherReason | None] = mapped_column(enum_col(OtherReason, "other_reason"))
    rationale: Mapped[str] = mapped_column(Text)
    risk_assessment_id: Mapped[uuid.UUID]
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]
    # ASM-172: the approval it was made under, and who approved (none on decisions made before
    # approvals were recorded).
    approval_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision_approval.id"))
    approved_by: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("uq_decline_decision_case_id", "case_id", unique=True),)


class DecisionCommunication(CommunicationColumns, UUIDPrimaryKey, Timestamps, Base):
    """A letter or call issuing a decision not to investigate (T32) to one recipient (the casework
    kit's ``communications``; ASM-173, ASM-174, ASM-055, ¶3.117): the person or organisation by
    id; the address is read from intake's audited contact card when it is sent."""

    __tablename__ = "decision_communication"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    decline_decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decline_decision.id"))

    __table_args__ = (
        Index("ix_decision_communication_case_id", "case_id"),
        legal_scan_checks("communication"),  # XC-RSK-004
    )


class InvestigationProposal(UUIDPrimaryKey, Timestamps, Base):
    """A proposal to investigate (T35; ASM-177 the risk assessment it was sent on). Issue #13
    adds the recipients, letters, comment deadlines and Milestone 1 around it."""

    __tablename__ = "investigation_proposal"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    rationale: Mapped[str] = mapped_column(Text)
    risk_assessment_id: Mapped[uuid.UUID]
    proposed_by: Mapped[str] = mapped_column(Text)
    proposed_at: Mapped[datetime]
    # ASM-172: the approval it was made under, and who approved.
    approval_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision_approval.id"))
    approved_by: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("uq_investigation_proposal_case_id", "case_id", unique=True),)


class TaskKind(StrEnum):
    """Follow-up work a rule leaves on an assessment case."""

    # CMP-120 (¶10.44–10.45): the rating changed; consider reallocation or extra supervision.
    consider_reallocation_or_supervision = "consider_reallocation_or_supervision"


class CaseTask(TaskColumns, UUIDPrimaryKey, Timestamps, Base):
    """A to-do a rule leaves on an assessment case (the casework kit's ``tasks``)."""

    __tablename__ = "assessment_task"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    kind: Mapped[TaskKind] = mapped_column(enum_col(TaskKind, "task_kind"))
    # CMP-120: the assessment whose rating change left the task, and the change.
    risk_assessment_id: Mapped[uuid.UUID | None]
    previous_rating: Mapped[RiskRating | None] = mapped_column(
        enum_col(RiskRating, "previous_rating")
    )
    rating: Mapped[RiskRating | None] = mapped_column(enum_col(RiskRating, "rating"))

    __table_args__ = (
        Index("ix_assessment_task_case_id", "case_id"),
        Index(
            "ix_assessment_task_open", "created_at", "id", postgresql_where=text("done_at IS NULL")
        ),
    )

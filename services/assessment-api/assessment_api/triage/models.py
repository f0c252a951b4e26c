"""Tables of ECT triage: threshold sets, their Executive Team approvals, and PVM assessments.
Ids and scores only: the people of a case live at intake (DESIGN §1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.triage.rules import TriageOutcome
from shared.casework.approvals import ApprovalColumns
from shared.casework.communications import CommunicationColumns, legal_scan_checks
from shared.db import Base, Timestamps, UUIDPrimaryKey


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e],
        length=60,
    )  # fmt: skip


class ThresholdSetStatus(StrEnum):
    proposed = "proposed"
    approved = "approved"
    refused = "refused"


class ThresholdSet(UUIDPrimaryKey, Timestamps, Base):
    """ASM-046: a PVM threshold set (capacity and demand levels agreed by the Executive Team,
    ¶2.84), numbered, in force from ``effective_from`` until the next approved set's date once
    approved. Never changed after approval: a new level is a new set."""

    __tablename__ = "pvm_threshold_set"

    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date]
    decline_below: Mapped[int] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(Text)
    status: Mapped[ThresholdSetStatus] = mapped_column(
        _enum(ThresholdSetStatus, "threshold_set_status")
    )
    proposed_by: Mapped[str] = mapped_column(Text)
    proposed_at: Mapped[datetime]
    approval_id: Mapped[uuid.UUID]
    approved_by: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None]

    __table_args__ = (
        Index("uq_pvm_threshold_set_version", "version", unique=True),
        # No two approved sets take effect on one day (ASM-046: one set in force per date).
        Index(
            "uq_pvm_threshold_set_approved_effective_from",
            "effective_from",
            unique=True,
            postgresql_where=text("status = 'approved'"),
        ),
    )


class TriageApproval(ApprovalColumns, UUIDPrimaryKey, Timestamps, Base):
    """An approval of ECT triage under the delegation scheme (the casework kit's ``approvals``):
    a threshold set is the Executive Team's to agree (¶2.84). ``subject_id`` is the set."""

    __tablename__ = "triage_approval"

    __table_args__ = (Index("ix_triage_approval_subject_id", "subject_id"),)


class PvmAssessment(UUIDPrimaryKey, Timestamps, Base):
    """ASM-044…049: one PVM triage of a case, numbered per case (the latest counts). The score,
    the injustice level and the outcome are computed against the set in force on ``assessed_on``
    and kept with the set's version, so a later set never changes it."""

    __tablename__ = "pvm_assessment"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    assessed_on: Mapped[date]
    criteria: Mapped[dict[str, int]] = mapped_column(JSONB)
    answers: Mapped[dict[str, str]] = mapped_column(JSONB)
    claimed_injustices: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    injustice_level: Mapped[int] = mapped_column(Integer)
    cumulative_note: Mapped[str | None] = mapped_column(Text)
    information_sources: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    threshold_set_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pvm_threshold_set.id"))
    threshold_version: Mapped[int] = mapped_column(Integer)
    decline_below: Mapped[int] = mapped_column(Integer)
    minimal_intervention_considered: Mapped[bool] = mapped_column(Boolean)
    minimal_intervention_conditions: Mapped[list[str]] = mapped_column(JSONB)
    minimal_intervention_note: Mapped[str | None] = mapped_column(Text)
    adjustment_considered: Mapped[bool] = mapped_column(Boolean)
    adjustment_explanation: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[TriageOutcome] = mapped_column(_enum(TriageOutcome, "pvm_outcome"))
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    __table_args__ = (Index("uq_pvm_assessment_case_number", "case_id", "number", unique=True),)


class TriageClosure(UUIDPrimaryKey, Timestamps, Base):
    """T17 / T18: how a case left ECT triage closed: the assessment it rests on, how the
    complainant was told and the written responses (ASM-050), the risk assessment (XC-RSK-001)."""

    __tablename__ = "triage_closure"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    closure_code: Mapped[str] = mapped_column(Text)
    pvm_assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pvm_assessment.id"))
    rationale: Mapped[str] = mapped_column(Text)
    complainant_told_by: Mapped[str | None] = mapped_column(Text)
    written_response_requested: Mapped[bool] = mapped_column(Boolean)
    written_response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    mp_written_response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    mp_involved: Mapped[bool | None] = mapped_column(Boolean)
    adjustment_exists: Mapped[bool | None] = mapped_column(Boolean)
    risk_assessment_id: Mapped[uuid.UUID]
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]

    __table_args__ = (Index("ix_triage_closure_case_id", "case_id"),)


class TriageCommunication(CommunicationColumns, UUIDPrimaryKey, Timestamps, Base):
    """A call or letter issuing a triage closure (T17, T18) to one recipient (the casework kit's
    ``communications``; ASM-050 ¶2.92–2.93, ASM-173, ASM-174): the person by intake's id; the
    address is read from intake's audited contact card when it is sent."""

    __tablename__ = "triage_communication"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    triage_closure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("triage_closure.id"))

    __table_args__ = (
        Index("ix_triage_communication_case_id", "case_id"),
        legal_scan_checks("communication"),  # XC-RSK-004
    )

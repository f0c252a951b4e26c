"""Risk assessments, their risks, uplifts and override approvals (guidance §10; requirements
§0.3 ``RiskAssessment``, CMP-102 ``RiskUplift``, CMP-112 ``override``).

compliance-api holds no case record: ``case_id`` is the UUID every service uses (DESIGN §1).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from compliance_api.risk.rules import (
    Category,
    HighRiskPath,
    Impact,
    Likelihood,
    MitigationOutcome,
    OverrideDirection,
    OversightRole,
    Rating,
    ReviewReason,
    RiskTo,
    Trigger,
    UpliftScope,
)
from compliance_api.risk.state import EscalationState
from shared.casework.approvals import ApprovalColumns
from shared.casework.deadlines import DeadlineColumns
from shared.casework.tasks import TaskColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey


def enum_col(cls: type[StrEnum], name: str) -> Enum:
    """A StrEnum stored as its value in a VARCHAR (no native PostgreSQL enum to migrate)."""
    return Enum(
        cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=60
    )


class RiskAssessment(UUIDPrimaryKey, Timestamps, Base):
    """One formal or ad hoc assessment of a case's risk; each is a new numbered version, and the
    latest gives the case's current rating (CMP-101, CMP-120)."""

    __tablename__ = "risk_assessment"

    case_id: Mapped[uuid.UUID]
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per case
    trigger: Mapped[Trigger] = mapped_column(enum_col(Trigger, "risk_trigger"))
    conflicts_of_interest_considered: Mapped[bool] = mapped_column(Boolean)
    # The case's organisations when assessed: what an organisation uplift is matched against.
    organisation_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    # CMP-109: the highest rating before mitigation stays on the record.
    pre_rating: Mapped[Rating] = mapped_column(enum_col(Rating, "risk_rating"))
    highest_post_rating: Mapped[Rating] = mapped_column(enum_col(Rating, "risk_rating"))
    # CMP-117: None when fewer than two risks made it unnecessary.
    cumulative_common_root: Mapped[bool | None] = mapped_column(Boolean)
    cumulative_raised: Mapped[bool | None] = mapped_column(Boolean)
    cumulative_reason: Mapped[str | None] = mapped_column(Text)
    # CMP-102: the highest minimum of the uplifts active when assessed, and which they were.
    uplift_floor: Mapped[Rating | None] = mapped_column(enum_col(Rating, "risk_rating"))
    uplift_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    # What the rules generate (CMP-111, CMP-117, CMP-102), before any override.
    generated_rating: Mapped[Rating] = mapped_column(enum_col(Rating, "risk_rating"))
    # CMP-112: a manager-approved override, with its explanation.
    override_rating: Mapped[Rating | None] = mapped_column(enum_col(Rating, "risk_rating"))
    override_direction: Mapped[OverrideDirection | None] = mapped_column(
        enum_col(OverrideDirection, "risk_override_direction")
    )
    override_explanation: Mapped[str | None] = mapped_column(Text)
    override_approval_id: Mapped[uuid.UUID | None]
    # The case's overall rating from this assessment: the override, else the generated rating.
    rating: Mapped[Rating] = mapped_column(enum_col(Rating, "risk_rating"))
    low_rationale: Mapped[str | None] = mapped_column(Text)  # CMP-108
    monitoring_notes: Mapped[str | None] = mapped_column(Text)  # ¶10.23
    # XC-RSK-003: what triggered an ad hoc or new-risk review.
    review_reason: Mapped[ReviewReason | None] = mapped_column(
        enum_col(ReviewReason, "risk_review_reason")
    )
    # CMP-124, CMP-125 (¶10.55, ¶10.58): facts the prompts are drawn from, as the caseworker
    # recorded them.
    mp_involved: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    earlier_cases_reviewed: Mapped[bool | None] = mapped_column(Boolean)
    earlier_service_complaint: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # CMP-116 (¶10.35): who else was told or involved in the mitigation.
    others_informed: Mapped[list[str]] = mapped_column(
        ARRAY(Text), server_default=text("'{}'::text[]")
    )
    prompts: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'::text[]"))
    # CMP-113 / XC-RSK-005: which process the rating leads to (set again by an override).
    high_risk_path: Mapped[HighRiskPath] = mapped_column(
        enum_col(HighRiskPath, "risk_high_risk_path"), server_default=text("'none'")
    )
    # CMP-122 / XC-RSK-006: a People risk records terminal illness.
    prioritise_allocation: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        # XC-RSK-001: the guard's query (case, trigger, newest first).
        Index("ix_risk_assessment_case_trigger", "case_id", "trigger", "recorded_at"),
        CheckConstraint("number >= 1", name="number_positive"),
    )


class RiskEntry(UUIDPrimaryKey, Base):
    """One risk of an assessment (CMP-106): the ¶10.15 questions answered, ratings computed."""

    __tablename__ = "risk_entry"

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("risk_assessment.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[Category] = mapped_column(enum_col(Category, "risk_category"))
    description: Mapped[str] = mapped_column(Text)
    impact: Mapped[Impact] = mapped_column(enum_col(Impact, "risk_impact"))
    likelihood: Mapped[Likelihood] = mapped_column(enum_col(Likelihood, "risk_likelihood"))
    impact_after: Mapped[Impact | None] = mapped_column(enum_col(Impact, "risk_impact"))
    likelihood_after: Mapped[Likelihood | None] = mapped_column(
        enum_col(Likelihood, "risk_likelihood")
    )
    pre_rating: Mapped[Rating] = mapped_column(enum_col(Rating, "risk_rating"))
    matrix_post_rating: Mapped[Rating] = mapped_column(enum_col(Rating, "risk_rating"))
    post_rating: Mapped[Rating] = mapped_column(enum_col(Rating, "risk_rating"))
    downgrade_factors: Mapped[str | None] = mapped_column(Text)  # CMP-110
    downgrade_discussed_with: Mapped[str | None] = mapped_column(Text)
    cumulative_effect: Mapped[str | None] = mapped_column(Text)
    mitigation_outcome: Mapped[MitigationOutcome | None] = mapped_column(
        enum_col(MitigationOutcome, "risk_mitigation_outcome")
    )
    mitigation_plan: Mapped[str | None] = mapped_column(Text)
    action_if_occurs: Mapped[str] = mapped_column(Text)  # CMP-121
    who_to_contact: Mapped[str | None] = mapped_column(Text)  # CMP-121 (¶10.46)
    mitigation_effect: Mapped[str | None] = mapped_column(Text)  # CMP-119 (¶10.41)
    risk_to: Mapped[RiskTo | None] = mapped_column(enum_col(RiskTo, "risk_to"))  # XC-RSK-005
    immediate: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))  # ¶10.36
    immediate_action: Mapped[str | None] = mapped_column(Text)
    terminal_illness: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    threat_of_harm: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    disclosure_decision: Mapped[str | None] = mapped_column(Text)  # ¶10.50: disclose or not
    disclosure_reason: Mapped[str | None] = mapped_column(Text)
    disclosure_before_decision: Mapped[bool | None] = mapped_column(Boolean)
    information_breach: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    unresolved_by_management: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))

    __table_args__ = (
        UniqueConstraint("assessment_id", "position"),
        # ¶10.50: a threat of harm records the disclosure considered.
        CheckConstraint(
            "NOT threat_of_harm OR (disclosure_decision IS NOT NULL"
            " AND disclosure_reason IS NOT NULL)",
            name="threat_disclosure_considered",
        ),
        # ¶10.36: an immediate risk records the action decided.
        CheckConstraint("NOT immediate OR immediate_action IS NOT NULL", name="immediate_action"),
        # ¶10.47–10.61: each flag belongs to its own category.
        CheckConstraint(
            "category = 'people' OR NOT (terminal_illness OR threat_of_harm)",
            name="people_flags",
        ),
        CheckConstraint("category = 'financial' OR NOT information_breach", name="financial_flags"),
        CheckConstraint(
            "category = 'our_service' OR NOT unresolved_by_management", name="our_service_flags"
        ),
        # CMP-105: both after-mitigation values or neither.
        CheckConstraint(
            "(impact_after IS NULL) = (likelihood_after IS NULL)", name="after_both_or_neither"
        ),
        # CMP-118: medium or high before mitigation needs a plan with its outcome.
        CheckConstraint(
            "pre_rating = 'low'"
            " OR (mitigation_outcome IS NOT NULL AND mitigation_plan IS NOT NULL)",
            name="mitigation_plan_required",
        ),
    )


class RiskUplift(UUIDPrimaryKey, Timestamps, Base):
    """CMP-102: a minimum rating for an organisation's cases or a group of cases, for a period
    (¶10.6, ¶10.24; C-37). ``ends_on`` is the last day it applies."""

    __tablename__ = "risk_uplift"

    scope: Mapped[UpliftScope] = mapped_column(enum_col(UpliftScope, "risk_uplift_scope"))
    organisation_id: Mapped[uuid.UUID | None]
    case_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    minimum_rating: Mapped[Rating] = mapped_column(enum_col(Rating, "risk_rating"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_risk_uplift_period", "starts_on", "ends_on"),
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        CheckConstraint("minimum_rating <> 'low'", name="raises_the_rating"),
        CheckConstraint(
            "(scope = 'organisation' AND organisation_id IS NOT NULL"
            " AND cardinality(case_ids) = 0)"
            " OR (scope = 'case_group' AND organisation_id IS NULL"
            " AND cardinality(case_ids) >= 1)",
            name="scope_target",
        ),
    )


class RiskApproval(ApprovalColumns, UUIDPrimaryKey, Timestamps, Base):
    """An act on a case's risk approved under the delegation scheme: the CMP-112 override.

    ``subject_id`` is the assessment; ``evidence`` holds the rating asked for and its direction.
    """

    __tablename__ = "risk_approval"

    case_id: Mapped[uuid.UUID]

    __table_args__ = (
        Index("ix_risk_approval_subject", "subject_id", "requested_at"),
        Index(
            "ix_risk_approval_undecided",
            "kind",
            "requested_at",
            postgresql_where=text("decision IS NULL"),
        ),
    )


class TaskKind(StrEnum):
    """Follow-up work a risk rule leaves on a case."""

    # CMP-113 (¶10.32): the manager discusses a high-risk case as soon as possible.
    discuss_high_risk = "discuss_high_risk"
    # XC-RSK-005 / CMP-122 (¶10.50): a high risk to a person: consider disclosure and People
    # mitigations instead of the escalation.
    people_mitigations = "people_mitigations"
    # CMP-123 / XC-DP-010 (¶10.53): report the information breach to the ISM.
    report_information_breach = "report_information_breach"
    # CMP-125 (¶10.59): a complaint about us not resolved by management goes to Review and
    # Feedback.
    refer_to_review_and_feedback = "refer_to_review_and_feedback"


class RiskTask(TaskColumns, UUIDPrimaryKey, Timestamps, Base):
    """A to-do a risk rule leaves on a case (the casework kit's tasks)."""

    __tablename__ = "risk_task"

    case_id: Mapped[uuid.UUID]
    kind: Mapped[TaskKind] = mapped_column(enum_col(TaskKind, "risk_task_kind"))
    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("risk_assessment.id"))
    entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("risk_entry.id"))
    escalation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("risk_escalation.id"))

    __table_args__ = (
        Index("ix_risk_task_case", "case_id", "created_at"),
        Index("ix_risk_task_open", "created_at", "id", postgresql_where=text("done_at IS NULL")),
    )


class RiskEscalation(UUIDPrimaryKey, Timestamps, Base):
    """One high-risk escalation of a case (B.6): the manager's discussion (CMP-113), the
    mitigation plan with the AD, the oversight request and assignment (CMP-127/128), and the
    monthly updates (CMP-131). A case has at most one open."""

    __tablename__ = "risk_escalation"

    case_id: Mapped[uuid.UUID]
    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("risk_assessment.id"))
    state: Mapped[EscalationState] = mapped_column(
        enum_col(EscalationState, "risk_escalation_state")
    )
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(Text)
    # CMP-113: the manager's agreement (an approval) and the task that asks for it.
    agreement_id: Mapped[uuid.UUID]
    task_id: Mapped[uuid.UUID]
    # CMP-113: the mitigation plan sent to an AD for review.
    plan: Mapped[str | None] = mapped_column(Text)
    plan_outcome: Mapped[MitigationOutcome | None] = mapped_column(
        enum_col(MitigationOutcome, "risk_mitigation_outcome")
    )
    plan_sent_to: Mapped[str | None] = mapped_column(Text)
    ad_review_requested_at: Mapped[datetime | None]
    plan_review_id: Mapped[uuid.UUID | None]
    # CMP-127: the request to the AD – Casework for Senior Caseworkers, with the template.
    template_document_id: Mapped[uuid.UUID | None]
    request_submitted_to: Mapped[str | None] = mapped_column(Text)
    request_meeting_on: Mapped[date | None]
    requested_by: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime | None]
    # CMP-127/128: the assignment through the assurance meeting.
    holder: Mapped[str | None] = mapped_column(Text)
    holder_role: Mapped[OversightRole | None] = mapped_column(
        enum_col(OversightRole, "risk_oversight_role")
    )
    legal_advice_key: Mapped[bool | None] = mapped_column(Boolean)
    assigned_meeting_on: Mapped[date | None]
    assigned_by: Mapped[str | None] = mapped_column(Text)
    assigned_at: Mapped[datetime | None]
    # CMP-131: monthly updates until the decision maker agrees otherwise or the work is done.
    updates_ended_at: Mapped[datetime | None]
    updates_ended_by: Mapped[str | None] = mapped_column(Text)
    updates_end_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index(
            "uq_risk_escalation_open_case",
            "case_id",
            unique=True,
            postgresql_where=text(
                "state NOT IN ('manager_disagreed', 'oversight_ended', 'stood_down')"
            ),
        ),
        # The undecided high-risk queue (CMP-113), oldest first.
        Index(
            "ix_risk_escalation_awaiting_manager",
            "opened_at",
            "id",
            postgresql_where=text("state = 'awaiting_manager'"),
        ),
        CheckConstraint(
            "state NOT IN ('oversight_assigned', 'oversight_ended')"
            " OR (holder IS NOT NULL AND holder_role IS NOT NULL)",
            name="holder_when_assigned",
        ),
    )


class UpdateDeadline(DeadlineColumns, UUIDPrimaryKey, Timestamps, Base):
    """CMP-131 (C-35): the update due before the next assurance meeting (the casework kit's
    deadlines). ``effective_due_date`` is ``due_date``: an update is never extended."""

    __tablename__ = "risk_update_deadline"

    case_id: Mapped[uuid.UUID]
    escalation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("risk_escalation.id"))
    meeting_on: Mapped[date]

    __table_args__ = (
        Index(
            "ix_risk_update_deadline_open",
            "effective_due_date",
            "id",
            postgresql_where=text("met_at IS NULL AND cancelled_at IS NULL"),
        ),
        Index("ix_risk_update_deadline_escalation", "escalation_id"),
    )


class OversightUpdate(UUIDPrimaryKey, Timestamps, Base):
    """CMP-131: a monthly update sent ahead of an assurance meeting."""

    __tablename__ = "risk_oversight_update"

    case_id: Mapped[uuid.UUID]
    escalation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("risk_escalation.id"))
    deadline_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("risk_update_deadline.id"))
    meeting_on: Mapped[date | None]
    late: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    sent_by: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime]


class RecordKind(StrEnum):
    meeting = "meeting"  # CMP-129: a meeting with the oversight holder, and its notes
    decision = "decision"  # CMP-130: the holder's casework decision, on the cover note


class OversightRecord(UUIDPrimaryKey, Timestamps, Base):
    """CMP-129/130: a meeting with the oversight holder or their casework decision, approved by
    the holder as read, considered and approved (an approval of kind ``oversight_record``)."""

    __tablename__ = "risk_oversight_record"

    case_id: Mapped[uuid.UUID]
    escalation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("risk_escalation.id"))
    kind: Mapped[RecordKind] = mapped_column(enum_col(RecordKind, "risk_record_kind"))
    held_on: Mapped[date]
    accompanied_by: Mapped[str | None] = mapped_column(Text)
    accompanied_by_grade: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(Text)
    cover_note_document_id: Mapped[uuid.UUID | None]
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    approval_id: Mapped[uuid.UUID]

    __table_args__ = (
        Index("ix_risk_oversight_record_escalation", "escalation_id", "recorded_at"),
        CheckConstraint(
            "(kind = 'meeting' AND accompanied_by IS NOT NULL)"
            " OR (kind = 'decision' AND decision IS NOT NULL"
            " AND cover_note_document_id IS NOT NULL)",
            name="kind_fields",
        ),
    )


class BreachReport(UUIDPrimaryKey, Timestamps, Base):
    """CMP-123 / XC-DP-010 (¶10.53): an information breach reported to the Information Security
    Manager, linked to the Financial risk that records it."""

    __tablename__ = "risk_breach_report"

    case_id: Mapped[uuid.UUID]
    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("risk_entry.id"), unique=True)
    reported_to: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime]

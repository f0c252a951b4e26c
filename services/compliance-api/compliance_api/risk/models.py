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
    Impact,
    Likelihood,
    MitigationOutcome,
    OverrideDirection,
    Rating,
    Trigger,
    UpliftScope,
)
from shared.casework.approvals import ApprovalColumns
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

    __table_args__ = (
        UniqueConstraint("assessment_id", "position"),
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

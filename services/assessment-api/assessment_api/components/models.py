"""Tables of the complaint summary and the complaint components at further consideration
(¶2.227–2.245; ASM-105…108, ASM-116, ASM-117, ASM-126). Ids only: organisations live at intake
and sit on the case through ``handlers`` (``assessment_case_organisation``); an organisation's
overall decision (ASM-176) is handlers' ``organisation_decision``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.cases.models import enum_col
from assessment_api.cases.rules import Discretion, OtherReason
from assessment_api.components.rules import ComponentArea, ComponentDecision, TimeLimitOutcome
from shared.db import Base, Timestamps, UUIDPrimaryKey

CASE_FK = "assessment_case.id"


class ComplaintSummary(UUIDPrimaryKey, Timestamps, Base):
    """ASM-105 (¶2.227–2.232): the summary developed with the complainant, one per case, saved
    whole under ``If-Match`` (each save audited before → after). ``issues`` are the issues we
    proceed with (each becomes components); ``excluded_issues`` those left out, each agreed with
    the complainant (when, how) or decided by the caseworker after no agreement, with the
    proportionality and customer-service reasoning (¶2.230)."""

    __tablename__ = "complaint_summary"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    summary: Mapped[str] = mapped_column(Text)
    issues: Mapped[list[str]] = mapped_column(ARRAY(Text))
    excluded_issues: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    discussed_on: Mapped[date]
    # ASM-107 (¶2.234): the conversation's notes are the contact attempt's (``contact/``).
    discussion_attempt_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("fc_contact_attempt.id", name="fk_complaint_summary_discussion_attempt")
    )
    # ¶2.231: the complainant understands what is in and out, told when and how.
    complainant_told_on: Mapped[date | None]
    complainant_told_how: Mapped[str | None] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        Index("uq_complaint_summary_case_id", "case_id", unique=True),
        CheckConstraint("btrim(summary) <> ''", name="summary_not_blank"),
        CheckConstraint(
            "(complainant_told_on IS NULL) = (complainant_told_how IS NULL)", name="told_how"
        ),
    )


class ComplaintComponent(UUIDPrimaryKey, Timestamps, Base):
    """ASM-108 (¶2.235–2.244): one area of complaint against one organisation on the case, the
    level at which further consideration decides. One per area per organisation; a required
    summary description; the summary issues it covers (ASM-105); its decision, and for one not
    investigated why and the material evidence (the Decision Form's document refs, ¶2.243); a
    premature closure's ¶2.268 points and agreements (ASM-116, ASM-117); its own time-limit
    decision where it is a separate complaint for the time limit (ASM-126)."""

    __tablename__ = "complaint_component"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    case_organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(
            "assessment_case_organisation.id",
            ondelete="CASCADE",
            name="fk_complaint_component_case_organisation",
        )
    )
    organisation_id: Mapped[uuid.UUID]
    area: Mapped[ComponentArea] = mapped_column(enum_col(ComponentArea, "component_area"))
    summary_description: Mapped[str] = mapped_column(Text)
    issues: Mapped[list[str]] = mapped_column(ARRAY(Text))
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    # ASM-126 (¶2.293): a separate complaint for the time limit, and its decision.
    time_limit_outcome: Mapped[TimeLimitOutcome | None] = mapped_column(
        enum_col(TimeLimitOutcome, "component_time_limit_outcome")
    )
    time_limit_rationale: Mapped[str | None] = mapped_column(Text)

    decision: Mapped[ComponentDecision | None] = mapped_column(
        enum_col(ComponentDecision, "component_decision")
    )
    closure_code: Mapped[str | None] = mapped_column(Text)
    discretion: Mapped[Discretion | None] = mapped_column(
        enum_col(Discretion, "component_discretion")
    )
    other_reason: Mapped[OtherReason | None] = mapped_column(
        enum_col(OtherReason, "component_other_reason")
    )
    rationale: Mapped[str | None] = mapped_column(Text)
    material_evidence: Mapped[list[str]] = mapped_column(ARRAY(Text))
    # ASM-116 (¶2.268–2.270): each point weighed, {factor, consideration}.
    premature_factors: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    sent_back_to_organisation: Mapped[bool] = mapped_column(Boolean)
    organisation_agreed_to_respond: Mapped[bool] = mapped_column(Boolean)
    complainant_told_time_limit: Mapped[bool] = mapped_column(Boolean)  # ASM-117
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        Index("ix_complaint_component_case_id", "case_id", "recorded_at"),
        # ASM-114: the precedent search over an organisation's components.
        Index("ix_complaint_component_organisation", "organisation_id", "recorded_at"),
        # ASM-108 (¶2.241): one component per area of complaint, per organisation.
        Index("uq_complaint_component_area", "case_organisation_id", "area", unique=True),
        CheckConstraint("btrim(summary_description) <> ''", name="summary_description_not_blank"),
        CheckConstraint("cardinality(issues) > 0", name="covers_an_issue"),
        # ASM-108 (¶2.243): a component not investigated keeps why and the material evidence.
        CheckConstraint(
            "decision IS NULL OR decision = 'propose to investigate' OR "
            "(rationale IS NOT NULL AND cardinality(material_evidence) > 0)",
            name="not_investigated_kept_why",
        ),
        CheckConstraint("(decision IS NULL) = (decided_at IS NULL)", name="decided_when"),
        # ASM-116 (¶2.270): sent back only with the organisation's agreement to respond.
        CheckConstraint(
            "NOT sent_back_to_organisation OR organisation_agreed_to_respond",
            name="sent_back_with_agreement",
        ),
        # ASM-117 (¶2.271): a premature closure tells the complainant the time limit.
        CheckConstraint(
            "decision IS DISTINCT FROM 'premature' OR complainant_told_time_limit",
            name="premature_told_time_limit",
        ),
        # ASM-126: out of time only on the component's own decision not to set the limit aside.
        CheckConstraint(
            "decision IS DISTINCT FROM 'out of time' OR "
            "time_limit_outcome = 'out of time, limit not set aside'",
            name="out_of_time_on_its_decision",
        ),
        CheckConstraint(
            "(time_limit_outcome IS NULL) = (time_limit_rationale IS NULL)",
            name="time_limit_with_rationale",
        ),
    )

"""Tables of advice at assessment: the requests and the advice received (ASM-143, ASM-144,
ASM-151, ASM-152), requests for an adviser's name (ASM-145), the record of deciding without
clinical advice (ASM-142) and the clinical standard (ASM-146…150). Adviser identity is held here
for our own use only (ASM-145): no event, letter or external projection carries it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.advice.rules import (
    AdviceStatus,
    AdviceType,
    ClinicalFormat,
    OmOutcome,
    RejectionReason,
    StandardKind,
    StandardOutcome,
    StandardSource,
)
from assessment_api.cases.models import enum_col
from shared.db import Base, Timestamps, UUIDPrimaryKey

CASE_FK = "assessment_case.id"
# ASM-151, XC-DP-005: every document of legal advice is marked privileged (the kit then refuses
# it on any outbound communication).
LEGAL_DOCUMENTS_PRIVILEGED = (
    "advice_type <> 'legal' OR NOT jsonb_path_exists(documents, '$[*] ? (@.privileged != true)')"
)


class AdviceRequest(UUIDPrimaryKey, Timestamps, Base):
    """A request for advice on a case and, once in, the advice and how it was used."""

    __tablename__ = "advice_request"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    advice_type: Mapped[AdviceType] = mapped_column(enum_col(AdviceType, "advice_type"))
    clinical_format: Mapped[ClinicalFormat | None] = mapped_column(
        enum_col(ClinicalFormat, "clinical_format")
    )
    discipline: Mapped[str | None] = mapped_column(Text)
    questions: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[date | None]
    depends_on_request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("advice_request.id"))
    follow_up_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("advice_request.id"))
    # ASM-145: internal only (the staff directory's id, or the adviser's internal reference).
    adviser_id: Mapped[str | None] = mapped_column(Text)
    adviser_change_reason: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    status: Mapped[AdviceStatus] = mapped_column(enum_col(AdviceStatus, "advice_status"))
    advice: Mapped[str | None] = mapped_column(Text)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    received_on: Mapped[date | None]
    how_used: Mapped[str | None] = mapped_column(Text)
    quality_concern: Mapped[str | None] = mapped_column(Text)
    quality_concern_raised_with: Mapped[str | None] = mapped_column(Text)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_advice_request_case_id", "case_id", "requested_at", "id"),
        CheckConstraint(LEGAL_DOCUMENTS_PRIVILEGED, name="legal_documents_privileged"),
    )


class AdviserNameRequest(UUIDPrimaryKey, Timestamps, Base):
    """ASM-145 (¶3.21): someone asked for a clinical adviser's name. We do not name advisers:
    the request is referred to the Information Access and Assurance Team, and a lead clinician
    is told when the name is wanted to report the adviser to a regulator."""

    __tablename__ = "adviser_name_request"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    advice_request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("advice_request.id"))
    received_on: Mapped[date]
    for_regulator: Mapped[bool] = mapped_column(Boolean)
    referred_to_iaa_on: Mapped[date]
    lead_clinician_told_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_adviser_name_request_case_id", "case_id"),
        CheckConstraint(
            "NOT for_regulator OR lead_clinician_told_on IS NOT NULL",
            name="regulator_lead_clinician_told",
        ),
    )


class ClinicalAdviceDecision(UUIDPrimaryKey, Timestamps, Base):
    """ASM-142 (¶3.12–3.13): whether a view on a clinical decision is needed and, to decide
    without clinical advice, the Operations Manager's discussion or the caseworker's accredited
    authority, with the reasoning. Each record is kept; the latest is the one that counts."""

    __tablename__ = "clinical_advice_decision"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    clinical_decision_involved: Mapped[bool] = mapped_column(Boolean)
    om_id: Mapped[str | None] = mapped_column(Text)
    om_discussed_on: Mapped[date | None]
    om_outcome: Mapped[OmOutcome | None] = mapped_column(enum_col(OmOutcome, "om_outcome"))
    lead_clinician_consulted_on: Mapped[date | None]
    accredited: Mapped[bool] = mapped_column(Boolean)
    rationale: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    __table_args__ = (Index("ix_clinical_advice_decision_case_id", "case_id", "recorded_at"),)


class ClinicalStandard(UUIDPrimaryKey, Timestamps, Base):
    """ASM-146…150: the clinical standard the care is judged against, or that none applies."""

    __tablename__ = "clinical_standard"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    advice_request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("advice_request.id"))
    outcome: Mapped[StandardOutcome] = mapped_column(enum_col(StandardOutcome, "standard_outcome"))
    source: Mapped[StandardSource | None] = mapped_column(
        enum_col(StandardSource, "standard_source")
    )
    kind: Mapped[StandardKind | None] = mapped_column(enum_col(StandardKind, "standard_kind"))
    name: Mapped[str | None] = mapped_column(Text)
    in_force_at_event_date: Mapped[bool | None] = mapped_column(Boolean)
    rationale: Mapped[str] = mapped_column(Text)
    evidence_weighting: Mapped[str | None] = mapped_column(Text)
    organisation_standard: Mapped[str | None] = mapped_column(Text)
    appropriateness_checked: Mapped[bool] = mapped_column(Boolean)
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(
        enum_col(RejectionReason, "rejection_reason")
    )
    rejection_explanation: Mapped[str | None] = mapped_column(Text)
    organisation_told_on: Mapped[date | None]
    organisation_missed_deadline: Mapped[bool] = mapped_column(Boolean)
    conflicting_standard: Mapped[str | None] = mapped_column(Text)
    conflict_explanation: Mapped[str | None] = mapped_column(Text)
    adviser_stated_clearly: Mapped[bool] = mapped_column(Boolean)
    search_steps: Mapped[list[str]] = mapped_column(ARRAY(Text))
    om_id: Mapped[str | None] = mapped_column(Text)
    om_confirmed_on: Mapped[date | None]
    om_unsure: Mapped[bool] = mapped_column(Boolean)
    lead_clinician_consulted_on: Mapped[date | None]
    accredited: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    __table_args__ = (Index("ix_clinical_standard_case_id", "case_id", "recorded_at"),)

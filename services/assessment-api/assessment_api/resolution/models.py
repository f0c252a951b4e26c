"""Resolution at further consideration: the request made of the organisation(s) and its answer
(T33, T34), and the letters and calls of the closure as a resolution. Ids only: people live at
intake."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Text, Uuid, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.cases.models import enum_col
from assessment_api.resolution.state import RequestStatus
from shared.casework.communications import CommunicationColumns, legal_scan_checks
from shared.db import Base, Timestamps, UUIDPrimaryKey

CASE_FK = "assessment_case.id"


class FcResolutionRequest(UUIDPrimaryKey, Timestamps, Base):
    """Actions requested of the case's organisations to resolve the complaint (ASM-154, T33),
    with the record that both sides were told they are not formal recommendations, and the
    organisation's answer: agreed (the case closes as a resolution) or refused (T34). At most
    one request awaits an answer per case."""

    __tablename__ = "fc_resolution_request"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    organisation_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    actions: Mapped[list[str]] = mapped_column(ARRAY(Text))
    due_date: Mapped[date | None]
    rationale: Mapped[str] = mapped_column(Text)
    complainant_told_not_recommendations: Mapped[bool] = mapped_column(Boolean)
    organisations_told_not_recommendations: Mapped[bool] = mapped_column(Boolean)
    requested_by: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]

    status: Mapped[RequestStatus] = mapped_column(enum_col(RequestStatus, "fc_resolution_status"))
    heard_at: Mapped[datetime | None]
    heard_by: Mapped[str | None] = mapped_column(Text)  # letter | email | telephone
    answer_recorded_by: Mapped[str | None] = mapped_column(Text)
    answer_recorded_at: Mapped[datetime | None]
    # Agreed: what resolved the complaint (ASM-153) and the closure it made.
    agreement: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    closure_code: Mapped[str | None] = mapped_column(Text)
    risk_assessment_id: Mapped[uuid.UUID | None]
    # ASM-156 ¶3.67, ASM-172: the approval under the Delegation Scheme it was closed under.
    approval_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision_approval.id"))
    approved_by: Mapped[str | None] = mapped_column(Text)

    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_fc_resolution_request_case_id", "case_id", "requested_at"),
        # ASM-154: no request is recorded without both sides told (the service refuses first).
        CheckConstraint(
            "complainant_told_not_recommendations AND organisations_told_not_recommendations",
            name="not_recommendations_told",
        ),
        # ASM-156, ASM-172: an agreed resolution closed the case under an approval.
        CheckConstraint(
            "status <> 'agreed' OR (approval_id IS NOT NULL AND approved_by IS NOT NULL)",
            name="agreed_is_approved",
        ),
        Index(
            "uq_fc_resolution_request_open",
            "case_id",
            unique=True,
            postgresql_where=text("status = 'requested'"),
        ),
    )


class FcResolutionCommunication(CommunicationColumns, UUIDPrimaryKey, Timestamps, Base):
    """A letter, email or call of a resolution at further consideration (the casework kit's
    ``communications``): the organisation's answer as we heard it (inbound, scanned for legal
    wording, XC-RSK-004), and the closure issued to the legal recipients (ASM-156, ASM-173)."""

    __tablename__ = "fc_resolution_communication"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fc_resolution_request.id"))

    __table_args__ = (
        Index("ix_fc_resolution_communication_case_id", "case_id"),
        legal_scan_checks("communication"),  # XC-RSK-004
    )

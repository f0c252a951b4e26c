from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Enum, Index, Integer, Sequence, Text, Uuid
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.cases.state import CaseStatus
from shared.db import Base, Timestamps, UUIDPrimaryKey

case_reference_seq = Sequence("case_reference_seq", metadata=Base.metadata)


class CaseType(StrEnum):
    """INT-003/004: every record is an enquiry or a complaint."""

    enquiry = "enquiry"
    complaint = "complaint"


class Channel(StrEnum):
    """How the request reached us (¶1.1)."""

    letter = "letter"
    email = "email"
    online_form = "online_form"
    telephone = "telephone"
    social_media = "social_media"
    mp_referral = "mp_referral"


class Jurisdiction(StrEnum):
    health = "health"
    parliamentary = "parliamentary"


class TriageCategory(StrEnum):
    """¶1.35 and ¶1.37, stored as the guidance writes them (requirements.md D.4)."""

    general = "general"
    senior_caseworker = "senior caseworker"
    complex_and_significant = "complex & significant"
    general_consideration_triage = "general consideration triage"


class Route(StrEnum):
    """Where a case goes from intake: ECT triage (T13) or the allocation queue (T14)."""

    ect_triage = "ect_triage"
    awaiting_allocation = "awaiting_allocation"


class Priority(StrEnum):
    standard = "standard"
    high = "high"


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=40
    )


class Case(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "case"

    reference: Mapped[str] = mapped_column(Text, unique=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus, "case_status"))
    case_type: Mapped[CaseType] = mapped_column(_enum(CaseType, "case_type"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    jurisdiction: Mapped[Jurisdiction | None] = mapped_column(_enum(Jurisdiction, "jurisdiction"))
    received_date: Mapped[date]
    complaint_summary: Mapped[str | None] = mapped_column(Text)
    route: Mapped[Route | None] = mapped_column(_enum(Route, "route"))
    triage_category: Mapped[TriageCategory | None] = mapped_column(
        _enum(TriageCategory, "triage_category")
    )
    priority: Mapped[Priority] = mapped_column(
        _enum(Priority, "priority"), default=Priority.standard
    )
    organisation_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    status_changed_at: Mapped[datetime | None]
    referred_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_case_status_received_date", "status", "received_date"),)

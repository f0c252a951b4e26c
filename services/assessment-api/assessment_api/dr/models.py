"""Dispute Resolution's records (¶2.115–2.131): the DR process of a case with its two consent
forms, the resolution conference, the components mediated in part, and the letters (the casework
kit's ``communications``). Ids only: the parties' details live at intake (DESIGN §1)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.cases.models import enum_col
from assessment_api.cases.state import CaseStatus
from assessment_api.dr.rules import ConferenceMode, ConferenceOutcome, DrParty, WithdrawalReason
from shared.casework.communications import CommunicationColumns, legal_scan_checks
from shared.db import Base, Timestamps, UUIDPrimaryKey


class DrProcess(UUIDPrimaryKey, Timestamps, Base):
    """A case's passage through DR: proposed (T15/T26) with both consent forms sent, then
    accepted when both are back (T27), withdrawn (T28) or ended by the conference (T29/T30).
    One open process per case."""

    __tablename__ = "dr_process"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    # T28: where the case returns if DR does not go ahead (None: allocated to DR by intake, T15).
    prior_status: Mapped[CaseStatus | None] = mapped_column(enum_col(CaseStatus, "dr_prior"))
    caseworker: Mapped[str] = mapped_column(Text)  # proposed it; keeps the case if no DR (¶2.121)
    dr_caseworker: Mapped[str] = mapped_column(Text)  # the DR team member (¶2.118, ¶2.122)
    complainant_person_id: Mapped[uuid.UUID]
    organisation_id: Mapped[uuid.UUID]
    complainant_consent_sent_at: Mapped[datetime]
    complainant_consent_returned_at: Mapped[datetime | None]
    organisation_consent_sent_at: Mapped[datetime]
    organisation_consent_returned_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[WithdrawalReason | None] = mapped_column(
        enum_col(WithdrawalReason, "dr_withdrawal_reason")
    )
    outcome: Mapped[ConferenceOutcome | None] = mapped_column(
        enum_col(ConferenceOutcome, "dr_outcome")
    )
    ended_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        Index("ix_dr_process_case_id", "case_id"),
        Index(
            "uq_dr_process_open_case",
            "case_id",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
        ),
    )


class DrConference(UUIDPrimaryKey, Timestamps, Base):
    """ASM-063: the resolution conference, its mode, what was agreed and that both agreed."""

    __tablename__ = "dr_conference"

    process_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dr_process.id", ondelete="CASCADE"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    mode: Mapped[ConferenceMode] = mapped_column(enum_col(ConferenceMode, "dr_conference_mode"))
    held_at: Mapped[datetime]
    outcome: Mapped[ConferenceOutcome] = mapped_column(
        enum_col(ConferenceOutcome, "dr_conference_outcome")
    )
    agreed_outcomes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    agreed_by_complainant: Mapped[bool] = mapped_column(Boolean)
    agreed_by_organisation: Mapped[bool] = mapped_column(Boolean)
    # T29: the qualifying risk assessment the closure was made on (XC-RSK-001, ASM-069).
    risk_assessment_id: Mapped[uuid.UUID | None]
    recorded_by: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("uq_dr_conference_process_id", "process_id", unique=True),)


class MediatedComponent(UUIDPrimaryKey, Timestamps, Base):
    """ASM-065 (¶2.130): a complaint component resolved through mediation, with its mediation
    outcome; the DR caseworker assesses the others (¶2.131)."""

    __tablename__ = "dr_mediated_component"

    conference_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dr_conference.id", ondelete="CASCADE")
    )
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    component: Mapped[str] = mapped_column(Text)
    mediation_outcome: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("uq_dr_mediated_component", "conference_id", "component", unique=True),)


class DrLetterKind(StrEnum):
    """The letters of DR (the casework kit's ``communications``)."""

    consent_form = "consent_form"  # ¶2.122: out to each party
    consent_returned = "consent_returned"  # ¶2.122: back from each party
    resolution_agreement = "resolution_agreement"  # ¶2.127: to both parties
    # ASM-173 (¶3.109–3.110, Legal), ASM-174 (¶3.111–3.112): closing by agreement is a decision
    # not to investigate, so the MPs and representatives intake names get a copy
    resolution_agreement_copy = "resolution_agreement_copy"


class DrCommunication(CommunicationColumns, UUIDPrimaryKey, Timestamps, Base):
    """A DR letter, in or out, by recipient id (XC-COM; the address is intake's)."""

    __tablename__ = "dr_communication"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    process_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dr_process.id", ondelete="CASCADE"))
    kind: Mapped[DrLetterKind] = mapped_column(enum_col(DrLetterKind, "dr_letter_kind"))
    party: Mapped[DrParty] = mapped_column(enum_col(DrParty, "dr_party"))

    __table_args__ = (
        Index("ix_dr_communication_case_id", "case_id", "occurred_at"),
        legal_scan_checks("communication"),  # XC-RSK-004
    )

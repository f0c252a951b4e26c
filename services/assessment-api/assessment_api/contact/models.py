"""Contact at further consideration: attempts (to the complainant or the referring MP), the
conversation checklist answered in a contact, and the record of a 'withdrawn' closure. Ids only:
people live at intake (DESIGN §1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.cases.models import enum_col
from assessment_api.contact.rules import Answer, Item
from shared.casework.communications import ContactAttemptColumns, legal_scan_checks
from shared.db import Base, Timestamps, UUIDPrimaryKey

CASE_FK = "assessment_case.id"


class Party(StrEnum):
    complainant = "complainant"  # ASM-099…101
    mp = "mp"  # ASM-104


class FcContactAttempt(ContactAttemptColumns, UUIDPrimaryKey, Timestamps, Base):
    """An attempt to reach the complainant (ASM-101: each one recorded) or the referring MP
    (ASM-104) at further consideration, with what the complainant asked for (ASM-100)."""

    __tablename__ = "fc_contact_attempt"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    party: Mapped[Party] = mapped_column(enum_col(Party, "fc_contact_party"))
    outcome: Mapped[str] = mapped_column(Text)
    # ASM-099: introduction, direct contact details, the purpose of further consideration.
    introduced: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    contact_details_given: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    purpose_explained: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    first_contact: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # ASM-100: the method the attempt followed, and why; a written attempt asking for a number.
    method_basis: Mapped[str | None] = mapped_column(Text)
    asked_for_number_and_preference: Mapped[bool] = mapped_column(
        Boolean, server_default=text("false")
    )
    # ASM-100 (¶2.213, ¶2.215–2.216), as the complainant stated them in this contact.
    stated_preference: Mapped[str | None] = mapped_column(Text)
    stated_only_on: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    stated_dates_to_avoid: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    timing_override_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_fc_contact_attempt_case_id", "case_id", "attempted_at"),
        legal_scan_checks("contact_attempt"),  # XC-RSK-004
    )


class FcChecklistAnswer(UUIDPrimaryKey, Timestamps, Base):
    """One item of the ¶2.219 checklist as answered in one conversation (ASM-102). Its note is
    what the complainant told us: scanned for legal-action wording like a contact note."""

    __tablename__ = "fc_checklist_answer"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    attempt_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("fc_contact_attempt.id", ondelete="CASCADE")
    )
    item: Mapped[Item] = mapped_column(enum_col(Item, "fc_checklist_item"))
    answer: Mapped[Answer] = mapped_column(enum_col(Answer, "fc_checklist_answer_value"))
    alternative_date: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    legal_scan: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # XC-RSK-004
    answered_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_fc_checklist_answer_case_id", "case_id", "answered_at"),
        Index("uq_fc_checklist_answer_attempt_item", "attempt_id", "item", unique=True),
        legal_scan_checks("contact_attempt"),  # XC-RSK-004: a note is scanned
    )


class FcWithdrawal(UUIDPrimaryKey, Timestamps, Base):
    """ASM-103 (¶2.224): more information is needed before deciding; recorded, told to the
    complainant, and the case closed as 'withdrawn'. One per case."""

    __tablename__ = "fc_withdrawal"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(CASE_FK, ondelete="CASCADE"))
    information_needed: Mapped[str] = mapped_column(Text)
    told_by: Mapped[str] = mapped_column(Text)
    told_at: Mapped[datetime]
    rationale: Mapped[str] = mapped_column(Text)
    unlocked_by: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]

    __table_args__ = (Index("uq_fc_withdrawal_case_id", "case_id", unique=True),)

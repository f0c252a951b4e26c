"""The staff directory: who each member of staff is, for allocation and approvals (ASM-085,
CMP-114, CMP-128; requirements §0.3 ``User``). Filled from the identity provider by its sync job
(``PUT /internal/staff/{staff_id}``) and kept by staff admins; conflicts of interest are declared
by the person or an admin.

``staff_id`` is the identity provider's subject (a token's ``sub``); the UUID ``id`` is the row's
own, which the audit trail names.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, Index, Integer, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base, Timestamps, UUIDPrimaryKey
from shared.staff import Grade


def enum_col(cls: type[StrEnum], name: str) -> Enum:
    """A StrEnum stored as its value in a VARCHAR (no native PostgreSQL enum to migrate)."""
    return Enum(
        cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=60
    )


class StaffSource(StrEnum):
    identity_provider = "identity_provider"  # created by the IdP sync job
    admin = "admin"  # created by a staff admin


class StaffRecord(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "staff_member"

    staff_id: Mapped[str] = mapped_column(Text, unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    grade: Mapped[Grade] = mapped_column(enum_col(Grade, "staff_grade"))
    roles: Mapped[list[str]] = mapped_column(ARRAY(Text))
    team: Mapped[str | None] = mapped_column(Text)
    specialisms: Mapped[list[str]] = mapped_column(ARRAY(Text))
    posts: Mapped[list[str]] = mapped_column(ARRAY(Text))
    available: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[StaffSource] = mapped_column(enum_col(StaffSource, "staff_source"))
    synced_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer)

    conflicts: Mapped[list[StaffConflict]] = relationship(
        back_populates="staff", lazy="selectin", order_by="StaffConflict.declared_on"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_staff_member_team", "team", "staff_id"),)


class StaffConflict(UUIDPrimaryKey, Timestamps, Base):
    """A declared conflict of interest: on one organisation or one case, dated (CMP-128)."""

    __tablename__ = "staff_conflict"

    staff_member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff_member.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[uuid.UUID | None]
    case_id: Mapped[uuid.UUID | None]
    declared_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    declared_by: Mapped[str] = mapped_column(Text)

    staff: Mapped[StaffRecord] = relationship(back_populates="conflicts")

    __table_args__ = (
        CheckConstraint(
            "(organisation_id IS NULL) <> (case_id IS NULL)", name="one_organisation_or_case"
        ),
        Index("ix_staff_conflict_staff_member_id", "staff_member_id"),
    )

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Integer, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake_api.organisations.state import PvOptOutStatus
from shared.db import Base, Timestamps, UUIDPrimaryKey


class OrganisationJurisdiction(StrEnum):
    """Which Act lets us investigate the body: the 1993 (health) or the 1967 (parliamentary)."""

    health = "health"
    parliamentary = "parliamentary"


class OrganisationKind(StrEnum):
    """What kind of body it is; it decides the jurisdiction (see ``KIND_JURISDICTIONS``)."""

    government_department = "government_department"
    executive_agency = "executive_agency"
    nhs_trust = "nhs_trust"
    family_health_service_provider = "family_health_service_provider"
    independent_provider = "independent_provider"
    icb = "icb"
    nhs_england_region = "nhs_england_region"
    second_tier_complaint_handler = "second_tier_complaint_handler"
    victims_code_only = "victims_code_only"
    out_of_jurisdiction = "out_of_jurisdiction"


class ContractType(StrEnum):
    """¶3.79: a family health service provider's NHS contract, as the guidance writes it."""

    general = "GMS/GDS"
    personal = "PMS/PDS"


_HEALTH = frozenset({OrganisationJurisdiction.health})
_PARLIAMENTARY = frozenset({OrganisationJurisdiction.parliamentary})
_EITHER = _HEALTH | _PARLIAMENTARY

# Which jurisdictions each kind of body may have. ASM-001: an out-of-jurisdiction body has none.
# ASM-004: a Victims' Code-only body is parliamentary (criminal justice bodies, ¶2.5–2.6).
KIND_JURISDICTIONS: dict[OrganisationKind, frozenset[OrganisationJurisdiction | None]] = {
    OrganisationKind.government_department: _PARLIAMENTARY,
    OrganisationKind.executive_agency: _PARLIAMENTARY,
    OrganisationKind.victims_code_only: _PARLIAMENTARY,
    OrganisationKind.nhs_trust: _HEALTH,
    OrganisationKind.family_health_service_provider: _HEALTH,
    OrganisationKind.independent_provider: _HEALTH,
    OrganisationKind.icb: _HEALTH,
    OrganisationKind.nhs_england_region: _HEALTH,
    OrganisationKind.second_tier_complaint_handler: _EITHER,
    OrganisationKind.out_of_jurisdiction: frozenset({None}),
}


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=40
    )


class Organisation(UUIDPrimaryKey, Timestamps, Base):
    """A body in the register: reference data, not complainant data."""

    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    jurisdiction: Mapped[OrganisationJurisdiction | None] = mapped_column(
        _enum(OrganisationJurisdiction, "organisation_jurisdiction")
    )
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind, "organisation_kind"))
    contract_type: Mapped[ContractType | None] = mapped_column(_enum(ContractType, "contract_type"))
    principal_officer_title: Mapped[str | None] = mapped_column(Text)
    principal_officer_name: Mapped[str | None] = mapped_column(Text)
    focal_point_team: Mapped[str | None] = mapped_column(Text)
    focal_point_email: Mapped[str | None] = mapped_column(Text)
    focal_point_phone: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    # The agreement in force, if any; loaded explicitly by the repository.
    pv_opt_out: Mapped[PvOptOut | None] = relationship(
        primaryjoin="and_(Organisation.id == PvOptOut.organisation_id, "
        "PvOptOut.status == 'in_force')",
        viewonly=True,
        uselist=False,
        lazy="raise",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    # The service refuses these with a problem+json first; the checks keep a bug or a hand-written
    # INSERT from storing a register entry that contradicts itself.
    __table_args__ = (
        Index("ix_organisation_name_id", "name", "id"),
        CheckConstraint(
            "(kind = 'out_of_jurisdiction' AND jurisdiction IS NULL)"
            " OR (kind IN ('nhs_trust', 'family_health_service_provider', 'independent_provider',"
            " 'icb', 'nhs_england_region') AND jurisdiction = 'health')"
            " OR (kind IN ('government_department', 'executive_agency', 'victims_code_only')"
            " AND jurisdiction = 'parliamentary')"
            " OR (kind = 'second_tier_complaint_handler' AND jurisdiction IS NOT NULL)",
            name="kind_jurisdiction",
        ),
        CheckConstraint(
            "contract_type IS NULL OR kind = 'family_health_service_provider'",
            name="contract_type_kind",
        ),
        CheckConstraint(
            "(principal_officer_title IS NULL) = (principal_officer_name IS NULL)",
            name="principal_officer_complete",
        ),
        CheckConstraint(
            "focal_point_team IS NOT NULL"
            " OR (focal_point_email IS NULL AND focal_point_phone IS NULL)",
            name="focal_point_team",
        ),
    )

    @property
    def in_jurisdiction(self) -> bool:
        """ASM-001: false only for a body we have no legal power to investigate."""
        return self.kind != OrganisationKind.out_of_jurisdiction

    @property
    def remit_only_for_victims_code(self) -> bool:
        """ASM-004: in remit only for complaints that concern the Victims' Code (¶2.6)."""
        return self.kind == OrganisationKind.victims_code_only


class PvOptOut(UUIDPrimaryKey, Base):
    """¶3.81, ¶8.42: a body's written agreement not to receive not-upheld provisional views.

    Each agreement is its own row, so a withdrawn one stays on record next to any later one.
    """

    __tablename__ = "organisation_pv_opt_out"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"))
    status: Mapped[PvOptOutStatus] = mapped_column(_enum(PvOptOutStatus, "pv_opt_out_status"))
    agreed_date: Mapped[date]
    document_reference: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    withdrawn_by: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_organisation_pv_opt_out_organisation_id", "organisation_id"),
        # At most one agreement in force per organisation, whatever the application does.
        Index(
            "uq_organisation_pv_opt_out_in_force",
            "organisation_id",
            unique=True,
            postgresql_where=text("status = 'in_force'"),
        ),
        CheckConstraint(
            "(status = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_at_status"
        ),
    )

"""The organisations of a case where more than one complaint handler is involved (guidance
¶2.142–2.180; ASM-071…084): the complainant's scope as put, each organisation with its role,
the component areas recorded per organisation, one decision per organisation, and the
Continuing Healthcare and Individual Funding Request checks as data. Ids only: the
organisations' details live at intake (DESIGN §1)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from assessment_api.cases.models import enum_col
from assessment_api.handlers.rules import ChcStage, OrganisationRole, Scope
from shared.db import Base, Timestamps, UUIDPrimaryKey


class PrematureException(StrEnum):
    """ASM-073 (¶2.145): why a complaint may be considered before the second tier is done."""

    difficulties = "difficulties"
    terminal_illness = "terminal_illness"
    relationship_breakdown = "relationship_breakdown"
    other = "other"


class HandlerRecord(UUIDPrimaryKey, Timestamps, Base):
    """One per case: the setting (health: provider and commissioner; otherwise original
    organisation and second tier), the scope and how it was recorded, the premature exception,
    and the CHC and IFR checks. Its version is the ETag of everything under ``/handlers``."""

    __tablename__ = "handler_record"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    health: Mapped[bool] = mapped_column(Boolean)
    scope: Mapped[Scope] = mapped_column(enum_col(Scope, "handler_scope"))
    # ASM-072 / ASM-079: what intake recorded (the complainant said "the handler only", or not).
    handler_only_said_at_intake: Mapped[bool] = mapped_column(Boolean)
    opened_by: Mapped[str] = mapped_column(Text)
    # ASM-074 / ASM-080: the scope as the complainant put it at initial contact; None until then.
    scope_put_by: Mapped[str | None] = mapped_column(Text)
    scope_put_at: Mapped[datetime | None]
    unhappy_with_handler_reason: Mapped[str | None] = mapped_column(Text)  # ¶2.149, ¶2.162
    commissioning_complaint: Mapped[str | None] = mapped_column(Text)  # ¶2.162 (e.g. funding)
    # ASM-073 (¶2.145–2.146): considered before the second tier is complete, and why.
    exception_kind: Mapped[PrematureException | None] = mapped_column(
        enum_col(PrematureException, "premature_exception")
    )
    exception_reasons: Mapped[str | None] = mapped_column(Text)
    exception_recorded_by: Mapped[str | None] = mapped_column(Text)
    exception_recorded_at: Mapped[datetime | None]
    # ASM-082 / ASM-083: Continuing Healthcare (None: not a CHC complaint).
    chc_stage: Mapped[ChcStage | None] = mapped_column(enum_col(ChcStage, "chc_stage"))
    chc_icb_review_done: Mapped[bool | None] = mapped_column(Boolean)
    chc_nhse_review_done: Mapped[bool | None] = mapped_column(Boolean)
    chc_investigate_icb_too: Mapped[bool | None] = mapped_column(Boolean)
    chc_manager_discussed_with: Mapped[str | None] = mapped_column(Text)
    chc_written_complaints_about_both: Mapped[bool | None] = mapped_column(Boolean)
    # ¶2.172 / ¶2.175 / ¶2.177: the ICB and the NHS commissioning region (intake's ids), as the
    # organisation on the case or a complaint component.
    chc_icb_organisation_id: Mapped[uuid.UUID | None]
    chc_region_organisation_id: Mapped[uuid.UUID | None]
    chc_recorded_by: Mapped[str | None] = mapped_column(Text)
    # ASM-084: Individual Funding Request checklist (ifr false: not an IFR complaint).
    ifr: Mapped[bool] = mapped_column(Boolean)
    ifr_application_complete: Mapped[bool | None] = mapped_column(Boolean)
    ifr_policy_used: Mapped[str | None] = mapped_column(Text)
    ifr_compliant_with_policy_and_directions: Mapped[bool | None] = mapped_column(Boolean)
    ifr_policy_reasonable: Mapped[bool | None] = mapped_column(Boolean)
    changed_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        Index("uq_handler_record_case_id", "case_id", unique=True),
        CheckConstraint(
            "(exception_kind IS NULL) = (exception_reasons IS NULL)", name="exception_with_reasons"
        ),
    )


class OrganisationOnCase(UUIDPrimaryKey, Timestamps, Base):
    """ASM-074 (¶2.148): an organisation on the case with its role. A contractor acting for an
    organisation is its own row naming the organisation it acts for, never a field of it."""

    __tablename__ = "assessment_case_organisation"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    organisation_id: Mapped[uuid.UUID]
    role: Mapped[OrganisationRole] = mapped_column(enum_col(OrganisationRole, "organisation_role"))
    acts_for_organisation_id: Mapped[uuid.UUID | None]
    # Second tier: its stage is complete (ASM-071). Provider or commissioner: local resolution
    # is complete with it (ASM-078). None: not known yet.
    complaints_stage_complete: Mapped[bool | None] = mapped_column(Boolean)
    # ASM-096 (¶2.208): this organisation is the individual who signed the final response of a
    # family health service provider (the practice, intake's id), recorded in its place.
    signed_for_practice_id: Mapped[uuid.UUID | None]
    added_by: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime]

    __table_args__ = (
        Index("uq_assessment_case_organisation", "case_id", "organisation_id", unique=True),
        CheckConstraint(
            "(role = 'contractor') = (acts_for_organisation_id IS NOT NULL)",
            name="contractor_acts_for",
        ),
        CheckConstraint(
            "acts_for_organisation_id IS NULL OR acts_for_organisation_id <> organisation_id",
            name="own_organisation",
        ),
        CheckConstraint(
            "signed_for_practice_id IS NULL OR "
            "(role = 'provider' AND signed_for_practice_id <> organisation_id)",
            name="individual_signatory_is_provider",
        ),
    )


class OrganisationComponentArea(UUIDPrimaryKey, Timestamps, Base):
    """ASM-080 (¶2.161): an area of complaint recorded against one organisation; with both
    provider and commissioner complained about, each area is recorded for each."""

    __tablename__ = "organisation_component_area"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    case_organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(
            "assessment_case_organisation.id",
            ondelete="CASCADE",
            name="fk_organisation_component_area_case_organisation",
        )
    )
    area: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_organisation_component_area_case_id", "case_id"),
        Index("uq_organisation_component_area", "case_organisation_id", "area", unique=True),
    )


class OrganisationDecision(UUIDPrimaryKey, Timestamps, Base):
    """The overall decision about one organisation on the case (the organisations tab,
    requirements §A ``OrganisationDecision``): ASM-076 / ASM-081 one per organisation complained
    about and none against one that was not. ASM-176 (¶3.119–3.124): with complaint components,
    ``components.service`` records it as they make it ('propose to investigate' forced,
    'resolution', else the main reason's code), updating it as they change; ``investigate`` is
    exactly a 'propose to investigate' (a CHECK)."""

    __tablename__ = "organisation_decision"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_case.id", ondelete="CASCADE"))
    case_organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(
            "assessment_case_organisation.id",
            ondelete="CASCADE",
            name="fk_organisation_decision_case_organisation",
        )
    )
    organisation_id: Mapped[uuid.UUID]
    decision: Mapped[str] = mapped_column(Text)
    investigate: Mapped[bool] = mapped_column(Boolean)
    rationale: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        Index("uq_organisation_decision", "case_id", "organisation_id", unique=True),
        Index("uq_organisation_decision_organisation_on_case", "case_organisation_id", unique=True),
        CheckConstraint(
            "investigate = (decision = 'propose to investigate')", name="investigate_is_proposal"
        ),
    )

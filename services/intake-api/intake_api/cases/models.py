"""Intake cases and what hangs off them (DESIGN §1 intake row; guidance §1 and ¶2.1–2.76).

Personal data is not here: parties are ``person_id``s from ``people/``; organisations are
``organisation_id``s from ``organisations/``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Enum,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.cases.state import CaseStatus
from shared.casework.approvals import ApprovalColumns
from shared.casework.communications import (
    CommunicationColumns,
    ContactAttemptColumns,
    ContactOutcome,
    legal_scan_checks,
)
from shared.casework.deadlines import DeadlineColumns, ExtensionColumns
from shared.casework.tasks import TaskColumns
from shared.db import Base, Timestamps, UUIDPrimaryKey

case_reference_seq = Sequence("case_reference_seq", metadata=Base.metadata)


class CaseType(StrEnum):
    """INT-003/004: every record is an enquiry or a complaint."""

    enquiry = "enquiry"
    complaint = "complaint"


class Channel(StrEnum):
    """How the request reached us (¶1.1; 'Twitter' for social media, ¶2.9)."""

    letter = "letter"
    email = "email"
    online_form = "online_form"
    telephone = "telephone"
    social_media = "social_media"
    mp_referral = "mp_referral"


# ASM-015: email and the online form count as writing; ASM-016: social media is treated as
# properly made.
WRITTEN_CHANNELS = frozenset(
    {Channel.letter, Channel.email, Channel.online_form, Channel.social_media}
)


class Jurisdiction(StrEnum):
    health = "health"
    parliamentary = "parliamentary"


class TriageCategory(StrEnum):
    """¶1.35, stored as the guidance writes them (requirements.md D.4), derived by the triage
    function (cases/triage.py). Too little information gives 'general' (¶1.37 "general
    consideration triage", read as the general category; the INT-023 test)."""

    general = "general"
    senior_caseworker = "senior caseworker"
    complex_and_significant = "complex & significant"


class Route(StrEnum):
    """Where a case goes from intake (INT-020, D.4 routing targets)."""

    ect_triage = "ect_triage"
    awaiting_allocation = "awaiting_allocation"
    dispute_resolution = "dispute_resolution"
    ad_senior_caseworker_teams = "ad_senior_caseworker_teams"
    joint_working_team = "joint_working_team"


class Priority(StrEnum):
    standard = "standard"
    high = "high"


class ComplaintProcessStage(StrEnum):
    """Where the organisation's own complaints process is (INT-009, ASM-037…041)."""

    not_started = "not_started"
    ongoing = "ongoing"
    complete = "complete"


class OrgResponseFormat(StrEnum):
    """ASM-039: an NHS audio-only response is not a complete local resolution."""

    none = "none"
    written = "written"
    audio_only = "audio_only"


class PrisonCaseType(StrEnum):
    """INT-046/047."""

    prison_action = "prison_action"
    prison_healthcare = "prison_healthcare"


class OtherOmbudsman(StrEnum):
    lgsco = "LGSCO"
    other = "other"


class ExceptionReason(StrEnum):
    """ASM-043: why a premature complaint is considered now."""

    particular_difficulties = "particular_difficulties"
    terminal_illness = "terminal_illness"
    relationship_breakdown = "relationship_breakdown"
    duty_of_candour_response_only = "duty_of_candour_response_only"
    other = "other"


class MpReferralSignedBy(StrEnum):
    mp = "mp"
    mp_staff = "mp_staff"


class DecisionChannel(StrEnum):
    telephone = "telephone"
    writing = "writing"


class SignpostingType(StrEnum):
    """INT-028."""

    organisation = "organisation"
    advocacy = "advocacy"
    other_body = "other_body"
    none_identified = "none_identified"


def enum_col(cls: type[StrEnum], name: str) -> Enum:
    """A StrEnum stored as its value in a VARCHAR (no native PostgreSQL enum to migrate)."""
    return Enum(
        cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=60
    )


class DeadlineKind(StrEnum):
    """The intake clocks of requirements.md §C."""

    information = "information"  # C-02, INT-016
    intake_contact = "intake_contact"  # C-01, INT-008 (2 weeks)
    acknowledgement = "acknowledgement"  # C-03, ¶1.27 (10 working days)
    callback = "callback"  # C-04, INT-030 (48 hours)


# The statuses in which intake still works a case (referred and closed cases have left intake),
# and the same as the SQL of the partial index the work queues read (migration 0015).
OPEN_STATUSES = (
    CaseStatus.received,
    CaseStatus.intake,
    CaseStatus.awaiting_information,
    CaseStatus.joint_working_review,
    CaseStatus.restart_review,
)
OPEN_CASE_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))
# The sort key of a case with no open clock: after every real date, so the keyset has no NULL.
NO_DUE_DATE_SQL = "'9999-12-31'::date"


class Case(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "case"

    reference: Mapped[str] = mapped_column(Text, unique=True)
    status: Mapped[CaseStatus] = mapped_column(enum_col(CaseStatus, "case_status"))
    case_type: Mapped[CaseType] = mapped_column(enum_col(CaseType, "case_type"))
    channel: Mapped[Channel] = mapped_column(enum_col(Channel, "channel"))
    jurisdiction: Mapped[Jurisdiction | None] = mapped_column(
        enum_col(Jurisdiction, "jurisdiction")
    )
    received_date: Mapped[date]
    owner: Mapped[str | None] = mapped_column(Text)
    # The owner's team when the case was taken (the token's one ``teams`` entry), whose members
    # may act on it too (``shared.casework.ownership``).
    team: Mapped[str | None] = mapped_column(Text)
    copied_in_only: Mapped[bool] = mapped_column(Boolean, default=False)
    type_reason: Mapped[str | None] = mapped_column(Text)
    previous_contact_check_id: Mapped[uuid.UUID | None]

    # INT-009: three separate fields, plus the rest of what the conversation establishes.
    complaint_summary: Mapped[str | None] = mapped_column(Text)
    injustice_claimed: Mapped[str | None] = mapped_column(Text)
    outcome_sought: Mapped[str | None] = mapped_column(Text)
    financial_remedy_sought: Mapped[bool] = mapped_column(Boolean, default=False)
    financial_amount_pence: Mapped[int | None] = mapped_column(Integer)
    complaint_process_stage: Mapped[ComplaintProcessStage | None] = mapped_column(
        enum_col(ComplaintProcessStage, "complaint_process_stage")
    )
    reason_unhappy_with_response: Mapped[str | None] = mapped_column(Text)

    # Gates (¶2.1–2.76).
    victims_code_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    victims_code: Mapped[bool] = mapped_column(Boolean, default=False)
    vpa_answers: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    vpa_no_mp_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    vpa_legal_advice_requested_at: Mapped[datetime | None]
    vpa_pass_through_note: Mapped[str | None] = mapped_column(Text)
    mp_person_id: Mapped[uuid.UUID | None]
    mp_referred_date: Mapped[date | None]
    complaint_to_mp_in_writing: Mapped[bool] = mapped_column(Boolean, default=False)
    aggrieved_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    mp_requests_investigation: Mapped[bool] = mapped_column(Boolean, default=False)
    # ASM-031: {from_closure_code, same_organisation, same_complaint, confirmed_by, at}.
    mp_referral_reuse: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    mp_referral_signed_by: Mapped[MpReferralSignedBy | None] = mapped_column(
        enum_col(MpReferralSignedBy, "mp_referral_signed_by")
    )
    written_complaint_received: Mapped[bool] = mapped_column(Boolean, default=False)
    complaint_form_awaiting_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    properly_made: Mapped[bool | None] = mapped_column(Boolean)
    properly_made_decided_by: Mapped[str | None] = mapped_column(Text)
    properly_made_decided_at: Mapped[datetime | None]
    org_response_format: Mapped[OrgResponseFormat | None] = mapped_column(
        enum_col(OrgResponseFormat, "org_response_format")
    )
    not_reasonable_to_expect_local_resolution: Mapped[bool] = mapped_column(Boolean, default=False)
    readiness_rationale: Mapped[str | None] = mapped_column(Text)
    exception_reason: Mapped[ExceptionReason | None] = mapped_column(
        enum_col(ExceptionReason, "exception_reason")
    )
    exception_rationale: Mapped[str | None] = mapped_column(Text)
    self_referred_by_organisation: Mapped[bool] = mapped_column(Boolean, default=False)

    # Joint working (INT-038…045) and prison cases (INT-046…048).
    joint_working: Mapped[bool] = mapped_column(Boolean, default=False)
    other_ombudsman: Mapped[OtherOmbudsman | None] = mapped_column(
        enum_col(OtherOmbudsman, "other_ombudsman")
    )
    joint_working_topics: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    joint_working_shared_at: Mapped[datetime | None]
    # T12: the joint working team's decision (INT-039, INT-045).
    joint_working_decided_at: Mapped[datetime | None]
    joint_working_accepted: Mapped[bool | None] = mapped_column(Boolean)
    prison_case_type: Mapped[PrisonCaseType | None] = mapped_column(
        enum_col(PrisonCaseType, "prison_case_type")
    )

    # Triage, routing, priority and the ¶1.23 checklist (INT-020…025).
    route: Mapped[Route | None] = mapped_column(enum_col(Route, "route"))
    routing_rationale: Mapped[str | None] = mapped_column(Text)
    specialist_team: Mapped[str | None] = mapped_column(Text)
    triage_category: Mapped[TriageCategory | None] = mapped_column(
        enum_col(TriageCategory, "triage_category")
    )
    triage_answers: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    triage_questionnaire_version: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[Priority] = mapped_column(
        enum_col(Priority, "priority"), default=Priority.standard
    )
    special_handling_reason: Mapped[str | None] = mapped_column(Text)
    priority_requested_by: Mapped[str | None] = mapped_column(Text)
    priority_approved_by: Mapped[str | None] = mapped_column(Text)
    priority_approved_at: Mapped[datetime | None]
    checklist: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    checklist_override_reason: Mapped[str | None] = mapped_column(Text)
    risk_assessment_required: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)

    # Closure (D.1, D.3) and the decision that goes with it.
    closure_code: Mapped[str | None] = mapped_column(Text)
    closure_reasons: Mapped[str | None] = mapped_column(Text)
    remit_categories: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    decision_channel: Mapped[DecisionChannel | None] = mapped_column(
        enum_col(DecisionChannel, "decision_channel")
    )
    written_decision_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    signposting_type: Mapped[SignpostingType | None] = mapped_column(
        enum_col(SignpostingType, "signposting_type")
    )
    signposting_detail: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]

    status_changed_at: Mapped[datetime | None]
    referred_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    # The open clock that falls first (earliest effective due date, then lowest deadline id), or
    # null: kept by PostgreSQL triggers on ``deadline`` in the transaction that changes a clock
    # (migration 0015), for my-open-cases. Read it from the database, never from a copy loaded
    # before the clocks changed.
    next_due_date: Mapped[date | None] = mapped_column(server_default=FetchedValue())
    next_due_kind: Mapped[DeadlineKind | None] = mapped_column(
        enum_col(DeadlineKind, "deadline_kind"), server_default=FetchedValue()
    )

    # eager_defaults: the INSERT returns created_at and updated_at (RETURNING), so a new case
    # needs no second SELECT to be complete.
    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        # GET /v1/cases: newest first, keyset on (received_date, id) (migration 0008).
        Index("ix_case_received_date_id", "received_date", "id"),
        Index("ix_case_status_received_date_id", "status", "received_date", "id"),
        Index("ix_case_owner_status", "owner", "status"),
        # my-open-cases: the owner's open cases, nearest clock first (migration 0015).
        Index(
            "ix_case_owner_next_due",
            "owner",
            text(f"coalesce(next_due_date, {NO_DUE_DATE_SQL})"),
            "received_date",
            "id",
            postgresql_where=text(OPEN_CASE_SQL),
        ),
        CheckConstraint(
            "financial_amount_pence IS NULL OR financial_amount_pence >= 0",
            name="financial_amount_not_negative",
        ),
    )


class PartyRole(StrEnum):
    """Case party roles (requirements.md §0.3, D.6)."""

    complainant = "complainant"
    aggrieved = "aggrieved"
    representative_person = "representative (person)"
    representative_organisation = "representative (organisation)"
    mp_referring = "mp (referring)"
    mp_assisting = "mp (assisting)"
    interested_party = "interested_party"
    named_person = "named_person"


REPRESENTATIVE_ROLES = frozenset(
    {PartyRole.representative_person, PartyRole.representative_organisation}
)
MP_ROLES = frozenset({PartyRole.mp_referring, PartyRole.mp_assisting})


class CaseParty(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "case_party"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    person_id: Mapped[uuid.UUID]
    role: Mapped[PartyRole] = mapped_column(enum_col(PartyRole, "party_role"))
    authority_to_receive_info: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("case_id", "person_id", "role", name="uq_case_party_case_person_role"),
        Index("ix_case_party_person_id", "person_id"),
    )


class OrganisationRole(StrEnum):
    """How an organisation is involved in the case (issue: original, second tier, …)."""

    original = "original"
    second_tier = "second_tier"
    commissioner = "commissioner"
    contractor = "contractor"


class CaseOrganisation(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "case_organisation"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    organisation_id: Mapped[uuid.UUID]
    role: Mapped[OrganisationRole] = mapped_column(enum_col(OrganisationRole, "organisation_role"))
    in_jurisdiction: Mapped[bool] = mapped_column(Boolean, default=True)
    remit_only_for_victims_code: Mapped[bool] = mapped_column(Boolean, default=False)
    # The case's receipt date, copied by PostgreSQL on insert (migration 0011): the case list by
    # organisation reads ix_case_organisation_listing in its own order.
    received_date: Mapped[date] = mapped_column(server_default=FetchedValue())

    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint(
            "case_id", "organisation_id", "role", name="uq_case_organisation_case_org_role"
        ),
        Index("ix_case_organisation_organisation_id", "organisation_id", "case_id"),
        Index(
            "ix_case_organisation_listing", "organisation_id", "role", "received_date", "case_id"
        ),
    )


class PreviousContactCheck(UUIDPrimaryKey, Timestamps, Base):
    """INT-001: who searched, for which person and organisations, and what it found."""

    __tablename__ = "previous_contact_check"

    person_id: Mapped[uuid.UUID | None]
    organisation_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    done_by: Mapped[str] = mapped_column(Text)
    matches: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class LinkReason(StrEnum):
    """Why two cases are linked (E.1 LinkedCaseCreated reasons, plus restarts)."""

    returned_in_writing = "returned_in_writing"
    returned_with_mp_referral = "returned_with_mp_referral"
    contact_after_withdrawn = "contact_after_withdrawn"
    previous_contact = "previous_contact"
    other = "other"


class CaseLink(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "case_link"

    earlier_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    later_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    reason: Mapped[LinkReason] = mapped_column(enum_col(LinkReason, "link_reason"))
    created_by: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("earlier_case_id", "later_case_id", name="uq_case_link_earlier_later"),
        CheckConstraint("earlier_case_id <> later_case_id", name="not_self"),
        Index("ix_case_link_later_case_id", "later_case_id"),
    )


MISSING_DISCUSSION_SQL = (
    "outcome = 'reached' AND NOT (expectations_explained AND adjustments_discussed)"
)


class ContactAttempt(ContactAttemptColumns, UUIDPrimaryKey, Timestamps, Base):
    """INT-005, INT-014: every attempt to reach a party, whether or not it succeeded."""

    __tablename__ = "contact_attempt"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    outcome: Mapped[ContactOutcome] = mapped_column(enum_col(ContactOutcome, "contact_outcome"))
    # The case's owner now, copied and moved by PostgreSQL triggers (migration 0015), so the
    # owner-filtered work queues lead with it.
    case_owner: Mapped[str | None] = mapped_column(Text, server_default=FetchedValue())

    __table_args__ = (
        legal_scan_checks("contact_attempt"),  # XC-RSK-004 (migration 0018)
        Index("ix_contact_attempt_case_id", "case_id", "attempted_at"),
        # INT-011's report: reached contacts missing either discussion, newest first.
        Index(
            "ix_contact_attempt_missing_discussion",
            "attempted_at",
            "id",
            postgresql_where=text(MISSING_DISCUSSION_SQL),
        ),
        Index(
            "ix_contact_attempt_owner_missing_discussion",
            "case_owner",
            "attempted_at",
            "id",
            postgresql_where=text(MISSING_DISCUSSION_SQL),
        ),
    )


class Communication(CommunicationColumns, UUIDPrimaryKey, Timestamps, Base):
    """A letter, email or call, in or out, with its recipients (XC-COM)."""

    __tablename__ = "communication"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))

    __table_args__ = (
        legal_scan_checks("communication"),  # XC-RSK-004 (migration 0018)
        Index("ix_communication_case_id", "case_id", "occurred_at"),
        Index(
            "ix_communication_unacknowledged",
            "occurred_at",
            postgresql_where=text("direction = 'inbound'"),
        ),
    )


class Deadline(DeadlineColumns, UUIDPrimaryKey, Timestamps, Base):
    """A clock as data: the rule, the original due date and how it was met (DESIGN §5)."""

    __tablename__ = "deadline"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    kind: Mapped[DeadlineKind] = mapped_column(enum_col(DeadlineKind, "deadline_kind"))
    # The case's owner now, copied and moved by PostgreSQL triggers (migration 0015), so the
    # owner-filtered work queues lead with it.
    case_owner: Mapped[str | None] = mapped_column(Text, server_default=FetchedValue())

    __table_args__ = (
        Index(
            "ix_deadline_open_due",
            "kind",
            "due_date",
            postgresql_where=text("met_at IS NULL AND cancelled_at IS NULL"),
        ),
        # Timed clocks (C-04 call-backs): the overdue-callbacks work queue is a range scan.
        Index(
            "ix_deadline_open_due_at",
            "kind",
            "due_at",
            postgresql_where=text("met_at IS NULL AND cancelled_at IS NULL"),
        ),
        Index(
            "ix_deadline_open_effective_due",
            "kind",
            "effective_due_date",
            postgresql_where=text("met_at IS NULL AND cancelled_at IS NULL"),
        ),
        Index("ix_deadline_case_id", "case_id"),
        # The same three queues for one owner (migration 0015).
        *(
            Index(
                name,
                "kind",
                "case_owner",
                column,
                "id",
                postgresql_where=text("met_at IS NULL AND cancelled_at IS NULL"),
            )
            for name, column in (
                ("ix_deadline_owner_open_due", "due_date"),
                ("ix_deadline_owner_open_effective_due", "effective_due_date"),
                ("ix_deadline_owner_open_due_at", "due_at"),
            )
        ),
    )


class DeadlineExtension(ExtensionColumns, UUIDPrimaryKey, Timestamps, Base):
    """An agreed extension; the original due date is never overwritten (DESIGN §5)."""

    __tablename__ = "deadline_extension"

    deadline_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deadline.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_deadline_extension_deadline_id", "deadline_id"),)


class TaskKind(StrEnum):
    """Follow-up work a rule creates on a case."""

    # ASM-039 (¶2.69): an NHS organisation that replied only by audio is asked for a written one.
    request_written_response = "request_written_response"
    # ASM-024 (¶2.43): a decision issued while the MP's seat was vacant goes to the new MP.
    send_copy_to_new_mp = "send_copy_to_new_mp"
    # INT-042 (¶1.53): once the JW team accepts, ask the complainant to consent to joint working.
    ask_joint_working_consent = "ask_joint_working_consent"


class CaseTask(TaskColumns, UUIDPrimaryKey, Timestamps, Base):
    """A to-do a rule leaves on a case; done by hand or by the communication that does it."""

    __tablename__ = "case_task"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    kind: Mapped[TaskKind] = mapped_column(enum_col(TaskKind, "task_kind"))
    # ASM-024: person_id is the MP whose seat was vacant.
    communication_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("communication.id", ondelete="SET NULL")
    )

    # The case's owner now, copied and moved by PostgreSQL triggers (migration 0015), so the
    # owner-filtered work queues lead with it.
    case_owner: Mapped[str | None] = mapped_column(Text, server_default=FetchedValue())

    __table_args__ = (
        Index("ix_case_task_case_id", "case_id"),
        Index("ix_case_task_open", "created_at", "id", postgresql_where=text("done_at IS NULL")),
        Index(
            "ix_case_task_owner_open",
            "case_owner",
            "created_at",
            "id",
            postgresql_where=text("done_at IS NULL"),
        ),
    )


class CaseApproval(ApprovalColumns, UUIDPrimaryKey, Timestamps, Base):
    """An act approved under the delegation scheme on a case (XC-ROL): INT-025 special handling."""

    __tablename__ = "case_approval"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))

    __table_args__ = (
        Index("ix_case_approval_case_id", "case_id", "requested_at"),
        Index(
            "ix_case_approval_undecided",
            "kind",
            "requested_at",
            postgresql_where=text("decision IS NULL"),
        ),
    )


class SupportKind(StrEnum):
    """Extra help given to a complainant who needs it (¶1.40–1.41, INT-031, D.13)."""

    forwarded_to_organisation = "forwarded_to_organisation"
    advocacy_details = "advocacy_details"
    mp_referral_assistance = "mp_referral_assistance"
    complaint_form_completed_for_complainant = "complaint_form_completed_for_complainant"


class CaseSupport(UUIDPrimaryKey, Timestamps, Base):
    """One act of extra help (INT-031), with the communication that carried it."""

    __tablename__ = "case_support"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    kind: Mapped[SupportKind] = mapped_column(enum_col(SupportKind, "support_kind"))
    note: Mapped[str] = mapped_column(Text)
    communication_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("communication.id"))
    provided_at: Mapped[datetime]
    provided_by: Mapped[str] = mapped_column(Text)
    # complaint_form_completed_for_complainant: the signed form coming back (ASM-010).
    signed_form_returned_at: Mapped[datetime | None]
    signed_form_communication_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("communication.id")
    )
    signed_form_recorded_by: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_case_support_case_id", "case_id", "provided_at"),)


class CaseStage(Timestamps, Base):
    """Where the case stands in the service that holds it after intake: the register's
    projection of that service's events (DESIGN §1; issue #12 "One status for the front end").

    Written only by intake's handlers of those events (``cases/register.py``), never by a route
    and never into the case's own columns, which stay intake's for intake's own stage. The
    producing service, its event's ``sequence`` and ``occurred_at`` are kept, so a duplicate or
    an older event changes nothing.
    """

    __tablename__ = "case_stage"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), primary_key=True
    )
    service: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(Text)
    team: Mapped[str | None] = mapped_column(Text)
    closure_code: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime]
    source_sequence: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[uuid.UUID]
    event_type: Mapped[str] = mapped_column(Text)

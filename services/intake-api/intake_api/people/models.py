"""People: the only home of personal data in the system (DESIGN §1).

A ``Person`` is a party (requirements.md §0.3): a person or an organisation acting as a party
(e.g. a representative organisation). MPs are people with an MP record. Consents, reasonable
adjustments, other accessibility requests and identity checks hang off the person, not a case,
so they show on every case of theirs (¶1.8, ¶1.43, ¶1.47, ¶1.62).

Addresses, phones, emails and dates to avoid are JSONB lists validated by the API schemas; the
``search_*`` columns hold their normalised forms for the previous-contact search (¶1.1).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, Text, false
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from intake_api.people.state import RaDecision, RaStatus
from shared.db import Base, Timestamps, UUIDPrimaryKey


class PartyKind(StrEnum):
    person = "person"
    organisation = "organisation"


class ContactMethod(StrEnum):
    """The "preferred method of contact" tab (¶1.7–1.8, INT-006/007)."""

    telephone = "telephone"
    email = "email"
    letter = "letter"
    text_relay = "text_relay"
    other = "other"


class Weekday(StrEnum):
    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"


class ConsentType(StrEnum):
    """INT-049 (obtain information), INT-050 (refer), INT-042 (LGSCO), INT-053 (third party)."""

    obtain_information = "obtain_information"
    refer_to_other_body = "refer_to_other_body"
    joint_working_lgsco = "joint_working_lgsco"
    release_to_third_party = "release_to_third_party"


class RestrictionScope(StrEnum):
    """What contact a restriction under the unreasonable behaviour policy covers (¶1.27, ¶2.222).

    ``all_contact`` covers every way of reaching us; the others cover contact by that channel
    only (e.g. a restriction to written contact is ``telephone`` + ``in_person``).
    """

    all_contact = "all_contact"
    telephone = "telephone"
    email = "email"
    letter = "letter"
    online_form = "online_form"
    social_media = "social_media"
    in_person = "in_person"


class ConsentSource(StrEnum):
    complaint_form = "complaint_form"
    verbal = "verbal"
    written = "written"


class DisabilityType(StrEnum):
    """Disability type of an agreed reasonable adjustment (¶1.43).

    The guidance says to pick the type "from the drop-down menu" on Dynamics 365 but does not
    give that list. These values are OUR OWN placeholder list, broad groupings in the spirit of
    the Equality Act 2010; replace them with the real Dynamics option set when the product owner
    supplies it. ``other`` needs ``disability_note``.
    """

    physical_or_mobility = "physical_or_mobility"
    visual = "visual"
    hearing = "hearing"
    speech_or_communication = "speech_or_communication"
    mental_health = "mental_health"
    learning_disability = "learning_disability"
    specific_learning_difficulty = "specific_learning_difficulty"
    neurodivergence = "neurodivergence"
    cognitive_or_memory = "cognitive_or_memory"
    long_term_condition = "long_term_condition"
    other = "other"


class VerificationQuestion(StrEnum):
    """Security questions for a call (¶1.63, requirements.md D.30), plus ``other`` with text."""

    first_line_of_address = "first_line_of_address"
    postcode = "postcode"
    organisation_complained_about = "organisation_complained_about"
    phone_last_three_digits = "phone_last_three_digits"
    last_contact_when_how = "last_contact_when_how"
    other = "other"


class VerificationOutcome(StrEnum):
    verified = "verified"
    not_verified = "not_verified"
    waived = "waived"


class SuccessionReason(StrEnum):
    """Why an MP was succeeded (¶2.42 second occurrence: "dies or leaves office")."""

    died = "died"
    left_office = "left_office"


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=40
    )


class Person(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "person"

    party_kind: Mapped[PartyKind] = mapped_column(_enum(PartyKind, "party_kind"))
    title: Mapped[str | None] = mapped_column(Text)
    given_name: Mapped[str | None] = mapped_column(Text)
    family_name: Mapped[str | None] = mapped_column(Text)
    organisation_name: Mapped[str | None] = mapped_column(Text)
    addresses: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    phones: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    emails: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    preferred_contact_method: Mapped[ContactMethod | None] = mapped_column(
        _enum(ContactMethod, "contact_method")
    )
    preferred_contact_note: Mapped[str | None] = mapped_column(Text)
    days_to_avoid: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    dates_to_avoid: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    prison_number: Mapped[str | None] = mapped_column(Text)
    # The MP record (¶2.47): set for MPs only; ``mp_active`` changes only through acts.
    mp_constituency: Mapped[str | None] = mapped_column(Text)
    mp_active: Mapped[bool | None] = mapped_column(Boolean)
    mp_deactivated_at: Mapped[datetime | None]
    mp_deactivated_by: Mapped[str | None] = mapped_column(Text)
    mp_deactivation_reason: Mapped[str | None] = mapped_column(Text)
    # Normalised search keys, rewritten by the service whenever the source fields change.
    sort_name: Mapped[str] = mapped_column(Text)
    search_names: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    search_emails: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    search_phones: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    search_postcodes: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    created_by: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_person_sort_name_id", "sort_name", "id"),
        Index("ix_person_search_names", "search_names", postgresql_using="gin"),
        Index("ix_person_search_emails", "search_emails", postgresql_using="gin"),
        Index("ix_person_search_phones", "search_phones", postgresql_using="gin"),
        Index("ix_person_search_postcodes", "search_postcodes", postgresql_using="gin"),
    )


class Consent(UUIDPrimaryKey, Timestamps, Base):
    """A consent on the person's record (¶1.61–1.62, ¶1.53, ¶1.65); withdrawal is its own act."""

    __tablename__ = "consent"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    case_id: Mapped[uuid.UUID | None]
    consent_type: Mapped[ConsentType] = mapped_column(_enum(ConsentType, "consent_type"))
    body: Mapped[str | None] = mapped_column(Text)
    third_party_person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("person.id"), index=True
    )
    scope: Mapped[str | None] = mapped_column(Text)
    # INT-054: the complainant is happy for sensitive information (e.g. medical history) to go
    # to this third party, not only case information in general (INT-053).
    covers_sensitive_information: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    source: Mapped[ConsentSource] = mapped_column(_enum(ConsentSource, "consent_source"))
    given_at: Mapped[datetime]
    evidence_reference: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_by: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ReasonableAdjustmentRequest(UUIDPrimaryKey, Timestamps, Base):
    """A request under the Equality Act 2010 (¶1.42–1.45); lifecycle in ``state.py``."""

    __tablename__ = "reasonable_adjustment_request"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    case_id: Mapped[uuid.UUID | None]
    requested_at: Mapped[datetime]
    requested_adjustments: Mapped[str] = mapped_column(Text)
    status: Mapped[RaStatus] = mapped_column(_enum(RaStatus, "ra_status"))
    decision: Mapped[RaDecision | None] = mapped_column(_enum(RaDecision, "ra_decision"))
    disability_type: Mapped[DisabilityType | None] = mapped_column(
        _enum(DisabilityType, "disability_type")
    )
    disability_note: Mapped[str | None] = mapped_column(Text)
    agreed_adjustments: Mapped[str | None] = mapped_column(Text)
    decided_date: Mapped[date | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[str | None] = mapped_column(Text)
    alternatives_considered: Mapped[str | None] = mapped_column(Text)
    legal_team_informed_at: Mapped[datetime | None]
    outcome_letter_reference: Mapped[str | None] = mapped_column(Text)
    outcome_letter_sent_date: Mapped[date | None]
    outcome_letter_recorded_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime | None]
    recorded_by: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_reasonable_adjustment_request_status_requested_at", "status", "requested_at"),
    )


class AccessibilityRequest(UUIDPrimaryKey, Timestamps, Base):
    """Accessibility help outside the Equality Act (¶1.47), or an anticipatory note (¶1.48)."""

    __tablename__ = "accessibility_request"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    case_id: Mapped[uuid.UUID | None]
    description: Mapped[str] = mapped_column(Text)
    anticipatory: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(Text)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class IdentityVerification(UUIDPrimaryKey, Timestamps, Base):
    """Identity check for one call (¶1.63–1.64): questions asked, or a recorded waiver."""

    __tablename__ = "identity_verification"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    call_ref: Mapped[str] = mapped_column(Text)
    case_id: Mapped[uuid.UUID | None]
    outcome: Mapped[VerificationOutcome] = mapped_column(
        _enum(VerificationOutcome, "verification_outcome")
    )
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # The sorted question keys, so a report can find the same set used again (¶1.63).
    question_set: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    repeated_question_set: Mapped[bool] = mapped_column(Boolean)
    waiver_reason: Mapped[str | None] = mapped_column(Text)
    previous_verification_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("identity_verification.id")
    )
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_identity_verification_person_id_call_ref", "person_id", "call_ref"),
    )


class MpSuccession(UUIDPrimaryKey, Timestamps, Base):
    """A successor MP recorded for an MP record (¶2.42 second occurrence, ¶2.47, ASM-023/026)."""

    __tablename__ = "mp_succession"

    previous_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), unique=True)
    successor_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    effective_date: Mapped[date]
    reason: Mapped[SuccessionReason] = mapped_column(_enum(SuccessionReason, "succession_reason"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(Text)


class MpDeactivationRequest(UUIDPrimaryKey, Timestamps, Base):
    """A request that an MP record be made inactive (¶2.47); completed by the deactivate act."""

    __tablename__ = "mp_deactivation_request"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    mp_succession_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("mp_succession.id"))
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    requested_by: Mapped[str] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_mp_deactivation_request_requested_at", "requested_at"),)


class ContactRestriction(UUIDPrimaryKey, Timestamps, Base):
    """A restriction on a person's contact under the unreasonable behaviour policy (¶1.27, ¶2.222;
    XC-COM-001): while active and covering a contact, that contact starts no acknowledgement
    deadline (C-03). Held on the person, so every case and service sees it; lifting is its own act.
    """

    __tablename__ = "contact_restriction"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    # A restriction about one case only; None covers the person's contact on every case.
    case_id: Mapped[uuid.UUID | None]
    scope: Mapped[list[str]] = mapped_column(ARRAY(Text))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    review_on: Mapped[date | None]
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]
    lifted_on: Mapped[date | None]
    lifted_by: Mapped[str | None] = mapped_column(Text)
    lift_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

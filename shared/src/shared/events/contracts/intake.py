"""Contracts intake-api publishes. No personal data beyond ids."""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events.envelope import EventPayload
from shared.events.registry import contract
from shared.schemas import IsoDate, IsoDateTime


@contract
class CaseCreatedV1(EventPayload):
    """intake.case.created v1: a request recorded at intake (requirements §E.1 CaseCreated).

    Parties are added after creation and announced separately; this carries ids and facts only.
    """

    TYPE: ClassVar[str] = "intake.case.created"
    VERSION: ClassVar[int] = 1

    reference: str
    status: str = Field(description="received, or intake when the previous-contact check ran")
    case_type: str = Field(description="enquiry or complaint")
    channel: str
    jurisdiction: str | None = Field(description="health or parliamentary, if known yet")
    received_date: IsoDate
    previous_contact_check_id: uuid.UUID | None = None


@contract
class CaseReferredV1(EventPayload):
    """intake.case.referred v1: a case passed from intake to assessment (¶1.22–1.23, ¶2.182)."""

    TYPE: ClassVar[str] = "intake.case.referred"
    VERSION: ClassVar[int] = 1

    reference: str
    case_type: str = Field(description="enquiry or complaint")
    jurisdiction: str = Field(description="health or parliamentary")
    route: str = Field(description="ect_triage or awaiting_allocation")
    triage_category: str
    priority: str = Field(description="standard or high")
    organisation_ids: list[uuid.UUID] = Field(default_factory=list)
    received_date: IsoDate
    # Added within v1 (additive, DESIGN §2): an event without it is read as not ticked.
    risk_assessment_required: bool = Field(
        default=False,
        description="The intake caseworker's 'risk assessment required' tick (CMP-105, "
        "XC-RSK-002, ¶10.14)",
    )
    mp_referred: bool = Field(
        default=False,
        description="Referred by an MP: allocation leaves a contact-MP task (ASM-104)",
    )


@contract
class CaseClosedV1(EventPayload):
    """intake.case.closed v1: a case closed at intake with its closure code."""

    TYPE: ClassVar[str] = "intake.case.closed"
    VERSION: ClassVar[int] = 1

    reference: str
    closure_code: str


@contract
class CaseRestartedV1(EventPayload):
    """intake.case.restarted v1: a closed case restarted (¶1.26, ¶2.61–2.64)."""

    TYPE: ClassVar[str] = "intake.case.restarted"
    VERSION: ClassVar[int] = 1

    reference: str
    previous_closure_code: str


@contract
class PartyDetailsCorrectedV1(EventPayload):
    """intake.party.details_corrected v1: a party's own details were corrected after the case was
    passed on (requirements §E.1 PartyDetailsCorrected, ¶1.63). It names the fields, never their
    values: the owning service reads the fresh contact card from intake when it needs it.
    """

    TYPE: ClassVar[str] = "intake.party.details_corrected"
    VERSION: ClassVar[int] = 1

    reference: str
    person_id: uuid.UUID
    roles: list[str] = Field(description="The person's roles on this case")
    fields: list[str] = Field(description="The names of the corrected fields")


class LegalTermAt(BaseModel):
    """Where a term was found: the scanned field, and the span in it (no text is carried)."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(description="summary, notes or documents[i].title")
    term: str = Field(description="A D.26 term key, e.g. judicial_review, claim")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    broad: bool = Field(description="A term ordinary complaints use too (claim, damages, …)")


@contract
class LegalTermsFoundV1(EventPayload):
    """intake.correspondence.legal_terms_found v1: an inbound communication, a call or a contact
    note recorded at intake has legal-action wording (XC-RSK-004, CMP-025; §D.26). The Legal
    Team referral is due within 24 hours of ``received_at`` (C-23).

    Term keys and positions only: no letter text, no personal data.
    """

    TYPE: ClassVar[str] = "intake.correspondence.legal_terms_found"
    VERSION: ClassVar[int] = 1

    reference: str
    communication_id: uuid.UUID = Field(description="The communication or contact attempt")
    communication_type: str = Field(description="communication or contact_attempt")
    medium: str = Field(description="letter, email, telephone, … (a contact attempt's channel)")
    direction: str = Field(description="inbound or outbound")
    received_at: IsoDateTime = Field(description="When it was received: the C-23 clock's start")
    terms: list[str] = Field(min_length=1, description="The distinct D.26 terms found")
    matches: list[LegalTermAt] = Field(min_length=1)
    scanner: str = Field(description="The scanner's version, e.g. D.26/1")

"""Bodies of contacts with the parties: the previous-contact check, contact attempts,
communications, and the extra help given with them (INT-001, INT-005/006, INT-031, INT-048…054)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from intake_api.cases.models import SupportKind
from intake_api.cases.schemas import Input, Reason, example
from shared.casework.communications import ContactOutcome, LegalScanRead
from shared.schemas import IsoDateTime, StrictBool, given, when


class PreviousContactCheckCreate(Input):
    """INT-001: search for the person's earlier cases and earlier cases about the organisations."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                given("person_id"),
                {
                    "required": ["organisation_ids"],
                    "properties": {"organisation_ids": {"minItems": 1}},
                },
            ],
            "examples": [
                {
                    "person_id": "8a3b7f8e-2f0c-4f4e-9c1e-5d6a7b8c9d0e",
                    "organisation_ids": ["5eed0000-0000-4000-8000-000000000001"],
                }
            ],
        },
    )

    person_id: uuid.UUID | None = None
    organisation_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _something(self) -> PreviousContactCheckCreate:
        if self.person_id is None and not self.organisation_ids:
            raise ValueError("Give a person_id, organisation_ids or both")
        return self


class PreviousContactCheckRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID | None
    organisation_ids: list[uuid.UUID]
    done_by: str
    matches: list[dict[str, Any]]
    created_at: datetime


class ContactAttemptCreate(Input):
    model_config = example(
        {
            "person_id": "8a3b7f8e-2f0c-4f4e-9c1e-5d6a7b8c9d0e",
            "channel": "telephone",
            "attempted_at": "2026-11-02T10:15:00+00:00",
            "outcome": "no_answer",
        }
    )

    person_id: uuid.UUID
    channel: Literal["telephone", "email", "letter", "text_relay", "in_person", "other"]
    direction: Literal["outbound", "inbound"] = "outbound"
    attempted_at: IsoDateTime
    outcome: ContactOutcome
    expectations_explained: StrictBool = False
    adjustments_discussed: StrictBool = False
    channel_override_reason: str | None = Field(default=None, max_length=2000)
    notes: str | None = Field(default=None, max_length=20_000)


class ContactAttemptRead(ContactAttemptCreate):
    # Not the create's example: a read has its id and who recorded it.
    model_config = ConfigDict(from_attributes=True, extra="ignore", json_schema_extra=None)

    id: uuid.UUID
    recorded_by: str
    legal_scan: LegalScanRead | None = Field(
        description="The notes' scan for legal-action wording (XC-RSK-004); null without notes"
    )


class Recipient(Input):
    person_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    is_copy: StrictBool = False


Purpose = Literal[
    "acknowledgement",
    "decision",
    "information_request",
    "further_information_request",
    "party_contact",
    "callback_request",
    "call",
    "written_response_request",
    "other",
]


class DocumentRef(Input):
    """A case document a communication encloses or shares (INT-053/054)."""

    title: str = Field(min_length=1, max_length=300)
    document_id: uuid.UUID | None = None
    sensitive: StrictBool = Field(
        default=False,
        description="Personal or sensitive information, e.g. medical history (¶1.66)",
    )


class RiskDisclosure(Input):
    """XC-DP-012: a deliberate, reasoned override of the consent rules where there is a risk
    to others (¶1.66, ¶10.50), under the disclosure policy."""

    reason: str = Field(min_length=10, max_length=5_000)
    policy_reference: str | None = Field(default=None, max_length=200)


class CommunicationCreate(Input):
    """A letter, email or call. A call that discloses case information names its ``call_ref``
    and needs the caller's identity verified on that call first (INT-051/052)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            **when(
                "discloses_case_information",
                True,
                {
                    "required": ["medium", "call_ref", "from_person_id"],
                    "properties": {
                        "medium": {"const": "telephone"},
                        "call_ref": {"type": "string", "minLength": 1},
                        "from_person_id": {"not": {"type": "null"}},
                    },
                },
            ),
            "examples": [
                {
                    "medium": "letter",
                    "direction": "outbound",
                    "purpose": "acknowledgement",
                    "occurred_at": "2026-11-02T11:00:00+00:00",
                    "recipients": [{"person_id": "8a3b7f8e-2f0c-4f4e-9c1e-5d6a7b8c9d0e"}],
                }
            ],
        },
    )

    medium: Literal["letter", "email", "telephone"]
    direction: Literal["inbound", "outbound"]
    purpose: Purpose
    occurred_at: IsoDateTime
    from_person_id: uuid.UUID | None = None
    recipients: list[Recipient] = Field(default_factory=list, max_length=50)
    summary: str | None = Field(default=None, max_length=20_000)
    acknowledges_id: uuid.UUID | None = None
    discloses_case_information: StrictBool = False
    call_ref: str | None = Field(default=None, max_length=200)
    documents: list[DocumentRef] = Field(
        default_factory=list,
        max_length=50,
        description=(
            "Case documents enclosed or shared. To anyone but the complainant or aggrieved "
            "person they need the complainant's authority (INT-053); sensitive ones need their "
            "consent to share sensitive information, or a risk_disclosure (INT-054)."
        ),
    )
    risk_disclosure: RiskDisclosure | None = None

    @model_validator(mode="after")
    def _disclosure_names_the_call(self) -> CommunicationCreate:
        if self.discloses_case_information and not (
            self.medium == "telephone" and self.call_ref and self.from_person_id
        ):
            raise ValueError(
                "INT-051: a disclosure on a call is a telephone communication naming the call "
                "(call_ref) and the caller (from_person_id)"
            )
        return self


class CommunicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    medium: str
    direction: str
    purpose: str
    occurred_at: AwareDatetime
    from_person_id: uuid.UUID | None
    recipients: list[dict[str, Any]]
    summary: str | None
    headers: list[str]
    paragraphs: list[str] = Field(
        description="Standard paragraphs the letter carries (ASM-025: a new MP's first letter)"
    )
    documents: list[dict[str, Any]]
    risk_disclosure: dict[str, Any] | None
    acknowledges_id: uuid.UUID | None
    recorded_by: str
    legal_scan: LegalScanRead | None = Field(
        description="The scan for legal-action wording (XC-RSK-004) of an inbound communication "
        "or a call: terms found start a Legal Team referral due within 24 hours (C-23); null on "
        "our own letters and emails"
    )


class SupportCreate(Input):
    """INT-031 (¶1.40–1.41): extra help given, with the communication that carried it.

    - ``forwarded_to_organisation``: an outbound communication to an organisation.
    - ``advocacy_details``: the note names the advocacy service.
    - ``mp_referral_assistance``: the referral to the MP is in writing (a letter or email to an
      MP), unless the case is under the Victims and Prisoners Act.
    - ``complaint_form_completed_for_complainant``: the form sent to the complainant to sign;
      the case cannot be properly made until the signed form comes back (ASM-010).
    """

    model_config = example(
        {
            "kind": "complaint_form_completed_for_complainant",
            "note": "Completed the form from the call; sent for signature",
            "communication_id": "0d9b2f4a-3c1e-4b5a-8f7e-6d5c4b3a2f10",
        }
    )

    kind: SupportKind
    note: str = Field(min_length=3, max_length=5_000)
    communication_id: uuid.UUID | None = None


class SupportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: SupportKind
    note: str
    communication_id: uuid.UUID | None
    provided_at: datetime
    provided_by: str
    signed_form_returned_at: datetime | None
    signed_form_communication_id: uuid.UUID | None
    signed_form_recorded_by: str | None


class SignedFormReturned(Input):
    """The signed complaint form is back: the inbound letter or email that brought it."""

    model_config = example(
        {
            "communication_id": "0d9b2f4a-3c1e-4b5a-8f7e-6d5c4b3a2f10",
            "reason": "Signed form came back by post",
        }
    )

    communication_id: uuid.UUID
    reason: str = Reason

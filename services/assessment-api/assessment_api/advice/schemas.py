"""API models of advice at assessment. Input models forbid extra fields. Adviser identity and
the content of legal advice are shown only to those who work the case (see ``dependencies``):
a redacted read carries neither."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from assessment_api.advice.rules import (
    AdviceStatus,
    AdviceType,
    ClinicalFormat,
    OmOutcome,
    RejectionReason,
    StandardKind,
    StandardOutcome,
    StandardSource,
)
from shared.casework.communications import DocumentRef
from shared.pagination import Page
from shared.schemas import IsoDate, LongText, Reason, ShortText

MAX_DOCUMENTS = 20
MAX_STEPS = 30


class AdviceRequestCreate(BaseModel):
    """A request for advice (ASM-143; a follow-up ASM-144; legal to the Legal Team ASM-151; EDI
    in the specialist advice section ASM-152; manager or peer advice recorded, ¶3.58)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "advice_type": "clinical",
                    "format": "documented_discussion",
                    "discipline": "orthopaedics",
                    "questions": "Was a two-week wait for the referral in line with the pathway?",
                    "due_date": "2026-11-20",
                    "adviser_id": "clin-adv-7",
                }
            ]
        },
    )

    advice_type: AdviceType
    format: ClinicalFormat | None = Field(default=None, description="Clinical only (¶3.14)")
    discipline: ShortText | None = None
    questions: LongText | None = None
    due_date: IsoDate | None = None
    depends_on_request_id: uuid.UUID | None = Field(
        default=None, description="Sequential impact advice after this request (¶3.16)"
    )
    follow_up_of: uuid.UUID | None = Field(
        default=None, description="Follow-up questions on advice received (¶3.19)"
    )
    adviser_id: ShortText | None = Field(
        default=None,
        description="Internal only, never disclosed (ASM-145); a follow-up defaults to the "
        "original adviser",
    )
    adviser_change_reason: Reason | None = Field(
        default=None, description="Why a follow-up goes to another adviser (¶3.19)"
    )


class AdviceReceivedCreate(BaseModel):
    """The advice received and how it was used (ASM-144)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "received_on": "2026-11-02",
                    "advice": "The referral should have been made within two weeks.",
                    "how_used": "It confirms the indication of service failure we record.",
                }
            ]
        },
    )

    received_on: IsoDate
    advice: LongText | None = None
    documents: list[DocumentRef] = Field(default_factory=list, max_length=MAX_DOCUMENTS)
    how_used: LongText | None = Field(
        default=None, description="How the advice informed our view (¶3.17)"
    )
    quality_concern: LongText | None = Field(default=None, description="¶3.20")
    quality_concern_raised_with: ShortText | None = Field(
        default=None, description="The lead clinician it was discussed with (¶3.20)"
    )


class AdviceWithdrawCreate(BaseModel):
    """The request is no longer needed."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "The trust conceded."}]}
    )

    reason: Reason


class AdviceRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    advice_type: AdviceType
    format: ClinicalFormat | None = Field(validation_alias="clinical_format")
    discipline: str | None
    questions: str | None
    due_date: date | None
    depends_on_request_id: uuid.UUID | None
    follow_up_of: uuid.UUID | None
    adviser_id: str | None = Field(description="Internal only; null when redacted (ASM-145)")
    adviser_change_reason: str | None
    requested_by: str
    requested_at: datetime
    status: AdviceStatus
    advice: str | None
    documents: list[DocumentRef]
    received_on: date | None
    how_used: str | None
    quality_concern: str | None
    quality_concern_raised_with: str | None
    withdrawn_reason: str | None
    version: int
    privileged: bool = Field(
        default=False, description="Legal advice: never disclosed (ASM-151, XC-DP-005)"
    )
    specialist_advice: bool = Field(
        default=False, description="In the specialist advice section (EDI and other, ¶3.58)"
    )
    redacted: bool = Field(
        default=False, description="Content or adviser withheld from this reader"
    )


class AdviceRequestPage(Page[AdviceRequestRead]):
    pass


class AdviserNameRequestCreate(BaseModel):
    """ASM-145 (¶3.21): a request for a clinical adviser's name, referred to the Information
    Access and Assurance Team (and a lead clinician told when it is to report the adviser to a
    regulator)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "received_on": "2026-11-02",
                    "for_regulator": True,
                    "referred_to_iaa_on": "2026-11-02",
                    "lead_clinician_told_on": "2026-11-02",
                }
            ]
        },
    )

    advice_request_id: uuid.UUID | None = None
    received_on: IsoDate
    for_regulator: StrictBool = False
    referred_to_iaa_on: IsoDate
    lead_clinician_told_on: IsoDate | None = None
    note: LongText | None = None


class AdviserNameRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    advice_request_id: uuid.UUID | None
    received_on: date
    for_regulator: bool
    referred_to_iaa_on: date
    lead_clinician_told_on: date | None
    note: str | None
    recorded_by: str
    recorded_at: datetime


class ClinicalAdviceDecisionCreate(BaseModel):
    """ASM-142 (¶3.12–3.13): whether a view on a clinical decision is needed and, without clinical
    advice, the OM's discussion (or accreditation) and the reasoning."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "clinical_decision_involved": True,
                    "om_id": "om-1",
                    "om_discussed_on": "2026-11-02",
                    "om_outcome": "agreed_not_required",
                    "rationale": "The complaint is about the delay in sending a letter, which "
                    "the trust's records show; no clinical judgement is in question.",
                }
            ]
        },
    )

    clinical_decision_involved: StrictBool
    om_id: ShortText | None = None
    om_discussed_on: IsoDate | None = None
    om_outcome: OmOutcome | None = None
    lead_clinician_consulted_on: IsoDate | None = None
    accredited: StrictBool = Field(
        default=False, description="Delegated authority under the Accreditation Scheme"
    )
    rationale: LongText | None = None


class ClinicalAdviceDecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    clinical_decision_involved: bool
    om_id: str | None
    om_discussed_on: date | None
    om_outcome: OmOutcome | None
    lead_clinician_consulted_on: date | None
    accredited: bool
    rationale: str | None
    recorded_by: str
    recorded_at: datetime


class ClinicalStandardCreate(BaseModel):
    """ASM-146…148, ASM-150: the clinical standard applied, or that none applies."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "outcome": "standard_applied",
                    "source": "adviser_selected",
                    "kind": "NICE guidance",
                    "name": "NICE NG226 (2022)",
                    "in_force_at_event_date": True,
                    "rationale": "In force in March 2026 and written for this condition.",
                    "organisation_standard": "Trust referral protocol v1 (2015)",
                    "rejection_reason": "not in use at the time",
                    "rejection_explanation": "Replaced by version 3 in 2021.",
                }
            ]
        },
    )

    outcome: StandardOutcome
    advice_request_id: uuid.UUID | None = None
    source: StandardSource | None = None
    kind: StandardKind | None = None
    name: ShortText | None = None
    in_force_at_event_date: StrictBool | None = None
    rationale: LongText
    evidence_weighting: LongText | None = Field(
        default=None, description="Why some evidence weighed more than other (¶3.36)"
    )
    organisation_standard: ShortText | None = Field(
        default=None, description="The standard the organisation said it used (¶3.38)"
    )
    appropriateness_checked: StrictBool = False
    rejection_reason: RejectionReason | None = None
    rejection_explanation: LongText | None = None
    organisation_told_on: IsoDate | None = Field(
        default=None, description="Told we are not using its standard (¶3.41)"
    )
    organisation_missed_deadline: StrictBool = Field(
        default=False, description="No standard by our deadline: we do not wait (¶3.43)"
    )
    conflicting_standard: ShortText | None = None
    conflict_explanation: LongText | None = None
    adviser_stated_clearly: StrictBool = False
    search_steps: list[LongText] = Field(default_factory=list, max_length=MAX_STEPS)
    om_id: ShortText | None = None
    om_confirmed_on: IsoDate | None = None
    om_unsure: StrictBool = False
    lead_clinician_consulted_on: IsoDate | None = None
    accredited: StrictBool = False


class ClinicalStandardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    advice_request_id: uuid.UUID | None
    outcome: StandardOutcome
    source: StandardSource | None
    kind: StandardKind | None
    name: str | None
    in_force_at_event_date: bool | None
    rationale: str
    evidence_weighting: str | None
    organisation_standard: str | None
    appropriateness_checked: bool
    rejection_reason: RejectionReason | None
    rejection_explanation: str | None
    organisation_told_on: date | None
    organisation_missed_deadline: bool
    conflicting_standard: str | None
    conflict_explanation: str | None
    adviser_stated_clearly: bool
    search_steps: list[str]
    om_id: str | None
    om_confirmed_on: date | None
    om_unsure: bool
    lead_clinician_consulted_on: date | None
    accredited: bool
    recorded_by: str
    recorded_at: datetime


class AdviceGapRead(BaseModel):
    requirement: str
    detail: str


class AdviceOverviewRead(BaseModel):
    """The case's advice records and what advice still lacks before a decision."""

    case_id: uuid.UUID
    clinical_decision: ClinicalAdviceDecisionRead | None
    standards: list[ClinicalStandardRead]
    name_requests: list[AdviserNameRequestRead]
    before_decline: list[AdviceGapRead]
    before_proposal: list[AdviceGapRead]
    legal_advice_paragraph: str = Field(
        description="What may be sent about legal advice: the ¶3.57 paragraph, never the advice"
    )

"""API schemas of the high-risk path (B.6): the manager's agreement and the AD's review
(CMP-113), the oversight request and assignment (CMP-127/128), the rating lock (CMP-115),
meetings and decisions (CMP-129/130), monthly updates (CMP-131); the risk tasks, information
breach reports (CMP-123) and the work queues. Examples use fake data only."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from compliance_api.risk.models import RecordKind, TaskKind
from compliance_api.risk.rules import MitigationOutcome, OversightRole, Rating
from compliance_api.risk.state import EscalationState
from shared.pagination import Page
from shared.schemas import IsoDate, LongText, Reason, ShortText, StrictBool, given, when

READ_CONSIDERED_APPROVED = "read, considered and approved"


class ManagerDecision(BaseModel):
    """CMP-113 (¶10.32): the manager, having discussed the case, agrees it is high risk or not."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"agree": True, "reason": "Discussed at supervision"}]},
    )

    agree: StrictBool
    reason: Reason | None = None


class MitigationPlanCreate(BaseModel):
    """CMP-113 (¶10.32): the mitigation plan, sent to an Assistant Director for review."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "plan": "Legal Team reviews every letter; the manager joins each call",
                    "outcome": "reduce",
                    "sent_to": "ad-casework-1",
                }
            ]
        },
    )

    plan: LongText
    outcome: MitigationOutcome
    sent_to: ShortText = Field(description="The Assistant Director's staff id")


class ReviewDecision(BaseModel):
    """The AD's review of the mitigation plan: reviewed, or returned to be completed again."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"approve": True, "reason": "Plan is proportionate"}]},
    )

    approve: StrictBool
    reason: Reason | None = None


class OversightRequestCreate(BaseModel):
    """CMP-127 (¶10.63, ¶10.66): still high after mitigation, the caseworker asks for oversight,
    submitting the template to the AD – Casework for Senior Caseworkers for the assurance
    meeting."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "template_document_id": "5f0c2d7e-9b1a-4c3e-8f6d-2a1b0c9d8e7f",
                    "submitted_to": "ad-casework-1",
                    "meeting_on": "2026-11-09",
                }
            ]
        },
    )

    template_document_id: uuid.UUID = Field(description="The completed template (¶10.66)")
    submitted_to: ShortText = Field(
        description="The AD – Casework for Senior Caseworkers' staff id"
    )
    meeting_on: IsoDate = Field(description="The assurance meeting it goes to (today or later)")


class OversightAssignmentCreate(BaseModel):
    """CMP-127/128: the assurance meeting assigns the case to the Ombudsman or a deputy."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "holder": "deputy-1",
                    "role": "deputy_ombudsman",
                    "legal_advice_key": False,
                    "meeting_on": "2026-11-02",
                    "next_meeting_on": "2026-12-07",
                }
            ]
        },
    )

    holder: ShortText = Field(description="The Ombudsman's or deputy's staff id")
    role: OversightRole
    legal_advice_key: StrictBool = Field(
        description="CMP-128 (¶10.67): legal advice is a key factor in the case decision"
    )
    meeting_on: IsoDate = Field(
        description="The assurance meeting that assigned it (not later than today)"
    )
    next_meeting_on: IsoDate | None = Field(
        default=None,
        description="The next assurance meeting (after today); a month after meeting_on if "
        "omitted (C-35)",
    )


class RatingChangeRequestCreate(BaseModel):
    """CMP-115 (¶10.34): ask the oversight holder to agree a new rating."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"rating": "medium", "explanation": "The legal claim was withdrawn"}]
        },
    )

    rating: Rating
    explanation: Reason


class HolderDecision(BaseModel):
    """The oversight holder's decision (CMP-115, CMP-130 ¶10.71): an approval shows the holder
    read, considered and approved the content; the evidence may be a saved email trail."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "approve": True,
                    "read_considered_approved": True,
                    "evidence": "Email of 2 November 2026 saved to the case",
                }
            ],
            "allOf": [
                when(
                    "approve",
                    True,
                    {
                        "required": ["read_considered_approved"],
                        "properties": {"read_considered_approved": {"const": True}},
                    },
                )
            ],
        },
    )

    approve: StrictBool
    read_considered_approved: StrictBool = Field(
        default=False, description=f"CMP-130: the holder {READ_CONSIDERED_APPROVED} the content"
    )
    evidence: LongText | None = Field(
        default=None, description="Where the approval is evidenced (e.g. a saved email trail)"
    )
    reason: Reason | None = None

    @model_validator(mode="after")
    def _rules(self) -> HolderDecision:
        if self.approve and not self.read_considered_approved:
            raise ValueError(f"CMP-130: an approval states the holder {READ_CONSIDERED_APPROVED}")
        return self


class OversightRecordCreate(BaseModel):
    """CMP-129 (¶10.69): a meeting with the oversight holder, the caseworker accompanied by
    their manager or AD, with the notes; or CMP-130 (¶10.70): the holder's casework decision
    recorded on the cover note to the briefing paper."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "meeting",
                    "held_on": "2026-11-02",
                    "accompanied_by": "om-risk-1",
                    "notes": "Planning meeting: scope of the investigation agreed",
                },
                {
                    "kind": "decision",
                    "held_on": "2026-11-02",
                    "notes": "Briefing paper considered",
                    "decision": "Decline to investigate",
                    "cover_note_document_id": "5f0c2d7e-9b1a-4c3e-8f6d-2a1b0c9d8e7f",
                },
            ],
            "allOf": [
                when(
                    "kind",
                    RecordKind.meeting.value,
                    given("accompanied_by"),
                    given("decision", "cover_note_document_id"),
                )
            ],
        },
    )

    kind: RecordKind
    held_on: IsoDate = Field(description="The meeting's or decision's date (not after today)")
    accompanied_by: ShortText | None = Field(
        default=None, description="CMP-129: the manager or AD who attended (meetings)"
    )
    notes: LongText
    decision: LongText | None = Field(default=None, description="CMP-130: the decision made")
    cover_note_document_id: uuid.UUID | None = Field(
        default=None, description="CMP-130: the cover note to the briefing paper"
    )

    @model_validator(mode="after")
    def _rules(self) -> OversightRecordCreate:
        if self.kind is RecordKind.meeting and self.accompanied_by is None:
            raise ValueError("CMP-129: a meeting names the manager or AD who attended")
        if self.kind is RecordKind.decision and (
            self.decision is None or self.cover_note_document_id is None
        ):
            raise ValueError("CMP-130: a decision is recorded on the cover note")
        return self


class UpdateCreate(BaseModel):
    """CMP-131 (¶10.72): the monthly update sent ahead of the assurance meeting."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"summary": "Organisation replied; legal review under way"}]
        },
    )

    summary: LongText
    next_meeting_on: IsoDate | None = Field(
        default=None, description="The meeting after this one, if not a month on"
    )


class UpdatesEndReason(StrEnum):
    decision_maker_agreed = "decision_maker_agreed"  # the senior decision maker agreed
    work_complete = "work_complete"  # the work on the case is complete: oversight ends too


class UpdatesEnd(BaseModel):
    """CMP-131: updates end when the senior decision maker agrees or the work is complete."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "work_complete", "note": "Final report issued"}]
        },
    )

    reason: UpdatesEndReason
    note: Reason


class TaskCompletion(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"note": "Referred to the Review and Feedback Team"}]},
    )

    note: Reason


class BreachReportCreate(BaseModel):
    """CMP-123 / XC-DP-010 (¶10.53): the breach recorded as a Financial risk, reported to the
    Information Security Manager."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "entry_id": "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6",
                    "reported_to": "ism-1",
                    "reference": "ISM-2026-017",
                }
            ]
        },
    )

    entry_id: uuid.UUID = Field(description="The Financial risk recording the breach")
    reported_to: ShortText = Field(description="The Information Security Manager's staff id")
    reference: ShortText | None = None


# --- reads --------------------------------------------------------------------------------------


class ApprovalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    requested_by: str
    requested_at: datetime
    request_reason: str | None
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


class RatingChangeRequestRead(ApprovalRead):
    rating: Rating
    used: bool = Field(description="Already taken by the rating change it agreed")


class OversightRecordRead(BaseModel):
    id: uuid.UUID
    kind: RecordKind
    held_on: date
    accompanied_by: str | None
    accompanied_by_grade: str | None
    notes: str
    decision: str | None
    cover_note_document_id: uuid.UUID | None
    recorded_by: str
    recorded_at: datetime
    approval: ApprovalRead
    approval_evidence: str | None
    approved_by_holder: bool = Field(
        description=f"CMP-130: the oversight holder {READ_CONSIDERED_APPROVED} it; only then "
        "does it count as the holder's approval"
    )


class OversightUpdateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    meeting_on: date | None
    late: bool
    summary: str
    sent_by: str
    sent_at: datetime


class EscalationRead(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    assessment_id: uuid.UUID
    state: EscalationState
    opened_at: datetime
    opened_by: str
    task_id: uuid.UUID
    agreement: ApprovalRead = Field(description="CMP-113: the manager's agreement")
    plan: str | None
    plan_outcome: MitigationOutcome | None
    plan_sent_to: str | None
    ad_review_requested_at: datetime | None
    plan_review: ApprovalRead | None
    template_document_id: uuid.UUID | None
    responsible_ad: str | None = Field(
        description="CMP-127 (¶10.65): the AD – Casework for Senior Caseworkers"
    )
    request_meeting_on: date | None
    requested_by: str | None
    requested_at: datetime | None
    holder: str | None
    holder_role: OversightRole | None
    legal_advice_key: bool | None
    assigned_meeting_on: date | None
    assigned_by: str | None
    assigned_at: datetime | None
    rating_locked: bool = Field(description="CMP-115: under oversight")
    next_update_due: date | None = Field(description="CMP-131: the open update's due date")
    next_meeting_on: date | None
    update_missing: bool = Field(description="CMP-131: the update for the meeting was not sent")
    updates_ended_at: datetime | None
    updates_end_reason: str | None
    closed_at: datetime | None
    closed_reason: str | None
    rating_change_requests: list[RatingChangeRequestRead]
    records: list[OversightRecordRead]
    updates: list[OversightUpdateRead]
    version: int


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: TaskKind
    rule: str
    assessment_id: uuid.UUID
    entry_id: uuid.UUID | None
    escalation_id: uuid.UUID | None
    created_by: str
    created_at: datetime
    done_at: datetime | None
    done_by: str | None
    done_note: str | None


class BreachReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    entry_id: uuid.UUID
    reported_to: str
    reference: str | None
    reported_by: str
    reported_at: datetime


class UndecidedHighRiskItem(BaseModel):
    escalation_id: uuid.UUID
    case_id: uuid.UUID
    assessment_id: uuid.UUID
    opened_at: datetime
    opened_by: str
    days_waiting: int = Field(description="Calendar days since the case was rated high")
    explanation: str = Field(description="Why the case is on this queue")


class UndecidedHighRiskPage(Page[UndecidedHighRiskItem]):
    pass


class UpdateDueItem(BaseModel):
    escalation_id: uuid.UUID
    case_id: uuid.UUID
    deadline_id: uuid.UUID
    holder: str | None
    meeting_on: date
    due_date: date
    missing: bool = Field(description="CMP-131: the meeting came without the update")
    explanation: str = Field(description="Why the case is on this queue")


class UpdateDuePage(Page[UpdateDueItem]):
    pass

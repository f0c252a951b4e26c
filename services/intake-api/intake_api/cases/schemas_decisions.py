"""Bodies of the decisions at intake: information requests and their deadline (INT-016),
joint working (INT-038…042), priority (INT-025), properly made (ASM-014), triage (INT-023/024),
the hand-off (T13–T16), closure (D.1/D.3) and who receives the decision (ASM-023/024/027)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake_api.cases.models import (
    DecisionChannel,
    Jurisdiction,
    PartyRole,
    Route,
    SignpostingType,
    TriageCategory,
)
from intake_api.cases.schemas import Input, Reason, example
from intake_api.reference.signposting import NoMpSituation
from shared.schemas import IsoDate, StrictBool


class CaseReferral(Input):
    """Pass the case to assessment (T13–T16). Routing may be given here or before; the triage
    category comes from the triage questionnaire (POST /v1/cases/{id}/triage, INT-024)."""

    model_config = example(
        {
            "route": "awaiting_allocation",
            "routing_rationale": "Needs the clinical specialism team",
            "jurisdiction": "health",
            "reason": "Checklist complete; ready for allocation",
        }
    )

    route: Route | None = None
    routing_rationale: str | None = Field(default=None, max_length=5000)
    jurisdiction: Jurisdiction | None = None
    reason: str = Reason


class InformationRequest(Input):
    """T4 (INT-016): ask by email for what is missing, with a deadline usually under a week."""

    model_config = example(
        {
            "communication_id": "0d9b2f4a-3c1e-4b5a-8f7e-6d5c4b3a2f10",
            "deadline": "2026-11-06",
            "reason": "The organisation's final response is missing",
        }
    )

    communication_id: uuid.UUID = Field(description="The outbound email asking for it")
    deadline: IsoDate
    reason: str = Reason


class InformationReceived(Input):
    """T5: the information arrived (before or after the deadline, while not yet closed)."""

    model_config = example({"reason": "Final response received by email"})

    reason: str = Reason


class ExtensionCreate(Input):
    model_config = example(
        {
            "new_due_date": "2026-11-13",
            "reason": "Asked for more time because of a hospital stay",
            "is_reasonable_adjustment": True,
        }
    )

    new_due_date: IsoDate
    reason: str = Reason
    is_reasonable_adjustment: StrictBool = False


class ExtensionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    new_due_date: date


class JointWorkingReferral(Input):
    """T11: refer a joint working case to the joint working team (INT-038/039/042)."""

    model_config = example({"reason": "Continuing care with a local authority element"})

    reason: str = Reason


class JointWorkingDecision(Input):
    """T12: the joint working team accepts (case routed to it) or declines (back to intake)."""

    model_config = example({"accepted": True, "reason": "The JW team will take the case"})

    accepted: StrictBool
    reason: str = Reason


class PriorityRequest(Input):
    """INT-025: ask for special handling (e.g. terminal illness), after discussing it."""

    model_config = example({"reason": "Terminal illness; discussed with my manager"})

    reason: str = Reason


class PriorityApproval(Input):
    model_config = example({"approve": True, "reason": "Agreed: terminal illness"})

    approve: StrictBool
    reason: str = Reason


class CaseApprovalRead(BaseModel):
    """An act approved under the delegation scheme (XC-ROL): who asked, who decided, and how."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    level: str
    rule: str
    requested_by: str
    requested_at: AwareDatetime
    request_reason: str | None
    evidence: dict[str, Any]
    decision: str | None = Field(
        description="approved, refused or superseded; null while undecided"
    )
    decided_by: str | None
    decided_by_roles: list[str] | None
    decided_at: AwareDatetime | None
    decision_reason: str | None


class ProperlyMadeDecision(Input):
    """ASM-014: the intake caseworker's decision; the system refuses one the rules contradict."""

    model_config = example({"properly_made": True, "reason": "Made in writing on the online form"})

    properly_made: StrictBool
    reason: str = Reason


TriageAnswer = Literal["yes", "no", "insufficient_information"]


class TriageSubmission(Input):
    """INT-023/024 (¶1.35–1.38): answers to the casework categorisation questions of one
    question set (GET /v1/reference/triage-questionnaire); the category is derived from them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "version": "ccc-2026.1",
                    "answers": {
                        "enough_information": "yes",
                        "complex_and_significant": "no",
                        "senior_caseworker": "yes",
                        "general": "no",
                    },
                    "reason": "Two organisations and a long history; senior caseworker",
                },
                {
                    "version": "ccc-2026.1",
                    "answers": {"enough_information": "insufficient_information"},
                    "reason": "Too little to categorise yet (¶1.37)",
                },
            ]
        },
    )

    version: str = Field(min_length=1, max_length=50)
    answers: dict[Annotated[str, Field(min_length=1, max_length=100)], TriageAnswer] = Field(
        max_length=50
    )
    reason: str | None = Field(default=None, max_length=5000)


class TriageQuestionRead(BaseModel):
    id: str
    text: str
    category: TriageCategory | None = Field(
        description="The category a 'yes' puts the case in; null for the information question"
    )


class TriageQuestionnaireRead(BaseModel):
    """INT-024: the current casework categorisation question set (¶1.35–1.38)."""

    version: str = Field(examples=["ccc-2026.1"])
    questions: list[TriageQuestionRead]
    answers: list[str] = Field(examples=[["yes", "no", "insufficient_information"]])


class ClosureRequest(Input):
    """Close at intake with a closure code from requirements.md D.1/D.3, stored as written."""

    model_config = example(
        {
            "closure_code": "Premature: local resolution ongoing",
            "reasons": "The trust is still considering the complaint.",
            "decision_channel": "telephone",
            "time_limit_explained": True,
            "signposting_type": "organisation",
            "signposting_detail": "Back to the trust's complaints team",
        }
    )

    closure_code: str = Field(min_length=3, max_length=200)
    reasons: str = Reason
    decision_channel: DecisionChannel | None = None
    written_decision_requested: StrictBool = False
    enough_information_to_decide: StrictBool = False
    signposting_type: SignpostingType | None = None
    signposting_detail: str | None = Field(default=None, max_length=2000)
    time_limit_explained: StrictBool = False
    no_mp_situation: NoMpSituation | None = Field(
        default=None,
        description=(
            "'No MP referral' only: why the complainant has no MP to refer it (ASM-028). Without "
            "signposting given, the signposting is the ¶2.51–2.54 advice for the situation."
        ),
    )
    left_uk_on: IsoDate | None = Field(
        default=None, description="no_mp_situation 'former_uk_resident': when they left the UK"
    )


class DecisionRecipient(BaseModel):
    """Who the decision or report goes to, and why (INT-015/026, ASM-023/024/027)."""

    person_id: uuid.UUID
    role: PartyRole
    status: Literal["required", "seat_vacant"] = Field(
        description=(
            "'seat_vacant': the MP's seat is empty; a copy goes to the new MP once elected "
            "(ASM-024)"
        )
    )
    on_behalf_of_person_id: uuid.UUID | None = Field(
        description="For a successor MP: the MP record on the case they succeed (ASM-023)"
    )
    rule: str

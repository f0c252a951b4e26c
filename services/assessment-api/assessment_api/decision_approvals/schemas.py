"""API models of decision approvals. Input models forbid extra fields; the request states its
cross-field rules (a proposal names no reason; a decline its single reason, ASM-093) in its JSON
Schema too."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from assessment_api.cases.rules import (
    DECLINE_CODES,
    DISCRETION_CODES,
    LEGAL_BAR_CODES,
    OTHER_REASON_TO_DECLINE,
    Discretion,
    OtherReason,
    decline_problems,
)
from assessment_api.decision_approvals.rules import DecisionKind
from shared.schemas import Reason, absent, given

_CLOSURE_FIELDS = ("closure_code", "discretion", "other_reason")
_RULES: dict[str, Any] = {
    "allOf": [
        {
            "if": {
                "required": ["decision"],
                "properties": {"decision": {"enum": ["proposal", "resolution"]}},
            },
            "then": absent(*_CLOSURE_FIELDS),
            "else": given("closure_code"),
        },
        {
            "if": {
                "required": ["closure_code"],
                "properties": {"closure_code": {"enum": sorted(DISCRETION_CODES)}},
            },
            "then": given("discretion"),
        },
        {
            "if": {
                "required": ["closure_code"],
                "properties": {"closure_code": {"enum": sorted(LEGAL_BAR_CODES)}},
            },
            "then": absent("discretion"),
        },
        {
            "if": {
                "required": ["closure_code"],
                "properties": {"closure_code": {"const": OTHER_REASON_TO_DECLINE}},
            },
            "then": given("other_reason"),
            "else": absent("other_reason"),
        },
    ]
}


class DecisionApprovalCreate(BaseModel):
    """Ask for a decline, a proposal or a resolution (T33, a decision not to investigate,
    ASM-156) to be approved under the Delegation Scheme (ASM-172): the approval covers exactly
    this decision."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            **_RULES,
            "examples": [
                {
                    "decision": "decline",
                    "closure_code": "other reason to decline",
                    "discretion": "general",
                    "other_reason": "outcome not achievable",
                    "reason": "The trust has apologised and changed its procedure; the form "
                    "records the analysis.",
                },
                {"decision": "proposal", "reason": "Every gate test passed on the form."},
                {
                    "decision": "resolution",
                    "reason": "The trust agreed to pay the admitted loss; the components it "
                    "resolves are recorded.",
                },
            ],
        },
    )

    decision: DecisionKind
    closure_code: str | None = Field(
        default=None,
        json_schema_extra={"enum": [*sorted(DECLINE_CODES), None]},
        description="A decline's single reason, as a D.1 / D.3 closure code; none for a "
        "proposal or a resolution",
    )
    discretion: Discretion | None = Field(
        default=None, description="ASM-093: for a discretion code; none for a legal bar"
    )
    other_reason: OtherReason | None = Field(
        default=None, description="D.11: which other reason, for 'other reason to decline' only"
    )
    reason: Reason = Field(description="What the approver is asked to agree, and why")

    @model_validator(mode="after")
    def _single_reason(self) -> DecisionApprovalCreate:
        if self.decision is not DecisionKind.decline:
            if any(getattr(self, f) is not None for f in _CLOSURE_FIELDS):
                raise ValueError(
                    f"a {self.decision.value} names no closure code, discretion or other reason"
                )
            return self
        if self.closure_code is None:
            raise ValueError("a decline gives its closure code (ASM-093)")
        problems = decline_problems(self.closure_code, self.discretion, self.other_reason)
        if problems:
            raise ValueError(
                "ASM-093: not a single valid reason: " + ", ".join(p.value for p in problems)
            )
        return self


class DecisionApprovalDecide(BaseModel):
    """The approver's decision, with reasons (once; not the requester; at the level's role)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"approve": True, "reason": "Agreed: the analysis supports it."}]
        },
    )

    approve: StrictBool
    reason: Reason


class DecisionCovered(BaseModel):
    """The decision an approval covers."""

    decision: DecisionKind
    closure_code: str | None
    discretion: Discretion | None
    other_reason: OtherReason | None


class DecisionApprovalRead(BaseModel):
    """An approval of a decline or a proposal (ASM-172, XC-ROL-002)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "6f1c2a0e-3b7d-4d51-9a3e-1c2b3d4e5f60",
                    "case_id": "0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11",
                    "covers": {
                        "decision": "proposal",
                        "closure_code": None,
                        "discretion": None,
                        "other_reason": None,
                    },
                    "level": "senior_caseworker",
                    "approver_roles": ["operations_manager", "senior_caseworker"],
                    "rule": "ASM-172 ¶3.108: a proposal to investigate is agreed under the "
                    "Delegation Scheme and the Supervision Model",
                    "requested_by": "cw-1",
                    "requested_at": "2026-11-20T10:00:00Z",
                    "request_reason": "Every gate test passed on the form.",
                    "decision": "approved",
                    "decided_by": "scw-1",
                    "decided_at": "2026-11-20T11:00:00Z",
                    "decision_reason": "Agreed.",
                    "used_at": None,
                }
            ]
        }
    )

    id: uuid.UUID
    case_id: uuid.UUID
    covers: DecisionCovered
    level: str = Field(description="The Delegation Scheme level it is decided at")
    approver_roles: list[str] = Field(description="The roles that approve at that level")
    rule: str
    requested_by: str
    requested_at: datetime
    request_reason: str | None
    decision: str | None = Field(description="approved, refused, superseded, or none yet")
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    used_at: datetime | None = Field(description="When the decision it covers was made")

"""API models of the suitability assessment (ASM-109…113). The assessment is one structured
record, saved whole as a new version under ``If-Match``; closed lists are the enums of ``rules``
(requirements §D.6). Input models forbid extra fields. Persons are intake's person ids (DESIGN §1:
personal data stays at intake)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from assessment_api.suitability.rules import (
    AggrievedStatus,
    CapacityCheckMethod,
    CapacityFinding,
    Conclusion,
    ConsentMethod,
    Relationship,
    SuitabilityOutcome,
)
from shared.schemas import IsoDate, LongText, Reason

_FORBID = ConfigDict(extra="forbid")
EXAMPLE_AGGRIEVED = "6d1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a41"
EXAMPLE_REPRESENTATIVE = "6d1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a42"


class CapacityCheck(BaseModel):
    """ASM-110 (¶2.253): a check of the aggrieved's capacity, how and when, and what it found."""

    model_config = _FORBID

    methods: list[CapacityCheckMethod] = Field(min_length=1, max_length=len(CapacityCheckMethod))
    checked_on: IsoDate
    finding: CapacityFinding
    note: LongText | None = None


class CapacityRecord(BaseModel):
    """ASM-110 (¶2.252–2.254): capacity is presumed; a lack of it rests on evidence already
    submitted (no further check needed) or on a check."""

    model_config = _FORBID

    evidence_of_incapacity: LongText | None = Field(
        default=None,
        description="What already submitted shows the aggrieved lacks capacity (¶2.254)",
    )
    check: CapacityCheck | None = None


class ChildConsideration(BaseModel):
    """ASM-111 (¶2.255): could the child bring the complaint themselves? There is no set age:
    their age and maturity are considered together."""

    model_config = _FORBID

    age_years: int | None = Field(default=None, ge=0, le=17)
    maturity: LongText = Field(description="The child's maturity, as the caseworker found it")
    could_bring_it_themselves: StrictBool


class RepresentativeSuitability(BaseModel):
    """ASM-112 (¶2.256–2.260): the person acting for the aggrieved, the legal category they fall
    in, the three factors, and the outcome with reasons."""

    model_config = _FORBID

    person_id: uuid.UUID = Field(description="intake's person id of the representative")
    relationship: Relationship
    information_considered: LongText | None = Field(
        default=None, description="The information the person would see (¶2.249–2.250)"
    )
    conflict_of_interest: StrictBool | None = None
    aggrieved_would_object: StrictBool | None = Field(
        default=None,
        description="Evidence the aggrieved would not want them to see confidential information",
    )
    not_in_best_interests: StrictBool | None = Field(
        default=None,
        description="Any suggestion they are not acting in the aggrieved's best interests",
    )
    outcome: SuitabilityOutcome | None = None
    reasons: LongText | None = None


class AggrievedConsent(BaseModel):
    """ASM-113 (d) (¶2.264): the consent of an aggrieved with capacity to the representative
    acting; by telephone is acceptable."""

    model_config = _FORBID

    method: ConsentMethod
    given_on: IsoDate
    note: LongText | None = None


EXAMPLE: dict[str, Any] = {
    "complainant_is_aggrieved": False,
    "aggrieved_person_id": EXAMPLE_AGGRIEVED,
    "aggrieved_status": "deceased",
    "representative": {
        "person_id": EXAMPLE_REPRESENTATIVE,
        "relationship": "family_member",
        "information_considered": "Her late father's hospital records and the trust's letters.",
        "conflict_of_interest": False,
        "aggrieved_would_object": False,
        "not_in_best_interests": False,
        "outcome": "suitable",
        "reasons": "His daughter and executor; nothing suggests he would have objected.",
    },
}


class SuitabilityContent(BaseModel):
    """Whether the person complaining is the aggrieved and, if not, why the aggrieved cannot
    complain personally; capacity; a child's maturity; the representative's suitability; the
    aggrieved's consent. A section left out is not recorded yet."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    complainant_is_aggrieved: StrictBool = Field(
        description="The person who brought the complaint is the aggrieved (¶2.247)"
    )
    aggrieved_person_id: uuid.UUID = Field(description="intake's person id of the aggrieved")
    aggrieved_status: AggrievedStatus | None = Field(
        default=None, description="ASM-109: why the aggrieved cannot complain, or that they can"
    )
    capacity: CapacityRecord | None = None
    child: ChildConsideration | None = None
    representative: RepresentativeSuitability | None = None
    consent: AggrievedConsent | None = None
    note: LongText | None = None


class SuitabilitySave(SuitabilityContent):
    """The whole assessment, saved as a new version."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    reason: Reason | None = Field(default=None, description="Why it changed (audited)")


class SuitabilityProblem(BaseModel):
    requirement: str
    field: str
    detail: str


class SuitabilityRead(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    version: int
    content: SuitabilityContent
    recorded_by: str
    recorded_at: datetime
    conclusion: Conclusion = Field(
        description="suitable, unsuitable, or incomplete while something is missing"
    )
    gaps: list[SuitabilityProblem] = Field(description="What the assessment still lacks")
    expected_representative_role: str | None = Field(
        description="The role intake should hold for the representative (ASM-113 (a)–(c))"
    )


class SuitabilityReadiness(BaseModel):
    """What stands in the way of a decision, from the assessment and intake's parties (roles to
    correct at intake, ASM-113); empty lists: ready."""

    before_decline: list[SuitabilityProblem]
    before_proposal: list[SuitabilityProblem]

"""API models of the complaint handlers of a case (ASM-071…084). Input models forbid extra
fields; cross-field rules are stated in their JSON Schema too."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from assessment_api.handlers.models import PrematureException
from assessment_api.handlers.rules import ChcStage, OrganisationRole, Scope
from shared.schemas import LongText, Reason, ShortText, absent, given, when

EXAMPLE_ORG = "0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11"
EXAMPLE_HANDLER = "5c2d8e4a-1f3b-4a6c-9e7d-2b8f0c4d6a22"
EXAMPLE_CONTRACTOR = "9e4f1a2b-6c3d-4e8f-a1b2-3c4d5e6f7a33"


class HandlersOpen(BaseModel):
    """ASM-072 (¶2.144) / ASM-079 (¶2.159): the organisations intake referred, recorded as the
    original organisation (health: the provider) unless the complainant specifically said the
    complaint is about the second tier (health: the commissioner) only."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"handler_only_said": False}, {}]},
    )

    handler_only_said: StrictBool = Field(
        default=False,
        description="The complainant specifically said the complaint is about the second tier "
        "(health: the commissioner) only",
    )


class ScopePut(BaseModel):
    """ASM-074 (¶2.147–2.151) / ASM-080 (¶2.160–2.163): whom the complainant asks us to look at,
    as they put it. With only the organisation (health: the provider) complained about, why the
    complainant is unhappy with the second tier's (commissioner's) response is recorded too."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            **when("scope", "original_only", given("unhappy_with_handler_reason")),
            "examples": [
                {
                    "scope": "original_only",
                    "unhappy_with_handler_reason": "The review repeated the trust's answer "
                    "without looking at the discharge notes.",
                    "commissioning_complaint": "None: no complaint about how the service is "
                    "funded.",
                },
                {"scope": "both"},
            ],
        },
    )

    scope: Scope
    unhappy_with_handler_reason: Reason | None = Field(
        default=None,
        description="¶2.149 / ¶2.162: why the complainant is unhappy with the second tier's "
        "(commissioner's) response; required when only the organisation is complained about",
    )
    commissioning_complaint: LongText | None = Field(
        default=None,
        description="¶2.162: whether there is a specific complaint about commissioning (e.g. "
        "how the service was funded)",
    )

    @model_validator(mode="after")
    def _reason_when_original_only(self) -> ScopePut:
        if self.scope is Scope.original_only and self.unhappy_with_handler_reason is None:
            raise ValueError(
                "ASM-074 / ASM-080: with only the organisation complained about, record why "
                "the complainant is unhappy with the second tier's (commissioner's) response"
            )
        return self


class OrganisationAdd(BaseModel):
    """ASM-074 (¶2.148): an organisation on the case with its role. A contractor acting for an
    organisation is its own organisation, naming the one it acts for."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            **when(
                "role",
                "contractor",
                given("acts_for_organisation_id"),
                absent("acts_for_organisation_id"),
            ),
            "examples": [
                {
                    "organisation_id": EXAMPLE_HANDLER,
                    "role": "commissioner",
                    "complaints_stage_complete": True,
                },
                {
                    "organisation_id": EXAMPLE_CONTRACTOR,
                    "role": "contractor",
                    "acts_for_organisation_id": EXAMPLE_ORG,
                },
            ],
        },
    )

    organisation_id: uuid.UUID = Field(description="intake's organisation id")
    role: OrganisationRole
    acts_for_organisation_id: uuid.UUID | None = Field(
        default=None, description="A contractor: the organisation on the case it acts for"
    )
    complaints_stage_complete: StrictBool | None = Field(
        default=None,
        description="Second tier: its stage is complete (ASM-071). Provider or commissioner: "
        "local resolution is complete with it (ASM-078). Null: not known yet",
    )
    signed_for_practice_id: uuid.UUID | None = Field(
        default=None,
        description="ASM-096 (¶2.208): this organisation is the individual who signed the final "
        "response of a family health service provider (the practice's intake id), not a "
        "complaints manager; the individual is recorded as the organisation, not the practice",
    )

    @model_validator(mode="after")
    def _contractor_acts_for(self) -> OrganisationAdd:
        contractor = self.role is OrganisationRole.contractor
        if contractor != (self.acts_for_organisation_id is not None):
            raise ValueError(
                "ASM-074: a contractor names the organisation it acts for; no other role does"
            )
        if self.acts_for_organisation_id == self.organisation_id:
            raise ValueError("ASM-074: a contractor is its own organisation (¶2.148)")
        if self.signed_for_practice_id is not None and (
            self.signed_for_practice_id == self.organisation_id
        ):
            raise ValueError("ASM-096: the individual is recorded in the practice's place")
        return self


class CaseOrganisationUpdate(BaseModel):
    """Where the organisation's stage of the complaints process stands (ASM-071, ASM-078);
    null: not known."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"complaints_stage_complete": True}]},
    )

    complaints_stage_complete: StrictBool | None = None


class ExceptionPut(BaseModel):
    """ASM-073 (¶2.145–2.146): considered before the second tier (health: local resolution) is
    complete, and why."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "terminal_illness",
                    "reasons": "The complainant is receiving end-of-life care; waiting for the "
                    "second tier would deny them an answer.",
                }
            ]
        },
    )

    kind: PrematureException
    reasons: Reason


class ComponentAreaAdd(BaseModel):
    """ASM-080 (¶2.161): an area of complaint recorded against one organisation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"organisation_id": EXAMPLE_ORG, "area": "Discharge planning"}]
        },
    )

    organisation_id: uuid.UUID
    area: ShortText


class OrganisationDecisionCreate(BaseModel):
    """ASM-076 / ASM-081: the decision about one organisation complained about."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": EXAMPLE_ORG,
                    "decision": "propose to investigate",
                    "investigate": True,
                    "rationale": "Potential failings in discharge planning with an unremedied "
                    "injustice.",
                }
            ]
        },
    )

    organisation_id: uuid.UUID
    decision: ShortText = Field(
        description="'propose to investigate', 'resolution' or the closure code of the main "
        "reason for not pursuing the complaint against this organisation (ASM-176)"
    )
    investigate: StrictBool = Field(description="The organisation is to be investigated")
    rationale: LongText


class ChcPut(BaseModel):
    """ASM-082 / ASM-083 (¶2.170–2.177): a Continuing Healthcare complaint's checks."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "stage": "full_assessment",
                    "icb_review_done": True,
                    "nhse_review_done": False,
                },
                {
                    "stage": "full_assessment",
                    "icb_review_done": True,
                    "nhse_review_done": True,
                    "investigate_icb_too": True,
                    "manager_discussed_with": "om-example-1",
                    "written_complaints_about_both": True,
                    "icb_organisation_id": EXAMPLE_ORG,
                    "region_organisation_id": EXAMPLE_HANDLER,
                },
            ]
        },
    )

    stage: ChcStage = Field(description="Found not eligible at the checklist or full assessment")
    icb_review_done: StrictBool = Field(description="The ICB (or former CCG) reviewed it")
    nhse_review_done: StrictBool = Field(description="NHS England reviewed it")
    investigate_icb_too: StrictBool = Field(
        default=False,
        description="¶2.176: investigating before NHS England's review, or both the ICB and NHS "
        "England",
    )
    manager_discussed_with: ShortText | None = Field(
        default=None, description="¶2.176: the manager it was discussed with (token subject)"
    )
    written_complaints_about_both: StrictBool = Field(
        default=False,
        description="¶2.177: written complaints about both the ICB and NHS England are on file",
    )
    icb_organisation_id: uuid.UUID | None = Field(
        default=None, description="¶2.172 / ¶2.177: the ICB (intake's organisation id)"
    )
    region_organisation_id: uuid.UUID | None = Field(
        default=None,
        description="¶2.175 / ¶2.177: the NHS commissioning region (intake's organisation id)",
    )

    @model_validator(mode="after")
    def _two_organisations(self) -> ChcPut:
        if self.icb_organisation_id and self.icb_organisation_id == self.region_organisation_id:
            raise ValueError("The ICB and the NHS commissioning region are two organisations")
        return self


class IfrPut(BaseModel):
    """ASM-084 (¶2.180): an Individual Funding Request complaint's checklist; null is not yet
    checked."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "application_complete": True,
                    "policy_used": "ICB policy on bariatric surgery",
                    "compliant_with_policy_and_directions": True,
                    "policy_reasonable": None,
                }
            ]
        },
    )

    application_complete: StrictBool | None = Field(
        default=None,
        description="The application included the information the patient outlined",
    )
    policy_used: ShortText | None = Field(default=None, description="Which policy was used")
    compliant_with_policy_and_directions: StrictBool | None = Field(
        default=None,
        description="The ICB's decision follows its policies and the NHS Directions",
    )
    policy_reasonable: StrictBool | None = Field(
        default=None, description="The policy itself appears reasonable"
    )


# --- reads ------------------------------------------------------------------------------------


class OrganisationDecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    decision: str
    investigate: bool
    rationale: str
    decided_by: str
    decided_at: datetime


class CaseOrganisationRead(BaseModel):
    """An organisation on the case, whether it is complained about (so may have a decision),
    its component areas and its decision."""

    organisation_id: uuid.UUID
    role: OrganisationRole
    acts_for_organisation_id: uuid.UUID | None
    complaints_stage_complete: bool | None
    signed_for_practice_id: uuid.UUID | None = Field(
        description="ASM-096: the individual who signed this practice's final response"
    )
    complained_about: bool
    added_by: str
    added_at: datetime
    component_areas: list[str]
    decision: OrganisationDecisionRead | None


class ExceptionRead(BaseModel):
    kind: PrematureException
    reasons: str
    recorded_by: str | None
    recorded_at: datetime | None


class ChcGuidanceRead(BaseModel):
    actions: list[str]
    organisations: list[str] = Field(description="ASM-082/083: whom to record as the organisation")


class ChcRead(BaseModel):
    stage: ChcStage
    icb_review_done: bool | None
    nhse_review_done: bool | None
    investigate_icb_too: bool
    manager_discussed_with: str | None
    written_complaints_about_both: bool
    icb_organisation_id: uuid.UUID | None
    region_organisation_id: uuid.UUID | None
    recorded_by: str | None
    guidance: ChcGuidanceRead
    outstanding: list[str] = Field(
        description="ASM-083 (¶2.176–2.177): what must be done before a decision"
    )


class IfrRead(BaseModel):
    application_complete: bool | None
    policy_used: str | None
    compliant_with_policy_and_directions: bool | None
    policy_reasonable: bool | None
    outstanding: list[str] = Field(description="ASM-084: the checks not yet answered")


class HandlersRead(BaseModel):
    """The complaint handlers of a case and what the rules make of them."""

    case_id: uuid.UUID
    health: bool
    scope: Scope
    handler_only_said_at_intake: bool
    opened_by: str
    scope_put_by: str | None = Field(description="ASM-074/080: who recorded the scope as put")
    scope_put_at: datetime | None
    unhappy_with_handler_reason: str | None
    commissioning_complaint: str | None
    complained_about_roles: list[OrganisationRole]
    organisations: list[CaseOrganisationRead]
    premature: bool = Field(
        description="ASM-071/073/078: the complaints process is not complete and no exception "
        "is recorded"
    )
    local_resolution_complete: bool | None = Field(
        description="ASM-078 (health): complete with either the provider or the commissioner"
    )
    exception: ExceptionRead | None
    separate_decisions_needed: bool
    organisations_awaiting_decision: list[uuid.UUID]
    component_areas_missing: dict[str, list[str]] = Field(
        description="ASM-080 (a warning): role → the areas recorded for the other organisation "
        "but not for it"
    )
    proposal_organisation_ids: list[uuid.UUID] = Field(
        description="ASM-075/077: the organisations a proposal to investigate writes to"
    )
    chc: ChcRead | None
    ifr: IfrRead | None


def snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """A row's columns as JSON values, for the audit trail."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, uuid.UUID):
            out[key] = str(value)
        elif isinstance(value, datetime):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out

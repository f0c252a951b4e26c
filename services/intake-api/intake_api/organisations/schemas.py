from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from intake_api.organisations.models import (
    KIND_JURISDICTIONS,
    ContractType,
    Organisation,
    OrganisationJurisdiction,
    OrganisationKind,
    PvOptOut,
)
from shared.pagination import Page
from shared.schemas import (
    EMAIL,
    IsoDate,
    NotNull,
    StrictBool,
    absent,
    given,
    stripped_text,
    when,
)


# The pattern refuses NUL (PostgreSQL text cannot hold it: a 422, not a database error) and text
# that is nothing but white space once stripped.
def _text(min_length: int, max_length: int) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True,
        min_length=min_length,
        max_length=max_length,
        pattern=stripped_text(min_length),
    )


Name = Annotated[str, _text(1, 300)]
Alias = Annotated[str, _text(1, 200)]
Reason = Annotated[str, _text(3, 5000)]
DocumentReference = Annotated[str, _text(1, 300)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=EMAIL),
]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^\+?[0-9(][0-9 ()-]{5,38}$"),
]
Aliases = Annotated[
    list[Alias],
    Field(
        max_length=50,
        description="Other names callers use for the body, e.g. 'JCP' for 'Jobcentre Plus'",
    ),
]

ORGANISATION_EXAMPLE: dict[str, Any] = {
    "name": "Exampleshire Hospitals NHS Foundation Trust",
    "aliases": ["Exampleshire Hospitals", "EHFT"],
    "active": True,
    "jurisdiction": "health",
    "kind": "nhs_trust",
    "contract_type": None,
    "principal_officer": {"title": "Chief Executive", "name": "Dr Alex Example"},
    "focal_point": {
        "team": "Patient Experience Team",
        "email": "patient.experience@exampleshire-hospitals.example",
        "phone": "01632 960001",
    },
}


def _distinct(aliases: list[str]) -> list[str]:
    """Aliases without repeats, compared case-insensitively; the first spelling wins."""
    seen: set[str] = set()
    out: list[str] = []
    for alias in aliases:
        if alias.casefold() not in seen:
            seen.add(alias.casefold())
            out.append(alias)
    return out


class PrincipalOfficer(BaseModel):
    """The named head letters are addressed to (¶3.82–3.83, ¶3.88–3.89, ¶9.17)."""

    model_config = ConfigDict(extra="forbid")

    title: Name = Field(examples=["Chief Executive", "Permanent Secretary"])
    name: Name = Field(examples=["Dr Alex Example"])


class FocalPoint(BaseModel):
    """The organisation's liaison or focal point for our casework (¶3.83, ¶9.67)."""

    model_config = ConfigDict(extra="forbid")

    team: Name = Field(examples=["Ombudsman Liaison Team"])
    email: Email | None = Field(default=None, examples=["ombudsman.liaison@example.example"])
    phone: Phone | None = Field(default=None, examples=["01632 960000"])


def _register_rules() -> list[Any]:
    """``service.check_register_rules`` as JSON Schema: the kind decides the jurisdiction, and
    only a family health service provider has a contract type."""
    rules: list[Any] = []
    for kind, allowed in KIND_JURISDICTIONS.items():
        values = sorted(j.value for j in allowed if j is not None)
        rules.append(
            when(
                "kind",
                kind.value,
                {**given("jurisdiction"), "properties": {"jurisdiction": {"enum": values}}}
                if values
                else absent("jurisdiction"),
            )
        )
    rules.append(
        when(
            "kind",
            OrganisationKind.family_health_service_provider.value,
            then={},
            otherwise=absent("contract_type"),
        )
    )
    return rules


class OrganisationCreate(BaseModel):
    """A new entry in the register of bodies."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [ORGANISATION_EXAMPLE], "allOf": _register_rules()},
    )

    name: Name
    aliases: Aliases = Field(default_factory=list)
    active: StrictBool = True
    kind: OrganisationKind = Field(
        description="NHS kinds are health; departments, agencies and Victims' Code-only bodies "
        "are parliamentary; a second tier complaint handler is either; out_of_jurisdiction has none"
    )
    jurisdiction: OrganisationJurisdiction | None = Field(
        default=None, description="Null only for an out_of_jurisdiction body (ASM-001)"
    )
    contract_type: ContractType | None = Field(
        default=None, description="¶3.79: only for a family_health_service_provider"
    )
    principal_officer: PrincipalOfficer | None = None
    focal_point: FocalPoint | None = None

    @field_validator("aliases")
    @classmethod
    def _distinct_aliases(cls, value: list[str]) -> list[str]:
        return _distinct(value)


class OrganisationSeed(OrganisationCreate):
    """A row of ``organisations/seed.json``: a create body with a fixed id."""

    id: uuid.UUID


class OrganisationUpdate(BaseModel):
    """A partial update: only the fields sent change; send null to clear a nullable field."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "principal_officer": {"title": "Chief Executive", "name": "Jo Placeholder"},
                    "aliases": ["Exampleshire Hospitals", "EHFT", "Exampleshire General"],
                },
                {"kind": "out_of_jurisdiction", "jurisdiction": None, "active": False},
            ]
        },
    )

    name: NotNull[Name] = None
    aliases: NotNull[Aliases] = None
    active: NotNull[StrictBool] = None
    kind: NotNull[OrganisationKind] = None
    jurisdiction: OrganisationJurisdiction | None = None
    contract_type: ContractType | None = None
    principal_officer: PrincipalOfficer | None = None
    focal_point: FocalPoint | None = None

    @field_validator("aliases")
    @classmethod
    def _distinct_aliases(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _distinct(value)


class PvOptOutRecord(BaseModel):
    """Record the organisation's written agreement not to receive not-upheld provisional views."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "agreed_date": "2026-10-15",
                    "document_reference": "DOC-EXAMPLE-0001",
                    "reason": "Letter from the Permanent Secretary agreeing the arrangement",
                }
            ]
        },
    )

    agreed_date: IsoDate = Field(description="Business date of the written agreement (not future)")
    document_reference: DocumentReference = Field(
        description="Where the written confirmation is filed; cases cite it (¶8.42)"
    )
    reason: Reason


class PvOptOutWithdrawal(BaseModel):
    """Withdraw the agreement in force."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "The organisation asked to see all provisional views again"}]
        },
    )

    reason: Reason


class PvOptOutRead(BaseModel):
    """The agreement in force (INV-081: referenced on every relevant case)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agreed_date: date
    document_reference: str = Field(examples=["DOC-EXAMPLE-0001"])
    reason: str
    recorded_by: str
    recorded_at: datetime


class OrganisationRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5d0a3c1e-0000-4000-8000-000000000001",
                    **ORGANISATION_EXAMPLE,
                    "in_jurisdiction": True,
                    "remit_only_for_victims_code": False,
                    "pv_opt_out": None,
                    "created_by": "seed:intake_api.seed",
                    "created_at": "2026-11-02T10:00:00Z",
                    "updated_at": "2026-11-02T10:00:00Z",
                    "version": 1,
                }
            ]
        }
    )

    id: uuid.UUID
    name: str
    aliases: list[str]
    active: bool
    kind: OrganisationKind
    jurisdiction: OrganisationJurisdiction | None
    in_jurisdiction: bool = Field(description="ASM-001: false for an out_of_jurisdiction body")
    remit_only_for_victims_code: bool = Field(
        description="ASM-004: in remit only for Victims' Code complaints"
    )
    contract_type: ContractType | None
    principal_officer: PrincipalOfficer | None
    focal_point: FocalPoint | None
    pv_opt_out: PvOptOutRead | None = Field(
        description="The agreement not to receive not-upheld provisional views, if one is in force"
    )
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_model(cls, org: Organisation) -> OrganisationRead:
        """The API view of ``org``; its ``pv_opt_out`` must have been loaded."""
        officer = None
        if org.principal_officer_title is not None and org.principal_officer_name is not None:
            officer = PrincipalOfficer(
                title=org.principal_officer_title, name=org.principal_officer_name
            )
        focal = None
        if org.focal_point_team is not None:
            focal = FocalPoint(
                team=org.focal_point_team,
                email=org.focal_point_email,
                phone=org.focal_point_phone,
            )
        agreement: PvOptOut | None = org.pv_opt_out
        return cls(
            id=org.id,
            name=org.name,
            aliases=list(org.aliases),
            active=org.active,
            kind=org.kind,
            jurisdiction=org.jurisdiction,
            in_jurisdiction=org.in_jurisdiction,
            remit_only_for_victims_code=org.remit_only_for_victims_code,
            contract_type=org.contract_type,
            principal_officer=officer,
            focal_point=focal,
            pv_opt_out=PvOptOutRead.model_validate(agreement) if agreement else None,
            created_by=org.created_by,
            created_at=org.created_at,
            updated_at=org.updated_at,
            version=org.version,
        )


class OrganisationPage(Page[OrganisationRead]):
    """One page of the register, ordered by name then id."""

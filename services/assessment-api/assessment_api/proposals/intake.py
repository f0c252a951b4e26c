"""What the proposal reads from intake's organisation register (reference data, no personal
data): the kind of body, its contract type, Principal Officer's title, focal point team and any
not-upheld provisional views opt-out in force (ASM-162…164, ¶3.81)."""

from __future__ import annotations

import uuid

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from assessment_api.proposals.errors import IntakeUnavailable, OrganisationNotInRegister
from shared.clients import ServiceClient
from shared.errors import UpstreamUnavailable


class _Titled(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str


class _Team(BaseModel):
    model_config = ConfigDict(extra="ignore")

    team: str


class _OptOut(BaseModel):
    model_config = ConfigDict(extra="ignore")

    document_reference: str


class RegisterEntry(BaseModel):
    """The fields of intake's ``OrganisationRead`` the proposal uses; the rest are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    kind: str
    jurisdiction: str | None
    contract_type: str | None
    principal_officer: _Titled | None
    focal_point: _Team | None
    pv_opt_out: _OptOut | None
    version: int


async def register_entry(client: ServiceClient, organisation_id: uuid.UUID) -> RegisterEntry:
    """intake's register entry; 503 ``intake-unavailable`` when intake cannot say."""
    try:
        response = await client.request("GET", f"/v1/organisations/{organisation_id}")
    except UpstreamUnavailable as exc:
        raise IntakeUnavailable(str(exc)) from exc
    except httpx.HTTPError as exc:
        raise IntakeUnavailable("intake-api did not answer in time") from exc
    if response.status_code == 404:
        raise OrganisationNotInRegister(
            f"Organisation {organisation_id} is not in intake's register",
            extensions={"organisation_id": str(organisation_id)},
        )
    if response.status_code != 200:
        raise IntakeUnavailable(f"intake-api answered {response.status_code} for an organisation")
    try:
        return RegisterEntry.model_validate_json(response.content)
    except ValidationError as exc:
        raise IntakeUnavailable("intake-api's organisation could not be read") from exc

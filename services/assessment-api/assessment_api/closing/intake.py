"""What assessment reads from intake: a case's parties, as ids and roles (DESIGN §1: personal
data stays at intake; the letters themselves go through intake's audited contact card)."""

from __future__ import annotations

import uuid

import httpx
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from assessment_api.closing.errors import IntakeUnavailable
from assessment_api.closing.rules import Party
from shared.clients import ServiceClient
from shared.errors import UpstreamUnavailable


class _PartyRow(BaseModel):
    """The fields of intake's ``PartyRead`` assessment uses; the rest are ignored."""

    model_config = ConfigDict(extra="ignore")

    person_id: uuid.UUID
    role: str
    authority_to_receive_info: bool


_PARTIES = TypeAdapter(list[_PartyRow])


async def case_parties(client: ServiceClient, case_id: uuid.UUID) -> list[Party]:
    """The case's parties at intake; 503 ``intake-unavailable`` when intake cannot say (never a
    guess: a recipient list without the MPs would break ASM-173)."""
    try:
        response = await client.request("GET", f"/v1/cases/{case_id}/parties")
    except UpstreamUnavailable as exc:
        raise IntakeUnavailable(str(exc)) from exc
    except httpx.HTTPError as exc:  # a timeout reading the body, say
        raise IntakeUnavailable("intake-api did not answer in time") from exc
    if response.status_code != 200:
        raise IntakeUnavailable(f"intake-api answered {response.status_code} for the parties")
    try:
        rows = _PARTIES.validate_json(response.content)
    except ValidationError as exc:
        raise IntakeUnavailable("intake-api's list of parties could not be read") from exc
    return [Party(r.person_id, r.role, r.authority_to_receive_info) for r in rows]

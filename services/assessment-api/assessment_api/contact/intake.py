"""What contact at further consideration reads from intake (DESIGN §1: people live there): the
case's complainant and referring MPs, and the complainant's contact card (phone numbers held,
the preferred method, days and dates to avoid). A fresh query with assessment's service token;
intake down, or answering what it should not, is a 503, never a guess (a wrong guess would call
someone who asked to be written to, ASM-100)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import httpx
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from assessment_api.contact.errors import IntakeUnavailable
from shared.clients import ServiceClient
from shared.errors import UpstreamUnavailable

COMPLAINANT = "complainant"
REFERRING_MP = "mp (referring)"


class _PartyRow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    person_id: uuid.UUID
    role: str


class _DateToAvoid(BaseModel):
    model_config = ConfigDict(extra="ignore")

    from_date: date
    to_date: date


class _Card(BaseModel):
    """The fields of intake's ``ContactCard`` contact uses; the rest are ignored."""

    model_config = ConfigDict(extra="ignore")

    person_id: uuid.UUID
    phones: list[dict[str, object]]
    preferred_contact_method: str | None
    days_to_avoid: list[str]
    dates_to_avoid: list[_DateToAvoid]


_PARTIES = TypeAdapter(list[_PartyRow])


@dataclass(frozen=True)
class ContactCard:
    person_id: uuid.UUID
    has_phone: bool
    preferred_method: str | None
    days_to_avoid: frozenset[str]
    dates_to_avoid: tuple[tuple[date, date], ...]


async def _get(client: ServiceClient, path: str, what: str) -> bytes:
    try:
        response = await client.request("GET", path)
    except UpstreamUnavailable as exc:
        raise IntakeUnavailable(str(exc)) from exc
    except httpx.HTTPError as exc:  # a timeout reading the body, say
        raise IntakeUnavailable("intake-api did not answer in time") from exc
    if response.status_code != 200:
        raise IntakeUnavailable(f"intake-api answered {response.status_code} for {what}")
    return response.content


async def people_in_role(client: ServiceClient, case_id: uuid.UUID, role: str) -> set[uuid.UUID]:
    """The case's parties in ``role`` at intake."""
    content = await _get(client, f"/v1/cases/{case_id}/parties", "the case's parties")
    try:
        rows = _PARTIES.validate_json(content)
    except ValidationError as exc:
        raise IntakeUnavailable("intake-api's list of parties could not be read") from exc
    return {r.person_id for r in rows if r.role == role}


async def contact_card(
    client: ServiceClient, person_id: uuid.UUID, case_id: uuid.UUID
) -> ContactCard:
    """The person's contact card at intake (its read is audited there, for this case)."""
    content = await _get(
        client, f"/v1/people/{person_id}/contact-card?case_id={case_id}", "the contact card"
    )
    try:
        card = _Card.model_validate_json(content)
    except ValidationError as exc:
        raise IntakeUnavailable("intake-api's contact card could not be read") from exc
    return ContactCard(
        person_id=card.person_id,
        has_phone=bool(card.phones),
        preferred_method=card.preferred_contact_method,
        days_to_avoid=frozenset(card.days_to_avoid),
        dates_to_avoid=tuple((d.from_date, d.to_date) for d in card.dates_to_avoid),
    )

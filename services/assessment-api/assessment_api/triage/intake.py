"""What triage asks intake-api (DESIGN §1: the people of a case, their reasonable adjustments
and MPs live at intake). A fresh query over HTTP with assessment's service token (DESIGN §2):
intake down, or answering what it should not, is a 503, never a guess."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from assessment_api.peers import INTAKE_AUDIENCE
from shared.clients import ServiceClient
from shared.errors import UpstreamUnavailable

# ASM-048: the people whose requested adjustments the caseworker considers (¶2.86: the
# complainant, and whoever explains the complaint for them).
ADJUSTMENT_ROLES = frozenset(
    {"complainant", "aggrieved", "representative (person)", "representative (organisation)"}
)
# ASM-050 (¶2.93): MPs involved in the case get a written response.
MP_ROLES = frozenset({"mp (referring)", "mp (assisting)"})
PAGE = 100


@dataclass(frozen=True)
class IntakeFacts:
    """What a triage decision needs to know from intake."""

    adjustment_exists: bool  # ASM-048: a requested or agreed reasonable adjustment
    mp_involved: bool  # ASM-050


def _json(response: Any, what: str) -> Any:
    if response.status_code != 200:
        raise UpstreamUnavailable(
            f"intake-api answered {response.status_code} for {what}",
            extensions={"dependency": INTAKE_AUDIENCE},
        )
    return response.json()


def _open_or_agreed(adjustment: dict[str, Any]) -> bool:
    """ASM-048: an adjustment requested and not yet decided, or agreed."""
    return adjustment.get("status") == "requested" or adjustment.get("decision") == "agreed"


async def _person_has_adjustment(client: ServiceClient, person_id: str) -> bool:
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": PAGE}
        if cursor:
            params["cursor"] = cursor
        page = _json(
            await client.request(
                "GET", f"/v1/people/{person_id}/reasonable-adjustments", params=params
            ),
            "a person's reasonable adjustments",
        )
        if any(_open_or_agreed(item) for item in page.get("items", [])):
            return True
        cursor = page.get("next_cursor")
        if not cursor:
            return False


async def case_facts(client: ServiceClient, case_id: uuid.UUID) -> IntakeFacts:
    """The case's parties at intake: is an MP involved, and has the complainant (or someone
    explaining the complaint for them) a requested or agreed reasonable adjustment?"""
    parties = _json(
        await client.request("GET", f"/v1/cases/{case_id}/parties"), "the case's parties"
    )
    mp = any(p.get("role") in MP_ROLES for p in parties)
    people = sorted({p["person_id"] for p in parties if p.get("role") in ADJUSTMENT_ROLES})
    for person_id in people:
        if await _person_has_adjustment(client, person_id):
            return IntakeFacts(adjustment_exists=True, mp_involved=mp)
    return IntakeFacts(adjustment_exists=False, mp_involved=mp)

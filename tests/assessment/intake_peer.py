"""intake-api as assessment's peer in tests: a case with its parties built in a real intake
app's database (the ``with_intake`` fixture), or a stand-in answering a case's parties for
tests whose subject is not who the parties are (``intake_stand_in``)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from assessment_api.closing.rules import Party
from intake_api.cases.models import Case as IntakeCase
from intake_api.cases.models import CaseParty, Jurisdiction, PartyRole
from tests.intake.builders import make_case as make_intake_case
from tests.intake.builders import make_person

INTAKE_BASE = "http://intake.test"
_PARTIES_PATH = re.compile(r"^/v1/cases/([0-9a-f-]{36})/parties$")


async def intake_case(
    sessions: async_sessionmaker[AsyncSession],
    jurisdiction: Jurisdiction,
    *,
    rep_authority: bool = False,
    mp_role: PartyRole = PartyRole.mp_referring,
) -> tuple[IntakeCase, dict[str, uuid.UUID]]:
    """A case at intake with a complainant, a separate aggrieved, a representative (with
    recorded authority to receive information when ``rep_authority``) and an MP (fake people)."""
    async with sessions() as s:
        complainant = await make_person(s, given_name="Casey")
        aggrieved = await make_person(s, given_name="Aggie")
        rep = await make_person(s, given_name="Robin")
        mp = await make_person(s, given_name="Morgan", mp_constituency="Testshire North")
        case = await make_intake_case(
            s,
            jurisdiction=jurisdiction,
            parties=[
                (complainant, PartyRole.complainant), (aggrieved, PartyRole.aggrieved),
                (rep, PartyRole.representative_person), (mp, mp_role),
            ],
        )  # fmt: skip
        if rep_authority:
            await s.execute(
                update(CaseParty)
                .where(CaseParty.case_id == case.id, CaseParty.person_id == rep.id)
                .values(authority_to_receive_info=True)
            )
        await s.commit()
    ids = {"complainant": complainant.id, "aggrieved": aggrieved.id, "rep": rep.id, "mp": mp.id}
    return case, ids


def party_rows(
    parties: Mapping[uuid.UUID, str], authority: frozenset[uuid.UUID] = frozenset()
) -> list[dict[str, object]]:
    """intake's ``PartyRead`` rows for person id → role."""
    return [
        {"id": str(uuid.uuid4()), "person_id": str(p), "role": role,
         "authority_to_receive_info": p in authority, "description": None}
        for p, role in parties.items()
    ]  # fmt: skip


def intake_parties(people: Mapping[str, uuid.UUID]) -> list[Party]:
    """``intake_case``'s people as intake's parties (ids and roles), for builders that must agree
    with them (the suitability assessment's roles, ASM-113)."""
    roles = {"complainant": "complainant", "aggrieved": "aggrieved",
             "rep": "representative (person)"}  # fmt: skip
    return [Party(person_id=people[k], role=r) for k, r in roles.items()]


# The stand-in's complainant on every case not given its own parties: the person the
# suitability builder makes the complainant and aggrieved, so the roles agree (ASM-113).
STAND_IN_COMPLAINANT = uuid.UUID("00000000-0000-4000-8000-00000000c0de")


class StandIn:
    """A stand-in for intake's ``GET /v1/cases/{id}/parties``: a case's rows as set in
    ``parties``; any other case has ``default`` (one complainant, ``complainant``)."""

    def __init__(self) -> None:
        self.complainant = STAND_IN_COMPLAINANT
        self.parties: dict[uuid.UUID, list[dict[str, object]]] = {}
        self.default = party_rows({self.complainant: "complainant"})
        self.asked: list[uuid.UUID] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        match = _PARTIES_PATH.match(request.url.path)
        if request.method != "GET" or match is None:
            return httpx.Response(404, json={"type": "not-found", "status": 404})
        case_id = uuid.UUID(match.group(1))
        self.asked.append(case_id)
        rows = self.parties.get(case_id, self.default)
        return httpx.Response(200, json=rows)

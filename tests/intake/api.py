"""Driving intake-api over HTTP in tests, as an intake caseworker would.

The steps themselves are ``casework_dev.intake_steps``, shared with the README walk-through;
this module adds what only the tests need. Use HTTP for the behaviour under test; build the
setup that is not under test in the database (``tests.intake.builders``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from casework_dev.intake_steps import (
    CATEGORY_QUESTIONS,
    FACTS,
    Api,
    JsonDict,
    new_organisation,
    new_person,
    open_case,
    patch_case,
    triage,
    triage_answers,
)
from casework_dev.intake_steps import (
    talk_and_acknowledge as _talk_and_acknowledge,
)
from tests.helpers import NOW_ISO


async def talk_and_acknowledge(api: Api, cid: str, person_id: str, *, at: str = NOW_ISO) -> None:
    """``intake_steps.talk_and_acknowledge`` at the test clock's instant by default."""
    await _talk_and_acknowledge(api, cid, person_id, at=at)


__all__ = [
    "CATEGORY_QUESTIONS",
    "FACTS",
    "Api",
    "BuiltCase",
    "JsonDict",
    "new_organisation",
    "new_person",
    "open_case",
    "patch_case",
    "ready_case",
    "talk_and_acknowledge",
    "triage",
    "triage_answers",
]


@dataclass
class BuiltCase:
    """A case and the complainant and organisations it was built with."""

    case: JsonDict
    person: JsonDict
    organisations: list[JsonDict]

    @property
    def id(self) -> str:
        return str(self.case["id"])

    @property
    def refer(self) -> str:
        return f"/v1/cases/{self.id}/refer"


async def ready_case(
    api: Api,
    *,
    received_date: str,
    at: datetime,
    jurisdiction: str | None = "health",
    organisations: int = 1,
    properly_made: bool = True,
    category: str = "general",
) -> BuiltCase:
    """Over HTTP, an intake case with everything a referral needs (complainant, organisation,
    contact, acknowledgement, facts, properly-made decision); ``organisations=0`` leaves one gap.

    For tests against real processes or committing apps; in the rolled-back transaction,
    ``tests.intake.builders.make_ready_case`` builds the same case in the database.
    """
    tag = uuid.uuid4().hex[:6]
    person = await new_person(api, f"Alex{tag}")
    orgs = [
        await api.call(
            "POST",
            "/v1/organisations",
            json={
                "name": f"Exampleshire Hospitals NHS Trust {tag}-{n}",
                "kind": "nhs_trust",
                "jurisdiction": "health",
            },
            expect=201,
        )
        for n in range(max(organisations, 1))
    ]
    case = await open_case(
        api, channel="online_form", jurisdiction=jurisdiction, received_date=received_date,
        person=person, organisations=orgs[:organisations], checked=orgs,
    )  # fmt: skip
    cid = case["id"]
    await talk_and_acknowledge(api, cid, person["id"], at=at.isoformat())
    facts = {
        **FACTS,
        "complaint_summary": f"{person['given_name']} Example of 1 Example Street, "
        f"{person['emails'][0]['address']}, says the trust ignored the letters.",
    }
    await patch_case(api, cid, facts)
    await triage(api, cid, category)
    if properly_made:
        await api.call(
            "POST", f"/v1/cases/{cid}/properly-made",
            json={"properly_made": True, "reason": "Gates checked"},
        )  # fmt: skip
    return BuiltCase(await api.call("GET", f"/v1/cases/{cid}"), person, orgs[:organisations])

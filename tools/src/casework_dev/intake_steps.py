"""Intake steps over HTTP, as an intake caseworker takes them: shared by the README walk-through
(``make walkthrough``, against a running intake-api) and the tests (in-process).

Each step checks its status code and raises ``StepFailed`` (an ``AssertionError``, so a test
shows it as a failed assertion) with the answer when it differs.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

JsonDict = dict[str, Any]


class StepFailed(AssertionError):
    """A step got another status code than it expected."""


@dataclass
class Api:
    """Calls intake-api with a caseworker's bearer header and checks each status code."""

    http: httpx.AsyncClient
    caseworker: dict[str, str]
    verbose: bool = False

    async def call(
        self, method: str, url: str, *, expect: int = 200, headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> JsonDict:  # fmt: skip
        """The JSON answer (``{}`` if empty), with the ETag as ``_etag``; fails on another code."""
        r = await self.http.request(
            method, url, headers={**self.caseworker, **(headers or {})}, **kwargs
        )
        if r.status_code != expect:
            raise StepFailed(f"{method} {url} → {r.status_code}: {r.text}")
        if self.verbose:
            print(f"  {method:<5} {url} → {r.status_code}")
        body: JsonDict = r.json() if r.content else {}
        if "etag" in r.headers:
            body["_etag"] = r.headers["etag"]
        return body


async def new_person(api: Api, given: str, **extra: Any) -> JsonDict:
    """POST /v1/people: a person called ``given`` Example, with an address, phone and email."""
    body = {
        "given_name": given,
        "family_name": "Example",
        "addresses": [{"first_line": "1 Example Street", "postcode": "ZZ99 9ZZ"}],
        "phones": [{"number": "01632 960000"}],
        "emails": [{"address": f"{given.lower()}@example.invalid"}],
        **extra,
    }
    return await api.call("POST", "/v1/people", json=body, expect=201)


async def new_organisation(api: Api, name: str, kind: str, jurisdiction: str | None) -> JsonDict:
    """POST /v1/organisations, the name made unique."""
    body = {"name": f"{name} {uuid.uuid4().hex[:6]}", "kind": kind, "jurisdiction": jurisdiction}
    return await api.call("POST", "/v1/organisations", json=body, expect=201)


async def open_case(
    api: Api, *, channel: str, jurisdiction: str | None, received_date: str, person: JsonDict,
    organisation: JsonDict | None = None, organisations: Sequence[JsonDict] = (),
    checked: Sequence[JsonDict] | None = None,
) -> JsonDict:  # fmt: skip
    """INT-001/002: the previous-contact check, then the case, its complainant and organisations.

    The case is about ``organisation`` and ``organisations``; the check names ``checked`` (by
    default the same organisations).
    """
    on_case = [*([organisation] if organisation is not None else []), *organisations]
    names = on_case if checked is None else checked
    check = await api.call(
        "POST", "/v1/previous-contact-checks",
        json={"person_id": person["id"], "organisation_ids": [o["id"] for o in names]},
        expect=201,
    )  # fmt: skip
    case = await api.call(
        "POST", "/v1/cases",
        json={"case_type": "complaint", "channel": channel, "jurisdiction": jurisdiction,
              "received_date": received_date, "previous_contact_check_id": check["id"]},
        expect=201,
    )  # fmt: skip
    cid = case["id"]
    await api.call(
        "POST", f"/v1/cases/{cid}/parties",
        json={"person_id": person["id"], "role": "complainant"}, expect=201,
    )  # fmt: skip
    for org in on_case:
        await api.call(
            "POST", f"/v1/cases/{cid}/organisations",
            json={"organisation_id": org["id"], "role": "original"}, expect=201,
        )  # fmt: skip
    return case


async def patch_case(api: Api, cid: str, body: JsonDict) -> JsonDict:
    """PATCH the case with its current ETag."""
    current = await api.call("GET", f"/v1/cases/{cid}")
    return await api.call(
        "PATCH", f"/v1/cases/{cid}", json=body, headers={"If-Match": current["_etag"]}
    )


async def talk_and_acknowledge(api: Api, cid: str, person_id: str, *, at: str) -> None:
    """INT-005 and ¶1.27: a telephone conversation covering INT-011, then the acknowledgement,
    both at the ISO instant ``at``."""
    await api.call(
        "POST", f"/v1/cases/{cid}/contact-attempts",
        json={"person_id": person_id, "channel": "telephone", "attempted_at": at,
              "outcome": "reached", "expectations_explained": True, "adjustments_discussed": True},
        expect=201,
    )  # fmt: skip
    await api.call(
        "POST", f"/v1/cases/{cid}/communications",
        json={"medium": "letter", "direction": "outbound", "purpose": "acknowledgement",
              "occurred_at": at, "recipients": [{"person_id": person_id}]},
        expect=201,
    )  # fmt: skip


# The facts an intake conversation establishes (INT-009, INT-020, INT-021), as a PATCH body.
FACTS: JsonDict = {
    "complaint_summary": "The body took too long to reply to a complaint (example only).",
    "injustice_claimed": "Distress and time spent chasing (example only).",
    "outcome_sought": "An apology and an explanation (example only).",
    "complaint_process_stage": "complete",
    "org_response_format": "written",
    "route": "awaiting_allocation",
    "routing_rationale": "No specialism needed beyond general casework",
    "checklist": {
        "complaint_form_or_answers": True,
        "organisation_responses": True,
        "meeting_recordings": True,
        "transcripts": True,
        "phone_numbers": True,
    },
    "reason": "Facts from the intake conversation",
}

# The triage question whose "yes" gives each category (INT-023/024).
CATEGORY_QUESTIONS = {
    "general": "general",
    "senior caseworker": "senior_caseworker",
    "complex & significant": "complex_and_significant",
}


def triage_answers(category: str) -> dict[str, str]:
    """Answers to the ccc-2026.1 questionnaire that give ``category``."""
    answers = {q: "yes" if q == CATEGORY_QUESTIONS[category] else "no"
               for q in CATEGORY_QUESTIONS.values()}  # fmt: skip
    return {"enough_information": "yes", **answers}


async def triage(api: Api, cid: str, category: str = "general") -> JsonDict:
    """INT-023/024: answer the triage questions so that they give ``category``."""
    return await api.call(
        "POST", f"/v1/cases/{cid}/triage",
        json={"version": "ccc-2026.1", "answers": triage_answers(category),
              "reason": f"Triage: {category}"},
    )  # fmt: skip

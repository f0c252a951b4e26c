"""The intake walk-through: one health and one parliamentary complaint from receipt to hand-off,
and one complaint to a gate closure, through the public API only.

``python -m casework_dev.walkthrough`` runs it against ``make run``'s intake-api (or
``--intake-url``), printing each step. The tests run the same functions in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

JsonDict = dict[str, Any]


class StepFailed(RuntimeError):
    pass


@dataclass
class Api:
    """Calls intake-api with bearer headers and checks each answer."""

    http: httpx.AsyncClient
    caseworker: dict[str, str]
    verbose: bool = False

    async def call(
        self, method: str, url: str, *, expect: int = 200, headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> JsonDict:  # fmt: skip
        h = {**self.caseworker, **(headers or {})}
        r = await self.http.request(method, url, headers=h, **kwargs)
        if r.status_code != expect:
            raise StepFailed(f"{method} {url} → {r.status_code}: {r.text}")
        if self.verbose:
            print(f"  {method:<5} {url} → {r.status_code}")
        body: JsonDict = r.json() if r.content else {}
        if "etag" in r.headers:
            body["_etag"] = r.headers["etag"]
        return body


async def _person(api: Api, given: str, **extra: Any) -> JsonDict:
    body = {
        "given_name": given,
        "family_name": "Example",
        "addresses": [{"first_line": "1 Example Street", "postcode": "ZZ99 9ZZ"}],
        "phones": [{"number": "01632 960000"}],
        "emails": [{"address": f"{given.lower()}@example.invalid"}],
        **extra,
    }
    return await api.call("POST", "/v1/people", json=body, expect=201)


async def _organisation(api: Api, name: str, kind: str, jurisdiction: str | None) -> JsonDict:
    body = {"name": f"{name} {uuid.uuid4().hex[:6]}", "kind": kind, "jurisdiction": jurisdiction}
    return await api.call("POST", "/v1/organisations", json=body, expect=201)


async def open_case(
    api: Api, *, channel: str, jurisdiction: str, received_date: str, person: JsonDict,
    organisation: JsonDict,
) -> JsonDict:  # fmt: skip
    """INT-001/002: the previous-contact check, then the case, its complainant and organisation."""
    check = await api.call(
        "POST",
        "/v1/previous-contact-checks",
        json={"person_id": person["id"], "organisation_ids": [organisation["id"]]},
        expect=201,
    )
    case = await api.call(
        "POST",
        "/v1/cases",
        json={
            "case_type": "complaint",
            "channel": channel,
            "jurisdiction": jurisdiction,
            "received_date": received_date,
            "previous_contact_check_id": check["id"],
        },
        expect=201,
    )
    cid = case["id"]
    await api.call(
        "POST", f"/v1/cases/{cid}/parties",
        json={"person_id": person["id"], "role": "complainant"}, expect=201,
    )  # fmt: skip
    await api.call(
        "POST", f"/v1/cases/{cid}/organisations",
        json={"organisation_id": organisation["id"], "role": "original"}, expect=201,
    )  # fmt: skip
    return case


async def _talk_and_acknowledge(api: Api, cid: str, person_id: str) -> None:
    now = datetime.now(UTC).isoformat()
    await api.call(
        "POST", f"/v1/cases/{cid}/contact-attempts",
        json={"person_id": person_id, "channel": "telephone", "attempted_at": now,
              "outcome": "reached", "expectations_explained": True, "adjustments_discussed": True},
        expect=201,
    )  # fmt: skip
    await api.call(
        "POST", f"/v1/cases/{cid}/communications",
        json={"medium": "letter", "direction": "outbound", "purpose": "acknowledgement",
              "occurred_at": now, "recipients": [{"person_id": person_id}]},
        expect=201,
    )  # fmt: skip


FACTS = {
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


async def _patch(api: Api, cid: str, body: JsonDict) -> JsonDict:
    current = await api.call("GET", f"/v1/cases/{cid}")
    return await api.call(
        "PATCH", f"/v1/cases/{cid}", json=body, headers={"If-Match": current["_etag"]}
    )


CATEGORY_QUESTIONS = {
    "general": "general",
    "senior caseworker": "senior_caseworker",
    "complex & significant": "complex_and_significant",
}


async def triage(api: Api, cid: str, category: str = "general") -> JsonDict:
    """INT-023/024: answer the triage questions so that they give ``category``."""
    answers = {q: "yes" if q == CATEGORY_QUESTIONS[category] else "no"
               for q in CATEGORY_QUESTIONS.values()}  # fmt: skip
    return await api.call(
        "POST", f"/v1/cases/{cid}/triage",
        json={"version": "ccc-2026.1", "answers": {"enough_information": "yes", **answers},
              "reason": f"Triage: {category}"},
    )  # fmt: skip


async def _hand_off(api: Api, cid: str) -> JsonDict:
    await triage(api, cid)
    await api.call(
        "POST", f"/v1/cases/{cid}/properly-made",
        json={"properly_made": True, "reason": "Gates checked"},
    )  # fmt: skip
    return await api.call(
        "POST", f"/v1/cases/{cid}/refer", json={"reason": "Ready for further consideration"}
    )


async def health_case_to_hand_off(api: Api, *, received_date: str) -> JsonDict:
    """A written health complaint, local resolution complete, passed to the allocation queue."""
    person = await _person(api, "Alex")
    org = await _organisation(api, "Exampleshire Hospitals NHS Trust", "nhs_trust", "health")
    case = await open_case(
        api, channel="online_form", jurisdiction="health", received_date=received_date,
        person=person, organisation=org,
    )  # fmt: skip
    await _talk_and_acknowledge(api, case["id"], person["id"])
    await _patch(api, case["id"], FACTS)
    return await _hand_off(api, case["id"])


async def parliamentary_case_to_hand_off(api: Api, *, received_date: str) -> JsonDict:
    """An MP-referred parliamentary complaint (ASM-020), passed to ECT triage."""
    person = await _person(api, "Sam")
    mp = await _person(api, "Morgan", title="Ms", mp={"constituency": "Example North"})
    org = await _organisation(
        api, "Department for Fictional Affairs", "government_department", "parliamentary"
    )
    case = await open_case(
        api, channel="mp_referral", jurisdiction="parliamentary", received_date=received_date,
        person=person, organisation=org,
    )  # fmt: skip
    cid = case["id"]
    await api.call(
        "POST", f"/v1/cases/{cid}/parties",
        json={"person_id": mp["id"], "role": "mp (referring)"}, expect=201,
    )  # fmt: skip
    await _talk_and_acknowledge(api, cid, person["id"])
    await _patch(
        api,
        cid,
        {
            **FACTS,
            "route": "ect_triage",
            "mp_person_id": mp["id"],
            "complaint_to_mp_in_writing": True,
            "aggrieved_consent": True,
            "mp_requests_investigation": True,
            "mp_referral_signed_by": "mp",
        },
    )
    return await _hand_off(api, cid)


async def health_case_to_gate_closure(api: Api, *, received_date: str) -> JsonDict:
    """A health complaint made only by telephone: closed 'Not properly made - not in writing'."""
    person = await _person(api, "Jo")
    org = await _organisation(
        api, "Sample Valley GP Practice", "family_health_service_provider", "health"
    )
    case = await open_case(
        api, channel="telephone", jurisdiction="health", received_date=received_date,
        person=person, organisation=org,
    )  # fmt: skip
    cid = case["id"]
    await _talk_and_acknowledge(api, cid, person["id"])
    return await api.call(
        "POST",
        f"/v1/cases/{cid}/close",
        json={
            "closure_code": "Not properly made - not in writing",
            "reasons": "A health complaint must be made in writing; we sent the online form link.",
            "decision_channel": "telephone",
        },
    )


async def run(intake_url: str, token: str, received_date: str) -> None:
    async with httpx.AsyncClient(base_url=intake_url, timeout=10) as http:
        api = Api(http, {"Authorization": f"Bearer {token}"}, verbose=True)
        for title, fn in (
            ("Health complaint → allocation queue", health_case_to_hand_off),
            ("Parliamentary complaint → ECT triage", parliamentary_case_to_hand_off),
            ("Health complaint by telephone → gate closure", health_case_to_gate_closure),
        ):
            print(f"== {title}")
            case = await fn(api, received_date=received_date)
            print(f"   {case['reference']}: {case['status']} {case.get('closure_code') or ''}")


def main() -> None:
    from casework_dev.run import KEYS_DIR, PORTS
    from shared.auth import mint_dev_token
    from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intake-url", default=f"http://127.0.0.1:{PORTS['intake']}")
    parser.add_argument("--received-date", default=datetime.now(UTC).date().isoformat())
    args = parser.parse_args()
    token = mint_dev_token(
        keys_dir=KEYS_DIR, issuer=DEV_ISSUER, audience=DEV_TOKEN_AUDIENCES,
        sub="walkthrough-caseworker", roles=["intake_caseworker"],
    )  # fmt: skip
    asyncio.run(run(args.intake_url, token, args.received_date))


if __name__ == "__main__":
    main()

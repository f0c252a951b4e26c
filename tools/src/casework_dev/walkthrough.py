"""The intake walk-through: one health and one parliamentary complaint from receipt to hand-off,
and one complaint to a gate closure, through the public API only.

``python -m casework_dev.walkthrough`` runs it against ``make run``'s intake-api (or
``--intake-url``), printing each step. The tests run the same functions in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

import httpx

from casework_dev.intake_steps import (
    FACTS,
    Api,
    JsonDict,
    open_case,
    patch_case,
    talk_and_acknowledge,
    triage,
)
from casework_dev.intake_steps import new_organisation as _organisation
from casework_dev.intake_steps import new_person as _person


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
    await talk_and_acknowledge(api, case["id"], person["id"], at=datetime.now(UTC).isoformat())
    await patch_case(api, case["id"], FACTS)
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
    await talk_and_acknowledge(api, cid, person["id"], at=datetime.now(UTC).isoformat())
    await patch_case(
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
    await talk_and_acknowledge(api, cid, person["id"], at=datetime.now(UTC).isoformat())
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


def not_running(intake_url: str) -> str:
    """The one line ``make walkthrough`` prints when intake-api does not answer."""
    return (
        f"ERROR: intake-api is not answering at {intake_url}: start the services with "
        "`make run` in another terminal and wait for 'All services are ready', then try again."
    )


def intake_answers(intake_url: str) -> bool:
    """Whether intake-api's liveness answers 200 at ``intake_url`` (before any step prints)."""
    try:
        return httpx.get(f"{intake_url}/health/live", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def main(argv: list[str] | None = None) -> None:
    from casework_dev.layout import KEYS_DIR, PORTS
    from shared.auth import mint_dev_token
    from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intake-url", default=f"http://127.0.0.1:{PORTS['intake']}")
    parser.add_argument("--received-date", default=datetime.now(UTC).date().isoformat())
    args = parser.parse_args(argv)
    token = mint_dev_token(
        keys_dir=KEYS_DIR, issuer=DEV_ISSUER, audience=DEV_TOKEN_AUDIENCES,
        sub="walkthrough-caseworker", roles=["intake_caseworker"],
    )  # fmt: skip
    if not intake_answers(args.intake_url):
        print(not_running(args.intake_url), file=sys.stderr)
        raise SystemExit(1)
    try:
        asyncio.run(run(args.intake_url, token, args.received_date))
    except httpx.ConnectError:
        # It went away during the walk-through: one line, not the client's traceback.
        print(not_running(args.intake_url), file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()

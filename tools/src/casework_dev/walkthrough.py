"""The walk-through: at intake, one health and one parliamentary complaint from receipt to
hand-off, and one complaint to a gate closure; then case A, a health complaint referred to ECT
triage, through assessment (triage, the allocation queue, allocation, a risk assessment at
compliance-api, resolution) until intake's register shows it closed; case B, an MP-referred
parliamentary complaint, from the allocation queue to a decision not to investigate copied to
the MP; case C, a health complaint, from the allocation queue to a proposal to investigate
and investigation-api's record at Milestone 1; and case D, a health complaint resolved with the
organisation at further consideration, its resolution item at compliance-api. Public APIs only.

``python -m casework_dev.walkthrough`` runs it against ``make run`` (or ``--intake-url``,
``--assessment-url``, ``--compliance-url``, ``--investigation-url``), printing each step. The
tests run the intake functions in-process; tests/e2e/test_assessment_path.py runs case A's
assessment steps (``casework_dev.assessment_steps.case_a``) and tests/e2e/test_decisions_path.py
cases B, C and D's (``case_b``, ``case_c``, ``case_d``) against four real processes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

import httpx

from casework_dev import assessment_steps
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
    case, _ = await health_case_referred(
        api, received_date=received_date, given="Alex", route="awaiting_allocation"
    )
    return case


async def health_case_referred(
    api: Api, *, received_date: str, given: str, route: str
) -> tuple[JsonDict, JsonDict]:
    """A written health complaint made by ``given`` Example about an NHS trust, local resolution
    complete, referred on ``route``; the case and its complainant."""
    person = await _person(api, given)
    org = await _organisation(api, "Exampleshire Hospitals NHS Trust", "nhs_trust", "health")
    case = await open_case(
        api, channel="online_form", jurisdiction="health", received_date=received_date,
        person=person, organisation=org,
    )  # fmt: skip
    await talk_and_acknowledge(api, case["id"], person["id"], at=datetime.now(UTC).isoformat())
    await patch_case(api, case["id"], {**FACTS, "route": route})
    return await _hand_off(api, case["id"]), person


async def parliamentary_case_to_hand_off(api: Api, *, received_date: str) -> JsonDict:
    """An MP-referred parliamentary complaint (ASM-020), passed to ECT triage."""
    case, _, _ = await parliamentary_case_referred(
        api, received_date=received_date, given="Sam", route="ect_triage"
    )
    return case


async def parliamentary_case_referred(
    api: Api, *, received_date: str, given: str, route: str
) -> tuple[JsonDict, JsonDict, JsonDict]:
    """A parliamentary complaint by ``given`` Example referred by their MP (ASM-020: the
    complaint to the MP in writing, the aggrieved's consent, the MP's request), with the MP as
    the case's referring MP, referred on ``route``; the case, its complainant and the MP."""
    person = await _person(api, given)
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
            "route": route,
            "mp_person_id": mp["id"],
            "complaint_to_mp_in_writing": True,
            "aggrieved_consent": True,
            "mp_requests_investigation": True,
            "mp_referral_signed_by": "mp",
        },
    )
    return await _hand_off(api, cid), person, mp


async def health_case_to_ect_triage(api: Api, *, received_date: str) -> tuple[JsonDict, JsonDict]:
    """Case A: a written health complaint, local resolution complete, passed to ECT triage
    (T13); the case and its complainant."""
    person = await _person(api, "Robin")
    org = await _organisation(api, "Exampleshire Community NHS Trust", "nhs_trust", "health")
    case = await open_case(
        api, channel="online_form", jurisdiction="health", received_date=received_date,
        person=person, organisation=org,
    )  # fmt: skip
    await talk_and_acknowledge(api, case["id"], person["id"], at=datetime.now(UTC).isoformat())
    await patch_case(
        api, case["id"],
        {**FACTS, "route": "ect_triage", "routing_rationale": "Public Value Model triage first"},
    )  # fmt: skip
    return await _hand_off(api, case["id"]), person


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


WALKTHROUGH_CW = "walkthrough-cw"  # the caseworker cases A, B and C are allocated to


async def run(urls: dict[str, str], headers: assessment_steps.Headers, received_date: str) -> None:
    async with httpx.AsyncClient(base_url=urls["intake"], timeout=10) as http:
        api = Api(http, headers("intake_caseworker", sub="walkthrough-caseworker"), verbose=True)
        for title, fn in (
            ("Health complaint → allocation queue", health_case_to_hand_off),
            ("Parliamentary complaint → ECT triage", parliamentary_case_to_hand_off),
            ("Health complaint by telephone → gate closure", health_case_to_gate_closure),
        ):
            print(f"== {title}")
            case = await fn(api, received_date=received_date)
            print(f"   {case['reference']}: {case['status']} {case.get('closure_code') or ''}")
        print("== Case A: health complaint → ECT triage (intake)")
        case, person = await health_case_to_ect_triage(api, received_date=received_date)
        print(f"   {case['reference']}: {case['status']}")
    print("== Case A at assessment: triage → queue → allocation → resolution")
    async with httpx.AsyncClient(timeout=10) as http:
        services = assessment_steps.Services(http, urls, headers, verbose=True)
        got = await assessment_steps.case_a(
            services, case["id"], complainant_person_id=person["id"],
            caseworker=WALKTHROUGH_CW, triager="walkthrough-ect",
        )  # fmt: skip
    register = got["register"]
    print(
        f"   {case['reference']}: {register['status']} '{register['closure_code']}' at "
        f"{register['service']}"
    )
    await decision_cases(urls, headers, received_date)


async def decision_cases(
    urls: dict[str, str], headers: assessment_steps.Headers, received_date: str
) -> None:
    """Cases B, C and D: referred by intake to the allocation queue, then decided at further
    consideration."""
    async with httpx.AsyncClient(base_url=urls["intake"], timeout=10) as http:
        api = Api(http, headers("intake_caseworker", sub="walkthrough-caseworker"), verbose=True)
        print("== Case B: MP-referred parliamentary complaint → allocation queue (intake)")
        case_b, person_b, mp = await parliamentary_case_referred(
            api, received_date=received_date, given="Sam", route="awaiting_allocation"
        )
        print(f"   {case_b['reference']}: {case_b['status']}")
        print("== Case C: health complaint → allocation queue (intake)")
        case_c, person_c = await health_case_referred(
            api, received_date=received_date, given="Casey", route="awaiting_allocation"
        )
        print(f"   {case_c['reference']}: {case_c['status']}")
        print("== Case D: health complaint → allocation queue (intake)")
        case_d, person_d = await health_case_referred(
            api, received_date=received_date, given="Robin", route="awaiting_allocation"
        )
        print(f"   {case_d['reference']}: {case_d['status']}")
    async with httpx.AsyncClient(timeout=10) as http:
        services = assessment_steps.Services(http, urls, headers, verbose=True)
        print("== Case B at assessment: allocation → ready → decline, copied to the MP")
        got = await assessment_steps.case_b(
            services, case_b["id"], caseworker=WALKTHROUGH_CW,
            complainant_person_id=person_b["id"], mp_person_id=mp["id"],
        )  # fmt: skip
        register = got["register"]
        print(
            f"   {case_b['reference']}: {register['status']} '{register['closure_code']}' at "
            f"{register['service']}"
        )
        print("== Case C at assessment: allocation → ready → proposal → investigation at M1")
        got = await assessment_steps.case_c(
            services, case_c["id"], caseworker=WALKTHROUGH_CW,
            complainant_person_id=person_c["id"],
        )  # fmt: skip
        milestones = [m["label"] for m in got["investigation"]["milestones"]]
        print(
            f"   {case_c['reference']}: {got['register']['status']}; investigation-api: "
            f"{got['investigation']['status']}, {', '.join(milestones)}"
        )
        print("== Case D at assessment: allocation → ready → resolution agreed → compliance item")
        got = await assessment_steps.case_d(
            services, case_d["id"], caseworker=WALKTHROUGH_CW,
            complainant_person_id=person_d["id"],
        )  # fmt: skip
        print(
            f"   {case_d['reference']}: {got['register']['status']} "
            f"'{got['register']['closure_code']}'; compliance-api: {got['item']['kind']} item "
            f"{got['item']['status']}"
        )


def not_running(url: str, service: str = "intake-api") -> str:
    """The one line ``make walkthrough`` prints when a service does not answer."""
    return (
        f"ERROR: {service} is not answering at {url}: start the services with "
        "`make run` in another terminal and wait for 'All services are ready', then try again."
    )


def intake_answers(intake_url: str) -> bool:
    """Whether a service's liveness answers 200 at ``intake_url`` (before any step prints)."""
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
    parser.add_argument("--assessment-url", default=f"http://127.0.0.1:{PORTS['assessment']}")
    parser.add_argument("--compliance-url", default=f"http://127.0.0.1:{PORTS['compliance']}")
    parser.add_argument("--investigation-url", default=f"http://127.0.0.1:{PORTS['investigation']}")
    parser.add_argument("--received-date", default=datetime.now(UTC).date().isoformat())
    args = parser.parse_args(argv)
    urls = {
        "intake": args.intake_url,
        "assessment": args.assessment_url,
        "compliance": args.compliance_url,
        "investigation": args.investigation_url,
    }

    def headers(*roles: str, sub: str | None = None) -> dict[str, str]:
        token = mint_dev_token(
            keys_dir=KEYS_DIR, issuer=DEV_ISSUER, audience=DEV_TOKEN_AUDIENCES,
            sub=sub or f"walkthrough-{'-'.join(roles)}", roles=list(roles),
        )  # fmt: skip
        return {"Authorization": f"Bearer {token}"}

    for service, url in urls.items():
        if not intake_answers(url):
            print(not_running(url, f"{service}-api"), file=sys.stderr)
            raise SystemExit(1)
    try:
        asyncio.run(run(urls, headers, args.received_date))
    except httpx.ConnectError as exc:
        # One went away during the walk-through: one line, not the client's traceback.
        gone = next((s for s, u in urls.items() if str(exc.request.url).startswith(u)), "intake")
        print(not_running(urls[gone], f"{gone}-api"), file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()

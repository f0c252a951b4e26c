"""Issue #12: a case from intake through assessment to closure, all four services as real
processes wired as ``make run`` wires them (each service's default subscribers and peers, on
free ports of a private PostgreSQL), through public HTTP only.

- Case A: intake refers it to ECT triage; the Executive Team's threshold set is approved; the
  PVM assessment supports further consideration; triage passes it to the allocation queue
  (T19), where it is listed and offered as the caseworker's next case; it is allocated (T24);
  a risk assessment is recorded at compliance-api; the caseworker resolves it on the EC
  approach (ASM-052, ASM-066…070, T22): closed 'general discretion - resolution'.
- Case B: intake refers it to DR (T15); both consent forms come back (T27); the resolution
  conference agrees (T29): closed 'DR resolution agreement'.

Each time, intake's register (``GET /v1/cases/{id}``, ``now_at``) shows where assessment has
the case, from assessment's events delivered by its relay.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from casework_dev import assessment_steps as steps
from casework_dev.intake_steps import Api, patch_case
from tests.e2e.stack import Stack, four_services
from tests.intake.api import BuiltCase, ready_case

pytestmark = pytest.mark.slow

LONDON = ZoneInfo("Europe/London")
CW = "e2e-path-cw"  # the caseworker case A is allocated to
DR_CW = "e2e-path-dr-cw"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with four_services(tmp_path_factory.mktemp("assessment-path"), "path") as started:
        yield started


def services(stack: Stack, http: httpx.AsyncClient) -> steps.Services:
    urls = {s: stack.url(s) for s in ("intake", "assessment", "compliance")}
    return steps.Services(http=http, urls=urls, headers=stack.headers)


async def refer(stack: Stack, route: str) -> BuiltCase:
    """At intake: a ready case routed to ``route`` and referred (T13/T15)."""
    today = datetime.now(LONDON).date().isoformat()
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=15) as intake:
        api = Api(intake, stack.headers("intake_caseworker", sub="e2e-path-ic"))
        ready = await ready_case(api, received_date=today, at=datetime.now(UTC))
        await patch_case(api, ready.id, {"route": route, "reason": f"Route: {route}"})
        referred = await api.call(
            "POST", ready.refer, json={"reason": "Ready for further consideration"}
        )
    assert referred["status"] == "referred", referred
    return ready


async def test_case_a_triaged_allocated_and_resolved_on_the_ec_approach__ASM_052_ASM_085(
    stack: Stack,
) -> None:
    async with httpx.AsyncClient(timeout=15) as http:
        s = services(stack, http)
        try:
            await _case_a(s, await refer(stack, "ect_triage"))
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{stack.logs()}") from None


async def _case_a(s: steps.Services, case: BuiltCase) -> None:
    # The README walk-through's case A (casework_dev.assessment_steps.case_a checks each step
    # and intake's register after each move); in a fresh stack the case is the only one
    # queued, so "next case" offers it.
    got = await steps.case_a(
        s, case.id, complainant_person_id=case.person["id"], caseworker=CW,
        triager="e2e-path-ect",
    )  # fmt: skip
    assert (got["scored"]["score"], got["scored"]["outcome"]) == (9, "consider_further")
    assert got["entry"]["reference"] == case.case["reference"]
    assert got["offered"]["entry"]["id"] == got["entry"]["id"]
    assert got["allocation"]["entry"]["allocated_to"] == CW
    assert got["resolved"]["status"] == "closed"
    assert got["resolved"]["decision"]["closure_code"] == "general discretion - resolution"
    assert (got["register"]["status"], got["register"]["owner"]) == ("closed", CW)


async def test_case_b_through_dr_to_a_resolution_agreement__ASM_062_ASM_064(
    stack: Stack,
) -> None:
    async with httpx.AsyncClient(timeout=15) as http:
        s = services(stack, http)
        try:
            await _case_b(s, await refer(stack, "dispute_resolution"))
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{stack.logs()}") from None


async def _case_b(s: steps.Services, case: BuiltCase) -> None:
    cid = case.id
    dr = f"/v1/cases/{cid}/dr"
    await steps.at_assessment(s, cid, "dr_consent_pending")
    await steps.register_shows(s, cid, service="assessment-api", status="dr_consent_pending")

    dr_team = s.headers("caseworker", sub=DR_CW)
    proposal = {  # the consent form goes to the complainant intake holds (ASM-062)
        "organisation_id": case.organisations[0]["id"],
        "dr_caseworker": DR_CW, "complainant_willing": True, "organisation_willing": True,
    }  # fmt: skip
    proposed = await s.call("POST", "assessment", dr, dr_team, json=proposal, expect=201)
    assert proposed["prior_status"] is None  # T15: intake sent it straight to DR
    for party in ("complainant", "organisation"):  # ASM-062: both consent forms back
        await s.call("POST", "assessment", f"{dr}/consents", dr_team, json={"party": party})
    await s.call("POST", "assessment", f"{dr}/transfer", dr_team)  # T27
    await steps.register_shows(
        s, cid, service="assessment-api", status="dispute_resolution", owner=DR_CW
    )

    await s.call(
        "POST", "compliance", f"/v1/risk/cases/{cid}/assessments", dr_team,
        json=steps.NO_RISK_DECLINE, expect=201,
    )  # fmt: skip
    conference = {
        "mode": "videoconference", "outcome": "agreed",
        "held_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "agreed_outcomes": ["The trust apologises in writing and reviews its checklist."],
        "agreed_by_complainant": True, "agreed_by_organisation": True,
        "mediated_components": [],
    }  # fmt: skip
    agreed = await s.call("POST", "assessment", f"{dr}/conference", dr_team, json=conference)
    assert (agreed["case_status"], agreed["closure_code"]) == ("closed", "DR resolution agreement")

    await steps.register_shows(
        s, cid, service="assessment-api", status="closed", closure_code="DR resolution agreement"
    )

"""Assessment steps over HTTP, along the README walk-through's case A: a case intake referred to
ECT triage is triaged with the Public Value Model, passed to the allocation queue, allocated,
risk-assessed at compliance-api and resolved on the early-consideration approach; intake's
register follows it. Shared by ``make walkthrough`` (against ``make run``) and the end-to-end
test (tests/e2e/test_assessment_path.py, four real processes).

Each call checks its status code and raises ``StepFailed`` with the answer when it differs;
each wait is bounded and fails with what it last saw.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from casework_dev.intake_steps import StepFailed

LONDON = ZoneInfo("Europe/London")
WAIT_S = 30.0

Headers = Callable[..., dict[str, str]]  # (*roles, sub=...) → an Authorization header

# Injustice level 5 and every criterion met: score 9, at the threshold set below (ASM-044/046).
PVM_CONSIDER_FURTHER: dict[str, Any] = {
    "claimed_injustices": [{"description": "Delayed diagnosis after discharge", "level": 5}],
    "criteria": {
        "access_and_equality": 1, "continuing_impact": 1, "public_interest": 1,
        "systemic_risk": 1,
    },
    "answers": {
        "access_and_engagement": "Engages well by email.",
        "underrepresented_or_protected": "No indication.",
        "parliamentary_monitoring": "Health body: not applicable.",
        "continuing_significant_impact": "The delay continues to affect treatment.",
        "wider_public_interest": "Similar complaints about this trust.",
        "larger_scale_or_safety": "A discharge checklist used trust-wide.",
        "volume_and_recurrence": "Three similar cases this year.",
    },
    "information_sources": "Complaint form, the trust's response and a precedent check.",
    "minimal_intervention_considered": True,
    "minimal_intervention_note": "The trust has not acknowledged a failing.",
}  # fmt: skip
THRESHOLD_SET = {"decline_below": 9, "rationale": "Demand and capacity this quarter."}
# XC-RSK-001: the risk assessment a decision not to investigate needs (a resolution is one).
NO_RISK_DECLINE = {
    "trigger": "decline",
    "conflicts_of_interest_considered": True,
    "organisation_ids": [],
    "risks": [],
    "low_rationale": "No indication at this stage that a risk is present",
}


def resolution_body(*, agreed_at: datetime) -> dict[str, Any]:
    """T22 (ASM-066…070): our action, the complainant's agreement, resolved overall, and the
    code for a case ready for us (complaints process complete, properly made). No party ids:
    the decision reads them from intake (ASM-173)."""
    return {
        "closure_code": "general discretion - resolution",
        "our_action": "We asked the trust to apologise and explain the delay.",
        "organisation_already_acting": False,
        "outcome": "The trust apologised and explained the delay in writing.",
        "complainant_agreed": True,
        "agreed_at": agreed_at.isoformat(),
        "components": [
            {"description": "Delay in diagnosis", "significant": True, "resolved": True}
        ],
        "complaints_process_complete": True,
        "properly_made": True,
    }


@dataclass
class Services:
    """The running services' base URLs, a client, and a way to mint bearer headers."""

    http: httpx.AsyncClient
    urls: dict[str, str]  # intake, assessment, compliance
    headers: Headers
    verbose: bool = False

    async def call(
        self, method: str, service: str, path: str, auth: dict[str, str], *, expect: int = 200,
        json: Any = None, params: dict[str, Any] | None = None,
    ) -> Any:  # fmt: skip
        """The JSON answer; fails on another status code."""
        url = f"{self.urls[service]}{path}"
        r = await self.http.request(method, url, headers=auth, json=json, params=params)
        if r.status_code != expect:
            raise StepFailed(f"{method} {url} → {r.status_code}: {r.text}")
        if self.verbose:
            print(f"  {method:<5} {service}-api {path} → {r.status_code}")
        return r.json() if r.content else None


async def until(
    what: str, probe: Callable[[], Awaitable[tuple[bool, Any]]], *, within: float = WAIT_S
) -> Any:
    """Poll ``probe`` (done, last seen) until done; after ``within`` s fail with the last seen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        done, seen = await probe()
        if done:
            return seen
        if loop.time() > deadline:
            raise StepFailed(f"{what}: not within {within}s; last seen: {seen!r}")
        await asyncio.sleep(0.1)


async def at_assessment(s: Services, case_id: str, status: str) -> dict[str, Any]:
    """GET assessment-api /v1/cases/{id} until the case is there in ``status``."""
    reader = s.headers("caseworker")

    async def probe() -> tuple[bool, Any]:
        r = await s.http.get(f"{s.urls['assessment']}/v1/cases/{case_id}", headers=reader)
        if r.status_code != 200:
            return False, (r.status_code, r.text[:300])
        return r.json()["status"] == status, r.json()

    found: dict[str, Any] = await until(f"assessment holds {case_id} as {status}", probe)
    if s.verbose:
        print(f"  GET   assessment-api /v1/cases/{case_id} → 200 (status {status})")
    return found


async def register_shows(s: Services, case_id: str, **expected: Any) -> dict[str, Any]:
    """GET intake-api /v1/cases/{id} until its ``now_at`` has the ``expected`` values."""
    reader = s.headers("intake_caseworker")

    async def probe() -> tuple[bool, Any]:
        r = await s.http.get(f"{s.urls['intake']}/v1/cases/{case_id}", headers=reader)
        if r.status_code != 200:
            return False, (r.status_code, r.text[:300])
        now_at = r.json()["now_at"]
        done = now_at is not None and all(now_at.get(k) == v for k, v in expected.items())
        return done, now_at

    found: dict[str, Any] = await until(f"intake's register shows {expected}", probe)
    if s.verbose:
        shown = ", ".join(f"{k}={v}" for k, v in expected.items())
        print(f"  GET   intake-api /v1/cases/{case_id} → 200 (now_at: {shown})")
    return found


async def ensure_staff(s: Services, staff_id: str, *, grade: str, team: str | None) -> None:
    """The staff directory's entry for ``staff_id`` (POST /v1/staff, unless it exists)."""
    admin = s.headers("staff_admin")
    r = await s.http.get(f"{s.urls['assessment']}/v1/staff/{staff_id}", headers=admin)
    if r.status_code == 200:
        return
    body = {
        "staff_id": staff_id, "display_name": "Example Caseworker", "grade": grade,
        "roles": [grade], "team": team,
    }  # fmt: skip
    await s.call("POST", "assessment", "/v1/staff", admin, json=body, expect=201)


async def ensure_threshold_set(s: Services) -> dict[str, Any]:
    """ASM-046: an Executive Team threshold set in force today; proposed by an operations
    manager and approved by a deputy ombudsman when none is."""
    today = datetime.now(LONDON).date().isoformat()
    sets = await s.call("GET", "assessment", "/v1/triage/threshold-sets", s.headers("caseworker"))
    in_force = [t for t in sets if t["status"] == "approved" and t["effective_from"] <= today]
    if in_force:
        return dict(in_force[-1])
    proposed = await s.call(
        "POST", "assessment", "/v1/triage/threshold-sets",
        s.headers("operations_manager", sub="walkthrough-om"),
        json={"effective_from": today, **THRESHOLD_SET}, expect=201,
    )  # fmt: skip
    approved: dict[str, Any] = await s.call(
        "POST", "assessment", f"/v1/triage/threshold-sets/{proposed['id']}/decision",
        s.headers("deputy_ombudsman", sub="walkthrough-do"),
        json={"approve": True, "reason": "Agreed at the Executive Team meeting."},
    )  # fmt: skip
    if approved["status"] != "approved":
        raise StepFailed(f"the threshold set was not approved: {approved}")
    return approved


async def triage_to_queue(s: Services, case_id: str, *, triager: str) -> dict[str, Any]:
    """ECT triage (ASM-044…046): the PVM assessment, scored against the set in force, then T19
    to the allocation queue."""
    ect = s.headers("caseworker", sub=triager)
    scored: dict[str, Any] = await s.call(
        "POST", "assessment", f"/v1/cases/{case_id}/triage/assessments", ect,
        json=PVM_CONSIDER_FURTHER, expect=201,
    )  # fmt: skip
    if scored["outcome"] != "consider_further":
        raise StepFailed(f"the PVM assessment did not support further consideration: {scored}")
    await s.call(
        "POST", "assessment", f"/v1/cases/{case_id}/triage/pass-on", ect,
        json={"to": "awaiting_allocation", "reason": "The PVM score supports it."},
    )  # fmt: skip
    return scored


async def allocate(s: Services, case_id: str, *, caseworker: str) -> dict[str, Any]:
    """ASM-085: the case's entry in the central queue, the caseworker's "next case", and T24:
    allocated to the caseworker (who allocates to themself). Returns the allocation and what
    "next case" offered."""
    me = s.headers("caseworker", sub=caseworker)
    queue = await s.call("GET", "assessment", "/v1/allocation-queue", me, params={"limit": 100})
    entries = [e for e in queue["items"] if e["case_id"] == case_id]
    if len(entries) != 1 or entries[0]["status"] != "queued":
        raise StepFailed(f"case {case_id} is not queued once: {queue['items']}")
    offered = await s.call("GET", "assessment", "/v1/allocation-queue/next", me)
    allocation: dict[str, Any] = await s.call(
        "POST", "assessment", f"/v1/allocation-queue/{entries[0]['id']}/allocation", me,
        json={"caseworker_id": caseworker},
    )  # fmt: skip
    return {"allocation": allocation, "offered": offered, "entry": entries[0]}


async def resolve(
    s: Services, case_id: str, *, caseworker: str, complainant_person_id: str
) -> dict[str, Any]:
    """XC-RSK-001 then T22 on the EC approach by the allocated caseworker (ASM-052); the
    decision goes to the complainant intake holds (ASM-173), read from intake when it is made."""
    me = s.headers("caseworker", sub=caseworker)
    assessed = await s.call(
        "POST", "compliance", f"/v1/risk/cases/{case_id}/assessments", me,
        json=NO_RISK_DECLINE, expect=201,
    )  # fmt: skip
    agreed_at = datetime.now(UTC) - timedelta(minutes=5)
    resolved: dict[str, Any] = await s.call(
        "POST", "assessment", f"/v1/cases/{case_id}/early/resolution", me,
        json=resolution_body(agreed_at=agreed_at),
    )  # fmt: skip
    if resolved["decision"]["risk_assessment_id"] != assessed["id"]:
        raise StepFailed(f"the resolution does not name the risk assessment: {resolved}")
    read = (resolved["decision"].get("parties") or {}).get("read_from_intake", [])
    if not any(
        p["person_id"] == complainant_person_id and p["role"] == "complainant" for p in read
    ):
        raise StepFailed(f"the resolution did not go to intake's complainant: {resolved}")
    return resolved


async def case_a(
    s: Services, case_id: str, *, complainant_person_id: str, caseworker: str, triager: str
) -> dict[str, Any]:
    """The walk-through's case A at assessment, each step checked, intake's register after
    each move. Returns what the steps answered (the "next case" offer among them)."""
    at_triage = await at_assessment(s, case_id, "ect_triage")  # T13
    await register_shows(s, case_id, service="assessment-api", status="ect_triage")
    # ASM-085: at ECT triage the case is not awaiting allocation, so not in the queue.
    reader = s.headers("caseworker")
    queue = await s.call("GET", "assessment", "/v1/allocation-queue", reader, params={"limit": 100})
    if case_id in {e["case_id"] for e in queue["items"]}:
        raise StepFailed(f"case {case_id} at ECT triage is in the allocation queue")

    await ensure_staff(s, caseworker, grade="caseworker", team="general-1")
    await ensure_threshold_set(s)
    scored = await triage_to_queue(s, case_id, triager=triager)  # T19
    await register_shows(s, case_id, service="assessment-api", status="awaiting_allocation")

    allocated = await allocate(s, case_id, caseworker=caseworker)  # T24
    held = await at_assessment(s, case_id, "further_consideration")
    if (held["owner"], held["team"]) != (caseworker, "general-1"):
        raise StepFailed(f"the allocated case is not held by {caseworker}: {held}")
    await register_shows(
        s, case_id, service="assessment-api", status="further_consideration", owner=caseworker,
        team="general-1",
    )  # fmt: skip

    resolved = await resolve(
        s, case_id, caseworker=caseworker, complainant_person_id=complainant_person_id
    )  # T22 (ASM-052)
    closed = await register_shows(
        s, case_id, service="assessment-api", status="closed",
        closure_code="general discretion - resolution",
    )  # fmt: skip
    return {
        "at_triage": at_triage, "scored": scored, **allocated, "resolved": resolved,
        "register": closed,
    }  # fmt: skip

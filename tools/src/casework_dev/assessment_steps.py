"""Assessment steps over HTTP, along the README walk-through's cases:

- case A: a case intake referred to ECT triage is triaged with the Public Value Model, passed to
  the allocation queue, allocated, risk-assessed at compliance-api and resolved on the
  early-consideration approach (tests/e2e/test_assessment_path.py);
- case B: an MP-referred parliamentary case is allocated, made ready for a decision
  (``prepare_for_decision``) and declined (T32), the referring MP copied, the decline refused
  until a ``decline`` risk assessment is recorded at compliance-api;
- case C: a health case is allocated, made ready and proposed for investigation (T35), and
  investigation-api opens its record at Milestone 1;
- case D: a health case is allocated, made ready for a resolution and resolved with the
  organisation at further consideration (T33, ``resolve_with_organisation``), the resolution
  item stored at compliance-api (tests/e2e/test_decisions_path.py runs B, C and D).

Intake's register follows each case. Shared by ``make walkthrough`` (against ``make run``) and
the end-to-end tests (four real processes).

Each call checks its status code and raises ``StepFailed`` with the answer when it differs;
each wait is bounded and fails with what it last saw.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
    urls: dict[str, str]  # intake, assessment, compliance, investigation
    headers: Headers
    verbose: bool = False

    async def call(
        self, method: str, service: str, path: str, auth: dict[str, str], *, expect: int = 200,
        json: Any = None, params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:  # fmt: skip
        """The JSON answer; fails on another status code."""
        return (
            await self.send(
                method, service, path, auth, expect=expect, json=json, params=params,
                headers=headers,
            )
        )[0]  # fmt: skip

    async def send(
        self, method: str, service: str, path: str, auth: dict[str, str], *, expect: int = 200,
        json: Any = None, params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[Any, str | None]:  # fmt: skip
        """The JSON answer and its ETag; fails on another status code."""
        url = f"{self.urls[service]}{path}"
        r = await self.http.request(
            method, url, headers={**auth, **(headers or {})}, json=json, params=params
        )
        if r.status_code != expect:
            raise StepFailed(f"{method} {url} → {r.status_code}: {r.text}")
        if self.verbose:
            print(f"  {method:<5} {service}-api {path} → {r.status_code}")
        return (r.json() if r.content else None), r.headers.get("etag")


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


# --- Cases B and C: from allocation to a decision at further consideration (issue #13) --------

TEAM = "general-1"  # the caseworkers' team in the staff directory

# ASM-102 (¶2.219): every area of the first conversation with the complainant covered.
CHECKLIST_ITEMS = (
    "identity_verified", "introduction_and_role", "appropriate_time",
    "circumstances_and_impact_acknowledged", "stage_and_next_steps_explained",
    "adjustment_contact_method_agreed", "further_information_established",
    "injustice_and_outcome_recorded", "clinical_advice_explained",
    "financial_amounts_and_severity_scale", "expectations_managed",
    "timescales_and_next_contact", "edr_suitability_considered", "contact_details_given",
)  # fmt: skip
# ASM-092: the gate tests the caseworker records (remit, time limit and ALR come from their
# sections of the form).
TYPED_GATES = (
    "properly_made", "premature", "maladministration_indications", "injustice", "unremedied",
)  # fmt: skip

# T32 on a single reason (ASM-093): general discretion, 'outcome not achievable'; the same reason
# as the Decision Form records (DECLINE_DECISION).
DECLINE_RATIONALE = (
    "The department has already apologised and changed the procedure; an investigation could "
    "achieve nothing more for the complainant."
)
DECLINE_BODY: dict[str, Any] = {
    "closure_code": "other reason to decline",
    "discretion": "general",
    "other_reason": "outcome not achievable",
    "rationale": DECLINE_RATIONALE,
}
DECLINE_DECISION: dict[str, Any] = {
    "outcome": "decline",
    "decline_reason": {
        "closure_code": "other reason to decline", "discretion": "general",
        "other_reason": "outcome not achievable", "rationale": DECLINE_RATIONALE,
    },
}  # fmt: skip
PROPOSE_DECISION: dict[str, Any] = {"outcome": "propose to investigate"}
# T33 (ASM-156 ¶3.67): the form records the resolution the organisation is asked to agree.
RESOLVE_DECISION: dict[str, Any] = {"outcome": "resolve"}
# ASM-105, ASM-108: the complaint as agreed with the complainant, one issue and one component.
COMPLAINT_ISSUE = "Late reply to the complaint"
COMPLAINT_SUMMARY = (
    "The complainant says the organisation replied to their complaint weeks late, after they "
    "chased it several times."
)
ORGANISATION_RATIONALE = "Its one component makes the organisation's decision."
PROPOSAL_BODY = {
    "rationale": "Indications of service failure in the discharge planning and an unremedied "
    "injustice; every gate test passed."
}
# XC-RSK-001 (ASM-177): the risk assessment a proposal to investigate needs.
NO_RISK_PROPOSE = {**NO_RISK_DECLINE, "trigger": "propose"}
# ASM-139, ASM-140 (¶3.4–3.8): the should-we sections a Decision Form recording a proposal has.
SHOULD_WE: dict[str, Any] = {
    "maladministration": {
        "indicated": True,
        "should_have_happened": "A reply to the complaint within the organisation's timescale.",
        "did_happen": "The reply was sent weeks late, after the complainant chased it.",
        "gap": "Several weeks of delay against the organisation's own complaints procedure.",
        "admitted_failings": "The final response apologises for the delay.",
    },
    "injustice": {
        "could_have_caused_injustice": True,
        "likely_caused_by_failings": True,
        "reasoning": "The delay caused avoidable distress and time spent chasing a reply.",
        "organisation_actions": "An apology; no other remedy offered.",
        "remedied": "not_remedied",
        "remedied_rationale": "An apology alone does not address the distress described.",
        "outcome_sought_considered": True,
    },
}
# ASM-159, ASM-160: the proposal plan (the organisations written to are derived from the
# complaint handlers and intake's register).
PROPOSAL_PLAN: dict[str, Any] = {
    "scope": "How the organisation handled the complaint and the delay in replying to it",
    "injustice_claimed": "Distress and time spent chasing a reply",
    "outcome_sought": "An apology and a review of the complaints procedure",
}
# ASM-142 (¶3.12–3.13): a health case's record that no clinical advice is needed, the
# Operations Manager having agreed.
CLINICAL_DECISION: dict[str, Any] = {
    "clinical_decision_involved": True,
    "om_id": "walkthrough-om",
    "om_outcome": "agreed_not_required",
    "rationale": "The complaint is about a reply sent late; no clinical judgement is at issue, "
    "as the Operations Manager agreed.",
}


def decision_form_sections(*, received: date, jurisdiction: str, declining: bool) -> dict[str, Any]:
    """The Decision Form's sections before its decision: remit and suitability first (ASM-091),
    the analysis (ASM-090), each gate test (ASM-092; for a decline the injustice is already
    remedied), the facts the time limit is computed from (ASM-118…120: aware 60 days before the
    complaint reached us; parliamentary, measured to the day it went to the MP), no alternative
    legal remedy (ASM-128), the precedent check (ASM-114) and the material evidence (ASM-170)."""
    time_limit: dict[str, Any] = {"awareness_date": (received - timedelta(days=60)).isoformat()}
    if jurisdiction == "parliamentary":
        time_limit["complaint_to_mp_date"] = (received - timedelta(days=30)).isoformat()
    failed = {"unremedied"} if declining else set()
    should_we = {} if declining else SHOULD_WE  # ASM-139, ASM-140: a proposal records them
    return {
        **should_we,
        "remit": {"in_remit": True},
        "suitability": {"suitable": True},
        "analysis": "The records show the reply to the complaint was sent weeks late and the "
        "complainant chased it several times.",
        "gate_results": [
            {"test": g, "result": "failed" if g in failed else "passed"} for g in TYPED_GATES
        ],
        "time_limit": time_limit,
        "alr": {"exists": False},
        "precedent_check": {
            "carried_out_on": received.isoformat(),
            "findings": "No similar complaints about this organisation in the last two years.",
        },
        "material_evidence": [
            {"document_ref": "DOC-0001", "description": "The organisation's final response"}
        ],
    }


async def to_further_consideration(s: Services, case_id: str, *, caseworker: str) -> dict[str, Any]:
    """T14 (intake passed it to the allocation queue) then T24: allocated to ``caseworker``, who
    then holds it at further consideration; intake's register after each move."""
    await at_assessment(s, case_id, "awaiting_allocation")
    await register_shows(s, case_id, service="assessment-api", status="awaiting_allocation")
    await ensure_staff(s, caseworker, grade="caseworker", team=TEAM)
    allocated = await allocate(s, case_id, caseworker=caseworker)
    held = await at_assessment(s, case_id, "further_consideration")
    if (held["owner"], held["team"]) != (caseworker, TEAM):
        raise StepFailed(f"the allocated case is not held by {caseworker}: {held}")
    await register_shows(
        s, case_id, service="assessment-api", status="further_consideration", owner=caseworker
    )
    return {**allocated, "case": held}


async def prepare_for_decision(
    s: Services, case_id: str, *, caseworker: str, complainant_person_id: str,
    decision: dict[str, Any], mp_person_id: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Every step that gets a case at further consideration ready for ``decision`` (the Decision
    Form's decision section), each checked:

    1. contact after allocation (ASM-099…102): the complainant reached by telephone, their
       method (ASM-100), the ¶2.219 checklist covered; contact then says a decision may be made;
    2. an MP-referred case: the referring MP told who is considering it (ASM-104);
    3. the suitability assessment: the complainant is the aggrieved (ASM-109…113), so the
       Decision Form may say "suitable" (ASM-091); then the Decision Form: started with its
       sections (a proposal's with the should-we indications, ASM-139, ASM-140), then saved
       whole with the decision under ``If-Match`` (ASM-090…093), and its readiness lists
       nothing missing for that decision;
    4. the organisation intake referred recorded on the case, its complaints process complete
       (ASM-071, ASM-078; ``complaint_handlers``);
    5. the complaint summary, a component for that organisation with its decision, and the
       organisation decision it makes (ASM-105…108, ASM-176; ``summary_and_components``);
    6. a health case: the record that no clinical advice is needed, the Operations Manager
       agreeing (ASM-142; ``clinical_advice_decided``);
    7. a proposal: the proposal plan, nothing missing (ASM-159…167; ``proposal_plan``);
    8. the decision approved under the Delegation Scheme (ASM-172; ``approve_decision``);
    9. ``GET /v1/cases/{id}/decision-readiness`` lists nothing left before that decision.

    With one organisation, no separate decision per handler applies (ASM-076, ASM-081)."""
    me = s.headers("caseworker", sub=caseworker)
    case = await s.call("GET", "assessment", f"/v1/cases/{case_id}", me)
    contact = f"/v1/cases/{case_id}/contact"
    attempt = {
        "person_id": complainant_person_id, "channel": "telephone",
        "attempted_at": datetime.now(UTC).isoformat(), "outcome": "reached",
        "introduced": True, "contact_details_given": True, "purpose_explained": True,
        "checklist": [{"item": item, "answer": "covered"} for item in CHECKLIST_ITEMS],
    }  # fmt: skip
    reached = await s.call(
        "POST", "assessment", f"{contact}/attempts", me, json=attempt, expect=201
    )
    if not reached["first_contact"]:
        raise StepFailed(f"the conversation was not first contact (ASM-099): {reached}")
    if mp_person_id is not None:
        told = {
            "person_id": mp_person_id, "channel": "email",
            "attempted_at": datetime.now(UTC).isoformat(), "outcome": "written_no_reply",
            "introduced": True, "contact_details_given": True,
        }  # fmt: skip
        await s.call("POST", "assessment", f"{contact}/mp", me, json=told, expect=201)
    state = await s.call("GET", "assessment", contact, me)
    if not state["decision_ready"] or any(t["done_at"] is None for t in state["mp_tasks"]):
        raise StepFailed(f"contact after allocation is not done (ASM-101/102/104): {state}")

    suitability = await s.call(
        "POST", "assessment", f"/v1/cases/{case_id}/suitability", me, expect=201,
        json={"complainant_is_aggrieved": True, "aggrieved_person_id": complainant_person_id},
    )  # fmt: skip
    form = f"/v1/cases/{case_id}/decision-form"
    declining = decision["outcome"] == "decline"
    # What is left before it: a resolution (T33) has its own list (ASM-156).
    before = {"decline": "before_decline", "resolve": "before_resolution"}.get(
        decision["outcome"], "before_proposal"
    )
    sections = decision_form_sections(
        received=date.fromisoformat(case["received_date"]), jurisdiction=case["jurisdiction"],
        declining=declining,
    )  # fmt: skip
    started, etag = await s.send(
        "POST", "assessment", form, me, json={**sections, "reason": "After the first conversation"},
        expect=201,
    )  # fmt: skip
    if etag is None:
        raise StepFailed(f"the new Decision Form has no ETag: {started}")
    saved = await s.call(
        "PUT", "assessment", form, me, headers={"If-Match": etag},
        json={**sections, "decision": decision, "reason": "The decision recorded"},
    )  # fmt: skip
    ready = await s.call("GET", "assessment", f"{form}/readiness", me)
    missing = ready[before]
    if saved["version"] != started["version"] + 1 or missing:
        raise StepFailed(f"the Decision Form is not ready for {decision['outcome']}: {ready}")

    organisation_id = str(case["organisation_ids"][0])
    handlers = await complaint_handlers(s, case_id, organisation_id, caseworker=caseworker)
    components = await summary_and_components(
        s, case_id, organisation_id, caseworker=caseworker, attempt_id=reached["id"],
        decision=decision,
    )  # fmt: skip
    advice = None
    if case["jurisdiction"] == "health":
        advice = await clinical_advice_decided(s, case_id, caseworker=caseworker)
    plan = None
    if before == "before_proposal":
        plan = await proposal_plan(s, case_id, caseworker=caseworker)
    approval = await approve_decision(s, case_id, caseworker=caseworker, decision=decision)
    gates = await s.call("GET", "assessment", f"/v1/cases/{case_id}/decision-readiness", me)
    if gates[before]:
        raise StepFailed(f"the case is not ready for {decision['outcome']}: {gates}")
    return {
        "contact": state, "suitability": suitability, "form": saved, "readiness": ready,
        "handlers": handlers, "components": components, "advice": advice, "plan": plan,
        "approval": approval, "decision_readiness": gates,
    }  # fmt: skip


async def clinical_advice_decided(s: Services, case_id: str, *, caseworker: str) -> dict[str, Any]:
    """ASM-142 (¶3.12–3.13): a health case's record of whether clinical advice is needed; here a
    view on a clinical decision is involved but the Operations Manager agreed, today, that it can
    be decided without clinical advice, with the reasoning."""
    me = s.headers("caseworker", sub=caseworker)
    today = datetime.now(LONDON).date().isoformat()
    recorded: dict[str, Any] = await s.call(
        "POST", "assessment", f"/v1/cases/{case_id}/advice/clinical-decisions", me,
        json={**CLINICAL_DECISION, "om_discussed_on": today}, expect=201,
    )  # fmt: skip
    return recorded


async def proposal_plan(s: Services, case_id: str, *, caseworker: str) -> dict[str, Any]:
    """ASM-159…167: the proposal prepared (scope, injustice claimed, outcome sought); the
    organisations written to are derived from the complaint handlers recorded before it and
    intake's register. The plan must list nothing missing."""
    me = s.headers("caseworker", sub=caseworker)
    plan: dict[str, Any] = await s.call(
        "POST", "assessment", f"/v1/cases/{case_id}/proposal/plan", me, json=PROPOSAL_PLAN,
        expect=201,
    )  # fmt: skip
    if not plan["ready"] or plan["gaps"]:
        raise StepFailed(f"the proposal plan is not ready (ASM-159…167): {plan}")
    return plan


async def complaint_handlers(
    s: Services, case_id: str, organisation_id: str, *, caseworker: str
) -> dict[str, Any]:
    """The organisations intake referred, recorded against the case (ASM-072, ASM-079): the one
    organisation complained about, its complaints process complete (ASM-071, ASM-078; a
    proposal needs it), under ``If-Match``. Components are recorded against it."""
    me = s.headers("caseworker", sub=caseworker)
    handlers = f"/v1/cases/{case_id}/handlers"
    await s.call("POST", "assessment", handlers, me, json={}, expect=201)
    org = f"{handlers}/organisations/{organisation_id}"
    _, etag = await s.send("GET", "assessment", org, me)
    if etag is None:
        raise StepFailed(f"the case's organisation {organisation_id} has no ETag")
    done: dict[str, Any] = await s.call(
        "PATCH", "assessment", org, me, headers={"If-Match": etag},
        json={"complaints_stage_complete": True},
    )  # fmt: skip
    return done


async def summary_and_components(
    s: Services, case_id: str, organisation_id: str, *, caseworker: str, attempt_id: str,
    decision: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    """The complaint summary agreed in the first conversation and the complainant told
    (ASM-105, ASM-107), one component for the organisation covering its issue (ASM-108) with
    the decision (proposed; or declined on the decline's own reason, ASM-093), and the
    organisation decision it makes (ASM-176). Returns the case's components as they stand."""
    me = s.headers("caseworker", sub=caseworker)
    path = f"/v1/cases/{case_id}/components"
    today = datetime.now(LONDON).date().isoformat()
    summary = {
        "summary": COMPLAINT_SUMMARY, "issues": [COMPLAINT_ISSUE], "excluded_issues": [],
        "discussed_on": today, "discussion_attempt_id": attempt_id,
        "complainant_told_on": today, "complainant_told_how": "telephone",
    }  # fmt: skip
    await s.call(
        "POST", "assessment", f"/v1/cases/{case_id}/complaint-summary", me, json=summary,
        expect=201,
    )  # fmt: skip
    component = {
        "organisation_id": organisation_id, "area": "complaint handling",
        "summary_description": COMPLAINT_SUMMARY, "issues": [COMPLAINT_ISSUE],
    }  # fmt: skip
    added = await s.call("POST", "assessment", path, me, json=component, expect=201)
    if decision["outcome"] == "decline":
        reason = decision["decline_reason"]
        decided = {
            "decision": "decline", "closure_code": reason["closure_code"],
            "discretion": reason["discretion"], "other_reason": reason["other_reason"],
            "rationale": reason["rationale"], "material_evidence": ["DOC-0001"],
        }  # fmt: skip
    elif decision["outcome"] == "resolve":  # ¶3.120: the organisation's action resolves it
        decided = {
            "decision": "resolved", "material_evidence": ["DOC-0001"],
            "rationale": "The organisation agrees to reply in full and change its checklist.",
        }  # fmt: skip
    else:
        decided = {"decision": "propose to investigate"}
    await s.call("POST", "assessment", f"{path}/{added['id']}/decision", me, json=decided)
    standing: dict[str, Any] = await s.call(
        "POST", "assessment", f"/v1/cases/{case_id}/organisation-decisions", me,
        json={"organisation_id": organisation_id, "rationale": ORGANISATION_RATIONALE},
        expect=201,
    )  # fmt: skip
    before = {"decline": "before_decline", "resolve": "before_resolution"}
    missing = standing[before.get(decision["outcome"], "before_proposal")]
    if missing:
        raise StepFailed(f"the components are not ready for {decision['outcome']}: {standing}")
    return standing


async def approve_decision(
    s: Services, case_id: str, *, caseworker: str, decision: dict[str, Any]
) -> dict[str, Any]:
    """ASM-172 (XC-ROL-002): the caseworker asks for exactly this decision to be approved under
    the Delegation Scheme; someone else holding a role of the level the settings name for a
    caseworker (a senior caseworker by default) approves it."""
    me = s.headers("caseworker", sub=caseworker)
    path = f"/v1/cases/{case_id}/decision-approvals"
    if decision["outcome"] == "decline":
        reason = decision["decline_reason"]
        body = {
            "decision": "decline", "closure_code": reason["closure_code"],
            "discretion": reason["discretion"], "other_reason": reason["other_reason"],
            "reason": "The Decision Form records the analysis; the decline rests on one reason.",
        }  # fmt: skip
    elif decision["outcome"] == "resolve":  # ASM-156: a decision not to investigate
        body = {
            "decision": "resolution",
            "reason": "The organisation's agreed actions resolve the significant issue.",
        }
    else:
        body = {"decision": "proposal", "reason": "Every gate test passed on the Decision Form."}
    asked = await s.call("POST", "assessment", path, me, json=body, expect=201)
    roles = asked["approver_roles"]
    role = "senior_caseworker" if "senior_caseworker" in roles else roles[0]
    decided: dict[str, Any] = await s.call(
        "POST", "assessment", f"{path}/{asked['id']}/decision",
        s.headers(role, sub=f"walkthrough-{role}"),
        json={"approve": True, "reason": "Agreed: the Decision Form's analysis supports it."},
    )  # fmt: skip
    if decided["decision"] != "approved":
        raise StepFailed(f"the decision was not approved: {decided}")
    return decided


async def record_risk_assessment(
    s: Services, case_id: str, body: dict[str, Any], *, caseworker: str
) -> dict[str, Any]:
    """XC-RSK-001 (ASM-177): the case's risk assessment at compliance-api for ``body``'s trigger,
    conflicts of interest considered."""
    me = s.headers("caseworker", sub=caseworker)
    assessed: dict[str, Any] = await s.call(
        "POST", "compliance", f"/v1/risk/cases/{case_id}/assessments", me, json=body, expect=201
    )
    return assessed


async def decline_with_mp_copy(
    s: Services, case_id: str, *, caseworker: str, complainant_person_id: str, mp_person_id: str
) -> dict[str, Any]:
    """T32 on the form's single reason (ASM-093): refused 409 `risk-assessment-required` until
    compliance-api holds a `decline` risk assessment (XC-RSK-001, ASM-137, ASM-177), then made
    on it; the letter addressed to the complainant and a copy to the referring MP (ASM-173
    ¶3.109), recorded as the decline's communications; intake's register shows it closed."""
    me = s.headers("caseworker", sub=caseworker)
    path = f"/v1/cases/{case_id}/decline"
    refused = await s.call("POST", "assessment", path, me, json=DECLINE_BODY, expect=409)
    if not str(refused.get("type", "")).endswith("/risk-assessment-required"):
        raise StepFailed(f"the decline without a risk assessment was not refused for it: {refused}")
    assessed = await record_risk_assessment(s, case_id, NO_RISK_DECLINE, caseworker=caseworker)
    declined: dict[str, Any] = await s.call("POST", "assessment", path, me, json=DECLINE_BODY)
    decline = declined.get("decline") or {}
    if declined["status"] != "closed" or decline.get("risk_assessment_id") != assessed["id"]:
        raise StepFailed(
            f"the decline was not made on risk assessment {assessed['id']}: {declined}"
        )
    letters = {
        (r.get("person_id"), r["is_copy"])
        for c in declined["decline_communications"]
        if c["medium"] == "letter"
        for r in c["recipients"]
    }
    if {(complainant_person_id, False), (mp_person_id, True)} - letters:
        raise StepFailed(
            f"the decline did not go to the complainant with a copy to the MP: {declined}"
        )
    register = await register_shows(
        s, case_id, service="assessment-api", status="closed",
        closure_code=DECLINE_BODY["closure_code"],
    )  # fmt: skip
    return {"refused": refused, "assessed": assessed, "declined": declined, "register": register}


async def investigation_opened(s: Services, case_id: str) -> dict[str, Any]:
    """GET investigation-api /v1/investigations/{id} until the record is there at Milestone 1
    'Investigation Allocated' (INV-003), opened from assessment's proposal."""
    reader = s.headers("caseworker")

    async def probe() -> tuple[bool, Any]:
        url = f"{s.urls['investigation']}/v1/investigations/{case_id}"
        r = await s.http.get(url, headers=reader)
        if r.status_code != 200:
            return False, (r.status_code, r.text[:300])
        return any(m["number"] == 1 for m in r.json()["milestones"]), r.json()

    found: dict[str, Any] = await until(f"investigation-api opens {case_id} at M1", probe)
    if s.verbose:
        print(f"  GET   investigation-api /v1/investigations/{case_id} → 200 (Milestone 1)")
    return found


async def propose_investigation(s: Services, case_id: str, *, caseworker: str) -> dict[str, Any]:
    """T35 on a `propose` risk assessment (XC-RSK-001, ASM-177); intake's register shows it
    proposed and investigation-api holds its record at Milestone 1."""
    me = s.headers("caseworker", sub=caseworker)
    assessed = await record_risk_assessment(s, case_id, NO_RISK_PROPOSE, caseworker=caseworker)
    proposed: dict[str, Any] = await s.call(
        "POST", "assessment", f"/v1/cases/{case_id}/proposal", me, json=PROPOSAL_BODY
    )
    proposal = proposed.get("proposal") or {}
    if (
        proposed["status"] != "proposed_to_investigate"
        or proposal.get("risk_assessment_id") != assessed["id"]
    ):
        raise StepFailed(
            f"the proposal was not made on risk assessment {assessed['id']}: {proposed}"
        )
    register = await register_shows(
        s, case_id, service="assessment-api", status="proposed_to_investigate"
    )
    investigation = await investigation_opened(s, case_id)
    return {
        "assessed": assessed, "proposed": proposed, "register": register,
        "investigation": investigation,
    }  # fmt: skip


async def case_b(
    s: Services, case_id: str, *, caseworker: str, complainant_person_id: str, mp_person_id: str
) -> dict[str, Any]:
    """The walk-through's case B, an MP-referred parliamentary complaint, from the allocation
    queue to a decision not to investigate copied to the referring MP."""
    allocated = await to_further_consideration(s, case_id, caseworker=caseworker)
    prepared = await prepare_for_decision(
        s, case_id, caseworker=caseworker, complainant_person_id=complainant_person_id,
        decision=DECLINE_DECISION, mp_person_id=mp_person_id,
    )  # fmt: skip
    declined = await decline_with_mp_copy(
        s, case_id, caseworker=caseworker, complainant_person_id=complainant_person_id,
        mp_person_id=mp_person_id,
    )  # fmt: skip
    return {**allocated, **prepared, **declined}


async def case_c(
    s: Services, case_id: str, *, caseworker: str, complainant_person_id: str
) -> dict[str, Any]:
    """The walk-through's case C, a health complaint, from the allocation queue to a proposal to
    investigate and investigation-api's record at Milestone 1."""
    allocated = await to_further_consideration(s, case_id, caseworker=caseworker)
    prepared = await prepare_for_decision(
        s, case_id, caseworker=caseworker, complainant_person_id=complainant_person_id,
        decision=PROPOSE_DECISION,
    )  # fmt: skip
    proposed = await propose_investigation(s, case_id, caseworker=caseworker)
    return {**allocated, **prepared, **proposed}


# --- A resolution at further consideration (T33) ----------------------------------------------

# ¶3.63–3.64 (ASM-154): what we ask the organisation to do (§D.20 actions), made clear to both
# sides as a request, not a formal recommendation.
RESOLUTION_ACTIONS = ["further_response_to_unanswered_issues", "service_improvements"]


async def resolve_with_organisation(
    s: Services, case_id: str, *, caseworker: str, organisation_id: str,
    complainant_person_id: str,
) -> dict[str, Any]:  # fmt: skip
    """T33 (ASM-153…156): a resolution is a decision not to investigate issued under the normal
    requirements (¶3.67), so the case is first made ready as for any decision
    (``prepare_for_decision``: the Decision Form recording the resolution, the component the
    actions resolve, the approval under the Delegation Scheme, ASM-172); then a resolution is
    requested of the organisation, both sides told the actions are not formal recommendations
    (the case waits at `resolution_requested`); the organisation agrees, resolving the
    significant component by action it was not already taking. It is made on a `decline` risk
    assessment (XC-RSK-001) and closes the case under the approval."""
    me = s.headers("caseworker", sub=caseworker)
    prepared = await prepare_for_decision(
        s, case_id, caseworker=caseworker, complainant_person_id=complainant_person_id,
        decision=RESOLVE_DECISION,
    )  # fmt: skip
    path = f"/v1/cases/{case_id}/resolution"
    due = (datetime.now(LONDON).date() + timedelta(days=28)).isoformat()
    request = {
        "organisation_ids": [organisation_id],
        "actions": RESOLUTION_ACTIONS,
        "due_date": due,
        "rationale": "A fuller reply and a change to the discharge checklist would resolve the "
        "complaint without an investigation.",
        "complainant_told_not_recommendations": True,
        "organisations_told_not_recommendations": True,
    }
    requested = await s.call("POST", "assessment", path, me, json=request, expect=201)
    if requested["case_status"] != "resolution_requested":
        raise StepFailed(f"the case does not await the organisation's answer: {requested}")
    await at_assessment(s, case_id, "resolution_requested")
    assessed = await record_risk_assessment(s, case_id, NO_RISK_DECLINE, caseworker=caseworker)
    agreement = {
        "heard_at": datetime.now(UTC).isoformat(), "heard_by": "email",
        "summary": "The trust agrees to reply in full and to change its discharge checklist.",
        "due_date": due, "organisation_already_acting": False,
        "components": [
            {"description": "Delay in diagnosis", "significant": True, "resolved": True}
        ],
        "complaints_process_complete": True, "properly_made": True,
    }  # fmt: skip
    agreed: dict[str, Any] = await s.call(
        "POST", "assessment", f"{path}/agreed", me, json=agreement
    )
    [answered] = agreed["requests"]
    if (
        agreed["case_status"] != "closed"
        or answered["status"] != "agreed"
        or answered["risk_assessment_id"] != assessed["id"]
        or answered["approval_id"] != prepared["approval"]["id"]
    ):
        raise StepFailed(
            f"the agreed resolution did not close the case on {assessed['id']} under the "
            f"approval: {agreed}"
        )
    return {"prepared": prepared, "requested": requested, "assessed": assessed, "agreed": agreed}


async def case_d(
    s: Services, case_id: str, *, caseworker: str, complainant_person_id: str
) -> dict[str, Any]:
    """The walk-through's case D, a health complaint, from the allocation queue to a resolution
    the organisation agrees at further consideration (T33), its resolution item stored at
    compliance-api and intake's register closed."""
    allocated = await to_further_consideration(s, case_id, caseworker=caseworker)
    [organisation_id] = allocated["case"]["organisation_ids"]
    resolved = await resolve_with_organisation(
        s, case_id, caseworker=caseworker, organisation_id=organisation_id,
        complainant_person_id=complainant_person_id,
    )  # fmt: skip
    item = await resolution_item_stored(s, case_id)
    register = await register_shows(s, case_id, service="assessment-api", status="closed")
    return {**allocated, **resolved, "item": item, "register": register}


async def resolution_item_stored(s: Services, case_id: str) -> dict[str, Any]:
    """GET compliance-api /v1/compliance-items?case_id= until the case's resolution item is
    there (ASM-155 ¶3.66: recorded in the compliance section, never escalated)."""
    reader = s.headers("caseworker")

    async def probe() -> tuple[bool, Any]:
        url = f"{s.urls['compliance']}/v1/compliance-items"
        r = await s.http.get(url, headers=reader, params={"case_id": case_id})
        if r.status_code != 200:
            return False, (r.status_code, r.text[:300])
        items = [i for i in r.json()["items"] if i["kind"] == "resolution"]
        return len(items) == 1, items

    items: list[dict[str, Any]] = await until(
        f"compliance-api stores {case_id}'s resolution", probe
    )
    if s.verbose:
        print(f"  GET   compliance-api /v1/compliance-items?case_id={case_id} → 200 (resolution)")
    return items[0]

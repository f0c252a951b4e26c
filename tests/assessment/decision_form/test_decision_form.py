"""The Decision Form through its HTTP API over real PostgreSQL: one versioned form per case at
further consideration (ASM-095), the ordering rules on the server (ASM-090…093, ASM-170), the
computed time limit (ASM-119), the Assistant Director's agreements (ASM-123, ASM-124), and the
readiness read the decline and proposal routes call."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.decision_form.models import DecisionFormVersion
from assessment_api.decision_form.service import readiness
from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from tests.assessment.cases.builders import CW
from tests.assessment.cases.builders import make_case as make_bare_case
from tests.assessment.decision_form.builders import SHOULD_WE
from tests.assessment.suitability.builders import make_suitability_ready

Headers = Callable[..., dict[str, str]]


async def make_case(session: AsyncSession, **values: Any) -> Case:
    """A case whose suitability assessment finds the aggrieved complaining personally, so the
    form's "suitable" answer agrees with it (ASM-091; tests/assessment/decision_form/
    test_form_suitability.py holds the disagreements)."""
    case = await make_bare_case(session, **values)
    await make_suitability_ready(session, case.id, proposing=True)
    return case


AD = "ad-casework-1"

REASONS = (
    "She was in hospital for four months after the operation and her husband was her carer, "
    "so nobody could write to the trust until she was discharged in May."
)
# The builder's case is health, received 1 October 2026; the clock is 2 November 2026.
READY: dict[str, Any] = {
    "remit": {"in_remit": True},
    "suitability": {"suitable": True},
    "analysis": "The referral was three weeks late on the trust's own records.",
    "gate_results": [
        {"test": t, "result": "passed"}
        for t in (
            "properly_made",
            "premature",
            "maladministration_indications",
            "injustice",
            "unremedied",
        )
    ],
    "time_limit": {"awareness_date": "2026-01-05"},
    "alr": {"exists": False},
    "material_evidence": [{"document_ref": "DOC-1", "description": "Final response"}],
    "precedent_check": {"carried_out_on": "2026-10-30", "findings": "No similar findings."},
    "duty_of_candour": True,
    **SHOULD_WE,
}
EXCEPTIONAL: dict[str, Any] = {
    "awareness_date": "2025-09-01",
    "delay_reasons": [{"reason": "Caring abroad", "assessment": "Borne out by her letters."}],
    "discretion": {
        "basis": "exceptional_circumstances",
        "decision": "set_aside",
        "rationale": REASONS,
        "complainant_contact": {"on": "2026-10-20", "channel": "telephone", "outcome": "spoke"},
    },
}


def _url(case_id: uuid.UUID, what: str = "") -> str:
    return f"/v1/cases/{case_id}/decision-form" + (f"/{what}" if what else "")


def _type(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM_TYPE_BASE)


async def _create(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(_url(case_id), json=body, headers=auth_headers("caseworker", sub=CW))


async def _save(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    body: dict[str, Any],
    etag: str | None,
) -> httpx.Response:
    headers = auth_headers("caseworker", sub=CW) | ({"If-Match": etag} if etag else {})
    return await client.put(_url(case_id), json=body, headers=headers)


async def test_form_is_versioned_audited_and_its_history_readable__ASM_095(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await _create(client, auth_headers, case.id, {"analysis": "First notes."})
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1
    etag = r.headers["ETag"]

    missing = await _save(client, auth_headers, case.id, READY, None)
    assert (missing.status_code, _type(missing)) == (428, "if-match-required")
    r = await _save(client, auth_headers, case.id, READY | {"reason": "After the call"}, etag)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert r.json()["content"]["duty_of_candour"] is True  # ASM-097
    stale = await _save(client, auth_headers, case.id, READY, etag)
    assert stale.status_code == 412

    page = await client.get(_url(case.id, "versions"), headers=auth_headers("auditor"))
    assert page.status_code == 200
    versions = page.json()["items"]
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["reason"] == "After the call"
    assert versions[1]["content"]["analysis"] == "First notes."
    rows = (
        await session.scalars(
            select(AuditEntry.action).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)
        )
    ).all()
    assert [a for a in rows if a.startswith("decision_form")] == [
        "decision_form.created",
        "decision_form.saved",
    ]
    stored = await session.scalars(
        select(DecisionFormVersion.number).where(DecisionFormVersion.case_id == case.id)
    )
    assert sorted(stored.all()) == [1, 2]

    again = await _create(client, auth_headers, case.id, READY)
    assert (again.status_code, _type(again)) == (409, "decision-form-exists")


@pytest.mark.parametrize(
    "status", [CaseStatus.early_consideration, CaseStatus.awaiting_allocation, CaseStatus.closed]
)
async def test_form_only_at_further_consideration__ASM_090(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, status: CaseStatus
) -> None:
    case = await make_case(session, status=status)
    r = await _create(client, auth_headers, case.id, READY)
    assert (r.status_code, _type(r)) == (409, "not-at-further-consideration")


async def test_decision_before_remit_refused_naming_the_rule__ASM_091(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    body = {k: v for k, v in READY.items() if k not in {"remit", "suitability"}}
    body["decision"] = {"outcome": "propose to investigate"}
    r = await _create(client, auth_headers, case.id, body)
    assert (r.status_code, _type(r)) == (422, "decision-form-invalid")
    assert r.headers["content-type"].startswith("application/problem+json")
    problems = {(p["requirement"], p["field"]) for p in r.json()["problems"]}
    assert {("ASM-091", "remit"), ("ASM-091", "suitability")} <= problems
    ok = await _create(client, auth_headers, case.id, READY | {"decision": body["decision"]})
    assert ok.status_code == 201, ok.text


async def test_proposal_recorded_only_with_every_gate__ASM_092(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    body = READY | {"gate_results": READY["gate_results"][:4]}
    body["decision"] = {"outcome": "propose to investigate"}
    r = await _create(client, auth_headers, case.id, body)
    assert r.status_code == 422
    assert [(p["requirement"], p["field"]) for p in r.json()["problems"]] == [
        ("ASM-092", "gate_results.unremedied")
    ]


async def test_two_decline_reasons_refused__ASM_093(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    reason = {"closure_code": "premature", "discretion": "specific", "rationale": "Too soon."}
    body = READY | {"decision": {"outcome": "decline", "decline_reason": [reason, reason]}}
    r = await _create(client, auth_headers, case.id, body)
    assert r.status_code == 422


async def test_time_limit_computed_never_typed__ASM_119(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)  # health, received 1 October 2026
    r = await _create(
        client, auth_headers, case.id, {"time_limit": {"awareness_date": "2025-10-01"}}
    )
    assert r.status_code == 201, r.text
    assert r.json()["time_limit"] == {
        "limit_date": "2026-10-01",
        "measured_to": "phso_received_at",
        "measured_on": "2026-10-01",
        "in_time": True,
        "covid_window_eligible": False,
    }
    typed = {"time_limit": {"awareness_date": "2025-09-30", "limit_date": "2027-01-01"}}
    r = await _save(client, auth_headers, case.id, typed, r.headers["ETag"])
    assert r.status_code == 422  # the limit is not the client's to give
    r = await _save(
        client, auth_headers, case.id, {"time_limit": {"awareness_date": "2025-09-30"}}, '"1"'
    )
    assert r.status_code == 200, r.text
    assert r.json()["time_limit"]["in_time"] is False
    assert r.json()["gates"]["time_limit"] is None  # out of time: a discretion decision is due


async def test_boilerplate_refused_through_the_api__ASM_127(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    section = EXCEPTIONAL | {
        "discretion": EXCEPTIONAL["discretion"]
        | {"basis": "complainant_reasons", "rationale": "No reason to set aside the time limit."}
    }
    r = await _create(client, auth_headers, case.id, {"time_limit": section})
    assert r.status_code == 422
    assert [p["requirement"] for p in r.json()["problems"]] == ["ASM-127"]


async def test_readiness_for_the_decision_routes__ASM_092(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    none_yet = await readiness(session, case.id)
    assert [p.requirement for p in none_yet.before_proposal] == ["ASM-095"]
    assert [p.requirement for p in none_yet.before_decline] == ["ASM-095"]
    r = await _create(client, auth_headers, case.id, READY)
    assert r.status_code == 201, r.text
    ready = await readiness(session, case.id)
    assert ready.before_proposal == []
    assert [p.requirement for p in ready.before_decline] == ["ASM-093"]
    read = await client.get(_url(case.id, "readiness"), headers=auth_headers("caseworker"))
    assert read.status_code == 200
    assert read.json()["before_proposal"] == []


async def test_exceptional_circumstances_agreed_by_an_ad__ASM_124(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await _create(client, auth_headers, case.id, READY | {"time_limit": EXCEPTIONAL})
    assert r.status_code == 201, r.text
    assert [
        (p["requirement"], p["awaits_approval"]) for p in r.json()["readiness"]["before_proposal"]
    ] == [("ASM-124", "time_limit_exceptional_circumstances")]
    asked = await client.post(
        _url(case.id, "approvals"),
        json={"kind": "time_limit_exceptional_circumstances", "reason": "Caring for her father."},
        headers=auth_headers("caseworker", sub=CW),
    )
    assert asked.status_code == 201, asked.text
    approval = asked.json()["id"]
    decide = _url(case.id, f"approvals/{approval}/decision")
    body = {"approve": True, "reason": "Exceptional: she was his only carer abroad."}
    by_caseworker = await client.post(decide, json=body, headers=auth_headers("caseworker", sub=CW))
    assert by_caseworker.status_code == 403
    agreed = await client.post(
        decide, json=body, headers=auth_headers("assistant_director", sub=AD)
    )
    assert agreed.status_code == 200, agreed.text
    assert agreed.json()["decided_by"] == AD
    assert agreed.json()["current"] is True
    assert (await readiness(session, case.id)).before_proposal == []
    twice = await client.post(decide, json=body, headers=auth_headers("assistant_director", sub=AD))
    assert (twice.status_code, _type(twice)) == (409, "approval-already-decided")

    # A changed decision is not the one agreed: it needs a new agreement.
    form = await client.get(_url(case.id), headers=auth_headers("caseworker"))
    discretion = EXCEPTIONAL["discretion"] | {"rationale": REASONS + " And more."}
    changed = READY | {"time_limit": EXCEPTIONAL | {"discretion": discretion}}
    r = await _save(client, auth_headers, case.id, changed, form.headers["ETag"])
    assert r.status_code == 200, r.text
    assert [p["requirement"] for p in r.json()["readiness"]["before_proposal"]] == ["ASM-124"]
    assert r.json()["approvals"][0]["current"] is False


async def test_agreement_refused_when_nothing_needs_it__ASM_124(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    assert (await _create(client, auth_headers, case.id, READY)).status_code == 201
    r = await client.post(
        _url(case.id, "approvals"),
        json={"kind": "covid_window_out_of_time_closure", "reason": "Asked anyway."},
        headers=auth_headers("caseworker", sub=CW),
    )
    assert (r.status_code, _type(r)) == (409, "decision-form-approval-not-needed")


async def test_missing_form_and_case_are_404(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await client.get(_url(case.id), headers=auth_headers("caseworker"))
    assert (r.status_code, _type(r)) == (404, "decision-form-not-found")
    r = await client.get(_url(uuid.uuid4()), headers=auth_headers("caseworker"))
    assert (r.status_code, _type(r)) == (404, "case-not-found")
    r = await _save(client, auth_headers, case.id, READY, '"1"')
    assert (r.status_code, _type(r)) == (404, "decision-form-not-found")

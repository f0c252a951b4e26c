"""The should-we sections through the Decision Form's HTTP API over PostgreSQL (ASM-141,
ASM-157, ASM-139): recorded, versioned and audited, and the rules refusing a save."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.decision_form.service import readiness
from shared.audit import AuditEntry
from tests.assessment.cases.builders import CW, make_case
from tests.assessment.decision_form.builders import SHOULD_WE
from tests.assessment.suitability.builders import make_suitability_ready

Headers = Callable[..., dict[str, str]]
GATES = ("properly_made", "premature", "maladministration_indications", "injustice", "unremedied")
FORM: dict[str, Any] = {
    "remit": {"in_remit": True},
    "suitability": {"suitable": True},
    "analysis": "The referral was three weeks late on the trust's own records.",
    "gate_results": [{"test": t, "result": "passed"} for t in GATES],
    "time_limit": {"awareness_date": "2026-01-05"},
    "alr": {"exists": False},
    "material_evidence": [{"document_ref": "DOC-1", "description": "Final response"}],
    "precedent_check": {"carried_out_on": "2026-10-30", "findings": "No similar findings."},
    **SHOULD_WE,
}
DECLINE = {
    "outcome": "decline",
    "decline_reason": {
        "closure_code": "other reason to decline",
        "discretion": "general",
        "other_reason": "another organisation considering the same issues",
        "rationale": "The coroner is examining the same care; we wait for the inquest.",
    },
}
EXCEPTIONAL = "The inquest will examine the same care, and the family asked us to wait for it."


async def test_a_decline_of_a_presumed_case_is_refused_without_its_exception__ASM_157_ASM_141(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_suitability_ready(session, case.id, proposing=True)  # the form's answer (ASM-091)
    headers = auth_headers("caseworker", sub=CW)
    url = f"/v1/cases/{case.id}/decision-form"
    flags = {"potential_avoidable_death": True, "avoidable_serious_harm": True}
    body = FORM | {"presumption": flags, "decision": DECLINE}
    r = await client.post(url, json=body, headers=headers)
    assert r.status_code == 422, r.text
    assert {(p["requirement"], p["field"]) for p in r.json()["problems"]} == {
        ("ASM-157", "presumption.exceptional_circumstances")
    }
    r = await client.post(url, json=FORM | {"presumption": flags}, headers=headers)
    assert r.status_code == 201, r.text
    assert [p["requirement"] for p in r.json()["readiness"]["before_decline"]] == [
        "ASM-093",
        "ASM-157",
    ]
    body["presumption"] = flags | {"exceptional_circumstances": EXCEPTIONAL}
    r = await client.put(url, json=body, headers=headers | {"If-Match": r.headers["ETag"]})
    assert r.status_code == 200, r.text
    assert (await readiness(session, case.id)).before_decline == []
    # ASM-141: the other reason is audited with the form's version (¶3.11).
    snapshots = (
        await session.scalars(
            select(AuditEntry.after).where(
                AuditEntry.case_id == case.id, AuditEntry.action == "decision_form.saved"
            )
        )
    ).all()
    [after] = snapshots
    assert after is not None
    reason = after["content"]["decision"]["decline_reason"]
    assert reason["other_reason"] == "another organisation considering the same issues"
    assert after["content"]["presumption"]["exceptional_circumstances"] == EXCEPTIONAL


async def test_a_proposal_needs_the_indications_recorded__ASM_139_ASM_140(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_suitability_ready(session, case.id, proposing=True)  # the form's answer (ASM-091)
    body = {k: v for k, v in FORM.items() if k not in {"maladministration", "injustice"}}
    body["decision"] = {"outcome": "propose to investigate"}
    r = await client.post(
        f"/v1/cases/{case.id}/decision-form", json=body, headers=auth_headers("caseworker", sub=CW)
    )
    assert r.status_code == 422, r.text
    assert {p["requirement"] for p in r.json()["problems"]} == {"ASM-139", "ASM-140"}

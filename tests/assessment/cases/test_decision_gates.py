"""The decision gates at further consideration (issue #13): a decision not to investigate (T32)
and a proposal to investigate (T35) are refused, 409 ``decision-not-ready`` listing every gap
with its requirement, until the Decision Form records what the guidance requires (ASM-090…095,
ASM-118), contact after allocation was made or tried (ASM-099, ASM-101) and covered the
checklist (ASM-102), and the decision itself was approved under the Delegation Scheme (ASM-172,
XC-ROL-002). Checked before intake or compliance-api is asked; once ready, the risk guard is
what is left (a 409 ``risk-assessment-required`` proves the gates let it through)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.decision_approvals.models import DecisionApproval
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from tests.assessment.cases.builders import CW, make_case, make_ready_to_decide
from tests.assessment.cases.test_decisions import DECLINE, PROPOSAL, _unchanged, assess, decide
from tests.assessment.contact.builders import make_contact_ready, make_failed_calls
from tests.assessment.decision_approvals.builders import make_decision_approvals_ready
from tests.assessment.decision_form.builders import make_decision_form_ready

# The gates this module tests; the others are made ready first.
CORE = frozenset({"decision_form", "contact", "approvals"})
# What a (health) case with nothing recorded lacks: the form, contact, the clinical-advice
# record, the summary and components, the approval; and for a proposal its plan.
EMPTY_CASE_GAPS = ["ASM-095", "ASM-101", "ASM-142", "ASM-105", "ASM-108", "ASM-172"]
EMPTY_CASE_PROPOSAL_GAPS = [
    "ASM-095",
    "ASM-101",
    "ASM-159",
    "ASM-142",
    "ASM-105",
    "ASM-108",
    "ASM-172",
]
Headers = Callable[..., dict[str, str]]
pytestmark = pytest.mark.usefixtures("guarded", "intake_stand_in")

REASON: dict[str, Any] = {
    "closure_code": DECLINE["closure_code"],
    "discretion": DECLINE["discretion"],
    "other_reason": DECLINE["other_reason"],
}
CASES = [("decline", DECLINE, False), ("proposal", PROPOSAL, True)]


def _reason(proposing: bool) -> dict[str, Any]:
    return {} if proposing else REASON


def _missing(r: httpx.Response) -> list[str]:
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "decision-not-ready", r.text
    return [m["requirement"] for m in r.json()["missing"]]


def _type(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM_TYPE_BASE)


def _guarded(r: httpx.Response) -> None:
    """Every gate let the decision through: the risk guard refused it (no assessment)."""
    assert (r.status_code, _type(r)) == (409, "risk-assessment-required"), r.text


@pytest.mark.parametrize(("what", "body", "proposing"), CASES)
async def test_every_gap_listed_at_once_before_anyone_is_asked__ASM_095_ASM_101_ASM_172(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    what: str,
    body: dict[str, Any],
    proposing: bool,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=proposing, skip=CORE)
    r = await decide(client, auth_headers, case.id, what, body)
    # No form, no contact tried, no approval: all three at once, before compliance-api (no
    # assessment exists, and the answer is not risk-assessment-required).
    assert _missing(r) == ["ASM-095", "ASM-101", "ASM-172"]
    await _unchanged(session, case)


@pytest.mark.parametrize(("what", "body", "proposing"), CASES)
async def test_no_decision_form_refuses_alone__ASM_095(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    what: str,
    body: dict[str, Any],
    proposing: bool,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=proposing, skip=CORE)
    await make_contact_ready(session, case.id, proposing=proposing)
    await make_decision_approvals_ready(session, case.id, proposing=proposing, **_reason(proposing))
    r = await decide(client, auth_headers, case.id, what, body)
    assert _missing(r) == ["ASM-095"]
    await make_decision_form_ready(session, case.id, proposing=proposing, **_reason(proposing))
    _guarded(await decide(client, auth_headers, case.id, what, body))


@pytest.mark.parametrize(("what", "body", "proposing"), CASES)
async def test_remit_suitability_and_analysis_first__ASM_090_ASM_091(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    what: str,
    body: dict[str, Any],
    proposing: bool,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=proposing, skip=CORE)
    await make_contact_ready(session, case.id, proposing=proposing)
    await make_decision_approvals_ready(session, case.id, proposing=proposing, **_reason(proposing))
    # A form with no decision recorded yet, remit, suitability and analysis left out.
    await make_decision_form_ready(
        session, case.id, proposing=True, drop=("remit", "suitability", "analysis", "decision")
    )
    r = await decide(client, auth_headers, case.id, what, body)
    missing = _missing(r)
    assert {"ASM-090", "ASM-091"} <= set(missing)
    details = " ".join(m["detail"] for m in r.json()["missing"])
    assert "remit" in details
    assert "suitability" in details
    assert "analysis" in details
    await _unchanged(session, case)


async def test_a_proposal_needs_every_gate_test_and_the_time_limit__ASM_092_ASM_118(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=True, skip=CORE)
    await make_contact_ready(session, case.id, proposing=True)
    await make_decision_approvals_ready(session, case.id, proposing=True)
    await make_decision_form_ready(
        session, case.id, proposing=True, drop=("gate_results", "time_limit", "decision")
    )
    r = await decide(client, auth_headers, case.id, "proposal", PROPOSAL)
    missing = _missing(r)
    assert "ASM-092" in missing  # the gate tests (properly made, premature, …)
    assert "ASM-118" in missing  # the time limit, in every case before investigating
    assert "ASM-101" not in missing
    assert "ASM-172" not in missing
    await _unchanged(session, case)


async def test_a_decline_on_another_reason_than_the_form_records__ASM_093(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=False)
    other = {"closure_code": "premature", "discretion": "specific", "rationale": "Too soon."}
    await make_decision_approvals_ready(
        session, case.id, proposing=False, closure_code="premature", discretion="specific"
    )
    r = await decide(client, auth_headers, case.id, "decline", other)
    assert "ASM-093" in _missing(r)
    details = [m["detail"] for m in r.json()["missing"] if m["requirement"] == "ASM-093"]
    assert any("'other reason to decline', not 'premature'" in d for d in details)


@pytest.mark.parametrize(("what", "body", "proposing"), CASES)
async def test_contact_not_yet_tried_refuses_alone__ASM_099_ASM_101(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    what: str,
    body: dict[str, Any],
    proposing: bool,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=proposing, skip=CORE)
    await make_decision_form_ready(session, case.id, proposing=proposing, **_reason(proposing))
    await make_decision_approvals_ready(session, case.id, proposing=proposing, **_reason(proposing))
    assert _missing(await decide(client, auth_headers, case.id, what, body)) == ["ASM-101"]
    # Three failed calls on one day are not "three calls over two days" (C-08).
    await make_failed_calls(session, case.id, days=1, calls=3)
    assert _missing(await decide(client, auth_headers, case.id, what, body)) == ["ASM-101"]
    await make_failed_calls(session, case.id, days=2, calls=3)
    _guarded(await decide(client, auth_headers, case.id, what, body))


@pytest.mark.parametrize(("what", "body", "proposing"), CASES)
async def test_checklist_not_covered_refuses_alone__ASM_102(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    what: str,
    body: dict[str, Any],
    proposing: bool,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=proposing, skip=CORE)
    await make_decision_form_ready(session, case.id, proposing=proposing, **_reason(proposing))
    await make_decision_approvals_ready(session, case.id, proposing=proposing, **_reason(proposing))
    await make_contact_ready(session, case.id, proposing=proposing, checklist=False)
    r = await decide(client, auth_headers, case.id, what, body)
    assert _missing(r) == ["ASM-102"]
    assert "identity_verified" in r.json()["missing"][0]["detail"]
    await make_contact_ready(session, case.id, proposing=proposing)
    _guarded(await decide(client, auth_headers, case.id, what, body))


@pytest.mark.parametrize(("what", "body", "proposing"), CASES)
async def test_no_approval_refuses_alone__ASM_172_XC_ROL_002(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    what: str,
    body: dict[str, Any],
    proposing: bool,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=proposing, skip=CORE)
    await make_decision_form_ready(session, case.id, proposing=proposing, **_reason(proposing))
    await make_contact_ready(session, case.id, proposing=proposing)
    assert _missing(await decide(client, auth_headers, case.id, what, body)) == ["ASM-172"]


@pytest.mark.parametrize(("what", "body", "proposing"), CASES)
async def test_a_refused_approval_does_not_count__ASM_172(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    what: str,
    body: dict[str, Any],
    proposing: bool,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=proposing, skip=CORE)
    await make_decision_form_ready(session, case.id, proposing=proposing, **_reason(proposing))
    await make_contact_ready(session, case.id, proposing=proposing)
    await make_decision_approvals_ready(
        session, case.id, proposing=proposing, approve=False, **_reason(proposing)
    )
    r = await decide(client, auth_headers, case.id, what, body)
    assert _missing(r) == ["ASM-172"]
    assert "refused" in r.json()["missing"][0]["detail"]


async def test_an_approval_of_another_decision_does_not_cover_this_one__ASM_172(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=False, skip=CORE)
    await make_decision_form_ready(session, case.id, proposing=False, **REASON)
    await make_contact_ready(session, case.id, proposing=False)
    # A proposal approved is not a decline approved…
    await make_decision_approvals_ready(session, case.id, proposing=True)
    assert _missing(await decide(client, auth_headers, case.id, "decline", DECLINE)) == ["ASM-172"]
    # …nor is a decline on another discretion or reason.
    await make_decision_approvals_ready(
        session, case.id, proposing=False, closure_code="other reason to decline",
        discretion="specific", other_reason="outcome not achievable",
    )  # fmt: skip
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    assert _missing(r) == ["ASM-172"]
    assert (
        "not a decline on 'other reason to decline' / 'general'" in r.json()["missing"][0]["detail"]
    )
    await make_decision_approvals_ready(session, case.id, proposing=False, **REASON)
    _guarded(await decide(client, auth_headers, case.id, "decline", DECLINE))


async def test_the_readiness_read_lists_what_is_left_for_each_decision__ASM_172(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    url = f"/v1/cases/{case.id}/decision-readiness"
    r = await client.get(url, headers=auth_headers("auditor"))
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "further_consideration"
    assert [g["requirement"] for g in got["before_decline"]] == EMPTY_CASE_GAPS
    assert [g["requirement"] for g in got["before_proposal"]] == EMPTY_CASE_PROPOSAL_GAPS

    await make_ready_to_decide(session, case, proposing=True)
    got = (await client.get(url, headers=auth_headers("caseworker"))).json()
    assert got["before_proposal"] == []
    # The form records a proposal, and only a proposal is approved.
    assert {g["requirement"] for g in got["before_decline"]} >= {"ASM-093", "ASM-172"}

    missing = await client.get(
        f"/v1/cases/{uuid.uuid4()}/decision-readiness", headers=auth_headers("auditor")
    )
    assert (missing.status_code, _type(missing)) == (404, "case-not-found")
    denied = await client.get(url, headers=auth_headers("integration"))
    assert denied.status_code == 403


async def test_the_readiness_read_lists_nothing_before_a_ready_decline__ASM_176_ASM_172(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    """Asked for a decline not yet worded, the read holds no closure code: every gate met for
    the decline (its component declined on its code, the organisation decision recorded, the
    decline approved) lists nothing, and the decline itself is let through to the risk guard."""
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=False)
    r = await client.get(
        f"/v1/cases/{case.id}/decision-readiness", headers=auth_headers("caseworker")
    )
    assert r.status_code == 200, r.text
    assert r.json()["before_decline"] == [], r.text
    assert "ASM-176" in {g["requirement"] for g in r.json()["before_proposal"]}
    _guarded(await decide(client, auth_headers, case.id, "decline", DECLINE))


async def test_a_proposal_goes_ahead_once_approved_through_the_routes__ASM_172_XC_ROL_002(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=True, skip=CORE)
    await make_decision_form_ready(session, case.id, proposing=True)
    await make_contact_ready(session, case.id, proposing=True)
    asked = await client.post(
        f"/v1/cases/{case.id}/decision-approvals",
        json={"decision": "proposal", "reason": "Every gate test passed on the form."},
        headers=auth_headers("caseworker", sub=CW),
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["level"] == "senior_caseworker"
    decided = await client.post(
        f"/v1/cases/{case.id}/decision-approvals/{asked.json()['id']}/decision",
        json={"approve": True, "reason": "Agreed: the analysis supports it."},
        headers=auth_headers("senior_caseworker", sub="scw-9"),
    )
    assert decided.status_code == 200, decided.text
    await assess(compliance, auth_headers, case.id, "propose")

    r = await decide(client, auth_headers, case.id, "proposal", PROPOSAL)

    assert r.status_code == 200, r.text
    proposal = r.json()["proposal"]
    assert (proposal["approved_by"], proposal["approval_id"]) == ("scw-9", asked.json()["id"])
    used = await session.scalar(
        select(DecisionApproval.used_at).where(
            DecisionApproval.id == uuid.UUID(proposal["approval_id"])
        )
    )
    assert used is not None  # the approval covered this decision, once
    read = await client.get(
        f"/v1/cases/{case.id}/decision-approvals/{asked.json()['id']}",
        headers=auth_headers("auditor"),
    )
    assert read.json()["used_at"] is not None

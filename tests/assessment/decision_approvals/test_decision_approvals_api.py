"""Approval of a decline or a proposal under the Delegation Scheme through its HTTP API over
real PostgreSQL (ASM-172, XC-ROL-002): asked by the caseworker holding the case, bound to the
decision asked for, decided once, with reasons, by someone else holding a role of the level
the configurable table names for the requester; audited; refused input is a problem+json."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.state import CaseStatus
from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from tests.assessment.cases.builders import CW, make_case

Headers = Callable[..., dict[str, str]]
DECLINE = {
    "decision": "decline",
    "closure_code": "other reason to decline",
    "discretion": "general",
    "other_reason": "outcome not achievable",
    "reason": "The trust has apologised; the form records the analysis.",
}
PROPOSAL = {"decision": "proposal", "reason": "Every gate test passed on the form."}
RESOLUTION = {"decision": "resolution", "reason": "The trust agreed to pay the admitted loss."}
AGREE = {"approve": True, "reason": "Agreed: the analysis supports it."}


def _url(case_id: uuid.UUID, *parts: str) -> str:
    return "/".join([f"/v1/cases/{case_id}/decision-approvals", *parts])


def _type(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM_TYPE_BASE)


async def _ask(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    body: dict[str, Any],
    *roles: str,
    sub: str = CW,
) -> httpx.Response:
    return await client.post(
        _url(case_id), json=body, headers=auth_headers(*(roles or ("caseworker",)), sub=sub)
    )


async def _decide(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    approval_id: str,
    role: str,
    sub: str,
    body: dict[str, Any] = AGREE,
) -> httpx.Response:
    return await client.post(
        _url(case_id, approval_id, "decision"), json=body, headers=auth_headers(role, sub=sub)
    )


async def test_a_caseworkers_decline_is_approved_by_a_senior_caseworker_once__ASM_172_XC_ROL_002(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    asked = await _ask(client, auth_headers, case.id, DECLINE)
    assert asked.status_code == 201, asked.text
    got = asked.json()
    assert asked.headers["location"] == _url(case.id, got["id"])
    assert got["covers"] == {
        "decision": "decline",
        "closure_code": "other reason to decline",
        "discretion": "general",
        "other_reason": "outcome not achievable",
    }
    assert (got["level"], got["requested_by"], got["decision"]) == ("senior_caseworker", CW, None)
    assert "senior_caseworker" in got["approver_roles"]

    # Not the requester, not a caseworker (the level's roles), once.
    own = await _decide(client, auth_headers, case.id, got["id"], "senior_caseworker", CW)
    assert (own.status_code, _type(own)) == (403, "approver-is-requester")
    low = await _decide(client, auth_headers, case.id, got["id"], "caseworker", "cw-other")
    assert (low.status_code, _type(low)) == (403, "approval-level-not-held")
    ok = await _decide(client, auth_headers, case.id, got["id"], "senior_caseworker", "scw-1")
    assert ok.status_code == 200, ok.text
    assert (ok.json()["decision"], ok.json()["decided_by"]) == ("approved", "scw-1")
    again = await _decide(client, auth_headers, case.id, got["id"], "operations_manager", "om-1")
    assert (again.status_code, _type(again)) == (409, "approval-already-decided")

    listed = await client.get(_url(case.id), headers=auth_headers("auditor"))
    assert [a["decision"] for a in listed.json()] == ["approved"]
    actions = (
        await session.scalars(
            select(AuditEntry.action).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)
        )
    ).all()
    assert [a for a in actions if a.startswith("decision_approval")] == [
        "decision_approval.requested",
        "decision_approval.decided",
    ]


async def test_a_senior_caseworkers_proposal_needs_a_manager__XC_ROL_002(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, owner="scw-owner")
    asked = await _ask(
        client, auth_headers, case.id, PROPOSAL, "senior_caseworker", sub="scw-owner"
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["level"] == "operations_manager"
    approval = asked.json()["id"]
    peer = await _decide(client, auth_headers, case.id, approval, "senior_caseworker", "scw-2")
    assert (peer.status_code, _type(peer)) == (403, "approval-level-not-held")
    om = await _decide(client, auth_headers, case.id, approval, "operations_manager", "om-1")
    assert om.status_code == 200, om.text


async def test_asking_again_supersedes_the_undecided_request__ASM_172(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    first = await _ask(client, auth_headers, case.id, DECLINE)
    second = await _ask(client, auth_headers, case.id, DECLINE | {"discretion": "specific"})
    assert (first.status_code, second.status_code) == (201, 201)
    old = await _decide(client, auth_headers, case.id, first.json()["id"], "senior_caseworker", "s")
    assert (old.status_code, _type(old)) == (409, "approval-already-decided")
    read = await client.get(_url(case.id, first.json()["id"]), headers=auth_headers("auditor"))
    assert read.json()["decision"] == "superseded"


@pytest.mark.parametrize(
    "body",
    [
        PROPOSAL | {"closure_code": "premature"},
        {"decision": "decline", "reason": "No reason given."},
        DECLINE | {"other_reason": None},
        DECLINE | {"closure_code": "Three-year rule"},
        DECLINE | {"closure_code": "not a code"},
        DECLINE | {"decision": "resolve"},
        DECLINE | {"reason": "  "},
        DECLINE | {"extra": 1},
    ],
)
async def test_a_decision_that_is_not_a_single_valid_one_is_refused__ASM_093(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, body: dict[str, Any]
) -> None:
    case = await make_case(session)
    r = await _ask(client, auth_headers, case.id, body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert (await client.get(_url(case.id), headers=auth_headers("auditor"))).json() == []


async def test_a_resolution_is_approved_while_the_organisations_answer_is_awaited__ASM_156(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # ASM-156 (¶3.67), ASM-172: a resolution is a decision not to investigate and is approved
    # as one, its own kind; it may be asked while the resolution request awaits the answer.
    from tests.assessment.resolution.builders import make_resolution_request

    case = await make_case(session)
    await make_resolution_request(session, case)
    asked = await _ask(client, auth_headers, case.id, RESOLUTION)
    assert asked.status_code == 201, asked.text
    got = asked.json()
    assert got["covers"] == {
        "decision": "resolution", "closure_code": None, "discretion": None, "other_reason": None,
    }  # fmt: skip
    assert got["rule"].startswith("ASM-156 ¶3.67, ASM-172 ¶3.108")
    decided = await _decide(client, auth_headers, case.id, got["id"], "senior_caseworker", "s1")
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "approved"


@pytest.mark.parametrize(
    "extra",
    [
        {"closure_code": "general discretion - resolution"},
        {"discretion": "general"},
        {"other_reason": "outcome not achievable"},
    ],
)
async def test_a_resolutions_approval_names_no_decline_reason__ASM_093(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, extra: dict[str, Any]
) -> None:
    case = await make_case(session)
    r = await _ask(client, auth_headers, case.id, RESOLUTION | extra)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)


async def test_only_at_further_consideration_and_by_the_holder(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    closed = await make_case(session, status=CaseStatus.closed)
    r = await _ask(client, auth_headers, closed.id, PROPOSAL)
    assert (r.status_code, _type(r)) == (409, "decision-approval-not-at-further-consideration")
    case = await make_case(session)
    r = await _ask(client, auth_headers, case.id, PROPOSAL, sub="cw-not-the-owner")
    assert (r.status_code, _type(r)) == (403, "not-case-owner")
    r = await _decide(client, auth_headers, case.id, str(uuid.uuid4()), "senior_caseworker", "s")
    assert (r.status_code, _type(r)) == (404, "decision-approval-not-found")
    r = await client.get(_url(uuid.uuid4()), headers=auth_headers("auditor"))
    assert (r.status_code, _type(r)) == (404, "case-not-found")
    r = await client.get(_url(case.id, str(uuid.uuid4())), headers=auth_headers("auditor"))
    assert (r.status_code, _type(r)) == (404, "decision-approval-not-found")
    r = await _decide(client, auth_headers, case.id, str(uuid.uuid4()), "intake_caseworker", "i")
    assert r.status_code == 403


async def test_a_replayed_request_is_answered_from_the_first(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    key = {"Idempotency-Key": f"approval-{case.id}"}
    headers = auth_headers("caseworker", sub=CW) | key
    first = await client.post(_url(case.id), json=PROPOSAL, headers=headers)
    again = await client.post(_url(case.id), json=PROPOSAL, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert len((await client.get(_url(case.id), headers=auth_headers("auditor"))).json()) == 1

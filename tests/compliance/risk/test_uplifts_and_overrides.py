"""Uplifts (CMP-102) and manager overrides (CMP-111/112) of a case's risk rating."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import AuditEntry
from shared.clock import FixedClock
from shared.outbox.models import OutboxEvent
from tests.compliance.risk.builders import (
    MGR,
    ORG,
    ask_override,
    decide_override,
    make_assessment,
    make_uplift,
    refused,
)
from tests.helpers import TODAY

Headers = Callable[..., dict[str, str]]
NO_RISK = {
    "trigger": "propose",
    "conflicts_of_interest_considered": True,
    "risks": [],
    "low_rationale": "No indication at this stage that a risk is present",
}


async def _assess(
    client: httpx.AsyncClient, case_id: uuid.UUID, headers: dict[str, str], **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/risk/cases/{case_id}/assessments", json={**NO_RISK, **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# --- Uplifts (CMP-102) ------------------------------------------------------------------------


async def test_an_organisation_uplift_raises_a_low_assessment_to_its_minimum__CMP_102(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    uplift = await make_uplift(session, minimum="medium", organisation_id=ORG)
    got = await _assess(client, case_id, cw, organisation_ids=[str(ORG)])
    assert (got["highest_post_rating"], got["uplift_floor"], got["rating"]) == (
        "low",
        "medium",
        "medium",
    )
    assert got["uplift_ids"] == [str(uplift.id)]
    other = await _assess(client, uuid.uuid4(), cw, organisation_ids=[str(uuid.uuid4())])
    assert (other["uplift_floor"], other["rating"]) == (None, "low")


async def test_an_uplift_applies_only_within_its_period__CMP_102(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    clock: FixedClock,
) -> None:
    await make_uplift(session, starts_on=TODAY, ends_on=TODAY + timedelta(days=30))
    body = {"organisation_ids": [str(ORG)]}
    clock.advance(timedelta(days=30))  # its last day
    assert (await _assess(client, case_id, cw, **body))["rating"] == "medium"
    clock.advance(timedelta(days=1))  # after ``to``
    assert (await _assess(client, case_id, cw, **body))["rating"] == "low"
    clock.advance(timedelta(days=-32))  # the day before it starts
    assert (await _assess(client, case_id, cw, **body))["rating"] == "low"


async def test_a_case_group_uplift_applies_to_its_cases_only__CMP_102(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    await make_uplift(session, minimum="high", case_ids=[case_id, uuid.uuid4()])
    assert (await _assess(client, case_id, cw))["rating"] == "high"
    assert (await _assess(client, uuid.uuid4(), cw))["rating"] == "low"


async def test_an_uplift_never_lowers_a_rating_and_the_highest_applies__CMP_102(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    await make_uplift(session, minimum="medium", organisation_id=ORG)
    await make_uplift(session, minimum="high", case_ids=[case_id])
    assert (await _assess(client, case_id, cw, organisation_ids=[str(ORG)]))["rating"] == "high"
    high_risk = {
        "category": "legal",
        "description": "Judicial review threatened",
        "impact": "critical",
        "likelihood": "highly_likely",
        "mitigation": {"outcome": "accept", "plan": "Legal Team advises"},
        "action_if_occurs": "Legal Team",
    }
    other = uuid.uuid4()
    got = await _assess(client, other, cw, organisation_ids=[str(ORG)], risks=[high_risk])
    assert (got["uplift_floor"], got["rating"]) == ("medium", "high")


async def test_an_assistant_director_imposes_an_uplift__CMP_102(
    client: httpx.AsyncClient, auth_headers: Headers, cw: dict[str, str]
) -> None:
    body = {
        "scope": "organisation",
        "organisation_id": str(ORG),
        "minimum_rating": "medium",
        "starts_on": "2026-11-02",
        "ends_on": "2027-01-31",
        "reason": "National media interest in the trust",
    }
    ad = auth_headers("assistant_director", sub="ad-risk-1")
    response = await client.post("/v1/risk/uplifts", json=body, headers=ad)
    assert response.status_code == 201, response.text
    made = response.json()
    assert (made["minimum_rating"], made["decided_by"]) == ("medium", "ad-risk-1")
    got = await client.get(response.headers["location"], headers=cw)
    assert got.json() == made
    listed = await client.get("/v1/risk/uplifts", params={"active_on": "2027-02-01"}, headers=cw)
    assert listed.json()["items"] == []
    listed = await client.get("/v1/risk/uplifts", params={"active_on": "2027-01-31"}, headers=cw)
    assert [u["id"] for u in listed.json()["items"]] == [made["id"]]
    refused(await client.post("/v1/risk/uplifts", json=body, headers=cw), 403)


@pytest.mark.parametrize(
    "change",
    [
        {"minimum_rating": "low"},
        {"minimum_rating": None},
        {"organisation_id": None},
        {"case_ids": [str(uuid.UUID(int=5))]},
        {"scope": "case_group"},
        {"scope": "case_group", "organisation_id": None, "case_ids": []},
        {"ends_on": "2026-11-01"},
        {"starts_on": "02/11/2026"},
        {"reason": ""},
        {"scope": "everyone"},
    ],
)
async def test_a_bad_uplift_is_a_422__CMP_102(
    client: httpx.AsyncClient, auth_headers: Headers, change: dict[str, Any]
) -> None:
    body = {
        "scope": "organisation",
        "organisation_id": str(ORG),
        "minimum_rating": "medium",
        "starts_on": "2026-11-02",
        "ends_on": "2027-01-31",
        "reason": "National media interest in the trust",
        **change,
    }
    response = await client.post(
        "/v1/risk/uplifts", json=body, headers=auth_headers("assistant_director")
    )
    refused(response, 422)


# --- Overrides (CMP-111, CMP-112) -------------------------------------------------------------


async def test_a_lower_overall_rating_needs_a_managers_override__CMP_111_CMP_112(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="high")
    asked = await ask_override(client, a.id, "medium", cw)
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert (request["direction"], request["rating"], request["decision"]) == (
        "lower",
        "medium",
        None,
    )
    decided = await decide_override(client, a.id, request["id"], manager, if_match='"1"')
    assert decided.status_code == 200, decided.text
    got = decided.json()
    assert (got["generated_rating"], got["override_rating"], got["rating"]) == (
        "high",
        "medium",
        "medium",
    )
    assert got["override_direction"] == "lower"
    assert got["override_explanation"] == "Reviewed across all categories with the manager"
    assert got["override_approval_id"] == request["id"]
    assert decided.headers["etag"] == '"2"'
    rating = (await client.get(f"/v1/risk/cases/{case_id}/rating", headers=cw)).json()
    assert (rating["rating"], rating["overridden"]) == ("medium", True)
    event = (await session.scalars(select(OutboxEvent).where(OutboxEvent.case_id == case_id))).one()
    assert (event.type, event.payload["previous_rating"], event.payload["cause"]) == (
        "compliance.risk.rating_changed",
        "high",
        "override",
    )
    actions = (
        await session.scalars(
            select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        )
    ).all()
    assert actions == ["risk.override_requested", "risk.override_decided", "risk.rating_overridden"]
    listed = await client.get(f"/v1/risk/assessments/{a.id}/override-requests", headers=cw)
    assert [(r["decision"], r["decided_by"]) for r in listed.json()] == [("approved", MGR)]


async def test_a_manager_may_raise_the_rating__CMP_112(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="low")
    request = (await ask_override(client, a.id, "high", cw)).json()
    assert request["direction"] == "raise"
    got = (await decide_override(client, a.id, request["id"], manager)).json()
    assert (got["rating"], got["override_direction"]) == ("high", "raise")


async def test_a_refused_override_leaves_the_rating__CMP_112(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="high")
    request = (await ask_override(client, a.id, "low", cw)).json()
    got = (await decide_override(client, a.id, request["id"], manager, approve=False)).json()
    assert (got["rating"], got["override_rating"]) == ("high", None)
    again = await decide_override(client, a.id, request["id"], manager)
    refused(again, 409, "approval-already-decided")


async def test_the_requester_cannot_approve_their_own_override__CMP_112(
    client: httpx.AsyncClient, manager: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="high")
    request = (await ask_override(client, a.id, "low", manager)).json()
    refused(
        await decide_override(client, a.id, request["id"], manager), 403, "approver-is-requester"
    )


@pytest.mark.parametrize("role", ["caseworker", "senior_caseworker", "auditor"])
async def test_only_a_manager_decides_an_override__CMP_112(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    cw: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    role: str,
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="high")
    request = (await ask_override(client, a.id, "low", cw)).json()
    refused(await decide_override(client, a.id, request["id"], auth_headers(role)), 403)


async def test_an_override_must_change_the_rating__CMP_112(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="medium")
    refused(await ask_override(client, a.id, "medium", cw), 409, "override-changes-nothing")


async def test_an_override_cannot_go_below_an_active_uplift__CMP_102_CMP_112(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="high", uplift_floor="medium")
    problem = refused(await ask_override(client, a.id, "low", cw), 409, "override-below-uplift")
    assert problem["minimum_rating"] == "medium"
    assert (await ask_override(client, a.id, "medium", cw)).status_code == 201


async def test_only_the_latest_assessment_is_overridden__CMP_112(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    first = await make_assessment(session, case_id=case_id, number=1, rating="high")
    request = (await ask_override(client, first.id, "low", cw)).json()
    await make_assessment(session, case_id=case_id, number=2, rating="high")
    refused(await ask_override(client, first.id, "low", cw), 409, "risk-assessment-superseded")
    refused(await decide_override(client, first.id, request["id"], manager), 409)


async def test_a_new_request_supersedes_the_undecided_one__CMP_112(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="high")
    old = (await ask_override(client, a.id, "low", cw)).json()
    new = (await ask_override(client, a.id, "medium", cw)).json()
    refused(
        await decide_override(client, a.id, old["id"], manager), 409, "approval-already-decided"
    )
    assert (await decide_override(client, a.id, new["id"], manager)).json()["rating"] == "medium"


async def test_a_stale_if_match_isrefused(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="high")
    request = (await ask_override(client, a.id, "low", cw)).json()
    refused(await decide_override(client, a.id, request["id"], manager, if_match='"7"'), 412)


async def test_unknown_assessments_and_requests_are_404s(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    refused(await ask_override(client, uuid.uuid4(), "low", cw), 404, "risk-assessment-not-found")
    a = await make_assessment(session, case_id=case_id, rating="high")
    refused(
        await decide_override(client, a.id, str(uuid.uuid4()), manager),
        404,
        "risk-override-request-not-found",
    )
    refused(
        await client.get(f"/v1/risk/assessments/{uuid.uuid4()}/override-requests", headers=cw),
        404,
    )


@pytest.mark.parametrize(
    "body",
    [
        {"rating": "extreme", "explanation": "Because"},
        {"rating": None, "explanation": "Because"},
        {"rating": "low"},
        {"rating": "low", "explanation": ""},
        {"rating": "low", "explanation": "Because", "direction": "lower"},
    ],
)
async def test_a_bad_override_request_is_a_422__CMP_112(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    body: dict[str, Any],
) -> None:
    a = await make_assessment(session, case_id=case_id, rating="high")
    response = await client.post(
        f"/v1/risk/assessments/{a.id}/override-requests", json=body, headers=cw
    )
    refused(response, 422)

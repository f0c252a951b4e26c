"""Recording risk assessments over HTTP: ratings computed, never typed; the rules a record must
meet (CMP-105…118, XC-RSK-001); versions, the current rating, events and the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import AuditEntry
from shared.outbox.models import OutboxEvent
from tests.compliance.risk.builders import CW, assessment_body, make_assessment, refused

Headers = Callable[..., dict[str, str]]


def risk(impact: Any = "minor", likelihood: Any = "likely", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "people",
        "description": "The complainant may be distressed by the decision",
        "impact": impact,
        "likelihood": likelihood,
        "action_if_occurs": "Tell the complainant's advocate first",
    }
    body.update(extra)
    return body


PLAN = {"outcome": "reduce", "plan": "Share the decision with the advocate present"}


assessment = assessment_body


async def _post(
    client: httpx.AsyncClient, case_id: uuid.UUID, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    return await client.post(f"/v1/risk/cases/{case_id}/assessments", json=body, headers=headers)


async def test_ratings_are_computed_before_and_after_mitigation__CMP_109(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    body = assessment(
        [
            risk(
                "critical",
                "likely",
                impact_after="moderate",
                likelihood_after="likely",
                mitigation=PLAN,
                mitigation_effect="Sharing it with the advocate present lowers the impact",
            ),
            risk("minor", "likely"),
        ]
    )
    response = await _post(client, case_id, body, cw)
    assert response.status_code == 201, response.text
    got = response.json()
    assert [(r["pre_rating"], r["matrix_post_rating"], r["post_rating"]) for r in got["risks"]] == [
        ("high", "medium", "medium"),
        ("low", "low", "low"),
    ]
    assert (got["pre_rating"], got["highest_post_rating"], got["rating"]) == (
        "high",
        "medium",
        "medium",
    )
    assert got["number"] == 1
    assert got["recorded_by"] == CW
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"/v1/risk/assessments/{got['id']}"


@pytest.mark.parametrize(
    ("where", "field"),
    [("risk", "pre_rating"), ("risk", "post_rating"), ("assessment", "rating")],
)
async def test_a_rating_cannot_be_typed__CMP_105(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, where: str, field: str
) -> None:
    body = assessment([risk(**({field: "low"} if where == "risk" else {}))])
    if where == "assessment":
        body[field] = "low"
    refused(await _post(client, case_id, body, cw))


@pytest.mark.parametrize(
    "entry",
    [
        {k: v for k, v in risk().items() if k != "likelihood"},
        {k: v for k, v in risk().items() if k != "impact"},
        risk(impact_after="minor"),
        risk(likelihood_after="unlikely"),
        risk(impact_after="minor", likelihood_after=None),
    ],
    ids=["no-likelihood", "no-impact", "impact-after-only", "likelihood-after-only", "null-after"],
)
async def test_impact_and_likelihood_come_together__CMP_105(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, entry: dict[str, Any]
) -> None:
    refused(await _post(client, case_id, assessment([entry]), cw))


@pytest.mark.parametrize(
    ("impact", "likelihood"),
    [
        ("critical", "unlikely"),
        ("critical", "likely"),
        ("critical", "highly_likely"),
        ("moderate", "likely"),
        ("moderate", "highly_likely"),
        ("minor", "highly_likely"),
    ],
)
async def test_medium_or_high_needs_a_mitigation_plan__CMP_118(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, impact: str, likelihood: str
) -> None:
    problem = refused(await _post(client, case_id, assessment([risk(impact, likelihood)]), cw))
    assert "CMP-118" in str(problem)
    with_plan = await _post(
        client, case_id, assessment([risk(impact, likelihood, mitigation=PLAN)]), cw
    )
    assert with_plan.status_code == 201, with_plan.text


@pytest.mark.parametrize("outcome", ["remove", "avoid", "reduce", "accept"])
async def test_each_mitigation_outcome_is_recorded__CMP_118(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, outcome: str
) -> None:
    plan = {"outcome": outcome, "plan": "Agreed with the manager"}
    response = await _post(
        client, case_id, assessment([risk("moderate", "likely", mitigation=plan)]), cw
    )
    assert response.status_code == 201, response.text
    assert response.json()["risks"][0]["mitigation_outcome"] == outcome


@pytest.mark.parametrize(
    "mitigation",
    [{"outcome": "ignore", "plan": "x"}, {"outcome": "reduce"}, {"outcome": "reduce", "plan": " "}],
)
async def test_a_plan_needs_an_outcome_and_a_plan__CMP_118(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, mitigation: dict[str, Any]
) -> None:
    refused(
        await _post(
            client, case_id, assessment([risk("moderate", "likely", mitigation=mitigation)]), cw
        )
    )


async def test_the_low_cell_needs_no_plan__CMP_118(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    response = await _post(client, case_id, assessment([risk("moderate", "unlikely")]), cw)
    assert response.status_code == 201, response.text
    assert response.json()["risks"][0]["mitigation_plan"] is None


async def test_a_medium_or_low_cell_is_graded_low_with_factors__CMP_110(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    downgrade = {"factors": "An advocate supports the complainant", "discussed_with": "om-risk-1"}
    body = assessment([risk("moderate", "likely", mitigation=PLAN, downgrade=downgrade)])
    response = await _post(client, case_id, body, cw)
    assert response.status_code == 201, response.text
    entry = response.json()["risks"][0]
    assert (entry["pre_rating"], entry["matrix_post_rating"], entry["post_rating"]) == (
        "medium",
        "medium",
        "low",
    )
    assert entry["downgrade_factors"] == "An advocate supports the complainant"
    assert response.json()["rating"] == "low"


@pytest.mark.parametrize(
    "downgrade", [{}, {"factors": ""}, {"factors": "   "}, {"factors": None}, None]
)
async def test_no_downgrade_without_factors__CMP_110(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    case_id: uuid.UUID,
    downgrade: dict[str, Any] | None,
) -> None:
    body = assessment([risk("moderate", "likely", mitigation=PLAN, downgrade=downgrade)])
    response = await _post(client, case_id, body, cw)
    if downgrade is None:  # no downgrade asked for: the matrix's medium stands
        assert response.json()["rating"] == "medium"
    else:
        refused(response)


@pytest.mark.parametrize(
    ("impact", "likelihood", "after"),
    [
        ("critical", "likely", None),
        ("critical", "highly_likely", None),
        ("moderate", "highly_likely", None),
        ("moderate", "likely", ("critical", "likely")),
        ("moderate", "unlikely", None),
    ],
)
async def test_only_a_medium_or_low_cell_is_downgraded__CMP_110(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    case_id: uuid.UUID,
    impact: str,
    likelihood: str,
    after: tuple[str, str] | None,
) -> None:
    extra: dict[str, Any] = {"mitigation": PLAN, "downgrade": {"factors": "Advocate in place"}}
    if after:
        extra.update(impact_after=after[0], likelihood_after=after[1])
    problem = refused(
        await _post(client, case_id, assessment([risk(impact, likelihood, **extra)]), cw)
    )
    assert "CMP-110" in str(problem)


async def test_the_overall_rating_defaults_to_the_highest__CMP_111(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    body = assessment(
        [
            risk("minor", "unlikely"),
            risk("moderate", "likely", mitigation=PLAN),
            risk("critical", "highly_likely", mitigation=PLAN),
        ]
    )
    response = await _post(client, case_id, body, cw)
    assert response.json()["rating"] == "high"
    assert response.json()["generated_rating"] == "high"


async def test_two_risks_need_the_cumulative_assessment__CMP_117(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    body = assessment([risk(), risk()])
    del body["cumulative"]
    problem = refused(await _post(client, case_id, body, cw))
    assert "CMP-117" in str(problem)
    one = assessment(
        [risk()], cumulative={"common_root": True, "raised": False, "reason": "One issue"}
    )
    refused(await _post(client, case_id, one, cw))


async def test_risks_together_may_raise_the_rating__CMP_117(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    medium = risk("moderate", "likely", mitigation=PLAN)
    body = assessment(
        [medium, medium, medium, medium],
        cumulative={
            "common_root": False,
            "raised": True,
            "reason": "Four unlinked risks, each managed separately",
        },
    )
    got = (await _post(client, case_id, body, cw)).json()
    assert (got["highest_post_rating"], got["generated_rating"], got["rating"]) == (
        "medium",
        "high",
        "high",
    )
    assert (got["cumulative_common_root"], got["cumulative_raised"]) == (False, True)


async def test_no_risk_is_low_with_a_rationale__CMP_108(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    body = assessment([])
    del body["low_rationale"]
    problem = refused(await _post(client, case_id, body, cw))
    assert "CMP-108" in str(problem)
    refused(await _post(client, case_id, {**body, "low_rationale": "  "}, cw))
    got = (await _post(client, case_id, assessment([]), cw)).json()
    assert (got["rating"], got["pre_rating"]) == ("low", "low")
    assert got["low_rationale"] == "No indication at this stage that a risk is present"


@pytest.mark.parametrize(
    "trigger",
    [
        "decline",
        "propose",
        "confirm_investigation",
        "provisional_views",
        "further_work_after_service_complaint",
        "compliance_escalation",
        "new_risk_identified",
        "ad_hoc",
    ],
)
async def test_each_trigger_of_the_closed_list__XC_RSK_001(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, trigger: str
) -> None:
    # XC-RSK-003: an ad hoc or new-risk review names its reason.
    extra = {"review_reason": "new_risk"} if trigger in ("new_risk_identified", "ad_hoc") else {}
    response = await _post(client, case_id, assessment([], trigger=trigger, **extra), cw)
    assert response.status_code == 201, response.text
    assert response.json()["trigger"] == trigger


@pytest.mark.parametrize(
    "change",
    [
        {"trigger": "later"},
        {"trigger": ""},
        {"trigger": None},
        {"conflicts_of_interest_considered": None},
        {"conflicts_of_interest_considered": "yes"},
        {"conflicts_of_interest_considered": 1},
        {"risks": None},
        {"risks": [risk()] * 26},
        {"risks": [risk(impact="4")]},
        {"risks": [risk(impact=3)]},
        {"risks": [risk(likelihood="possible")]},
        {"risks": [risk(category="health")]},
        {"risks": [risk(description="")]},
        {"risks": [risk(description=None)]},
        {"risks": [risk(action_if_occurs="")]},
        {"risks": [risk(description="x\x00y")]},
        {"organisation_ids": ["not-a-uuid"]},
        {"organisation_ids": [str(uuid.UUID(int=1))] * 2},
        {"low_rationale": ""},
        {"surprise": True},
    ],
)
async def test_bad_input_is_a_422_problem_never_a_500__XC_RSK_001(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    case_id: uuid.UUID,
    change: dict[str, Any],
    session: AsyncSession,
) -> None:
    refused(await _post(client, case_id, {**assessment([]), **change}, cw))
    assert (await session.scalars(select(OutboxEvent))).first() is None


async def test_missing_conflicts_of_interest_is_refused__XC_RSK_001(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    body = assessment([])
    del body["conflicts_of_interest_considered"]
    refused(await _post(client, case_id, body, cw))


async def test_a_bad_case_id_or_body_is_a_422(
    client: httpx.AsyncClient, cw: dict[str, str]
) -> None:
    refused(await client.post("/v1/risk/cases/nope/assessments", json=assessment([]), headers=cw))
    raw = await client.post(
        f"/v1/risk/cases/{uuid.uuid4()}/assessments",
        content=b"{not json",
        headers={**cw, "content-type": "application/json"},
    )
    refused(raw)


@pytest.mark.parametrize("role", ["intake_caseworker", "auditor", "legal", "integration"])
async def test_only_caseworkers_and_managers_record(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, role: str
) -> None:
    refused(await _post(client, case_id, assessment([]), auth_headers(role)), 403)


async def test_each_assessment_is_a_new_version_and_a_change_is_announced__CMP_120(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    await make_assessment(session, case_id=case_id, rating="low")
    same = (await _post(client, case_id, assessment([]), cw)).json()
    high = assessment(
        [risk("critical", "likely", mitigation=PLAN)],
        trigger="new_risk_identified",
        review_reason="new_risk",
    )
    changed = (await _post(client, case_id, high, cw)).json()
    assert (same["number"], changed["number"]) == (2, 3)
    events = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.case_id == case_id).order_by(OutboxEvent.sequence)
        )
    ).all()
    assert [e.type for e in events] == [
        "compliance.risk.assessed",
        "compliance.risk.assessed",
        "compliance.risk.rating_changed",
    ]
    assert events[1].payload == {
        "assessment_id": changed["id"],
        "number": 3,
        "trigger": "new_risk_identified",
        "rating": "high",
        "conflicts_of_interest_considered": True,
    }
    assert events[2].payload == {
        "assessment_id": changed["id"],
        "previous_rating": "low",
        "rating": "high",
        "cause": "assessment",
    }
    assert events[0].source == "compliance-api"


async def test_the_assessment_is_audited_on_the_case(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    got = (await _post(client, case_id, assessment([risk()]), cw)).json()
    row = (await session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id))).one()
    assert (row.action, row.actor, str(row.entity_id)) == ("risk.assessed", CW, got["id"])
    assert row.after is not None
    assert row.after["risks"][0]["post_rating"] == "low"


async def test_a_replayed_create_records_once(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    headers = {**cw, "Idempotency-Key": "risk-create-1"}
    first = await _post(client, case_id, assessment([]), headers)
    again = await _post(client, case_id, assessment([]), headers)
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    page = (await client.get(f"/v1/risk/cases/{case_id}/assessments", headers=cw)).json()
    assert len(page["items"]) == 1


async def test_the_current_rating_is_the_latest_assessments__CMP_101(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    missing = refused(await client.get(f"/v1/risk/cases/{case_id}/rating", headers=cw), 404)
    assert missing["type"].endswith("/no-risk-assessment")
    assert missing["create_path"] == f"/v1/risk/cases/{case_id}/assessments"
    await make_assessment(session, case_id=case_id, number=1, rating="high")
    latest = await make_assessment(session, case_id=case_id, number=2, rating="medium")
    await make_assessment(session, case_id=uuid.uuid4(), number=3, rating="low")
    got = (await client.get(f"/v1/risk/cases/{case_id}/rating", headers=cw)).json()
    assert (got["rating"], got["number"], got["assessment_id"]) == ("medium", 2, str(latest.id))
    assert got["overridden"] is False


async def test_a_cases_assessments_page_newest_first(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, session: AsyncSession
) -> None:
    for n in (1, 2, 3):
        await make_assessment(session, case_id=case_id, number=n)
    reader = auth_headers("auditor")
    url = f"/v1/risk/cases/{case_id}/assessments"
    first = (await client.get(url, params={"limit": 2}, headers=reader)).json()
    assert [a["number"] for a in first["items"]] == [3, 2]
    second = (
        await client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=reader)
    ).json()
    assert [a["number"] for a in second["items"]] == [1]
    assert second["next_cursor"] is None
    refused(await client.get(url, params={"cursor": "garbage"}, headers=reader), 400)
    refused(await client.get(url, params={"limit": 0}, headers=reader))


async def test_one_assessment_with_its_risks(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    made = (await _post(client, case_id, assessment([risk()]), cw)).json()
    got = await client.get(f"/v1/risk/assessments/{made['id']}", headers=cw)
    assert got.json() == made
    assert got.headers["etag"] == '"1"'
    missing = refused(await client.get(f"/v1/risk/assessments/{uuid.uuid4()}", headers=cw), 404)
    assert missing["type"].endswith("/risk-assessment-not-found")

"""Assessment's own case record: opened from ``intake.case.referred`` (delivered to
``/internal/events`` as the relay does), read with an ETag and listed with filters; and kept up
to date with compliance-api's risk events (CMP-101, CMP-120)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case, CaseTask, TaskKind
from assessment_api.cases.state import CaseStatus
from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from shared.events.contracts.compliance import RiskAssessedV1, RiskRatingChangedV1
from shared.events.envelope import EventPayload
from tests.assessment.cases.builders import CW, ORG, envelope, make_case, referral

Headers = Callable[..., dict[str, str]]


async def deliver(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    payload: EventPayload,
    *,
    source: str,
) -> None:
    event = envelope(case_id, payload, source=source).model_dump(mode="json")
    r = await client.post(
        "/internal/events", json={"events": [event]}, headers=auth_headers("service", sub=source)
    )
    assert r.status_code == 200, r.text
    assert {x["status"] for x in r.json()["results"]} == {"processed"}


async def test_a_referral_opens_the_case_record_keyed_by_intakes_id__XC_RSK_002(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    event = referral(route="ect_triage", risk_assessment_required=True, priority="high")
    await deliver(client, auth_headers, case_id, event, source="intake-api")

    r = await client.get(f"/v1/cases/{case_id}", headers=auth_headers("caseworker"))
    assert r.status_code == 200, r.text
    got = r.json()
    assert r.headers["etag"] == '"1"'
    assert got["id"] == str(case_id)
    assert (got["reference"], got["status"], got["route"]) == (
        event.reference, "ect_triage", "ect_triage",
    )  # fmt: skip
    assert (got["triage_category"], got["priority"], got["jurisdiction"]) == (
        "general", "high", "health",
    )  # fmt: skip
    assert got["risk_assessment_required"] is True  # the intake tick (¶10.14)
    assert got["organisation_ids"] == [str(ORG)]
    assert (got["owner"], got["team"], got["risk_rating"]) == (None, None, None)
    assert (got["decline"], got["proposal"]) == (None, None)
    [audit] = await session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_id == case_id, AuditEntry.action == "case.opened"
        )
    )
    assert (audit.actor, (audit.reason or "").split(" event ")[0]) == (
        "intake-api",
        "intake.case.referred",
    )
    # A case routed to ECT triage is not awaiting allocation: the queue does not hold it (ASM-085).
    queue = await client.get("/v1/allocation-queue", headers=auth_headers("caseworker"))
    assert event.reference not in {e["reference"] for e in queue.json()["items"]}


async def test_the_record_holds_no_personal_data(session: AsyncSession) -> None:
    case = await make_case(session)
    columns = set(Case.__table__.columns.keys())
    assert not columns & {"name", "given_name", "family_name", "email", "address", "phone"}
    assert "person" not in json.dumps([str(c) for c in columns])
    assert case.reference.startswith("CAS-")


async def test_a_repeated_referral_keeps_the_record_and_is_audited(
    session: AsyncSession, client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    case = await make_case(session, status=CaseStatus.further_consideration)
    case_id = case.id
    await deliver(client, auth_headers, case_id, referral(), source="intake-api")
    session.expire_all()
    again = await session.get(Case, case_id)
    assert again is not None
    assert (again.status, again.owner) == (CaseStatus.further_consideration, CW)
    actions = await session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == case_id)
    )
    assert "case.referred_again" in list(actions)


async def test_unknown_case_is_404(client: httpx.AsyncClient, auth_headers: Headers) -> None:
    r = await client.get(f"/v1/cases/{uuid.uuid4()}", headers=auth_headers("caseworker"))
    assert r.status_code == 404
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "case-not-found"
    r = await client.get(f"/v1/cases/{uuid.uuid4()}/tasks", headers=auth_headers("caseworker"))
    assert r.status_code == 404


async def test_the_list_filters_and_pages(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    owner = f"cw-{uuid.uuid4().hex[:6]}"
    ticked = await make_case(session, owner=owner, risk_assessment_required=True)
    plain = await make_case(session, owner=owner, jurisdiction="parliamentary")
    await make_case(session, owner=owner, status=CaseStatus.awaiting_allocation)
    headers = auth_headers("auditor")

    async def ids(**params: Any) -> list[str]:
        r = await client.get("/v1/cases", params={"owner": owner, **params}, headers=headers)
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()["items"]]

    assert len(await ids()) == 3
    assert await ids(risk_assessment_required="true") == [str(ticked.id)]
    assert await ids(jurisdiction="parliamentary") == [str(plain.id)]
    assert set(await ids(status="further_consideration")) == {str(ticked.id), str(plain.id)}
    first = await client.get("/v1/cases", params={"owner": owner, "limit": 2}, headers=headers)
    cursor = first.json()["next_cursor"]
    rest = await client.get(
        "/v1/cases", params={"owner": owner, "limit": 2, "cursor": cursor}, headers=headers
    )
    assert len(first.json()["items"]) + len(rest.json()["items"]) == 3
    assert rest.json()["next_cursor"] is None


@pytest.mark.parametrize(
    "params",
    [{"status": "nope"}, {"risk_rating": "severe"}, {"jurisdiction": "scotland"}, {"limit": 0},
     {"cursor": "not-a-cursor"}, {"risk_assessment_required": "maybe"}],
)  # fmt: skip
async def test_bad_filters_are_problems(
    client: httpx.AsyncClient, auth_headers: Headers, params: dict[str, str]
) -> None:
    r = await client.get("/v1/cases", params=params, headers=auth_headers("caseworker"))
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")


# ---------------------------------------------------------------------------------------------
# compliance-api's risk events (CMP-101, CMP-120)
# ---------------------------------------------------------------------------------------------


async def test_an_assessment_sets_the_cases_current_rating__CMP_101(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    assessment_id = uuid.uuid4()
    payload = RiskAssessedV1(
        assessment_id=assessment_id, number=1, trigger="ad_hoc", rating="medium",
        conflicts_of_interest_considered=True,
    )  # fmt: skip
    await deliver(client, auth_headers, case.id, payload, source="compliance-api")
    got = (await client.get(f"/v1/cases/{case.id}", headers=auth_headers("caseworker"))).json()
    assert (got["risk_rating"], got["risk_assessment_id"]) == ("medium", str(assessment_id))
    assert got["version"] == 2
    tasks = await client.get(f"/v1/cases/{case.id}/tasks", headers=auth_headers("caseworker"))
    assert tasks.json() == []  # a first rating is not a change


async def test_a_rating_change_leaves_a_reallocation_or_supervision_task__CMP_120(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    assessment_id = uuid.uuid4()
    payload = RiskRatingChangedV1(
        assessment_id=assessment_id, previous_rating="low", rating="high", cause="assessment"
    )
    await deliver(client, auth_headers, case.id, payload, source="compliance-api")

    got = (await client.get(f"/v1/cases/{case.id}", headers=auth_headers("caseworker"))).json()
    assert got["risk_rating"] == "high"
    [task] = (
        await client.get(f"/v1/cases/{case.id}/tasks", headers=auth_headers("caseworker"))
    ).json()
    assert task["kind"] == "consider_reallocation_or_supervision"
    assert task["rule"].startswith("CMP-120")
    assert (task["previous_rating"], task["rating"]) == ("low", "high")
    assert task["risk_assessment_id"] == str(assessment_id)
    assert (task["created_by"], task["done_at"]) == ("compliance-api", None)
    [row] = await session.scalars(select(CaseTask).where(CaseTask.case_id == case.id))
    assert row.kind is TaskKind.consider_reallocation_or_supervision
    [audit] = await session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_id == row.id, AuditEntry.action == "case.task_created"
        )
    )
    assert audit.actor == "compliance-api"


async def test_a_rating_for_a_case_assessment_does_not_hold_changes_nothing__CMP_120(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()  # still at intake, say
    payload = RiskRatingChangedV1(
        assessment_id=uuid.uuid4(), previous_rating="low", rating="medium", cause="override"
    )
    await deliver(client, auth_headers, case_id, payload, source="compliance-api")
    assert await session.get(Case, case_id) is None
    assert list(await session.scalars(select(CaseTask).where(CaseTask.case_id == case_id))) == []


async def test_only_compliance_may_send_risk_events(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    payload = RiskRatingChangedV1(
        assessment_id=uuid.uuid4(), previous_rating="low", rating="high", cause="assessment"
    )
    event = envelope(case.id, payload, source="compliance-api").model_dump(mode="json")
    r = await client.post(
        "/internal/events", json={"events": [event]},
        headers=auth_headers("service", sub="intake-api"),
    )  # fmt: skip
    assert r.status_code == 403

"""Resolution items at compliance-api (requirements §E.2 ResolutionAgreed, §B.4; T33; ¶3.63–3.67,
ASM-155, ASM-156, CMP-023).

Resolutions arrive the way production sends them: assessment's ``assessment.resolution.agreed``
POSTed to ``/internal/events`` with assessment's service token (assessment's T33 route, the
producer, is later work).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.resolutions.models import ComplianceItem
from shared.audit import AuditEntry
from shared.http_api.problems import PROBLEM_JSON
from tests.compliance.resolutions.builders import (
    CW,
    ORG,
    envelope,
    make_resolution_item,
    resolution,
)
from tests.helpers import NOW

Headers = Callable[..., dict[str, str]]


def event(case_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    return envelope(case_id, resolution(**overrides)).model_dump(mode="json")


async def deliver(
    client: httpx.AsyncClient, auth_headers: Headers, *events: dict[str, Any]
) -> list[str]:
    r = await client.post(
        "/internal/events",
        json={"events": list(events)},
        headers=auth_headers("service", sub="assessment-api"),
    )
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


async def items_of(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID
) -> list[dict[str, Any]]:
    r = await client.get(
        "/v1/compliance-items", params={"case_id": str(case_id)}, headers=auth_headers("auditor")
    )
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def _problem(r: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = r.json()
    assert body["type"].endswith(type_), body
    return body


async def test_an_agreed_resolution_is_recorded_as_a_resolution_item__ASM_155(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, session: AsyncSession
) -> None:
    sent = event(case_id)
    assert await deliver(client, auth_headers, sent) == ["processed"]

    (item,) = await items_of(client, auth_headers, case_id)
    payload = sent["payload"]
    assert (item["kind"], item["status"], item["escalation_stage"]) == ("resolution", "open", None)
    assert (item["case_id"], item["reference"]) == (str(case_id), payload["reference"])
    assert item["organisation_ids"] == [str(ORG)]
    assert item["component_ids"] == payload["component_ids"]
    assert item["actions"] == ["financial_redress", "service_improvements"]
    assert item["target_date"] == "2026-12-01"
    assert item["resolution_id"] == payload["resolution_id"]
    assert item["risk_assessment_id"] == payload["risk_assessment_id"]
    assert (item["decided_by"], item["closed_at"]) == (CW, None)

    one = await client.get(f"/v1/compliance-items/{item['id']}", headers=auth_headers("legal"))
    assert one.status_code == 200, one.text
    assert one.json() == item
    assert one.headers["etag"].endswith('1"')

    # Audited as assessment, naming the event.
    audits = (await session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id))).all()
    assert [(a.action, a.actor, a.reason) for a in audits] == [
        (
            "compliance_item.resolution_recorded",
            "assessment-api",
            f"assessment.resolution.agreed event {sent['id']}",
        )
    ]
    assert audits[0].after is not None
    assert audits[0].after["status"] == "open"


async def test_a_resolution_without_a_date_is_recorded_too__ASM_155(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID
) -> None:
    assert await deliver(client, auth_headers, event(case_id, due_date=None)) == ["processed"]
    (item,) = await items_of(client, auth_headers, case_id)
    assert item["target_date"] is None


async def test_a_redelivered_or_repeated_resolution_opens_one_item__ASM_155(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, session: AsyncSession
) -> None:
    first = event(case_id)
    assert await deliver(client, auth_headers, first) == ["processed"]
    assert await deliver(client, auth_headers, first) == ["duplicate"]
    # Another event naming the same resolution: nothing more.
    again = envelope(
        case_id, resolution(resolution_id=uuid.UUID(first["payload"]["resolution_id"]))
    )
    assert await deliver(client, auth_headers, again.model_dump(mode="json")) == ["processed"]
    count = await session.scalar(
        select(func.count()).select_from(ComplianceItem).where(ComplianceItem.case_id == case_id)
    )
    assert count == 1


async def test_only_assessment_agrees_resolutions_and_a_broken_one_is_refused_by_id(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID
) -> None:
    forged = event(case_id) | {"source": "intake-api"}
    r = await client.post(
        "/internal/events",
        json={"events": [forged]},
        headers=auth_headers("service", sub="intake-api"),
    )
    _problem(r, 403, "forbidden-events")
    broken = event(case_id)
    broken["payload"]["actions"] = []
    r = await client.post(
        "/internal/events",
        json={"events": [broken]},
        headers=auth_headers("service", sub="assessment-api"),
    )
    assert _problem(r, 422, "invalid-events")["invalid_event_ids"] == [broken["id"]]
    assert await items_of(client, auth_headers, case_id) == []


async def test_a_resolution_item_is_closed_once_completed__ASM_155(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    item_id = await make_resolution_item(session)
    cw = auth_headers("caseworker", sub=CW)
    note = {"note": "The organisation confirmed the refund was paid"}

    r = await client.post(
        f"/v1/compliance-items/{item_id}/close", json=note, headers=cw | {"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["status"], got["closed_by"], got["closure_note"]) == ("closed", CW, note["note"])
    assert datetime.fromisoformat(got["closed_at"]) == NOW
    assert got["status_changed_at"] == got["closed_at"]
    assert r.headers["etag"].endswith('2"')

    again = await client.post(f"/v1/compliance-items/{item_id}/close", json={}, headers=cw)
    _problem(again, 409, "compliance-item-transition-not-allowed")
    stale = await client.post(
        f"/v1/compliance-items/{item_id}/close", json={}, headers=cw | {"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    actions = (
        await session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == item_id).order_by(AuditEntry.id)
        )
    ).all()
    assert actions[-1] == "compliance_item.closed"


async def test_a_resolution_item_is_never_escalated__CMP_023(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, app: FastAPI
) -> None:
    item_id = await make_resolution_item(session)
    # No route escalates a compliance item, or sets its status.
    paths = app.openapi()["paths"]
    item_paths = {p: sorted(ops) for p, ops in paths.items() if "compliance-items" in p}
    assert item_paths == {
        "/v1/compliance-items": ["get"],
        "/v1/compliance-items/{item_id}": ["get"],
        "/v1/compliance-items/{item_id}/close": ["post"],
    }
    r = await client.post(
        f"/v1/compliance-items/{item_id}/escalate",
        json={"stage": 1},
        headers=auth_headers("operations_manager"),
    )
    assert r.status_code in (404, 405)
    # And the database refuses it, whichever code would write it.
    for change in (
        {"status": "escalated"},
        {"status": "escalated to Senior Leadership Team"},
        {"status": "refusal to comply"},
        {"escalation_stage": 1},
    ):
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await session.execute(
                    update(ComplianceItem).where(ComplianceItem.id == item_id).values(**change)
                )
    item = await client.get(f"/v1/compliance-items/{item_id}", headers=auth_headers("auditor"))
    assert (item.json()["status"], item.json()["escalation_stage"]) == ("open", None)


async def test_reading_and_closing_items_need_their_roles(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    item_id = await make_resolution_item(session)
    r = await client.get(f"/v1/compliance-items/{item_id}", headers=auth_headers("integration"))
    assert r.status_code == 403
    r = await client.post(
        f"/v1/compliance-items/{item_id}/close", json={}, headers=auth_headers("auditor")
    )
    assert r.status_code == 403
    missing = await client.get(
        f"/v1/compliance-items/{uuid.uuid4()}", headers=auth_headers("caseworker")
    )
    _problem(missing, 404, "compliance-item-not-found")


async def test_a_resolution_as_assessment_agrees_it_is_an_item_that_never_escalates__ASM_155(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, session: AsyncSession
) -> None:
    # The payload assessment's T33 route emits (tests/assessment/resolution): no component ids
    # (the Decision Form's components are not ids yet), the agreed date, the risk assessment.
    sent = event(case_id, component_ids=[], actions=["payment_for_admitted_loss"])
    assert await deliver(client, auth_headers, sent) == ["processed"]
    (item,) = await items_of(client, auth_headers, case_id)
    assert (item["kind"], item["status"], item["escalation_stage"]) == ("resolution", "open", None)
    assert (item["component_ids"], item["actions"]) == ([], ["payment_for_admitted_loss"])
    # ¶3.66: not a recommendation, so the escalation process never applies to it.
    for change in ({"status": "escalated"}, {"escalation_stage": 1}):
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await session.execute(
                    update(ComplianceItem)
                    .where(ComplianceItem.id == uuid.UUID(item["id"]))
                    .values(**change)
                )

"""Allocating a queued case (T24; ASM-085…089, ASM-099, ASM-104, CMP-114, CMP-128, XC-RSK-002,
XC-RSK-006), through the service's HTTP routes over real rows.

compliance-api's current rating is served by a small stand-in ASGI app answering the shared
contract (``shared.risk_rating.CurrentRiskRating``) that compliance's own route is tested to
answer (tests/compliance/risk/test_internal_rating.py); "down" is a real refused connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import QueueEntry
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from shared.audit import AuditEntry
from shared.clock import FixedClock
from shared.outbox.models import OutboxEvent
from tests.assessment.builders import ORG, Compliance, make_entry, make_staff, use_ratings

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def compliance(app: FastAPI) -> Compliance:
    return use_ratings(app)


@pytest.fixture(autouse=True)
async def empty_queue(session: AsyncSession) -> None:
    await session.execute(delete(QueueEntry))
    await session.flush()


async def allocate(
    client: httpx.AsyncClient, headers: dict[str, str], entry: QueueEntry, caseworker: str
) -> httpx.Response:
    return await client.post(
        f"/v1/allocation-queue/{entry.id}/allocation",
        json={"caseworker_id": caseworker},
        headers=headers,
    )


def refusal_codes(r: httpx.Response) -> list[str]:
    assert r.status_code == 409, r.text
    assert r.json()["type"].endswith("/allocation-refused")
    return [x["code"] for x in r.json()["refusals"]]


# --- Allocation and what it leaves -------------------------------------------------------------


async def test_allocation_starts_the_contact_clock_and_emits__ASM_085_ASM_099(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance, clock: FixedClock,
) -> None:  # fmt: skip
    """Allocated Monday 2 June 2025 → contact due Monday 16 June 2025 (ASM-099's own example)."""
    clock.set(datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
    await make_staff(session, "cw-1")
    entry = await make_entry(session)
    r = await allocate(client, auth_headers("operations_manager", sub="om-1"), entry, "cw-1")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["entry"]["status"], body["entry"]["allocated_to"]) == ("allocated", "cw-1")
    [deadline] = body["deadlines"]
    assert (deadline["kind"], deadline["starts_on"], deadline["due_date"]) == (
        "post_allocation_contact",
        "2025-06-02",
        "2025-06-16",
    )
    assert deadline["effective_due_date"] == "2025-06-16"
    assert body["tasks"] == []
    assert compliance.asked == [entry.case_id]
    event = await session.scalar(
        select(OutboxEvent).where(OutboxEvent.type == "assessment.case.allocated")
    )
    assert event is not None
    assert (event.case_id, event.payload["caseworker_id"], event.payload["contact_due_date"]) == (
        entry.case_id,
        "cw-1",
        "2025-06-16",
    )
    audit = await session.scalar(
        select(AuditEntry).where(AuditEntry.action == "allocation_queue_entry.allocated")
    )
    assert audit is not None
    assert audit.actor == "om-1"


async def test_allocation_moves_the_case_to_its_caseworker__T24_ASM_085(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "cw-1", team="general-2")
    entry = await make_entry(session)
    r = await allocate(client, auth_headers("operations_manager", sub="om-1"), entry, "cw-1")
    assert r.status_code == 200, r.text
    case = await session.get(Case, entry.case_id, populate_existing=True)
    assert case is not None
    assert (case.status, case.owner, case.team) == (
        CaseStatus.further_consideration,
        "cw-1",
        "general-2",
    )
    # Intake's register hears it through the case's audit (assessment.case.status_changed).
    changed = await session.scalar(
        select(OutboxEvent).where(
            OutboxEvent.case_id == entry.case_id,
            OutboxEvent.type == "assessment.case.status_changed",
        )
    )
    assert changed is not None
    assert {k: changed.payload[k] for k in ("status", "previous_status", "owner", "team")} == {
        "status": "further_consideration",
        "previous_status": "awaiting_allocation",
        "owner": "cw-1",
        "team": "general-2",
    }
    # Gone from the queue and from "next case".
    queue = await client.get("/v1/allocation-queue", headers=auth_headers("caseworker"))
    assert str(entry.case_id) not in {e["case_id"] for e in queue.json()["items"]}


async def test_an_entry_whose_case_does_not_await_allocation_is_not_offered__ASM_085(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "cw-1")
    entry = await make_entry(session)
    # A queued entry whose case has moved on (a stale row, however it came about).
    await session.execute(
        update(Case).where(Case.id == entry.case_id).values(status=CaseStatus.ect_triage)
    )
    queue = await client.get("/v1/allocation-queue", headers=auth_headers("caseworker"))
    assert queue.json()["items"] == []
    nxt = await client.get(
        "/v1/allocation-queue/next", headers=auth_headers("caseworker", sub="cw-1")
    )
    assert nxt.status_code == 404, nxt.text
    r = await allocate(client, auth_headers("operations_manager", sub="om-1"), entry, "cw-1")
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (409, "entry-not-queued")
    case = await session.get(Case, entry.case_id, populate_existing=True)
    assert case is not None
    assert (case.status, case.owner) == (CaseStatus.ect_triage, None)


async def test_a_bank_holiday_moves_the_contact_date__ASM_099(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance, clock: FixedClock,
) -> None:  # fmt: skip
    """Allocated Tuesday 19 August 2025: Monday 25 August is a bank holiday → due 3 September."""
    clock.set(datetime(2025, 8, 19, 9, 0, tzinfo=UTC))
    await make_staff(session, "cw-1")
    entry = await make_entry(session)
    r = await allocate(client, auth_headers("caseworker", sub="cw-1"), entry, "cw-1")
    assert r.json()["deadlines"][0]["due_date"] == "2025-09-03"


async def test_mp_referred_case_leaves_an_mp_contact_task__ASM_104(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "cw-1")
    entry = await make_entry(session, mp_referred=True)
    r = await allocate(client, auth_headers("caseworker", sub="cw-1"), entry, "cw-1")
    [task] = r.json()["tasks"]
    assert (task["kind"], task["assignee"]) == ("contact_mp", "cw-1")
    assert task["rule"].startswith("ASM-104")


async def test_risk_assessment_required_leaves_a_risk_task__XC_RSK_002(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "cw-1")
    entry = await make_entry(session, risk_assessment_required=True)
    r = await allocate(client, auth_headers("caseworker", sub="cw-1"), entry, "cw-1")
    assert [(t["kind"], t["assignee"]) for t in r.json()["tasks"]] == [("risk_assessment", "cw-1")]


async def test_the_referral_event_carries_the_ticks_into_the_queue__XC_RSK_002_ASM_104(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    event = {
        "id": str(uuid.uuid4()), "type": "intake.case.referred", "version": 1,
        "occurred_at": "2026-11-02T09:30:00+00:00", "source": "intake-api",
        "case_id": str(case_id), "sequence": 1, "correlation_id": None, "actor": "ic-1",
        "payload": {
            "reference": "C-TICKS", "case_type": "complaint", "jurisdiction": "health",
            "route": "awaiting_allocation", "triage_category": "general", "priority": "standard",
            "organisation_ids": [], "received_date": "2026-10-01",
            "risk_assessment_required": True, "mp_referred": True,
        },
    }  # fmt: skip
    r = await client.post(
        "/internal/events", json={"events": [event]},
        headers=auth_headers("service", sub="intake-api"),
    )  # fmt: skip
    assert r.status_code == 200, r.text
    entry = await session.scalar(select(QueueEntry).where(QueueEntry.case_id == case_id))
    assert entry is not None
    assert (entry.risk_assessment_required, entry.mp_referred) == (True, True)


# --- Refusals ---------------------------------------------------------------------------------


async def test_category_must_match_grade_and_team__ASM_085(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "cw-gen", grade="caseworker", team="general-1")
    await make_staff(session, "cw-cx", grade="caseworker", team="complex-1")
    entry = await make_entry(session, category="complex & significant")
    manager = auth_headers("operations_manager", sub="om-1")
    assert refusal_codes(await allocate(client, manager, entry, "cw-gen")) == ["category-mismatch"]
    r = await allocate(client, manager, entry, "cw-cx")
    assert r.status_code == 200, r.text
    senior = await make_entry(session, category="senior caseworker")
    assert refusal_codes(await allocate(client, manager, senior, "cw-cx")) == ["category-mismatch"]


async def test_high_current_rating_only_to_a_senior_caseworker__CMP_114(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "cw-1", grade="caseworker")
    await make_staff(session, "scw-1", grade="senior_caseworker")
    entry = await make_entry(session)
    compliance.ratings[entry.case_id] = "high"
    manager = auth_headers("operations_manager", sub="om-1")
    r = await allocate(client, manager, entry, "cw-1")
    assert refusal_codes(r) == ["high-risk-needs-senior-caseworker"]
    assert r.json()["risk_rating"] == "high"
    assert (await allocate(client, manager, entry, "scw-1")).status_code == 200


async def test_medium_or_no_rating_goes_to_any_fitting_caseworker__CMP_114(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "cw-1", grade="caseworker")
    medium = await make_entry(session)
    compliance.ratings[medium.case_id] = "medium"
    manager = auth_headers("operations_manager", sub="om-1")
    assert (await allocate(client, manager, medium, "cw-1")).status_code == 200
    unrated = await make_entry(session)
    assert (await allocate(client, manager, unrated, "cw-1")).status_code == 200


async def test_compliance_unreachable_is_503_and_nothing_changes__CMP_114(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    use_ratings(app, down=True)  # nothing listens on the discard port
    await make_staff(session, "cw-1")
    entry = await make_entry(session)
    r = await allocate(client, auth_headers("caseworker", sub="cw-1"), entry, "cw-1")
    assert r.status_code == 503, r.text
    await session.refresh(entry)
    assert (entry.status, entry.allocated_to) == ("queued", None)


async def test_declared_conflict_on_case_or_organisation_refuses__CMP_128(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    entry = await make_entry(session)
    await make_staff(session, "cw-org", conflicts=((ORG, None),))
    await make_staff(session, "cw-case", conflicts=((None, entry.case_id),))
    manager = auth_headers("operations_manager", sub="om-1")
    assert refusal_codes(await allocate(client, manager, entry, "cw-org")) == ["declared-conflict"]
    assert refusal_codes(await allocate(client, manager, entry, "cw-case")) == ["declared-conflict"]


async def test_unavailable_or_inactive_staff_are_refused__ASM_085(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "cw-away", available=False)
    await make_staff(session, "cw-gone", active=False)
    entry = await make_entry(session)
    manager = auth_headers("operations_manager", sub="om-1")
    assert refusal_codes(await allocate(client, manager, entry, "cw-away")) == ["staff-unavailable"]
    assert refusal_codes(await allocate(client, manager, entry, "cw-gone")) == ["staff-inactive"]


async def test_who_may_allocate_and_to_whom(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "cw-1")
    await make_staff(session, "cw-2")
    entry = await make_entry(session)
    r = await allocate(client, auth_headers("caseworker", sub="cw-2"), entry, "cw-1")
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (403, "not-allocator")
    r = await allocate(client, auth_headers("intake_caseworker", sub="ic-1"), entry, "cw-1")
    assert r.status_code == 403
    r = await allocate(client, auth_headers("operations_manager"), entry, "nobody-known")
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (422, "unknown-staff")
    assert (
        await allocate(client, auth_headers("caseworker", sub="cw-1"), entry, "cw-1")
    ).status_code == 200
    again = await allocate(client, auth_headers("operations_manager"), entry, "cw-2")
    assert (again.status_code, again.json()["type"].rsplit("/", 1)[-1]) == (409, "entry-not-queued")


# --- Next case for me ---------------------------------------------------------------------------


async def test_next_case_terminal_illness_then_priority_then_oldest__XC_RSK_006(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    await make_staff(session, "scw-1", grade="senior_caseworker")
    me = auth_headers("senior_caseworker", sub="scw-1")
    oldest = await make_entry(session, received=date(2026, 1, 1))
    high = await make_entry(session, priority="high", received=date(2026, 6, 1))
    terminal = await make_entry(session, terminal=True, received=date(2026, 9, 1))
    order = []
    for _ in range(3):
        r = await client.get("/v1/allocation-queue/next", headers=me)
        assert r.status_code == 200, r.text
        order.append(r.json()["entry"]["id"])
        if len(order) == 1:
            assert "terminal illness" in r.json()["explanation"]
        entry = await session.get(QueueEntry, uuid.UUID(order[-1]))
        assert entry is not None
        assert (await allocate(client, me, entry, "scw-1")).status_code == 200
    assert order == [str(terminal.id), str(high.id), str(oldest.id)]
    r = await client.get("/v1/allocation-queue/next", headers=me)
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (404, "no-case-for-you")


async def test_next_case_skips_what_the_caller_may_not_take__ASM_085_CMP_114_CMP_128(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    conflicted_org = uuid.uuid4()
    await make_staff(session, "cw-1", grade="caseworker", conflicts=((conflicted_org, None),))
    await make_entry(session, category="senior caseworker", received=date(2026, 1, 1))
    await make_entry(session, category="complex & significant", received=date(2026, 1, 2))
    await make_entry(session, organisation_ids=[conflicted_org], received=date(2026, 1, 3))
    risky = await make_entry(session, received=date(2026, 1, 4))
    compliance.ratings[risky.case_id] = "high"
    fits = await make_entry(session, received=date(2026, 1, 5))
    r = await client.get(
        "/v1/allocation-queue/next", headers=auth_headers("caseworker", sub="cw-1")
    )
    assert r.status_code == 200, r.text
    assert r.json()["entry"]["id"] == str(fits.id)
    assert r.json()["skipped_high_risk"] == 1
    assert "high risk" in r.json()["explanation"]


async def test_next_case_needs_an_available_caseworker_in_the_directory__ASM_085(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers,
    compliance: Compliance,
) -> None:  # fmt: skip
    r = await client.get("/v1/allocation-queue/next", headers=auth_headers("caseworker", sub="x"))
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (409, "caller-not-allocatable")
    await make_staff(session, "cw-away", available=False)
    r = await client.get(
        "/v1/allocation-queue/next", headers=auth_headers("caseworker", sub="cw-away")
    )
    assert r.status_code == 409


async def test_a_manager_prioritises_terminal_illness__XC_RSK_006(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    first = await make_entry(session, received=date(2026, 1, 1))
    later = await make_entry(session, received=date(2026, 9, 1))
    body = {"reason": "Complainant is terminally ill; discussed with the team"}
    url = f"/v1/allocation-queue/{later.id}/terminal-illness"
    assert (
        await client.post(url, json=body, headers=auth_headers("caseworker"))
    ).status_code == 403
    r = await client.post(url, json=body, headers=auth_headers("operations_manager", sub="om-1"))
    assert (r.status_code, r.json()["terminal_illness"]) == (200, True)
    queue = await client.get("/v1/allocation-queue", headers=auth_headers("caseworker"))
    assert [e["id"] for e in queue.json()["items"]] == [str(later.id), str(first.id)]
    audit = await session.scalar(
        select(AuditEntry).where(AuditEntry.action == "allocation_queue_entry.terminal_illness")
    )
    assert audit is not None
    assert audit.reason == body["reason"]

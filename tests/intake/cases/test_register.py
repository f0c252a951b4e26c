"""The case register (issue #12 "One status for the front end"; DESIGN §1): intake projects
assessment's events onto ``case_stage``, never onto the case's own columns; a duplicate or an
older event changes nothing; ``GET /v1/cases/{id}`` says where the case is now and which service
to ask. Events arrive as the relay sends them: POSTed to ``/internal/events`` with assessment's
service token."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case, CaseStage
from intake_api.cases.state import CaseStatus
from shared.audit import AuditEntry
from shared.events.contracts.assessment import (
    CaseClosedV1,
    CaseStatusChangedV1,
    ProposalIssuedV1,
)
from shared.events.envelope import EventEnvelope, EventPayload
from tests.helpers import NOW
from tests.intake.builders import make_ready_case, move

Headers = Callable[..., dict[str, str]]
ASSESSMENT = "http://127.0.0.1:8002"  # the default INTAKE_ASSESSMENT_URL
CW = "cw-assess-1"


def status_changed(case: Case, status: str, **more: Any) -> CaseStatusChangedV1:
    values: dict[str, Any] = {
        "reference": case.reference, "status": status, "previous_status": None,
        "owner": None, "team": None, "closure_code": None,
    }  # fmt: skip
    return CaseStatusChangedV1(**(values | more))


def envelope(
    case_id: uuid.UUID, payload: EventPayload, *, sequence: int, minutes: int = 0
) -> EventEnvelope:
    return EventEnvelope(
        id=uuid.uuid4(),
        type=payload.TYPE,
        version=payload.VERSION,
        occurred_at=NOW + timedelta(minutes=minutes),
        source="assessment-api",
        case_id=case_id,
        sequence=sequence,
        actor=CW,
        payload=payload.model_dump(mode="json"),
    )


async def deliver(
    client: httpx.AsyncClient, auth_headers: Headers, *events: EventEnvelope
) -> list[str]:
    r = await client.post(
        "/internal/events",
        json={"events": [e.model_dump(mode="json") for e in events]},
        headers=auth_headers("service", sub="assessment-api"),
    )
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


async def referred_case(session: AsyncSession) -> Case:
    case = await make_ready_case(session)
    await move(session, case, CaseStatus.referred, at=NOW)
    return case


async def stage(session: AsyncSession, case_id: uuid.UUID) -> CaseStage | None:
    return await session.get(CaseStage, case_id, populate_existing=True)


async def test_assessments_events_are_projected_on_the_register_not_on_intakes_columns(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await referred_case(session)
    version = case.version
    opened = envelope(case.id, status_changed(case, "awaiting_allocation"), sequence=1)
    allocated = envelope(
        case.id,
        status_changed(
            case, "further_consideration", previous_status="awaiting_allocation", owner=CW,
            team="team-a",
        ),
        sequence=2, minutes=5,
    )  # fmt: skip
    assert await deliver(client, auth_headers, opened, allocated) == ["processed", "processed"]

    row = await stage(session, case.id)
    assert row is not None
    assert (row.service, row.status, row.owner, row.team, row.closure_code) == (
        "assessment-api", "further_consideration", CW, "team-a", None,
    )  # fmt: skip
    assert (row.source_sequence, row.event_id, row.changed_at) == (
        2, allocated.id, NOW + timedelta(minutes=5),
    )  # fmt: skip
    mine = await session.get(Case, case.id, populate_existing=True)
    assert mine is not None
    assert (mine.status, mine.owner, mine.closure_code, mine.version) == (
        CaseStatus.referred, case.owner, None, version,
    )  # fmt: skip
    audit = (
        await session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_id == case.id, AuditEntry.action == "case.stage_projected"
            )
        )
    ).all()
    assert [(a.actor, (a.after or {}).get("status")) for a in audit] == [
        ("assessment-api", "awaiting_allocation"),
        ("assessment-api", "further_consideration"),
    ]
    assert str(allocated.id) in (audit[1].reason or "")


async def test_a_duplicate_event_changes_nothing(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await referred_case(session)
    first = envelope(case.id, status_changed(case, "awaiting_allocation"), sequence=1)
    await deliver(client, auth_headers, first)
    # The same event again (the inbox knows it) and a copy under a new id with the same
    # sequence (the projection knows it).
    copy = first.model_copy(update={"id": uuid.uuid4()})
    assert await deliver(client, auth_headers, first, copy) == ["duplicate", "processed"]
    row = await stage(session, case.id)
    assert row is not None
    assert row.event_id == first.id
    audited = await session.scalars(
        select(AuditEntry.id).where(
            AuditEntry.case_id == case.id, AuditEntry.action == "case.stage_projected"
        )
    )
    assert len(audited.all()) == 1


async def test_an_older_event_arriving_late_changes_nothing(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await referred_case(session)
    closed = envelope(
        case.id,
        status_changed(
            case, "closed", previous_status="further_consideration", owner=CW,
            closure_code="premature - resolution",
        ),
        sequence=3, minutes=30,
    )  # fmt: skip
    allocated = envelope(
        case.id,
        status_changed(
            case, "further_consideration", previous_status="awaiting_allocation", owner=CW
        ),
        sequence=2, minutes=5,
    )  # fmt: skip
    opened = envelope(case.id, status_changed(case, "awaiting_allocation"), sequence=1)
    await deliver(client, auth_headers, closed, allocated, opened)
    row = await stage(session, case.id)
    assert row is not None
    assert (row.status, row.closure_code, row.source_sequence) == (
        "closed", "premature - resolution", 3,
    )  # fmt: skip


async def test_closed_and_proposed_events_set_the_status_and_keep_the_holder(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await referred_case(session)
    held = status_changed(case, "further_consideration", owner=CW, team="team-a")
    closed = CaseClosedV1(
        reference=case.reference, closure_code="Three-year rule",
        decision="decision_not_to_investigate", decision_id=uuid.uuid4(),
        risk_assessment_id=uuid.uuid4(),
    )  # fmt: skip
    await deliver(
        client, auth_headers,
        envelope(case.id, held, sequence=2), envelope(case.id, closed, sequence=3, minutes=1),
    )  # fmt: skip
    row = await stage(session, case.id)
    assert row is not None
    assert (row.status, row.owner, row.team, row.closure_code, row.event_type) == (
        "closed", CW, "team-a", "Three-year rule", "assessment.case.closed",
    )  # fmt: skip

    other = await referred_case(session)
    proposed = ProposalIssuedV1(
        reference=other.reference, proposal_id=uuid.uuid4(), case_type="complaint",
        jurisdiction="health", milestone_1_date=date(2026, 11, 2),
        risk_assessment_id=uuid.uuid4(), proposed_by=CW,
    )  # fmt: skip
    await deliver(
        client, auth_headers,
        envelope(other.id, status_changed(other, "further_consideration", owner=CW), sequence=4),
        envelope(other.id, proposed, sequence=5, minutes=1),
    )  # fmt: skip
    row = await stage(session, other.id)
    assert row is not None
    assert (row.status, row.owner) == ("proposed_to_investigate", CW)


async def test_an_event_about_a_case_intake_does_not_hold_changes_nothing(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await referred_case(session)
    stray = uuid.uuid4()
    await deliver(client, auth_headers, envelope(stray, status_changed(case, "closed"), sequence=1))
    assert await stage(session, stray) is None


async def test_get_says_where_the_case_is_now_and_which_service_to_ask(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    h = auth_headers("intake_caseworker")
    case = await referred_case(session)
    # Passed on, not yet reported by assessment: intake's own place, its own link.
    r = await client.get(f"/v1/cases/{case.id}", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["later_stage"] is None
    assert body["now_at"]["service"] == "intake-api"
    assert body["now_at"]["status"] == "referred"
    assert body["now_at"]["href"] == f"/v1/cases/{case.id}"

    done = status_changed(
        case, "closed", previous_status="further_consideration", owner=CW, team="team-a",
        closure_code="premature - resolution",
    )  # fmt: skip
    await deliver(client, auth_headers, envelope(case.id, done, sequence=4, minutes=60))
    r = await client.get(f"/v1/cases/{case.id}", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "referred"  # intake's own stage stays intake's
    assert body["now_at"] == {
        "service": "assessment-api",
        "status": "closed",
        "owner": CW,
        "team": "team-a",
        "closure_code": "premature - resolution",
        "updated_at": (NOW + timedelta(minutes=60)).isoformat().replace("+00:00", "Z"),
        "href": f"{ASSESSMENT}/v1/cases/{case.id}",
    }
    assert body["later_stage"]["service"] == "assessment-api"
    assert body["later_stage"]["status"] == "closed"


async def test_a_case_intake_restarted_is_intakes_again(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    h = auth_headers("intake_caseworker")
    case = await make_ready_case(session)
    await deliver(
        client, auth_headers,
        envelope(case.id, status_changed(case, "closed", closure_code="premature"), sequence=2),
    )  # fmt: skip
    # Still in intake (as after a restart, T53): the old report does not say where it is now.
    r = await client.get(f"/v1/cases/{case.id}", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["now_at"]["service"] == "intake-api"
    assert r.json()["now_at"]["status"] == "intake"
    assert r.json()["later_stage"]["status"] == "closed"

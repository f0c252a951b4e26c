"""``assessment.case.status_changed``: assessment tells intake's register where a case stands
(DESIGN §1, issue #12 "One status for the front end"): on opening (T13–T16) and on every change
of status, holder or closure code made through the case's audited change, in the same
transaction; nothing when a change is refused or leaves those fields alone."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.service import CASE
from assessment_api.cases.state import CaseStatus, transition
from shared.auth import Principal, Role
from shared.outbox.models import OutboxEvent
from tests.assessment.cases.builders import CW, REFERRED_AT, make_case, make_ready_to_decide
from tests.assessment.cases.test_decisions import DECLINE, assess, decide

STATUS_CHANGED = "assessment.case.status_changed"
MANAGER = Principal(sub="mgr-1", roles=frozenset({Role.operations_manager}))

pytestmark = pytest.mark.usefixtures("guarded", "intake_stand_in")


async def _announced(session: AsyncSession, case_id: uuid.UUID) -> list[OutboxEvent]:
    rows = await session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.case_id == case_id, OutboxEvent.type == STATUS_CHANGED)
        .order_by(OutboxEvent.sequence)
    )
    return list(rows)


@pytest.mark.parametrize(
    ("route", "status"),
    [
        ("ect_triage", "ect_triage"),  # T13
        ("awaiting_allocation", "awaiting_allocation"),  # T14
        ("dispute_resolution", "dr_consent_pending"),  # T15
        ("ad_senior_caseworker_teams", "awaiting_allocation"),  # T16
    ],
)
async def test_opening_the_record_is_announced_with_its_first_status(
    session: AsyncSession, route: str, status: str
) -> None:
    case = await make_case(session, route=route)
    [event] = await _announced(session, case.id)
    assert (event.source, event.sequence, event.occurred_at) == ("assessment-api", 1, REFERRED_AT)
    assert event.payload == {
        "reference": case.reference,
        "status": status,
        "previous_status": None,
        "owner": None,
        "team": None,
        "closure_code": None,
    }


async def test_a_decline_announces_the_closed_status_and_code(
    client: httpx.AsyncClient,
    auth_headers: Callable[..., dict[str, str]],
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await make_case(session, team="team-a")
    await make_ready_to_decide(session, case, proposing=False)
    await assess(compliance, auth_headers, case.id, "decline")
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 200, r.text
    events = await _announced(session, case.id)
    assert len(events) == 2  # the opening, then the closure
    closed = events[-1]
    assert closed.actor == CW
    assert closed.payload == {
        "reference": case.reference,
        "status": "closed",
        "previous_status": "further_consideration",
        "owner": CW,
        "team": "team-a",
        "closure_code": "other reason to decline",
    }
    [decision_event] = (
        await session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.case_id == case.id, OutboxEvent.type == "assessment.case.closed"
            )
        )
    ).all()
    assert closed.sequence < decision_event.sequence  # in the transition, before the decision


async def test_a_refused_decline_announces_nothing(
    client: httpx.AsyncClient,
    auth_headers: Callable[..., dict[str, str]],
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)  # no risk assessment
    assert r.status_code == 409, r.text
    assert len(await _announced(session, case.id)) == 1  # the opening only


async def test_every_audited_transition_and_change_of_holder_is_announced(
    session: AsyncSession,
) -> None:
    case = await make_case(session, status=CaseStatus.awaiting_allocation, owner=None)
    async with CASE.change(session, case, actor=MANAGER, action="case.allocated"):
        case.owner, case.team = "cw-9", "team-b"
        transition(case, CaseStatus.further_consideration, at=REFERRED_AT)
    async with CASE.change(session, case, actor=MANAGER, action="case.reallocated"):
        case.owner = "cw-10"
    async with CASE.change(session, case, actor=MANAGER, action="case.noted"):
        pass  # nothing the register shows changed: no event
    events = await _announced(session, case.id)
    assert [
        (e.payload["previous_status"], e.payload["status"], e.payload["owner"]) for e in events
    ] == [
        (None, "awaiting_allocation", None),
        ("awaiting_allocation", "further_consideration", "cw-9"),
        ("further_consideration", "further_consideration", "cw-10"),
    ]
    assert [e.sequence for e in events] == [1, 2, 3]
    assert {e.actor for e in events[1:]} == {"mgr-1"}

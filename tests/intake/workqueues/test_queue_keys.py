"""The keys the work queues read are kept right by PostgreSQL (migration 0015, issue #15 item 19).

``case.next_due_date``/``next_due_kind`` follow every change to a case's clocks (created, met,
cancelled, extended), made through the API's own code paths; the owner's copy on clocks, tasks
and contact attempts follows the case when it changes hands.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import clocks
from intake_api.cases.models import Case, CaseTask, ContactAttempt, TaskKind
from shared.casework.communications import ContactOutcome
from shared.clock import FixedClock
from tests.intake.api import Api, JsonDict
from tests.intake.workqueues.conftest import ME, OTHER, IntakeCase, at


async def _next_due(session: AsyncSession, case_id: str) -> tuple[date | None, str | None]:
    row = (
        await session.execute(
            text('SELECT next_due_date, next_due_kind FROM "case" WHERE id = :id'),
            {"id": uuid.UUID(case_id)},
        )
    ).one()
    return row.next_due_date, row.next_due_kind


async def _recounted(session: AsyncSession, case_id: str) -> tuple[date | None, str | None]:
    """The open clock that falls first, counted from the clocks themselves."""
    row = (
        await session.execute(
            text(
                "SELECT effective_due_date, kind FROM deadline WHERE case_id = :id "
                "AND met_at IS NULL AND cancelled_at IS NULL ORDER BY effective_due_date, id "
                "LIMIT 1"
            ),
            {"id": uuid.UUID(case_id)},
        )
    ).first()
    return (row.effective_due_date, row.kind) if row else (None, None)


async def _keys(session: AsyncSession, case_id: str) -> tuple[date | None, str | None]:
    kept = await _next_due(session, case_id)
    assert kept == await _recounted(session, case_id)
    return kept


async def _communicate(api: Api, cid: str, **body: Any) -> JsonDict:
    return await api.call("POST", f"/v1/cases/{cid}/communications", json=body, expect=201)


async def test_a_created_case_carries_its_first_clock(
    api: Api, session: AsyncSession, clock: FixedClock
) -> None:
    clock.set(at("2026-12-18T10:00:00"))  # Friday
    body = {
        "case_type": "complaint", "channel": "online_form", "jurisdiction": "health",
        "received_date": "2026-12-18",
        "complaint_summary": "Delay in a fictional hospital's reply to a complaint.",
    }  # fmt: skip
    case = await api.call("POST", "/v1/cases", json=body, expect=201)
    # Two weeks (C-01) is Fri 1 Jan; ten working days (C-03) is Wed 6 Jan after the holidays.
    assert await _keys(session, case["id"]) == (date(2027, 1, 1), "intake_contact")


async def test_next_clock_follows_every_change_to_the_clocks(
    api: Api, session: AsyncSession, clock: FixedClock, intake_case: IntakeCase
) -> None:
    clock.set(at("2026-12-18T10:00:00"))  # Friday
    cid = (await intake_case(ME, "2026-12-18"))["id"]
    assert await _keys(session, cid) == (date(2027, 1, 1), "intake_contact")

    # An inbound call-back request starts C-04, due in 48 hours: the nearest clock now.
    await _communicate(
        api, cid, medium="telephone", direction="inbound", purpose="callback_request",
        occurred_at="2026-12-18T10:00:00+00:00",
    )  # fmt: skip
    assert await _keys(session, cid) == (date(2026, 12, 20), "callback")

    # Returning the call meets it.
    await _communicate(
        api, cid, medium="telephone", direction="outbound", purpose="call",
        occurred_at="2026-12-18T11:00:00+00:00",
    )  # fmt: skip
    assert await _keys(session, cid) == (date(2027, 1, 1), "intake_contact")

    # An information deadline before the two weeks are up becomes the next clock ...
    email = await _communicate(
        api, cid, medium="email", direction="outbound", purpose="information_request",
        occurred_at="2026-12-18T12:00:00+00:00",
    )  # fmt: skip
    await api.call(
        "POST", f"/v1/cases/{cid}/information-request",
        json={"communication_id": email["id"], "deadline": "2026-12-23",
              "reason": "The complaint form is missing its second page"},
    )  # fmt: skip
    assert await _keys(session, cid) == (date(2026, 12, 23), "information")

    # ... until an agreed extension moves it past them.
    await api.call(
        "POST", f"/v1/cases/{cid}/information-deadline/extensions",
        json={"new_due_date": "2027-01-08", "reason": "Asked for more time"}, expect=201,
    )  # fmt: skip
    assert await _keys(session, cid) == (date(2027, 1, 1), "intake_contact")

    # Information received meets the information deadline.
    await api.call("POST", f"/v1/cases/{cid}/information-received", json={"reason": "It arrived"})
    assert await _keys(session, cid) == (date(2027, 1, 1), "intake_contact")

    # A closure's step cancels every open clock: none is left.
    await clocks.cancel_all(session, uuid.UUID(cid), clock.now())
    await session.flush()
    assert await _keys(session, cid) == (None, None)


async def test_clocks_tasks_and_contacts_follow_the_case_owner(
    session: AsyncSession, clock: FixedClock, intake_case: IntakeCase
) -> None:
    cid = (await intake_case(ME, "2026-11-02"))["id"]
    case_id = uuid.UUID(cid)
    person_id = uuid.uuid4()
    attempt = ContactAttempt(
        id=uuid.uuid4(), case_id=case_id, person_id=person_id, channel="telephone",
        direction="outbound", attempted_at=clock.now(), outcome=ContactOutcome.reached,
        recorded_by=ME,
    )  # fmt: skip
    task = CaseTask(
        id=uuid.uuid4(),
        case_id=case_id,
        kind=TaskKind.request_written_response,
        rule="ASM-039",
        created_by=ME,
    )
    session.add_all([attempt, task])
    await session.flush()

    async def owners() -> dict[str, set[str | None]]:
        sql = (
            "SELECT 'deadline' AS tbl, case_owner FROM deadline WHERE case_id = :id UNION ALL "
            "SELECT 'case_task', case_owner FROM case_task WHERE case_id = :id UNION ALL "
            "SELECT 'contact_attempt', case_owner FROM contact_attempt WHERE case_id = :id"
        )
        out: dict[str, set[str | None]] = {}
        for row in await session.execute(text(sql), {"id": case_id}):
            out.setdefault(row.tbl, set()).add(row.case_owner)
        return out

    assert await owners() == {"deadline": {ME}, "case_task": {ME}, "contact_attempt": {ME}}

    case = await session.get(Case, case_id)
    assert case is not None
    case.owner = OTHER
    await session.flush()
    assert await owners() == {
        "deadline": {OTHER}, "case_task": {OTHER}, "contact_attempt": {OTHER}
    }  # fmt: skip

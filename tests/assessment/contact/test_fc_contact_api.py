"""Contact after allocation at further consideration through its HTTP API, over real
PostgreSQL, with a real intake-api in process for the complainant's parties and contact card
(ASM-099…104, C-07, C-08, ¶2.212–2.226)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from assessment_api.allocations.models import AllocationTask
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.contact.models import FcChecklistAnswer, FcContactAttempt
from intake_api.people.models import ContactMethod
from shared.audit import AuditEntry
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.clock import FixedClock
from shared.config import DEV_ISSUER
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from shared.outbox.models import OutboxEvent
from tests.assessment.cases.builders import CW, OTHER_CW
from tests.assessment.contact.builders import Allocated, allocated_case

Headers = Callable[..., dict[str, str]]
Intake = async_sessionmaker[AsyncSession]

MON = "2026-11-02T09:00:00Z"  # the fixed clock is Monday 2 November 2026, 10:00 UTC
REQUIRED = [
    "identity_verified", "introduction_and_role", "stage_and_next_steps_explained",
    "adjustment_contact_method_agreed", "further_information_established",
    "injustice_and_outcome_recorded", "financial_amounts_and_severity_scale",
    "contact_details_given",
]  # fmt: skip
WITHDRAW = {
    "information_needed": "The trust's final response letter.",
    "told_by": "telephone",
    "told_at": MON,
    "rationale": "Without the final response we cannot say whether the trust acted reasonably.",
}


def _url(case_id: uuid.UUID, what: str = "") -> str:
    return f"/v1/cases/{case_id}/contact" + (f"/{what}" if what else "")


async def _post(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, what: str, body: Any,
    *, sub: str = CW,
) -> httpx.Response:  # fmt: skip
    return await client.post(
        _url(case_id, what), json=body, headers=auth_headers("caseworker", sub=sub)
    )


def _call(person: uuid.UUID, at: str = MON, outcome: str = "no_answer", **more: Any) -> Any:
    return {
        "person_id": str(person), "channel": "telephone", "attempted_at": at, "outcome": outcome,
        **more,
    }  # fmt: skip


async def _state(client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID) -> Any:
    r = await client.get(_url(case_id), headers=auth_headers("caseworker", sub=CW))
    assert r.status_code == 200, r.text
    return r.json()


def _problem(r: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = r.json()
    assert body["type"] == PROBLEM_TYPE_BASE + kind
    return body


async def _attempts(session: AsyncSession, case_id: uuid.UUID) -> list[FcContactAttempt]:
    rows = await session.scalars(
        select(FcContactAttempt).where(FcContactAttempt.case_id == case_id)
    )
    return list(rows)


async def _events(session: AsyncSession, case_id: uuid.UUID, kind: str) -> list[OutboxEvent]:
    rows = await session.scalars(
        select(OutboxEvent).where(OutboxEvent.case_id == case_id, OutboxEvent.type == kind)
    )
    return list(rows)


@pytest.fixture
async def allocated(session: AsyncSession, with_intake: Intake) -> Allocated:
    return await allocated_case(session, with_intake)


# --- ASM-099 / C-07: first contact within 10 working days -------------------------------------


async def test_first_contact_meets_the_ten_working_day_clock__ASM_099_C_07(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated
) -> None:
    case_id = allocated.case.id
    got = (await _state(client, auth_headers, case_id))["first_contact"]
    assert (got["due_date"], got["state"], got["made_at"]) == ("2026-11-16", "open", None)

    # Reached, but no direct contact details: not yet the first contact ¶2.212 asks for.
    no_details = _call(allocated.complainant, outcome="reached", introduced=True)
    r = await _post(client, auth_headers, case_id, "attempts", no_details)
    assert r.status_code == 201, r.text
    assert r.json()["first_contact"] is False
    assert (await _state(client, auth_headers, case_id))["first_contact"]["state"] == "open"

    first = _call(
        allocated.complainant, outcome="reached", introduced=True, contact_details_given=True,
        purpose_explained=True,
    )  # fmt: skip
    r = await _post(client, auth_headers, case_id, "attempts", first)
    assert r.status_code == 201, r.text
    assert r.json()["first_contact"] is True
    got = (await _state(client, auth_headers, case_id))["first_contact"]
    assert (got["state"], got["made_at"]) == ("met", "2026-11-02T09:00:00Z")


async def test_first_contact_after_the_due_date_is_late_and_overdue_before__ASM_099_C_07(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated, clock: FixedClock
) -> None:
    case_id = allocated.case.id
    clock.advance(timedelta(days=14))  # Monday 16 November: the due date itself
    assert (await _state(client, auth_headers, case_id))["first_contact"]["state"] == "open"
    clock.advance(timedelta(days=1))  # Tuesday 17 November: a day after
    assert (await _state(client, auth_headers, case_id))["first_contact"]["state"] == "overdue"

    late = _call(
        allocated.complainant, at="2026-11-17T09:00:00Z", outcome="reached", introduced=True,
        contact_details_given=True,
    )  # fmt: skip
    r = await _post(client, auth_headers, case_id, "attempts", late)
    assert r.status_code == 201, r.text
    assert (await _state(client, auth_headers, case_id))["first_contact"]["state"] == "late"


# --- ASM-100: the method ----------------------------------------------------------------------


async def test_telephone_by_default_a_letter_is_refused__ASM_100(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, allocated: Allocated
) -> None:
    case_id = allocated.case.id
    r = await client.get(_url(case_id, "method"), headers=auth_headers("caseworker", sub=CW))
    assert r.status_code == 200, r.text
    assert (r.json()["channels"], r.json()["basis"]) == (["telephone"], "telephone_by_default")

    letter = {**_call(allocated.complainant), "channel": "letter", "outcome": "written_no_reply"}
    r = await _post(client, auth_headers, case_id, "attempts", letter)
    body = _problem(r, 422, "fc-method-not-followed")
    assert body["problems"] == ["channel_not_the_required_method"]
    assert await _attempts(session, case_id) == []


async def test_a_preference_stated_in_contact_is_used_from_then_on__ASM_100(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated
) -> None:
    case_id = allocated.case.id
    said = _call(allocated.complainant, outcome="reached", stated_preference="email")
    assert (await _post(client, auth_headers, case_id, "attempts", said)).status_code == 201

    r = await _post(client, auth_headers, case_id, "attempts", _call(allocated.complainant))
    assert _problem(r, 422, "fc-method-not-followed")["basis"] == (
        "stated_at_further_consideration"
    )
    email = {**_call(allocated.complainant), "channel": "email", "outcome": "written_no_reply"}
    r = await _post(client, auth_headers, case_id, "attempts", email)
    assert r.status_code == 201, r.text
    assert r.json()["method_basis"] == "stated_at_further_consideration"


async def test_the_preference_held_at_intake_is_followed__ASM_100(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, with_intake: Intake
) -> None:
    got = await allocated_case(session, with_intake, preferred_contact_method=ContactMethod.letter)
    r = await _post(client, auth_headers, got.case.id, "attempts", _call(got.complainant))
    assert _problem(r, 422, "fc-method-not-followed")["channels"] == ["letter"]


async def test_no_number_and_no_preference_write_asking_for_both__ASM_100(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, with_intake: Intake
) -> None:
    got = await allocated_case(session, with_intake, phones=[])
    case_id = got.case.id
    r = await client.get(_url(case_id, "method"), headers=auth_headers("caseworker", sub=CW))
    assert r.json()["channels"] == ["email", "letter"]
    assert r.json()["ask_for_number_and_preference"] is True

    letter = {**_call(got.complainant), "channel": "letter", "outcome": "written_no_reply"}
    r = await _post(client, auth_headers, case_id, "attempts", letter)
    assert _problem(r, 422, "fc-method-not-followed")["problems"] == [
        "must_ask_for_number_and_preference"
    ]
    asking = {
        **letter, "asked_for_number_and_preference": True, "introduced": True,
        "contact_details_given": True,
    }  # fmt: skip
    r = await _post(client, auth_headers, case_id, "attempts", asking)
    assert r.status_code == 201, r.text
    # A letter introducing the caseworker with their details is the first contact (¶2.214).
    assert r.json()["first_contact"] is True


async def test_only_wednesdays_is_kept_and_kept_to_unless_a_reason_is_given__ASM_100(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated, clock: FixedClock
) -> None:
    case_id = allocated.case.id
    said = _call(allocated.complainant, outcome="reached", stated_only_on=["wednesday"])
    assert (await _post(client, auth_headers, case_id, "attempts", said)).status_code == 201
    r = await client.get(_url(case_id, "method"), headers=auth_headers("caseworker", sub=CW))
    assert r.json()["availability"]["only_on"] == ["wednesday"]

    clock.advance(timedelta(days=3))  # Thursday 5 November
    thursday = _call(allocated.complainant, at="2026-11-05T09:00:00Z")
    r = await _post(client, auth_headers, case_id, "attempts", thursday)
    assert _problem(r, 422, "fc-timing-not-followed")["problems"] == ["not_a_day_asked_for"]
    wednesday = _call(allocated.complainant, at="2026-11-04T09:00:00Z")
    assert (await _post(client, auth_headers, case_id, "attempts", wednesday)).status_code == 201
    urgent = {**thursday, "timing_override_reason": "The trust's reply raised a safety issue."}
    r = await _post(client, auth_headers, case_id, "attempts", urgent)
    assert r.status_code == 201, r.text
    assert r.json()["timing_override_reason"] == urgent["timing_override_reason"]


async def test_a_day_to_avoid_held_at_intake_is_avoided__ASM_100(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, with_intake: Intake
) -> None:
    got = await allocated_case(session, with_intake, days_to_avoid=["monday"])
    r = await _post(client, auth_headers, got.case.id, "attempts", _call(got.complainant))
    assert _problem(r, 422, "fc-timing-not-followed")["problems"] == ["a_day_to_avoid"]


# --- ASM-101 / C-08: each attempt recorded; three calls over two days -------------------------


async def test_three_failed_calls_over_two_days_unlock_three_on_one_day_do_not__ASM_101_C_08(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    allocated: Allocated,
    clock: FixedClock,
) -> None:
    case_id = allocated.case.id
    for at in ("2026-11-02T08:00:00Z", "2026-11-02T09:00:00Z", "2026-11-02T09:30:00Z"):
        r = await _post(client, auth_headers, case_id, "attempts", _call(allocated.complainant, at))
        assert r.status_code == 201, r.text
    got = await _state(client, auth_headers, case_id)
    assert (got["failed_calls"], got["decision_unlocked_by"]) == (3, None)
    r = await _post(client, auth_headers, case_id, "withdraw", WITHDRAW)
    assert _problem(r, 409, "fc-contact-required")["requirement"] == "ASM-101"

    clock.advance(timedelta(days=1))  # Tuesday: the second day
    tuesday = _call(allocated.complainant, "2026-11-03T09:00:00Z", outcome="voicemail")
    assert (await _post(client, auth_headers, case_id, "attempts", tuesday)).status_code == 201
    got = await _state(client, auth_headers, case_id)
    assert got["decision_unlocked_by"] == "three_failed_calls_over_two_days"
    assert got["decision_ready"] is True  # on the information held (¶2.218)
    # ASM-101 (¶2.217): a record for each unsuccessful attempt.
    assert len(got["attempts"]) == 4
    assert sorted(a.outcome for a in await _attempts(session, case_id)) == [
        "no_answer", "no_answer", "no_answer", "voicemail",
    ]  # fmt: skip


# --- ASM-102: the conversation checklist ------------------------------------------------------


async def test_the_checklist_spans_conversations_and_gates_a_decision__ASM_102(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated
) -> None:
    case_id = allocated.case.id
    first = _call(
        allocated.complainant, outcome="reached",
        checklist=[
            {"item": "identity_verified", "answer": "covered"},
            {"item": "introduction_and_role", "answer": "covered"},
            {"item": "appropriate_time", "answer": "alternative_time_agreed",
             "alternative_date": "2026-11-04"},
        ],
    )  # fmt: skip
    r = await _post(client, auth_headers, case_id, "attempts", first)
    assert r.status_code == 201, r.text
    assert [a["item"] for a in r.json()["checklist"]] == [
        "identity_verified", "introduction_and_role", "appropriate_time",
    ]  # fmt: skip
    got = await _state(client, auth_headers, case_id)
    assert got["decision_unlocked_by"] == "contact_made"
    assert got["checklist_missing"] == REQUIRED[2:]
    assert got["decision_ready"] is False
    assert len(got["checklist"]) == 14
    r = await _post(client, auth_headers, case_id, "withdraw", WITHDRAW)
    assert _problem(r, 409, "fc-checklist-incomplete")["missing"] == REQUIRED[2:]

    rest = [{"item": i, "answer": "covered"} for i in REQUIRED[2:]]
    rest[1] = {"item": "adjustment_contact_method_agreed", "answer": "not_applicable"}
    second = _call(allocated.complainant, "2026-11-02T09:45:00Z", "reached", checklist=rest)
    assert (await _post(client, auth_headers, case_id, "attempts", second)).status_code == 201
    got = await _state(client, auth_headers, case_id)
    assert (got["checklist_missing"], got["decision_ready"]) == ([], True)


async def test_not_applicable_is_only_for_the_conditional_areas__ASM_102(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, allocated: Allocated
) -> None:
    body = _call(
        allocated.complainant, outcome="reached",
        checklist=[{"item": "identity_verified", "answer": "not_applicable"}],
    )  # fmt: skip
    r = await _post(client, auth_headers, allocated.case.id, "attempts", body)
    problems = _problem(r, 422, "fc-checklist-answer-invalid")["problems"]
    assert problems == [
        {"item": "identity_verified", "problem": "not_applicable_to_unconditional_item"}
    ]
    assert await _attempts(session, allocated.case.id) == []


async def test_a_checklist_only_comes_from_a_conversation__ASM_102(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated
) -> None:
    body = _call(
        allocated.complainant, checklist=[{"item": "identity_verified", "answer": "covered"}]
    )
    r = await _post(client, auth_headers, allocated.case.id, "attempts", body)
    assert r.status_code == 422, r.text


# --- XC-RSK-004: contact and checklist notes scanned ------------------------------------------


async def test_contact_and_checklist_notes_are_scanned_and_announced__ASM_101_ASM_102(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, allocated: Allocated
) -> None:
    case_id = allocated.case.id
    body = _call(
        allocated.complainant, outcome="reached",
        notes="She said she will seek a judicial review.",
        checklist=[{
            "item": "injustice_and_outcome_recorded", "answer": "covered",
            "notes": "Wants damages or she will start legal proceedings.",
        }],
    )  # fmt: skip
    r = await _post(client, auth_headers, case_id, "attempts", body)
    assert r.status_code == 201, r.text
    [attempt] = await _attempts(session, case_id)
    assert attempt.legal_scan is not None
    assert "judicial_review" in attempt.legal_scan["terms"]
    [answer] = list(await session.scalars(select(FcChecklistAnswer)))
    assert answer.legal_scan is not None
    assert answer.legal_scan["terms"]
    events = await _events(session, case_id, "assessment.correspondence.legal_terms_found")
    fields = sorted(m["field"] for e in events for m in e.payload["matches"])
    assert len(events) == 2
    assert "notes" in fields
    assert "checklist.injustice_and_outcome_recorded" in fields


async def test_the_database_refuses_an_unscanned_checklist_note__ASM_102(
    session: AsyncSession, allocated: Allocated
) -> None:
    attempt = FcContactAttempt(
        id=uuid.uuid4(), case_id=allocated.case.id, party="complainant",
        person_id=allocated.complainant, channel="telephone", direction="outbound",
        attempted_at=allocated.case.referred_at, outcome="reached",
        expectations_explained=False, adjustments_discussed=False, recorded_by=CW,
    )  # fmt: skip
    session.add(attempt)
    await session.flush()
    session.add(
        FcChecklistAnswer(
            id=uuid.uuid4(),
            case_id=allocated.case.id,
            attempt_id=attempt.id,
            item="identity_verified",
            answer="covered",
            notes="unscanned",
            answered_at=attempt.attempted_at,
            recorded_by=CW,
        )
    )
    with pytest.raises(IntegrityError, match="legal_scan_present"):
        await session.flush()


# --- ASM-103: more information needed, 'withdrawn' --------------------------------------------


async def test_more_information_needed_closes_as_withdrawn_with_the_complainant_told__ASM_103(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, allocated: Allocated
) -> None:
    case_id = allocated.case.id
    for at in ("2026-11-02T08:00:00Z", "2026-11-02T09:00:00Z"):
        await _post(client, auth_headers, case_id, "attempts", _call(allocated.complainant, at))
    r = await _post(client, auth_headers, case_id, "withdraw", WITHDRAW)
    assert _problem(r, 409, "fc-contact-required")["requirement"] == "ASM-101"

    await allocated_call_on_tuesday(client, auth_headers, allocated)
    r = await _post(client, auth_headers, case_id, "withdraw", WITHDRAW)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "closed"
    assert got["withdrawal"]["told_by"] == "telephone"
    assert got["withdrawal"]["unlocked_by"] == "three_failed_calls_over_two_days"
    assert got["first_contact"]["state"] == "cancelled"
    session.expire_all()
    case = await session.get(Case, case_id)
    assert case is not None
    assert (case.status, case.closure_code) == (CaseStatus.closed, "withdrawn")
    [closed] = await _events(session, case_id, "assessment.case.closed")
    assert (closed.payload["closure_code"], closed.payload["decision"]) == (
        "withdrawn", "withdrawn",
    )  # fmt: skip

    r = await _post(client, auth_headers, case_id, "withdraw", WITHDRAW)
    assert _problem(r, 409, "not-at-further-consideration")["current_status"] == "closed"


async def allocated_call_on_tuesday(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated
) -> None:
    """A third failed call, on the second day (the fixed clock is not moved: recorded late)."""
    body = _call(allocated.complainant, "2026-11-01T09:00:00Z")  # Sunday, the day before
    r = await _post(client, auth_headers, allocated.case.id, "attempts", body)
    assert r.status_code == 201, r.text


# --- ASM-104: the referring MP ----------------------------------------------------------------


async def test_contacting_the_referring_mp_completes_allocations_task__ASM_104(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, with_intake: Intake
) -> None:
    got = await allocated_case(session, with_intake, mp_referred=True)
    assert got.mp is not None
    assert got.task is not None
    unanswered = {
        "person_id": str(got.mp), "channel": "telephone", "attempted_at": MON,
        "outcome": "no_answer",
    }  # fmt: skip
    r = await _post(client, auth_headers, got.case.id, "mp", unanswered)
    assert r.status_code == 201, r.text
    assert (await _state(client, auth_headers, got.case.id))["mp_tasks"][0]["done_at"] is None

    email = {
        "person_id": str(got.mp), "channel": "email", "attempted_at": MON,
        "outcome": "written_no_reply", "introduced": True, "contact_details_given": True,
    }  # fmt: skip
    r = await _post(client, auth_headers, got.case.id, "mp", email)
    assert r.status_code == 201, r.text
    assert r.json()["party"] == "mp"
    [task] = (await _state(client, auth_headers, got.case.id))["mp_tasks"]
    assert (task["done_at"], task["done_by"]) == ("2026-11-02T09:00:00Z", CW)
    task_id = got.task.id
    session.expire_all()
    row = await session.get(AllocationTask, task_id)
    assert row is not None
    assert row.done_note is not None
    assert "ASM-104" in row.done_note


async def test_no_mp_contact_on_a_case_an_mp_did_not_refer__ASM_104(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated
) -> None:
    body = {
        "person_id": str(uuid.uuid4()), "channel": "email", "attempted_at": MON,
        "outcome": "written_no_reply", "introduced": True, "contact_details_given": True,
    }  # fmt: skip
    r = await _post(client, auth_headers, allocated.case.id, "mp", body)
    assert _problem(r, 409, "not-mp-referred")["requirement"] == "ASM-104"


async def test_the_mp_contacted_is_the_referring_mp__ASM_104(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, with_intake: Intake
) -> None:
    got = await allocated_case(session, with_intake, mp_referred=True)
    body = {
        "person_id": str(got.complainant), "channel": "email", "attempted_at": MON,
        "outcome": "written_no_reply", "introduced": True, "contact_details_given": True,
    }  # fmt: skip
    r = await _post(client, auth_headers, got.case.id, "mp", body)
    _problem(r, 422, "fc-not-the-party")


# --- Who, where, and intake down --------------------------------------------------------------


async def test_only_the_cases_holder_records_contact__ASM_101(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated
) -> None:
    r = await _post(
        client, auth_headers, allocated.case.id, "attempts", _call(allocated.complainant),
        sub=OTHER_CW,
    )  # fmt: skip
    _problem(r, 403, "not-case-owner")


async def test_a_stranger_is_not_the_complainant__ASM_101(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated
) -> None:
    r = await _post(client, auth_headers, allocated.case.id, "attempts", _call(uuid.uuid4()))
    _problem(r, 422, "fc-not-the-party")


async def test_an_attempt_not_yet_made_is_refused__ASM_101(
    client: httpx.AsyncClient, auth_headers: Headers, allocated: Allocated
) -> None:
    body = _call(allocated.complainant, "2026-11-03T09:00:00Z")
    r = await _post(client, auth_headers, allocated.case.id, "attempts", body)
    _problem(r, 422, "fc-attempt-in-future")


async def test_intake_down_is_a_503_never_a_guess__ASM_100(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth_headers: Headers,
    allocated: Allocated,
    dev_keys_dir: Path,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here once closed
    down = ServiceClient(
        base_url=f"http://127.0.0.1:{port}", audience="intake-api", attempts=1,
        tokens=DevServiceTokenProvider(
            keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="assessment-api"
        ),
    )  # fmt: skip
    app.state.intake_client = down
    try:
        r = await _post(
            client, auth_headers, allocated.case.id, "attempts", _call(allocated.complainant)
        )
    finally:
        await down.aclose()
    _problem(r, 503, "intake-unavailable")
    assert r.headers["retry-after"] == "5"


async def test_each_attempt_and_the_first_contact_are_audited__ASM_101_ASM_099(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, allocated: Allocated
) -> None:
    first = _call(
        allocated.complainant, outcome="reached", introduced=True, contact_details_given=True
    )
    r = await _post(client, auth_headers, allocated.case.id, "attempts", first)
    assert r.status_code == 201, r.text
    rows = await session.scalars(select(AuditEntry).where(AuditEntry.case_id == allocated.case.id))
    actions = {(a.action, a.actor) for a in rows}
    assert ("fc.contact_attempt_recorded", CW) in actions
    assert ("fc.first_contact_made", CW) in actions


async def test_contact_is_recorded_only_at_further_consideration__ASM_101(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, allocated: Allocated
) -> None:
    await session.execute(
        update(Case)
        .where(Case.id == allocated.case.id)
        .values(status=CaseStatus.early_consideration)
    )
    r = await _post(
        client, auth_headers, allocated.case.id, "attempts", _call(allocated.complainant)
    )
    _problem(r, 409, "not-at-further-consideration")


async def test_withdrawn_with_a_stale_if_match_is_refused__ASM_103(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, allocated: Allocated
) -> None:
    for at in ("2026-11-01T09:00:00Z", "2026-11-02T08:00:00Z", "2026-11-02T09:00:00Z"):
        body = _call(allocated.complainant, at)
        assert (
            await _post(client, auth_headers, allocated.case.id, "attempts", body)
        ).status_code == 201
    r = await client.post(
        _url(allocated.case.id, "withdraw"),
        json=WITHDRAW,
        headers={**auth_headers("caseworker", sub=CW), "If-Match": '"999"'},
    )
    _problem(r, 412, "etag-mismatch")
    case_id = allocated.case.id
    session.expire_all()
    case = await session.get(Case, case_id)
    assert case is not None
    assert case.status is CaseStatus.further_consideration

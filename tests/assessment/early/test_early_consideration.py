"""Early consideration through its HTTP API over real PostgreSQL (¶2.97–2.141, T20–T23):
contact before deciding (ASM-053), 'withdrawn' (ASM-054), the decision and who is written to
(ASM-055, ASM-057, ASM-058, ASM-060), resolution (ASM-066…070, ASM-173) and passing on
(ASM-056, ASM-067). compliance-api is a real app in process for the risk guard."""

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
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from assessment_api.allocations.models import QueueEntry
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.early.models import EcCommunication, EcDecision
from intake_api.cases.models import Jurisdiction
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.clock import FixedClock
from shared.config import DEV_ISSUER
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from shared.outbox.models import OutboxEvent
from tests.assessment.cases.builders import CW, make_case
from tests.assessment.cases.test_decisions import assess
from tests.assessment.intake_peer import StandIn, intake_case, party_rows

Headers = Callable[..., dict[str, str]]
pytestmark = pytest.mark.usefixtures("guarded")

COMPLAINANT, MP, REP = (str(uuid.uuid4()) for _ in range(3))
# intake's parties of every case here, unless a test reads a real intake app: the complainant, a
# referring MP and a representative with authority to receive information (ASM-174).
PARTIES = party_rows(
    {uuid.UUID(COMPLAINANT): "complainant", uuid.UUID(MP): "mp (referring)",
     uuid.UUID(REP): "representative (person)"},
    authority=frozenset({uuid.UUID(REP)}),
)  # fmt: skip


@pytest.fixture(autouse=True)
def intake_parties(request: pytest.FixtureRequest) -> None:
    """intake answers PARTIES, unless the test runs the real intake app (``with_intake``)."""
    if "with_intake" not in request.fixturenames:
        stand_in: StandIn = request.getfixturevalue("intake_stand_in")
        stand_in.default = PARTIES


DECLINE: dict[str, Any] = {
    "closure_code": "other reason to decline",
    "discretion": "general",
    "other_reason": "outcome not achievable",
    "summary": "The complainant says a nurse was rude at discharge.",
    "rationale": "The trust apologised sincerely and retrained the nurse.",
    "no_standard_rationale": "A sincere apology answers a single remark.",
    "evidence": ["complaint_and_response"],
    "suitability": {"complainant_is_aggrieved": True},
    "given_by_phone": True,
    "written_confirmation_requested": False,
}
RESOLUTION: dict[str, Any] = {
    "closure_code": "general discretion - resolution",
    "our_action": "We asked the trust to pay for the lost hearing aid.",
    "organisation_already_acting": False,
    "outcome": "The trust agreed to pay for the hearing aid.",
    "complainant_agreed": True,
    "agreed_at": "2026-11-02T09:00:00Z",
    "components": [
        {"description": "Lost hearing aid", "significant": True, "resolved": True},
        {"description": "Late reply", "resolved": False},
        {"description": "Tone of the reply", "resolved": False},
    ],
    "complaints_process_complete": True,
    "properly_made": True,
}


HALF = {"description": "b", "resolved": False}


def _url(case_id: uuid.UUID, what: str = "") -> str:
    return f"/v1/cases/{case_id}/early" + (f"/{what}" if what else "")


async def _post(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, what: str, body: Any
) -> httpx.Response:
    return await client.post(
        _url(case_id, what), json=body, headers=auth_headers("caseworker", sub=CW)
    )


async def _call(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, at: str, outcome: str
) -> None:
    body = {
        "person_id": COMPLAINANT, "channel": "telephone", "attempted_at": at, "outcome": outcome,
    }  # fmt: skip
    r = await _post(client, auth_headers, case_id, "contact-attempts", body)
    assert r.status_code == 201, r.text


async def _state(client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID) -> Any:
    r = await client.get(_url(case_id), headers=auth_headers("caseworker", sub=CW))
    assert r.status_code == 200, r.text
    return r.json()


async def _ec_case(session: AsyncSession, **payload: Any) -> Case:
    return await make_case(session, status=CaseStatus.early_consideration, **payload)


def _problem(r: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = r.json()
    assert body["type"] == PROBLEM_TYPE_BASE + kind
    return body


async def _unchanged(session: AsyncSession, case_id: uuid.UUID) -> None:
    session.expire_all()
    case = await session.get(Case, case_id)
    assert case is not None
    assert case.status is CaseStatus.early_consideration
    decided = select(EcDecision.id).where(EcDecision.case_id == case_id)
    # Nothing after the opening's status event (sequence 1, when the referral opened the case).
    emitted = select(OutboxEvent.id).where(OutboxEvent.case_id == case_id, OutboxEvent.sequence > 1)
    assert await session.scalar(decided) is None
    assert await session.scalar(emitted) is None


async def _letters(session: AsyncSession, case_id: uuid.UUID) -> list[EcCommunication]:
    rows = await session.scalars(select(EcCommunication).where(EcCommunication.case_id == case_id))
    return list(rows)


# --- ASM-053: contact before deciding ---------------------------------------------------------


async def test_one_failed_call_does_not_unlock_two_in_a_week_do__ASM_053(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    clock: FixedClock,
) -> None:
    case = await _ec_case(session, jurisdiction="parliamentary")
    await assess(compliance, auth_headers, case.id, "decline")
    await _call(client, auth_headers, case.id, "2026-11-02T09:00:00Z", "no_answer")  # Monday

    r = await _post(client, auth_headers, case.id, "decline", DECLINE)
    assert _problem(r, 409, "ec-contact-required")["requirement"] == "ASM-053"
    await _unchanged(session, case.id)
    assert (await _state(client, auth_headers, case.id))["decision_unlocked_by"] is None

    clock.advance(timedelta(days=3))  # Thursday
    await assess(compliance, auth_headers, case.id, "decline")
    await _call(client, auth_headers, case.id, "2026-11-05T09:00:00Z", "voicemail")
    r = await _post(client, auth_headers, case.id, "decline", DECLINE)

    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "closed"
    decision = got["decision"]
    assert decision["unlocked_by"] == "two_failed_calls_in_a_week"
    assert decision["summary"] == DECLINE["summary"]  # ASM-057
    assert decision["no_standard_rationale"] == DECLINE["no_standard_rationale"]  # ASM-060
    [event] = list(
        await session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.case_id == case.id,
                OutboxEvent.type != "assessment.case.status_changed",
            )
        )
    )
    assert event.type == "assessment.case.closed"
    assert event.payload["closure_code"] == "other reason to decline"
    assert event.payload["decision"] == "decision_not_to_investigate"


async def test_calls_a_week_apart_do_not_unlock__ASM_053(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session)
    await _call(client, auth_headers, case.id, "2026-10-26T09:00:00Z", "no_answer")
    await _call(client, auth_headers, case.id, "2026-11-02T09:00:00Z", "no_answer")
    assert (await _state(client, auth_headers, case.id))["decision_unlocked_by"] is None


async def test_written_contact_unanswered_for_a_week_unlocks_and_a_reply_meets_it__ASM_053(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await _ec_case(session)
    letter = {
        "person_id": COMPLAINANT, "channel": "letter", "attempted_at": "2026-11-02T09:00:00Z",
        "outcome": "written_no_reply",
    }  # fmt: skip
    r = await _post(client, auth_headers, case.id, "contact-attempts", letter)
    assert r.status_code == 201, r.text
    [clock_row] = (await _state(client, auth_headers, case.id))["deadlines"]
    assert (clock_row["kind"], clock_row["due_date"]) == ("written_reply", "2026-11-09")

    clock.set(clock.now() + timedelta(days=7))  # Monday 9 November: the due day itself
    assert (await _state(client, auth_headers, case.id))["decision_unlocked_by"] is None
    clock.advance(timedelta(days=1))  # a day after
    got = await _state(client, auth_headers, case.id)
    assert got["decision_unlocked_by"] == "written_contact_unanswered"

    reply = {
        "person_id": COMPLAINANT, "channel": "letter", "direction": "inbound",
        "attempted_at": "2026-11-10T09:00:00Z", "outcome": "reached",
    }  # fmt: skip
    r = await _post(client, auth_headers, case.id, "contact-attempts", reply)
    assert r.status_code == 201, r.text
    got = await _state(client, auth_headers, case.id)
    assert got["decision_unlocked_by"] == "contact_made"
    assert got["deadlines"][0]["met_at"] is not None


# --- ASM-054: 'withdrawn' ---------------------------------------------------------------------


async def test_withdrawn_needs_the_information_request_first__ASM_054(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session)
    r = await _post(client, auth_headers, case.id, "withdraw", {"rationale": "No reply came."})
    _problem(r, 409, "ec-information-request-required")
    await _unchanged(session, case.id)


async def test_withdrawn_only_after_the_deadline_given__ASM_054(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await _ec_case(session)
    ask = {
        "information_needed": "The trust's final response letter.", "told_by": "telephone",
        "told_at": "2026-11-02T09:00:00Z", "deadline": "2026-11-16",
    }  # fmt: skip
    r = await _post(client, auth_headers, case.id, "information-requests", ask)
    assert r.status_code == 201, r.text
    body = {"rationale": "The letter did not come by the date given."}

    clock.set(clock.now() + timedelta(days=14))  # 16 November: the deadline day
    r = await _post(client, auth_headers, case.id, "withdraw", body)
    assert _problem(r, 409, "ec-withdrawal-too-early")["deadline"] == "2026-11-16"
    await _unchanged(session, case.id)

    clock.advance(timedelta(days=1))
    r = await _post(client, auth_headers, case.id, "withdraw", body)  # no risk assessment needed
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "closed"
    assert got["decision"]["kind"] == "withdrawn"
    assert got["decision"]["closure_code"] == "withdrawn"
    assert got["deadlines"][0]["cancelled_at"] is not None


async def test_withdrawn_at_once_when_no_deadline_was_given__ASM_054(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session)
    ask = {
        "information_needed": "The trust's final response letter.", "told_by": "letter",
        "told_at": "2026-11-02T09:00:00Z",
    }  # fmt: skip
    assert (await _post(client, auth_headers, case.id, "information-requests", ask)).is_success
    r = await _post(client, auth_headers, case.id, "withdraw", {"rationale": "Told today."})
    assert r.status_code == 200, r.text
    case_row = await session.get(Case, case.id, populate_existing=True)
    assert case_row is not None
    assert case_row.closure_code == "withdrawn"


async def test_an_information_deadline_before_the_day_told_is_refused__ASM_054(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session)
    ask = {
        "information_needed": "The final response.", "told_by": "letter",
        "told_at": "2026-11-02T09:00:00Z", "deadline": "2026-11-01",
    }  # fmt: skip
    r = await _post(client, auth_headers, case.id, "information-requests", ask)
    _problem(r, 422, "ec-information-deadline-invalid")


# --- ASM-055: who is told, and how ------------------------------------------------------------


async def test_phone_decision_letters_go_to_mps_and_representatives_only__ASM_055(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await _ec_case(session)
    await _call(client, auth_headers, case.id, "2026-11-02T09:00:00Z", "reached")
    await assess(compliance, auth_headers, case.id, "decline")
    r = await _post(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 200, r.text
    sent = {
        (c.medium, c.recipients[0]["person_id"], c.recipients[0]["is_copy"])
        for c in await _letters(session, case.id)
    }
    assert sent == {
        ("telephone", COMPLAINANT, False),
        ("letter", MP, True),
        ("letter", REP, True),
    }


async def test_written_confirmation_on_request_goes_to_the_complainant__ASM_055(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await _ec_case(session)
    await _call(client, auth_headers, case.id, "2026-11-02T09:00:00Z", "reached")
    await assess(compliance, auth_headers, case.id, "decline")
    body = DECLINE | {"written_confirmation_requested": True}
    r = await _post(client, auth_headers, case.id, "decline", body)
    assert r.status_code == 200, r.text
    letters = [c for c in await _letters(session, case.id) if c.medium == "letter"]
    assert {c.recipients[0]["person_id"] for c in letters} == {COMPLAINANT, MP, REP}


# --- ASM-058, ASM-060: the decision's own rules -----------------------------------------------


@pytest.mark.parametrize("cited", ["medical_records", "clinical_advice"])
async def test_suitability_concern_blocks_a_decision_citing_medical_evidence__ASM_058(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    cited: str,
) -> None:
    case = await _ec_case(session)
    await _call(client, auth_headers, case.id, "2026-11-02T09:00:00Z", "reached")
    await assess(compliance, auth_headers, case.id, "decline")
    concern = {"complainant_is_aggrieved": False, "concern": True, "full_consideration_done": False}
    body = DECLINE | {"evidence": ["complaint_and_response", cited], "suitability": concern}
    r = await _post(client, auth_headers, case.id, "decline", body)
    assert _problem(r, 422, "ec-suitability-concern")["requirement"] == "ASM-058"
    await _unchanged(session, case.id)

    done = concern | {"full_consideration_done": True}
    r = await _post(client, auth_headers, case.id, "decline", body | {"suitability": done})
    assert r.status_code == 200, r.text


async def test_a_complainant_who_is_not_the_aggrieved_needs_the_concern_recorded__ASM_058(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session)
    body = DECLINE | {"suitability": {"complainant_is_aggrieved": False}}
    r = await _post(client, auth_headers, case.id, "decline", body)
    _problem(r, 422, "validation-error")


@pytest.mark.parametrize(
    "change",
    [
        {"no_standard_rationale": None},  # neither the standard nor why none
        {"standard": "NHS Constitution: respect and dignity"},  # both
    ],
)
async def test_a_decision_without_a_standard_records_why__ASM_060(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, change: dict[str, Any]
) -> None:
    case = await _ec_case(session)
    body = {k: v for k, v in (DECLINE | change).items() if v is not None}
    r = await _post(client, auth_headers, case.id, "decline", body)
    _problem(r, 422, "validation-error")


async def test_acts_on_a_case_not_at_early_consideration_are_refused__T20_T23(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)  # further consideration
    r = await _post(client, auth_headers, case.id, "withdraw", {"rationale": "No reply came."})
    _problem(r, 409, "not-at-early-consideration")


# --- ASM-066…070, ASM-173: resolution ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"complainant_agreed": False, "agreed_at": None}, "complainant_not_agreed"),  # ASM-066
        ({"organisation_already_acting": True}, "organisation_action_does_not_count"),  # ASM-066
        (
            {"components": [{"description": "a", "resolved": True}, HALF]},
            "not_resolved_overall",
        ),  # ASM-068: half is not most
        ({"closure_code": "premature - resolution"}, "wrong_closure_code"),  # ASM-070
        (
            {"complaints_process_complete": False},
            "wrong_closure_code",
        ),  # ASM-070: not ready, so only 'premature - resolution'
    ],
)
async def test_resolution_refused__ASM_066_ASM_068_ASM_070(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    change: dict[str, Any],
    problem: str,
) -> None:
    case = await _ec_case(session)
    await assess(compliance, auth_headers, case.id, "decline")
    body = {k: v for k, v in (RESOLUTION | change).items() if v is not None}
    r = await _post(client, auth_headers, case.id, "resolution", body)
    assert _problem(r, 422, "ec-resolution-invalid")["problems"] == [problem]
    await _unchanged(session, case.id)


async def test_resolution_needs_the_risk_guard__ASM_069_XC_RSK_001(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session)
    r = await _post(client, auth_headers, case.id, "resolution", RESOLUTION)
    assert _problem(r, 409, "risk-assessment-required")["trigger"] == "decline"
    await _unchanged(session, case.id)


@pytest.mark.parametrize(
    ("ready", "code"),
    [(True, "general discretion - resolution"), (False, "premature - resolution")],
)
async def test_resolution_closes_and_writes_to_the_legal_recipients__ASM_069_ASM_070_ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    ready: bool,
    code: str,
) -> None:
    case = await _ec_case(session, jurisdiction="parliamentary")
    assessment = await assess(compliance, auth_headers, case.id, "decline")
    body = RESOLUTION | {"closure_code": code, "properly_made": ready}
    r = await _post(client, auth_headers, case.id, "resolution", body)

    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "closed"
    assert got["decision"]["kind"] == "resolution"
    assert got["decision"]["closure_code"] == code
    assert got["decision"]["risk_assessment_id"] == assessment["id"]
    letters = {
        c.recipients[0]["person_id"]: (c.recipients[0]["is_copy"], c.purpose)
        for c in await _letters(session, case.id)
    }
    assert letters[COMPLAINANT][0] is False  # addressed to the complainant
    assert letters[MP][0] is True  # ¶3.109: a copy to the referring MP
    assert "referring MP" in letters[MP][1]
    assert letters[REP][0] is True
    [event] = list(
        await session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.case_id == case.id,
                OutboxEvent.type != "assessment.case.status_changed",
            )
        )
    )
    assert event.payload["closure_code"] == code
    assert event.payload["decision"] == "decision_not_to_investigate"
    assert event.payload["risk_assessment_id"] == assessment["id"]


# --- T23: passing on (ASM-056, ASM-067) -------------------------------------------------------


async def test_resolution_not_accepted_is_passed_on_with_what_was_done__ASM_067(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session)
    why = {
        "action_taken": "We asked the trust to reply to the unanswered points.",
        "outcome_achieved": "The trust sent a further reply.",
        "why_not_resolved": "It does not explain the delay in diagnosis.",
    }
    r = await _post(
        client, auth_headers, case.id, "pass-on",
        {"resolution_not_accepted": why, "rationale": "Passing for further consideration."},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "awaiting_allocation"
    assert got["decision"]["pass_on"]["resolution_not_accepted"] == why


async def test_passing_on_puts_the_case_in_the_allocation_queue__T23_ASM_085(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session, mp_referred=True, priority="high")
    r = await _post(
        client, auth_headers, case.id, "pass-on",
        {"indicators": ["records_needed"], "rationale": "The medical records are needed."},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    [entry] = await session.scalars(select(QueueEntry).where(QueueEntry.case_id == case.id))
    # The case's facts, the referral's MP tick among them (ASM-104), and nobody holds it.
    assert (entry.status, entry.priority, entry.mp_referred) == ("queued", "high", True)
    now = await session.get(Case, case.id, populate_existing=True)
    assert now is not None
    assert (now.status, now.owner) == (CaseStatus.awaiting_allocation, None)
    queue = await client.get("/v1/allocation-queue", headers=auth_headers("caseworker"))
    assert str(now.id) in {e["case_id"] for e in queue.json()["items"]}


# --- ASM-052: the EC approach outside EC ------------------------------------------------------


async def test_the_allocated_caseworker_resolves_on_the_ec_rules__ASM_052(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await make_case(session)  # further consideration, held by CW
    await assess(compliance, auth_headers, case.id, "decline")
    # The same rules as at early consideration (ASM-068: resolved overall).
    half = RESOLUTION | {"components": [{"description": "a", "resolved": True}, HALF]}
    r = await _post(client, auth_headers, case.id, "resolution", half)
    assert _problem(r, 422, "ec-resolution-invalid")["problems"] == ["not_resolved_overall"]
    # Another caseworker does not act on CW's case.
    r = await client.post(
        _url(case.id, "resolution"), json=RESOLUTION,
        headers=auth_headers("caseworker", sub="cw-someone-else"),
    )  # fmt: skip
    _problem(r, 403, "not-case-owner")

    r = await _post(client, auth_headers, case.id, "resolution", RESOLUTION)

    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["decision"]["closure_code"]) == (
        "closed",
        "general discretion - resolution",
    )


@pytest.mark.parametrize(
    "status", [CaseStatus.awaiting_allocation, CaseStatus.ect_triage, CaseStatus.dispute_resolution]
)
async def test_no_ec_resolution_from_other_statuses__ASM_052(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    status: CaseStatus,
) -> None:
    case = await make_case(session, status=status)
    await assess(compliance, auth_headers, case.id, "decline")
    r = await _post(client, auth_headers, case.id, "resolution", RESOLUTION)
    _problem(r, 409, "not-at-early-consideration")


async def test_pass_on_needs_exactly_one_reason__ASM_056_ASM_067(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session)
    r = await _post(client, auth_headers, case.id, "pass-on", {"rationale": "No reason given."})
    _problem(r, 422, "validation-error")
    r = await _post(
        client, auth_headers, case.id, "pass-on",
        {"indicators": ["records_needed"], "rationale": "The medical records are needed."},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["decision"]["pass_on"]["indicators"] == ["records_needed"]


async def test_a_decision_summarises_our_understanding__ASM_057(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _ec_case(session)
    for summary in (None, "  "):
        body = {k: v for k, v in (DECLINE | {"summary": summary}).items() if v is not None}
        r = await _post(client, auth_headers, case.id, "decline", body)
        _problem(r, 422, "validation-error")
    await _unchanged(session, case.id)


@pytest.mark.parametrize(
    "attempt",
    [
        {"channel": "telephone", "outcome": "written_no_reply"},
        {"channel": "letter", "direction": "inbound", "outcome": "no_answer"},
    ],
)
async def test_contact_attempts_are_consistent__ASM_053(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, attempt: Any
) -> None:
    case = await _ec_case(session)
    body = {"person_id": COMPLAINANT, "attempted_at": "2026-11-02T09:00:00Z", **attempt}
    r = await _post(client, auth_headers, case.id, "contact-attempts", body)
    _problem(r, 422, "validation-error")
    assert (await _state(client, auth_headers, case.id))["contact_attempts"] == []


# --- The parties are intake's (ASM-055, ASM-173, ASM-174; DESIGN §1) -----------------------------


async def test_the_decision_goes_to_intakes_parties_read_when_it_is_made__ASM_055_ASM_174(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    icase, people = await intake_case(with_intake, Jurisdiction.health)
    case = await _ec_case(session, case_id=icase.id)
    await _call(client, auth_headers, case.id, "2026-11-02T09:00:00Z", "reached")
    await assess(compliance, auth_headers, case.id, "decline")
    r = await _post(client, auth_headers, case.id, "decline", DECLINE | {"copy_to_aggrieved": True})
    assert r.status_code == 200, r.text
    sent = {
        (c.medium, c.recipients[0]["person_id"], c.recipients[0]["is_copy"])
        for c in await _letters(session, case.id)
    }
    assert sent == {
        ("telephone", str(people["complainant"]), False),  # given by phone (¶2.104)
        ("letter", str(people["mp"]), True),  # an MP is always told in writing (ASM-055)
        ("letter", str(people["aggrieved"]), True),  # the caseworker's choice (¶3.111)
    }  # the representative has no recorded authority: no copy (ASM-174 ¶3.112)
    recorded = r.json()["decision"]["parties"]
    assert {p["person_id"] for p in recorded["read_from_intake"]} == {
        str(p) for p in people.values()
    }
    assert recorded["copy_to_aggrieved"] is True


@pytest.mark.parametrize("what", ["decline", "resolution"])
async def test_a_caller_cannot_name_the_parties__ASM_173(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, what: str
) -> None:
    case = await _ec_case(session)
    body = (DECLINE if what == "decline" else RESOLUTION) | {
        "parties": {"complainant_person_id": str(uuid.uuid4())}
    }
    r = await _post(client, auth_headers, case.id, what, body)
    _problem(r, 422, "validation-error")
    await _unchanged(session, case.id)


@pytest.mark.parametrize("what", ["decline", "resolution"])
async def test_an_undecided_copy_for_a_separate_aggrieved_is_refused__ASM_174(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake_stand_in: StandIn,
    what: str,
) -> None:
    case = await _ec_case(session)
    aggrieved = uuid.uuid4()
    intake_stand_in.parties[case.id] = PARTIES + party_rows({aggrieved: "aggrieved"})
    await _call(client, auth_headers, case.id, "2026-11-02T09:00:00Z", "reached")
    await assess(compliance, auth_headers, case.id, "decline")
    body = DECLINE if what == "decline" else RESOLUTION
    r = await _post(client, auth_headers, case.id, what, body)
    assert _problem(r, 409, "decision-recipients-incomplete")["requirement"] == "ASM-174"
    await _unchanged(session, case.id)
    r = await _post(client, auth_headers, case.id, what, body | {"copy_to_aggrieved": False})
    assert r.status_code == 200, r.text
    assert str(aggrieved) not in {
        c.recipients[0]["person_id"] for c in await _letters(session, case.id)
    }


async def test_a_resolution_with_no_complainant_at_intake_is_refused__ASM_069_ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake_stand_in: StandIn,
) -> None:
    case = await _ec_case(session)
    intake_stand_in.parties[case.id] = party_rows({uuid.UUID(MP): "mp (referring)"})
    await assess(compliance, auth_headers, case.id, "decline")
    r = await _post(client, auth_headers, case.id, "resolution", RESOLUTION)
    assert _problem(r, 409, "decision-recipients-incomplete")["requirement"] == "ASM-173"
    await _unchanged(session, case.id)


async def test_intake_down_is_a_503_never_a_guess__ASM_069(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
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
    case = await _ec_case(session)
    await assess(compliance, auth_headers, case.id, "decline")
    try:
        r = await _post(client, auth_headers, case.id, "resolution", RESOLUTION)
    finally:
        await down.aclose()
    _problem(r, 503, "intake-unavailable")
    await _unchanged(session, case.id)

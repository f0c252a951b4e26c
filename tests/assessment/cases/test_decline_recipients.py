"""A decision not to investigate at further consideration (T32) is issued to the recipients the
guidance names, read from a real intake-api in process (DESIGN §1: the parties are intake's):
the letter addressed to the complainant (¶3.109–3.110, even after a call), a copy to the
referring MP (parliamentary) or any MP involved (health) (ASM-173), representatives only with
authority (ASM-174), MPs and representatives always in writing (ASM-055 ¶2.104), organisations
contacted told (¶3.117); the letters and calls are the casework kit's communications. A decline
whose recipients are not complete is refused (409 naming the requirement); intake down is a 503,
never a guess."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from assessment_api.cases.models import Case, DecisionCommunication, DeclineDecision
from assessment_api.cases.state import CaseStatus
from intake_api.cases.models import Jurisdiction, PartyRole
from shared.audit import AuditEntry
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.config import DEV_ISSUER
from shared.errors import PROBLEM_TYPE_BASE
from shared.outbox.models import OutboxEvent
from tests.assessment.cases.builders import ORG
from tests.assessment.cases.test_decisions import DECLINE, assess, decide, ready_case
from tests.assessment.intake_peer import StandIn, intake_case, intake_parties, party_rows

Headers = Callable[..., dict[str, str]]
pytestmark = pytest.mark.usefixtures("guarded")


def _sent(rows: list[DecisionCommunication]) -> set[tuple[str, str | None, bool]]:
    """(medium, person or organisation id, is a copy) of each communication."""
    out = set()
    for row in rows:
        [to] = row.recipients
        out.add((row.medium, to["person_id"] or to["organisation_id"], to["is_copy"]))
    return out


async def _communications(session: AsyncSession, case_id: uuid.UUID) -> list[DecisionCommunication]:
    rows = await session.scalars(
        select(DecisionCommunication).where(DecisionCommunication.case_id == case_id)
    )
    return list(rows)


async def _still_open(session: AsyncSession, case_id: uuid.UUID) -> None:
    """A refused decline changed nothing: the status, no decision, no letter, no event."""
    session.expire_all()
    case = await session.get(Case, case_id)
    assert case is not None
    assert case.status is CaseStatus.further_consideration
    assert (
        await session.scalar(select(DeclineDecision.id).where(DeclineDecision.case_id == case_id))
        is None
    )
    assert await _communications(session, case_id) == []
    emitted = select(OutboxEvent.id).where(OutboxEvent.case_id == case_id, OutboxEvent.sequence > 1)
    assert await session.scalar(emitted) is None


async def test_a_decline_is_written_to_everyone_intake_names__ASM_173_ASM_174_ASM_055(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    icase, people = await intake_case(
        with_intake, Jurisdiction.health, rep_authority=True, mp_role=PartyRole.mp_assisting
    )
    await ready_case(session, "decline", case_id=icase.id, parties=intake_parties(people))
    await assess(compliance, auth_headers, icase.id, "decline")
    body = DECLINE | {
        "decision_by_telephone": True, "aggrieved_copy": True,
        "organisations_contacted": [str(ORG)],
    }  # fmt: skip
    r = await decide(client, auth_headers, icase.id, "decline", body)
    assert r.status_code == 200, r.text

    rows = await _communications(session, icase.id)
    c, a, rep, mp = (str(people[k]) for k in ("complainant", "aggrieved", "rep", "mp"))
    assert _sent(rows) == {
        ("telephone", c, False),  # told by phone first (¶2.104) ...
        ("letter", c, False),  # ... and the letter is still addressed to them (¶3.109–3.110)
        ("letter", mp, True),  # health: any MP involved gets a copy (ASM-173 ¶3.110)
        ("letter", rep, True),  # authority recorded (ASM-174 ¶3.112), always in writing
        ("letter", a, True),  # the caseworker decided the aggrieved gets a copy (¶3.111)
        ("letter", str(ORG), False),  # contacted during consideration: told (¶3.117)
    }
    declined = r.json()["decline"]
    assert {row.decline_decision_id for row in rows} == {uuid.UUID(declined["id"])}
    [call] = [row for row in rows if row.medium == "telephone"]
    assert call.legal_scan is not None  # XC-RSK-004: a call is scanned by the kit
    assert len(r.json()["decline_communications"]) == len(rows)
    audited = await session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.case_id == icase.id,
            AuditEntry.action == "case.decline_communication_recorded",
        )
    )
    assert len(list(audited)) == len(rows)
    closed = await session.scalars(
        select(OutboxEvent).where(
            OutboxEvent.case_id == icase.id, OutboxEvent.type == "assessment.case.closed"
        )
    )
    assert [e.payload["decision_id"] for e in closed] == [declined["id"]]


async def test_parliamentary_copies_the_referring_mp_and_no_rep_without_authority__ASM_173_ASM_174(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    icase, people = await intake_case(with_intake, Jurisdiction.parliamentary)
    await ready_case(
        session,
        "decline",
        case_id=icase.id,
        jurisdiction="parliamentary",
        parties=intake_parties(people),
    )
    await assess(compliance, auth_headers, icase.id, "decline")
    r = await decide(client, auth_headers, icase.id, "decline", DECLINE | {"aggrieved_copy": False})
    assert r.status_code == 200, r.text
    assert _sent(await _communications(session, icase.id)) == {
        ("letter", str(people["complainant"]), False),
        ("letter", str(people["mp"]), True),  # the referring MP (¶3.109, s.10(1) 1967 Act)
    }


async def test_an_assisting_mp_on_a_parliamentary_case_is_not_a_copy_recipient__ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    icase, people = await intake_case(
        with_intake, Jurisdiction.parliamentary, mp_role=PartyRole.mp_assisting
    )
    await ready_case(
        session,
        "decline",
        case_id=icase.id,
        jurisdiction="parliamentary",
        parties=intake_parties(people),
    )
    await assess(compliance, auth_headers, icase.id, "decline")
    r = await decide(client, auth_headers, icase.id, "decline", DECLINE | {"aggrieved_copy": False})
    assert r.status_code == 200, r.text
    assert _sent(await _communications(session, icase.id)) == {
        ("letter", str(people["complainant"]), False)
    }


async def test_a_decline_with_the_aggrieveds_copy_undecided_is_refused__ASM_174(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    icase, people = await intake_case(with_intake, Jurisdiction.health)
    await ready_case(session, "decline", case_id=icase.id, parties=intake_parties(people))
    await assess(compliance, auth_headers, icase.id, "decline")
    r = await decide(client, auth_headers, icase.id, "decline", DECLINE)
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["type"] == PROBLEM_TYPE_BASE + "decision-recipients-incomplete"
    assert problem["requirement"] == "ASM-174"
    await _still_open(session, icase.id)


async def test_a_decline_with_no_complainant_to_address_is_refused__ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake_stand_in: StandIn,
) -> None:
    case = await ready_case(session, "decline")
    intake_stand_in.parties[case.id] = party_rows({uuid.uuid4(): "mp (referring)"})
    await assess(compliance, auth_headers, case.id, "decline")
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 409, r.text
    assert r.json()["requirement"] == "ASM-173"
    await _still_open(session, case.id)


async def test_the_parties_are_intakes_not_the_callers__ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    intake_stand_in: StandIn,
) -> None:
    case = await ready_case(session, "decline")
    named = DECLINE | {"complainant_person_id": str(uuid.uuid4())}
    r = await decide(client, auth_headers, case.id, "decline", named)
    assert r.status_code == 422, r.text  # nobody can be named in the request
    assert intake_stand_in.asked == []


async def test_an_organisation_the_case_is_not_about_is_refused__ASM_175(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake_stand_in: StandIn,
) -> None:
    case = await ready_case(session, "decline")
    await assess(compliance, auth_headers, case.id, "decline")
    body = DECLINE | {"organisations_contacted": [str(uuid.uuid4())]}
    r = await decide(client, auth_headers, case.id, "decline", body)
    assert r.status_code == 422, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "organisation-not-on-case"
    await _still_open(session, case.id)


async def test_intake_down_refuses_the_decline_with_a_503_never_a_guess__ASM_173(
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
    case = await ready_case(session, "decline")
    await assess(compliance, auth_headers, case.id, "decline")
    try:
        r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    finally:
        await down.aclose()
    assert r.status_code == 503, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "intake-unavailable"
    assert r.headers["retry-after"] == "5"
    await _still_open(session, case.id)

"""Hand-off from intake to assessment (T13 ECT triage / T14 allocation queue, ¶1.22–1.23, ¶2.182).

The transition table is tested without a database; ``POST /v1/cases/{id}/refer`` in the plugin's
rolled-back transaction, on cases built through the public API; two racing referrals of one case
on a database of its own that really commits.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from intake_api.cases.models import (
    Case,
    CaseType,
    Channel,
    Jurisdiction,
    Priority,
    Route,
    TriageCategory,
)
from intake_api.cases.state import ALLOWED, CaseStatus, CaseTransitionNotAllowed, transition
from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from shared.events.contracts.intake import CaseClosedV1, CaseReferredV1, CaseRestartedV1
from shared.events.envelope import EventPayload
from shared.http_api.problems import PROBLEM_JSON
from shared.outbox.models import OutboxEvent
from shared.testing.plugin import DEFAULT_NOW, CommittingClient
from tests.helpers import TODAY_ISO
from tests.intake.api import Api, BuiltCase, JsonDict, ready_case
from tests.intake.builders import IC, build_ready_case, make_case

Headers = Callable[..., dict[str, str]]
CONTRACT_FIELDS = {
    "reference",
    "case_type",
    "jurisdiction",
    "route",
    "triage_category",
    "priority",
    "organisation_ids",
    "received_date",
    "risk_assessment_required",  # XC-RSK-002: allocation leaves a risk task when ticked
    "mp_referred",  # ASM-104: allocation leaves a contact-MP task
}
REFER_REASON = "Checklist complete; ready for further consideration"


# ---------------------------------------------------------------------------------------------
# The transition table, without a database
# ---------------------------------------------------------------------------------------------


def _plain_case(status: CaseStatus) -> Case:
    return Case(
        id=uuid.uuid4(),
        reference="CAS-0000042",
        status=status,
        case_type=CaseType.complaint,
        channel=Channel.email,
        jurisdiction=Jurisdiction.health,
        received_date=date(2026, 10, 30),
        complaint_summary="Alex Example says the trust ignored the letters.",
        route=Route.awaiting_allocation,
        triage_category=TriageCategory.senior_caseworker,
        priority=Priority.high,
        organisation_ids=[uuid.UUID(int=7)],
        risk_assessment_required=False,
        closure_code="further information required",
        created_by="someone",
        version=1,
    )


ALL_MOVES = [(a, b) for a in CaseStatus for b in CaseStatus]
ALLOWED_MOVES = [(a, b) for a, b in ALL_MOVES if b in ALLOWED[a]]
REFUSED_MOVES = [(a, b) for a, b in ALL_MOVES if b not in ALLOWED[a]]
AT = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


def test_transition_table_is_the_intake_lifecycle__B3() -> None:
    s = CaseStatus
    lifecycle = {
        s.received: {s.intake},  # T2
        s.intake: {s.awaiting_information, s.joint_working_review, s.referred, s.closed},
        s.awaiting_information: {s.intake, s.closed},  # T5, T6
        s.joint_working_review: {s.intake, s.closed},  # T12
        s.referred: set(),  # assessment owns the case from here
        s.closed: {s.restart_review},  # T9, T51
        s.restart_review: {s.intake, s.closed},  # T53, T52
    }
    assert lifecycle == ALLOWED


@pytest.mark.parametrize(("start", "to"), ALLOWED_MOVES, ids=str)
def test_allowed_move_sets_status_and_status_changed_at(start: CaseStatus, to: CaseStatus) -> None:
    case = _plain_case(start)

    event = transition(case, to, at=AT, previous_closure_code="further information required")

    assert case.status is to
    assert case.status_changed_at == AT
    events: dict[CaseStatus, type[EventPayload]] = {
        CaseStatus.referred: CaseReferredV1,
        CaseStatus.closed: CaseClosedV1,
    }
    expected = events.get(to)
    if start is CaseStatus.restart_review and to is CaseStatus.intake:
        expected = CaseRestartedV1
    assert (type(event) is expected) if expected else (event is None)
    assert (case.referred_at == AT) is (to is CaseStatus.referred)


@pytest.mark.parametrize(("start", "to"), REFUSED_MOVES, ids=str)
def test_refused_move_is_409_case_transition_not_allowed_and_changes_nothing(
    start: CaseStatus, to: CaseStatus
) -> None:
    case = _plain_case(start)

    with pytest.raises(CaseTransitionNotAllowed) as exc:
        transition(case, to, at=AT)

    assert exc.value.status == 409
    assert exc.value.type == "case-transition-not-allowed"
    assert exc.value.extensions == {"current_status": start.value, "requested_status": to.value}
    assert case.status is start
    assert case.status_changed_at is None
    assert case.referred_at is None


def test_referred_is_terminal_and_closed_only_reopens_through_restart_review() -> None:
    assert ALLOWED[CaseStatus.referred] == frozenset()
    assert ALLOWED[CaseStatus.closed] == frozenset({CaseStatus.restart_review})
    for to in CaseStatus:
        with pytest.raises(CaseTransitionNotAllowed):
            transition(_plain_case(CaseStatus.referred), to, at=AT)


def test_only_an_intake_case_can_be_referred__T13_T14() -> None:
    sources = {start for start, to in ALLOWED_MOVES if to is CaseStatus.referred}
    assert sources == {CaseStatus.intake}


def test_referral_event_carries_the_ticks_allocation_acts_on__XC_RSK_002_ASM_104() -> None:
    case = _plain_case(CaseStatus.intake)
    case.risk_assessment_required = True
    case.mp_person_id = uuid.uuid4()
    event = transition(case, CaseStatus.referred, at=AT)
    assert isinstance(event, CaseReferredV1)
    assert (event.risk_assessment_required, event.mp_referred) == (True, True)


def test_referral_event_carries_the_case_facts_and_no_personal_data() -> None:
    event = transition(_plain_case(CaseStatus.intake), CaseStatus.referred, at=AT)

    assert isinstance(event, CaseReferredV1)
    assert event.model_dump(mode="json") == {
        "reference": "CAS-0000042",
        "case_type": "complaint",
        "jurisdiction": "health",
        "route": "awaiting_allocation",
        "triage_category": "senior caseworker",
        "priority": "high",
        "organisation_ids": [str(uuid.UUID(int=7))],
        "received_date": "2026-10-30",
        "risk_assessment_required": False,
        "mp_referred": False,
    }


# ---------------------------------------------------------------------------------------------
# Builders: cases built in the database (tests.intake.builders), the referral over HTTP
# ---------------------------------------------------------------------------------------------


@pytest.fixture
async def ready(api: Api, session: AsyncSession) -> BuiltCase:
    return await build_ready_case(api, session)


@pytest.fixture
async def received(session: AsyncSession) -> BuiltCase:
    """A case just recorded (T1), for refusals that happen before the case is read."""
    case = await make_case(
        session, status=CaseStatus.received, channel=Channel.email, jurisdiction=None
    )
    return BuiltCase({"id": str(case.id)}, {}, [])


async def _stored(session: AsyncSession, case_id: str) -> Case:
    case = await session.scalar(
        select(Case).where(Case.id == uuid.UUID(case_id)).execution_options(populate_existing=True)
    )
    assert case is not None
    return case


async def _outbox(session: AsyncSession, case_id: str) -> list[OutboxEvent]:
    """The case's events after ``intake.case.created`` (which every case emits first)."""
    rows = await session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.case_id == uuid.UUID(case_id), OutboxEvent.type != "intake.case.created")
        .order_by(OutboxEvent.sequence)
    )
    return list(rows)


async def _referral_events(session: AsyncSession, case_id: str) -> list[OutboxEvent]:
    return [e for e in await _outbox(session, case_id) if e.type == "intake.case.referred"]


async def _audit(session: AsyncSession, case_id: str, action: str) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_id == uuid.UUID(case_id), AuditEntry.action == action)
        .order_by(AuditEntry.id)
    )
    return list(rows)


def _assert_problem(r: httpx.Response, status: int, slug: str) -> JsonDict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body: JsonDict = r.json()
    assert body["type"] == PROBLEM_TYPE_BASE + slug
    return body


# ---------------------------------------------------------------------------------------------
# POST /v1/cases/{id}/refer: the hand-off
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["general", "senior caseworker", "complex & significant"])
async def test_refer_moves_the_case_to_referred_and_stores_the_triage_as_written__T14_D4(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    api: Api,
    category: str,
) -> None:
    ready = await build_ready_case(api, session, category=category)

    r = await client.post(
        ready.refer,
        json={"reason": REFER_REASON},
        headers=auth_headers("intake_caseworker", sub=IC),
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "referred"
    assert body["version"] > ready.case["version"]
    assert r.headers["etag"] == f'"{body["version"]}"'
    assert datetime.fromisoformat(body["referred_at"]) == DEFAULT_NOW
    assert datetime.fromisoformat(body["status_changed_at"]) == DEFAULT_NOW
    assert (body["route"], body["triage_category"], body["priority"], body["jurisdiction"]) == (
        "awaiting_allocation",
        category,
        "standard",
        "health",
    )
    assert body["organisation_ids"] == [o["id"] for o in ready.organisations]
    stored = await _stored(session, ready.id)
    assert stored.status is CaseStatus.referred
    assert stored.referred_at == DEFAULT_NOW
    # The guidance's words, exactly as written, in the column itself (requirements.md D.4).
    raw = await session.scalar(
        text('SELECT triage_category FROM "case" WHERE id = :id'), {"id": stored.id}
    )
    assert raw == category


async def test_refer_to_ect_triage_with_the_route_given_in_the_referral__T13(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, ready: BuiltCase
) -> None:
    r = await client.post(
        ready.refer,
        json={
            "route": "ect_triage",
            "routing_rationale": "No specialism needed",
            "reason": REFER_REASON,
        },
        headers=auth_headers("intake_caseworker", sub=IC),
    )

    assert r.status_code == 200, r.text
    assert r.json()["route"] == "ect_triage"
    [event] = await _referral_events(session, ready.id)
    assert event.payload["route"] == "ect_triage"


async def test_refer_records_an_audit_entry_with_before_after_and_reason__XC_AUD(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, ready: BuiltCase
) -> None:
    sub = IC  # the owner: only the owner, their team or a manager overriding may refer

    r = await client.post(
        ready.refer,
        json={"reason": "Checklist complete; specialist team"},
        headers={**auth_headers("intake_caseworker", sub=sub), "X-Request-ID": "req-refer-1"},
    )

    assert r.status_code == 200, r.text
    [entry] = await _audit(session, ready.id, "case.referred")
    assert entry.entity_type == "case"
    assert str(entry.case_id) == ready.id
    assert entry.actor == sub
    assert entry.actor_roles == ["intake_caseworker"]
    assert entry.reason == "Checklist complete; specialist team"
    assert entry.request_id == "req-refer-1"
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["status"], entry.after["status"]) == ("intake", "referred")
    assert entry.after["version"] == entry.before["version"] + 1
    assert (entry.before["referred_at"], entry.after["referred_at"]) == (
        None,
        r.json()["referred_at"],
    )


async def test_the_risk_assessment_tick_travels_with_the_referral__XC_RSK_002_CMP_105(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, api: Api
) -> None:
    """¶10.14: the intake caseworker's 'risk assessment required' tick reaches assessment."""
    ready = await build_ready_case(api, session, received_date=date(2026, 10, 28))
    ic = auth_headers("intake_caseworker", sub=IC)
    etag = (await client.get(f"/v1/cases/{ready.id}", headers=ic)).headers["etag"]
    r = await client.patch(
        f"/v1/cases/{ready.id}",
        json={"risk_assessment_required": True, "reason": "Litigious organisation"},
        headers={**ic, "If-Match": etag},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        ready.refer,
        json={"reason": REFER_REASON},
        headers={**auth_headers("intake_caseworker", sub=IC), "If-Match": r.headers["etag"]},
    )
    assert r.status_code == 200, r.text
    [event] = await _referral_events(session, ready.id)
    assert event.payload["risk_assessment_required"] is True
    # An event from before the field existed reads as not ticked (additive within v1).
    older = {k: v for k, v in event.payload.items() if k != "risk_assessment_required"}
    assert CaseReferredV1.model_validate(older).risk_assessment_required is False


async def test_refer_emits_intake_case_referred_v1_without_personal_data__DESIGN_2(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, api: Api
) -> None:
    ready = await build_ready_case(
        api, session, received_date=date(2026, 10, 28), organisations=2,
        category="complex & significant",
    )  # fmt: skip
    sub = IC  # the owner: only the owner, their team or a manager overriding may refer

    r = await client.post(
        ready.refer,
        json={"reason": REFER_REASON},
        headers={**auth_headers("intake_caseworker", sub=sub), "X-Request-ID": "req-refer-2"},
    )

    assert r.status_code == 200, r.text
    [event] = await _outbox(session, ready.id)
    assert (event.type, event.version, event.source, event.sequence) == (
        "intake.case.referred",
        1,
        "intake-api",
        2,  # 1 is intake.case.created
    )
    assert event.actor == sub
    assert event.correlation_id == "req-refer-2"
    assert event.occurred_at == DEFAULT_NOW
    # Exactly the contract's fields: nothing about the complainant rides along.
    assert set(event.payload) == CONTRACT_FIELDS == set(CaseReferredV1.model_fields)
    assert event.payload == {
        "reference": ready.case["reference"],
        "case_type": "complaint",
        "jurisdiction": "health",
        "route": "awaiting_allocation",
        "triage_category": "complex & significant",
        "priority": "standard",
        "organisation_ids": [o["id"] for o in ready.organisations],
        "received_date": "2026-10-28",
        "risk_assessment_required": False,
        "mp_referred": False,
    }
    everything = json.dumps(event.payload)
    for personal in (
        ready.person["given_name"],
        ready.person["emails"][0]["address"],
        "Example Street",
        "ZZ99",
        "01632",
        ready.person["id"],
    ):
        assert personal not in everything
    CaseReferredV1.model_validate(event.payload)


async def test_approved_special_handling_is_referred_as_high_priority__INT_025(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, ready: BuiltCase
) -> None:
    ic, manager = auth_headers("intake_caseworker", sub=IC), auth_headers("operations_manager")
    asked = await client.post(
        f"/v1/cases/{ready.id}/priority-request",
        json={"reason": "Terminal illness (discussed with the complainant)"},
        headers=ic,
    )
    assert asked.status_code == 200, asked.text
    approved = await client.post(
        f"/v1/cases/{ready.id}/priority-decision",
        json={"approve": True, "reason": "Exceptional circumstances"},
        headers=manager,
    )
    assert approved.status_code == 200, approved.text

    r = await client.post(ready.refer, json={"reason": REFER_REASON}, headers=ic)

    assert r.status_code == 200, r.text
    assert r.json()["priority"] == "high"
    [event] = await _referral_events(session, ready.id)
    assert event.payload["priority"] == "high"


# ---------------------------------------------------------------------------------------------
# Refusals: nothing changes and nothing is emitted
# ---------------------------------------------------------------------------------------------


async def test_referring_twice_is_409_and_emits_no_second_event(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, ready: BuiltCase
) -> None:
    h = auth_headers("intake_caseworker", sub=IC)
    first = await client.post(ready.refer, json={"reason": REFER_REASON}, headers=h)
    assert first.status_code == 200, first.text

    again = await client.post(ready.refer, json={"reason": REFER_REASON}, headers=h)

    problem = _assert_problem(again, 409, "case-transition-not-allowed")
    assert problem["current_status"] == "referred"
    assert len(await _referral_events(session, ready.id)) == 1
    assert len(await _audit(session, ready.id, "case.referred")) == 1
    stored = await _stored(session, ready.id)
    assert stored.triage_category is TriageCategory.general
    assert stored.version == first.json()["version"]


async def test_a_received_case_cannot_be_referred_before_intake_begins__T2(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    h = auth_headers("intake_caseworker", sub=IC)
    created = await client.post(
        "/v1/cases",
        json={
            "case_type": "complaint",
            "channel": "email",
            "jurisdiction": "health",
            "received_date": TODAY_ISO,
        },
        headers=h,
    )
    assert created.json()["status"] == "received"

    r = await client.post(
        f"/v1/cases/{created.json()['id']}/refer",
        json={"route": "awaiting_allocation", "reason": REFER_REASON},
        headers=h,
    )

    problem = _assert_problem(r, 409, "case-transition-not-allowed")
    assert (problem["current_status"], problem["requested_status"]) == ("received", "referred")
    assert (await _stored(session, created.json()["id"])).route is None
    assert await _outbox(session, created.json()["id"]) == []


async def test_stale_if_match_is_412_and_changes_nothing__DESIGN_3(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, ready: BuiltCase
) -> None:
    r = await client.post(
        ready.refer,
        json={"route": "ect_triage", "reason": REFER_REASON},
        headers={**auth_headers("intake_caseworker", sub=IC), "If-Match": '"1"'},
    )

    problem = _assert_problem(r, 412, "etag-mismatch")
    assert problem["current_etag"] == ready.case["_etag"]
    stored = await _stored(session, ready.id)
    assert (stored.status, stored.version) == (CaseStatus.intake, ready.case["version"])
    assert stored.route is Route.awaiting_allocation
    assert await _referral_events(session, ready.id) == []
    assert await _audit(session, ready.id, "case.referred") == []


async def test_matching_if_match_is_200(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, ready: BuiltCase
) -> None:
    h = auth_headers("intake_caseworker", sub=IC)
    etag = (await client.get(f"/v1/cases/{ready.id}", headers=h)).headers["etag"]

    r = await client.post(
        ready.refer, json={"reason": REFER_REASON}, headers={**h, "If-Match": etag}
    )

    assert r.status_code == 200, r.text
    assert r.headers["etag"] == f'"{int(etag.strip(chr(34))) + 1}"'
    assert len(await _referral_events(session, ready.id)) == 1


async def test_refer_without_any_jurisdiction_is_422_jurisdiction_required(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, api: Api
) -> None:
    bare = await build_ready_case(api, session, jurisdiction=None, properly_made=False)

    r = await client.post(
        bare.refer, json={"reason": REFER_REASON}, headers=auth_headers("intake_caseworker", sub=IC)
    )

    _assert_problem(r, 422, "jurisdiction-required")
    stored = await _stored(session, bare.id)
    assert (stored.status, stored.jurisdiction) == (CaseStatus.intake, None)
    assert await _referral_events(session, bare.id) == []


async def test_a_case_without_the_organisation_complained_about_is_422_referral_blocked__INT_010(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, api: Api
) -> None:
    no_org = await build_ready_case(api, session, organisations=0)
    assert no_org.case["organisation_ids"] == []

    r = await client.post(
        no_org.refer,
        json={"reason": REFER_REASON},
        headers=auth_headers("intake_caseworker", sub=IC),
    )

    problem = _assert_problem(r, 422, "referral-blocked")
    assert {(m["requirement"], m["item"]) for m in problem["missing"]} == {
        ("INT-010", "organisations")
    }
    assert (await _stored(session, no_org.id)).status is CaseStatus.intake
    assert await _referral_events(session, no_org.id) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"triage_category": "urgent"}, "triage_category"),
        ({"triage_category": "complex and significant"}, "triage_category"),
        ({"triage_category": "General"}, "triage_category"),
        ({"triage_category": "general"}, "triage_category"),  # INT-024: only by the triage
        ({"route": "investigation"}, "route"),
        ({"jurisdiction": "scotland"}, "jurisdiction"),
        ({"reason": ""}, "reason"),
        ({"organisation_ids": []}, "organisation_ids"),
        ({"priority": "high"}, "priority"),
        ({"status": "referred"}, "status"),
    ],
)
async def test_invalid_referral_body_is_422_and_emits_nothing(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    received: BuiltCase,
    overrides: JsonDict,
    field: str,
) -> None:
    r = await client.post(
        received.refer,
        json={"reason": REFER_REASON, **overrides},
        headers=auth_headers("intake_caseworker", sub=IC),
    )

    problem = _assert_problem(r, 422, "validation-error")
    assert any(field in e["loc"] for e in problem["errors"])
    assert (await _stored(session, received.id)).status is CaseStatus.received
    assert await _outbox(session, received.id) == []


@pytest.mark.parametrize(
    "role", ["caseworker", "auditor", "senior_caseworker", "operations_manager", "service"]
)
async def test_refer_is_forbidden_to_roles_other_than_intake_caseworker(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    received: BuiltCase,
    role: str,
) -> None:
    r = await client.post(received.refer, json={"reason": REFER_REASON}, headers=auth_headers(role))

    # A manager may act on a case only by an audited override (issue #15 item 14).
    _assert_problem(r, 403, "not-case-owner" if role == "operations_manager" else "forbidden")
    assert (await _stored(session, received.id)).status is CaseStatus.received
    assert await _outbox(session, received.id) == []


async def test_refer_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    r = await client.post(f"/v1/cases/{uuid.uuid4()}/refer", json={"reason": REFER_REASON})
    _assert_problem(r, 401, "unauthorized")


async def test_refer_unknown_case_is_404_case_not_found(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    missing = str(uuid.uuid4())

    r = await client.post(
        f"/v1/cases/{missing}/refer",
        json={"reason": REFER_REASON},
        headers=auth_headers("intake_caseworker", sub=IC),
    )

    _assert_problem(r, 404, "case-not-found")
    assert await _outbox(session, missing) == []


# ---------------------------------------------------------------------------------------------
# Two referrals racing, on a database of the test's own that commits
# ---------------------------------------------------------------------------------------------


async def _waiting_on_a_lock(observer: AsyncEngine, app: str) -> int:
    async with observer.connect() as conn:
        n = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = :app AND wait_event_type = 'Lock'"
            ),
            {"app": app},
        )
    return int(n or 0)


@pytest.mark.concurrency
@pytest.mark.own_database  # the referral's audit rows and event stay: they cannot be deleted
async def test_two_concurrent_referrals_make_one_200_one_409_and_one_event(
    committing_client: CommittingClient, auth_headers: Headers
) -> None:
    client, observer = committing_client.client, committing_client.observer
    h = auth_headers("intake_caseworker", sub=IC)
    ready = await ready_case(Api(client, h), received_date=TODAY_ISO, at=DEFAULT_NOW)
    case_id = uuid.UUID(ready.id)

    # Hold the case's row lock so that both requests are surely in flight at once.
    async with observer.connect() as holder:
        trans = await holder.begin()
        await holder.execute(
            text('SELECT 1 FROM "case" WHERE id = :id FOR UPDATE'), {"id": case_id}
        )
        racing = [
            asyncio.create_task(
                client.post(
                    ready.refer,
                    json={"route": route, "reason": REFER_REASON},
                    headers=h,
                )
            )
            for route in ("awaiting_allocation", "ect_triage")
        ]
        deadline = asyncio.get_running_loop().time() + 10
        while await _waiting_on_a_lock(observer, committing_client.application_name) < 2:
            assert asyncio.get_running_loop().time() < deadline, "requests never queued"
            await asyncio.sleep(0.02)
        await trans.rollback()
    responses = await asyncio.gather(*racing)

    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    [won] = [r for r in responses if r.status_code == 200]
    [lost] = [r for r in responses if r.status_code == 409]
    assert lost.json()["type"] == PROBLEM_TYPE_BASE + "case-transition-not-allowed"
    async with observer.connect() as conn:
        events = (
            await conn.execute(
                select(OutboxEvent.type, OutboxEvent.sequence, OutboxEvent.payload).where(
                    OutboxEvent.case_id == case_id, OutboxEvent.type != "intake.case.created"
                )
            )
        ).all()
        stored = (
            await conn.execute(select(Case.version, Case.route).where(Case.id == case_id))
        ).one()
    [(kind, sequence, payload)] = events
    assert (kind, sequence) == ("intake.case.referred", 2)  # 1 is intake.case.created
    # The winner's referral is the one stored and published.
    assert payload["route"] == won.json()["route"] == stored.route
    assert stored.version == won.json()["version"]

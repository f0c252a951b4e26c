"""Legal-action correspondence at compliance-api (XC-RSK-004, CMP-025, CMP-126; C-23).

Referrals arrive the way production sends them: intake's ``intake.correspondence.
legal_terms_found`` POSTed to ``/internal/events`` with intake's service token. Each opens a
Legal Team referral due 24 hours after receipt and a Legal risk prompt, once. The test clock is
Monday 2 November 2026, 10:00 UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.legal.models import LegalReferral, RiskPrompt
from shared.audit import AuditEntry
from shared.clock import FixedClock
from shared.http_api.problems import PROBLEM_JSON
from tests.compliance.risk.builders import make_assessment
from tests.helpers import NOW

Headers = Callable[..., dict[str, str]]
CW = "cw-legal-1"
RECEIVED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # an hour before the test clock


@pytest.fixture(autouse=True)
async def no_other_referrals(session: AsyncSession) -> None:
    # The work queues are global: start each test from none (rolled back with the test).
    await session.execute(delete(RiskPrompt))
    await session.execute(delete(LegalReferral))
    await session.flush()


@pytest.fixture
def cw(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("caseworker", sub=CW)


def legal_event(
    case_id: uuid.UUID,
    *,
    received_at: datetime = RECEIVED,
    terms: tuple[str, ...] = ("letter_before_claim", "judicial_review"),
    event_id: uuid.UUID | None = None,
    source: str = "intake-api",
) -> dict[str, Any]:
    return {
        "id": str(event_id or uuid.uuid4()),
        "type": "intake.correspondence.legal_terms_found",
        "version": 1,
        "occurred_at": (received_at + timedelta(minutes=5)).isoformat(),
        "source": source,
        "case_id": str(case_id),
        "sequence": 1,
        "correlation_id": None,
        "actor": "ic-alice",
        "payload": {
            "reference": "CAS-0000042",
            "communication_id": str(uuid.uuid4()),
            "communication_type": "communication",
            "medium": "letter",
            "direction": "inbound",
            "received_at": received_at.isoformat(),
            "terms": list(terms),
            "matches": [
                {
                    "field": "summary",
                    "term": t,
                    "start": 10 * i,
                    "end": 10 * i + 5,
                    "broad": t == "claim",
                }
                for i, t in enumerate(terms)
            ],
            "scanner": "D.26/1",
        },
    }


async def deliver(
    client: httpx.AsyncClient, auth_headers: Headers, *events: dict[str, Any]
) -> list[str]:
    r = await client.post(
        "/internal/events",
        json={"events": list(events)},
        headers=auth_headers("service", sub="intake-api"),
    )
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


async def open_referral(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    received_at: datetime = RECEIVED,
) -> dict[str, Any]:
    assert await deliver(client, auth_headers, legal_event(case_id, received_at=received_at)) == [
        "processed"
    ]
    r = await client.get(f"/v1/legal/cases/{case_id}/referrals", headers=auth_headers("caseworker"))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()["items"][0]
    return body


def _problem(r: httpx.Response, status: int, type_: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = r.json()
    if type_ is not None:
        assert body["type"].endswith(type_), body
    return body


# ---------------------------------------------------------------------------------------------
# The event opens a referral due in 24 hours and a Legal risk prompt, once
# ---------------------------------------------------------------------------------------------


async def test_legal_wording_opens_a_referral_due_within_24_hours__XC_RSK_004(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, session: AsyncSession
) -> None:
    event = legal_event(case_id)
    assert await deliver(client, auth_headers, event) == ["processed"]

    r = await client.get(f"/v1/legal/cases/{case_id}/referrals", headers=auth_headers("legal"))
    assert r.status_code == 200, r.text
    (referral,) = r.json()["items"]
    assert referral["case_id"] == str(case_id)
    assert referral["reference"] == "CAS-0000042"
    assert referral["communication_id"] == event["payload"]["communication_id"]
    assert datetime.fromisoformat(referral["received_at"]) == RECEIVED
    # C-23: hours, not working days.
    assert datetime.fromisoformat(referral["due_at"]) == datetime(2026, 11, 3, 9, tzinfo=UTC)
    assert referral["terms"] == ["letter_before_claim", "judicial_review"]
    assert [m["term"] for m in referral["matches"]] == referral["terms"]
    assert (referral["outcome"], referral["late"], referral["overdue"]) == (None, False, False)
    assert referral["rule"].startswith("XC-RSK-004")

    one = await client.get(f"/v1/legal/referrals/{referral['id']}", headers=auth_headers("auditor"))
    assert one.status_code == 200
    assert one.headers["etag"] == '"1"' or one.headers["etag"].endswith('1"')

    # Audited as intake, naming the event.
    audits = (
        await session.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        )
    ).all()
    assert [(a.action, a.actor, a.reason) for a in audits] == [
        ("legal_referral.opened", "intake-api", f"{event['type']} event {event['id']}"),
        ("risk_prompt.raised", "intake-api", f"{event['type']} event {event['id']}"),
    ]


async def test_a_legal_risk_prompt_is_raised_not_a_rating__CMP_126(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID
) -> None:
    referral = await open_referral(client, auth_headers, case_id)
    r = await client.get(
        f"/v1/legal/cases/{case_id}/risk-prompts", headers=auth_headers("caseworker")
    )
    assert r.status_code == 200, r.text
    (prompt,) = r.json()
    assert prompt["category"] == "legal"
    assert prompt["referral_id"] == referral["id"]
    assert prompt["addressed_at"] is None
    assert "letter_before_claim" in prompt["reason"]
    # No assessment, so no rating: a prompt is not an automatic rating.
    rating = await client.get(
        f"/v1/risk/cases/{case_id}/rating", headers=auth_headers("caseworker")
    )
    _problem(rating, 404, "no-risk-assessment")


async def test_a_redelivered_event_opens_nothing_more__XC_RSK_004(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, session: AsyncSession
) -> None:
    event = legal_event(case_id)
    assert await deliver(client, auth_headers, event) == ["processed"]
    assert await deliver(client, auth_headers, event) == ["duplicate"]
    assert await deliver(client, auth_headers, event, event) == ["duplicate", "duplicate"]
    for model in (LegalReferral, RiskPrompt):
        count = await session.scalar(
            select(func.count()).select_from(model).where(model.case_id == case_id)
        )
        assert count == 1


async def test_only_intake_may_announce_legal_wording__XC_RSK_004(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID
) -> None:
    event = legal_event(case_id, source="assessment-api")
    r = await client.post(
        "/internal/events",
        json={"events": [event]},
        headers=auth_headers("service", sub="assessment-api"),
    )
    _problem(r, 403, "forbidden-events")
    bad = legal_event(case_id, terms=())
    r = await client.post(
        "/internal/events",
        json={"events": [bad]},
        headers=auth_headers("service", sub="intake-api"),
    )
    assert _problem(r, 422, "invalid-events")["invalid_event_ids"] == [bad["id"]]


# ---------------------------------------------------------------------------------------------
# Recording the referral: who, when; late after 24 hours
# ---------------------------------------------------------------------------------------------


async def test_a_referral_within_24_hours_is_in_time__CMP_025(
    client: httpx.AsyncClient, cw: dict[str, str], auth_headers: Headers, case_id: uuid.UUID,
    session: AsyncSession,
) -> None:  # fmt: skip
    referral = await open_referral(client, auth_headers, case_id)
    r = await client.post(
        f"/v1/legal/referrals/{referral['id']}/referred",
        json={"note": "Emailed to the Legal Team with the case summary"},
        headers={**cw, "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["outcome"], done["done_by"], done["late"]) == ("referred", CW, False)
    assert datetime.fromisoformat(done["done_at"]) == NOW
    assert done["version"] == 2
    audit = await session.scalar(
        select(AuditEntry).where(AuditEntry.action == "legal_referral.referred")
    )
    assert audit is not None
    assert audit.before is not None
    assert audit.after is not None
    assert (audit.actor, audit.before["outcome"], audit.after["outcome"]) == (
        CW,
        None,
        "referred",
    )

    again = await client.post(f"/v1/legal/referrals/{referral['id']}/referred", json={}, headers=cw)
    _problem(again, 409, "task-already-done")


@pytest.mark.parametrize(
    ("after", "late"),
    [
        (timedelta(hours=24), False),
        (timedelta(hours=24, seconds=1), True),
        (timedelta(days=2), True),
    ],
)
async def test_a_referral_made_after_24_hours_is_late__XC_RSK_004(
    client: httpx.AsyncClient, cw: dict[str, str], auth_headers: Headers, case_id: uuid.UUID,
    clock: FixedClock, after: timedelta, late: bool,
) -> None:  # fmt: skip
    referral = await open_referral(client, auth_headers, case_id)
    clock.set(RECEIVED + timedelta(days=5))
    r = await client.post(
        f"/v1/legal/referrals/{referral['id']}/referred",
        json={"referred_at": (RECEIVED + after).isoformat()},
        headers=cw,
    )
    assert r.status_code == 200, r.text
    assert r.json()["late"] is late


async def test_the_referral_time_is_between_receipt_and_now__XC_RSK_004(
    client: httpx.AsyncClient, cw: dict[str, str], auth_headers: Headers, case_id: uuid.UUID
) -> None:
    referral = await open_referral(client, auth_headers, case_id)
    url = f"/v1/legal/referrals/{referral['id']}/referred"
    for at in (RECEIVED - timedelta(seconds=1), NOW + timedelta(seconds=1)):
        r = await client.post(url, json={"referred_at": at.isoformat()}, headers=cw)
        _problem(r, 422, "referral-time-out-of-range")
    for body in ({"referred_at": None}, {"referred_at": "2026-11-02"}, {"note": ""}, {"x": 1}):
        if body == {"referred_at": None}:
            continue  # null means now: allowed
        r = await client.post(url, json=body, headers=cw)
        _problem(r, 422)
    r = await client.post(url, json={"referred_at": None}, headers=cw)
    assert r.status_code == 200, r.text


async def test_who_may_record_a_referral__XC_RSK_004(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID
) -> None:
    referral = await open_referral(client, auth_headers, case_id)
    url = f"/v1/legal/referrals/{referral['id']}/referred"
    for role in ("auditor", "clinical_adviser", "service"):
        _problem(await client.post(url, json={}, headers=auth_headers(role)), 403)
    _problem(
        await client.post(
            f"/v1/legal/referrals/{uuid.uuid4()}/referred", json={}, headers=auth_headers("legal")
        ),
        404,
        "legal-referral-not-found",
    )
    stale = await client.post(url, json={}, headers={**auth_headers("legal"), "If-Match": '"9"'})
    _problem(stale, 412)
    ok = await client.post(url, json={}, headers=auth_headers("legal", sub="legal-team-1"))
    assert ok.status_code == 200, ok.text
    assert ok.json()["done_by"] == "legal-team-1"


async def test_a_false_alarm_is_dismissed_with_its_reason__XC_RSK_004(
    client: httpx.AsyncClient, cw: dict[str, str], auth_headers: Headers, case_id: uuid.UUID
) -> None:
    referral = await open_referral(client, auth_headers, case_id)
    url = f"/v1/legal/referrals/{referral['id']}/dismissed"
    _problem(await client.post(url, json={}, headers=cw), 422)
    _problem(await client.post(url, json={"reason": "  "}, headers=cw), 422)
    r = await client.post(
        url, json={"reason": "'claim' is the complainant's account of the injustice"}, headers=cw
    )
    assert r.status_code == 200, r.text
    assert (r.json()["outcome"], r.json()["late"]) == ("dismissed", False)
    referred = await client.post(
        f"/v1/legal/referrals/{referral['id']}/referred", json={}, headers=cw
    )
    _problem(referred, 409, "task-already-done")


async def test_the_database_keeps_late_and_the_due_time_true__XC_RSK_004(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, session: AsyncSession
) -> None:
    referral = await open_referral(client, auth_headers, case_id)
    rid = uuid.UUID(referral["id"])
    for values, check in (
        ({"due_at": RECEIVED + timedelta(days=2)}, "ck_legal_referral_due_in_24_hours"),
        ({"late": True}, "ck_legal_referral_late_when_referred_after_due"),
        (
            {"outcome": "referred", "done_at": RECEIVED + timedelta(days=2), "done_by": "x"},
            "ck_legal_referral_late_when_referred_after_due",
        ),
        ({"outcome": "referred"}, "ck_legal_referral_done_with_outcome"),
    ):
        with pytest.raises(IntegrityError, match=check):
            async with session.begin_nested():
                await session.execute(
                    update(LegalReferral).where(LegalReferral.id == rid).values(**values)
                )


# ---------------------------------------------------------------------------------------------
# Work queues: late legal referrals, open ones overdue
# ---------------------------------------------------------------------------------------------


async def _queue(
    client: httpx.AsyncClient, auth_headers: Headers, path: str, **params: Any
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        extra = {"cursor": cursor} if cursor else {}
        r = await client.get(
            f"/v1/legal/work-queues/{path}",
            params={**params, **extra},
            headers=auth_headers("legal"),
        )
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items
        assert len(items) < 20, "pagination does not end"


async def test_late_referrals_and_open_overdue_ones_are_reported__XC_RSK_004(
    client: httpx.AsyncClient, cw: dict[str, str], auth_headers: Headers, clock: FixedClock
) -> None:
    # Four cases, received 3, 2 and 1 days and 1 hour before now (Monday 10:00 UTC).
    cases = {name: uuid.uuid4() for name in ("late", "overdue", "in_time", "fresh")}
    received = {
        "late": NOW - timedelta(days=3),
        "overdue": NOW - timedelta(days=2),
        "in_time": NOW - timedelta(days=1, hours=1),
        "fresh": NOW - timedelta(hours=1),
    }
    ids = {
        name: (await open_referral(client, auth_headers, cid, received[name]))["id"]
        for name, cid in cases.items()
    }
    # The "late" one referred 30 hours after receipt; the "in_time" one within 20 hours.
    for name, hours in (("late", 30), ("in_time", 20)):
        r = await client.post(
            f"/v1/legal/referrals/{ids[name]}/referred",
            json={"referred_at": (received[name] + timedelta(hours=hours)).isoformat()},
            headers=cw,
        )
        assert r.status_code == 200, r.text

    both = await _queue(client, auth_headers, "late-referrals", limit=1)
    assert [i["id"] for i in both] == [ids["late"], ids["overdue"]]  # earliest due first
    assert [(i["late"], i["overdue"]) for i in both] == [(True, False), (False, True)]
    late = await _queue(client, auth_headers, "late-referrals", kind="late")
    assert [i["id"] for i in late] == [ids["late"]]
    overdue = await _queue(client, auth_headers, "late-referrals", kind="overdue")
    assert [i["id"] for i in overdue] == [ids["overdue"]]
    open_ = await _queue(client, auth_headers, "open-referrals")
    assert [i["id"] for i in open_] == [ids["overdue"], ids["fresh"]]

    # A day later the fresh one is overdue too; referring the overdue one makes it late.
    clock.set(NOW + timedelta(days=1))
    r = await client.post(f"/v1/legal/referrals/{ids['overdue']}/referred", json={}, headers=cw)
    assert r.json()["late"] is True
    both = await _queue(client, auth_headers, "late-referrals")
    assert [i["id"] for i in both] == [ids["late"], ids["overdue"], ids["fresh"]]
    assert [i["overdue"] for i in both] == [False, False, True]

    # A dismissed one leaves the queues.
    r = await client.post(
        f"/v1/legal/referrals/{ids['fresh']}/dismissed",
        json={"reason": "A complaint about unfair treatment, no suggestion of legal action"},
        headers=cw,
    )
    assert r.status_code == 200, r.text
    both = await _queue(client, auth_headers, "late-referrals")
    assert [i["id"] for i in both] == [ids["late"], ids["overdue"]]
    assert await _queue(client, auth_headers, "open-referrals") == []


async def test_queue_bad_input_is_a_problem__XC_RSK_004(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    h = auth_headers("legal")
    for params in ({"kind": "soon"}, {"limit": 0}, {"limit": 101}, {"cursor": "nope"}):
        r = await client.get("/v1/legal/work-queues/late-referrals", params=params, headers=h)
        assert 400 <= r.status_code < 500, r.text
        assert r.headers["content-type"].startswith(PROBLEM_JSON)


# ---------------------------------------------------------------------------------------------
# Addressing the Legal risk prompt
# ---------------------------------------------------------------------------------------------


async def test_the_prompt_is_answered_by_a_later_assessment_of_the_case__CMP_126(
    client: httpx.AsyncClient, cw: dict[str, str], auth_headers: Headers, case_id: uuid.UUID,
    session: AsyncSession,
) -> None:  # fmt: skip
    await open_referral(client, auth_headers, case_id)
    prompts = await client.get(f"/v1/legal/cases/{case_id}/risk-prompts", headers=cw)
    prompt = prompts.json()[0]
    url = f"/v1/legal/risk-prompts/{prompt['id']}/addressed"

    earlier = await make_assessment(session, case_id=case_id, recorded_at=RECEIVED)
    other_case = await make_assessment(session, case_id=uuid.uuid4())
    for assessment in (earlier, other_case):
        r = await client.post(
            url, json={"assessment_id": str(assessment.id), "note": "Reviewed"}, headers=cw
        )
        _problem(r, 422, "assessment-does-not-answer-prompt")
    r = await client.post(
        url, json={"assessment_id": str(uuid.uuid4()), "note": "Reviewed"}, headers=cw
    )
    _problem(r, 404, "risk-assessment-not-found")

    later = await make_assessment(session, case_id=case_id, number=2, recorded_at=NOW)
    r = await client.post(
        url,
        json={"assessment_id": str(later.id), "note": "Legal risk added: JR threatened"},
        headers=cw,
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["assessment_id"], done["addressed_by"]) == (str(later.id), CW)
    again = await client.post(url, json={"note": "Again"}, headers=cw)
    _problem(again, 409, "risk-prompt-already-addressed")


async def test_the_prompt_may_be_answered_with_a_reason_alone__CMP_126(
    client: httpx.AsyncClient, cw: dict[str, str], auth_headers: Headers, case_id: uuid.UUID
) -> None:
    await open_referral(client, auth_headers, case_id)
    prompt = (await client.get(f"/v1/legal/cases/{case_id}/risk-prompts", headers=cw)).json()[0]
    url = f"/v1/legal/risk-prompts/{prompt['id']}/addressed"
    _problem(await client.post(url, json={}, headers=cw), 422)
    _problem(await client.post(url, json={"note": "ok"}, headers=auth_headers("auditor")), 403)
    r = await client.post(
        url, json={"note": "The Legal Team says no legal risk: the letter was misread"}, headers=cw
    )
    assert r.status_code == 200, r.text
    assert r.json()["assessment_id"] is None
    _problem(
        await client.post(
            f"/v1/legal/risk-prompts/{uuid.uuid4()}/addressed",
            json={"note": "x y z"},
            headers=cw,
        ),
        404,
        "risk-prompt-not-found",
    )

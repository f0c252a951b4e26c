"""Operating the outbox (DESIGN §2 point 4): parked events listed and replayed, backlog age.

Runs on intake-api (a producer) in the plugin's rolled-back transaction. Each test subscribes
its own uniquely named subscriber, so nothing else in the database can disturb what it sees.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from shared.outbox.emit import emit
from shared.outbox.models import OutboxDelivery
from shared.outbox.relay import relay_lock_key
from shared.testing.plugin import ServiceSpec
from tests.events.conftest import INTAKE_SPEC, referred

Headers = Callable[..., dict[str, str]]
OPERATOR = "operations_manager"
REASON = "Subscriber fixed in release 1.4"


@pytest.fixture
def service_spec() -> ServiceSpec:
    return INTAKE_SPEC


def _name(prefix: str = "sub") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def subscribe(session: AsyncSession, subscriber: str) -> None:
    await session.execute(
        text(
            "INSERT INTO outbox_subscription (subscriber, event_type) "
            "VALUES (:s, 'intake.case.referred')"
        ),
        {"s": subscriber},
    )


async def make_parked(
    session: AsyncSession, *subscribers: str, case_id: uuid.UUID | None = None
) -> dict[str, Any]:
    """Emit one referral and park its delivery for each of ``subscribers`` (already subscribed)."""
    case_id = case_id or uuid.uuid4()
    env = await emit(session, referred(), case_id=case_id, actor="test")
    position = await _position(session, env.id)
    for s in subscribers:
        result = await session.execute(
            text(
                "UPDATE outbox_delivery SET status = 'parked', attempts = 10, last_error = 'x', "
                "parked_at = now() WHERE subscriber = :s AND event_position = :p"
            ),
            {"s": s, "p": position},
        )
        assert result.rowcount == 1  # type: ignore[attr-defined]
    return {"event_id": env.id, "case_id": case_id, "sequence": env.sequence, "position": position}


async def _position(session: AsyncSession, event_id: uuid.UUID) -> int:
    pos = await session.scalar(
        text("SELECT position FROM outbox_event WHERE id = :id"), {"id": event_id}
    )
    assert pos is not None
    return int(pos)


async def _delivery(session: AsyncSession, subscriber: str, position: int) -> OutboxDelivery:
    row = await session.scalar(
        select(OutboxDelivery)
        .where(OutboxDelivery.subscriber == subscriber, OutboxDelivery.event_position == position)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def _replay_audit(session: AsyncSession, event_id: uuid.UUID) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "outbox_event", AuditEntry.entity_id == event_id)
        .order_by(AuditEntry.id)
    )
    return list(rows)


async def list_parked(
    client: httpx.AsyncClient, auth_headers: Headers, role: str = OPERATOR, **params: Any
) -> httpx.Response:
    return await client.get("/internal/outbox/parked", params=params, headers=auth_headers(role))


# ---------------------------------------------------------------------------------------------
# GET /internal/outbox/parked
# ---------------------------------------------------------------------------------------------


async def test_parked_event_is_listed_with_its_delivery_state__DESIGN_2_4(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    sub = _name()
    await subscribe(session, sub)
    parked = await make_parked(session, sub)

    r = await list_parked(client, auth_headers, subscriber=sub)

    assert r.status_code == 200, r.text
    [item] = r.json()["items"]
    assert item["event_id"] == str(parked["event_id"])
    assert item["subscriber"] == sub
    assert item["type"] == "intake.case.referred"
    assert item["version"] == 1
    assert item["case_id"] == str(parked["case_id"])
    assert item["sequence"] == parked["sequence"] == 1
    assert item["attempts"] == 10
    assert item["last_error"] == "x"
    assert datetime.fromisoformat(item["parked_at"]).utcoffset() is not None
    assert r.json()["next_cursor"] is None


async def test_pending_deliveries_are_not_listed_and_the_filter_keeps_other_subscribers_out(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    mine, other = _name("mine"), _name("other")
    await subscribe(session, mine)
    await subscribe(session, other)
    parked_for_other = await make_parked(session, other)  # pending for `mine`
    parked_for_mine = await make_parked(session, mine)  # pending for `other`

    only_mine = (await list_parked(client, auth_headers, subscriber=mine)).json()["items"]
    everyone = (await list_parked(client, auth_headers, limit=100)).json()["items"]

    assert [(i["event_id"], i["subscriber"]) for i in only_mine] == [
        (str(parked_for_mine["event_id"]), mine)
    ]
    ours = [(i["event_id"], i["subscriber"]) for i in everyone if i["subscriber"] in (mine, other)]
    assert ours == [
        (str(parked_for_other["event_id"]), other),
        (str(parked_for_mine["event_id"]), mine),
    ]


async def test_parked_list_pages_oldest_first_without_gaps(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    sub = _name()
    await subscribe(session, sub)
    made = [await make_parked(session, sub) for _ in range(5)]

    seen: list[str] = []
    sizes: list[int] = []
    params: dict[str, Any] = {"subscriber": sub, "limit": 2}
    for _ in range(10):
        r = await list_parked(client, auth_headers, **params)
        assert r.status_code == 200, r.text
        page = r.json()
        seen += [i["event_id"] for i in page["items"]]
        sizes.append(len(page["items"]))
        if page["next_cursor"] is None:
            break
        params["after"] = page["next_cursor"]

    assert sizes == [2, 2, 1]
    assert seen == [str(m["event_id"]) for m in made]


async def test_parked_list_pages_do_not_split_an_event_parked_for_two_subscribers(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    first, second = _name("a"), _name("b")
    await subscribe(session, first)
    await subscribe(session, second)
    # Make ours the only parked rows this transaction can see.
    await session.execute(text("DELETE FROM outbox_delivery WHERE status = 'parked'"))
    event = await make_parked(session, first, second)

    seen: list[tuple[str, str]] = []
    params: dict[str, Any] = {"limit": 1}
    for _ in range(10):
        page = (await list_parked(client, auth_headers, **params)).json()
        seen += [(i["event_id"], i["subscriber"]) for i in page["items"]]
        if page["next_cursor"] is None:
            break
        params["after"] = page["next_cursor"]

    eid = str(event["event_id"])
    assert sorted(seen) == sorted([(eid, first), (eid, second)])


@pytest.mark.parametrize("after", ["42", "not a cursor!", "WzEsMl0", "WyJ4IiwieSJd"])
async def test_parked_list_with_a_cursor_it_did_not_make_is_400_invalid_cursor(
    client: httpx.AsyncClient, auth_headers: Headers, after: str
) -> None:
    # "WzEsMl0" is [1,2] and "WyJ4IiwieSJd" is ["x","y"]: the right shape, the wrong types.
    r = await list_parked(client, auth_headers, after=after)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "invalid-cursor"


@pytest.mark.parametrize("limit", [0, 101])
async def test_parked_list_limit_outside_1_to_100_is_422(
    client: httpx.AsyncClient, auth_headers: Headers, limit: int
) -> None:
    r = await list_parked(client, auth_headers, limit=limit)
    assert r.status_code == 422
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "validation-error"


# ---------------------------------------------------------------------------------------------
# POST /internal/outbox/parked/{event_id}/replay and /parked/replay
# ---------------------------------------------------------------------------------------------


async def test_replaying_one_event_makes_it_pending_again_and_audits_the_reason(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    sub = _name()
    await subscribe(session, sub)
    parked = await make_parked(session, sub)
    untouched = await make_parked(session, sub)
    op = f"ops-{uuid.uuid4().hex[:6]}"

    r = await client.post(
        f"/internal/outbox/parked/{parked['event_id']}/replay",
        json={"reason": REASON},
        headers=auth_headers(OPERATOR, sub=op),
    )

    assert r.status_code == 200, r.text
    assert r.json() == {"replayed": 1}
    row = await _delivery(session, sub, parked["position"])
    assert (row.status, row.attempts, row.parked_at) == ("pending", 0, None)
    assert (await _delivery(session, sub, untouched["position"])).status == "parked"
    [entry] = await _replay_audit(session, parked["event_id"])
    assert entry.action == "outbox.replayed"
    assert entry.reason == REASON
    assert entry.actor == op
    assert entry.case_id == parked["case_id"]
    assert entry.after == {"subscribers": [sub]}
    assert await _replay_audit(session, untouched["event_id"]) == []


async def test_replaying_one_event_for_one_subscriber_leaves_the_other_parked(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    a, b = _name("a"), _name("b")
    await subscribe(session, a)
    await subscribe(session, b)
    parked = await make_parked(session, a, b)

    r = await client.post(
        f"/internal/outbox/parked/{parked['event_id']}/replay",
        json={"reason": REASON, "subscriber": b},
        headers=auth_headers(OPERATOR),
    )

    assert r.json() == {"replayed": 1}
    assert (await _delivery(session, a, parked["position"])).status == "parked"
    assert (await _delivery(session, b, parked["position"])).status == "pending"


async def test_replaying_an_event_that_is_not_parked_is_404_parked_event_not_found(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    sub = _name()
    await subscribe(session, sub)
    pending = await emit(session, referred(), case_id=uuid.uuid4(), actor="test")

    for event_id in (pending.id, uuid.uuid4()):
        r = await client.post(
            f"/internal/outbox/parked/{event_id}/replay",
            json={"reason": REASON},
            headers=auth_headers(OPERATOR),
        )
        assert r.status_code == 404
        assert r.headers["content-type"].startswith(PROBLEM_JSON)
        assert r.json()["type"] == PROBLEM_TYPE_BASE + "parked-event-not-found"
    assert await _replay_audit(session, pending.id) == []


async def test_replaying_all_parked_events_of_a_subscriber_returns_the_count(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    sub, other = _name(), _name("other")
    await subscribe(session, sub)
    await subscribe(session, other)
    made = [await make_parked(session, sub) for _ in range(3)]
    elsewhere = await make_parked(session, other)

    r = await client.post(
        "/internal/outbox/parked/replay",
        json={"reason": REASON, "subscriber": sub},
        headers=auth_headers(OPERATOR),
    )

    assert r.status_code == 200, r.text
    assert r.json() == {"replayed": 3}
    for m in made:
        assert (await _delivery(session, sub, m["position"])).status == "pending"
        assert len(await _replay_audit(session, m["event_id"])) == 1
    assert (await _delivery(session, other, elsewhere["position"])).status == "parked"
    again = await client.post(
        "/internal/outbox/parked/replay",
        json={"reason": REASON, "subscriber": sub},
        headers=auth_headers(OPERATOR),
    )
    assert again.json() == {"replayed": 0}


async def test_replaying_all_without_a_subscriber_replays_every_parked_delivery(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    a, b = _name("a"), _name("b")
    await subscribe(session, a)
    await subscribe(session, b)
    await session.execute(text("DELETE FROM outbox_delivery WHERE status = 'parked'"))
    one = await make_parked(session, a, b)
    two = await make_parked(session, b)

    r = await client.post(
        "/internal/outbox/parked/replay", json={"reason": REASON}, headers=auth_headers(OPERATOR)
    )

    assert r.json() == {"replayed": 3}
    for s, m in ((a, one), (b, one), (b, two)):
        assert (await _delivery(session, s, m["position"])).status == "pending"
    [entry] = await _replay_audit(session, one["event_id"])
    assert entry.after == {"subscribers": sorted([a, b])}


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": ""}, {"reason": "ok"}, {"reason": "x" * 2001}, {"reason": REASON, "x": 1}],
)
async def test_replay_without_a_proper_reason_is_422(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, body: dict[str, Any]
) -> None:
    sub = _name()
    await subscribe(session, sub)
    parked = await make_parked(session, sub)

    one = await client.post(
        f"/internal/outbox/parked/{parked['event_id']}/replay",
        json=body,
        headers=auth_headers(OPERATOR),
    )
    every = await client.post(
        "/internal/outbox/parked/replay", json=body, headers=auth_headers(OPERATOR)
    )

    for r in (one, every):
        assert r.status_code == 422
        assert r.json()["type"] == PROBLEM_TYPE_BASE + "validation-error"
    assert (await _delivery(session, sub, parked["position"])).status == "parked"


# ---------------------------------------------------------------------------------------------
# Who may operate the outbox, and who can see that it exists
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "intake_caseworker", "auditor", "integration"])
async def test_outbox_operations_are_403_for_other_roles(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, role: str
) -> None:
    sub = _name()
    await subscribe(session, sub)
    parked = await make_parked(session, sub)
    h = auth_headers(role)

    responses = [
        await client.get("/internal/outbox/parked", headers=h),
        await client.post(
            f"/internal/outbox/parked/{parked['event_id']}/replay",
            json={"reason": REASON},
            headers=h,
        ),
        await client.post("/internal/outbox/parked/replay", json={"reason": REASON}, headers=h),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert {r.json()["type"] for r in responses} == {PROBLEM_TYPE_BASE + "forbidden"}
    assert (await _delivery(session, sub, parked["position"])).status == "parked"


async def test_outbox_operations_without_a_token_are_401(client: httpx.AsyncClient) -> None:
    r = await client.get("/internal/outbox/parked")
    assert r.status_code == 401
    r = await client.post("/internal/outbox/parked/replay", json={"reason": REASON})
    assert r.status_code == 401


@pytest.mark.parametrize("role", ["operations_manager", "service"])
async def test_operations_manager_and_service_may_list_and_replay(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, role: str
) -> None:
    sub = _name()
    await subscribe(session, sub)
    parked = await make_parked(session, sub)

    listed = await list_parked(client, auth_headers, role=role, subscriber=sub)
    replayed = await client.post(
        f"/internal/outbox/parked/{parked['event_id']}/replay",
        json={"reason": REASON},
        headers=auth_headers(role),
    )

    assert listed.status_code == 200
    assert len(listed.json()["items"]) == 1
    assert replayed.status_code == 200
    assert replayed.json() == {"replayed": 1}


async def test_outbox_routes_are_absent_from_the_public_openapi(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/v1/cases" in paths
    assert not [p for p in paths if p.startswith("/internal")]


# ---------------------------------------------------------------------------------------------
# Readiness: the backlog's age
# ---------------------------------------------------------------------------------------------

LEADER_CHECK = "outbox:relayLeader"
OUTBOX_CHECK = "outbox:oldestPendingAge"


async def _only_our_pending(session: AsyncSession) -> str:
    """Subscribe a fresh subscriber and hide every other pending delivery from this transaction."""
    sub = _name()
    await subscribe(session, sub)
    await session.execute(text("DELETE FROM outbox_delivery WHERE status = 'pending'"))
    return sub


async def test_ready_warns_when_the_oldest_pending_event_is_older_than_the_limit(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    sub = await _only_our_pending(session)
    env = await emit(session, referred(), case_id=uuid.uuid4(), actor="test")
    await session.execute(
        text(
            "UPDATE outbox_delivery SET created_at = now() - interval '2 hours' "
            "WHERE subscriber = :s AND event_position = :p"
        ),
        {"s": sub, "p": await _position(session, env.id)},
    )

    r = await client.get("/health/ready")

    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "warn"
    [check] = body["checks"][OUTBOX_CHECK]
    assert check["status"] == "warn"
    assert check["observedValue"] == pytest.approx(7200, abs=5)
    assert check["observedUnit"] == "s"
    assert "60" in check["output"]
    [db] = body["checks"]["postgresql:responseTime"]
    assert db["status"] == "pass"


async def test_ready_passes_with_a_fresh_pending_event(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _only_our_pending(session)
    await emit(session, referred(), case_id=uuid.uuid4(), actor="test")

    r = await client.get("/health/ready")

    assert r.status_code == 200
    assert r.json()["status"] == "pass"
    [check] = r.json()["checks"][OUTBOX_CHECK]
    assert check["status"] == "pass"


async def test_ready_passes_with_nothing_pending_even_if_something_is_parked(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    sub = await _only_our_pending(session)
    await make_parked(session, sub)
    await session.execute(
        text("UPDATE outbox_delivery SET created_at = now() - interval '2 hours'")
    )

    r = await client.get("/health/ready")

    assert r.status_code == 200
    assert r.json()["status"] == "pass"
    [check] = r.json()["checks"][OUTBOX_CHECK]
    assert (check["status"], check["observedValue"]) == ("pass", 0)


async def test_a_parked_list_of_exactly_limit_entries_has_no_next_cursor(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    sub = _name()
    await subscribe(session, sub)
    made = [await make_parked(session, sub) for _ in range(4)]

    exact = (await list_parked(client, auth_headers, subscriber=sub, limit=4)).json()
    first = (await list_parked(client, auth_headers, subscriber=sub, limit=2)).json()
    last = (
        await list_parked(client, auth_headers, subscriber=sub, limit=2, after=first["next_cursor"])
    ).json()

    assert [i["event_id"] for i in exact["items"]] == [str(m["event_id"]) for m in made]
    assert exact["next_cursor"] is None
    assert len(last["items"]) == 2
    assert last["next_cursor"] is None  # no empty page after a full last one


async def test_ready_warns_when_no_relay_leads_while_events_wait__issue_15_18(
    client: httpx.AsyncClient, session: AsyncSession, engine: AsyncEngine
) -> None:
    sub = await _only_our_pending(session)
    env = await emit(session, referred(), case_id=uuid.uuid4(), actor="test")
    # 30 s: past the leaderless limit (15 s) but not the age warning's (60 s).
    await session.execute(
        text(
            "UPDATE outbox_delivery SET created_at = now() - interval '30 seconds' "
            "WHERE subscriber = :s AND event_position = :p"
        ),
        {"s": sub, "p": await _position(session, env.id)},
    )

    leaderless = (await client.get("/health/ready")).json()
    async with engine.connect() as relay:  # a relay elsewhere takes the leadership
        key = relay_lock_key("intake-api")
        assert await relay.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
        try:
            led = (await client.get("/health/ready")).json()
        finally:
            await relay.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})

    assert leaderless["status"] == "warn"
    [check] = leaderless["checks"][LEADER_CHECK]
    assert check["status"] == "warn"
    assert check["output"] == "no relay is active and events have waited more than 15 s"
    assert check["observedValue"] == pytest.approx(30, abs=5)
    assert leaderless["checks"][OUTBOX_CHECK][0]["status"] == "pass"
    assert led["status"] == "pass"
    assert led["checks"][LEADER_CHECK][0]["status"] == "pass"


async def test_ready_passes_without_a_leader_while_nothing_has_waited_long(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    # Between two leaders (a failover takes about a second) nothing is wrong yet.
    await _only_our_pending(session)
    await emit(session, referred(), case_id=uuid.uuid4(), actor="test")

    body = (await client.get("/health/ready")).json()

    assert body["status"] == "pass"
    assert body["checks"][LEADER_CHECK][0]["status"] == "pass"

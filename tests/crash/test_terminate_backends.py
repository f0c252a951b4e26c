"""Issue #15 item 18: every database connection of both services cut, again and again, under
load, and delivery resumes each time without a restart.

intake-api (its relay in process, as deployed by default) and assessment-api run under uvicorn
on a private PostgreSQL. Caseworkers keep taking cases from intake to the allocation queue over
HTTP; meanwhile every backend of the two service databases is terminated, ten times. After
each cut an event committed after it must reach assessment; at the end every referral must have
been delivered exactly once, nothing waits or is parked, intake is the same process it was, its
relay leads and its readiness passes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from casework_dev.intake_steps import Api
from casework_dev.procs import (
    PrivatePostgres,
    ServiceProcess,
    free_port,
    prepare_databases,
    service_env,
)
from casework_dev.walkthrough import health_case_to_hand_off
from shared.auth import mint_dev_token
from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES
from shared.outbox.runtime import plain_dsn

pytestmark = [pytest.mark.slow, pytest.mark.crash]

CUTS = 10
CASEWORKERS = 3
MAX_CASES = 400  # the load is bounded: it stops after the last cut, or at this many cases
RESUME_WITHIN_S = 20.0


@dataclass
class Flow:
    intake: ServiceProcess
    assessment: ServiceProcess
    intake_dsn: str
    assessment_dsn: str
    admin_dsn: str
    keys_dir: Path

    def headers(self, *roles: str) -> dict[str, str]:
        token = mint_dev_token(
            keys_dir=self.keys_dir, issuer=DEV_ISSUER, audience=DEV_TOKEN_AUDIENCES,
            sub=f"cut-{'-'.join(roles)}-{uuid.uuid4().hex[:6]}", roles=list(roles),
        )  # fmt: skip
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def flow(cluster: PrivatePostgres, tmp_path: Path, dev_keys_dir: Path) -> Iterator[Flow]:
    prefix = f"cut_{uuid.uuid4().hex[:6]}"
    urls = prepare_databases(cluster.url, prefix, ("intake", "assessment"))
    a_port, i_port = free_port(), free_port()
    subscribers = {
        "assessment-api": {
            "url": f"http://127.0.0.1:{a_port}/internal/events",
            "audience": "assessment-api",
            "event_types": ["intake.case.referred"],
        }
    }
    intake_env = service_env(
        "intake", urls["intake"], keys_dir=dev_keys_dir, subscribers=subscribers,
        extra={"INTAKE_RELAY_POLL_INTERVAL_S": "0.2", "INTAKE_OUTBOX_LEADERLESS_WARN_S": "5",
               "INTAKE_RATE_LIMIT_PER_MINUTE": "100000", "INTAKE_RATE_LIMIT_BURST": "100000"},
    )  # fmt: skip
    assessment_env = service_env("assessment", urls["assessment"], keys_dir=dev_keys_dir)
    f = Flow(
        intake=ServiceProcess("intake", intake_env, port=i_port, log_path=tmp_path / "intake.log"),
        assessment=ServiceProcess(
            "assessment", assessment_env, port=a_port, log_path=tmp_path / "assessment.log"
        ),
        intake_dsn=plain_dsn(urls["intake"]),
        assessment_dsn=plain_dsn(urls["assessment"]),
        admin_dsn=plain_dsn(cluster.url),
        keys_dir=dev_keys_dir,
    )
    try:
        f.assessment.start()
        f.intake.start()
        # Generous: on a busy machine (CI shares its cores) a start can take a while.
        f.assessment.wait_ready(timeout=180)
        f.intake.wait_ready(timeout=180)
        yield f
    finally:
        for p in (f.intake, f.assessment):
            p.kill()


async def _fetchval(dsn: str, sql: str, *args: object) -> Any:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def _cut_every_connection(flow: Flow) -> tuple[datetime, int]:
    """Terminate every backend of the two service databases; returns when and how many."""
    databases = [urlsplit(dsn).path.lstrip("/") for dsn in (flow.intake_dsn, flow.assessment_dsn)]
    conn = await asyncpg.connect(flow.admin_dsn, timeout=5)
    try:
        row = await conn.fetchrow(
            "SELECT now() AS at, count(pg_terminate_backend(pid)) AS cut FROM pg_stat_activity "
            "WHERE datname = ANY($1::text[]) AND pid <> pg_backend_pid()",
            databases,
        )
    finally:
        await conn.close()
    assert row is not None
    return row["at"], int(row["cut"])


# A referral committed after ``$1`` whose delivery row is gone: the subscriber acknowledged it,
# so a relay that started (or reconnected) after the cut delivered it.
_DELIVERED_SINCE = """
SELECT count(*) FROM outbox_event e
WHERE e.type = 'intake.case.referred' AND e.created_at > $1
  AND NOT EXISTS (SELECT 1 FROM outbox_delivery d WHERE d.event_position = e.position)
"""


async def _wait_delivered_since(flow: Flow, at: datetime, cut: int) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        try:
            if await _fetchval(flow.intake_dsn, _DELIVERED_SINCE, at) > 0:
                return loop.time() - started
        except (OSError, asyncpg.PostgresError):
            pass
        assert loop.time() - started < RESUME_WITHIN_S, f"delivery did not resume after cut {cut}"
        await asyncio.sleep(0.2)


async def _metric(base_url: str, name: str) -> float | None:
    async with httpx.AsyncClient(timeout=5) as http:
        exposition = (await http.get(f"{base_url}/metrics")).text
    for line in exposition.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    return None


async def test_delivery_resumes_after_every_connection_is_cut_again_and_again__issue_15_18(
    flow: Flow,
) -> None:
    intake_pid = flow.intake.proc.pid if flow.intake.proc else None
    cuts_done = asyncio.Event()
    started_cases: list[int] = []
    referred: list[str] = []
    abandoned: list[str] = []

    async def caseworker() -> None:
        async with httpx.AsyncClient(base_url=flow.intake.base_url, timeout=10) as http:
            api = Api(http, flow.headers("intake_caseworker"))
            while not cuts_done.is_set() and len(started_cases) < MAX_CASES:
                started_cases.append(1)
                try:
                    case = await health_case_to_hand_off(
                        api, received_date=date.today().isoformat()
                    )
                    referred.append(str(case["id"]))
                except (AssertionError, httpx.HTTPError) as exc:  # a step cut off mid-way
                    abandoned.append(type(exc).__name__)
                    await asyncio.sleep(0.1)

    workers = [asyncio.create_task(caseworker()) for _ in range(CASEWORKERS)]
    resumed_after: list[float] = []
    try:
        await asyncio.sleep(2)  # the load gets going
        for cut in range(1, CUTS + 1):
            at, n = await _cut_every_connection(flow)
            assert n > 0, "the services held no connection to cut"
            resumed_after.append(await _wait_delivered_since(flow, at, cut))
            await asyncio.sleep(0.5)
    finally:
        cuts_done.set()
        await asyncio.gather(*workers, return_exceptions=True)

    # Everything drains, with no restart of anything.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while await _fetchval(flow.intake_dsn, "SELECT count(*) FROM outbox_delivery") != 0:
        assert loop.time() < deadline, "the backlog did not drain"
        await asyncio.sleep(0.25)

    events = await _referral_events(flow.intake_dsn)
    inbox = await _inbox(flow.assessment_dsn, [e for e, _ in events])
    assert len(referred) >= CUTS, f"too little load: {len(referred)} referrals"
    assert len(events) >= len(referred)  # a refer cut off after its commit still counts
    assert {str(c) for _, c in events} >= set(referred)
    assert [e for e, _ in events if inbox.get(e) != 1] == [], "each referral delivered once"
    assert flow.intake.alive
    assert flow.assessment.alive
    assert flow.intake.proc is not None
    assert flow.intake.proc.pid == intake_pid, "intake was never restarted"
    assert await _metric(flow.intake.base_url, "outbox_relay_leader") == 1.0, "the relay leads"
    async with httpx.AsyncClient(timeout=5) as http:
        ready = (await http.get(f"{flow.intake.base_url}/health/ready")).json()
    assert ready["status"] == "pass", ready
    assert max(resumed_after) < RESUME_WITHIN_S
    print(  # noqa: T201 - the figures, for the run's log
        f"\n{CUTS} cuts; {len(referred)} cases referred ({len(abandoned)} cut off mid-way); "
        f"{len(events)} events delivered; delivery resumed within "
        f"{max(resumed_after):.1f} s at most (median {sorted(resumed_after)[CUTS // 2]:.1f} s)"
    )


async def _referral_events(dsn: str) -> list[tuple[uuid.UUID, uuid.UUID]]:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        rows = await conn.fetch(
            "SELECT id, case_id FROM outbox_event WHERE type = 'intake.case.referred'"
        )
    finally:
        await conn.close()
    return [(r["id"], r["case_id"]) for r in rows]


async def _inbox(dsn: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        rows = await conn.fetch(
            "SELECT i.event_id, count(*) AS n FROM inbox_event i "
            "JOIN allocation_queue_entry q ON q.source_event_id = i.event_id "
            "WHERE i.event_id = ANY($1::uuid[]) AND i.handler = 'allocations.queue_referred_case' "
            "GROUP BY i.event_id",
            ids,
        )
    finally:
        await conn.close()
    return {r["event_id"]: int(r["n"]) for r in rows}

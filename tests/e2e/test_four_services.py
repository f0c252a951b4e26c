"""All four services as real uvicorn processes on a private PostgreSQL: a referral crosses over.

intake-api runs its relay in process (the default) and delivers ``intake.case.referred`` to
assessment-api over real HTTP; everything the test does goes over real sockets too.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from casework_dev.procs import (
    SERVICES,
    PrivatePostgres,
    ServiceProcess,
    free_port,
    prepare_databases,
    service_env,
)
from shared.auth import mint_dev_token
from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES
from shared.db import create_engine
from tests.intake.api import Api, ready_case

pytestmark = pytest.mark.slow

LONDON = ZoneInfo("Europe/London")


@dataclass
class FourServices:
    procs: dict[str, ServiceProcess]
    db_urls: dict[str, str]
    keys_dir: Path

    def url(self, service: str) -> str:
        return self.procs[service].base_url

    def token(self, *roles: str) -> dict[str, str]:
        token = mint_dev_token(
            keys_dir=self.keys_dir,
            issuer=DEV_ISSUER,
            audience=DEV_TOKEN_AUDIENCES,
            sub=f"e2e-{'-'.join(roles)}-{uuid.uuid4().hex[:6]}",
            roles=list(roles),
        )
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FourServices]:
    root = tmp_path_factory.mktemp("four-services")
    keys_dir = root / "keys"
    # Not under pytest's base temp: PostgreSQL runs as another user, and every pytest session
    # that starts on this machine resets that base directory to mode 0700.
    pg_dir = Path(tempfile.mkdtemp(prefix="casework-e2e-"))
    pg = PrivatePostgres(pg_dir / "pg")
    procs: dict[str, ServiceProcess] = {}
    try:
        pg.start()
        urls = prepare_databases(pg.url, "e2e", SERVICES)
        ports = {s: free_port() for s in SERVICES}
        subscribers = {
            "assessment-api": {
                "url": f"http://127.0.0.1:{ports['assessment']}/internal/events",
                "audience": "assessment-api",
                "event_types": ["intake.case.referred"],
            }
        }
        # Intake's register projects where assessment has the case (DESIGN §1).
        register = {
            "intake-api": {
                "url": f"http://127.0.0.1:{ports['intake']}/internal/events",
                "audience": "intake-api",
                "event_types": [
                    "assessment.case.status_changed", "assessment.case.closed",
                    "assessment.proposal.issued",
                ],
            }
        }  # fmt: skip
        for s in SERVICES:
            subs = {"intake": subscribers, "assessment": register}.get(s)
            env = service_env(s, urls[s], keys_dir=keys_dir, subscribers=subs)
            procs[s] = ServiceProcess(s, env, port=ports[s], log_path=root / f"{s}.log")
        for p in procs.values():
            p.start()
        for s, p in procs.items():
            try:
                p.wait_ready()
            except (RuntimeError, TimeoutError) as exc:
                log = (root / f"{s}.log").read_text(errors="replace")[-4000:]
                raise AssertionError(f"{s}-api did not start: {exc}\n{log}") from exc
        yield FourServices(procs, urls, keys_dir)
    finally:
        for p in procs.values():
            p.stop()
        pg.cleanup()
        shutil.rmtree(pg_dir, ignore_errors=True)


async def test_every_service_is_ready(stack: FourServices) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        for service in SERVICES:
            r = await http.get(f"{stack.url(service)}/health/ready")
            assert r.status_code == 200, (service, r.text)
            body = r.json()
            assert body["status"] == "pass", (service, body)
            assert body["serviceId"] == f"{service}-api"
            assert {c[0]["status"] for c in body["checks"].values()} == {"pass"}


async def test_a_referred_case_reaches_the_allocation_queue_over_http__ASM_085(
    stack: FourServices,
) -> None:
    ic = stack.token("intake_caseworker")
    request_id = f"e2e-refer-{uuid.uuid4().hex[:12]}"
    today = datetime.now(LONDON).date().isoformat()

    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=10) as intake:
        ready = await ready_case(
            Api(intake, ic), received_date=today, at=datetime.now(UTC),
            category="complex & significant",
        )  # fmt: skip
        # INT-025: special handling, asked for by the caseworker and approved by a manager.
        await Api(intake, ic).call(
            "POST", f"/v1/cases/{ready.id}/priority-request", json={"reason": "Terminal illness"}
        )
        approved = await Api(intake, stack.token("operations_manager")).call(
            "POST",
            f"/v1/cases/{ready.id}/priority-decision",
            json={"approve": True, "reason": "Exceptional circumstances"},
        )
        referred = await intake.post(
            ready.refer,
            json={"reason": "Ready for allocation"},
            headers={**ic, "X-Request-ID": request_id, "If-Match": f'"{approved["version"]}"'},
        )
        assert referred.status_code == 200, referred.text
        assert referred.headers["x-request-id"] == request_id
    case = referred.json()
    assert case["status"] == "referred"

    async with httpx.AsyncClient(timeout=10) as http:
        entry = await _wait_for_queue_entry(
            http, stack.url("assessment"), stack.token("caseworker"), case["reference"], within=10
        )

    assert entry["case_id"] == case["id"]
    assert entry["reference"] == case["reference"]
    assert entry["jurisdiction"] == "health"
    assert entry["route"] == "awaiting_allocation"
    assert entry["triage_category"] == "complex & significant"
    assert entry["priority"] == "high"
    assert entry["organisation_ids"] == [o["id"] for o in ready.organisations]
    assert entry["received_date"] == today
    assert datetime.fromisoformat(entry["referred_at"]) == datetime.fromisoformat(
        case["referred_at"]
    )

    # Intake's register shows where the case is now: at assessment, awaiting allocation, with
    # the link to ask assessment (its status_changed event, delivered back to intake).
    async with httpx.AsyncClient(timeout=10) as http:
        now_at = await _wait_for_register(
            http, stack.url("intake"), stack.token("intake_caseworker"), case["id"], within=10
        )
    assert (now_at["service"], now_at["status"]) == ("assessment-api", "awaiting_allocation")
    assert now_at["href"].endswith(f"/v1/cases/{case['id']}")

    # The X-Request-ID of the refer request travels with the event as its correlation id.
    engine = create_engine(stack.db_urls["intake"], application_name="e2e-check", pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT type, sequence, correlation_id FROM outbox_event "
                        "WHERE case_id = :id AND type <> 'intake.case.created' ORDER BY sequence"
                    ),
                    {"id": uuid.UUID(case["id"])},
                )
            ).all()
        # Sequence 1 is the case's intake.case.created.
        assert [tuple(r) for r in rows] == [("intake.case.referred", 2, request_id)]
        # Acknowledged deliveries are deleted (just after the consumer commits, hence the wait).
        deadline = asyncio.get_running_loop().time() + 5
        while await _count(engine, "SELECT count(*) FROM outbox_delivery"):
            assert asyncio.get_running_loop().time() < deadline, "delivery never acknowledged"
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()


async def _count(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text(sql)) or 0)


async def _wait_for_queue_entry(
    http: httpx.AsyncClient, base: str, headers: dict[str, str], reference: str, *, within: float
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        r = await http.get(f"{base}/v1/allocation-queue", params={"limit": 100}, headers=headers)
        assert r.status_code == 200, r.text
        for item in r.json()["items"]:
            if item["reference"] == reference:
                found: dict[str, Any] = item
                return found
        if loop.time() > deadline:
            raise AssertionError(f"{reference} did not reach the allocation queue in {within}s")
        await asyncio.sleep(0.1)


async def _wait_for_register(
    http: httpx.AsyncClient, base: str, headers: dict[str, str], case_id: str, *, within: float
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        r = await http.get(f"{base}/v1/cases/{case_id}", headers=headers)
        assert r.status_code == 200, r.text
        now_at: dict[str, Any] = r.json()["now_at"]
        if now_at["service"] == "assessment-api":
            return now_at
        if loop.time() > deadline:
            raise AssertionError(f"intake's register did not show {case_id} at assessment")
        await asyncio.sleep(0.1)

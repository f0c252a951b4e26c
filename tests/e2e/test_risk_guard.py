"""The risk guard proved across real processes (issue #11 "Done when", XC-RSK-001, ASM-137,
ASM-177): assessment-api's decline and proposal are refused without a risk assessment at
compliance-api, allowed with one recorded through compliance-api's HTTP API, and answer 503
with Retry-After once compliance-api is stopped.

assessment-api and compliance-api run under uvicorn on free ports of a private PostgreSQL; the
cases reach assessment as intake's relay sends them (an ``intake.case.referred`` event POSTed to
``/internal/events`` with intake's service token), and are then put at further consideration in
assessment's database (allocation is another module's).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from assessment_api.cases.models import Case
from casework_dev.procs import (
    PrivatePostgres,
    ServiceProcess,
    free_port,
    prepare_databases,
    service_env,
)
from shared.auth import mint_dev_token
from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES
from shared.db import create_engine
from tests.assessment.cases.builders import make_ready_to_decide
from tests.assessment.intake_peer import STAND_IN_COMPLAINANT

pytestmark = pytest.mark.slow

CW = "e2e-risk-cw"
DECLINE_REASON: dict[str, Any] = {
    "closure_code": "premature", "discretion": "specific", "other_reason": None,
}  # fmt: skip
SERVICES = ("assessment", "compliance")


@dataclass
class Stack:
    procs: dict[str, ServiceProcess]
    db_urls: dict[str, str]
    keys_dir: Path

    def url(self, service: str) -> str:
        return self.procs[service].base_url

    def headers(self, *roles: str, sub: str | None = None) -> dict[str, str]:
        token = mint_dev_token(
            keys_dir=self.keys_dir, issuer=DEV_ISSUER, audience=DEV_TOKEN_AUDIENCES,
            sub=sub or f"e2e-{'-'.join(roles)}-{uuid.uuid4().hex[:6]}", roles=list(roles),
        )  # fmt: skip
        return {"Authorization": f"Bearer {token}"}


# The stand-in's complainant, whom the suitability builder makes the aggrieved complaining
# personally, so intake's roles agree with the assessment (ASM-113).
COMPLAINANT = STAND_IN_COMPLAINANT


def _intake_parties(request: Request) -> JSONResponse:
    """intake-api's ``GET /v1/cases/{id}/parties`` as a decision reads it: one complainant."""
    return JSONResponse([
        {"id": str(uuid.uuid4()), "person_id": str(COMPLAINANT), "role": "complainant",
         "authority_to_receive_info": False, "description": None}
    ])  # fmt: skip


@contextmanager
def _intake_stand_in(port: int) -> Iterator[None]:
    """A stand-in for intake-api's parties read, served over HTTP on ``port``: a decision not to
    investigate is issued to intake's parties (ASM-173), and this test's subject is the risk
    guard, not intake (tests/e2e/test_assessment_path.py runs the real intake-api)."""
    app = Starlette(routes=[Route("/v1/cases/{case_id}/parties", _intake_parties)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            assert time.monotonic() < deadline, "the intake stand-in did not start"
            time.sleep(0.05)
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("risk-guard")
    keys_dir = root / "keys"
    pg_dir = Path(tempfile.mkdtemp(prefix="casework-e2e-risk-"))
    pg = PrivatePostgres(pg_dir / "pg")
    procs: dict[str, ServiceProcess] = {}
    intake_port = free_port()
    stand_in = _intake_stand_in(intake_port)
    stand_in.__enter__()
    try:
        pg.start()
        urls = prepare_databases(pg.url, "e2erisk", SERVICES)
        ports = {s: free_port() for s in SERVICES}
        envs = {
            "assessment": service_env(
                "assessment", urls["assessment"], keys_dir=keys_dir,
                subscribers={},  # no intake here: its register is tested in test_four_services
                extra={
                    "ASSESSMENT_COMPLIANCE_URL": f"http://127.0.0.1:{ports['compliance']}",
                    "ASSESSMENT_INTAKE_URL": f"http://127.0.0.1:{intake_port}",
                },
            ),
            "compliance": service_env(
                "compliance", urls["compliance"], keys_dir=keys_dir,
                subscribers={
                    "assessment-api": {
                        "url": f"http://127.0.0.1:{ports['assessment']}/internal/events",
                        "audience": "assessment-api",
                        "event_types": [
                            "compliance.risk.assessed", "compliance.risk.rating_changed",
                        ],
                    }
                },
            ),
        }  # fmt: skip
        for s in SERVICES:
            procs[s] = ServiceProcess(s, envs[s], port=ports[s], log_path=root / f"{s}.log")
            procs[s].start()
        for s, p in procs.items():
            try:
                p.wait_ready()
            except (RuntimeError, TimeoutError) as exc:
                log = (root / f"{s}.log").read_text(errors="replace")[-4000:]
                raise AssertionError(f"{s}-api did not start: {exc}\n{log}") from exc
        yield Stack(procs, urls, keys_dir)
    finally:
        for p in procs.values():
            p.stop()
        stand_in.__exit__(None, None, None)
        pg.cleanup()
        shutil.rmtree(pg_dir, ignore_errors=True)


async def _case_at_further_consideration(
    stack: Stack, http: httpx.AsyncClient, what: str
) -> uuid.UUID:
    """A case referred by intake (its event, as the relay sends it) about one organisation,
    held by ``CW``, with what every decision gate needs for ``what`` (``make_ready_to_decide``:
    suitability, the Decision Form, contact, the components on that organisation, advice, the
    proposal plan, the approval) written in assessment's database: this test's subject is the
    risk guard."""
    case_id = uuid.uuid4()
    event = {
        "id": str(uuid.uuid4()), "type": "intake.case.referred", "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(), "source": "intake-api",
        "case_id": str(case_id), "sequence": 1, "correlation_id": None, "actor": "ic-e2e",
        "payload": {
            "reference": f"CAS-{case_id.hex[:7].upper()}", "case_type": "complaint",
            "jurisdiction": "health", "route": "awaiting_allocation",
            "triage_category": "general", "priority": "standard",
            "organisation_ids": [str(uuid.uuid4())],  # the trust complained about
            "received_date": "2026-10-01", "risk_assessment_required": True,
        },
    }  # fmt: skip
    r = await http.post(
        f"{stack.url('assessment')}/internal/events",
        json={"events": [event]},
        headers=stack.headers("service", sub="intake-api"),
    )
    assert r.status_code == 200, r.text
    engine = create_engine(stack.db_urls["assessment"], application_name="e2e-seed", pool_size=1)
    try:
        async with engine.begin() as conn:
            moved = await conn.execute(
                text(
                    "UPDATE assessment_case SET status = 'further_consideration', owner = :cw "
                    "WHERE id = :id"
                ),
                {"cw": CW, "id": case_id},
            )
            assert moved.rowcount == 1
        async with AsyncSession(engine, expire_on_commit=False) as session:
            case = await session.get(Case, case_id)
            assert case is not None
            await make_ready_to_decide(
                session, case, proposing=what == "proposal", **DECLINE_REASON
            )
            await session.commit()
    finally:
        await engine.dispose()
    return case_id


async def _decide(
    stack: Stack, http: httpx.AsyncClient, case_id: uuid.UUID, what: str
) -> httpx.Response:
    body: dict[str, Any] = (
        {**DECLINE_REASON, "rationale": "Local resolution is still under way and the trust has "
         "offered a meeting."}
        if what == "decline"
        else {"rationale": "Indications of service failure and an unremedied injustice."}
    )  # fmt: skip
    return await http.post(
        f"{stack.url('assessment')}/v1/cases/{case_id}/{what}",
        json=body,
        headers=stack.headers("caseworker", sub=CW),
    )


async def _assess(
    stack: Stack, http: httpx.AsyncClient, case_id: uuid.UUID, trigger: str
) -> dict[str, Any]:
    r = await http.post(
        f"{stack.url('compliance')}/v1/risk/cases/{case_id}/assessments",
        json={
            "trigger": trigger, "conflicts_of_interest_considered": True, "organisation_ids": [],
            "risks": [], "low_rationale": "No indication at this stage that a risk is present",
        },
        headers=stack.headers("caseworker", sub=CW),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


@pytest.mark.parametrize(("what", "trigger"), [("decline", "decline"), ("proposal", "propose")])
async def test_refused_without_then_allowed_with_an_assessment__XC_RSK_001_ASM_137_ASM_177(
    stack: Stack, what: str, trigger: str
) -> None:
    async with httpx.AsyncClient(timeout=15) as http:
        case_id = await _case_at_further_consideration(stack, http, what)

        refused = await _decide(stack, http, case_id, what)
        assert refused.status_code == 409, refused.text
        problem = refused.json()
        assert problem["type"].endswith("/risk-assessment-required")
        assert (problem["case_id"], problem["trigger"]) == (str(case_id), trigger)
        create = problem["create_assessment"]["href"]
        assert create == f"{stack.url('compliance')}/v1/risk/cases/{case_id}/assessments"
        assert refused.headers["link"].startswith(f"<{create}>")

        assessment = await _assess(stack, http, case_id, trigger)

        allowed = await _decide(stack, http, case_id, what)
        assert allowed.status_code == 200, allowed.text
        got = allowed.json()
        expected = "closed" if what == "decline" else "proposed_to_investigate"
        assert got["status"] == expected
        decision = got["decline"] if what == "decline" else got["proposal"]
        assert decision["risk_assessment_id"] == assessment["id"]

        # compliance-api's relay delivered the assessment's rating to assessment-api (CMP-101).
        deadline = asyncio.get_running_loop().time() + 15
        while True:
            read = await http.get(
                f"{stack.url('assessment')}/v1/cases/{case_id}",
                headers=stack.headers("caseworker"),
            )
            if read.json()["risk_assessment_id"] == assessment["id"]:
                assert read.json()["risk_rating"] == "low"
                break
            assert asyncio.get_running_loop().time() < deadline, "rating never arrived"
            await asyncio.sleep(0.1)


async def test_with_compliance_stopped_a_decision_is_503_with_retry_after__XC_RSK_001(
    stack: Stack,
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        decline_case = await _case_at_further_consideration(stack, http, "decline")
        propose_case = await _case_at_further_consideration(stack, http, "proposal")
        await _assess(stack, http, decline_case, "decline")
        await _assess(stack, http, propose_case, "propose")
        stack.procs["compliance"].stop()
        try:
            for case_id, what in ((decline_case, "decline"), (propose_case, "proposal")):
                r = await _decide(stack, http, case_id, what)
                assert r.status_code == 503, r.text
                assert int(r.headers["retry-after"]) > 0
                assert r.json()["type"].endswith("/risk-service-unavailable")
                read = await http.get(
                    f"{stack.url('assessment')}/v1/cases/{case_id}",
                    headers=stack.headers("caseworker"),
                )
                assert read.json()["status"] == "further_consideration"  # never let through
        finally:
            stack.procs["compliance"].start()
            stack.procs["compliance"].wait_ready()

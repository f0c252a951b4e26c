"""The risk guard's client (``shared.casework.risk_guard``, XC-RSK-001, CMP-104) against a real
compliance-api app: in process over ASGI, on this test's database, with a real service token.

Qualifying gives a clearance naming the assessment; no qualifying assessment (another trigger,
conflicts of interest not considered, outside the window) is a 409 naming the case and trigger
with a link to record it; compliance-api answering 5xx, unreachable or silent is a 503 with
Retry-After. Nothing is ever silently allowed.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from shared.casework.risk_guard import (
    CREATE_RELATION,
    GuardTrigger,
    RiskAssessmentRequired,
    RiskServiceUnavailable,
    require_risk_assessment,
)
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.config import DEV_ISSUER
from shared.db import Database, create_engine
from tests.compliance.risk.builders import make_assessment
from tests.helpers import NOW

BASE = "http://compliance.test"


def _tokens(keys: Path) -> DevServiceTokenProvider:
    return DevServiceTokenProvider(keys_dir=keys, issuer=DEV_ISSUER, subject="assessment-api")


@pytest.fixture
async def guard_client(app: FastAPI, dev_keys_dir: Path) -> AsyncIterator[ServiceClient]:
    """assessment-api's view of compliance-api: a service-token client over ASGI."""
    client = ServiceClient(
        base_url=BASE,
        audience="compliance-api",
        tokens=_tokens(dev_keys_dir),
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
    )
    yield client
    await client.aclose()


async def test_a_qualifying_assessment_gives_a_clearance__XC_RSK_001(
    guard_client: ServiceClient, session: AsyncSession, case_id: uuid.UUID
) -> None:
    a = await make_assessment(session, case_id=case_id, trigger="decline")
    clearance = await require_risk_assessment(
        guard_client, case_id=case_id, trigger=GuardTrigger.decline, at=NOW
    )
    assert (clearance.case_id, clearance.trigger) == (case_id, GuardTrigger.decline)
    assert (clearance.assessment_id, clearance.recorded_at) == (a.id, a.recorded_at)
    assert clearance.checked_at == NOW


def _assert_required(exc: RiskAssessmentRequired, case_id: uuid.UUID, trigger: str) -> None:
    href = f"{BASE}/v1/risk/cases/{case_id}/assessments"
    assert exc.status == 409
    assert exc.type == "risk-assessment-required"
    assert exc.extensions["requirement"] == "XC-RSK-001"
    assert exc.extensions["case_id"] == str(case_id)
    assert exc.extensions["trigger"] == trigger
    assert exc.extensions["create_assessment"] == {"href": href, "method": "POST"}
    assert exc.headers["Link"] == f'<{href}>; rel="{CREATE_RELATION}"'
    assert trigger in exc.detail
    assert str(case_id) in exc.detail


async def test_no_assessment_at_all_is_a_409_with_a_link__XC_RSK_001(
    guard_client: ServiceClient, case_id: uuid.UUID
) -> None:
    with pytest.raises(RiskAssessmentRequired) as caught:
        await require_risk_assessment(
            guard_client, case_id=case_id, trigger=GuardTrigger.propose, at=NOW
        )
    _assert_required(caught.value, case_id, "propose")
    assert caught.value.extensions["window_days"] == 0


async def test_an_assessment_for_another_trigger_does_not_qualify__XC_RSK_001_ASM_177(
    guard_client: ServiceClient, session: AsyncSession, case_id: uuid.UUID
) -> None:
    # ASM-177: declining and proposing each need their own assessment.
    await make_assessment(session, case_id=case_id, trigger="decline")
    with pytest.raises(RiskAssessmentRequired) as caught:
        await require_risk_assessment(
            guard_client, case_id=case_id, trigger=GuardTrigger.propose, at=NOW
        )
    _assert_required(caught.value, case_id, "propose")


async def test_conflicts_of_interest_not_considered_does_not_qualify__XC_RSK_001_ASM_137(
    guard_client: ServiceClient, session: AsyncSession, case_id: uuid.UUID
) -> None:
    # ASM-137 / ¶2.329: the assessment must include conflicts of interest.
    await make_assessment(session, case_id=case_id, trigger="decline", conflicts=False)
    with pytest.raises(RiskAssessmentRequired) as caught:
        await require_risk_assessment(
            guard_client, case_id=case_id, trigger=GuardTrigger.decline, at=NOW
        )
    _assert_required(caught.value, case_id, "decline")


@pytest.mark.parametrize(("window", "qualifies"), [(0, False), (1, True)])
async def test_an_assessment_outside_the_window_does_not_qualify__CMP_104(
    guard_client: ServiceClient,
    app: FastAPI,
    session: AsyncSession,
    case_id: uuid.UUID,
    window: int,
    qualifies: bool,
) -> None:
    # CMP-104: "dated in the preceding N days (N configurable, default the same day)".
    app.state.settings = app.state.settings.model_copy(
        update={"risk_assessment_window_days": window}
    )
    await make_assessment(
        session, case_id=case_id, trigger="decline", recorded_at=NOW - timedelta(days=1)
    )
    if qualifies:
        await require_risk_assessment(
            guard_client, case_id=case_id, trigger=GuardTrigger.decline, at=NOW
        )
        return
    with pytest.raises(RiskAssessmentRequired) as caught:
        await require_risk_assessment(
            guard_client, case_id=case_id, trigger=GuardTrigger.decline, at=NOW
        )
    assert caught.value.extensions["window_days"] == 0


def _assert_unavailable(exc: RiskServiceUnavailable) -> None:
    assert exc.status == 503
    assert exc.type == "risk-service-unavailable"
    assert int(exc.headers["Retry-After"]) > 0
    assert exc.extensions["requirement"] == "XC-RSK-001"


async def test_compliance_answering_5xx_is_a_503_with_retry_after__XC_RSK_001(
    app: FastAPI, dev_keys_dir: Path, case_id: uuid.UUID
) -> None:
    # The real app whose database is gone: it answers 503 itself; the guard never lets it pass.
    dead = create_engine("postgresql://nobody@127.0.0.1:9/none", application_name="dead")
    app.state.db = Database.from_engine(dead)
    client = ServiceClient(
        base_url=BASE, audience="compliance-api", tokens=_tokens(dev_keys_dir),
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
    )  # fmt: skip
    try:
        with pytest.raises(RiskServiceUnavailable) as caught:
            await require_risk_assessment(
                client, case_id=case_id, trigger=GuardTrigger.decline, at=NOW
            )
    finally:
        await client.aclose()
        await dead.dispose()
    _assert_unavailable(caught.value)


async def test_a_500_from_compliance_is_a_503__XC_RSK_001(
    app: FastAPI, dev_keys_dir: Path, case_id: uuid.UUID
) -> None:
    # The real app with a broken route (its session cannot be made): an unexpected 500.
    def broken(_: object) -> None:
        raise RuntimeError("boom")

    app.state.db = Database.from_engine(
        create_engine("postgresql://nobody@127.0.0.1:9/none", application_name="dead")
    )
    app.state.db.sessionmaker = broken
    client = ServiceClient(
        base_url=BASE, audience="compliance-api", tokens=_tokens(dev_keys_dir),
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
    )  # fmt: skip
    try:
        with pytest.raises(RiskServiceUnavailable) as caught:
            await require_risk_assessment(
                client, case_id=case_id, trigger=GuardTrigger.decline, at=NOW
            )
    finally:
        await client.aclose()
        await app.state.db.dispose()
    _assert_unavailable(caught.value)
    assert "500" in caught.value.detail


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_compliance_unreachable_is_a_503_with_retry_after__XC_RSK_001(
    dev_keys_dir: Path, case_id: uuid.UUID
) -> None:
    client = ServiceClient(
        base_url=f"http://127.0.0.1:{_unused_port()}",
        audience="compliance-api",
        tokens=_tokens(dev_keys_dir),
    )
    try:
        with pytest.raises(RiskServiceUnavailable) as caught:
            await require_risk_assessment(
                client, case_id=case_id, trigger=GuardTrigger.propose, at=NOW
            )
    finally:
        await client.aclose()
    _assert_unavailable(caught.value)


async def test_compliance_not_answering_in_time_is_a_503__XC_RSK_001(
    dev_keys_dir: Path, case_id: uuid.UUID
) -> None:
    # A server that accepts the connection and never answers.
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = ServiceClient(
        base_url=f"http://127.0.0.1:{port}", audience="compliance-api",
        tokens=_tokens(dev_keys_dir), timeout=httpx.Timeout(0.2), attempts=1,
    )  # fmt: skip
    try:
        with pytest.raises(RiskServiceUnavailable) as caught:
            await require_risk_assessment(
                client, case_id=case_id, trigger=GuardTrigger.decline, at=NOW
            )
    finally:
        await client.aclose()
        server.close()
    _assert_unavailable(caught.value)


async def test_a_token_compliance_refuses_is_a_503_not_a_pass__XC_RSK_001(
    app: FastAPI, dev_keys_dir: Path, case_id: uuid.UUID, session: AsyncSession
) -> None:
    # A misconfigured caller (a token for another audience) gets 401 from compliance-api: the
    # guard cannot tell, so the decision waits (503), even when an assessment exists.
    await make_assessment(session, case_id=case_id, trigger="decline")
    client = ServiceClient(
        base_url=BASE, audience="intake-api", tokens=_tokens(dev_keys_dir),
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
    )  # fmt: skip
    try:
        with pytest.raises(RiskServiceUnavailable) as caught:
            await require_risk_assessment(
                client, case_id=case_id, trigger=GuardTrigger.decline, at=NOW
            )
    finally:
        await client.aclose()
    assert "401" in caught.value.detail

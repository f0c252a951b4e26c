"""The XC-RSK-001 query the other services' guards ask: does the case have an assessment for
this trigger, with conflicts of interest considered, recorded within the configured window?"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from shared.http_api.problems import PROBLEM_JSON
from tests.compliance.risk.builders import make_assessment
from tests.helpers import NOW

Headers = Callable[..., dict[str, str]]
URL = "/internal/risk/qualifying"


@pytest.fixture
def service(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("service", sub="assessment-api")


async def _ask(
    client: httpx.AsyncClient, headers: dict[str, str], case_id: uuid.UUID, trigger: str
) -> httpx.Response:
    return await client.get(
        URL, params={"case_id": str(case_id), "trigger": trigger}, headers=headers
    )


async def test_no_assessment_does_not_qualify__XC_RSK_001(
    client: httpx.AsyncClient, service: dict[str, str], case_id: uuid.UUID
) -> None:
    got = (await _ask(client, service, case_id, "decline")).json()
    assert (got["qualifying"], got["assessment_id"], got["window_days"]) == (False, None, 0)
    assert got["create_path"] == f"/v1/risk/cases/{case_id}/assessments"


async def test_a_same_day_assessment_for_the_trigger_qualifies__XC_RSK_001(
    client: httpx.AsyncClient, service: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    a = await make_assessment(session, case_id=case_id, trigger="propose")
    got = (await _ask(client, service, case_id, "propose")).json()
    assert (got["qualifying"], got["assessment_id"]) == (True, str(a.id))
    other = (await _ask(client, service, case_id, "decline")).json()
    assert other["qualifying"] is False


async def test_conflicts_of_interest_must_have_been_considered__XC_RSK_001(
    client: httpx.AsyncClient, service: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    await make_assessment(session, case_id=case_id, trigger="decline", conflicts=False)
    assert (await _ask(client, service, case_id, "decline")).json()["qualifying"] is False


@pytest.mark.parametrize(
    ("recorded", "window", "qualifies"),
    [
        (timedelta(hours=-10), 0, True),  # 00:00 London: the same day
        (timedelta(hours=-10, seconds=-1), 0, False),  # 23:59:59 the day before
        (timedelta(days=-1), 0, False),
        (timedelta(days=-1), 1, True),
        (timedelta(days=-2), 1, False),
        (timedelta(days=-7), 7, True),
    ],
)
async def test_the_assessment_is_within_the_configured_window__CMP_104(
    client: httpx.AsyncClient,
    service: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    app: FastAPI,
    recorded: timedelta,
    window: int,
    qualifies: bool,
) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={"risk_assessment_window_days": window}
    )
    await make_assessment(
        session, case_id=case_id, trigger="provisional_views", recorded_at=NOW + recorded
    )
    got = (await _ask(client, service, case_id, "provisional_views")).json()
    assert (got["qualifying"], got["window_days"]) == (qualifies, window)


@pytest.mark.parametrize("role", ["caseworker", "operations_manager", "auditor"])
async def test_only_a_service_token_asks(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, role: str
) -> None:
    response = await _ask(client, auth_headers(role), case_id, "decline")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert (
        await client.get(URL, params={"case_id": str(case_id), "trigger": "decline"})
    ).status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"case_id": "nope", "trigger": "decline"},
        {"trigger": "decline"},
        {"case_id": str(uuid.UUID(int=1))},
        {"case_id": str(uuid.UUID(int=1)), "trigger": "later"},
        {"case_id": str(uuid.UUID(int=1)), "trigger": ""},
    ],
)
async def test_a_bad_question_is_a_422(
    client: httpx.AsyncClient, service: dict[str, str], params: dict[str, str]
) -> None:
    response = await client.get(URL, params=params, headers=service)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM_JSON)

"""``GET /internal/risk/cases/{case_id}/rating``: the current rating another service reads at
allocation (CMP-114: high → Senior Caseworker only). Service token only; a case never assessed
answers ``rating: null``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shared.http_api.problems import PROBLEM_JSON
from shared.risk_rating import CurrentRiskRating
from tests.compliance.risk.builders import make_assessment
from tests.helpers import NOW

Headers = Callable[..., dict[str, str]]


def _url(case_id: uuid.UUID) -> str:
    return f"/internal/risk/cases/{case_id}/rating"


async def test_no_assessment_means_no_rating__CMP_114(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID
) -> None:
    r = await client.get(_url(case_id), headers=auth_headers("service", sub="assessment-api"))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "case_id": str(case_id),
        "rating": None,
        "assessment_id": None,
        "recorded_at": None,
    }


async def test_the_latest_assessment_gives_the_rating__CMP_114(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, session: AsyncSession
) -> None:
    await make_assessment(session, case_id=case_id, number=1, rating="low")
    latest = await make_assessment(
        session, case_id=case_id, number=2, rating="high", recorded_at=NOW + timedelta(hours=1)
    )
    r = await client.get(_url(case_id), headers=auth_headers("service", sub="assessment-api"))
    got = CurrentRiskRating.model_validate_json(r.content)
    assert (got.rating, got.assessment_id) == ("high", latest.id)


async def test_people_are_refused_the_internal_route(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID
) -> None:
    r = await client.get(_url(case_id), headers=auth_headers("senior_caseworker"))
    assert r.status_code == 403
    assert r.headers["content-type"] == PROBLEM_JSON

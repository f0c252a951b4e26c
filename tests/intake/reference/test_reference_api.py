"""The reference API through HTTP: joint-working topics (INT-040) and no-MP signposting (ASM-028).

The test clock stands at Mon 2 Nov 2026 10:00 UTC, so "today" is 2026-11-02.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from intake_api.cases.dependencies import CASE_READERS
from intake_api.reference.topics import JointWorkingTopic
from shared.clock import FixedClock
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON

TOPICS = "/v1/reference/joint-working-topics"
SIGNPOST = "/v1/reference/no-mp-signposting"
Headers = Callable[..., dict[str, str]]
# Who reads case data (DESIGN §4): casework from intake caseworker to Deputy Ombudsman, the
# Ombudsman, Legal, auditors (read-only) and service calls; not clinical advisers nor feeds.
CASE_DATA_READERS = (
    "intake_caseworker", "caseworker", "senior_caseworker", "operations_manager",
    "assistant_director", "director", "deputy_ombudsman", "ombudsman", "legal", "auditor",
    "service",
)  # fmt: skip


@pytest.fixture
def reader(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("intake_caseworker")


async def _signpost(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], expect: int = 200
) -> dict[str, Any]:
    response = await client.post(SIGNPOST, json=body, headers=headers)
    assert response.status_code == expect, response.text
    if expect != 200:
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
    result: dict[str, Any] = response.json()
    return result


async def test_topics_list_in_guidance_order__INT_040(
    client: httpx.AsyncClient, reader: dict[str, str]
) -> None:
    response = await client.get(TOPICS, headers=reader)
    assert response.status_code == 200, response.text
    topics = response.json()
    assert [t["code"] for t in topics] == [t.value for t in JointWorkingTopic]
    assert len(topics) == 21
    assert topics[0] == {
        "code": "community_mental_health_teams",
        "label": "Community Mental Health Teams (CMHTs)",
        "hint": None,
    }
    discharge = next(t for t in topics if t["code"] == "hospital_discharge")
    assert discharge["label"] == "Hospital discharge"
    assert discharge["hint"].startswith("where actions which are the responsibility of the local")
    assert topics[-1]["label"] == "Direct Payments"


def test_the_case_readers_are_the_roles_that_read_case_data__INT_040() -> None:
    assert set(CASE_READERS) == set(CASE_DATA_READERS)


@pytest.mark.parametrize("role", CASE_DATA_READERS)
async def test_topics_are_readable_by_every_case_reader__INT_040(
    client: httpx.AsyncClient, auth_headers: Headers, role: str
) -> None:
    response = await client.get(TOPICS, headers=auth_headers(role))
    assert response.status_code == 200, response.text


async def test_topics_need_a_token__INT_040(client: httpx.AsyncClient) -> None:
    response = await client.get(TOPICS)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM_JSON)


async def test_roles_that_cannot_read_cases_cannot_read_the_reference__INT_040(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    headers = auth_headers("clinical_adviser")
    assert (await client.get(TOPICS, headers=headers)).status_code == 403
    body = {"situation": "own_mp_refuses"}
    assert (await client.post(SIGNPOST, json=body, headers=headers)).status_code == 403


async def test_signposting_never_lived_in_uk__ASM_028(
    client: httpx.AsyncClient, reader: dict[str, str]
) -> None:
    advice = await _signpost(client, reader, {"situation": "never_lived_in_uk"})
    assert advice["situation"] == "never_lived_in_uk"
    assert advice["direct_to"] == "pacac_chair_via_pacac"
    assert "not through the Chair's constituency office" in advice["signposting_detail"]
    assert advice["requirement"] == "ASM-028"
    assert advice["warnings"]


async def test_signposting_former_resident_within_fifteen_years__ASM_028(
    client: httpx.AsyncClient, reader: dict[str, str]
) -> None:
    body = {"situation": "former_uk_resident", "left_uk_on": "2011-11-02"}  # exactly 15 years
    advice = await _signpost(client, reader, body)
    assert advice["direct_to"] == "previous_constituency_mp"
    assert advice["warnings"] == []
    assert advice["requirement"] == "ASM-028"


async def test_signposting_former_resident_beyond_fifteen_years__ASM_028(
    client: httpx.AsyncClient, reader: dict[str, str]
) -> None:
    body = {"situation": "former_uk_resident", "left_uk_on": "2011-11-01"}
    advice = await _signpost(client, reader, body)
    assert advice["direct_to"] == "pacac_chair_via_pacac"


async def test_signposting_uses_the_clock__ASM_028(
    client: httpx.AsyncClient, reader: dict[str, str], clock: FixedClock
) -> None:
    body = {"situation": "former_uk_resident", "left_uk_on": "2011-11-02"}
    clock.set(datetime(2026, 11, 3, 9, 0, tzinfo=UTC))  # the day after the anniversary
    advice = await _signpost(client, reader, body)
    assert advice["direct_to"] == "pacac_chair_via_pacac"


async def test_signposting_own_mp_refuses__ASM_028(
    client: httpx.AsyncClient, reader: dict[str, str]
) -> None:
    advice = await _signpost(client, reader, {"situation": "own_mp_refuses"})
    assert advice["direct_to"] == "house_of_commons_contact_details"
    assert "PACAC" not in advice["signposting_detail"]
    assert "another MP's constituent" in advice["signposting_detail"]
    assert any(
        "Do not direct the complainant to the Chair of PACAC" in w for w in advice["warnings"]
    )


async def test_signposting_for_any_case_reader__ASM_028(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    advice = await _signpost(client, auth_headers("auditor"), {"situation": "own_mp_refuses"})
    assert advice["direct_to"] == "house_of_commons_contact_details"


async def test_signposting_needs_a_token__ASM_028(client: httpx.AsyncClient) -> None:
    response = await client.post(SIGNPOST, json={"situation": "own_mp_refuses"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"situation": "moved_to_mars"},
        {},
        {"situation": None},
        {"situation": "former_uk_resident"},  # left_uk_on required
        {"situation": "former_uk_resident", "left_uk_on": None},
        {"situation": "never_lived_in_uk", "left_uk_on": "2020-01-01"},  # contradiction
        {"situation": "former_uk_resident", "left_uk_on": "02/01/2020"},
        {"situation": "former_uk_resident", "left_uk_on": "2020-02-30"},
        {"situation": "own_mp_refuses", "mp": "someone"},  # extra field
    ],
)
async def test_bad_input_is_a_validation_problem__ASM_028(
    client: httpx.AsyncClient, reader: dict[str, str], body: dict[str, Any]
) -> None:
    problem = await _signpost(client, reader, body, expect=422)
    assert problem["type"] == PROBLEM_TYPE_BASE + "validation-error"
    assert problem["errors"]


async def test_a_leaving_date_after_today_is_a_422__ASM_028(
    client: httpx.AsyncClient, reader: dict[str, str]
) -> None:
    body = {"situation": "former_uk_resident", "left_uk_on": "2026-11-03"}
    problem = await _signpost(client, reader, body, expect=422)
    assert problem["type"] == PROBLEM_TYPE_BASE + "date-in-future"


async def test_a_body_that_is_not_json_is_a_422__ASM_028(
    client: httpx.AsyncClient, reader: dict[str, str]
) -> None:
    response = await client.post(
        SIGNPOST, content=b"situation=own", headers={**reader, "Content-Type": "application/json"}
    )
    assert response.status_code == 422


def test_the_reference_routes_are_documented__INT_040(app: FastAPI) -> None:
    spec = app.openapi()
    tags = {t["name"]: t["description"] for t in spec["tags"]}
    assert "reference" in tags
    assert "\n" not in tags["reference"]
    for path, method in ((TOPICS, "get"), (SIGNPOST, "post")):
        operation = spec["paths"][path][method]
        assert operation["tags"] == ["reference"]
        assert operation["summary"]
        assert "\n" not in operation["summary"]
        for status in ("401", "403", "422", "429"):
            assert PROBLEM_JSON in operation["responses"][status]["content"]
    request = spec["components"]["schemas"]["NoMpSignpostingRequest"]
    assert request["additionalProperties"] is False
    assert request["examples"]

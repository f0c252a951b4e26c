"""Shared by the work-queue tests: two caseworkers, UTC instants, and a case in intake.

The test clock starts at Mon 2 Nov 2026 10:00 UTC (GMT, so London time too). The queues are
office-wide and other modules commit rows to the same test database, so tests filter by owner.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from casework_dev.walkthrough import Api, JsonDict, _organisation, _person, open_case

ME = f"caseworker-me-{uuid.uuid4().hex[:8]}"
OTHER = f"caseworker-other-{uuid.uuid4().hex[:8]}"


def at(text: str) -> datetime:
    """An instant written in UTC (Europe/London is on GMT in Nov–Mar, so also London time)."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def api(client: httpx.AsyncClient, auth_headers: Any) -> Api:
    return Api(client, auth_headers("intake_caseworker", sub=ME))


@pytest.fixture
def theirs(client: httpx.AsyncClient, auth_headers: Any) -> Api:
    return Api(client, auth_headers("intake_caseworker", sub=OTHER))


async def intake_case(
    api: Api, received: date | str, *, person: JsonDict | None = None
) -> JsonDict:
    """A complaint in intake, owned by the caller, with a complainant and an organisation."""
    person = person or await _person(api, "Alex")
    org = await _organisation(api, "Exampleshire Hospitals NHS Trust", "nhs_trust", "health")
    return await open_case(
        api, channel="online_form", jurisdiction="health", received_date=str(received),
        person=person, organisation=org,
    )  # fmt: skip

"""Shared by the work-queue tests: two caseworkers, UTC instants, and a case in intake (built in
the database: the queues under test only read it).

The test clock starts at Mon 2 Nov 2026 10:00 UTC (GMT, so London time too). The queues are
office-wide and other modules commit rows to the same test database, so tests filter by owner.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people.models import Person
from shared.clock import FixedClock
from tests.intake.api import Api, JsonDict
from tests.intake.builders import make_case, make_organisation, make_person

ME = f"caseworker-me-{uuid.uuid4().hex[:8]}"
OTHER = f"caseworker-other-{uuid.uuid4().hex[:8]}"


def at(text: str) -> datetime:
    """An instant written in UTC (Europe/London is on GMT in Nov–Mar, so also London time)."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def caseworker() -> str:
    return ME


@pytest.fixture
def theirs(client: httpx.AsyncClient, auth_headers: Any) -> Api:
    return Api(client, auth_headers("intake_caseworker", sub=OTHER))


IntakeCase = Callable[..., Awaitable[JsonDict]]


@pytest.fixture
def intake_case(session: AsyncSession, clock: FixedClock) -> IntakeCase:
    """``await intake_case(owner, received, person=...)``: a health complaint in intake, owned by
    ``owner``, with a complainant (``person``, or a new one) and an NHS trust; its id and
    reference."""

    async def build(
        owner: str, received: date | str, *, person: JsonDict | None = None
    ) -> JsonDict:
        if person is None:
            complainant = await make_person(session, created_by=owner)
        else:
            found = await session.get(Person, uuid.UUID(person["id"]))
            assert found is not None
            complainant = found
        org = await make_organisation(session, created_by=owner)
        case = await make_case(
            session, parties=[complainant], organisations=[org], owner=owner,
            received_date=date.fromisoformat(str(received)), at=clock.now(),
        )  # fmt: skip
        return {"id": str(case.id), "reference": case.reference}

    return build

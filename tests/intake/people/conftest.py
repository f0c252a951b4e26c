"""Builders and helpers for the people tests. All personal data here is obviously fake."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import service
from intake_api.people.schemas import PersonCreate, PersonRead
from shared.audit import AuditEntry
from shared.auth import Principal

Headers = Callable[..., dict[str, str]]
WRITER = "intake_caseworker"
ACTOR = Principal(sub="svc-test-ic", roles=frozenset({WRITER}))

READERS = [
    "intake_caseworker",
    "caseworker",
    "senior_caseworker",
    "operations_manager",
    "assistant_director",
    "director",
    "deputy_ombudsman",
    "ombudsman",
    "legal",
    "auditor",
    "service",
]
NON_READERS = ["integration", "clinical_adviser"]
NON_WRITERS = [r for r in [*READERS, *NON_READERS] if r != WRITER]


def unique() -> str:
    return uuid.uuid4().hex[:8]


def person_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "party_kind": "person",
        "title": "Mx",
        "given_name": "Alex",
        "family_name": "Example",
        "addresses": [
            {
                "first_line": "1 Example Street",
                "further_lines": ["Flat 2"],
                "town": "Exampletown",
                "postcode": "ZZ99 9ZZ",
            }
        ],
        "phones": [{"number": "01632 960000", "label": "home"}],
        "emails": [{"address": "alex@example.invalid"}],
    }
    body.update(overrides)
    return body


def mp_body(**overrides: Any) -> dict[str, Any]:
    body = person_body(
        title="Ms",
        given_name="Sam",
        family_name=f"Sample{unique()}",
        emails=[{"address": "sam.sample.mp@example.invalid"}],
        mp={"constituency": "Exampleshire North"},
    )
    body.update(overrides)
    return body


async def create_person(
    client: httpx.AsyncClient, auth_headers: Headers, **overrides: Any
) -> dict[str, Any]:
    r = await client.post("/v1/people", json=person_body(**overrides), headers=auth_headers(WRITER))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def make_person(session: AsyncSession, **overrides: Any) -> PersonRead:
    """Builder through the service layer, for tests that do not need HTTP."""
    return await service.create_person(
        session, data=PersonCreate.model_validate(person_body(**overrides)), actor=ACTOR
    )


async def audit_rows(
    session: AsyncSession, person_id: str | uuid.UUID, action: str | None = None
) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(
        AuditEntry.entity_type == "person", AuditEntry.entity_id == uuid.UUID(str(person_id))
    )
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list((await session.scalars(stmt.order_by(AuditEntry.id))).all())


@pytest.fixture
async def person(client: httpx.AsyncClient, auth_headers: Headers) -> dict[str, Any]:
    return await create_person(client, auth_headers, family_name=f"Example{unique()}")

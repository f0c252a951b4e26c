"""intake.party.details_corrected reaches assessment and is recorded in the case's trail, with
the field names and the event that carried it, and no personal data (issue #15 item 6)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import AuditEntry

Headers = Callable[..., dict[str, str]]


def _event(case_id: uuid.UUID, person_id: uuid.UUID) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": "intake.party.details_corrected",
        "version": 1,
        "occurred_at": "2026-11-02T10:00:00+00:00",
        "source": "intake-api",
        "case_id": str(case_id),
        "sequence": 2,
        "correlation_id": None,
        "actor": "ic-1",
        "payload": {
            "reference": "CAS-0000001",
            "person_id": str(person_id),
            "roles": ["complainant"],
            "fields": ["family_name", "phones"],
        },
    }


async def test_a_party_correction_is_recorded_against_the_case(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id, person_id = uuid.uuid4(), uuid.uuid4()
    event = _event(case_id, person_id)
    r = await client.post(
        "/internal/events", json={"events": [event]},
        headers=auth_headers("service", sub="intake-api"),
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["processed"]
    rows = (
        await session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_id == case_id, AuditEntry.action == "case.party_details_corrected"
            )
        )
    ).all()
    assert [(a.actor, a.after) for a in rows] == [
        (
            "intake-api",
            {
                "event_id": event["id"],
                "person_id": str(person_id),
                "roles": ["complainant"],
                "fields": ["family_name", "phones"],
            },
        )
    ]

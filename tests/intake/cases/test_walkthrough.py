"""The README's scripted walk-through, run in-process: proves the whole intake path."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casework_dev.intake_steps import Api
from casework_dev.walkthrough import (
    health_case_to_ect_triage,
    health_case_to_gate_closure,
    health_case_to_hand_off,
    parliamentary_case_to_hand_off,
)
from shared.outbox.models import OutboxEvent
from tests.helpers import TODAY_ISO


async def _events(session: AsyncSession, case_id: str) -> list[OutboxEvent]:
    """The case's events after ``intake.case.created`` (which every case emits first)."""
    rows = await session.scalars(
        select(OutboxEvent).where(
            OutboxEvent.case_id == case_id, OutboxEvent.type != "intake.case.created"
        )
    )
    return list(rows.all())


async def test_health_complaint_from_receipt_to_hand_off(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    api = Api(client, auth_headers("intake_caseworker"))
    case = await health_case_to_hand_off(api, received_date=TODAY_ISO)
    assert case["status"] == "referred"
    [event] = await _events(session, case["id"])
    assert event.type == "intake.case.referred"
    assert event.payload["route"] == "awaiting_allocation"


async def test_parliamentary_complaint_from_receipt_to_hand_off__ASM_020(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    api = Api(client, auth_headers("intake_caseworker"))
    case = await parliamentary_case_to_hand_off(api, received_date=TODAY_ISO)
    assert case["status"] == "referred"
    assert case["properly_made"] is True
    [event] = await _events(session, case["id"])
    assert event.payload["jurisdiction"] == "parliamentary"
    assert event.payload["route"] == "ect_triage"


async def test_telephone_health_complaint_to_gate_closure__ASM_015(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    api = Api(client, auth_headers("intake_caseworker"))
    case = await health_case_to_gate_closure(api, received_date=TODAY_ISO)
    assert case["status"] == "closed"
    assert case["closure_code"] == "Not properly made - not in writing"
    [event] = await _events(session, case["id"])
    assert event.type == "intake.case.closed"
    assert event.payload["closure_code"] == "Not properly made - not in writing"


async def test_case_a_is_referred_to_ect_triage(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    # Its way through assessment runs against real processes: tests/e2e/test_assessment_path.py.
    api = Api(client, auth_headers("intake_caseworker"))
    case, person = await health_case_to_ect_triage(api, received_date=TODAY_ISO)
    assert case["status"] == "referred"
    [event] = await _events(session, case["id"])
    assert (event.type, event.payload["route"]) == ("intake.case.referred", "ect_triage")
    assert person["id"]

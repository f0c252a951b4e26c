"""Issue #15 item 6: a referred or closed case's facts are frozen at intake (409
``case-facts-frozen``), by every route that reaches them; letters and calls stay open; a party's
own correction after the hand-off is announced to the service that owns the case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case
from intake_api.cases.state import CaseStatus
from shared.events.contracts.intake import PartyDetailsCorrectedV1
from shared.outbox.models import OutboxEvent
from tests.intake.builders import (
    IC,
    make_case,
    make_organisation,
    make_person,
    make_ready_case,
    move,
)

Headers = Callable[..., dict[str, str]]

# One change a PATCH may make, for each kind of field (the full list of fields is the
# schema's; this takes one of each kind, and the whole PATCH is refused before any is read).
PATCHES: list[dict[str, Any]] = [
    {"complaint_summary": "A corrected summary of a fictional complaint"},
    {"victims_code": True},
    {"case_type": "enquiry"},
    {"joint_working": True},
    {"checklist": {"phone_numbers": True}},
    {"outcome_sought": "A fictional apology"},
]


async def _case(session: AsyncSession, status: CaseStatus) -> Case:
    if status is CaseStatus.referred:
        case = await make_ready_case(session)
        case.status = CaseStatus.referred
        await session.flush()
        return case
    person = await make_person(session)
    organisations = [await make_organisation(session)]
    if status is CaseStatus.restart_review:
        case = await make_case(
            session, status=CaseStatus.closed, parties=[person], organisations=organisations
        )
        await move(session, case, CaseStatus.restart_review)
        return case
    return await make_case(session, status=status, parties=[person], organisations=organisations)


@pytest.mark.parametrize("status", [CaseStatus.referred, CaseStatus.closed])
@pytest.mark.parametrize("patch", PATCHES)
async def test_a_passed_on_or_closed_case_keeps_its_facts(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    status: CaseStatus,
    patch: dict[str, Any],
) -> None:
    case = await _case(session, status)
    await session.commit()
    r = await client.patch(
        f"/v1/cases/{case.id}",
        json={**patch, "reason": "Correcting the record"},
        headers={**auth_headers("intake_caseworker", sub=IC), "If-Match": f'"{case.version}"'},
    )
    assert r.status_code == 409, r.text
    assert r.json()["type"].endswith("/case-facts-frozen")
    assert r.json()["current_status"] == status.value
    await session.refresh(case)
    assert case.status is status


@pytest.mark.parametrize("status", [CaseStatus.intake, CaseStatus.restart_review])
async def test_facts_change_at_intake_and_in_restart_review(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, status: CaseStatus
) -> None:
    case = await _case(session, status)
    await session.commit()
    r = await client.patch(
        f"/v1/cases/{case.id}",
        json={"outcome_sought": "A fictional apology", "reason": "Told on the phone"},
        headers={**auth_headers("intake_caseworker", sub=IC), "If-Match": f'"{case.version}"'},
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("status", [CaseStatus.referred, CaseStatus.closed])
async def test_no_route_reaches_a_frozen_case_s_facts(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, status: CaseStatus
) -> None:
    """Priority (INT-025), parties and organisations (INT-010) are facts too."""
    case = await _case(session, status)
    person = await make_person(session, given_name="Kim")
    org = await make_organisation(session)
    await session.commit()
    ic = auth_headers("intake_caseworker", sub=IC)
    om = auth_headers("operations_manager", sub="om-frozen")
    attempts = [
        ("/priority-request", {"reason": "Terminal illness"}, ic),
        ("/priority-decision", {"approve": True, "reason": "Agreed"}, om),
        ("/parties", {"person_id": str(person.id), "role": "representative (person)"}, ic),
        ("/organisations", {"organisation_id": str(org.id), "role": "original"}, ic),
    ]
    for path, body, headers in attempts:
        r = await client.post(f"/v1/cases/{case.id}{path}", json=body, headers=headers)
        assert (path, r.status_code) == (path, 409), r.text
        assert r.json()["type"].endswith("/case-facts-frozen")


async def test_letters_still_go_out_on_a_closed_case(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    """ASM-024: a decision goes to the new MP after closure; ¶1.27: contact at any stage."""
    case = await _case(session, CaseStatus.closed)
    await session.commit()
    r = await client.post(
        f"/v1/cases/{case.id}/communications",
        json={"medium": "email", "direction": "inbound", "purpose": "party_contact",
              "occurred_at": "2026-11-02T09:00:00Z"},
        headers=auth_headers("intake_caseworker", sub=IC),
    )  # fmt: skip
    assert r.status_code == 201, r.text


async def test_a_party_s_correction_after_hand_off_is_announced(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    person = await make_person(session)
    referred = await make_ready_case(session, person=person)
    referred.status = CaseStatus.referred
    at_intake = await make_ready_case(session, person=person)
    await session.commit()
    r = await client.patch(
        f"/v1/people/{person.id}",
        json={"family_name": "Examplar", "phones": [{"number": "01632 960001"}],
              "reason": "Spelling corrected by the complainant"},
        headers={**auth_headers("intake_caseworker", sub=IC), "If-Match": f'"{person.version}"'},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    events = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "intake.party.details_corrected")
        )
    ).all()
    assert [(e.case_id, e.payload["fields"], e.payload["roles"]) for e in events] == [
        (referred.id, ["family_name", "phones"], ["complainant"])
    ]
    assert "Examplar" not in str(events[0].payload)  # names of fields, never values
    assert at_intake.id not in {e.case_id for e in events}


async def test_an_unchanged_person_announces_nothing(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    person = await make_person(session)
    referred = await make_ready_case(session, person=person)
    referred.status = CaseStatus.referred
    await session.commit()
    r = await client.patch(
        f"/v1/people/{person.id}",
        json={"family_name": person.family_name, "reason": "Checked with the complainant"},
        headers={**auth_headers("intake_caseworker", sub=IC), "If-Match": f'"{person.version}"'},
    )
    assert r.status_code == 200, r.text
    sent = await session.scalars(
        select(OutboxEvent).where(
            OutboxEvent.type == "intake.party.details_corrected",
            OutboxEvent.case_id == referred.id,
        )
    )
    assert sent.all() == []


def test_the_event_carries_ids_and_field_names_only() -> None:
    assert set(PartyDetailsCorrectedV1.model_fields) == {
        "reference", "person_id", "roles", "fields"
    }  # fmt: skip

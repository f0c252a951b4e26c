"""The exceptional prioritisation for investigation agreed at assessment (¶3.100, ASM-169)
reaches investigation's record with the proposal (``assessment.proposal.issued``): ids and
dates, never the reason."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from investigation_api.investigations.models import Investigation
from shared.audit import AuditEntry
from shared.events.contracts.assessment import InvestigationPriorityRef
from tests.investigation.builders import envelope, make_investigation, proposal
from tests.investigation.investigations.test_open_from_proposal import deliver

Headers = Callable[..., dict[str, str]]

MANAGER = "staff-manager-17"
RECORDER = "cw-assess-1"
DISCUSSED_AT = datetime(2026, 10, 30, 14, 0, tzinfo=UTC)


def priority(**overrides: Any) -> dict[str, Any]:
    return {
        "priority_id": str(uuid.uuid4()),
        "line_manager_id": MANAGER,
        "discussed_at": DISCUSSED_AT.isoformat(),
        "recorded_by": RECORDER,
    } | overrides


def event(case_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    return envelope(case_id, proposal(**overrides)).model_dump(mode="json")


async def _read(client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID) -> Any:
    r = await client.get(f"/v1/investigations/{case_id}", headers=auth_headers("caseworker"))
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_prioritised_proposal_is_stored_and_shown__ASM_169(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    ref = priority()
    sent = event(case_id, investigation_priority=ref)
    assert await deliver(client, auth_headers, sent) == ["processed"]

    row = await session.get(Investigation, case_id)
    assert row is not None
    assert (
        str(row.priority_id), row.priority_line_manager_id, row.priority_discussed_at,
        row.priority_recorded_by,
    ) == (ref["priority_id"], MANAGER, DISCUSSED_AT, RECORDER)  # fmt: skip

    got = await _read(client, auth_headers, case_id)
    assert got["prioritised"] is True
    assert got["investigation_priority"] == {
        "priority_id": ref["priority_id"],
        "line_manager_id": MANAGER,
        "discussed_at": "2026-10-30T14:00:00Z",
        "recorded_by": RECORDER,
    }
    listed = await client.get("/v1/investigations", headers=auth_headers("caseworker"))
    [item] = [i for i in listed.json()["items"] if i["id"] == str(case_id)]
    assert item["prioritised"] is True
    # The opening is audited with what was received, the prioritisation with it.
    opened = await session.scalar(
        select(AuditEntry).where(
            AuditEntry.case_id == case_id, AuditEntry.action == "investigation.opened"
        )
    )
    assert opened is not None
    assert opened.after is not None
    assert opened.after["investigation_priority"]["priority_id"] == ref["priority_id"]


async def test_an_unprioritised_proposal_shows_none__ASM_169(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    case_id = uuid.uuid4()
    assert await deliver(client, auth_headers, event(case_id, investigation_priority=None)) == [
        "processed"
    ]
    got = await _read(client, auth_headers, case_id)
    assert (got["prioritised"], got["investigation_priority"]) == (False, None)


async def test_a_proposal_from_an_older_producer_still_opens_the_record__ASM_169(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    """A payload without the field (assessment before ASM-169 reached it): additive within v1."""
    case_id = uuid.uuid4()
    older = event(case_id)
    del older["payload"]["investigation_priority"]
    assert "investigation_priority" not in older["payload"]
    assert await deliver(client, auth_headers, older) == ["processed"]
    got = await _read(client, auth_headers, case_id)
    assert got["proposal_id"] == older["payload"]["proposal_id"]
    assert (got["prioritised"], got["investigation_priority"]) == (False, None)


async def test_a_redelivered_prioritised_proposal_changes_nothing__ASM_169(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    ref = priority()
    first = event(case_id, investigation_priority=ref)
    assert await deliver(client, auth_headers, first) == ["processed"]
    assert await deliver(client, auth_headers, first) == ["duplicate"]
    # A second proposal for the case (another prioritisation id, or none) keeps the record.
    for again in (event(case_id, investigation_priority=priority()), event(case_id)):
        assert await deliver(client, auth_headers, again) == ["processed"]
    got = await _read(client, auth_headers, case_id)
    assert got["investigation_priority"]["priority_id"] == ref["priority_id"]
    assert got["version"] == 1


@pytest.mark.parametrize("field", ["line_manager_id", "discussed_at", "recorded_by"])
async def test_a_prioritisation_without_its_line_manager_discussion_is_refused__ASM_169(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, field: str
) -> None:
    case_id = uuid.uuid4()
    broken = event(case_id)
    broken["payload"]["investigation_priority"] = {
        k: v for k, v in priority().items() if k != field
    }
    r = await client.post(
        "/internal/events",
        json={"events": [broken]},
        headers=auth_headers("service", sub="assessment-api"),
    )
    assert r.status_code == 422, r.text
    assert r.json()["invalid_event_ids"] == [broken["id"]]
    assert await session.get(Investigation, case_id) is None


async def test_a_stored_prioritisation_is_whole_or_absent__ASM_169(
    session: AsyncSession,
) -> None:
    case_id = await make_investigation(session, investigation_priority=priority())
    with pytest.raises(IntegrityError, match="priority_all_or_none"):
        await session.execute(
            update(Investigation)
            .where(Investigation.id == case_id)
            .values(priority_line_manager_id=None)
            .execution_options(synchronize_session=False)
        )


def test_the_contract_carries_no_reason__ASM_169() -> None:
    """Events carry ids, codes and dates only: the reason can hold health information."""
    assert set(InvestigationPriorityRef.model_fields) == {
        "priority_id", "line_manager_id", "discussed_at", "recorded_by",
    }  # fmt: skip
    # Text sent beside the ids is not kept, so it is never stored or passed on.
    ref = InvestigationPriorityRef.model_validate(priority(reason="terminal illness"))
    assert "reason" not in ref.model_dump()
    with pytest.raises(ValueError, match="offset"):
        InvestigationPriorityRef.model_validate(priority(discussed_at="2026-10-30T14:00:00"))

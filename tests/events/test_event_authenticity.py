"""Authenticity of events (DESIGN §2 point 6): an inbox takes an event only from its producer.

The caller's token ``sub`` is bound to each event's ``source``, the type must be one that
producer publishes, and what a handler creates is audited as the producing service. These run
against assessment-api's real inbox and handler, in the plugin's rolled-back transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import service as allocations
from assessment_api.allocations.models import QueueEntry
from shared.audit import AuditEntry
from shared.db import Database
from shared.events.contracts.intake import CaseReferredV1
from shared.events.envelope import EventEnvelope
from shared.events.registry import PRODUCERS, all_contracts, producer_of
from shared.http_api.app import create_service_app
from shared.inbox.handlers import EventHandlers, producer_for
from shared.inbox.models import InboxEvent
from tests.events.conftest import referred


def _event(
    case_id: uuid.UUID,
    *,
    source: str = "intake-api",
    type_: str = "intake.case.referred",
    priority: str = "standard",
) -> dict[str, Any]:
    return EventEnvelope(
        id=uuid.uuid4(),
        type=type_,
        version=1,
        occurred_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
        source=source,
        case_id=case_id,
        sequence=1,
        payload=referred(priority=priority).model_dump(mode="json"),
    ).model_dump(mode="json")


async def _count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _nothing_stored(session: AsyncSession, case_ids: list[uuid.UUID]) -> None:
    assert await _count(session, QueueEntry, QueueEntry.case_id.in_(case_ids)) == 0
    assert await _count(session, InboxEvent, InboxEvent.case_id.in_(case_ids)) == 0
    assert await _count(session, AuditEntry, AuditEntry.case_id.in_(case_ids)) == 0


def _assert_forbidden(response: httpx.Response, ids: list[str]) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "https://casework.example/problems/forbidden-events"
    assert body["forbidden_event_ids"] == ids


@pytest.mark.parametrize("source", ["intake-api", "compliance-api"])
async def test_another_services_token_cannot_post_intake_referrals(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession, source: str
) -> None:
    # The probe of issue #15: compliance-api's service token posted intake.case.referred, and a
    # case that does not exist went into the allocation queue at high priority. Forged source
    # ("intake-api") or honest source with intake's type: both refused.
    case_id = uuid.uuid4()
    event = _event(case_id, source=source, priority="high")
    r = await client.post(
        "/internal/events",
        json={"events": [event]},
        headers=auth_headers("service", sub="compliance-api"),
    )
    _assert_forbidden(r, [event["id"]])
    await _nothing_stored(session, [case_id])


async def test_a_service_token_that_names_no_producer_is_refused(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    event = _event(case_id)
    r = await client.post(
        "/internal/events",
        json={"events": [event]},
        headers=auth_headers("service", sub="reporting-job"),
    )
    _assert_forbidden(r, [event["id"]])
    await _nothing_stored(session, [case_id])


async def test_a_producer_cannot_post_a_type_it_does_not_publish(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    # assessment.case.allocated is assessment-api's (DESIGN §2 catalogue), not intake-api's.
    case_id = uuid.uuid4()
    event = _event(case_id, type_="assessment.case.allocated")
    r = await client.post(
        "/internal/events",
        json={"events": [event]},
        headers=auth_headers("service", sub="intake-api"),
    )
    _assert_forbidden(r, [event["id"]])
    await _nothing_stored(session, [case_id])


async def test_one_forged_event_refuses_the_whole_batch(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    cases = [uuid.uuid4() for _ in range(3)]
    events = [_event(cases[0]), _event(cases[1], source="compliance-api"), _event(cases[2])]
    r = await client.post(
        "/internal/events",
        json={"events": events},
        headers=auth_headers("service", sub="intake-api"),
    )
    _assert_forbidden(r, [events[1]["id"]])
    await _nothing_stored(session, cases)


async def test_the_producer_is_accepted_and_the_effect_audited_as_it(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    event = _event(case_id, priority="high")
    r = await client.post(
        "/internal/events",
        json={"events": [event]},
        headers=auth_headers("service", sub="intake-api"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "processed"
    entry = await session.scalar(select(QueueEntry).where(QueueEntry.case_id == case_id))
    assert entry is not None
    audit = (
        await session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_id == case_id, AuditEntry.entity_type != "case"
            )
        )
    ).all()
    assert len(audit) == 1  # and the case record's own (tests/assessment/cases)
    row = audit[0]
    assert (row.actor, row.actor_roles) == ("intake-api", ["service"])
    assert (row.entity_type, row.entity_id) == ("allocation_queue_entry", entry.id)
    assert row.action == "allocation_queue_entry.created"
    assert row.reason == f"intake.case.referred event {event['id']}"
    assert row.before is None
    assert row.after is not None
    assert row.after["priority"] == "high"
    assert row.after["status"] == "queued"


async def test_a_batchs_audit_rows_take_one_statement(
    client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession, engine: Any
) -> None:
    # Auditing must not cost the consumer a round trip per event (DESIGN §7: relay throughput).
    from sqlalchemy import event as sa_event

    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    cases = [uuid.uuid4() for _ in range(20)]
    sa_event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        r = await client.post(
            "/internal/events",
            json={"events": [_event(c) for c in cases]},
            headers=auth_headers("service", sub="intake-api"),
        )
    finally:
        sa_event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert r.status_code == 200, r.text
    assert len([s for s in statements if s.lstrip().startswith("INSERT INTO audit_entry")]) == 1
    # Two audited effects per referral: the queue entry and assessment's case record.
    assert await _count(session, AuditEntry, AuditEntry.case_id.in_(cases)) == 40


async def test_an_events_effect_and_its_audit_row_roll_back_together(
    settings: Any, engine: Any, sessionmaker: Any, auth_headers: Any, session: AsyncSession
) -> None:
    handlers = EventHandlers()

    @handlers.on(CaseReferredV1, name="allocations.queue_referred_case")
    async def queue_then_fail(
        session: AsyncSession, envelope: EventEnvelope, payload: CaseReferredV1
    ) -> None:
        await allocations.queue_referred_case(session, envelope=envelope, payload=payload)
        await session.flush()
        raise RuntimeError("fails after the entry and its audit row were written")

    app = create_service_app(
        settings=settings, title="assessment-api", version="test", description="t",
        event_handlers=handlers, configure_logs=False,
    )  # fmt: skip
    app.state.db = Database(engine, sessionmaker)
    case_id = uuid.uuid4()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.post(
            "/internal/events",
            json={"events": [_event(case_id)]},
            headers=auth_headers("service", sub="intake-api"),
        )
    assert r.json()["results"][0]["status"] == "failed"
    await _nothing_stored(session, [case_id])


async def test_a_configured_producer_subject_replaces_the_name(
    app: FastAPI, client: httpx.AsyncClient, auth_headers: Any, session: AsyncSession
) -> None:
    # Production tokens carry the identity provider's id of the producer's client as ``sub``.
    app.state.settings = app.state.settings.model_copy(
        update={"event_producer_subjects": {"intake-api": "0b6c5f1e-client-of-intake"}}
    )
    by_name, by_id = uuid.uuid4(), uuid.uuid4()
    named = _event(by_name)
    r = await client.post(
        "/internal/events",
        json={"events": [named]},
        headers=auth_headers("service", sub="intake-api"),
    )
    _assert_forbidden(r, [named["id"]])
    r = await client.post(
        "/internal/events",
        json={"events": [_event(by_id)]},
        headers=auth_headers("service", sub="0b6c5f1e-client-of-intake"),
    )
    assert r.status_code == 200, r.text
    assert await _count(session, QueueEntry, QueueEntry.case_id == by_id) == 1


def test_outside_development_only_configured_subjects_name_a_producer() -> None:
    subjects = {"intake-api": "0b6c5f1e-client-of-intake"}
    assert producer_for("0b6c5f1e-client-of-intake", subjects, default_to_name=False) == (
        "intake-api"
    )
    assert producer_for("intake-api", subjects, default_to_name=False) is None
    assert producer_for("assessment-api", subjects, default_to_name=False) is None
    assert producer_for("assessment-api", subjects, default_to_name=True) == "assessment-api"
    assert producer_for("intake-api", subjects, default_to_name=True) is None


def test_the_catalogue_is_design_section_2_plus_the_announced_additions() -> None:
    # DESIGN §2's v1 catalogue, quoted; intake also announces each new case (intake.case.created)
    # and a party corrected after the hand-off (requirements §E.1 PartyDetailsCorrected) and
    # correspondence with legal-action wording (XC-RSK-004), as assessment does for what it
    # records; the risk engine announces each assessment and each change of rating (CMP-120);
    # assessment announces each change of a case's status or holder, for intake's register;
    # requirements §E.2 names the proposal issued (in place of the catalogue's "investigation
    # proposed", carrying what investigation opens its record from), the resolution agreed, and
    # the allocation acts (category changes, complex referrals, systemic issues: ASM-086…089);
    # one recipient's comment deadline extended after a proposal (ASM-161) is announced too.
    assert {p: sorted(t) for p, t in PRODUCERS.items()} == {
        "intake-api": [
            "intake.case.closed", "intake.case.created", "intake.case.referred",
            "intake.case.restarted", "intake.correspondence.legal_terms_found",
            "intake.party.details_corrected",
        ],
        "assessment-api": [
            "assessment.case.allocated", "assessment.case.closed",
            "assessment.case.status_changed", "assessment.category_change.decided",
            "assessment.category_change.requested", "assessment.complex_referral.decided",
            "assessment.complex_referral.requested",
            "assessment.correspondence.legal_terms_found",
            "assessment.proposal.comment_deadline_extended",
            "assessment.proposal.issued", "assessment.resolution.agreed",
            "assessment.systemic_issue.flagged",
        ],
        "investigation-api": [
            "investigation.case.closed", "investigation.final_report.issued",
            "investigation.investigation.confirmed", "investigation.provisional_views.shared",
        ],
        "compliance-api": [
            "compliance.case.closed", "compliance.item.complied", "compliance.item.escalated",
            "compliance.risk.assessed", "compliance.risk.oversight_assigned",
            "compliance.risk.rated", "compliance.risk.rating_changed",
        ],
    }  # fmt: skip


def test_every_contract_belongs_to_the_service_its_type_names() -> None:
    contracts = all_contracts()
    assert contracts
    for event_type, _ in contracts:
        assert producer_of(event_type) == f"{event_type.split('.', 1)[0]}-api"


def test_a_contract_needs_a_catalogued_producer() -> None:
    from typing import ClassVar

    from shared.events.envelope import EventPayload
    from shared.events.registry import contract

    class TeleportedV1(EventPayload):
        TYPE: ClassVar[str] = "intake.case.teleported"
        VERSION: ClassVar[int] = 1

    with pytest.raises(ValueError, match="no producer"):
        contract(TeleportedV1)

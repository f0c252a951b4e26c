"""Legal-action wording in what a party tells intake (XC-RSK-004, CMP-025, CMP-126; §D.26).

An inbound letter, email or call, any call's note, and a contact attempt's notes are scanned by
the casework kit as they are recorded; terms found are announced to compliance-api with
``intake.correspondence.legal_terms_found`` in the same transaction (outbox). Our own letters
and emails are not scanned. No row that must be scanned can be stored without its scan.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case, Communication, ContactAttempt
from intake_api.config import IntakeSettings
from shared.casework.communications import (
    UnscannedCorrespondence,
    scan_communication,
    scan_contact_attempt,
)
from shared.config import SubscriberSettings
from shared.outbox.models import OutboxEvent
from tests.intake.api import Api
from tests.intake.builders import make_case, make_person

LEGAL = "intake.correspondence.legal_terms_found"
LETTER = (
    "Letter before claim. The decision was irrational and unlawful; we intend to seek\n"
    "judicial review unless we hear from you within 14 days."
)


async def _legal_events(session: AsyncSession, case_id: uuid.UUID) -> list[OutboxEvent]:
    rows = await session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.case_id == case_id, OutboxEvent.type == LEGAL)
        .order_by(OutboxEvent.sequence)
    )
    return list(rows)


async def _case(session: AsyncSession) -> tuple[Case, uuid.UUID]:
    person = await make_person(session)
    case = await make_case(session, parties=[person])
    return case, person.id


def _comm(person_id: uuid.UUID, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "medium": "letter",
        "direction": "inbound",
        "purpose": "party_contact",
        "occurred_at": "2026-11-02T09:00:00+00:00",
        "from_person_id": str(person_id),
    }
    body.update(extra)
    return body


async def test_an_inbound_letter_with_legal_wording_is_announced__XC_RSK_004(
    api: Api, session: AsyncSession
) -> None:
    case, person = await _case(session)
    comm = await api.call(
        "POST", f"/v1/cases/{case.id}/communications", json=_comm(person, summary=LETTER),
        expect=201,
    )  # fmt: skip
    scan = comm["legal_scan"]
    assert scan["terms"] == [
        "letter_before_claim",
        "irrationally",
        "unlawfully",
        "judicial_review",
        "within_14_days",
    ]
    first = scan["matches"][0]
    assert (first["field"], LETTER[first["start"] : first["end"]]) == (
        "summary",
        "Letter before claim",
    )

    (event,) = await _legal_events(session, case.id)
    payload = event.payload
    assert payload["communication_id"] == comm["id"]
    assert payload["communication_type"] == "communication"
    assert payload["reference"] == case.reference
    received = datetime.fromisoformat(payload["received_at"])
    assert received == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert payload["terms"] == scan["terms"]
    assert [m["term"] for m in payload["matches"]] == scan["terms"]
    # Term keys and positions only: no letter text, no personal data.
    raw = json.dumps(payload)
    for words in ("Letter before claim", "irrational and", "hear from you", str(person)):
        assert words not in raw


async def test_a_call_note_and_an_enclosure_title_are_scanned__XC_RSK_004(
    api: Api, session: AsyncSession
) -> None:
    case, person = await _case(session)
    # Our call: its note records what the party said.
    call = await api.call(
        "POST", f"/v1/cases/{case.id}/communications",
        json=_comm(person, medium="telephone", direction="outbound", purpose="call",
                   recipients=[{"person_id": str(person)}],
                   summary="Said they have instructed solicitors to start legal\nproceedings"),
        expect=201,
    )  # fmt: skip
    assert call["legal_scan"]["terms"] == ["legal_proceedings"]
    # An email whose summary is bland but whose attachment is a pre-action letter.
    email = await api.call(
        "POST", f"/v1/cases/{case.id}/communications",
        json=_comm(person, medium="email", summary="Email with attachment",
                   documents=[{"title": "Pre-Action Protocol letter.pdf"}]),
        expect=201,
    )  # fmt: skip
    assert email["legal_scan"]["matches"] == [
        {"field": "documents[0].title", "term": "pre_action_protocol", "start": 0, "end": 19,
         "broad": False}
    ]  # fmt: skip
    events = await _legal_events(session, case.id)
    assert [e.payload["communication_id"] for e in events] == [call["id"], email["id"]]
    assert [e.payload["medium"] for e in events] == ["telephone", "email"]


async def test_no_terms_no_event_and_our_own_letters_are_not_scanned__XC_RSK_004(
    api: Api, session: AsyncSession
) -> None:
    case, person = await _case(session)
    plain = await api.call(
        "POST", f"/v1/cases/{case.id}/communications",
        json=_comm(person, summary="Thank you for the update about my mother's care"),
        expect=201,
    )  # fmt: skip
    assert plain["legal_scan"] == {"scanner": "D.26/1", "terms": [], "matches": []}
    # An inbound letter with no summary is still scanned (and has nothing).
    empty = await api.call(
        "POST", f"/v1/cases/{case.id}/communications", json=_comm(person), expect=201
    )
    assert empty["legal_scan"]["terms"] == []
    # A decision letter explains the right to seek judicial review: our words, not a threat.
    ours = await api.call(
        "POST", f"/v1/cases/{case.id}/communications",
        json=_comm(person, medium="letter", direction="outbound", purpose="decision",
                   recipients=[{"person_id": str(person)}],
                   summary="You may be able to seek judicial review of our decision"),
        expect=201,
    )  # fmt: skip
    assert ours["legal_scan"] is None
    assert await _legal_events(session, case.id) == []


async def test_contact_attempt_notes_are_scanned__XC_RSK_004(
    api: Api, session: AsyncSession
) -> None:
    case, person = await _case(session)
    body = {
        "person_id": str(person), "channel": "telephone", "direction": "inbound",
        "attempted_at": "2026-11-02T08:30:00+00:00", "outcome": "reached",
        "notes": "Caller says the trust acted UNLAWFULLY and wants damages",
    }  # fmt: skip
    attempt = await api.call("POST", f"/v1/cases/{case.id}/contact-attempts", json=body, expect=201)
    assert attempt["legal_scan"]["terms"] == ["unlawfully", "damages"]
    assert [m["broad"] for m in attempt["legal_scan"]["matches"]] == [False, True]
    (event,) = await _legal_events(session, case.id)
    assert event.payload["communication_type"] == "contact_attempt"
    assert event.payload["communication_id"] == attempt["id"]
    assert event.payload["medium"] == "telephone"
    assert datetime.fromisoformat(event.payload["received_at"]) == datetime(
        2026, 11, 2, 8, 30, tzinfo=UTC
    )

    # Without notes there is nothing to scan.
    del body["notes"]
    bare = await api.call("POST", f"/v1/cases/{case.id}/contact-attempts", json=body, expect=201)
    assert bare["legal_scan"] is None
    assert len(await _legal_events(session, case.id)) == 1


async def test_the_database_refuses_an_unscanned_inbound_communication__XC_RSK_004(
    session: AsyncSession,
) -> None:
    case, _ = await _case(session)
    insert = text(
        "INSERT INTO communication (id, case_id, medium, direction, purpose, occurred_at,"
        " recipients, headers, recorded_by)"
        " VALUES (:id, :case_id, :medium, :direction, 'other', now(), '[]', '{}', 'x')"
    )
    for medium, direction in (
        ("letter", "inbound"),
        ("email", "inbound"),
        ("telephone", "outbound"),
    ):
        with pytest.raises(IntegrityError, match="ck_communication_legal_scan_present"):
            async with session.begin_nested():
                await session.execute(
                    insert,
                    {"id": uuid.uuid4(), "case_id": case.id, "medium": medium,
                     "direction": direction},
                )  # fmt: skip
    # Our own letter needs none.
    await session.execute(
        insert,
        {"id": uuid.uuid4(), "case_id": case.id, "medium": "letter", "direction": "outbound"},
    )
    with pytest.raises(IntegrityError, match="ck_contact_attempt_legal_scan_present"):
        async with session.begin_nested():
            await session.execute(
                text(
                    "INSERT INTO contact_attempt (id, case_id, person_id, channel, direction,"
                    " attempted_at, outcome, expectations_explained, adjustments_discussed,"
                    " recorded_by, notes)"
                    " VALUES (:id, :case_id, :id, 'telephone', 'inbound', now(), 'reached',"
                    " false, false, 'x', 'We will issue legal proceedings')"
                ),
                {"id": uuid.uuid4(), "case_id": case.id},
            )


def _inbound(case_id: uuid.UUID, summary: str) -> Communication:
    return Communication(
        id=uuid.uuid4(), case_id=case_id, medium="email", direction="inbound",
        purpose="party_contact", occurred_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        recipients=[], headers=[], summary=summary, recorded_by="x",
    )  # fmt: skip


async def test_the_orm_refuses_a_row_not_scanned_by_the_kit__XC_RSK_004(
    session: AsyncSession,
) -> None:
    case, person = await _case(session)
    # Not scanned at all.
    async with session.begin_nested():
        session.add(_inbound(case.id, "judicial review"))
        with pytest.raises(UnscannedCorrespondence):
            await session.flush()
    # A scan filled by hand that is not the scanner's reading of the text.
    forged = _inbound(case.id, "judicial review")
    forged.legal_scan = {"scanner": "D.26/1", "terms": [], "matches": []}
    async with session.begin_nested():
        session.add(forged)
        with pytest.raises(UnscannedCorrespondence):
            await session.flush()
    # Scanned, then the text changed before it was stored.
    changed = _inbound(case.id, "Thank you")
    scan_communication(changed)
    changed.summary = "See you in the small claims court"
    async with session.begin_nested():
        session.add(changed)
        with pytest.raises(UnscannedCorrespondence):
            await session.flush()
    # The kit's scan is accepted; a later change of the text needs a new scan.
    ok = _inbound(case.id, "judicial review")
    assert scan_communication(ok) == ["judicial_review"]
    session.add(ok)
    await session.flush()
    async with session.begin_nested():
        ok.summary = "legal proceedings"
        with pytest.raises(UnscannedCorrespondence):
            await session.flush()
    await session.refresh(ok)
    attempt = ContactAttempt(
        id=uuid.uuid4(), case_id=case.id, person_id=person, channel="telephone",
        direction="outbound", attempted_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        outcome="reached", recorded_by="x", notes="They will sue: letter before action",
    )  # fmt: skip
    async with session.begin_nested():
        session.add(attempt)
        with pytest.raises(UnscannedCorrespondence):
            await session.flush()
    attempt = ContactAttempt(
        id=uuid.uuid4(), case_id=case.id, person_id=person, channel="telephone",
        direction="outbound", attempted_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        outcome="reached", recorded_by="x", notes="They will sue: letter before action",
    )  # fmt: skip
    assert scan_contact_attempt(attempt) == ["letter_before_action"]
    session.add(attempt)
    await session.flush()


def test_intake_delivers_the_event_to_compliance_by_default__XC_RSK_004() -> None:
    factory = IntakeSettings.model_fields["subscribers"].default_factory
    assert factory is not None
    subscribers: dict[str, SubscriberSettings] = factory()  # type: ignore[call-arg]
    assert LEGAL in subscribers["compliance-api"].event_types
    assert subscribers["compliance-api"].audience == "compliance-api"
    assert LEGAL not in subscribers["assessment-api"].event_types

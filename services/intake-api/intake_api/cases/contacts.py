"""Contacts and communications (INT-001, INT-005/006, INT-030, INT-048, INT-051…054, ¶1.27).

The previous-contact check before intake, the log of attempts to reach a party, and every
letter, email and call. A communication starts or meets the case's clocks (``clocks``), and an
outbound one may do a task a rule left (``tasks``). What a party tells us (an inbound
communication, a call, a contact note) is scanned by the casework kit for legal-action wording;
terms found are announced to compliance-api in the same transaction (XC-RSK-004, ``legal``).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import clocks, disclosure, legal, recipients, repository, tasks
from intake_api.cases.errors import CaseNotFound, CasePersonUnknown, ChannelOverrideRequired
from intake_api.cases.models import Case, Communication, ContactAttempt, PreviousContactCheck
from intake_api.cases.schemas_contacts import (
    CommunicationCreate,
    CommunicationRead,
    ContactAttemptCreate,
    ContactAttemptRead,
    PreviousContactCheckCreate,
)
from intake_api.cases.service import get_case, preferred_channel
from intake_api.people import service as people
from shared.audit import record_audit
from shared.auth import Principal
from shared.calendar import WorkingCalendar
from shared.casework.communications import (
    WRITTEN_MEDIA,
    scan_communication,
    scan_contact_attempt,
)
from shared.changes import load_for_update

CONFIDENTIAL_ACCESS = "confidential access rights apply"  # INT-048


async def run_previous_contact_check(
    session: AsyncSession, *, data: PreviousContactCheckCreate, actor: Principal
) -> PreviousContactCheck:
    """INT-001: search earlier cases of the person and about the organisations; store the result.

    A search of a person's history is itself audited, in its transaction: who searched, for whom
    and which organisations, when, and which cases it showed. The case taken into intake with the
    check cites it (``previous_contact_check_id``), which says for which case it was done.
    """
    matches = await repository.earlier_cases(
        session, person_id=data.person_id, organisation_ids=list(data.organisation_ids)
    )
    check = PreviousContactCheck(
        id=uuid.uuid4(),
        person_id=data.person_id,
        organisation_ids=list(data.organisation_ids),
        done_by=actor.sub,
        matches=matches,
    )
    session.add(check)
    await session.flush()
    await session.refresh(check)
    await record_audit(
        session,
        actor=actor,
        entity_type="previous_contact_check",
        entity_id=check.id,
        action="previous_contact_check.run",
        after={
            "person_id": str(data.person_id) if data.person_id else None,
            "organisation_ids": [str(o) for o in data.organisation_ids],
            "matched_case_ids": [m["case_id"] for m in matches],
        },
        reason="INT-001: earlier contacts searched before intake",
    )
    return check


async def list_contact_attempts(
    session: AsyncSession, *, case_id: uuid.UUID
) -> list[ContactAttemptRead]:
    await get_case(session, case_id=case_id)
    rows = await repository.attempts(session, case_id)
    return [ContactAttemptRead.model_validate(a) for a in rows]


async def record_contact_attempt(
    session: AsyncSession, *, case_id: uuid.UUID, data: ContactAttemptCreate, actor: Principal
) -> ContactAttempt:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    person = await people.find_person(session, person_id=data.person_id)
    if person is None:
        raise CasePersonUnknown(f"No person with id {data.person_id}")
    expected = preferred_channel(person)
    if (
        data.direction == "outbound"
        and data.channel != expected
        and not data.channel_override_reason
    ):
        raise ChannelOverrideRequired(
            f"INT-006: the preferred method is {expected}; give a reason to use {data.channel}",
            extensions={"missing": [{"requirement": "INT-006", "item": "channel_override_reason"}]},
        )
    attempt = ContactAttempt(
        id=uuid.uuid4(), case_id=case.id, recorded_by=actor.sub, **data.model_dump()
    )
    found = scan_contact_attempt(attempt)  # XC-RSK-004
    session.add(attempt)
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="contact_attempt", entity_id=attempt.id,
        case_id=case.id, action="case.contact_attempted", after=data.model_dump(mode="json"),
        reason=None,
    )  # fmt: skip
    if found:
        await legal.announce_contact_attempt(session, case, attempt, actor=actor)
    return attempt


async def list_communications(
    session: AsyncSession, *, case_id: uuid.UUID
) -> list[CommunicationRead]:
    await get_case(session, case_id=case_id)
    rows = await repository.communications(session, case_id)
    return [CommunicationRead.model_validate(c) for c in rows]


async def record_communication(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: CommunicationCreate,
    actor: Principal,
    calendar: WorkingCalendar,
) -> Communication:
    """Log a letter, email or call; starts or meets the acknowledgement and call-back clocks."""
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    # Both checks below are about what we send: an inbound contact reads no parties.
    parties = await repository.parties(session, case.id) if data.direction == "outbound" else []
    await disclosure.check(session, case, parties, data)  # INT-053/054
    if data.discloses_case_information:
        # The schema guarantees both are present on a disclosure.
        assert data.call_ref is not None
        assert data.from_person_id is not None
        await people.require_verified_call(
            session, person_id=data.from_person_id, call_ref=data.call_ref
        )
    headers = await _letter_headers(session, data)
    paragraphs: list[str] = []
    if data.direction == "outbound" and data.medium in WRITTEN_MEDIA:
        # ASM-025: a successor MP's first letter explains what their predecessor did.
        paragraphs = await recipients.first_letter_paragraphs(
            session, case.id, parties, {r.person_id for r in data.recipients if r.person_id}
        )
    comm = Communication(
        id=uuid.uuid4(),
        case_id=case.id,
        medium=data.medium,
        direction=data.direction,
        purpose=data.purpose,
        occurred_at=data.occurred_at,
        from_person_id=data.from_person_id,
        recipients=[r.model_dump(mode="json") for r in data.recipients],
        summary=data.summary,
        headers=headers,
        paragraphs=paragraphs,
        documents=[d.model_dump(mode="json") for d in data.documents],
        risk_disclosure=(
            {**data.risk_disclosure.model_dump(mode="json"), "recorded_by": actor.sub}
            if data.risk_disclosure is not None
            else None
        ),
        acknowledges_id=data.acknowledges_id,
        recorded_by=actor.sub,
    )
    found = scan_communication(comm)  # XC-RSK-004
    session.add(comm)
    await session.flush()
    if data.direction == "inbound":
        clock = await clocks.answer_clock(session, comm, calendar)
        if clock is not None:
            session.add(clock)
    else:
        await clocks.meet_answered(session, comm)
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="communication", entity_id=comm.id, case_id=case.id,
        action="case.communication_recorded", after=data.model_dump(mode="json"), reason=None,
    )  # fmt: skip
    if found:
        await legal.announce_communication(session, case, comm, actor=actor)
    if data.direction == "outbound":
        await tasks.done_by(session, comm, actor=actor)  # after the comm, in the trail
    return comm


async def _letter_headers(session: AsyncSession, data: CommunicationCreate) -> list[str]:
    """INT-048: the prison number and 'confidential access rights apply' on every letter we send
    to a prisoner. Every person recipient must exist."""
    ids = {r.person_id for r in data.recipients if r.person_id is not None}
    found = await people.people_by_id(session, person_ids=ids)
    headers: list[str] = []
    for r in data.recipients:
        if r.person_id is None:
            continue
        person = found.get(r.person_id)
        if person is None:
            raise CasePersonUnknown(f"No person with id {r.person_id}")
        if person.prison_number and data.medium == "letter" and data.direction == "outbound":
            if CONFIDENTIAL_ACCESS not in headers:
                headers.insert(0, CONFIDENTIAL_ACCESS)
            headers.append(f"Prison number: {person.prison_number}")
    return headers

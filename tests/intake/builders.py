"""Plain async builders of intake rows: ``await make_case(session, status=..., parties=...)``.

They add ORM rows to the test's session and flush, so the app under test (joined to the same
rolled-back transaction) sees them at once: a case in a few statements instead of the 5–15 HTTP
calls that reach the same state. Use them for the setup that is not the behaviour under test.

A built case looks like one made through the API as far as the case tests look:
- its reference comes from ``case_reference_seq`` (``CAS-0000042``);
- it has the intake clocks from receipt (C-01 two weeks, C-03 ten working days);
- it has the ``case.created`` audit row and the ``intake.case.created`` event, so the next event
  of the case is number 2;
- a later status is reached through ``state.transition`` (its timestamps and its event), the
  clocks met or cancelled as the API does, and each step flushed, so the version grows as it
  would over HTTP.
Parties, organisations, contacts and letters get their rows but no audit entries of their own:
a test of the timeline or the audit trail builds through the API.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import (
    Case,
    CaseOrganisation,
    CaseParty,
    CaseType,
    Channel,
    Communication,
    ContactAttempt,
    Deadline,
    DeadlineKind,
    Jurisdiction,
    OrganisationRole,
    PartyRole,
    PreviousContactCheck,
    Route,
    TriageCategory,
)
from intake_api.cases.state import CaseStatus, transition
from intake_api.organisations.models import KIND_JURISDICTIONS, Organisation, OrganisationKind
from intake_api.people.models import PartyKind, Person
from shared.audit import record_audit
from shared.auth import Principal, Role
from shared.calendar import WorkingCalendar
from shared.events.contracts.intake import CaseCreatedV1
from shared.outbox.emit import emit
from tests.helpers import NOW, TODAY
from tests.intake.api import FACTS, Api, BuiltCase, JsonDict, triage_answers

IC = "ic-alice"  # the intake caseworker the case tests act as (the ``caseworker`` fixture)
CALENDAR = WorkingCalendar()  # the test settings configure no office closure days
_SPACES = re.compile(r"\s+")


def _normalised(name: str) -> str:
    return _SPACES.sub(" ", name).strip().casefold()


def _principal(sub: str) -> Principal:
    return Principal(sub=sub, roles=frozenset({Role.intake_caseworker.value}))


async def _added(session: AsyncSession, *rows: Any) -> None:
    session.add_all(rows)
    await session.flush()
    for row in rows:  # server defaults (timestamps, copied dates) are read back now, not lazily
        await session.refresh(row)


async def make_person(
    session: AsyncSession,
    *,
    given_name: str = "Alex",
    family_name: str = "Example",
    mp_constituency: str | None = None,
    created_by: str = IC,
    **overrides: Any,
) -> Person:
    """A person as ``POST /v1/people`` stores one: an address, a phone and an email, each with
    every field of its schema, and the normalised search keys; ``mp_constituency`` makes an MP."""
    values: dict[str, Any] = {
        "party_kind": PartyKind.person,
        "title": None,
        "given_name": given_name,
        "family_name": family_name,
        "organisation_name": None,
        "addresses": [
            {
                "first_line": "1 Example Street",
                "further_lines": [],
                "town": None,
                "postcode": "ZZ99 9ZZ",
                "country": None,
            }
        ],
        "phones": [{"number": "01632 960000", "label": None}],
        "emails": [{"address": f"{given_name.lower()}@example.invalid", "label": None}],
        "preferred_contact_method": None,
        "days_to_avoid": [],
        "dates_to_avoid": [],
        "mp_constituency": mp_constituency,
        "mp_active": True if mp_constituency else None,
        "created_by": created_by,
        **overrides,
    }
    person = Person(id=uuid.uuid4(), **values)
    names = [person.family_name or person.given_name, person.organisation_name]
    if person.given_name and person.family_name:
        names.append(f"{person.given_name} {person.family_name}")
    person.search_names = sorted({_normalised(n) for n in names if n})
    person.sort_name = _normalised(
        person.family_name or person.organisation_name or person.given_name or ""
    )
    person.search_emails = sorted({e["address"].strip().casefold() for e in person.emails})
    person.search_phones = sorted({re.sub(r"\D", "", p["number"]) for p in person.phones})
    person.search_postcodes = sorted(
        {_SPACES.sub("", a["postcode"]).upper() for a in person.addresses if a.get("postcode")}
    )
    await _added(session, person)
    return person


async def make_organisation(
    session: AsyncSession,
    *,
    name: str = "Exampleshire Hospitals NHS Trust",
    kind: OrganisationKind = OrganisationKind.nhs_trust,
    created_by: str = IC,
    **overrides: Any,
) -> Organisation:
    """A register entry as ``POST /v1/organisations`` stores one, its name made unique; the
    jurisdiction is the one its kind allows unless given."""
    if "jurisdiction" not in overrides:
        allowed = KIND_JURISDICTIONS[kind]
        assert len(allowed) == 1, f"a {kind.value} may be either jurisdiction: give one"
        [overrides["jurisdiction"]] = allowed
    org = Organisation(
        id=uuid.uuid4(), name=f"{name} {uuid.uuid4().hex[:6]}", kind=kind, created_by=created_by,
        **overrides,
    )  # fmt: skip
    await _added(session, org)
    return org


PartySpec = Person | tuple[Person, PartyRole]


async def make_case(
    session: AsyncSession,
    *,
    status: CaseStatus = CaseStatus.intake,
    parties: Sequence[PartySpec] = (),
    organisations: Sequence[Organisation] = (),
    received_date: date = TODAY,
    channel: Channel = Channel.online_form,
    jurisdiction: Jurisdiction | None = Jurisdiction.health,
    case_type: CaseType = CaseType.complaint,
    owner: str = IC,
    at: datetime = NOW,
    closure_code: str = "further information required",
    **overrides: Any,
) -> Case:
    """A case in ``status``, as the API would have left it (see the module's docstring).

    ``parties`` are complainants unless given as ``(person, role)``; ``organisations`` are the
    original organisations complained about. ``overrides`` set columns (the facts, say). A
    ``received`` case has no previous-contact check and no owner. ``referred`` needs the facts a
    referral carries (``make_ready_case`` gives them); ``closed`` is closed with
    ``closure_code``. Other statuses are only set, with their timestamp: add what they imply.
    """
    in_intake = status is not CaseStatus.received
    people = [p if isinstance(p, tuple) else (p, PartyRole.complainant) for p in parties]
    check = None
    if in_intake:
        complainants = [p.id for p, role in people if role is PartyRole.complainant]
        check = PreviousContactCheck(
            id=uuid.uuid4(), person_id=complainants[0] if complainants else None,
            organisation_ids=[o.id for o in organisations], done_by=owner, matches=[],
        )  # fmt: skip
        await _added(session, check)
    number = await session.scalar(select(func.nextval("case_reference_seq")))
    case = Case(
        id=uuid.uuid4(),
        reference=f"CAS-{number:07d}",
        status=CaseStatus.intake if in_intake else CaseStatus.received,
        status_changed_at=at,
        case_type=case_type,
        channel=channel,
        jurisdiction=jurisdiction,
        received_date=received_date,
        previous_contact_check_id=check.id if check else None,
        owner=owner if in_intake else None,
        created_by=owner,
        organisation_ids=[o.id for o in organisations],
        **overrides,
    )
    await _added(session, case)
    await _added(
        session,
        Deadline(
            id=uuid.uuid4(), case_id=case.id, kind=DeadlineKind.intake_contact,
            rule="C-01 INT-008: pass on within 2 weeks of receipt, or contact the complainant",
            starts_on=received_date, due_date=CALENDAR.add_weeks(received_date, 2),
        ),
        Deadline(
            id=uuid.uuid4(), case_id=case.id, kind=DeadlineKind.acknowledgement,
            rule="C-03 ¶1.27: acknowledge within 10 working days", starts_on=received_date,
            due_date=CALENDAR.add_working_days(received_date, 10),
        ),
        *[
            CaseParty(id=uuid.uuid4(), case_id=case.id, person_id=p.id, role=role)
            for p, role in people
        ],
        *[
            CaseOrganisation(
                id=uuid.uuid4(), case_id=case.id, organisation_id=o.id,
                role=OrganisationRole.original, in_jurisdiction=o.in_jurisdiction,
                remit_only_for_victims_code=o.remit_only_for_victims_code,
            )
            for o in organisations
        ],
    )  # fmt: skip
    actor = _principal(owner)
    await record_audit(
        session, actor=actor, entity_type="case", entity_id=case.id, case_id=case.id,
        action="case.created", before=None, after=None, reason="Request received",
    )  # fmt: skip
    await emit(
        session,
        CaseCreatedV1(
            reference=case.reference, status=case.status.value, case_type=case.case_type.value,
            channel=case.channel.value,
            jurisdiction=case.jurisdiction.value if case.jurisdiction else None,
            received_date=case.received_date,
            previous_contact_check_id=case.previous_contact_check_id,
        ),
        case_id=case.id, actor=owner, occurred_at=at,
    )  # fmt: skip
    if status in (CaseStatus.received, CaseStatus.intake):
        return case
    if status is CaseStatus.closed:
        case.closure_code = closure_code
        case.closure_reasons = f"Closing as '{closure_code}' (example)"
    await move(session, case, status, at=at)
    return case


async def move(session: AsyncSession, case: Case, to: CaseStatus, *, at: datetime = NOW) -> None:
    """``state.transition`` as the API makes it: its event emitted and the clocks it stops
    stopped (a referral meets the two-week clock; a closure cancels every open clock)."""
    event = transition(case, to, at=at)
    await session.flush()
    if event is not None:
        await emit(session, event, case_id=case.id, actor=case.owner, occurred_at=at)
    if to in (CaseStatus.referred, CaseStatus.closed):
        clocks = await session.scalars(
            select(Deadline).where(
                Deadline.case_id == case.id, Deadline.met_at.is_(None),
                Deadline.cancelled_at.is_(None),
            )
        )  # fmt: skip
        for clock in clocks:
            if to is CaseStatus.closed:
                clock.cancelled_at = at
            elif clock.kind is DeadlineKind.intake_contact:
                clock.met_at = at
        await session.flush()


async def make_contact(
    session: AsyncSession, case: Case, person: Person, *, at: datetime = NOW, **overrides: Any
) -> ContactAttempt:
    """INT-005: a telephone conversation with ``person``, both INT-011 points covered."""
    values: dict[str, Any] = {
        "channel": "telephone", "direction": "outbound", "attempted_at": at,
        "outcome": "reached", "expectations_explained": True, "adjustments_discussed": True,
        "recorded_by": case.owner or IC, **overrides,
    }  # fmt: skip
    attempt = ContactAttempt(id=uuid.uuid4(), case_id=case.id, person_id=person.id, **values)
    await _added(session, attempt)
    return attempt


async def make_acknowledgement(
    session: AsyncSession, case: Case, person: Person, *, at: datetime = NOW
) -> Communication:
    """¶1.27: the acknowledgement letter to ``person``; it meets the receipt's C-03 clock."""
    letter = Communication(
        id=uuid.uuid4(), case_id=case.id, medium="letter", direction="outbound",
        purpose="acknowledgement", occurred_at=at,
        recipients=[{"person_id": str(person.id), "organisation_id": None, "is_copy": False}],
        recorded_by=case.owner or IC,
    )  # fmt: skip
    await _added(session, letter)
    clocks = await session.scalars(
        select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == DeadlineKind.acknowledgement,
            Deadline.source_id.is_(None), Deadline.met_at.is_(None),
        )
    )  # fmt: skip
    for clock in clocks:
        clock.met_at = at
    await session.flush()
    return letter


async def make_ready_case(
    session: AsyncSession,
    *,
    person: Person | None = None,
    organisations: Sequence[Organisation] | None = None,
    category: TriageCategory = TriageCategory.general,
    properly_made: bool = True,
    at: datetime = NOW,
    **overrides: Any,
) -> Case:
    """An intake case with everything a referral needs: complainant, organisation, contact,
    acknowledgement, the facts (``FACTS``), triage and the properly-made decision."""
    person = person or await make_person(session)
    if organisations is None:
        organisations = [await make_organisation(session)]
    case = await make_case(
        session, parties=[person], organisations=organisations, at=at, **overrides
    )
    await make_contact(session, case, person, at=at)
    await make_acknowledgement(session, case, person, at=at)
    facts = {k: v for k, v in FACTS.items() if k != "reason"}
    facts["route"] = Route(facts["route"])
    for name, value in facts.items():
        if name not in overrides:
            setattr(case, name, value)
    await session.flush()  # a version of its own, as the PATCH makes
    case.triage_category = category
    case.triage_answers = triage_answers(category.value)
    case.triage_questionnaire_version = "ccc-2026.1"
    await session.flush()
    if properly_made:
        case.properly_made = True
        case.properly_made_decided_by = case.owner
        case.properly_made_decided_at = at
        await session.flush()
    return case


def person_json(person: Person) -> JsonDict:
    """The parts of ``PersonRead`` the case tests look at."""
    return {
        "id": str(person.id), "given_name": person.given_name,
        "family_name": person.family_name, "emails": person.emails,
        "mp": {"constituency": person.mp_constituency} if person.mp_constituency else None,
    }  # fmt: skip


async def built(
    api: Api, case: Case, person: Person | None, orgs: Sequence[Organisation]
) -> BuiltCase:
    """A built case as the API reads it (its JSON and ETag), with its people and organisations."""
    read = await api.call("GET", f"/v1/cases/{case.id}")
    return BuiltCase(
        read,
        person_json(person) if person else {},
        [{"id": str(o.id), "name": o.name} for o in orgs],
    )


async def build_ready_case(
    api: Api,
    session: AsyncSession,
    *,
    received_date: date = TODAY,
    jurisdiction: Jurisdiction | None = Jurisdiction.health,
    organisations: int = 1,
    properly_made: bool = True,
    category: str = "general",
) -> BuiltCase:
    """``tests.intake.api.ready_case`` built in the database (then read once over HTTP): the
    complainant's name, email and address are in the complaint summary, as there."""
    tag = uuid.uuid4().hex[:6]
    person = await make_person(session, given_name=f"Alex{tag}")
    orgs = [
        await make_organisation(session, name=f"Exampleshire Hospitals NHS Trust {tag}-{n}")
        for n in range(organisations)
    ]
    summary = (
        f"{person.given_name} Example of 1 Example Street, {person.emails[0]['address']}, "
        "says the trust ignored the letters."
    )
    case = await make_ready_case(
        session, person=person, organisations=orgs, received_date=received_date,
        jurisdiction=jurisdiction, category=TriageCategory(category),
        properly_made=properly_made, complaint_summary=summary,
    )  # fmt: skip
    return await built(api, case, person, orgs)

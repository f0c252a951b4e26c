"""Use cases of a person's record: create, read, update, search, the contact card (¶1.1, ¶1.12).

Every change, and every read of personal data, is audited (see ``records``). The records that hang
off a person have modules of their own: ``consents``, ``adjustments``, ``verification`` and
``mps``. Other domains reach people only through this module: ``__all__`` at the end lists what
they use, the model types they handle included.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import repository
from intake_api.people.consents import find_active_consent, require_active_consent
from intake_api.people.errors import PartyDetailsInvalid, PersonNotFound, SearchCriterionRequired
from intake_api.people.models import ConsentType, ContactMethod, MpSuccession, PartyKind, Person
from intake_api.people.normalise import (
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    refresh_search_keys,
)
from intake_api.people.records import ENTITY, audit_reads, get_person
from intake_api.people.restrictions import covering as covering_restrictions
from intake_api.people.schemas import (
    CONFIDENTIAL_ACCESS_MARKING,
    ContactCard,
    MpRecordRead,
    PersonCreate,
    PersonPage,
    PersonRead,
    PersonSummary,
    PersonUpdate,
    RestrictionOnCard,
)
from intake_api.people.verification import require_verified_call
from shared.auth import Principal
from shared.changes import Audited, load_for_update
from shared.pagination import Keyset, key_str, key_uuid, paginate

# A person is audited as the API shows it, MP record included. Building that view takes queries,
# so a change is audited with ``PERSON.record`` and an explicit ``before`` (``Audited.change``
# snapshots synchronously).
PERSON = Audited[PersonRead](
    entity_type=ENTITY,
    snapshot=lambda read: read.model_dump(mode="json"),
    entity_id=lambda read: read.id,
)
SEARCH = Keyset("people", (key_str, key_uuid))


def display_name(person: Person) -> str:
    if person.party_kind is PartyKind.organisation:
        return person.organisation_name or ""
    parts = (person.title, person.given_name, person.family_name)
    return " ".join(p for p in parts if p)


def check_party(person: Person) -> None:
    """The whole record must make sense, after a create or after a PATCH is applied."""
    problems: list[str] = []
    if person.party_kind is PartyKind.person:
        if not (person.given_name or person.family_name):
            problems.append("a person needs a given_name or a family_name")
        if person.organisation_name is not None:
            problems.append("organisation_name is only for an organisation")
    else:
        if not person.organisation_name:
            problems.append("an organisation needs an organisation_name")
        for name in ("title", "given_name", "family_name", "prison_number", "mp_constituency"):
            if getattr(person, name) is not None:
                problems.append(f"{name} is only for a person")
    if person.preferred_contact_method is ContactMethod.other and not person.preferred_contact_note:
        problems.append("preferred_contact_note is required when the method is 'other'")
    if problems:
        raise PartyDetailsInvalid("; ".join(problems), extensions={"problems": problems})


# --- For other domains (cases): they reach people only through these functions.


async def find_person(session: AsyncSession, *, person_id: uuid.UUID) -> Person | None:
    """The person, or None (the caller decides what a missing person means)."""
    return await repository.get_person(session, person_id)


async def people_by_id(
    session: AsyncSession, *, person_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Person]:
    """The people with these ids, in one query; ids with no person are left out."""
    return await repository.people_by_id(session, person_ids)


async def successor_of(session: AsyncSession, *, person_id: uuid.UUID) -> MpSuccession | None:
    """The recorded successor of an MP's seat, if any (ASM-023)."""
    return await repository.successor_of(session, person_id)


# --- the person's record ---------------------------------------------------------------------


async def _mp_read(session: AsyncSession, person: Person) -> MpRecordRead | None:
    if person.mp_constituency is None:
        return None
    succession = await repository.successor_of(session, person.id)
    pending = await repository.open_deactivation_requests(session, person.id)
    return MpRecordRead(
        constituency=person.mp_constituency,
        active=bool(person.mp_active),
        deactivated_at=person.mp_deactivated_at,
        deactivation_reason=person.mp_deactivation_reason,
        successor_person_id=succession.successor_person_id if succession else None,
        predecessor_person_ids=await repository.predecessors_of(session, person.id),
        pending_deactivation_request_id=pending[0].id if pending else None,
    )


def _contact_fields(person: Person) -> dict[str, Any]:
    return {
        "party_kind": person.party_kind,
        "display_name": display_name(person),
        "title": person.title,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "organisation_name": person.organisation_name,
        "addresses": person.addresses,
        "phones": person.phones,
        "emails": person.emails,
        "preferred_contact_method": person.preferred_contact_method,
        "preferred_contact_note": person.preferred_contact_note,
        "days_to_avoid": person.days_to_avoid,
        "dates_to_avoid": person.dates_to_avoid,
        "prison_number": person.prison_number,
        "confidential_access_rights_apply": person.prison_number is not None,
        "version": person.version,
    }


async def person_read(session: AsyncSession, person: Person) -> PersonRead:
    return PersonRead.model_validate(
        {
            **_contact_fields(person),
            "id": person.id,
            "mp": await _mp_read(session, person),
            "created_by": person.created_by,
            "created_at": person.created_at,
            "updated_at": person.updated_at,
        }
    )


async def audit_person(
    session: AsyncSession,
    person: Person,
    *,
    before: PersonRead | None,
    actor: Principal,
    action: str,
    reason: str | None,
) -> PersonRead:
    """Flush ``person`` and audit it, ``before`` → as it is now; returns the new view."""
    await session.flush()
    await session.refresh(person)
    after = await person_read(session, person)
    before_json = before.model_dump(mode="json") if before is not None else None
    await PERSON.record(
        session, after, actor=actor, action=action, before=before_json, reason=reason
    )
    return after


def _new_person(data: PersonCreate, *, actor: Principal) -> Person:
    person = Person(
        id=uuid.uuid4(),
        party_kind=data.party_kind,
        title=data.title,
        given_name=data.given_name,
        family_name=data.family_name,
        organisation_name=data.organisation_name,
        addresses=[a.model_dump(mode="json") for a in data.addresses],
        phones=[p.model_dump(mode="json") for p in data.phones],
        emails=[e.model_dump(mode="json") for e in data.emails],
        preferred_contact_method=data.preferred_contact_method,
        preferred_contact_note=data.preferred_contact_note,
        days_to_avoid=[d.value for d in data.days_to_avoid],
        dates_to_avoid=[d.model_dump(mode="json") for d in data.dates_to_avoid],
        prison_number=data.prison_number,
        mp_constituency=data.mp.constituency if data.mp else None,
        mp_active=True if data.mp else None,
        created_by=actor.sub,
    )
    check_party(person)
    refresh_search_keys(person)
    return person


async def create_person(
    session: AsyncSession, *, data: PersonCreate, actor: Principal, reason: str = "Party recorded"
) -> PersonRead:
    """Record a party (¶1.12, INT-010): a person, an organisation acting as a party, or an MP."""
    person = await repository.add(session, _new_person(data, actor=actor))
    return await audit_person(
        session, person, before=None, actor=actor, action="person.created", reason=reason
    )


async def read_person(
    session: AsyncSession, *, person_id: uuid.UUID, actor: Principal, case_id: uuid.UUID | None
) -> PersonRead:
    """The person's record; the read is audited as a disclosure of personal data."""
    read = await person_read(session, await get_person(session, person_id=person_id))
    await audit_reads(
        session, actor=actor, person_ids=[person_id], action="person.read", case_id=case_id
    )
    return read


async def update_person(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    changes: PersonUpdate,
    actor: Principal,
    if_match: str | None,
) -> tuple[PersonRead, list[str]]:
    """Change contact details and preferences (INT-007, ¶1.63); needs the current ETag.

    Returns the record and the names of the fields that changed.
    """
    person = await load_for_update(
        session, Person, person_id, if_match=if_match, missing=PersonNotFound, required=True
    )
    before = await person_read(session, person)
    values = changes.model_dump(mode="json", include=changes.model_fields_set - {"reason"})
    if values.get("preferred_contact_method") is not None:
        values["preferred_contact_method"] = ContactMethod(values["preferred_contact_method"])
    for name, value in values.items():
        setattr(person, name, value)
    check_party(person)
    refresh_search_keys(person)
    if not session.is_modified(person):
        return before, []
    after = await audit_person(
        session, person, before=before, actor=actor, action="person.updated", reason=changes.reason
    )
    was, now = before.model_dump(mode="json"), after.model_dump(mode="json")
    return after, [name for name in values if was.get(name) != now.get(name)]


async def read_contact_card(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    actor: Principal,
    case_id: uuid.UUID | None,
    today: date,
) -> ContactCard:
    """What a letter or call needs (INT-006, INT-048); audited as a disclosure."""
    person = await get_person(session, person_id=person_id)
    fields = _contact_fields(person)
    card = ContactCard.model_validate(
        {
            **fields,
            "person_id": person.id,
            "correspondence_address": person.addresses[0] if person.addresses else None,
            "suggested_contact_method": person.preferred_contact_method or ContactMethod.telephone,
            "confidential_access_marking": (
                CONFIDENTIAL_ACCESS_MARKING if fields["confidential_access_rights_apply"] else None
            ),
            "mp": await _mp_read(session, person),
            "contact_restrictions": [
                RestrictionOnCard.model_validate(r)
                for r in await repository.restrictions_in_force(session, [person.id], on=today)
            ],
        }
    )
    await audit_reads(
        session,
        actor=actor,
        person_ids=[person_id],
        action="person.contact_card.read",
        case_id=case_id,
    )
    return card


def _summary(person: Person) -> PersonSummary:
    return PersonSummary(
        id=person.id,
        party_kind=person.party_kind,
        display_name=display_name(person),
        postcodes=[a["postcode"] for a in person.addresses if a.get("postcode")],
        is_mp=person.mp_constituency is not None,
        mp_active=person.mp_active,
        created_at=person.created_at,
    )


async def search_people(
    session: AsyncSession,
    *,
    name: str | None,
    email: str | None,
    phone: str | None,
    postcode: str | None,
    limit: int,
    cursor: str | None,
    actor: Principal,
) -> PersonPage:
    """People matching every given key, normalised (¶1.1, INT-001); each hit is audited."""
    if name is None and email is None and phone is None and postcode is None:
        raise SearchCriterionRequired("Give at least one of name, email, phone or postcode")

    async def fetch(after: tuple[str, uuid.UUID] | None, n: int) -> list[Person]:
        return await repository.search_people(
            session,
            name=normalise_name(name) if name is not None else None,
            email=normalise_email(email) if email is not None else None,
            phone=normalise_phone(phone) if phone is not None else None,
            postcode=normalise_postcode(postcode) if postcode is not None else None,
            after=after,
            limit=n,
        )

    page = await paginate(
        fetch,
        keyset=SEARCH,
        cursor=cursor,
        limit=limit,
        key=lambda p: (p.sort_name, p.id),
        item=_summary,
        page=PersonPage,
    )
    await audit_reads(
        session,
        actor=actor,
        person_ids=[p.id for p in page.items],
        action="person.search_result.read",
    )
    return page


# Other domains reach people only through this module: the model types they handle come from here.
__all__ = [
    "ConsentType",
    "MpSuccession",
    "Person",
    "covering_restrictions",
    "find_active_consent",
    "find_person",
    "get_person",
    "people_by_id",
    "require_active_consent",
    "require_verified_call",
    "successor_of",
]

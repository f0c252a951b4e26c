"""Contact restrictions under the unreasonable behaviour policy (¶1.27, ¶2.222; XC-COM-001).

A manager decides a restriction: the contact it covers (``scope``), a start, an end or a review
date, optionally one case. It is held on the person, audited like every record of theirs, and
shown on the contact card, so every service sees it. While it is in force and covers a contact,
that contact starts no 10-working-day acknowledgement deadline (C-03): ``covering`` answers
that for the cases module. Lifting early is its own audited act; nothing is ever deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import repository
from intake_api.people.errors import (
    ContactRestrictionAlreadyLifted,
    ContactRestrictionNotFound,
    RestrictionLiftInvalid,
)
from intake_api.people.models import ContactRestriction, RestrictionScope
from intake_api.people.records import (
    audit_reads,
    audited_on_person,
    get_person,
    load_record_for_update,
)
from intake_api.people.schemas_restrictions import (
    ContactRestrictionCreate,
    ContactRestrictionLift,
    ContactRestrictionPage,
    ContactRestrictionRead,
)
from shared.auth import Principal
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

RESTRICTION = audited_on_person(ContactRestriction, ContactRestrictionRead)
RESTRICTIONS = Keyset("contact-restrictions", (key_datetime, key_uuid))


def in_force(restriction: ContactRestriction | ContactRestrictionRead, on: date) -> bool:
    """True on the business dates from ``starts_on`` to ``ends_on``, before any ``lifted_on``.

    A review date does not end it: it stays in force until it is reviewed and lifted.
    """
    return (
        restriction.starts_on <= on
        and (restriction.ends_on is None or on <= restriction.ends_on)
        and (restriction.lifted_on is None or on < restriction.lifted_on)
    )


def covers(
    restriction: ContactRestriction | ContactRestrictionRead,
    *,
    on: date,
    channel: str,
    case_id: uuid.UUID | None,
) -> bool:
    """Whether contact by ``channel`` on ``on`` (about ``case_id``) falls under ``restriction``."""
    if not in_force(restriction, on):
        return False
    if restriction.case_id is not None and restriction.case_id != case_id:
        return False
    scope = {str(s) for s in restriction.scope}
    return RestrictionScope.all_contact.value in scope or channel in scope


async def covering(
    session: AsyncSession,
    person_ids: Iterable[uuid.UUID],
    *,
    on: date,
    channel: str,
    case_id: uuid.UUID | None,
) -> list[ContactRestriction]:
    """The restrictions in force on ``on`` that cover contact from any of ``person_ids``."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return []
    rows = await repository.restrictions_in_force(session, ids, on=on)
    return [r for r in rows if covers(r, on=on, channel=channel, case_id=case_id)]


async def impose(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    data: ContactRestrictionCreate,
    actor: Principal,
    now: datetime,
) -> ContactRestriction:
    """Record a manager's decision to restrict the person's contact; the manager is the decider."""
    await get_person(session, person_id=person_id)
    restriction = await repository.add(
        session,
        ContactRestriction(
            id=uuid.uuid4(),
            person_id=person_id,
            case_id=data.case_id,
            scope=[s.value for s in data.scope],
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            review_on=data.review_on,
            reason=data.reason,
            decided_by=actor.sub,
            decided_at=now,
        ),
    )
    await RESTRICTION.created(
        session,
        restriction,
        actor=actor,
        action="person.contact_restriction.imposed",
        reason=data.reason,
    )
    return restriction


async def lift(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    restriction_id: uuid.UUID,
    data: ContactRestrictionLift,
    actor: Principal,
    if_match: str | None,
) -> ContactRestriction:
    """End a restriction from ``lifted_on`` (e.g. at its review); once only."""
    restriction = await load_record_for_update(
        session,
        ContactRestriction,
        restriction_id,
        person_id=person_id,
        if_match=if_match,
        missing=ContactRestrictionNotFound,
        what="contact restriction",
    )
    if restriction.lifted_on is not None:
        raise ContactRestrictionAlreadyLifted(
            f"Lifted from {restriction.lifted_on}",
            extensions={"lifted_on": str(restriction.lifted_on)},
        )
    if data.lifted_on < restriction.starts_on:
        raise RestrictionLiftInvalid("lifted_on is before the restriction starts")
    if restriction.ends_on is not None and data.lifted_on > restriction.ends_on:
        raise RestrictionLiftInvalid("The restriction has already ended by then")
    async with RESTRICTION.change(
        session,
        restriction,
        actor=actor,
        action="person.contact_restriction.lifted",
        reason=data.reason,
    ):
        restriction.lifted_on = data.lifted_on
        restriction.lifted_by = actor.sub
        restriction.lift_reason = data.reason
    return restriction


async def list_restrictions(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    actor: Principal,
    limit: int,
    cursor: str | None,
) -> ContactRestrictionPage:
    """Every restriction of the person, in force or not, in the order they were decided."""
    await get_person(session, person_id=person_id)
    page = await paginate(
        lambda after, n: repository.list_restrictions(session, person_id, after=after, limit=n),
        keyset=RESTRICTIONS,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.decided_at, r.id),
        item=ContactRestrictionRead.model_validate,
        page=ContactRestrictionPage,
    )
    await audit_reads(
        session, actor=actor, person_ids=[person_id], action="person.contact_restrictions.read"
    )
    return page

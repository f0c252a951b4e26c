"""MP records: successors and deactivation (¶2.42 second occurrence, ¶2.47, ASM-023/026).

A successor is a SEPARATE MP record, linked to the one it succeeds, which is never overwritten.
The old record stays active until the deactivate act: recording a successor raises a request to
make it inactive, and deactivating completes every open request on it.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import repository
from intake_api.people.errors import (
    MpAlreadyInactive,
    MpAlreadySucceeded,
    NotAnMp,
    PersonNotFound,
    SuccessorInvalid,
)
from intake_api.people.models import MpDeactivationRequest, MpSuccession, Person
from intake_api.people.records import ENTITY, not_future
from intake_api.people.schemas import MpRecordCreate, PersonCreate, PersonRead
from intake_api.people.schemas_mps import (
    MpDeactivation,
    MpDeactivationRequestPage,
    MpDeactivationRequestRead,
    MpSuccessionCreate,
    MpSuccessionRead,
    MpSuccessorCreate,
)
from intake_api.people.service import audit_person, create_person, person_read
from shared.auth import Principal
from shared.changes import Audited, load_for_update
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

# A succession is audited on both records: the previous MP's and the successor's.
SUCCESSION = Audited[MpSuccessionRead](
    entity_type=ENTITY,
    snapshot=lambda read: read.model_dump(mode="json"),
    entity_id=lambda read: read.previous_person_id,
)
PREDECESSOR_LINK = replace(SUCCESSION, entity_id=lambda read: read.successor_person_id)
DEACTIVATION_REQUEST = Audited[MpDeactivationRequest](
    entity_type=ENTITY,
    snapshot=lambda r: MpDeactivationRequestRead.model_validate(r).model_dump(mode="json"),
    entity_id=lambda r: r.person_id,
)
DEACTIVATION_REQUESTS = Keyset("mp-deactivation-requests", (key_datetime, key_uuid))


async def _successor_id(
    session: AsyncSession, previous: Person, data: MpSuccessionCreate, actor: Principal
) -> uuid.UUID:
    """The successor's record: the existing one named, or a new one made from ``successor``."""
    if data.successor_person_id is not None:
        successor = await repository.get_person(session, data.successor_person_id)
        if (
            successor is None
            or successor.id == previous.id
            or successor.mp_constituency is None
            or not successor.mp_active
            or await repository.successor_of(session, successor.id) is not None
        ):
            raise SuccessorInvalid("successor_person_id must be another active MP record")
        return successor.id
    assert data.successor is not None
    new: MpSuccessorCreate = data.successor
    created = await create_person(
        session,
        data=PersonCreate(
            title=new.title,
            given_name=new.given_name,
            family_name=new.family_name,
            addresses=new.addresses,
            phones=new.phones,
            emails=new.emails,
            preferred_contact_method=new.preferred_contact_method,
            mp=MpRecordCreate(constituency=new.constituency or previous.mp_constituency),
        ),
        actor=actor,
        reason="Newly elected MP added as a separate MP record (¶2.47)",
    )
    return created.id


async def record_mp_successor(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    data: MpSuccessionCreate,
    actor: Principal,
    now: datetime,
    today: date,
) -> MpSuccessionRead:
    """Link or create the successor as a SEPARATE MP record; never overwrite the old one.

    The old record stays active: a deactivation request is raised on it (¶2.47), completed
    only by the deactivate act.
    """
    previous = await load_for_update(
        session, Person, person_id, if_match=None, missing=PersonNotFound
    )
    if previous.mp_constituency is None:
        raise NotAnMp("Only an MP record can have a successor")
    if await repository.successor_of(session, previous.id) is not None:
        raise MpAlreadySucceeded("This MP record already has a successor")
    not_future(data.effective_date, today, "effective_date")
    successor_id = await _successor_id(session, previous, data, actor)
    succession = await repository.add(
        session,
        MpSuccession(
            id=uuid.uuid4(),
            previous_person_id=previous.id,
            successor_person_id=successor_id,
            effective_date=data.effective_date,
            reason=data.reason,
            note=data.note,
            recorded_at=now,
            recorded_by=actor.sub,
        ),
    )
    request: MpDeactivationRequest | None = None
    if previous.mp_active:
        request = await repository.add(
            session,
            MpDeactivationRequest(
                id=uuid.uuid4(),
                person_id=previous.id,
                mp_succession_id=succession.id,
                reason=f"Succeeded by MP record {successor_id} ({data.reason.value})",
                requested_at=now,
                requested_by=actor.sub,
            ),
        )
    read = MpSuccessionRead(
        id=succession.id,
        previous_person_id=previous.id,
        successor_person_id=successor_id,
        effective_date=succession.effective_date,
        reason=succession.reason,
        note=succession.note,
        recorded_at=succession.recorded_at,
        recorded_by=succession.recorded_by,
        deactivation_request_id=request.id if request else None,
    )
    why = data.note or f"MP {data.reason.value}"
    await SUCCESSION.record(
        session, read, actor=actor, action="person.mp.successor_recorded", before=None, reason=why
    )
    await PREDECESSOR_LINK.record(
        session, read, actor=actor, action="person.mp.predecessor_linked", before=None, reason=why
    )
    if request is not None:
        await DEACTIVATION_REQUEST.created(
            session,
            request,
            actor=actor,
            action="person.mp.deactivation_requested",
            reason=request.reason,
        )
    return read


async def deactivate_mp(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    data: MpDeactivation,
    actor: Principal,
    now: datetime,
    if_match: str | None,
) -> PersonRead:
    """Make an MP record inactive (¶2.47); completes any open deactivation request on it."""
    person = await load_for_update(
        session, Person, person_id, if_match=if_match, missing=PersonNotFound
    )
    if person.mp_constituency is None:
        raise NotAnMp("The person has no MP record")
    if not person.mp_active:
        raise MpAlreadyInactive("The MP record is already inactive")
    before = await person_read(session, person)
    person.mp_active = False
    person.mp_deactivated_at = now
    person.mp_deactivated_by = actor.sub
    person.mp_deactivation_reason = data.reason
    for request in await repository.open_deactivation_requests(session, person.id):
        request.completed_at = now
        request.completed_by = actor.sub
    return await audit_person(
        session,
        person,
        before=before,
        actor=actor,
        action="person.mp.deactivated",
        reason=data.reason,
    )


async def list_mp_deactivation_requests(
    session: AsyncSession, *, open_only: bool, limit: int, cursor: str | None
) -> MpDeactivationRequestPage:
    return await paginate(
        lambda after, n: repository.list_deactivation_requests(
            session, open_only=open_only, after=after, limit=n
        ),
        keyset=DEACTIVATION_REQUESTS,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.requested_at, r.id),
        item=MpDeactivationRequestRead.model_validate,
        page=MpDeactivationRequestPage,
    )

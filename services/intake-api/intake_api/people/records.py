"""What every part of the people module shares: a person, or a record that hangs off one, by id;
the audit of a read; and the rule that what is recorded did not happen in the future.

Reads are audited too because each one discloses personal data (DESIGN §1: other services ask
intake for contact details instead of holding them). Audit rows name the person as the entity,
so one query gives a person's whole history; details never go to the logs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import repository
from intake_api.people.errors import DateInFuture, PersonNotFound
from intake_api.people.models import Person
from shared.audit import record_audit
from shared.auth import Principal
from shared.changes import Audited, load_for_update
from shared.errors import NotFound

ENTITY = "person"


class OnPerson(Protocol):
    """A record that hangs off a person and may belong to a case."""

    @property
    def person_id(self) -> uuid.UUID: ...

    @property
    def case_id(self) -> uuid.UUID | None: ...


class VersionedOnPerson(OnPerson, Protocol):
    id: Any
    version: int


P = TypeVar("P", bound=OnPerson)
V = TypeVar("V", bound=VersionedOnPerson)


async def get_person(session: AsyncSession, *, person_id: uuid.UUID) -> Person:
    person = await repository.get_person(session, person_id)
    if person is None:
        raise PersonNotFound(f"No person with id {person_id}")
    return person


async def load_record_for_update(
    session: AsyncSession,
    model: type[V],
    record_id: uuid.UUID,
    *,
    person_id: uuid.UUID,
    if_match: str | None,
    missing: type[NotFound],
    what: str,
) -> V:
    """The person's ``model`` ``record_id``, locked, after its If-Match check; 404 if another's.

    ``load_for_update`` looks the record up by id alone, so a stale If-Match on another person's
    record is a 412 before it is a 404; either way nothing changes.
    """
    record = await load_for_update(
        session, model, record_id, if_match=if_match, missing=missing, what=what
    )
    if record.person_id != person_id:
        raise missing(f"No {what} {record_id} for person {person_id}")
    return record


def audited_on_person(model: type[P], read: type[BaseModel]) -> Audited[P]:
    """How ``model`` is audited: against its person (XC-AUD), with its case, as ``read`` shows."""
    return Audited(
        entity_type=ENTITY,
        snapshot=lambda row: read.model_validate(row).model_dump(mode="json"),
        case_id=lambda row: row.case_id,
        entity_id=lambda row: row.person_id,
    )


async def audit_reads(
    session: AsyncSession,
    *,
    actor: Principal,
    person_ids: Iterable[uuid.UUID],
    action: str,
    case_id: uuid.UUID | None = None,
) -> None:
    """Audit a read of each person's data once, however many of their records it showed.

    A read has no before or after, so it is written directly rather than through ``Audited``.
    """
    for person_id in dict.fromkeys(person_ids):
        await record_audit(
            session,
            actor=actor,
            entity_type=ENTITY,
            entity_id=person_id,
            case_id=case_id,
            action=action,
        )


def not_future(value: date, now: date, field: str) -> None:
    # Callers compare like with like: a datetime with now(), a business date with today().
    if value > now:
        raise DateInFuture(f"{field} is in the future", extensions={"field": field})

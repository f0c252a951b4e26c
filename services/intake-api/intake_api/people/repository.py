"""Every query of the people module.

The lists are keyset-paginated (``shared.pagination.paginate``): each returns at most ``limit``
rows in its order, strictly after the sort key ``after`` (None for the first page).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people.models import (
    AccessibilityRequest,
    Consent,
    ConsentType,
    ContactRestriction,
    IdentityVerification,
    MpDeactivationRequest,
    MpSuccession,
    Person,
    ReasonableAdjustmentRequest,
    VerificationOutcome,
)
from intake_api.people.state import RaStatus
from shared.db import Base

T = TypeVar("T", bound=Base)


async def add(session: AsyncSession, obj: T) -> T:
    """Insert ``obj`` now, so that rows added after it may refer to it."""
    session.add(obj)
    await session.flush()
    return obj


# --- people ----------------------------------------------------------------------------------


async def get_person(session: AsyncSession, person_id: uuid.UUID) -> Person | None:
    return await session.get(Person, person_id)


async def people_by_id(
    session: AsyncSession, person_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Person]:
    if not person_ids:
        return {}
    rows = await session.scalars(select(Person).where(Person.id.in_(list(person_ids))))
    return {p.id: p for p in rows}


async def search_people(
    session: AsyncSession,
    *,
    name: str | None,
    email: str | None,
    phone: str | None,
    postcode: str | None,
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[Person]:
    """People matching every given normalised key (GIN indexes), by (sort_name, id)."""
    stmt = select(Person)
    if name is not None:
        stmt = stmt.where(Person.search_names.contains([name]))
    if email is not None:
        stmt = stmt.where(Person.search_emails.contains([email]))
    if phone is not None:
        stmt = stmt.where(Person.search_phones.contains([phone]))
    if postcode is not None:
        stmt = stmt.where(Person.search_postcodes.contains([postcode]))
    keys = (Person.sort_name, Person.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return list((await session.scalars(stmt.order_by(*keys).limit(limit))).all())


async def successor_of(session: AsyncSession, person_id: uuid.UUID) -> MpSuccession | None:
    return await session.scalar(
        select(MpSuccession).where(MpSuccession.previous_person_id == person_id)
    )


async def predecessors_of(session: AsyncSession, person_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(MpSuccession.previous_person_id)
        .where(MpSuccession.successor_person_id == person_id)
        .order_by(MpSuccession.effective_date, MpSuccession.id)
    )
    return list(rows.all())


async def open_deactivation_requests(
    session: AsyncSession, person_id: uuid.UUID
) -> list[MpDeactivationRequest]:
    rows = await session.scalars(
        select(MpDeactivationRequest)
        .where(
            MpDeactivationRequest.person_id == person_id,
            MpDeactivationRequest.completed_at.is_(None),
        )
        .order_by(MpDeactivationRequest.requested_at, MpDeactivationRequest.id)
    )
    return list(rows.all())


async def list_deactivation_requests(
    session: AsyncSession,
    *,
    open_only: bool,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[MpDeactivationRequest]:
    stmt = select(MpDeactivationRequest)
    if open_only:
        stmt = stmt.where(MpDeactivationRequest.completed_at.is_(None))
    keys = (MpDeactivationRequest.requested_at, MpDeactivationRequest.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return list((await session.scalars(stmt.order_by(*keys).limit(limit))).all())


# --- consents --------------------------------------------------------------------------------


async def list_consents(
    session: AsyncSession,
    person_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Consent]:
    keys = (Consent.recorded_at, Consent.id)
    stmt = select(Consent).where(Consent.person_id == person_id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return list((await session.scalars(stmt.order_by(*keys).limit(limit))).all())


async def active_consents(
    session: AsyncSession,
    person_id: uuid.UUID,
    consent_type: ConsentType,
    *,
    third_party_person_id: uuid.UUID | None = None,
) -> list[Consent]:
    stmt = select(Consent).where(
        Consent.person_id == person_id,
        Consent.consent_type == consent_type,
        Consent.withdrawn_at.is_(None),
    )
    if third_party_person_id is not None:
        stmt = stmt.where(Consent.third_party_person_id == third_party_person_id)
    rows = await session.scalars(stmt.order_by(Consent.given_at.desc(), Consent.id))
    return list(rows.all())


# --- reasonable adjustments ------------------------------------------------------------------


async def get_reasonable_adjustment(
    session: AsyncSession, person_id: uuid.UUID, ra_id: uuid.UUID
) -> ReasonableAdjustmentRequest | None:
    return await session.scalar(
        select(ReasonableAdjustmentRequest).where(
            ReasonableAdjustmentRequest.id == ra_id,
            ReasonableAdjustmentRequest.person_id == person_id,
        )
    )


async def list_reasonable_adjustments(
    session: AsyncSession,
    *,
    person_id: uuid.UUID | None,
    status: RaStatus | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[ReasonableAdjustmentRequest]:
    """Requests oldest first by ``requested_at``: of one person, or a status across everyone."""
    stmt = select(ReasonableAdjustmentRequest)
    if person_id is not None:
        stmt = stmt.where(ReasonableAdjustmentRequest.person_id == person_id)
    if status is not None:
        stmt = stmt.where(ReasonableAdjustmentRequest.status == status)
    keys = (ReasonableAdjustmentRequest.requested_at, ReasonableAdjustmentRequest.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return list((await session.scalars(stmt.order_by(*keys).limit(limit))).all())


# --- accessibility requests ------------------------------------------------------------------


async def list_accessibility_requests(
    session: AsyncSession,
    person_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[AccessibilityRequest]:
    stmt = select(AccessibilityRequest).where(AccessibilityRequest.person_id == person_id)
    keys = (AccessibilityRequest.recorded_at, AccessibilityRequest.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return list((await session.scalars(stmt.order_by(*keys).limit(limit))).all())


# --- identity verification -------------------------------------------------------------------


async def get_verification(
    session: AsyncSession, verification_id: uuid.UUID
) -> IdentityVerification | None:
    return await session.get(IdentityVerification, verification_id)


async def verifications_of_call(
    session: AsyncSession, person_id: uuid.UUID, call_ref: str
) -> list[IdentityVerification]:
    rows = await session.scalars(
        select(IdentityVerification)
        .where(
            IdentityVerification.person_id == person_id,
            IdentityVerification.call_ref == call_ref,
        )
        .order_by(IdentityVerification.recorded_at, IdentityVerification.id)
    )
    return list(rows.all())


async def latest_question_verification(
    session: AsyncSession, person_id: uuid.UUID
) -> IdentityVerification | None:
    return await session.scalar(
        select(IdentityVerification)
        .where(
            IdentityVerification.person_id == person_id,
            IdentityVerification.outcome != VerificationOutcome.waived,
        )
        .order_by(IdentityVerification.recorded_at.desc(), IdentityVerification.id.desc())
        .limit(1)
    )


async def list_verifications(
    session: AsyncSession,
    person_id: uuid.UUID,
    *,
    call_ref: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[IdentityVerification]:
    stmt = select(IdentityVerification).where(IdentityVerification.person_id == person_id)
    if call_ref is not None:
        stmt = stmt.where(IdentityVerification.call_ref == call_ref)
    keys = (IdentityVerification.recorded_at, IdentityVerification.id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return list((await session.scalars(stmt.order_by(*keys).limit(limit))).all())


# --- contact restrictions (XC-COM-001) -------------------------------------------------------


async def list_restrictions(
    session: AsyncSession,
    person_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[ContactRestriction]:
    keys = (ContactRestriction.decided_at, ContactRestriction.id)
    stmt = select(ContactRestriction).where(ContactRestriction.person_id == person_id)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > after)
    return list((await session.scalars(stmt.order_by(*keys).limit(limit))).all())


async def restrictions_in_force(
    session: AsyncSession, person_ids: Iterable[uuid.UUID], *, on: date
) -> list[ContactRestriction]:
    """The restrictions of ``person_ids`` that apply on the business date ``on``."""
    stmt = select(ContactRestriction).where(
        ContactRestriction.person_id.in_(list(person_ids)),
        ContactRestriction.starts_on <= on,
        or_(ContactRestriction.ends_on.is_(None), ContactRestriction.ends_on >= on),
        or_(ContactRestriction.lifted_on.is_(None), ContactRestriction.lifted_on > on),
    )
    rows = await session.scalars(
        stmt.order_by(ContactRestriction.decided_at, ContactRestriction.id)
    )
    return list(rows.all())

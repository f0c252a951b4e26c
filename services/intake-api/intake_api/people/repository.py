from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from intake_api.people.models import (
    AccessibilityRequest,
    Consent,
    ConsentType,
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
Row = TypeVar("Row")


def _keyset(
    stmt: Select[Row],
    keys: Sequence[QueryableAttribute[Any]],
    after: Sequence[Any] | None,
    limit: int,
) -> Select[Row]:
    """Order by ``keys`` ascending and start after ``after``; one extra row tells of a next page."""
    if after is not None:
        stmt = stmt.where(tuple_(*keys) > tuple_(*after))
    return stmt.order_by(*keys).limit(limit + 1)


async def add(session: AsyncSession, obj: T) -> T:
    session.add(obj)
    await session.flush()
    await session.refresh(obj)
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


async def get_person_for_update(session: AsyncSession, person_id: uuid.UUID) -> Person | None:
    """The person with a row lock held until commit: changes to one person are serialised."""
    return await session.get(Person, person_id, with_for_update=True, populate_existing=True)


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
    stmt = _keyset(stmt, (Person.sort_name, Person.id), after, limit)
    return list((await session.scalars(stmt)).all())


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
    stmt = _keyset(
        stmt, (MpDeactivationRequest.requested_at, MpDeactivationRequest.id), after, limit
    )
    return list((await session.scalars(stmt)).all())


# --- consents --------------------------------------------------------------------------------


async def get_consent(
    session: AsyncSession, person_id: uuid.UUID, consent_id: uuid.UUID, *, for_update: bool = False
) -> Consent | None:
    stmt = select(Consent).where(Consent.id == consent_id, Consent.person_id == person_id)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


async def list_consents(
    session: AsyncSession,
    person_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Consent]:
    stmt = select(Consent).where(Consent.person_id == person_id)
    stmt = _keyset(stmt, (Consent.recorded_at, Consent.id), after, limit)
    return list((await session.scalars(stmt)).all())


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
    session: AsyncSession, person_id: uuid.UUID, ra_id: uuid.UUID, *, for_update: bool = False
) -> ReasonableAdjustmentRequest | None:
    stmt = select(ReasonableAdjustmentRequest).where(
        ReasonableAdjustmentRequest.id == ra_id,
        ReasonableAdjustmentRequest.person_id == person_id,
    )
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(stmt)


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
    return list((await session.scalars(_keyset(stmt, keys, after, limit))).all())


# --- accessibility requests ------------------------------------------------------------------


async def get_accessibility_request(
    session: AsyncSession, person_id: uuid.UUID, request_id: uuid.UUID
) -> AccessibilityRequest | None:
    stmt = (
        select(AccessibilityRequest)
        .where(AccessibilityRequest.id == request_id, AccessibilityRequest.person_id == person_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return await session.scalar(stmt)


async def list_accessibility_requests(
    session: AsyncSession,
    person_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[AccessibilityRequest]:
    stmt = select(AccessibilityRequest).where(AccessibilityRequest.person_id == person_id)
    keys = (AccessibilityRequest.recorded_at, AccessibilityRequest.id)
    return list((await session.scalars(_keyset(stmt, keys, after, limit))).all())


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
    return list((await session.scalars(_keyset(stmt, keys, after, limit))).all())

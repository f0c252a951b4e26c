"""Consents on a person's record (¶1.61–1.62, ¶1.53, ¶1.65; INT-049, INT-050, INT-042, INT-053).

A consent is recorded once and never changed, except by its withdrawal, an audited act of its own
that keeps the consent on the record. Other modules ask for a standing consent with
``find_active_consent`` or ``require_active_consent``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import repository
from intake_api.people.errors import (
    ConsentAlreadyWithdrawn,
    ConsentNotFound,
    ConsentRequired,
    PartyDetailsInvalid,
    ThirdPartyNotFound,
    WithdrawalBeforeConsent,
)
from intake_api.people.models import Consent, ConsentType
from intake_api.people.records import (
    audit_reads,
    audited_on_person,
    get_person,
    load_record_for_update,
    not_future,
)
from intake_api.people.schemas_consents import (
    ConsentCreate,
    ConsentPage,
    ConsentRead,
    ConsentWithdrawal,
)
from shared.auth import Principal
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

CONSENT = audited_on_person(Consent, ConsentRead)
CONSENTS = Keyset("consents", (key_datetime, key_uuid))


async def record_consent(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    data: ConsentCreate,
    actor: Principal,
    now: datetime,
) -> Consent:
    """Record a consent in the person's consent section (¶1.61–1.62, ¶1.53, ¶1.65)."""
    await get_person(session, person_id=person_id)
    not_future(data.given_at, now, "given_at")
    if data.third_party_person_id is not None:
        if data.third_party_person_id == person_id:
            raise PartyDetailsInvalid("The third party must be someone other than the person")
        if await repository.get_person(session, data.third_party_person_id) is None:
            raise ThirdPartyNotFound(f"No person with id {data.third_party_person_id}")
    consent = await repository.add(
        session,
        Consent(
            id=uuid.uuid4(),
            person_id=person_id,
            case_id=data.case_id,
            consent_type=data.consent_type,
            body=data.body,
            third_party_person_id=data.third_party_person_id,
            scope=data.scope,
            covers_sensitive_information=data.covers_sensitive_information,
            source=data.source,
            given_at=data.given_at,
            evidence_reference=data.evidence_reference,
            recorded_at=now,
            recorded_by=actor.sub,
        ),
    )
    await CONSENT.created(
        session, consent, actor=actor, action="person.consent.recorded", reason="Consent given"
    )
    return consent


async def list_consents(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    actor: Principal,
    limit: int,
    cursor: str | None,
) -> ConsentPage:
    """The person's consents, withdrawn ones included, in the order they were recorded."""
    await get_person(session, person_id=person_id)
    page = await paginate(
        lambda after, n: repository.list_consents(session, person_id, after=after, limit=n),
        keyset=CONSENTS,
        cursor=cursor,
        limit=limit,
        key=lambda c: (c.recorded_at, c.id),
        item=ConsentRead.model_validate,
        page=ConsentPage,
    )
    await audit_reads(session, actor=actor, person_ids=[person_id], action="person.consents.read")
    return page


async def withdraw_consent(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    consent_id: uuid.UUID,
    data: ConsentWithdrawal,
    actor: Principal,
    now: datetime,
    if_match: str | None,
) -> Consent:
    """Withdraw a consent: its own audited act; the consent itself is kept."""
    consent = await load_record_for_update(
        session,
        Consent,
        consent_id,
        person_id=person_id,
        if_match=if_match,
        missing=ConsentNotFound,
        what="consent",
    )
    if consent.withdrawn_at is not None:
        raise ConsentAlreadyWithdrawn("The consent was already withdrawn")
    withdrawn_at = data.withdrawn_at or now
    not_future(withdrawn_at, now, "withdrawn_at")
    if withdrawn_at < consent.given_at:
        raise WithdrawalBeforeConsent("withdrawn_at is before given_at")
    async with CONSENT.change(
        session, consent, actor=actor, action="person.consent.withdrawn", reason=data.reason
    ):
        consent.withdrawn_at = withdrawn_at
        consent.withdrawal_reason = data.reason
        consent.withdrawn_by = actor.sub
    return consent


async def find_active_consent(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    consent_type: ConsentType,
    body: str | None = None,
    third_party_person_id: uuid.UUID | None = None,
) -> Consent | None:
    """The latest unwithdrawn consent of that type (and body / third party, when given)."""
    consents = await repository.active_consents(
        session, person_id, consent_type, third_party_person_id=third_party_person_id
    )
    for consent in consents:
        if body is None or (consent.body or "").casefold() == body.strip().casefold():
            return consent
    return None


async def require_active_consent(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    consent_type: ConsentType,
    body: str | None = None,
    third_party_person_id: uuid.UUID | None = None,
) -> Consent:
    """For other modules: 409 ``consent-required`` unless a matching consent stands.

    E.g. moving a case to the joint working team needs ``joint_working_lgsco`` (INT-042), a
    referral to another body needs ``refer_to_other_body`` for it (INT-050), and releasing
    information to a third party needs ``release_to_third_party`` for them (INT-053).
    """
    consent = await find_active_consent(
        session,
        person_id=person_id,
        consent_type=consent_type,
        body=body,
        third_party_person_id=third_party_person_id,
    )
    if consent is None:
        raise ConsentRequired(
            f"No active {consent_type.value} consent is recorded for this person",
            extensions={"consent_type": consent_type.value},
        )
    return consent

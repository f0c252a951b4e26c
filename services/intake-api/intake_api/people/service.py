"""Use cases of the people module. Every change, and every read of personal data, is audited.

Reads are audited too because each one discloses personal data (DESIGN §1: other services ask
intake for contact details instead of holding them). Audit rows name the person as the entity,
so one query gives a person's whole history; details never go to the logs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import repository
from intake_api.people.errors import (
    AccessibilityRequestAlreadyClosed,
    AccessibilityRequestNotFound,
    CallIdentityNotVerified,
    ConsentAlreadyWithdrawn,
    ConsentNotFound,
    ConsentRequired,
    DateInFuture,
    MpAlreadyInactive,
    MpAlreadySucceeded,
    NotAnMp,
    PartyDetailsInvalid,
    PersonNotFound,
    PreviousVerificationInvalid,
    ReasonableAdjustmentNotFound,
    SearchCriterionRequired,
    SuccessorInvalid,
    ThirdPartyNotFound,
    WaiverAfterFailedVerification,
    WithdrawalBeforeConsent,
)
from intake_api.people.models import (
    AccessibilityRequest,
    Consent,
    ConsentType,
    ContactMethod,
    IdentityVerification,
    MpDeactivationRequest,
    MpSuccession,
    PartyKind,
    Person,
    ReasonableAdjustmentRequest,
    VerificationOutcome,
)
from intake_api.people.schemas import (
    CONFIDENTIAL_ACCESS_MARKING,
    MIN_QUESTIONS,
    AccessibilityRequestClose,
    AccessibilityRequestCreate,
    AccessibilityRequestPage,
    AccessibilityRequestRead,
    CallVerificationStatus,
    ConsentCreate,
    ConsentPage,
    ConsentRead,
    ConsentWithdrawal,
    ContactCard,
    IdentityVerificationCreate,
    IdentityVerificationPage,
    IdentityVerificationRead,
    MpDeactivation,
    MpDeactivationRequestPage,
    MpDeactivationRequestRead,
    MpRecordCreate,
    MpRecordRead,
    MpSuccessionCreate,
    MpSuccessionRead,
    PersonCreate,
    PersonPage,
    PersonRead,
    PersonSummary,
    PersonUpdate,
    ReasonableAdjustmentAgree,
    ReasonableAdjustmentCreate,
    ReasonableAdjustmentOutcomeLetter,
    ReasonableAdjustmentPage,
    ReasonableAdjustmentRead,
    ReasonableAdjustmentRefusal,
)
from intake_api.people.state import INITIAL_STATUS, RaStatus, transition
from shared.audit import record_audit
from shared.auth import Principal
from shared.concurrency import check_if_match, make_etag
from shared.pagination import InvalidCursor, decode_cursor, encode_cursor

Item = TypeVar("Item")

# --- normalisation for the previous-contact search (¶1.1, INT-001) ---------------------------

_SPACES = re.compile(r"\s+")


def normalise_name(value: str) -> str:
    """Case-folded, single-spaced: 'ALEX  example' and 'Alex Example' match."""
    return _SPACES.sub(" ", value).strip().casefold()


def normalise_email(value: str) -> str:
    return value.strip().casefold()


def normalise_postcode(value: str) -> str:
    """Upper case without spaces: 'zz99 9zz' and 'ZZ999ZZ' match."""
    return _SPACES.sub("", value).upper()


def normalise_phone(value: str) -> str:
    """Digits only, with a UK +44 / 0044 prefix written as the national 0."""
    text = value.strip().replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+44"):
        return "0" + digits[2:]
    if text.startswith("0044"):
        return "0" + digits[4:]
    return digits


def display_name(person: Person) -> str:
    if person.party_kind is PartyKind.organisation:
        return person.organisation_name or ""
    parts = (person.title, person.given_name, person.family_name)
    return " ".join(p for p in parts if p)


def _refresh_search_keys(person: Person) -> None:
    names: set[str] = set()
    if person.family_name:
        names.add(normalise_name(person.family_name))
        if person.given_name:
            names.add(normalise_name(f"{person.given_name} {person.family_name}"))
    elif person.given_name:
        names.add(normalise_name(person.given_name))
    if person.organisation_name:
        names.add(normalise_name(person.organisation_name))
    person.search_names = sorted(names)
    person.sort_name = normalise_name(
        person.family_name or person.organisation_name or person.given_name or ""
    )
    person.search_emails = sorted({normalise_email(e["address"]) for e in person.emails})
    person.search_phones = sorted({normalise_phone(p["number"]) for p in person.phones})
    person.search_postcodes = sorted(
        {normalise_postcode(a["postcode"]) for a in person.addresses if a.get("postcode")}
    )


def _check_party(person: Person) -> None:
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


def _not_future(value: date, now: date, field: str) -> None:
    # Callers compare like with like: a datetime with now(), a business date with today().
    if value > now:
        raise DateInFuture(f"{field} is in the future", extensions={"field": field})


# --- cursors ---------------------------------------------------------------------------------


def _decode(cursor: str | None, parse: Callable[[list[Any]], Item]) -> Item | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor, arity=2)
    try:
        return parse(values)
    except (TypeError, ValueError, AttributeError) as exc:
        raise InvalidCursor("Use the next_cursor of a previous page as it was given") from exc


def _at_id(values: list[Any]) -> tuple[datetime, uuid.UUID]:
    at = datetime.fromisoformat(values[0])
    if at.tzinfo is None:
        raise ValueError("naive timestamp")
    return at, uuid.UUID(values[1])


def _name_id(values: list[Any]) -> tuple[str, uuid.UUID]:
    if not isinstance(values[0], str):
        raise TypeError("sort key")
    return values[0], uuid.UUID(values[1])


def _split(
    rows: Sequence[Item], limit: int, key: Callable[[Item], tuple[Any, uuid.UUID]]
) -> tuple[list[Item], str | None]:
    page = list(rows[:limit])
    if len(rows) <= limit:
        return page, None
    sort, ident = key(page[-1])
    value = sort.isoformat() if isinstance(sort, datetime) else sort
    return page, encode_cursor([value, str(ident)])


async def _audit_reads(
    session: AsyncSession,
    *,
    actor: Principal,
    person_ids: Iterable[uuid.UUID],
    action: str,
    case_id: uuid.UUID | None = None,
) -> None:
    for person_id in dict.fromkeys(person_ids):
        await record_audit(
            session,
            actor=actor,
            entity_type="person",
            entity_id=person_id,
            case_id=case_id,
            action=action,
        )


async def _audit_on_person(
    session: AsyncSession,
    *,
    actor: Principal,
    person_id: uuid.UUID,
    action: str,
    after: BaseModel,
    before: dict[str, Any] | None = None,
    case_id: uuid.UUID | None = None,
    reason: str | None = None,
) -> None:
    """Every change on a person's record is audited against the person (XC-AUD)."""
    await record_audit(
        session,
        actor=actor,
        entity_type="person",
        entity_id=person_id,
        case_id=case_id,
        action=action,
        before=before,
        after=after.model_dump(mode="json"),
        reason=reason,
    )


# --- people ----------------------------------------------------------------------------------


async def get_person(session: AsyncSession, *, person_id: uuid.UUID) -> Person:
    person = await repository.get_person(session, person_id)
    if person is None:
        raise PersonNotFound(f"No person with id {person_id}")
    return person


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


async def _person_for_update(session: AsyncSession, person_id: uuid.UUID) -> Person:
    person = await repository.get_person_for_update(session, person_id)
    if person is None:
        raise PersonNotFound(f"No person with id {person_id}")
    return person


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
    _check_party(person)
    _refresh_search_keys(person)
    return person


async def create_person(
    session: AsyncSession, *, data: PersonCreate, actor: Principal, reason: str = "Party recorded"
) -> PersonRead:
    """Record a party (¶1.12, INT-010): a person, an organisation acting as a party, or an MP."""
    person = await repository.add(session, _new_person(data, actor=actor))
    read = await person_read(session, person)
    await _audit_on_person(
        session,
        actor=actor,
        person_id=person.id,
        action="person.created",
        after=read,
        reason=reason,
    )
    return read


async def read_person(
    session: AsyncSession, *, person_id: uuid.UUID, actor: Principal, case_id: uuid.UUID | None
) -> PersonRead:
    """The person's record; the read is audited as a disclosure of personal data."""
    read = await person_read(session, await get_person(session, person_id=person_id))
    await _audit_reads(
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
) -> PersonRead:
    """Change contact details and preferences (INT-007, ¶1.63); needs the current ETag."""
    person = await _person_for_update(session, person_id)
    check_if_match(if_match, make_etag(person.version), required=True)
    before = await person_read(session, person)
    values = changes.model_dump(mode="json", include=changes.model_fields_set - {"reason"})
    if values.get("preferred_contact_method") is not None:
        values["preferred_contact_method"] = ContactMethod(values["preferred_contact_method"])
    for name, value in values.items():
        setattr(person, name, value)
    _check_party(person)
    _refresh_search_keys(person)
    if not session.is_modified(person):
        return before
    await session.flush()
    await session.refresh(person)
    after = await person_read(session, person)
    await _audit_on_person(
        session,
        actor=actor,
        person_id=person.id,
        action="person.updated",
        before=before.model_dump(mode="json"),
        after=after,
        reason=changes.reason,
    )
    return after


async def read_contact_card(
    session: AsyncSession, *, person_id: uuid.UUID, actor: Principal, case_id: uuid.UUID | None
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
        }
    )
    await _audit_reads(
        session,
        actor=actor,
        person_ids=[person_id],
        action="person.contact_card.read",
        case_id=case_id,
    )
    return card


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
    rows = await repository.search_people(
        session,
        name=normalise_name(name) if name is not None else None,
        email=normalise_email(email) if email is not None else None,
        phone=normalise_phone(phone) if phone is not None else None,
        postcode=normalise_postcode(postcode) if postcode is not None else None,
        after=_decode(cursor, _name_id),
        limit=limit,
    )
    page, next_cursor = _split(rows, limit, lambda p: (p.sort_name, p.id))
    await _audit_reads(
        session, actor=actor, person_ids=[p.id for p in page], action="person.search_result.read"
    )
    items = [
        PersonSummary(
            id=p.id,
            party_kind=p.party_kind,
            display_name=display_name(p),
            postcodes=[a["postcode"] for a in p.addresses if a.get("postcode")],
            is_mp=p.mp_constituency is not None,
            mp_active=p.mp_active,
            created_at=p.created_at,
        )
        for p in page
    ]
    return PersonPage(items=items, next_cursor=next_cursor)


# --- consents (INT-049, INT-050, INT-042, INT-053) -------------------------------------------


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
    _not_future(data.given_at, now, "given_at")
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
    await _audit_on_person(
        session,
        actor=actor,
        person_id=person_id,
        case_id=data.case_id,
        action="person.consent.recorded",
        after=ConsentRead.model_validate(consent),
        reason="Consent given",
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
    await get_person(session, person_id=person_id)
    rows = await repository.list_consents(
        session, person_id, after=_decode(cursor, _at_id), limit=limit
    )
    page, next_cursor = _split(rows, limit, lambda c: (c.recorded_at, c.id))
    await _audit_reads(session, actor=actor, person_ids=[person_id], action="person.consents.read")
    return ConsentPage(items=[ConsentRead.model_validate(c) for c in page], next_cursor=next_cursor)


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
    consent = await repository.get_consent(session, person_id, consent_id, for_update=True)
    if consent is None:
        raise ConsentNotFound(f"No consent {consent_id} for person {person_id}")
    check_if_match(if_match, make_etag(consent.version), required=False)
    if consent.withdrawn_at is not None:
        raise ConsentAlreadyWithdrawn("The consent was already withdrawn")
    withdrawn_at = data.withdrawn_at or now
    _not_future(withdrawn_at, now, "withdrawn_at")
    if withdrawn_at < consent.given_at:
        raise WithdrawalBeforeConsent("withdrawn_at is before given_at")
    before = ConsentRead.model_validate(consent).model_dump(mode="json")
    consent.withdrawn_at = withdrawn_at
    consent.withdrawal_reason = data.reason
    consent.withdrawn_by = actor.sub
    await session.flush()
    await session.refresh(consent)
    await _audit_on_person(
        session,
        actor=actor,
        person_id=person_id,
        case_id=consent.case_id,
        action="person.consent.withdrawn",
        before=before,
        after=ConsentRead.model_validate(consent),
        reason=data.reason,
    )
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


# --- reasonable adjustments (¶1.42–1.45, INT-032…035) ----------------------------------------


async def _ra_for_update(
    session: AsyncSession, person_id: uuid.UUID, ra_id: uuid.UUID, if_match: str | None
) -> ReasonableAdjustmentRequest:
    ra = await repository.get_reasonable_adjustment(session, person_id, ra_id, for_update=True)
    if ra is None:
        raise ReasonableAdjustmentNotFound(f"No request {ra_id} for person {person_id}")
    check_if_match(if_match, make_etag(ra.version), required=False)
    return ra


async def request_reasonable_adjustment(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    data: ReasonableAdjustmentCreate,
    actor: Principal,
    now: datetime,
) -> ReasonableAdjustmentRequest:
    """Log a request at any stage (INT-032); it waits in the undecided queue until decided."""
    await get_person(session, person_id=person_id)
    requested_at = data.requested_at or now
    _not_future(requested_at, now, "requested_at")
    ra = await repository.add(
        session,
        ReasonableAdjustmentRequest(
            id=uuid.uuid4(),
            person_id=person_id,
            case_id=data.case_id,
            requested_at=requested_at,
            requested_adjustments=data.requested_adjustments,
            status=INITIAL_STATUS,
            recorded_by=actor.sub,
        ),
    )
    await _audit_on_person(
        session,
        actor=actor,
        person_id=ra.person_id,
        case_id=ra.case_id,
        action="person.reasonable_adjustment.requested",
        after=ReasonableAdjustmentRead.model_validate(ra),
        reason="Reasonable adjustment requested",
    )
    return ra


async def get_reasonable_adjustment(
    session: AsyncSession, *, person_id: uuid.UUID, ra_id: uuid.UUID, actor: Principal
) -> ReasonableAdjustmentRequest:
    ra = await repository.get_reasonable_adjustment(session, person_id, ra_id)
    if ra is None:
        raise ReasonableAdjustmentNotFound(f"No request {ra_id} for person {person_id}")
    await _audit_reads(
        session, actor=actor, person_ids=[person_id], action="person.reasonable_adjustments.read"
    )
    return ra


async def list_reasonable_adjustments(
    session: AsyncSession,
    *,
    person_id: uuid.UUID | None,
    status: RaStatus | None,
    actor: Principal,
    limit: int,
    cursor: str | None,
) -> ReasonableAdjustmentPage:
    """A person's requests, or a work queue of one status across everyone; oldest first."""
    if person_id is not None:
        await get_person(session, person_id=person_id)
    rows = await repository.list_reasonable_adjustments(
        session, person_id=person_id, status=status, after=_decode(cursor, _at_id), limit=limit
    )
    page, next_cursor = _split(rows, limit, lambda r: (r.requested_at, r.id))
    await _audit_reads(
        session,
        actor=actor,
        person_ids=[person_id] if person_id is not None else [r.person_id for r in page],
        action="person.reasonable_adjustments.read",
    )
    return ReasonableAdjustmentPage(
        items=[ReasonableAdjustmentRead.model_validate(r) for r in page], next_cursor=next_cursor
    )


async def agree_reasonable_adjustment(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    ra_id: uuid.UUID,
    data: ReasonableAdjustmentAgree,
    actor: Principal,
    now: datetime,
    today: date,
    if_match: str | None,
) -> ReasonableAdjustmentRequest:
    """Agree: disability type, adjustments and date agreed are recorded (¶1.43, INT-033)."""
    ra = await _ra_for_update(session, person_id, ra_id, if_match)
    _not_future(data.decided_date, today, "decided_date")
    before = ReasonableAdjustmentRead.model_validate(ra).model_dump(mode="json")
    ra.disability_type = data.disability_type
    ra.disability_note = data.disability_note
    ra.agreed_adjustments = data.agreed_adjustments
    ra.decided_date = data.decided_date
    ra.decided_by = actor.sub
    transition(ra, RaStatus.agreed, at=now)
    await session.flush()
    await session.refresh(ra)
    await _audit_on_person(
        session,
        actor=actor,
        person_id=ra.person_id,
        case_id=ra.case_id,
        action="person.reasonable_adjustment.agreed",
        before=before,
        after=ReasonableAdjustmentRead.model_validate(ra),
        reason="Adjustment agreed",
    )
    return ra


async def refuse_reasonable_adjustment(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    ra_id: uuid.UUID,
    data: ReasonableAdjustmentRefusal,
    actor: Principal,
    now: datetime,
    today: date,
    if_match: str | None,
) -> ReasonableAdjustmentRequest:
    """Not reasonable: reasons, alternatives and the Legal Team told (¶1.44, INT-034)."""
    ra = await _ra_for_update(session, person_id, ra_id, if_match)
    _not_future(data.decided_date, today, "decided_date")
    _not_future(data.legal_team_informed_at, now, "legal_team_informed_at")
    before = ReasonableAdjustmentRead.model_validate(ra).model_dump(mode="json")
    ra.reasons = data.reasons
    ra.alternatives_considered = data.alternatives_considered
    ra.legal_team_informed_at = data.legal_team_informed_at
    ra.decided_date = data.decided_date
    ra.decided_by = actor.sub
    transition(ra, RaStatus.not_reasonable, at=now)
    await session.flush()
    await session.refresh(ra)
    await _audit_on_person(
        session,
        actor=actor,
        person_id=ra.person_id,
        case_id=ra.case_id,
        action="person.reasonable_adjustment.not_reasonable",
        before=before,
        after=ReasonableAdjustmentRead.model_validate(ra),
        reason=data.reasons,
    )
    return ra


async def record_outcome_letter(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    ra_id: uuid.UUID,
    data: ReasonableAdjustmentOutcomeLetter,
    actor: Principal,
    now: datetime,
    today: date,
    if_match: str | None,
) -> ReasonableAdjustmentRequest:
    """The letter confirming the outcome was sent and is on the record (¶1.45, INT-035)."""
    ra = await _ra_for_update(session, person_id, ra_id, if_match)
    _not_future(data.sent_date, today, "sent_date")
    before = ReasonableAdjustmentRead.model_validate(ra).model_dump(mode="json")
    ra.outcome_letter_reference = data.outcome_letter_reference
    ra.outcome_letter_sent_date = data.sent_date
    transition(ra, RaStatus.outcome_letter_sent, at=now)
    await session.flush()
    await session.refresh(ra)
    await _audit_on_person(
        session,
        actor=actor,
        person_id=ra.person_id,
        case_id=ra.case_id,
        action="person.reasonable_adjustment.outcome_letter_sent",
        before=before,
        after=ReasonableAdjustmentRead.model_validate(ra),
        reason="Outcome letter sent",
    )
    return ra


# --- other accessibility requests (¶1.47–1.48, INT-036/037) ----------------------------------


async def record_accessibility_request(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    data: AccessibilityRequestCreate,
    actor: Principal,
    now: datetime,
) -> AccessibilityRequest:
    await get_person(session, person_id=person_id)
    request = await repository.add(
        session,
        AccessibilityRequest(
            id=uuid.uuid4(),
            person_id=person_id,
            case_id=data.case_id,
            description=data.description,
            anticipatory=data.anticipatory,
            recorded_at=now,
            recorded_by=actor.sub,
        ),
    )
    await _audit_on_person(
        session,
        actor=actor,
        person_id=person_id,
        case_id=data.case_id,
        action="person.accessibility_request.recorded",
        after=AccessibilityRequestRead.model_validate(request),
        reason="Anticipatory adjustment to consider" if data.anticipatory else "Request recorded",
    )
    return request


async def list_accessibility_requests(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    actor: Principal,
    limit: int,
    cursor: str | None,
) -> AccessibilityRequestPage:
    await get_person(session, person_id=person_id)
    rows = await repository.list_accessibility_requests(
        session, person_id, after=_decode(cursor, _at_id), limit=limit
    )
    page, next_cursor = _split(rows, limit, lambda r: (r.recorded_at, r.id))
    await _audit_reads(
        session, actor=actor, person_ids=[person_id], action="person.accessibility_requests.read"
    )
    return AccessibilityRequestPage(
        items=[AccessibilityRequestRead.model_validate(r) for r in page], next_cursor=next_cursor
    )


async def close_accessibility_request(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    request_id: uuid.UUID,
    data: AccessibilityRequestClose,
    actor: Principal,
    now: datetime,
    if_match: str | None,
) -> AccessibilityRequest:
    """Close with an outcome note, e.g. after raising an anticipatory adjustment (INT-037)."""
    request = await repository.get_accessibility_request(session, person_id, request_id)
    if request is None:
        raise AccessibilityRequestNotFound(f"No request {request_id} for person {person_id}")
    check_if_match(if_match, make_etag(request.version), required=False)
    if request.closed_at is not None:
        raise AccessibilityRequestAlreadyClosed("The request is already closed")
    before = AccessibilityRequestRead.model_validate(request).model_dump(mode="json")
    request.closed_at = now
    request.closed_by = actor.sub
    request.outcome_note = data.outcome_note
    await session.flush()
    await session.refresh(request)
    await _audit_on_person(
        session,
        actor=actor,
        person_id=person_id,
        case_id=request.case_id,
        action="person.accessibility_request.closed",
        before=before,
        after=AccessibilityRequestRead.model_validate(request),
        reason=data.outcome_note,
    )
    return request


# --- identity verification (¶1.63–1.64, INT-051/052, XC-DP-001) ------------------------------


async def record_identity_verification(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    data: IdentityVerificationCreate,
    actor: Principal,
    now: datetime,
) -> IdentityVerification:
    """Record the check made on a call: verified only with ≥ 3 questions, all matched.

    A waiver (¶1.64) needs a reason; it may name the earlier passing check that makes asking
    again unreasonable. A waiver cannot follow a failed check on the same call: a failure is
    exactly the doubt that ¶1.63 answers with more questions, not with discretion.
    """
    await get_person(session, person_id=person_id)
    questions: list[dict[str, Any]] = []
    question_set: list[str] = []
    repeated = False
    waiver_reason: str | None = None
    previous_id: uuid.UUID | None = None
    if data.waiver is not None:
        earlier = await repository.verifications_of_call(session, person_id, data.call_ref)
        if any(v.outcome is VerificationOutcome.not_verified for v in earlier):
            raise WaiverAfterFailedVerification("Ask further security questions instead")
        previous_id = data.waiver.previous_verification_id
        if previous_id is not None:
            previous = await repository.get_verification(session, previous_id)
            if (
                previous is None
                or previous.person_id != person_id
                or previous.outcome is not VerificationOutcome.verified
            ):
                raise PreviousVerificationInvalid(
                    "previous_verification_id must be a verified check of this person"
                )
        outcome = VerificationOutcome.waived
        waiver_reason = data.waiver.reason
    else:
        assert data.questions is not None
        questions = [q.model_dump(mode="json") for q in data.questions]
        question_set = sorted(q.question.value for q in data.questions)
        passed = len(data.questions) >= MIN_QUESTIONS and all(q.matched for q in data.questions)
        outcome = VerificationOutcome.verified if passed else VerificationOutcome.not_verified
        latest = await repository.latest_question_verification(session, person_id)
        repeated = latest is not None and list(latest.question_set) == question_set
    verification = await repository.add(
        session,
        IdentityVerification(
            id=uuid.uuid4(),
            person_id=person_id,
            call_ref=data.call_ref,
            case_id=data.case_id,
            outcome=outcome,
            questions=questions,
            question_set=question_set,
            repeated_question_set=repeated,
            waiver_reason=waiver_reason,
            previous_verification_id=previous_id,
            recorded_at=now,
            recorded_by=actor.sub,
        ),
    )
    await _audit_on_person(
        session,
        actor=actor,
        person_id=person_id,
        case_id=data.case_id,
        action=(
            "person.identity_verification.waived"
            if outcome is VerificationOutcome.waived
            else "person.identity_verification.recorded"
        ),
        after=IdentityVerificationRead.model_validate(verification),
        reason=waiver_reason,
    )
    return verification


async def list_identity_verifications(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    call_ref: str | None,
    actor: Principal,
    limit: int,
    cursor: str | None,
) -> IdentityVerificationPage:
    await get_person(session, person_id=person_id)
    rows = await repository.list_verifications(
        session, person_id, call_ref=call_ref, after=_decode(cursor, _at_id), limit=limit
    )
    page, next_cursor = _split(rows, limit, lambda v: (v.recorded_at, v.id))
    await _audit_reads(
        session, actor=actor, person_ids=[person_id], action="person.identity_verifications.read"
    )
    return IdentityVerificationPage(
        items=[IdentityVerificationRead.model_validate(v) for v in page], next_cursor=next_cursor
    )


async def _passing_verification(
    session: AsyncSession, person_id: uuid.UUID, call_ref: str
) -> IdentityVerification | None:
    for verification in await repository.verifications_of_call(session, person_id, call_ref):
        if verification.outcome is not VerificationOutcome.not_verified:
            return verification
    return None


async def call_verification_status(
    session: AsyncSession, *, person_id: uuid.UUID, call_ref: str
) -> CallVerificationStatus:
    await get_person(session, person_id=person_id)
    passing = await _passing_verification(session, person_id, call_ref)
    return CallVerificationStatus(
        person_id=person_id,
        call_ref=call_ref,
        may_disclose=passing is not None,
        verification_id=passing.id if passing else None,
    )


async def require_verified_call(
    session: AsyncSession, *, person_id: uuid.UUID, call_ref: str
) -> IdentityVerification:
    """Raise 409 ``call-identity-not-verified`` unless the call may carry case information.

    XC-DP-001 / INT-051: before disclosing case information on a call, the call needs a
    verification with at least three questions, all matched, or a recorded waiver (INT-052).
    The cases module calls this before any disclosure on a call.
    """
    passing = await _passing_verification(session, person_id, call_ref)
    if passing is None:
        raise CallIdentityNotVerified(
            "Verify the caller with at least three matched security questions, or record a "
            "waiver with a reason, before sharing case information",
            extensions={"call_ref": call_ref},
        )
    return passing


# --- MP records (¶2.42 second occurrence, ¶2.47, ASM-023/026) --------------------------------


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
    previous = await _person_for_update(session, person_id)
    if previous.mp_constituency is None:
        raise NotAnMp("Only an MP record can have a successor")
    if await repository.successor_of(session, previous.id) is not None:
        raise MpAlreadySucceeded("This MP record already has a successor")
    _not_future(data.effective_date, today, "effective_date")
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
        successor_id = successor.id
    else:
        assert data.successor is not None
        new = data.successor
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
        successor_id = created.id
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
    for entity_id, action in (
        (previous.id, "person.mp.successor_recorded"),
        (successor_id, "person.mp.predecessor_linked"),
    ):
        await _audit_on_person(
            session,
            actor=actor,
            person_id=entity_id,
            action=action,
            after=read,
            reason=data.note or f"MP {data.reason.value}",
        )
    if request is not None:
        await _audit_on_person(
            session,
            actor=actor,
            person_id=previous.id,
            action="person.mp.deactivation_requested",
            after=MpDeactivationRequestRead.model_validate(request),
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
    person = await _person_for_update(session, person_id)
    check_if_match(if_match, make_etag(person.version), required=False)
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
    await session.flush()
    await session.refresh(person)
    after = await person_read(session, person)
    await _audit_on_person(
        session,
        actor=actor,
        person_id=person.id,
        action="person.mp.deactivated",
        before=before.model_dump(mode="json"),
        after=after,
        reason=data.reason,
    )
    return after


async def list_mp_deactivation_requests(
    session: AsyncSession, *, open_only: bool, limit: int, cursor: str | None
) -> MpDeactivationRequestPage:
    rows = await repository.list_deactivation_requests(
        session, open_only=open_only, after=_decode(cursor, _at_id), limit=limit
    )
    page, next_cursor = _split(rows, limit, lambda r: (r.requested_at, r.id))
    return MpDeactivationRequestPage(
        items=[MpDeactivationRequestRead.model_validate(r) for r in page], next_cursor=next_cursor
    )


# Other domains reach people only through this module: the model types they handle come from here.
__all__ = [
    "ConsentType",
    "MpSuccession",
    "Person",
    "find_active_consent",
    "find_person",
    "people_by_id",
    "require_verified_call",
    "successor_of",
]

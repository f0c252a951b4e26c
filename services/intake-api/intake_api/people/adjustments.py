"""Reasonable adjustments (¶1.42–1.45, INT-032…035) and other accessibility requests (¶1.47–1.48,
INT-036/037) on a person's record.

A reasonable-adjustment request moves through ``state.py``'s lifecycle by its own acts; the
undecided ones form a work queue across everyone. An accessibility request outside the Equality
Act, or an anticipatory note, is recorded and later closed with an outcome note.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import repository
from intake_api.people.errors import (
    AccessibilityRequestAlreadyClosed,
    AccessibilityRequestNotFound,
    ReasonableAdjustmentNotFound,
)
from intake_api.people.models import AccessibilityRequest, ReasonableAdjustmentRequest
from intake_api.people.records import (
    audit_reads,
    audited_on_person,
    get_person,
    load_record_for_update,
    not_future,
)
from intake_api.people.schemas_adjustments import (
    AccessibilityRequestClose,
    AccessibilityRequestCreate,
    AccessibilityRequestPage,
    AccessibilityRequestRead,
    ReasonableAdjustmentAgree,
    ReasonableAdjustmentCreate,
    ReasonableAdjustmentOutcomeLetter,
    ReasonableAdjustmentPage,
    ReasonableAdjustmentRead,
    ReasonableAdjustmentRefusal,
)
from intake_api.people.state import INITIAL_STATUS, RaStatus, transition
from shared.auth import Principal
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

ADJUSTMENT = audited_on_person(ReasonableAdjustmentRequest, ReasonableAdjustmentRead)
ACCESSIBILITY_REQUEST = audited_on_person(AccessibilityRequest, AccessibilityRequestRead)
ADJUSTMENTS = Keyset("reasonable-adjustments", (key_datetime, key_uuid))
ACCESSIBILITY_REQUESTS = Keyset("accessibility-requests", (key_datetime, key_uuid))


# --- reasonable adjustments ------------------------------------------------------------------


async def _adjustment_for_update(
    session: AsyncSession, person_id: uuid.UUID, ra_id: uuid.UUID, if_match: str | None
) -> ReasonableAdjustmentRequest:
    return await load_record_for_update(
        session,
        ReasonableAdjustmentRequest,
        ra_id,
        person_id=person_id,
        if_match=if_match,
        missing=ReasonableAdjustmentNotFound,
        what="request",
    )


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
    not_future(requested_at, now, "requested_at")
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
    await ADJUSTMENT.created(
        session,
        ra,
        actor=actor,
        action="person.reasonable_adjustment.requested",
        reason="Reasonable adjustment requested",
    )
    return ra


async def get_reasonable_adjustment(
    session: AsyncSession, *, person_id: uuid.UUID, ra_id: uuid.UUID, actor: Principal
) -> ReasonableAdjustmentRequest:
    ra = await repository.get_reasonable_adjustment(session, person_id, ra_id)
    if ra is None:
        raise ReasonableAdjustmentNotFound(f"No request {ra_id} for person {person_id}")
    await audit_reads(
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
    page = await paginate(
        lambda after, n: repository.list_reasonable_adjustments(
            session, person_id=person_id, status=status, after=after, limit=n
        ),
        keyset=ADJUSTMENTS,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.requested_at, r.id),
        item=ReasonableAdjustmentRead.model_validate,
        page=ReasonableAdjustmentPage,
    )
    await audit_reads(
        session,
        actor=actor,
        person_ids=[person_id] if person_id is not None else [r.person_id for r in page.items],
        action="person.reasonable_adjustments.read",
    )
    return page


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
    ra = await _adjustment_for_update(session, person_id, ra_id, if_match)
    not_future(data.decided_date, today, "decided_date")
    async with ADJUSTMENT.change(
        session,
        ra,
        actor=actor,
        action="person.reasonable_adjustment.agreed",
        reason="Adjustment agreed",
    ):
        ra.disability_type = data.disability_type
        ra.disability_note = data.disability_note
        ra.agreed_adjustments = data.agreed_adjustments
        ra.decided_date = data.decided_date
        ra.decided_by = actor.sub
        transition(ra, RaStatus.agreed, at=now)
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
    ra = await _adjustment_for_update(session, person_id, ra_id, if_match)
    not_future(data.decided_date, today, "decided_date")
    not_future(data.legal_team_informed_at, now, "legal_team_informed_at")
    async with ADJUSTMENT.change(
        session,
        ra,
        actor=actor,
        action="person.reasonable_adjustment.not_reasonable",
        reason=data.reasons,
    ):
        ra.reasons = data.reasons
        ra.alternatives_considered = data.alternatives_considered
        ra.legal_team_informed_at = data.legal_team_informed_at
        ra.decided_date = data.decided_date
        ra.decided_by = actor.sub
        transition(ra, RaStatus.not_reasonable, at=now)
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
    ra = await _adjustment_for_update(session, person_id, ra_id, if_match)
    not_future(data.sent_date, today, "sent_date")
    async with ADJUSTMENT.change(
        session,
        ra,
        actor=actor,
        action="person.reasonable_adjustment.outcome_letter_sent",
        reason="Outcome letter sent",
    ):
        ra.outcome_letter_reference = data.outcome_letter_reference
        ra.outcome_letter_sent_date = data.sent_date
        transition(ra, RaStatus.outcome_letter_sent, at=now)
    return ra


# --- other accessibility requests ------------------------------------------------------------


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
    await ACCESSIBILITY_REQUEST.created(
        session,
        request,
        actor=actor,
        action="person.accessibility_request.recorded",
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
    page = await paginate(
        lambda after, n: repository.list_accessibility_requests(
            session, person_id, after=after, limit=n
        ),
        keyset=ACCESSIBILITY_REQUESTS,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.recorded_at, r.id),
        item=AccessibilityRequestRead.model_validate,
        page=AccessibilityRequestPage,
    )
    await audit_reads(
        session, actor=actor, person_ids=[person_id], action="person.accessibility_requests.read"
    )
    return page


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
    request = await load_record_for_update(
        session,
        AccessibilityRequest,
        request_id,
        person_id=person_id,
        if_match=if_match,
        missing=AccessibilityRequestNotFound,
        what="request",
    )
    if request.closed_at is not None:
        raise AccessibilityRequestAlreadyClosed("The request is already closed")
    async with ACCESSIBILITY_REQUEST.change(
        session,
        request,
        actor=actor,
        action="person.accessibility_request.closed",
        reason=data.outcome_note,
    ):
        request.closed_at = now
        request.closed_by = actor.sub
        request.outcome_note = data.outcome_note
    return request

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import repository
from intake_api.cases.errors import CaseNotFound, JurisdictionRequired, ReceivedDateInFuture
from intake_api.cases.models import Case
from intake_api.cases.schemas import CaseCreate, CaseRead, CaseReferral
from intake_api.cases.state import INITIAL_STATUS, CaseStatus, transition
from shared.audit import record_audit
from shared.auth import Principal
from shared.concurrency import check_if_match, make_etag
from shared.outbox.emit import emit


def format_reference(prefix: str, number: int) -> str:
    """Human case reference, e.g. ``CAS-0000042``: unique because it comes from a sequence."""
    return f"{prefix}-{number:07d}"


async def create_case(
    session: AsyncSession,
    *,
    data: CaseCreate,
    actor: Principal,
    today: date,
    reference_prefix: str,
) -> Case:
    """T1: a request is received and recorded (¶1.1)."""
    if data.received_date > today:
        raise ReceivedDateInFuture(f"received_date {data.received_date} is after today ({today})")
    number = await repository.next_reference_number(session)
    case = Case(
        id=uuid.uuid4(),
        reference=format_reference(reference_prefix, number),
        status=INITIAL_STATUS,
        case_type=data.case_type,
        channel=data.channel,
        jurisdiction=data.jurisdiction,
        received_date=data.received_date,
        complaint_summary=data.complaint_summary,
        created_by=actor.sub,
    )
    case = await repository.add(session, case)
    await record_audit(
        session,
        actor=actor,
        entity_type="case",
        entity_id=case.id,
        case_id=case.id,
        action="case.created",
        after=CaseRead.model_validate(case).model_dump(mode="json"),
        reason="Request received",
    )
    return case


async def get_case(session: AsyncSession, *, case_id: uuid.UUID) -> Case:
    case = await repository.get(session, case_id)
    if case is None:
        raise CaseNotFound(f"No case with id {case_id}")
    return case


async def refer_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    referral: CaseReferral,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T13/T14: pass the case to assessment; emits ``intake.case.referred`` in this transaction."""
    case = await repository.get_for_update(session, case_id)
    if case is None:
        raise CaseNotFound(f"No case with id {case_id}")
    check_if_match(if_match, make_etag(case.version), required=False)
    before = CaseRead.model_validate(case).model_dump(mode="json")
    jurisdiction = referral.jurisdiction or case.jurisdiction
    if jurisdiction is None:
        raise JurisdictionRequired(
            "Give the jurisdiction (health or parliamentary) in the referral"
        )
    case.jurisdiction = jurisdiction
    case.route = referral.route
    case.triage_category = referral.triage_category
    case.priority = referral.priority
    case.organisation_ids = list(referral.organisation_ids)
    event = transition(case, CaseStatus.referred, at=at)
    await session.flush()
    await session.refresh(case)
    assert event is not None
    await emit(session, event, case_id=case.id, actor=actor.sub, occurred_at=at)
    await record_audit(
        session,
        actor=actor,
        entity_type="case",
        entity_id=case.id,
        case_id=case.id,
        action="case.referred",
        before=before,
        after=CaseRead.model_validate(case).model_dump(mode="json"),
        reason=referral.reason,
    )
    return case

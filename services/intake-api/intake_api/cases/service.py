from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import repository
from intake_api.cases.errors import CaseNotFound, ReceivedDateInFuture
from intake_api.cases.models import Case
from intake_api.cases.schemas import CaseCreate, CaseRead
from intake_api.cases.state import INITIAL_STATUS
from shared.audit import record_audit
from shared.auth import Principal


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

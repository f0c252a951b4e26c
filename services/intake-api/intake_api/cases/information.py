"""Information requests (T4, T5; INT-016): ask by email with a deadline, receive, extend.

The deadline is usually under a week (C-02); the case may close 'withdrawn' only from the day
after the deadline in force, so an agreed extension is its own row and never moves the original.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import clocks
from intake_api.cases.errors import CaseNotFound, InformationDeadlineInvalid
from intake_api.cases.models import Case, Communication, DeadlineExtension, DeadlineKind
from intake_api.cases.schemas_decisions import (
    ExtensionCreate,
    InformationReceived,
    InformationRequest,
)
from intake_api.cases.service import CASE, move
from intake_api.cases.state import CaseStatus
from shared.audit import record_audit
from shared.auth import Principal
from shared.changes import load_for_update


async def request_information(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: InformationRequest,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> Case:
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    comm = await session.get(Communication, data.communication_id)
    if (
        comm is None
        or comm.case_id != case.id
        or comm.medium != "email"
        or comm.direction != "outbound"
    ):
        raise InformationDeadlineInvalid(
            "INT-016: give the outbound email that asks for the information"
        )
    longest = clocks.INFORMATION.amount
    if not (today < data.deadline <= today + timedelta(days=longest)):
        raise InformationDeadlineInvalid(
            f"INT-016: the deadline is usually under a week: after {today} and at most "
            f"{longest} days ahead (extend it later if asked)"
        )
    async with CASE.change(
        session, case, actor=actor, action="case.information_requested", reason=data.reason
    ):
        session.add(
            clocks.information_deadline(case.id, today=today, due=data.deadline, asked_by=comm.id)
        )
        await move(session, case, CaseStatus.awaiting_information, at=at, actor=actor)
    return case


async def information_received(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: InformationReceived,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    async with CASE.change(
        session, case, actor=actor, action="case.information_received", reason=data.reason
    ):
        await clocks.meet_all(session, case.id, DeadlineKind.information, at)
        await move(session, case, CaseStatus.intake, at=at, actor=actor)
    return case


async def extend_information_deadline(
    session: AsyncSession, *, case_id: uuid.UUID, data: ExtensionCreate, actor: Principal
) -> DeadlineExtension:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    deadline = await clocks.information_deadline_open(session, case.id)
    if deadline is None:
        raise InformationDeadlineInvalid("There is no open information deadline to extend")
    current = deadline.effective_due_date
    if data.new_due_date <= current:
        raise InformationDeadlineInvalid(f"The new date must be after {current}")
    ext = DeadlineExtension(
        id=uuid.uuid4(), deadline_id=deadline.id, granted_by=actor.sub, **data.model_dump()
    )
    session.add(ext)
    await session.flush()
    await session.refresh(deadline, ["effective_due_date"])  # moved by the extension's trigger
    await record_audit(
        session, actor=actor, entity_type="deadline", entity_id=deadline.id, case_id=case.id,
        action="case.information_deadline_extended",
        before={"due_date": current.isoformat()}, after=data.model_dump(mode="json"),
        reason=data.reason,
    )  # fmt: skip
    return ext

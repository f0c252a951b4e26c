"""A case allocated for further consideration, at assessment and at intake, built in the
databases (allocation is another module's: its clock and MP task are rows here)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from assessment_api.allocations.allocation import POST_ALLOCATION_CONTACT
from assessment_api.allocations.models import (
    AllocationDeadline,
    AllocationTask,
    DeadlineKind,
    QueueEntry,
    TaskKind,
)
from assessment_api.cases.models import Case
from assessment_api.contact.models import FcChecklistAnswer, FcContactAttempt, Party
from assessment_api.contact.rules import REQUIRED_BEFORE_DECISION, Answer, MethodBasis
from intake_api.cases.models import PartyRole
from shared.calendar import WorkingCalendar
from shared.casework.communications import ContactOutcome
from shared.casework.deadlines import new_deadline
from tests.assessment.builders import make_entry
from tests.assessment.cases.builders import CW, make_case
from tests.intake.builders import make_case as make_intake_case
from tests.intake.builders import make_person

ALLOCATED_ON = date(2026, 11, 2)  # Monday; 10 working days: Monday 16 November


@dataclass(frozen=True)
class Allocated:
    case: Case
    complainant: uuid.UUID
    mp: uuid.UUID | None
    deadline: AllocationDeadline
    task: AllocationTask | None


async def allocated_case(
    session: AsyncSession,
    intake: async_sessionmaker[AsyncSession],
    *,
    mp_referred: bool = False,
    **complainant: Any,
) -> Allocated:
    """A case at further consideration held by ``CW``, allocated on ``ALLOCATED_ON`` with its
    C-07 clock (and, MP-referred, the ASM-104 task); at intake, the complainant (``complainant``
    sets their record: phones, preferred method, days to avoid) and a referring MP."""
    async with intake() as s:
        person = await make_person(s, given_name="Casey", **complainant)
        parties: list[Any] = [(person, PartyRole.complainant)]
        mp = None
        if mp_referred:
            mp = await make_person(s, given_name="Morgan", mp_constituency="Testshire North")
            parties.append((mp, PartyRole.mp_referring))
        icase = await make_intake_case(s, parties=parties)
        await s.commit()
    case = await make_case(session, case_id=icase.id)
    entry = await make_entry(session, mp_referred=mp_referred, allocated_to=CW)
    await session.execute(
        update(QueueEntry).where(QueueEntry.id == entry.id).values(case_id=case.id)
    )
    deadline = new_deadline(
        AllocationDeadline, rule=POST_ALLOCATION_CONTACT, starts_on=ALLOCATED_ON,
        calendar=WorkingCalendar(), entry_id=entry.id, case_id=case.id,
        kind=DeadlineKind.post_allocation_contact,
    )  # fmt: skip
    session.add(deadline)
    task = None
    if mp_referred:
        task = AllocationTask(
            id=uuid.uuid4(), entry_id=entry.id, case_id=case.id, kind=TaskKind.contact_mp,
            assignee=CW, rule="ASM-104 ¶2.226: contact the MP once the case is allocated",
            created_by="om-1",
        )  # fmt: skip
        session.add(task)
    await session.flush()
    return Allocated(case, person.id, mp.id if mp else None, deadline, task)


TRIED_AT = datetime(2026, 11, 2, 9, 5, tzinfo=UTC)


async def make_contact_ready(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    checklist: bool = True,
    by: str = CW,
) -> FcContactAttempt:
    """ASM-101: a call answered by the complainant; ASM-102: with ``checklist``, the
    conversation covering every item a decision needs (the same for a decline and a proposal).
    Rows as ``service.record_attempt`` writes them (no notes: nothing to scan)."""
    attempt = FcContactAttempt(
        id=uuid.uuid4(), case_id=case_id, party=Party.complainant, person_id=uuid.uuid4(),
        channel="telephone", direction="outbound", attempted_at=TRIED_AT,
        outcome=ContactOutcome.reached.value, expectations_explained=False,
        adjustments_discussed=False, notes=None, recorded_by=by, introduced=True,
        contact_details_given=True, purpose_explained=True, first_contact=False,
        method_basis=MethodBasis.telephone_by_default.value,
    )  # fmt: skip
    session.add(attempt)
    await session.flush()
    if checklist:
        for item in REQUIRED_BEFORE_DECISION:
            session.add(
                FcChecklistAnswer(
                    id=uuid.uuid4(),
                    case_id=case_id,
                    attempt_id=attempt.id,
                    item=item,
                    answer=Answer.covered,
                    answered_at=TRIED_AT,
                    recorded_by=by,
                )
            )
        await session.flush()
    return attempt


async def make_failed_calls(
    session: AsyncSession, case_id: uuid.UUID, *, days: int, calls: int, by: str = CW
) -> None:
    """ASM-101: ``calls`` unanswered calls to the complainant spread over ``days`` days."""
    person = uuid.uuid4()
    for n in range(calls):
        session.add(
            FcContactAttempt(
                id=uuid.uuid4(),
                case_id=case_id,
                party=Party.complainant,
                person_id=person,
                channel="telephone",
                direction="outbound",
                attempted_at=TRIED_AT - timedelta(days=n % days, minutes=n),
                outcome=ContactOutcome.no_answer.value,
                expectations_explained=False,
                adjustments_discussed=False,
                notes=None,
                recorded_by=by,
                method_basis=MethodBasis.telephone_by_default.value,
            )
        )
    await session.flush()

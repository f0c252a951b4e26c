"""A case allocated for further consideration, at assessment and at intake, built in the
databases (allocation is another module's: its clock and MP task are rows here)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
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
from intake_api.cases.models import PartyRole
from shared.calendar import WorkingCalendar
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

"""The case's clocks (requirements §C): one ``DeadlineRule`` a rule, and what starts and stops them.

- C-01 (INT-008): pass the case on, or contact the complainant, within two weeks of receipt, and
  again of a restart. The hand-off meets it.
- C-02 (INT-016): the information deadline the caseworker sets, usually under a week; the case
  closes 'withdrawn' only from the day after it (an agreed extension moves it).
- C-03 (¶1.27): acknowledge within 10 working days of receipt and of each inbound contact. An
  outbound acknowledgement, decision or party contact meets it. Contact from a person under a
  restriction of the unreasonable behaviour policy that covers it starts no C-03 clock
  (XC-COM-001): an inbound contact starts none, and the clock from receipt is cancelled when the
  complainant added to the case is under such a restriction.
- C-04 (INT-030): return a call-back within 48 hours. A call meets it.

A closure cancels every open clock.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import repository
from intake_api.cases.models import Case, Channel, Communication, Deadline, DeadlineKind
from intake_api.people import service as people
from shared.calendar import WorkingCalendar
from shared.casework.deadlines import DeadlineRule, Unit, cancel, meet, new_deadline, passed
from shared.clock import BUSINESS_TIMEZONE

INTAKE_CONTACT = DeadlineRule(
    "C-01 INT-008: pass on within 2 weeks of receipt, or contact the complainant", 2, Unit.weeks
)
INTAKE_CONTACT_AFTER_RESTART = DeadlineRule(
    "C-01 INT-008: pass on within 2 weeks of the restart, or contact the complainant",
    2,
    Unit.weeks,
)
# The longest usual deadline ("usually under a week"); a later one is an agreed extension.
INFORMATION = DeadlineRule(
    "C-02 INT-016: close as 'withdrawn' only from the day after this deadline",
    7,
    Unit.calendar_days,
)
ACKNOWLEDGEMENT = DeadlineRule(
    "C-03 ¶1.27: acknowledge within 10 working days", 10, Unit.working_days
)
CALLBACK = DeadlineRule("C-04 INT-030: return a call-back within 48 hours", 48, Unit.hours)

# The purposes of an outbound communication that answer an acknowledgement clock (C-03).
ACKNOWLEDGED_BY = frozenset({"acknowledgement", "decision", "party_contact"})


def intake_clocks(
    case_id: uuid.UUID, received: date, calendar: WorkingCalendar
) -> list[dict[str, Any]]:
    """C-01 and C-03 from receipt, as rows for the new case's one INSERT."""
    return [
        new_deadline(dict, rule=rule, starts_on=received, calendar=calendar, case_id=case_id,
                     kind=kind)
        for rule, kind in (
            (INTAKE_CONTACT, DeadlineKind.intake_contact),
            (ACKNOWLEDGEMENT, DeadlineKind.acknowledgement),
        )
    ]  # fmt: skip


def first_due(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The case's next clock among new deadline ``rows``, as the database orders them for
    ``case.next_due_date`` (the earliest due date, then the lowest id): a new case carries it
    from its INSERT, and the trigger that keeps it then has nothing to write."""
    first = min(rows, key=lambda row: (row["due_date"], row["id"]))
    return {"next_due_date": first["due_date"], "next_due_kind": first["kind"]}


def restart_clock(case_id: uuid.UUID, at: datetime, calendar: WorkingCalendar) -> Deadline:
    """C-01 again: back at intake, the two weeks start again from the restart's business date."""
    return new_deadline(
        Deadline, rule=INTAKE_CONTACT_AFTER_RESTART, calendar=calendar, case_id=case_id,
        starts_on=at.astimezone(BUSINESS_TIMEZONE).date(), kind=DeadlineKind.intake_contact,
    )  # fmt: skip


def information_deadline(
    case_id: uuid.UUID, *, today: date, due: date, asked_by: uuid.UUID
) -> Deadline:
    """C-02: the deadline the caseworker gave in the email ``asked_by``."""
    return Deadline(
        id=uuid.uuid4(), case_id=case_id, kind=DeadlineKind.information, rule=INFORMATION.text,
        starts_on=today, due_date=due, source_id=asked_by,
    )  # fmt: skip


async def answer_clock(
    session: AsyncSession, comm: Communication, calendar: WorkingCalendar
) -> Deadline | None:
    """The clock an inbound contact starts: C-04 for a call-back request, else C-03 unless the
    sender is under a contact restriction that covers it (XC-COM-001)."""
    if comm.direction != "inbound":
        return None
    received_on = comm.occurred_at.astimezone(BUSINESS_TIMEZONE).date()  # London business date
    callback = comm.purpose == "callback_request"
    if not callback and comm.from_person_id is not None:
        restricted = await people.covering_restrictions(
            session, [comm.from_person_id], on=received_on, channel=comm.medium,
            case_id=comm.case_id,
        )  # fmt: skip
        if restricted:
            return None
    return new_deadline(
        Deadline, rule=CALLBACK if callback else ACKNOWLEDGEMENT, starts_on=received_on,
        calendar=calendar, started_at=comm.occurred_at, case_id=comm.case_id,
        kind=DeadlineKind.callback if callback else DeadlineKind.acknowledgement,
        source_id=comm.id,
    )  # fmt: skip


async def meet_answered(session: AsyncSession, comm: Communication) -> None:
    """The open C-03 and C-04 clocks the outbound ``comm`` answers, met when it happened.

    An acknowledgement clock started by a contact is met only by the reply that names it
    (``acknowledges_id``); the one from receipt by any acknowledgement.
    """
    for deadline in await repository.open_deadlines(session, comm.case_id):
        if deadline.kind is DeadlineKind.acknowledgement and comm.purpose in ACKNOWLEDGED_BY:
            if deadline.source_id is None or deadline.source_id == comm.acknowledges_id:
                deadline.met_at = comm.occurred_at
        elif deadline.kind is DeadlineKind.callback and comm.medium == "telephone":
            deadline.met_at = comm.occurred_at


async def restricted_complainant(
    session: AsyncSession, case: Case, person_id: uuid.UUID, at: datetime
) -> bool:
    """XC-COM-001: cancel the C-03 clock from receipt when the complainant ``person_id`` was under
    a restriction covering the request's channel on the day it arrived; True if it was.

    An MP's referral is the MP's contact, not the complainant's: it keeps its clock.
    """
    if case.channel is Channel.mp_referral:
        return False
    restricted = await people.covering_restrictions(
        session, [person_id], on=case.received_date, channel=case.channel.value, case_id=case.id
    )
    if not restricted:
        return False
    receipt = [
        d for d in await repository.open_deadlines(session, case.id, DeadlineKind.acknowledgement)
        if d.source_id is None
    ]  # fmt: skip
    cancel(receipt, at)
    return bool(receipt)


async def meet_all(
    session: AsyncSession, case_id: uuid.UUID, kind: DeadlineKind, at: datetime
) -> None:
    """Every open clock of ``kind`` on the case, met at ``at``."""
    meet(await repository.open_deadlines(session, case_id, kind), at)


async def cancel_all(session: AsyncSession, case_id: uuid.UUID, at: datetime) -> None:
    """Every open clock on the case, cancelled at ``at`` (a closure)."""
    cancel(await repository.open_deadlines(session, case_id), at)


async def information_deadline_open(session: AsyncSession, case_id: uuid.UUID) -> Deadline | None:
    """The open C-02 deadline that falls last, if any."""
    open_ = await repository.open_deadlines(session, case_id, DeadlineKind.information)
    return open_[-1] if open_ else None


async def information_deadline_passed(
    session: AsyncSession, case_id: uuid.UUID, today: date
) -> bool:
    """INT-016: "a day after" the deadline in force, never on the deadline day itself."""
    deadline = await information_deadline_open(session, case_id)
    return deadline is not None and passed(deadline, today)

"""Use cases of contact after allocation at further consideration (¶2.212–2.226): attempts to
reach the complainant (ASM-100, ASM-101) and first contact (ASM-099, C-07), the conversation
checklist (ASM-102), the referring MP (ASM-104), and 'withdrawn' when more information is needed
(ASM-103).

A new case for a complainant who gets in touch after a 'withdrawn' closure (¶2.225) is intake's
to create (a new referral), not this module's.

Every contact note and checklist note is what a party told us: scanned by the kit for
legal-action wording and announced (XC-RSK-004) in the recording's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import service as allocations
from assessment_api.cases.errors import CaseNotFound
from assessment_api.cases.service import (
    CASE,
    Case,
    CaseStatus,
    get_case,
    scan_and_announce_contact_attempt,
    scan_and_announce_notes,
    transition,
)
from assessment_api.contact import intake, repository
from assessment_api.contact.errors import (
    AttemptInFuture,
    ChecklistAnswerInvalid,
    ChecklistIncomplete,
    ContactNotYetTried,
    MethodNotFollowed,
    NotAtFurtherConsideration,
    NotMpReferred,
    NotTheCasesParty,
    TimingNotFollowed,
)
from assessment_api.contact.models import (
    FcChecklistAnswer,
    FcContactAttempt,
    FcWithdrawal,
    Party,
)
from assessment_api.contact.rules import (
    REQUIRED_BEFORE_DECISION,
    TELEPHONE,
    WRITTEN,
    Availability,
    ContactUnlock,
    FirstContactState,
    Item,
    Method,
    answer_problem,
    decision_unlock,
    first_contact_state,
    is_first_contact,
    latest_answers,
    method_problems,
    missing_before_decision,
    required_method,
    timing_problems,
)
from assessment_api.contact.schemas import (
    AttemptRecorded,
    AvailabilityRead,
    ChecklistAnswerRead,
    ChecklistItemRead,
    ContactRead,
    DateRange,
    FcContactAttemptCreate,
    FcContactAttemptRead,
    FcWithdrawCreate,
    FirstContactRead,
    MethodRead,
    MpContactCreate,
    MpRead,
    WithdrawalRead,
)
from shared.auth import Principal
from shared.casework.communications import ContactOutcome, legal_scan
from shared.casework.deadlines import is_open
from shared.changes import Audited, load_for_update
from shared.clients import ServiceClient
from shared.clock import BUSINESS_TIMEZONE
from shared.events.contracts.assessment import CaseClosedV1
from shared.outbox.emit import emit

__all__ = ["attempt_on_case", "decision_gaps", "decision_readiness", "require_ready_to_decide"]

WITHDRAWN = "withdrawn"

ATTEMPT: Audited[FcContactAttempt] = Audited(
    entity_type="fc_contact_attempt",
    snapshot=lambda a: FcContactAttemptRead.model_validate(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)
ANSWER: Audited[FcChecklistAnswer] = Audited(
    entity_type="fc_checklist_answer",
    snapshot=lambda a: ChecklistAnswerRead.model_validate(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)
WITHDRAWAL: Audited[FcWithdrawal] = Audited(
    entity_type="fc_withdrawal",
    snapshot=lambda w: WithdrawalRead.model_validate(w).model_dump(mode="json"),
    case_id=lambda w: w.case_id,
)


def _business_date(at: datetime) -> date:
    return at.astimezone(BUSINESS_TIMEZONE).date()


def _check_further(case: Case) -> None:
    if case.status is not CaseStatus.further_consideration:
        raise NotAtFurtherConsideration(
            f"The case is {case.status.value}, not at further consideration",
            extensions={"current_status": case.status.value},
        )


async def _at_further_consideration(session: AsyncSession, case_id: uuid.UUID) -> Case:
    case = await get_case(session, case_id)
    _check_further(case)
    return case


def _not_in_future(attempted_at: datetime, at: datetime) -> None:
    if attempted_at > at:
        raise AttemptInFuture(
            f"The attempt is dated {attempted_at.isoformat()}, after now ({at.isoformat()})"
        )


async def _party(
    client: ServiceClient, case_id: uuid.UUID, person_id: uuid.UUID, role: str
) -> None:
    if person_id not in await intake.people_in_role(client, case_id, role):
        raise NotTheCasesParty(
            f"Intake does not name {person_id} as the case's {role}",
            extensions={"person_id": str(person_id), "role": role},
        )


# --- ASM-100: the method ----------------------------------------------------------------------


def _latest(values: Sequence[object | None]) -> object | None:
    given = [v for v in values if v is not None]
    return given[-1] if given else None


async def _method_and_availability(
    session: AsyncSession, client: ServiceClient, case_id: uuid.UUID, person_id: uuid.UUID
) -> tuple[Method, Availability]:
    """ASM-100: the method from what the complainant stated here (latest first) and intake's
    card; availability from intake's card and what they stated here (latest stated wins)."""
    card = await intake.contact_card(client, person_id, case_id)
    attempts = await repository.attempts(session, case_id, Party.complainant)
    stated = _latest([a.stated_preference for a in attempts])
    method = required_method(
        stated_here=str(stated) if stated is not None else None,
        intake_preference=card.preferred_method,
        has_phone=card.has_phone,
    )
    only_on = _latest([a.stated_only_on for a in attempts])
    ranges = _latest([a.stated_dates_to_avoid for a in attempts])
    stated_ranges = tuple(
        (date.fromisoformat(r["from_date"]), date.fromisoformat(r["to_date"]))
        for r in (ranges if isinstance(ranges, list) else [])
    )
    availability = Availability(
        only_on=frozenset(only_on) if isinstance(only_on, list) else frozenset(),
        days_to_avoid=card.days_to_avoid,
        dates_to_avoid=card.dates_to_avoid + stated_ranges,
    )
    return method, availability


async def method(session: AsyncSession, client: ServiceClient, *, case_id: uuid.UUID) -> MethodRead:
    """ASM-100: how to make the next outbound attempt to the complainant, and when not to."""
    await get_case(session, case_id)
    complainants = sorted(await intake.people_in_role(client, case_id, intake.COMPLAINANT))
    if not complainants:
        raise NotTheCasesParty(
            "Intake names no complainant on the case", extensions={"role": intake.COMPLAINANT}
        )
    person_id = complainants[0]
    found, availability = await _method_and_availability(session, client, case_id, person_id)
    return MethodRead(
        case_id=case_id,
        person_id=person_id,
        channels=sorted(found.channels),
        basis=found.basis,
        preference=found.preference,
        ask_for_number_and_preference=found.ask_for_number_and_preference,
        availability=AvailabilityRead(
            only_on=sorted(availability.only_on),
            days_to_avoid=sorted(availability.days_to_avoid),
            dates_to_avoid=[
                DateRange(from_date=a, to_date=b) for a, b in availability.dates_to_avoid
            ],
        ),
    )


def _check_method(method_: Method, data: FcContactAttemptCreate) -> None:
    problems = method_problems(
        method_, channel=data.channel,
        asked_for_number_and_preference=data.asked_for_number_and_preference,
    )  # fmt: skip
    if problems:
        raise MethodNotFollowed(
            "ASM-100: " + ", ".join(p.value for p in problems),
            extensions={
                "requirement": "ASM-100",
                "problems": [p.value for p in problems],
                "channels": sorted(method_.channels),
                "basis": method_.basis.value,
            },
        )


def _check_timing(availability: Availability, data: FcContactAttemptCreate) -> None:
    problems = timing_problems(
        availability, _business_date(data.attempted_at), call=data.channel == TELEPHONE
    )
    if problems and data.timing_override_reason is None:
        raise TimingNotFollowed(
            "ASM-100 (¶2.215–2.216): " + ", ".join(p.value for p in problems),
            extensions={"requirement": "ASM-100", "problems": [p.value for p in problems]},
        )


def _check_answers(data: FcContactAttemptCreate) -> None:
    problems = [
        {"item": a.item.value, "problem": p.value}
        for a in data.checklist
        if (p := answer_problem(a.item, a.answer)) is not None
    ]
    if problems:
        raise ChecklistAnswerInvalid(
            "ASM-102: " + ", ".join(f"{p['item']}: {p['problem']}" for p in problems),
            extensions={"requirement": "ASM-102", "problems": problems},
        )


# --- ASM-099, ASM-101, ASM-102: attempts, first contact and the checklist --------------------


async def record_attempt(
    session: AsyncSession,
    client: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: FcContactAttemptCreate,
    actor: Principal,
    at: datetime,
) -> AttemptRecorded:
    """ASM-101: record an attempt to reach the complainant (or their reply). An outbound attempt
    follows the method (ASM-100, read with intake's card: 503 when intake cannot say) and the
    days they asked for, unless a reason is given; first contact (ASM-099) meets the
    10-working-day clock; a conversation's checklist (ASM-102) is recorded with it."""
    _not_in_future(data.attempted_at, at)
    _check_answers(data)
    case = await _at_further_consideration(session, case_id)
    await _party(client, case_id, data.person_id, intake.COMPLAINANT)
    basis: str | None = None
    if data.direction == "outbound":
        found, availability = await _method_and_availability(
            session, client, case_id, data.person_id
        )
        _check_method(found, data)
        _check_timing(availability, data)
        basis = found.basis.value
    # The clock of the latest allocation still open: a reallocation starts a new one (¶2.212).
    clock_open = any(is_open(d) for d in await allocations.contact_deadlines(session, case_id))
    first = clock_open and is_first_contact(
        outcome_reached=data.outcome is ContactOutcome.reached,
        written_outbound=data.direction == "outbound" and data.channel in WRITTEN,
        introduced=data.introduced,
        details_given=data.contact_details_given,
    )
    attempt = FcContactAttempt(
        id=uuid.uuid4(), case_id=case_id, party=Party.complainant, person_id=data.person_id,
        channel=data.channel, direction=data.direction, attempted_at=data.attempted_at,
        outcome=data.outcome.value, expectations_explained=False,
        adjustments_discussed=False, notes=data.notes, recorded_by=actor.sub,
        introduced=data.introduced, contact_details_given=data.contact_details_given,
        purpose_explained=data.purpose_explained, first_contact=first, method_basis=basis,
        asked_for_number_and_preference=data.asked_for_number_and_preference,
        stated_preference=data.stated_preference, stated_only_on=data.stated_only_on,
        stated_dates_to_avoid=(
            [r.model_dump(mode="json") for r in data.stated_dates_to_avoid]
            if data.stated_dates_to_avoid is not None else None
        ),
        timing_override_reason=data.timing_override_reason,
    )  # fmt: skip
    # XC-RSK-004: the call note is what the complainant told us: the kit scans it first.
    await scan_and_announce_contact_attempt(session, case, attempt, actor=actor)
    repository.add(session, attempt)
    await ATTEMPT.created(session, attempt, actor=actor, action="fc.contact_attempt_recorded")
    answers = await _record_checklist(session, case, attempt, data, actor=actor)
    if first:
        await allocations.meet_contact_deadlines(
            session, case_id, at=data.attempted_at, actor=actor, action="fc.first_contact_made"
        )
    return AttemptRecorded.model_validate(
        {
            **FcContactAttemptRead.model_validate(attempt).model_dump(),
            "checklist": [ChecklistAnswerRead.model_validate(a) for a in answers],
        }
    )


async def _record_checklist(
    session: AsyncSession,
    case: Case,
    attempt: FcContactAttempt,
    data: FcContactAttemptCreate,
    *,
    actor: Principal,
) -> list[FcChecklistAnswer]:
    """ASM-102: the conversation's answers, each note scanned (XC-RSK-004) and all of the
    conversation's terms announced once, as the attempt's."""
    rows = [
        FcChecklistAnswer(
            id=uuid.uuid4(),
            case_id=case.id,
            attempt_id=attempt.id,
            item=a.item,
            answer=a.answer,
            alternative_date=a.alternative_date,
            notes=a.notes,
            legal_scan=legal_scan({"notes": a.notes}) if a.notes is not None else None,
            answered_at=attempt.attempted_at,
            recorded_by=actor.sub,
        )
        for a in data.checklist
    ]
    notes = {f"checklist.{r.item.value}": r.notes for r in rows if r.notes is not None}
    if notes:
        await scan_and_announce_notes(
            session, case, notes, record_id=attempt.id, medium=attempt.channel,
            direction=attempt.direction, received_at=attempt.attempted_at, actor=actor,
        )  # fmt: skip
    for row in rows:
        repository.add(session, row)
        await ANSWER.created(session, row, actor=actor, action="fc.checklist_answered")
    return rows


# --- ASM-104: the referring MP ----------------------------------------------------------------


async def record_mp_contact(
    session: AsyncSession,
    client: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: MpContactCreate,
    actor: Principal,
    at: datetime,
) -> FcContactAttemptRead:
    """ASM-104 (¶2.226): contact with the referring MP on an MP-referred case. Contact made (a
    call answered, or a letter or email sent) saying who the caseworker is, with their contact
    details, completes allocation's MP task (once)."""
    _not_in_future(data.attempted_at, at)
    case = await _at_further_consideration(session, case_id)
    tasks = await allocations.mp_tasks(session, case_id)
    if not tasks:
        raise NotMpReferred(
            "The case was not referred by an MP: allocation left no MP contact task",
            extensions={"requirement": "ASM-104"},
        )
    await _party(client, case_id, data.person_id, intake.REFERRING_MP)
    attempt = FcContactAttempt(
        id=uuid.uuid4(), case_id=case_id, party=Party.mp, person_id=data.person_id,
        channel=data.channel, direction="outbound", attempted_at=data.attempted_at,
        outcome=data.outcome.value, expectations_explained=False, adjustments_discussed=False,
        notes=data.notes, recorded_by=actor.sub, introduced=data.introduced,
        contact_details_given=data.contact_details_given,
    )  # fmt: skip
    await scan_and_announce_contact_attempt(session, case, attempt, actor=actor)
    repository.add(session, attempt)
    await ATTEMPT.created(session, attempt, actor=actor, action="fc.mp_contact_recorded")
    made = is_first_contact(
        outcome_reached=data.outcome is ContactOutcome.reached,
        written_outbound=data.channel in WRITTEN,
        introduced=data.introduced,
        details_given=data.contact_details_given,
    )
    open_tasks = [t for t in tasks if t.done_at is None]
    if made and open_tasks:
        await allocations.complete_mp_task(
            session, open_tasks[0], actor=actor, at=data.attempted_at,
            note=f"ASM-104: MP contacted by {data.channel} (contact attempt {attempt.id})",
        )  # fmt: skip
    return FcContactAttemptRead.model_validate(attempt)


# --- ASM-101 and ASM-102: may a decision be made? ---------------------------------------------


async def decision_readiness(
    session: AsyncSession, case_id: uuid.UUID
) -> tuple[ContactUnlock | None, list[Item]]:
    """ASM-101 (C-08): why a decision may be made, or None; ASM-102: the required checklist
    areas not yet covered (they matter only when contact was made: after three failed calls
    over two days the decision is on the information held, ¶2.218)."""
    attempts = await repository.attempts(session, case_id, Party.complainant)
    unlock = decision_unlock(
        contact_made=any(a.outcome == ContactOutcome.reached.value for a in attempts),
        failed_call_dates=_failed_call_dates(attempts),
    )
    answers = await repository.checklist_answers(session, case_id)
    missing = missing_before_decision(latest_answers({a.item: a.answer} for a in answers))
    return unlock, missing


def _failed_call_dates(attempts: Sequence[FcContactAttempt]) -> list[date]:
    return [
        _business_date(a.attempted_at)
        for a in attempts
        if a.channel == TELEPHONE
        and a.direction == "outbound"
        and a.outcome != ContactOutcome.reached.value
    ]


async def decision_gaps(
    session: AsyncSession, case_id: uuid.UUID, *, proposing: bool, closure_code: str | None
) -> list[tuple[str, str]]:
    """The decision gate (the decision-gate contract) for a decline or a proposal: ASM-101
    until contact is made or three calls over two days have failed; ASM-102 while a
    conversation has not covered what a decision needs."""
    unlock, missing = await decision_readiness(session, case_id)
    if unlock is None:
        return [
            (
                "ASM-101",
                "try to reach the complainant first: contact made, or three failed calls over "
                "two days (¶2.217-2.218)",
            )
        ]
    if unlock is ContactUnlock.contact_made and missing:
        return [
            (
                "ASM-102",
                "the conversation has not yet covered: " + ", ".join(i.value for i in missing),
            )
        ]
    return []


async def require_ready_to_decide(session: AsyncSession, case_id: uuid.UUID) -> ContactUnlock:
    """ASM-101 and ASM-102, for any decision at further consideration: 409
    ``fc-contact-required`` until contact is made or three calls over two days have failed,
    409 ``fc-checklist-incomplete`` while a conversation has not covered what a decision
    needs."""
    unlock, missing = await decision_readiness(session, case_id)
    if unlock is None:
        raise ContactNotYetTried(
            "Try to reach the complainant first: contact made, or three failed calls over two "
            "days, before deciding (ASM-101)",
            extensions={"requirement": "ASM-101"},
        )
    if unlock is ContactUnlock.contact_made and missing:
        raise ChecklistIncomplete(
            "The conversation has not yet covered: " + ", ".join(i.value for i in missing),
            extensions={"requirement": "ASM-102", "missing": [i.value for i in missing]},
        )
    return unlock


# --- ASM-103: more information needed, 'withdrawn' --------------------------------------------


async def withdraw(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: FcWithdrawCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """ASM-103 (¶2.224): more information is needed before deciding: recorded, the complainant
    told, and the case closed as 'withdrawn' through the lifecycle (not a decision about
    investigating, so not behind the risk guard). Contact must have been tried first (¶2.217)."""
    _not_in_future(data.told_at, at)
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _check_further(case)
    unlock = await require_ready_to_decide(session, case_id)
    async with CASE.change(session, case, actor=actor, action="case.withdrawn"):
        transition(case, CaseStatus.closed, at=at, closure_code=WITHDRAWN)
    record = FcWithdrawal(
        id=uuid.uuid4(), case_id=case_id, information_needed=data.information_needed,
        told_by=data.told_by, told_at=data.told_at, rationale=data.rationale,
        unlocked_by=unlock.value, decided_by=actor.sub, decided_at=at,
    )  # fmt: skip
    repository.add(session, record)
    await WITHDRAWAL.created(session, record, actor=actor, action="fc.withdrawn")
    await allocations.cancel_contact_deadlines(
        session, case_id, at=at, actor=actor, action="fc.case_closed"
    )
    await emit(
        session,
        CaseClosedV1(
            reference=case.reference, closure_code=WITHDRAWN, decision="withdrawn",
            decision_id=record.id, discretion=None, other_reason=None, risk_assessment_id=None,
        ),
        case_id=case.id, actor=actor.sub, occurred_at=at,
    )  # fmt: skip
    return case


# --- The read ---------------------------------------------------------------------------------


async def read(session: AsyncSession, *, case_id: uuid.UUID, today: date) -> ContactRead:
    """Where contact after allocation stands (any status: the record stays readable)."""
    case = await get_case(session, case_id)
    attempts = await repository.attempts(session, case_id)
    answers = await repository.checklist_answers(session, case_id)
    unlock, missing = await decision_readiness(session, case_id)
    latest: dict[Item, FcChecklistAnswer] = {a.item: a for a in answers}
    withdrawal = await repository.withdrawal(session, case_id)
    ready = unlock is not None and (unlock is not ContactUnlock.contact_made or not missing)
    return ContactRead(
        case_id=case.id,
        status=case.status.value,
        first_contact=await _first_contact(session, case_id, today),
        decision_unlocked_by=unlock,
        failed_calls=len(_failed_call_dates([a for a in attempts if a.party is Party.complainant])),
        checklist=[
            ChecklistItemRead(
                item=item,
                required_before_decision=item in REQUIRED_BEFORE_DECISION,
                answer=latest[item].answer if item in latest else None,
                notes=latest[item].notes if item in latest else None,
                attempt_id=latest[item].attempt_id if item in latest else None,
            )
            for item in Item
        ],
        checklist_missing=missing,
        decision_ready=ready,
        mp_tasks=[
            MpRead(task_id=t.id, done_at=t.done_at, done_by=t.done_by)
            for t in await allocations.mp_tasks(session, case_id)
        ],
        attempts=[FcContactAttemptRead.model_validate(a) for a in attempts],
        withdrawal=WithdrawalRead.model_validate(withdrawal) if withdrawal else None,
    )


async def _first_contact(
    session: AsyncSession, case_id: uuid.UUID, today: date
) -> FirstContactRead | None:
    """ASM-099 / C-07: the latest allocation's clock (a reallocation starts a new one)."""
    clocks = await allocations.contact_deadlines(session, case_id)
    if not clocks:
        return None
    clock = clocks[-1]
    made_on = _business_date(clock.met_at) if clock.met_at is not None else None
    state: FirstContactState = first_contact_state(
        due=clock.effective_due_date, made_on=made_on, today=today,
        cancelled=clock.cancelled_at is not None,
    )  # fmt: skip
    return FirstContactRead(
        due_date=clock.due_date,
        effective_due_date=clock.effective_due_date,
        made_at=clock.met_at,
        state=state,
    )


async def attempt_on_case(session: AsyncSession, case_id: uuid.UUID, attempt_id: uuid.UUID) -> bool:
    """ASM-107 (¶2.234): whether ``attempt_id`` is a contact attempt recorded on the case (its
    notes are the record of a conversation another domain refers to)."""
    return any(a.id == attempt_id for a in await repository.attempts(session, case_id))

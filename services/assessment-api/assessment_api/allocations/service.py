from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import repository, rules
from assessment_api.allocations.models import (
    AllocationDeadline,
    AllocationTask,
    EntryStatus,
    QueueEntry,
)
from assessment_api.allocations.schemas import AllocationTaskRead, DeadlineRead, QueueEntryRead
from assessment_api.cases import service as cases
from shared.auth import Principal
from shared.casework.deadlines import cancel, is_open, meet
from shared.casework.tasks import complete
from shared.changes import Audited
from shared.events.contracts.intake import CaseReferredV1, PartyDetailsCorrectedV1
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import audit_effect
from shared.pagination import Keyset, Page, key_date, key_int, key_uuid, paginate

PRIORITY_RANK = {"high": 0, "standard": 1}
# ASM-104: the MP contact tasks allocation leaves on a case (created in allocation.py, completed
# here); defined here, below allocation.py, so neither module imports the other in a cycle.
TASK = Audited[AllocationTask](
    entity_type="allocation_task",
    snapshot=lambda t: AllocationTaskRead.model_validate(t).model_dump(mode="json"),
    case_id=lambda t: t.case_id,
)
QUEUE = Keyset("allocation-queue", (key_int, key_int, key_date, key_uuid))

ENTRY = Audited[QueueEntry](
    entity_type="allocation_queue_entry",
    snapshot=lambda e: QueueEntryRead.model_validate(e).model_dump(mode="json"),
    case_id=lambda e: e.case_id,
)


async def queue_referred_case(
    session: AsyncSession, *, envelope: EventEnvelope, payload: CaseReferredV1
) -> QueueEntry | None:
    """ASM-085: every case sent for further consideration goes into the central queue: here,
    a referral whose route opens the case awaiting allocation (T14, T16). A case routed to ECT
    triage or DR is not awaiting allocation; it enters the queue later through
    :func:`enter_queue`, if it gets there.

    Audited as the producing service, naming the event, in the inbox's transaction.
    """
    if cases.opening_status(payload.route) is not cases.CaseStatus.awaiting_allocation:
        return None
    entry = QueueEntry(
        id=uuid.uuid4(),
        case_id=envelope.case_id,
        source_event_id=envelope.id,
        reference=payload.reference,
        case_type=payload.case_type,
        jurisdiction=payload.jurisdiction,
        route=payload.route,
        triage_category=payload.triage_category,
        priority=payload.priority,
        priority_rank=PRIORITY_RANK.get(payload.priority, 1),
        organisation_ids=list(payload.organisation_ids),
        received_date=payload.received_date,
        referred_at=envelope.occurred_at,
        status="queued",
        terminal_illness=False,
        terminal_rank=rules.terminal_rank(False),
        # XC-RSK-002 / ASM-104: read defensively, so an older v1 payload means "not ticked".
        risk_assessment_required=getattr(payload, "risk_assessment_required", False),
        mp_referred=getattr(payload, "mp_referred", False),
        allocated_to=None,
        allocated_team=None,
        allocated_at=None,
    )
    repository.add(session, entry)
    # From the entry as built: no flush, the inbox inserts a batch's entries (and audit rows)
    # at once.
    audit_effect(
        session,
        envelope,
        entity_type="allocation_queue_entry",
        entity_id=entry.id,
        action="allocation_queue_entry.created",
        after=QueueEntryRead.model_validate(entry).model_dump(mode="json"),
    )
    return entry


async def enter_queue(
    session: AsyncSession,
    case: cases.Case,
    *,
    actor: Principal,
    at: datetime,
    action: str,
    reason: str | None = None,
    entry: QueueEntry | None = None,
    triage_category: str | None = None,
) -> QueueEntry:
    """The one way a case (re)enters the central queue after its referral (ASM-085): T19 from
    triage, T23 from early consideration, T25 reallocation, T28 a T15 case back from DR.

    The case moves to awaiting allocation, held by nobody, and gets its one queued entry: a new
    one built from the case's facts, or ``entry`` (T25: the allocated entry goes back, with
    ``triage_category`` when the category changed). The caller holds the case's row lock.
    Migration 0015 refuses, at commit, a case awaiting allocation without a queued entry.
    """
    async with cases.CASE.change(session, case, actor=actor, action=action, reason=reason):
        cases.transition(case, cases.CaseStatus.awaiting_allocation, at=at)
        case.owner = None
        case.team = None
        if triage_category is not None:
            case.triage_category = triage_category
    # A queued entry the case already has is its entry now: one left by a referral before the
    # queue followed the case (a triage or DR route was queued too, before migration 0015).
    entry = entry or await repository.queued_entry_of(session, case.id)
    if entry is not None:
        async with ENTRY.change(
            session, entry, actor=actor, action="allocation_queue_entry.requeued", reason=reason
        ):
            entry.status = EntryStatus.queued
            entry.triage_category = case.triage_category
            entry.priority = case.priority
            entry.priority_rank = PRIORITY_RANK.get(case.priority, 1)
            entry.allocated_to = None
            entry.allocated_team = None
            entry.allocated_at = None
            entry.allocated_by = None
        return entry
    entry = QueueEntry(
        id=uuid.uuid4(), case_id=case.id, source_event_id=case.source_event_id,
        reference=case.reference, case_type=case.case_type, jurisdiction=case.jurisdiction,
        route=case.route, triage_category=case.triage_category, priority=case.priority,
        priority_rank=PRIORITY_RANK.get(case.priority, 1),
        organisation_ids=list(case.organisation_ids), received_date=case.received_date,
        referred_at=at, status=EntryStatus.queued, terminal_illness=False,
        terminal_rank=rules.terminal_rank(False),
        risk_assessment_required=case.risk_assessment_required, mp_referred=case.mp_referred,
        allocated_to=None, allocated_team=None, allocated_at=None,
    )  # fmt: skip
    repository.add(session, entry)
    await session.flush()
    await ENTRY.created(session, entry, actor=actor, action="allocation_queue_entry.created")
    return entry


async def read_queue(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    jurisdiction: str | None,
    triage_category: str | None,
) -> Page[QueueEntryRead]:
    """The central queue in allocation order: terminal illness first (XC-RSK-006), then high
    priority, then oldest received."""
    return await paginate(
        lambda after, n: repository.list_queued(
            session,
            limit=n,
            after=after,
            jurisdiction=jurisdiction,
            triage_category=triage_category,
        ),
        keyset=QUEUE,
        cursor=cursor,
        limit=limit,
        key=lambda entry: (
            entry.terminal_rank,
            entry.priority_rank,
            entry.received_date,
            entry.id,
        ),
        item=QueueEntryRead.model_validate,
        page=Page[QueueEntryRead],
    )


async def note_party_correction(
    session: AsyncSession, *, envelope: EventEnvelope, payload: PartyDetailsCorrectedV1
) -> None:
    """A party of a case referred to us had their details corrected at intake (¶1.63).

    Assessment keeps no personal data (DESIGN §1): it records, in the case's trail, which fields
    changed, so whoever writes next reads the fresh contact card from intake.
    """
    audit_effect(
        session,
        envelope,
        entity_type="case",
        entity_id=envelope.case_id,
        action="case.party_details_corrected",
        after={
            "event_id": str(envelope.id),
            "person_id": str(payload.person_id),
            "roles": payload.roles,
            "fields": payload.fields,
        },
    )


# --- What the contact domain reads and records on allocation's rows (ASM-099, ASM-104) -------

DEADLINE = Audited[AllocationDeadline](
    entity_type="allocation_deadline",
    snapshot=lambda d: DeadlineRead.model_validate(d).model_dump(mode="json"),
    case_id=lambda d: d.case_id,
)


async def contact_deadlines(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[AllocationDeadline]:
    """C-07: the case's 10-working-day post-allocation contact clocks, oldest first."""
    return await repository.contact_deadlines_of_case(session, case_id)


async def meet_contact_deadlines(
    session: AsyncSession, case_id: uuid.UUID, *, at: datetime, actor: Principal, action: str
) -> None:
    """ASM-099: first contact meets the open post-allocation contact clock (audited)."""
    await _settle(session, case_id, at=at, actor=actor, action=action, settle=meet)


async def cancel_contact_deadlines(
    session: AsyncSession, case_id: uuid.UUID, *, at: datetime, actor: Principal, action: str
) -> None:
    """A closure cancels an open post-allocation contact clock (audited)."""
    await _settle(session, case_id, at=at, actor=actor, action=action, settle=cancel)


async def _settle(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    at: datetime,
    actor: Principal,
    action: str,
    settle: Callable[[Sequence[AllocationDeadline], datetime], None],
) -> None:
    for deadline in await repository.contact_deadlines_of_case(session, case_id):
        if is_open(deadline):
            async with DEADLINE.change(session, deadline, actor=actor, action=action):
                settle([deadline], at)


async def mp_tasks(session: AsyncSession, case_id: uuid.UUID) -> Sequence[AllocationTask]:
    """ASM-104: the MP contact tasks allocation left on the case (none: not MP-referred)."""
    return await repository.mp_tasks_of_case(session, case_id)


async def complete_mp_task(
    session: AsyncSession, task: AllocationTask, *, actor: Principal, at: datetime, note: str
) -> None:
    """ASM-104: the MP was contacted; the task is done once (the kit's ``complete``), audited."""
    async with TASK.change(session, task, actor=actor, action="allocation_task.completed"):
        complete(task, by=actor.sub, at=at, note=note)

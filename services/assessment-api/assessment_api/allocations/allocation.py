"""Allocation: assign a queued case to a caseworker, "next case for me", terminal-illness
priority, category changes and complex referrals, systemic issues (ASM-085…089, ASM-099,
ASM-104, CMP-114, CMP-128, XC-RSK-002, XC-RSK-006).

The rules are in ``rules``; this module gathers their inputs (the staff directory, the case's
current risk rating from compliance-api, read at the moment of allocation) and records the acts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import repository, rules
from assessment_api.allocations.errors import (
    AllocationRefused,
    ApprovalNotFound,
    CallerNotAllocatable,
    ComplexReferralRequired,
    EntryNotFound,
    NoCaseForYou,
    NotAllocated,
    NotAllocatedCaseworker,
    NotAllocator,
    NotQueued,
    NotTheReferralsAd,
    SameCategory,
    UnknownStaff,
    WrongPostHolder,
)
from assessment_api.allocations.models import (
    AllocationApproval,
    AllocationDeadline,
    AllocationTask,
    DeadlineKind,
    EntryStatus,
    QueueEntry,
    TaskKind,
)
from assessment_api.allocations.schemas import (
    AllocationApprovalRead,
    AllocationCreate,
    AllocationRead,
    AllocationTaskRead,
    ApprovalDecisionCreate,
    CategoryChangeCreate,
    DeadlineRead,
    NextCase,
    QueueEntryRead,
    SystemicIssueCreate,
)
from assessment_api.allocations.service import ENTRY, TASK, enter_queue
from assessment_api.cases import service as cases
from assessment_api.staff import service as staff
from shared.auth import MANAGERS, Principal, Role
from shared.calendar import WorkingCalendar
from shared.casework.approvals import Delegation, decide_approval, request_approval
from shared.casework.deadlines import DeadlineRule, Unit, cancel, new_deadline
from shared.changes import Audited, load_for_update
from shared.errors import NotFound
from shared.events.contracts.assessment import (
    CaseAllocatedV1,
    CategoryChangeDecidedV1,
    CategoryChangeRequestedV1,
    ComplexReferralDecidedV1,
    ComplexReferralRequestedV1,
    SystemicIssueFlaggedV1,
)
from shared.events.envelope import EventPayload
from shared.outbox.emit import emit
from shared.risk_rating import RiskRatings
from shared.staff import Grade, Post, StaffMember

# C-07 / ASM-099 (¶2.212): contact the complainant within ten working days of allocation.
POST_ALLOCATION_CONTACT = DeadlineRule(
    text="ASM-099 ¶2.212: contact the complainant within 10 working days of allocation",
    amount=10,
    unit=Unit.working_days,
)
# ASM-086 (¶2.189): a category change and reallocation is approved by the manager.
CATEGORY_CHANGE = Delegation(
    kind="category_change",
    level="manager",
    roles=MANAGERS,
    rule="ASM-086 ¶2.189: the manager approves a category change and reallocation",
)
# ASM-089 (¶2.194–2.195): a complex referral is agreed by the AD responsible for complex teams.
COMPLEX_REFERRAL = Delegation(
    kind="complex_referral",
    level="assistant_director",
    roles=frozenset({Role.assistant_director}),
    rule="ASM-089 ¶2.194: the AD responsible for the complex teams agrees a complex referral",
)
DELEGATIONS = {d.kind: d for d in (CATEGORY_CHANGE, COMPLEX_REFERRAL)}
MANAGER_GRADES = frozenset(
    {Grade.operations_manager, Grade.assistant_director, Grade.director, Grade.deputy_ombudsman}
)
# "Next case for me" reads at most this many candidates (each a rating query) before answering.
NEXT_CASE_SCAN = 50
NEXT_CASE_BATCH = 10

APPROVAL = Audited[AllocationApproval](
    entity_type="allocation_approval",
    snapshot=lambda a: AllocationApprovalRead.model_validate(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)


async def _entry(session: AsyncSession, entry_id: uuid.UUID, if_match: str | None) -> QueueEntry:
    return await load_for_update(
        session, QueueEntry, entry_id, if_match=if_match, missing=EntryNotFound,
        what="allocation queue entry",
    )  # fmt: skip


async def _staff(session: AsyncSession, staff_id: str) -> StaffMember:
    try:
        return await staff.get_member(session, staff_id)
    except NotFound as exc:
        raise UnknownStaff(f"The staff directory holds nobody with id {staff_id!r}") from exc


async def read_allocation(session: AsyncSession, entry_id: uuid.UUID) -> AllocationRead:
    entry = await session.get(QueueEntry, entry_id)
    if entry is None:
        raise EntryNotFound(f"No allocation queue entry with id {entry_id}")
    return await _allocation_read(session, entry)


async def _allocation_read(session: AsyncSession, entry: QueueEntry) -> AllocationRead:
    return AllocationRead(
        entry=QueueEntryRead.model_validate(entry),
        deadlines=[
            DeadlineRead.model_validate(d) for d in await repository.deadlines_of(session, entry.id)
        ],
        tasks=[
            AllocationTaskRead.model_validate(t)
            for t in await repository.tasks_of(session, entry.id)
        ],
    )


async def allocate(
    session: AsyncSession,
    *,
    entry_id: uuid.UUID,
    data: AllocationCreate,
    actor: Principal,
    at: datetime,
    today: date,
    calendar: WorkingCalendar,
    ratings: RiskRatings,
    complex_teams: Iterable[str],
    if_match: str | None,
) -> tuple[QueueEntry, AllocationRead]:
    """T24: allocate a queued case, if the rules allow it, reading the case's current risk
    rating from compliance-api now (503 if it cannot be reached, never a guess). The case moves
    to further consideration, owned by the caseworker and their team (the register hears it
    through the case's audit)."""
    if not actor.has_any(*MANAGERS) and actor.sub != data.caseworker_id:
        raise NotAllocator("Allocate to yourself, or ask a manager to allocate to someone else")
    entry = await _entry(session, entry_id, if_match)
    if entry.status != EntryStatus.queued:
        raise NotQueued(f"The case is {entry.status}, not queued")
    case = await _waiting_case(session, entry)
    member = await _staff(session, data.caseworker_id)
    current = await ratings.current(entry.case_id)
    rating = current.rating.value if current.rating is not None else None
    found = rules.refusals(
        member, case_id=entry.case_id, organisation_ids=entry.organisation_ids,
        category=entry.triage_category, rating=rating, complex_teams=complex_teams,
    )  # fmt: skip
    if found:
        raise AllocationRefused(
            "; ".join(r.detail for r in found),
            extensions={
                "refusals": [{"code": r.code, "rule": r.rule, "detail": r.detail} for r in found],
                "risk_rating": rating,
            },
        )
    async with ENTRY.change(session, entry, actor=actor, action="allocation_queue_entry.allocated"):
        entry.status = EntryStatus.allocated
        entry.allocated_to = member.staff_id
        entry.allocated_team = member.team
        entry.allocated_at = at
        entry.allocated_by = actor.sub
    async with cases.CASE.change(session, case, actor=actor, action="case.allocated"):
        cases.transition(case, cases.CaseStatus.further_consideration, at=at)
        case.owner = member.staff_id
        case.team = member.team
    deadline = new_deadline(
        AllocationDeadline, rule=POST_ALLOCATION_CONTACT, starts_on=today, calendar=calendar,
        entry_id=entry.id, case_id=entry.case_id, kind=DeadlineKind.post_allocation_contact,
    )  # fmt: skip
    session.add(deadline)
    if entry.mp_referred:
        await _task(
            session, entry, TaskKind.contact_mp, assignee=member.staff_id, actor=actor,
            rule="ASM-104 ¶2.226: contact the MP once the case is allocated",
        )  # fmt: skip
    if entry.risk_assessment_required:
        await _task(
            session, entry, TaskKind.risk_assessment, assignee=member.staff_id, actor=actor,
            rule="XC-RSK-002 ¶10.14: risk assessment required was ticked at intake",
        )  # fmt: skip
    await session.flush()
    await emit(
        session,
        CaseAllocatedV1(
            reference=entry.reference, caseworker_id=member.staff_id, team=member.team,
            triage_category=entry.triage_category, allocated_at=at,
            contact_due_date=deadline.due_date,
        ),
        case_id=entry.case_id, actor=actor.sub, occurred_at=at,
    )  # fmt: skip
    return entry, await _allocation_read(session, entry)


async def _waiting_case(session: AsyncSession, entry: QueueEntry) -> cases.Case:
    """The entry's case, locked (after the entry: the order T25 takes too), if it awaits
    allocation; the queue never offers an entry whose case does not."""
    case = await cases.lock_case(session, entry.case_id)
    if case.status is not cases.CaseStatus.awaiting_allocation:
        raise NotQueued(
            f"The case is {case.status.value}, not awaiting allocation",
            extensions={"case_status": case.status.value},
        )
    return case


async def _task(
    session: AsyncSession,
    entry: QueueEntry,
    kind: TaskKind,
    *,
    assignee: str,
    actor: Principal,
    rule: str,
    description: str | None = None,
) -> AllocationTask:
    task = AllocationTask(
        id=uuid.uuid4(), entry_id=entry.id, case_id=entry.case_id, kind=kind, assignee=assignee,
        description=description, rule=rule, created_by=actor.sub,
    )  # fmt: skip
    session.add(task)
    await TASK.created(session, task, actor=actor, action="allocation_task.created")
    return task


async def next_case(
    session: AsyncSession,
    *,
    actor: Principal,
    ratings: RiskRatings,
    complex_teams: Iterable[str],
) -> NextCase:
    """ASM-085 "next case for me": the first queued case in allocation order (XC-RSK-006) that
    the caller may take (grade, team, conflicts; high risk only for a Senior Caseworker)."""
    try:
        member = await staff.get_member(session, actor.sub)
    except NotFound as exc:
        raise CallerNotAllocatable("You are not in the staff directory") from exc
    if not (member.active and member.available):
        raise CallerNotAllocatable("You are marked inactive or unavailable in the staff directory")
    categories = rules.categories_for(member, complex_teams=complex_teams)
    if not categories:
        raise CallerNotAllocatable(f"Cases are allocated to caseworkers, not a {member.grade}")
    cases = {c.case_id for c in member.conflicts if c.case_id}
    organisations = {c.organisation_id for c in member.conflicts if c.organisation_id}
    skipped = 0
    after: repository.QueueKey | None = None
    seen = 0
    while seen < NEXT_CASE_SCAN:
        batch = await repository.next_candidates(
            session,
            categories=categories,
            conflicted_cases=cases,
            conflicted_organisations=organisations,
            after=after,
            limit=NEXT_CASE_BATCH,
        )
        for entry in batch:
            seen += 1
            if member.grade != Grade.senior_caseworker:
                rating = (await ratings.current(entry.case_id)).rating
                if rating is not None and rating.value == "high":
                    skipped += 1
                    continue
            return NextCase(
                entry=QueueEntryRead.model_validate(entry),
                explanation=rules.why_next(
                    terminal_illness=entry.terminal_illness, priority=entry.priority,
                    received_date=entry.received_date, category=entry.triage_category,
                    skipped_high_risk=skipped,
                ),
                skipped_high_risk=skipped,
            )  # fmt: skip
        if len(batch) < NEXT_CASE_BATCH:
            break
        last = batch[-1]
        after = (last.terminal_rank, last.priority_rank, last.received_date, last.id)
    raise NoCaseForYou(
        f"No queued case fits your grade and team without a declared conflict"
        f" ({skipped} high-risk case(s) skipped for a Senior Caseworker)",
        extensions={"skipped_high_risk": skipped, "categories": sorted(categories)},
    )


async def prioritise_terminal_illness(
    session: AsyncSession, *, entry_id: uuid.UUID, reason: str, actor: Principal
) -> QueueEntry:
    """XC-RSK-006 (¶10.48, ¶1.39): a manager prioritises a terminally ill complainant's case
    for allocation; it sorts first in the queue. Recorded with the reason."""
    entry = await _entry(session, entry_id, None)
    if entry.status != EntryStatus.queued:
        raise NotQueued(f"The case is {entry.status}, not queued")
    async with ENTRY.change(
        session, entry, actor=actor, action="allocation_queue_entry.terminal_illness",
        reason=reason,
    ):  # fmt: skip
        entry.terminal_illness = True
        entry.terminal_rank = rules.terminal_rank(True)
    return entry


def _owner(entry: QueueEntry, actor: Principal) -> None:
    if entry.status != EntryStatus.allocated:
        raise NotAllocated(f"The case is {entry.status}, not allocated")
    if entry.allocated_to != actor.sub:
        raise NotAllocatedCaseworker(f"The case is allocated to {entry.allocated_to}")


async def request_category_change(
    session: AsyncSession,
    *,
    entry_id: uuid.UUID,
    data: CategoryChangeCreate,
    actor: Principal,
    at: datetime,
) -> AllocationApproval:
    """ASM-086/088: the allocated caseworker asks the manager to approve a new category and
    reallocation, with reasons; ASM-089: 'complex & significant' is a complex referral, discussed
    with a manager and sent to the AD for complex teams, who decides it."""
    entry = await _entry(session, entry_id, None)
    _owner(entry, actor)
    if data.category == entry.triage_category:
        raise SameCategory(f"The case is already '{entry.triage_category}'")
    delegation = CATEGORY_CHANGE
    evidence: dict[str, str | None] = {"from": entry.triage_category, "to": data.category}
    if data.category == rules.COMPLEX:
        if data.discussed_with is None or data.sent_to is None:
            raise ComplexReferralRequired("Name the manager and the AD for complex teams")
        manager = await _staff(session, data.discussed_with)
        if manager.grade not in MANAGER_GRADES or not manager.active:
            raise WrongPostHolder(f"{manager.staff_id} is not a manager (ASM-089 ¶2.194)")
        ad = await _staff(session, data.sent_to)
        if Post.assistant_director_complex_teams not in ad.posts or not ad.active:
            raise WrongPostHolder(
                f"{ad.staff_id} is not the AD responsible for the complex teams (¶2.194)"
            )
        delegation = COMPLEX_REFERRAL
        evidence |= {"discussed_with": manager.staff_id, "sent_to": ad.staff_id}
    superseded: list[uuid.UUID] = []
    for earlier in await repository.undecided_approvals(session, entry.id):
        async with APPROVAL.change(
            session, earlier, actor=actor, action="allocation_approval.superseded"
        ):
            earlier.decision, earlier.decided_at = "superseded", at
        superseded.append(earlier.id)
    approval = request_approval(
        AllocationApproval, delegation=delegation, requested_by=actor, at=at,
        reason=data.reason, evidence=evidence, entry_id=entry.id, case_id=entry.case_id,
    )  # fmt: skip
    session.add(approval)
    await APPROVAL.created(session, approval, actor=actor, action="allocation_approval.requested")
    await _announce(session, entry, _requested(entry, approval, superseded), actor=actor, at=at)
    return approval


def _requested(
    entry: QueueEntry, approval: AllocationApproval, superseded: list[uuid.UUID]
) -> EventPayload:
    """§E.2: a category change asked of the manager, or a complex referral sent to the AD."""
    common = {
        "reference": entry.reference, "entry_id": entry.id, "approval_id": approval.id,
        "from_category": str(approval.evidence["from"]),
        "to_category": str(approval.evidence["to"]), "requested_by": approval.requested_by,
        "superseded_approval_ids": superseded,
    }  # fmt: skip
    if approval.kind == COMPLEX_REFERRAL.kind:
        return ComplexReferralRequestedV1(
            **common,
            discussed_with=str(approval.evidence["discussed_with"]),
            sent_to=str(approval.evidence["sent_to"]),
        )
    return CategoryChangeRequestedV1(**common)


def _decided(entry: QueueEntry, approval: AllocationApproval, *, requeued: bool) -> EventPayload:
    """§E.2: the manager's decision on a category change, or the AD's on a complex referral."""
    common = {
        "reference": entry.reference, "entry_id": entry.id, "approval_id": approval.id,
        "decision": str(approval.decision), "from_category": str(approval.evidence["from"]),
        "to_category": str(approval.evidence["to"]), "decided_by": str(approval.decided_by),
        "requeued": requeued,
    }  # fmt: skip
    if approval.kind == COMPLEX_REFERRAL.kind:
        return ComplexReferralDecidedV1(
            **common, discussed_with=str(approval.evidence["discussed_with"])
        )
    return CategoryChangeDecidedV1(**common)


async def _announce(
    session: AsyncSession, entry: QueueEntry, payload: EventPayload, *, actor: Principal,
    at: datetime,
) -> None:  # fmt: skip
    """Emit an allocation act's event in the act's transaction (DESIGN §2)."""
    await emit(session, payload, case_id=entry.case_id, actor=actor.sub, occurred_at=at)


async def decide_category_change(
    session: AsyncSession,
    *,
    entry_id: uuid.UUID,
    approval_id: uuid.UUID,
    data: ApprovalDecisionCreate,
    actor: Principal,
    at: datetime,
) -> AllocationRead:
    """The manager (ASM-086) or the AD the referral was sent to (ASM-089) decides. Approved,
    the category changes and the case returns to the queue for reallocation (T25); the old
    contact clock is cancelled, the next allocation starts its own."""
    entry = await _entry(session, entry_id, None)
    approval = await repository.approval(session, entry.id, approval_id)
    if approval is None:
        raise ApprovalNotFound(f"No approval {approval_id} on entry {entry_id}")
    # ASM-086/089: a change to the allocated case (a decided approval says so itself, below).
    if approval.decision is None and entry.status != EntryStatus.allocated:
        raise NotAllocated(f"The case is {entry.status}, not allocated: nothing to recategorise")
    delegation = DELEGATIONS[approval.kind]
    if approval.kind == COMPLEX_REFERRAL.kind and approval.evidence.get("sent_to") != actor.sub:
        raise NotTheReferralsAd(f"The referral was sent to {approval.evidence.get('sent_to')}")
    async with APPROVAL.change(
        session, approval, actor=actor, action="allocation_approval.decided", reason=data.reason
    ):
        decide_approval(
            approval, delegation=delegation, actor=actor, approve=data.approve, at=at,
            reason=data.reason,
        )  # fmt: skip
    if data.approve:
        cancel(list(await repository.deadlines_of(session, entry.id)), at)
        case = await cases.lock_case(session, entry.case_id)
        await enter_queue(
            session, case, actor=actor, at=at, action="case.recategorised", reason=data.reason,
            entry=entry, triage_category=str(approval.evidence["to"]),
        )  # fmt: skip
    await _announce(
        session, entry, _decided(entry, approval, requeued=data.approve), actor=actor, at=at
    )
    return await _allocation_read(session, entry)


async def flag_systemic_issue(
    session: AsyncSession,
    *,
    entry_id: uuid.UUID,
    data: SystemicIssueCreate,
    actor: Principal,
    at: datetime,
) -> AllocationTask:
    """ASM-087 (¶2.191): the allocated caseworker sends a possible systemic issue to the AD –
    Casework for complex and senior caseworker teams, as a task for that AD."""
    entry = await _entry(session, entry_id, None)
    _owner(entry, actor)
    ad = await _staff(session, data.sent_to)
    if Post.assistant_director_complex_and_senior_teams not in ad.posts:
        raise WrongPostHolder(
            f"{ad.staff_id} is not the AD – Casework for complex and senior caseworker teams"
        )
    task = await _task(
        session, entry, TaskKind.review_systemic_issue, assignee=ad.staff_id, actor=actor,
        rule="ASM-087 ¶2.191: a possible systemic issue goes to the AD – Casework",
        description=data.description,
    )  # fmt: skip
    await _announce(
        session, entry,
        SystemicIssueFlaggedV1(
            reference=entry.reference, entry_id=entry.id, task_id=task.id, flagged_by=actor.sub,
            sent_to=ad.staff_id,
        ),
        actor=actor, at=at,
    )  # fmt: skip
    return task

"""The high-risk path (requirements §B.6; guidance ¶10.32–10.34, ¶10.62–10.72; XC-RSK-005).

A rating that comes out high (a new assessment or an approved override) opens an escalation:
a manager task to discuss it as soon as possible and the manager's agreement, asked for under
the delegation scheme (CMP-113). Agreed, the caseworker completes a mitigation plan and sends
it to an Assistant Director, who reviews it. Still high, the caseworker asks for oversight
through the assurance meeting (CMP-127); the AD – Casework for Senior Caseworkers it was
submitted to assigns the Ombudsman or a deputy, read from the staff directory, never on a guess
(CMP-128; a directory that is down is a 503). From then on the rating is locked (CMP-115):
``check_lock`` is called by every act that sets a case's rating (a new assessment, an approved
override). Meetings and decisions are recorded and approved by the holder (CMP-129/130), and
monthly updates are due before each assurance meeting (CMP-131).

A high rating caused only by People risks to the complainant, stakeholders or third parties
opens no escalation: it leaves a task to follow the People mitigations and consider disclosure
(XC-RSK-005, CMP-122).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk import repository, rules
from compliance_api.risk.errors import (
    DateNotAllowed,
    EscalationNotFound,
    EscalationTransitionNotAllowed,
    NotStillHigh,
    NotTheDesignatedPerson,
    OversightItemNotFound,
    PeopleMitigationsApply,
    StaffNotEligible,
    UpdatesEnded,
)
from compliance_api.risk.followups import TASK
from compliance_api.risk.models import (
    OversightRecord,
    OversightUpdate,
    RecordKind,
    RiskApproval,
    RiskAssessment,
    RiskEscalation,
    RiskTask,
    TaskKind,
    UpdateDeadline,
)
from compliance_api.risk.rules import HighRiskPath, Rating
from compliance_api.risk.schemas_escalations import (
    READ_CONSIDERED_APPROVED,
    ApprovalRead,
    EscalationRead,
    HolderDecision,
    ManagerDecision,
    MitigationPlanCreate,
    OversightAssignmentCreate,
    OversightRecordCreate,
    OversightRecordRead,
    OversightRequestCreate,
    OversightUpdateRead,
    RatingChangeRequestCreate,
    RatingChangeRequestRead,
    ReviewDecision,
    UpdateCreate,
    UpdatesEnd,
    UpdatesEndReason,
)
from compliance_api.risk.state import EscalationState, next_state
from shared.auth import MANAGERS, Principal, Role
from shared.casework.approvals import (
    ApprovalDecision,
    Delegation,
    decide_approval,
    request_approval,
)
from shared.casework.deadlines import cancel, meet, passed
from shared.casework.tasks import complete
from shared.changes import Audited, load_for_update
from shared.events.contracts.compliance import RiskOversightAssignedV1
from shared.outbox.emit import emit
from shared.staff import Grade, StaffDirectory, StaffMember, StaffNotFound

S = EscalationState
Escalation = RiskEscalation  # the type routers hand back to ``read``
HOLDERS = frozenset({Role.ombudsman, Role.deputy_ombudsman})

HIGH_RISK_AGREEMENT = Delegation(
    kind="high_risk_agreement",
    level="manager",
    roles=MANAGERS,
    rule="CMP-113 ¶10.32: the manager discusses the high-risk case and agrees the rating",
)
PLAN_REVIEW = Delegation(
    kind="mitigation_plan_review",
    level="assistant_director",
    roles=frozenset({Role.assistant_director, Role.director}),
    rule="CMP-113 ¶10.32: the mitigation plan is sent to an Assistant Director for review",
)
OVERSIGHT_RATING_CHANGE = Delegation(
    kind="oversight_rating_change",
    level="oversight_holder",
    roles=HOLDERS,
    rule="CMP-115 ¶10.34: under oversight the rating changes only with the holder's agreement",
)
OVERSIGHT_RECORD = Delegation(
    kind="oversight_record",
    level="oversight_holder",
    roles=HOLDERS,
    rule=f"CMP-129/130 ¶10.69–10.71: the holder {READ_CONSIDERED_APPROVED} the notes or decision",
)

DISCUSS_RULE = "CMP-113 ¶10.32: discuss the high-risk case with the manager as soon as possible"
PEOPLE_RULE = (
    "XC-RSK-005 ¶8.72, ¶9.100; CMP-122 ¶10.50: a high risk to a person follows the People "
    "mitigations; consider disclosure to a suitable person"
)


def _snapshot(e: RiskEscalation) -> dict[str, object]:
    return {
        "state": e.state.value,
        "assessment_id": str(e.assessment_id),
        "plan_sent_to": e.plan_sent_to,
        "request_submitted_to": e.request_submitted_to,
        "holder": e.holder,
        "holder_role": e.holder_role.value if e.holder_role else None,
        "legal_advice_key": e.legal_advice_key,
        "updates_end_reason": e.updates_end_reason,
        "closed_reason": e.closed_reason,
        "version": e.version,
    }


ESCALATION = Audited[RiskEscalation](
    entity_type="risk_escalation", snapshot=_snapshot, case_id=lambda e: e.case_id
)
APPROVAL = Audited[RiskApproval](
    entity_type="risk_approval",
    snapshot=lambda a: ApprovalRead.model_validate(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)
RECORD = Audited[OversightRecord](
    entity_type="risk_oversight_record",
    snapshot=lambda r: {"kind": r.kind.value, "held_on": r.held_on.isoformat()},
    case_id=lambda r: r.case_id,
)
UPDATE = Audited[OversightUpdate](
    entity_type="risk_oversight_update",
    snapshot=lambda u: OversightUpdateRead.model_validate(u).model_dump(mode="json"),
    case_id=lambda u: u.case_id,
)


# --- reads ------------------------------------------------------------------------------------


async def read(session: AsyncSession, e: RiskEscalation, *, today: date) -> EscalationRead:
    records = await repository.records(session, e.id)
    approvals = {
        a.id: a for a in await repository.approvals_of(session, [e.id, *(r.id for r in records)])
    }
    deadline = await repository.open_deadline(session, e.id)
    changes = [
        RatingChangeRequestRead(
            **ApprovalRead.model_validate(a).model_dump(),
            rating=Rating(a.evidence["rating"]),
            used=a.evidence.get("used_at") is not None,
        )
        for a in approvals.values()
        if a.kind == OVERSIGHT_RATING_CHANGE.kind
    ]
    review = approvals.get(e.plan_review_id) if e.plan_review_id else None
    return EscalationRead(
        id=e.id,
        case_id=e.case_id,
        assessment_id=e.assessment_id,
        state=e.state,
        opened_at=e.opened_at,
        opened_by=e.opened_by,
        task_id=e.task_id,
        agreement=ApprovalRead.model_validate(approvals[e.agreement_id]),
        plan=e.plan,
        plan_outcome=e.plan_outcome,
        plan_sent_to=e.plan_sent_to,
        ad_review_requested_at=e.ad_review_requested_at,
        plan_review=ApprovalRead.model_validate(review) if review else None,
        template_document_id=e.template_document_id,
        responsible_ad=e.request_submitted_to,
        request_meeting_on=e.request_meeting_on,
        requested_by=e.requested_by,
        requested_at=e.requested_at,
        holder=e.holder,
        holder_role=e.holder_role,
        legal_advice_key=e.legal_advice_key,
        assigned_meeting_on=e.assigned_meeting_on,
        assigned_by=e.assigned_by,
        assigned_at=e.assigned_at,
        rating_locked=e.state is S.oversight_assigned,
        next_update_due=deadline.effective_due_date if deadline else None,
        next_meeting_on=deadline.meeting_on if deadline else None,
        update_missing=deadline is not None and passed(deadline, today),
        updates_ended_at=e.updates_ended_at,
        updates_end_reason=e.updates_end_reason,
        closed_at=e.closed_at,
        closed_reason=e.closed_reason,
        rating_change_requests=changes,
        records=[_record_read(r, approvals[r.approval_id], e) for r in records],
        updates=[
            OversightUpdateRead.model_validate(u) for u in await repository.updates(session, e.id)
        ],
        version=e.version,
    )


def _record_read(r: OversightRecord, a: RiskApproval, e: RiskEscalation) -> OversightRecordRead:
    return OversightRecordRead(
        id=r.id,
        kind=r.kind,
        held_on=r.held_on,
        accompanied_by=r.accompanied_by,
        accompanied_by_grade=r.accompanied_by_grade,
        notes=r.notes,
        decision=r.decision,
        cover_note_document_id=r.cover_note_document_id,
        recorded_by=r.recorded_by,
        recorded_at=r.recorded_at,
        approval=ApprovalRead.model_validate(a),
        approval_evidence=a.evidence.get("evidence"),
        approved_by_holder=approved_by_holder(a, e),
    )


def approved_by_holder(a: RiskApproval, e: RiskEscalation) -> bool:
    """CMP-130: only an approval the holder decided, stating they read, considered and approved
    the content, counts as the holder's approval."""
    return (
        a.decision == ApprovalDecision.approved
        and e.holder is not None
        and a.decided_by == e.holder
        and a.evidence.get("statement") == READ_CONSIDERED_APPROVED
    )


async def get(session: AsyncSession, escalation_id: uuid.UUID) -> RiskEscalation:
    e = await session.get(RiskEscalation, escalation_id)
    if e is None:
        raise EscalationNotFound(f"No high-risk escalation with id {escalation_id}")
    return e


async def of_case(session: AsyncSession, case_id: uuid.UUID) -> RiskEscalation:
    e = await repository.latest_escalation(session, case_id)
    if e is None:
        raise EscalationNotFound(f"Case {case_id} has never been escalated as high risk")
    return e


async def under_oversight(session: AsyncSession, case_id: uuid.UUID) -> bool:
    e = await repository.open_escalation(session, case_id)
    return e is not None and e.state is S.oversight_assigned


async def _lock(
    session: AsyncSession, escalation_id: uuid.UUID, if_match: str | None
) -> RiskEscalation:
    return await load_for_update(
        session, RiskEscalation, escalation_id, if_match=if_match, missing=EscalationNotFound
    )


async def _move(
    session: AsyncSession,
    e: RiskEscalation,
    to: EscalationState,
    *,
    actor: Principal,
    reason: str | None = None,
    **fields: object,
) -> None:
    """Move ``e`` to ``to`` (B.6's table) setting the step's ``fields``, audited."""
    next_state(e.state, to)
    async with ESCALATION.change(
        session, e, actor=actor, action=f"risk.escalation.{to.value}", reason=reason
    ):
        for name, value in fields.items():
            setattr(e, name, value)
        e.state = to


def _require(e: RiskEscalation, state: EscalationState, step: str) -> None:
    if e.state is not state:
        raise EscalationTransitionNotAllowed(
            f"{step} needs the escalation at {state.value}; it is at {e.state.value}",
            extensions={"current_state": e.state.value, "required_state": state.value},
        )


async def _directory_member(directory: StaffDirectory, staff_id: str) -> StaffMember:
    """The directory's record of ``staff_id``; 503 when it is down (never a guess)."""
    try:
        # Quoted: an id is the identity provider's subject, and only one path segment.
        return await directory.get(quote(staff_id, safe=""))
    except StaffNotFound as exc:
        raise StaffNotEligible(
            f"The staff directory holds nobody with id {staff_id!r}",
            extensions={"staff_id": staff_id},
        ) from exc


# --- opening, standing down, and the lock -------------------------------------------------------


async def after_rating(
    session: AsyncSession, assessment: RiskAssessment, *, actor: Principal, at: datetime
) -> None:
    """The case's rating is now ``assessment.rating``: open an escalation for a high rating
    (CMP-113), leave the People task for a high risk only to a person (XC-RSK-005), or stand an
    escalation down that has not reached oversight when the case is no longer high."""
    case_id = assessment.case_id
    current = await repository.open_escalation(session, case_id)
    path = assessment.high_risk_path
    if path is HighRiskPath.escalation:
        if current is None:
            await _open(session, assessment, actor=actor, at=at)
        return
    if current is not None and current.state is not S.oversight_assigned:
        await _stand_down(session, current, assessment, actor=actor, at=at)
    if path is HighRiskPath.people_mitigations and not await repository.open_task(
        session, case_id=case_id, kind=TaskKind.people_mitigations
    ):
        task = RiskTask(
            id=uuid.uuid4(),
            case_id=case_id,
            kind=TaskKind.people_mitigations,
            assessment_id=assessment.id,
            rule=PEOPLE_RULE,
            created_by=actor.sub,
        )
        session.add(task)
        await TASK.created(session, task, actor=actor, action="risk.task_created")


async def _open(
    session: AsyncSession, assessment: RiskAssessment, *, actor: Principal, at: datetime
) -> None:
    escalation_id, task_id = uuid.uuid4(), uuid.uuid4()
    agreement = request_approval(
        RiskApproval,
        delegation=HIGH_RISK_AGREEMENT,
        requested_by=actor,
        at=at,
        reason=DISCUSS_RULE,
        evidence={"assessment_id": str(assessment.id)},
        case_id=assessment.case_id,
        subject_id=escalation_id,
    )
    escalation = RiskEscalation(
        id=escalation_id,
        case_id=assessment.case_id,
        assessment_id=assessment.id,
        state=S.awaiting_manager,
        opened_at=at,
        opened_by=actor.sub,
        agreement_id=agreement.id,
        task_id=task_id,
    )
    session.add(escalation)
    await ESCALATION.created(session, escalation, actor=actor, action="risk.escalation_opened")
    task = RiskTask(
        id=task_id,
        case_id=assessment.case_id,
        kind=TaskKind.discuss_high_risk,
        assessment_id=assessment.id,
        escalation_id=escalation_id,
        rule=DISCUSS_RULE,
        created_by=actor.sub,
    )
    session.add_all([task, agreement])
    await TASK.created(session, task, actor=actor, action="risk.task_created")
    await APPROVAL.created(session, agreement, actor=actor, action="risk.agreement_requested")


async def _stand_down(
    session: AsyncSession,
    e: RiskEscalation,
    assessment: RiskAssessment,
    *,
    actor: Principal,
    at: datetime,
) -> None:
    reason = f"The case is now rated {assessment.rating.value} ({assessment.high_risk_path.value})"
    await _move(
        session, e, S.stood_down, actor=actor, reason=reason, closed_at=at, closed_reason=reason
    )
    task = await session.get(RiskTask, e.task_id)
    if task is not None and task.done_at is None:
        async with TASK.change(session, task, actor=actor, action="risk.task_done"):
            complete(task, by=actor.sub, at=at, note=reason)
    for approval in await repository.approvals_of(session, [e.id]):
        if approval.decision is None:
            async with APPROVAL.change(session, approval, actor=actor, action="risk.superseded"):
                approval.decision, approval.decided_at = ApprovalDecision.superseded, at


async def check_lock(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    current: Rating,
    new: Rating,
    actor: Principal,
    at: datetime,
) -> None:
    """CMP-115: under oversight, a change of rating takes the holder's agreement to that rating
    (used once); without it the act is refused with 409 ``rating-locked``."""
    e = await repository.open_escalation(session, case_id)
    if e is None or e.state is not S.oversight_assigned or new is current:
        return
    agreed = await repository.holder_agreed_rating(
        session, e, kind=OVERSIGHT_RATING_CHANGE.kind, rating=new.value
    )
    rules.check_rating_lock(
        current=current,
        new=new,
        holder_agreed=Rating(agreed.evidence["rating"]) if agreed else None,
    )
    assert agreed is not None  # check_rating_lock refused a change nobody agreed
    async with APPROVAL.change(session, agreed, actor=actor, action="risk.rating_change_used"):
        agreed.evidence = {**agreed.evidence, "used_at": at.isoformat()}


# --- CMP-113: the manager, the plan and the AD ---------------------------------------------------


async def decide_manager(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    data: ManagerDecision,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> RiskEscalation:
    e = await _lock(session, escalation_id, if_match)
    to = next_state(e.state, S.manager_agreed if data.agree else S.manager_disagreed)
    agreement = await repository.approval_for_update(session, e.agreement_id)
    assert agreement is not None  # created with the escalation
    async with APPROVAL.change(
        session, agreement, actor=actor, action="risk.agreement_decided", reason=data.reason
    ):
        decide_approval(
            agreement,
            delegation=HIGH_RISK_AGREEMENT,
            actor=actor,
            approve=data.agree,
            at=at,
            reason=data.reason,
        )
    task = await session.get(RiskTask, e.task_id)
    if task is not None and task.done_at is None:
        async with TASK.change(session, task, actor=actor, action="risk.task_done"):
            note = "Discussed: agreed" if data.agree else "Discussed: not agreed"
            complete(task, by=actor.sub, at=at, note=note)
    closed = {} if data.agree else {"closed_at": at, "closed_reason": data.reason or "Not agreed"}
    await _move(session, e, to, actor=actor, reason=data.reason, **closed)
    return e


async def send_plan(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    data: MitigationPlanCreate,
    actor: Principal,
    at: datetime,
    directory: StaffDirectory,
) -> RiskEscalation:
    """CMP-113: the mitigation plan, completed after the manager's agreement, sent to an AD."""
    _require(await get(session, escalation_id), S.manager_agreed, "Sending the plan")
    member = await _directory_member(directory, data.sent_to)
    rules.check_eligible(member, grades=(Grade.assistant_director,), part="assistant_director")
    e = await _lock(session, escalation_id, None)
    next_state(e.state, S.plan_with_ad)  # before anything is written
    review = request_approval(
        RiskApproval,
        delegation=PLAN_REVIEW,
        requested_by=actor,
        at=at,
        reason=data.plan,
        evidence={"sent_to": data.sent_to, "outcome": data.outcome.value},
        case_id=e.case_id,
        subject_id=e.id,
    )
    session.add(review)
    await APPROVAL.created(session, review, actor=actor, action="risk.plan_sent_to_ad")
    await _move(
        session, e, S.plan_with_ad, actor=actor, plan=data.plan, plan_outcome=data.outcome,
        plan_sent_to=data.sent_to, ad_review_requested_at=at, plan_review_id=review.id,
    )  # fmt: skip
    return e


async def review_plan(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    data: ReviewDecision,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> RiskEscalation:
    """The AD the plan was sent to reviews it, or returns it to be completed again."""
    e = await _lock(session, escalation_id, if_match)
    to = next_state(e.state, S.plan_reviewed if data.approve else S.manager_agreed)
    if actor.sub != e.plan_sent_to:
        raise NotTheDesignatedPerson(
            "CMP-113: the Assistant Director the plan was sent to reviews it",
            extensions={"sent_to": e.plan_sent_to},
        )
    assert e.plan_review_id is not None  # set with plan_with_ad
    review = await repository.approval_for_update(session, e.plan_review_id)
    assert review is not None
    async with APPROVAL.change(
        session, review, actor=actor, action="risk.plan_reviewed", reason=data.reason
    ):
        decide_approval(
            review,
            delegation=PLAN_REVIEW,
            actor=actor,
            approve=data.approve,
            at=at,
            reason=data.reason,
        )
    await _move(session, e, to, actor=actor, reason=data.reason)
    return e


# --- CMP-127/128: oversight ----------------------------------------------------------------------


async def request_oversight(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    data: OversightRequestCreate,
    actor: Principal,
    at: datetime,
    today: date,
    directory: StaffDirectory,
) -> RiskEscalation:
    """CMP-127: still high after mitigation, ask for oversight through the assurance meeting."""
    e = await get(session, escalation_id)
    _require(e, S.plan_reviewed, "Asking for oversight")
    latest = await repository.latest(session, e.case_id)
    assert latest is not None  # an escalation is opened by an assessment
    if latest.high_risk_path is HighRiskPath.people_mitigations:
        raise PeopleMitigationsApply(
            "XC-RSK-005: the case is high only because of a risk to a person",
            extensions={"rule": "XC-RSK-005"},
        )
    if latest.rating is not Rating.high:
        raise NotStillHigh(
            f"CMP-127: the case is rated {latest.rating.value} after mitigation",
            extensions={"rule": "CMP-127", "rating": latest.rating.value},
        )
    if data.meeting_on < today:
        raise DateNotAllowed("The assurance meeting is today or later")
    member = await _directory_member(directory, data.submitted_to)
    rules.check_eligible(member, grades=(Grade.assistant_director,), part="assistant_director")
    e = await _lock(session, escalation_id, None)
    await _move(
        session, e, S.oversight_requested, actor=actor,
        template_document_id=data.template_document_id, request_submitted_to=data.submitted_to,
        request_meeting_on=data.meeting_on, requested_by=actor.sub, requested_at=at,
    )  # fmt: skip
    return e


async def assign_oversight(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    data: OversightAssignmentCreate,
    actor: Principal,
    at: datetime,
    today: date,
    directory: StaffDirectory,
) -> RiskEscalation:
    """CMP-127/128: the AD – Casework for Senior Caseworkers assigns the holder the assurance
    meeting chose, after the directory shows no declared conflict (never on a guess)."""
    e = await get(session, escalation_id)
    _require(e, S.oversight_requested, "Assigning oversight")
    if actor.sub != e.request_submitted_to:
        raise NotTheDesignatedPerson(
            "CMP-127: the AD – Casework for Senior Caseworkers the request went to assigns it",
            extensions={"submitted_to": e.request_submitted_to},
        )
    if data.meeting_on > today:
        raise DateNotAllowed("The assigning meeting has been held: today or earlier")
    following = rules.next_meeting(data.meeting_on, data.next_meeting_on)
    if following <= today:
        raise DateNotAllowed("The next assurance meeting is after today: give next_meeting_on")
    latest = await repository.latest(session, e.case_id)
    assert latest is not None
    member = await _directory_member(directory, data.holder)
    rules.check_oversight_assignee(
        member,
        role=data.role,
        case_id=e.case_id,
        organisation_ids=latest.organisation_ids,
        legal_advice_key=data.legal_advice_key,
    )
    e = await _lock(session, escalation_id, None)
    await _move(
        session, e, S.oversight_assigned, actor=actor, holder=data.holder,
        holder_role=data.role, legal_advice_key=data.legal_advice_key,
        assigned_meeting_on=data.meeting_on, assigned_by=actor.sub, assigned_at=at,
    )  # fmt: skip
    deadline = _deadline(e, starts_on=data.meeting_on, meeting_on=following)
    session.add(deadline)
    await emit(
        session,
        RiskOversightAssignedV1(
            escalation_id=e.id,
            assessment_id=latest.id,
            holder=data.holder,
            holder_role=data.role.value,
            responsible_ad=actor.sub,
            legal_advice_key=data.legal_advice_key,
            meeting_on=data.meeting_on,
            next_update_due=deadline.due_date,
        ),
        case_id=e.case_id,
        actor=actor.sub,
        occurred_at=at,
    )
    return e


def _deadline(e: RiskEscalation, *, starts_on: date, meeting_on: date) -> UpdateDeadline:
    return UpdateDeadline(
        id=uuid.uuid4(),
        case_id=e.case_id,
        escalation_id=e.id,
        meeting_on=meeting_on,
        rule=rules.HIGH_RISK_UPDATE.text,
        starts_on=starts_on,
        due_date=rules.update_due(meeting_on),
    )


def _holder(e: RiskEscalation, actor: Principal, what: str) -> None:
    if e.holder is None or actor.sub != e.holder:
        raise NotTheDesignatedPerson(
            f"{what}: only the oversight holder decides", extensions={"holder": e.holder}
        )


# --- CMP-115: the holder agrees a new rating -----------------------------------------------------


async def request_rating_change(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    data: RatingChangeRequestCreate,
    actor: Principal,
    at: datetime,
) -> RiskApproval:
    e = await get(session, escalation_id)
    _require(e, S.oversight_assigned, "A rating change under oversight")
    approval = request_approval(
        RiskApproval,
        delegation=OVERSIGHT_RATING_CHANGE,
        requested_by=actor,
        at=at,
        reason=data.explanation,
        evidence={"rating": data.rating.value},
        case_id=e.case_id,
        subject_id=e.id,
    )
    session.add(approval)
    await APPROVAL.created(session, approval, actor=actor, action="risk.rating_change_requested")
    return approval


def rating_change_read(a: RiskApproval) -> RatingChangeRequestRead:
    return RatingChangeRequestRead(
        **ApprovalRead.model_validate(a).model_dump(),
        rating=Rating(a.evidence["rating"]),
        used=a.evidence.get("used_at") is not None,
    )


async def decide_rating_change(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    request_id: uuid.UUID,
    data: HolderDecision,
    actor: Principal,
    at: datetime,
) -> RiskApproval:
    e = await get(session, escalation_id)
    approval = await repository.approval_for_update(session, request_id)
    if (
        approval is None
        or approval.subject_id != e.id
        or approval.kind != OVERSIGHT_RATING_CHANGE.kind
    ):
        raise OversightItemNotFound(f"No rating change request {request_id} on this escalation")
    _holder(e, actor, "CMP-115")
    await _holder_decides(session, approval, OVERSIGHT_RATING_CHANGE, data, actor=actor, at=at)
    return approval


async def _holder_decides(
    session: AsyncSession,
    approval: RiskApproval,
    delegation: Delegation,
    data: HolderDecision,
    *,
    actor: Principal,
    at: datetime,
) -> None:
    async with APPROVAL.change(
        session, approval, actor=actor, action=f"risk.{delegation.kind}_decided", reason=data.reason
    ):
        decide_approval(
            approval, delegation=delegation, actor=actor, approve=data.approve, at=at,
            reason=data.reason,
        )  # fmt: skip
        if data.approve:
            approval.evidence = {
                **approval.evidence,
                "statement": READ_CONSIDERED_APPROVED,
                "evidence": data.evidence,
            }


# --- CMP-129/130: meetings and decisions ---------------------------------------------------------

ACCOMPANYING = (Grade.operations_manager, Grade.assistant_director)


async def add_record(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    data: OversightRecordCreate,
    actor: Principal,
    at: datetime,
    today: date,
    directory: StaffDirectory,
) -> OversightRecordRead:
    """CMP-129: a meeting with the holder, the caseworker accompanied by a manager or AD; or
    CMP-130: the holder's decision on the cover note. Either awaits the holder's approval."""
    e = await get(session, escalation_id)
    _require(e, S.oversight_assigned, "A record of oversight")
    if data.held_on > today:
        raise DateNotAllowed("held_on is today or earlier")
    grade: str | None = None
    if data.kind is RecordKind.meeting:
        assert data.accompanied_by is not None  # the schema requires it for a meeting
        member = await _directory_member(directory, data.accompanied_by)
        rules.check_eligible(member, grades=ACCOMPANYING, part="manager or assistant director")
        grade = member.grade.value
    record_id = uuid.uuid4()
    approval = request_approval(
        RiskApproval,
        delegation=OVERSIGHT_RECORD,
        requested_by=actor,
        at=at,
        reason=None,
        evidence={"kind": data.kind.value},
        case_id=e.case_id,
        subject_id=record_id,
    )
    record = OversightRecord(
        id=record_id,
        case_id=e.case_id,
        escalation_id=e.id,
        kind=data.kind,
        held_on=data.held_on,
        accompanied_by=data.accompanied_by,
        accompanied_by_grade=grade,
        notes=data.notes,
        decision=data.decision,
        cover_note_document_id=data.cover_note_document_id,
        recorded_by=actor.sub,
        recorded_at=at,
        approval_id=approval.id,
    )
    session.add_all([record, approval])
    await RECORD.created(session, record, actor=actor, action=f"risk.oversight_{data.kind.value}")
    await APPROVAL.created(session, approval, actor=actor, action="risk.record_approval_requested")
    return _record_read(record, approval, e)


async def approve_record(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    record_id: uuid.UUID,
    data: HolderDecision,
    actor: Principal,
    at: datetime,
) -> OversightRecordRead:
    """CMP-129/130 (¶10.71): the holder shows they read, considered and approved the content."""
    e = await get(session, escalation_id)
    record = await session.get(OversightRecord, record_id)
    if record is None or record.escalation_id != e.id:
        raise OversightItemNotFound(f"No oversight record {record_id} on this escalation")
    _holder(e, actor, "CMP-130")
    approval = await repository.approval_for_update(session, record.approval_id)
    assert approval is not None
    await _holder_decides(session, approval, OVERSIGHT_RECORD, data, actor=actor, at=at)
    return _record_read(record, approval, e)


# --- CMP-131: monthly updates --------------------------------------------------------------------


async def send_update(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    data: UpdateCreate,
    actor: Principal,
    at: datetime,
    today: date,
) -> OversightUpdate:
    """CMP-131: the update for the next assurance meeting; it meets that meeting's deadline
    (late if the meeting came first) and sets the next one's."""
    e = await _lock(session, escalation_id, None)
    _require(e, S.oversight_assigned, "A monthly update")
    deadline = await repository.open_deadline(session, e.id)
    if e.updates_ended_at is not None or deadline is None:
        raise UpdatesEnded(f"Updates ended: {e.updates_end_reason}")
    following = rules.next_meeting(deadline.meeting_on, data.next_meeting_on)
    if following <= deadline.meeting_on or following <= today:
        raise DateNotAllowed("next_meeting_on is after this meeting and after today")
    late = passed(deadline, today)
    meet([deadline], at)
    update = OversightUpdate(
        id=uuid.uuid4(),
        case_id=e.case_id,
        escalation_id=e.id,
        deadline_id=deadline.id,
        meeting_on=deadline.meeting_on,
        late=late,
        summary=data.summary,
        sent_by=actor.sub,
        sent_at=at,
    )
    session.add_all([update, _deadline(e, starts_on=deadline.meeting_on, meeting_on=following)])
    await UPDATE.created(session, update, actor=actor, action="risk.oversight_update_sent")
    return update


async def end_updates(
    session: AsyncSession,
    *,
    escalation_id: uuid.UUID,
    data: UpdatesEnd,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> RiskEscalation:
    """CMP-131: updates stop when the senior decision maker (the holder) agrees, or when the work
    is complete (which also ends the oversight and its lock)."""
    e = await _lock(session, escalation_id, if_match)
    _require(e, S.oversight_assigned, "Ending the updates")
    if e.updates_ended_at is not None:
        raise UpdatesEnded(f"Updates ended: {e.updates_end_reason}")
    if data.reason is UpdatesEndReason.decision_maker_agreed:
        _holder(e, actor, "CMP-131")
    deadline = await repository.open_deadline(session, e.id)
    if deadline is not None:
        cancel([deadline], at)
    ended = {
        "updates_ended_at": at,
        "updates_ended_by": actor.sub,
        "updates_end_reason": data.reason.value,
    }
    if data.reason is UpdatesEndReason.work_complete:
        await _move(
            session, e, S.oversight_ended, actor=actor, reason=data.note, closed_at=at,
            closed_reason=data.note, **ended,
        )  # fmt: skip
        return e
    async with ESCALATION.change(
        session, e, actor=actor, action="risk.updates_ended", reason=data.note
    ):
        for name, value in ended.items():
            setattr(e, name, value)
    return e

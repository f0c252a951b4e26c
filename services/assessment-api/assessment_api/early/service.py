"""Use cases of early consideration (¶2.97–2.141): contact before deciding (ASM-053), asking for
information and closing as 'withdrawn' (ASM-054, T21), a decision not to investigate at early
consideration (T20; ASM-055, ASM-057, ASM-058, ASM-060), a resolution (T22; ASM-066…070) and
passing the case on (T23; ASM-056, ASM-067).

The closures that decide not to investigate (T20, and T22: a resolution is one, ASM-069) are
written to the parties intake holds, read when the decision is made (``closing.service``: never
ids from the request; 409 ``decision-recipients-incomplete`` while the aggrieved's copy is
undecided or there is no complainant, ASM-173/ASM-174; 503 when intake cannot say), and go
through the risk guard (XC-RSK-001) with trigger ``decline``; 'withdrawn' decides nothing and is
not guarded (cases/state.py). Each guarded step follows cases/decisions.py: the request's own
rules; the case's state; the guard; the row lock and ``If-Match``; the state again; the
transition with the clearance, audited; the decision, its letters and the event.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import service as allocations
from assessment_api.cases.errors import CaseNotFound
from assessment_api.cases.models import Case
from assessment_api.cases.rules import decline_problems
from assessment_api.cases.service import (
    CASE,
    get_case,
    scan_and_announce_communication,
    scan_and_announce_contact_attempt,
)
from assessment_api.cases.state import CaseStatus, transition
from assessment_api.closing import service as closing
from assessment_api.early import repository
from assessment_api.early.errors import (
    ContactNotYetAttempted,
    EcDeclineReasonInvalid,
    NoInformationRequest,
    NotAtEarlyConsideration,
    ResolutionInvalid,
    SuitabilityConcernBlocks,
    WithdrawalTooEarly,
)
from assessment_api.early.models import (
    EcCommunication,
    EcContactAttempt,
    EcDeadline,
    EcDeadlineKind,
    EcDecision,
    EcDecisionKind,
    EcInformationRequest,
)
from assessment_api.early.rules import (
    INFORMATION_DEADLINE,
    WRITTEN_REPLY,
    Component,
    EarlyUnlock,
    Letter,
    Parties,
    decision_letters,
    decision_unlock,
    parties_from_intake,
    resolution_letters,
    resolution_problems,
    suitability_blocks,
    withdrawal_allowed,
)
from assessment_api.early.schemas import (
    PHONE,
    ContactAttemptCreate,
    ContactAttemptRead,
    DeadlineRead,
    EarlyConsiderationRead,
    EcDecisionRead,
    EcDeclineCreate,
    InformationRequestCreate,
    InformationRequestRead,
    LetterRead,
    PassOnCreate,
    ResolutionCreate,
    WithdrawCreate,
)
from shared.auth import Principal
from shared.calendar import WorkingCalendar
from shared.casework.communications import WRITTEN_MEDIA, ContactOutcome, Recipient
from shared.casework.deadlines import cancel, meet, new_deadline
from shared.casework.risk_guard import GuardTrigger, RiskClearance, require_risk_assessment
from shared.changes import Audited, load_for_update
from shared.clients import ServiceClient
from shared.clock import BUSINESS_TIMEZONE
from shared.concurrency import check_if_match, make_etag
from shared.errors import UnprocessableContent
from shared.events.contracts.assessment import CaseClosedV1
from shared.outbox.emit import emit

WITHDRAWN = "withdrawn"

ATTEMPT: Audited[EcContactAttempt] = Audited(
    entity_type="ec_contact_attempt",
    snapshot=lambda a: ContactAttemptRead.model_validate(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)
INFORMATION: Audited[EcInformationRequest] = Audited(
    entity_type="ec_information_request",
    snapshot=lambda r: InformationRequestRead.model_validate(r).model_dump(mode="json"),
    case_id=lambda r: r.case_id,
)
DECISION: Audited[EcDecision] = Audited(
    entity_type="ec_decision",
    snapshot=lambda d: EcDecisionRead.model_validate(d).model_dump(mode="json"),
    case_id=lambda d: d.case_id,
)
LETTER: Audited[EcCommunication] = Audited(
    entity_type="ec_communication",
    snapshot=lambda c: LetterRead.model_validate(c).model_dump(mode="json"),
    case_id=lambda c: c.case_id,
)


class InformationDeadlineInvalid(UnprocessableContent):
    type = "ec-information-deadline-invalid"
    title = "The information deadline cannot be before the day the complainant was told"


def _business_date(at: datetime) -> date:
    return at.astimezone(BUSINESS_TIMEZONE).date()


async def _at_early_consideration(session: AsyncSession, case_id: uuid.UUID) -> Case:
    case = await get_case(session, case_id)
    _check_early(case)
    return case


def _check_early(case: Case, *, also: frozenset[CaseStatus] = frozenset()) -> None:
    if case.status is not CaseStatus.early_consideration and case.status not in also:
        raise NotAtEarlyConsideration(
            f"The case is {case.status.value}, not at early consideration",
            extensions={"current_status": case.status.value},
        )


# ASM-052 (¶2.97–2.99): the EC approach may be used by caseworkers outside EC, so a resolution
# on its rules (T22) is open to the allocated caseworker in further consideration too (the
# route's CaseActor holds it to the case's owner, their team or a manager's recorded override).
RESOLVABLE_ALSO = frozenset({CaseStatus.further_consideration})


# --- Contact before deciding (ASM-053) --------------------------------------------------------


async def record_contact_attempt(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ContactAttemptCreate,
    actor: Principal,
    at: datetime,
    calendar: WorkingCalendar,
) -> EcContactAttempt:
    """Record a call or written contact. Outbound written contact starts its one-week reply clock
    (C-05); contact made (a call answered, or a reply) meets the open reply clocks."""
    await _at_early_consideration(session, case_id)
    attempt = EcContactAttempt(
        id=uuid.uuid4(), case_id=case_id, person_id=data.person_id, channel=data.channel,
        direction=data.direction, attempted_at=data.attempted_at, outcome=data.outcome.value,
        expectations_explained=data.expectations_explained,
        adjustments_discussed=data.adjustments_discussed, notes=data.notes,
        recorded_by=actor.sub,
    )  # fmt: skip
    # XC-RSK-004: a call note or a reply is what a party told us: the kit scans it first.
    await scan_and_announce_contact_attempt(
        session, await get_case(session, case_id), attempt, actor=actor
    )
    repository.add(session, attempt)
    await ATTEMPT.created(session, attempt, actor=actor, action="ec.contact_attempt_recorded")
    if data.outcome is ContactOutcome.reached:
        meet(await repository.deadlines(session, case_id, EcDeadlineKind.written_reply), at)
    elif data.direction == "outbound" and data.channel in WRITTEN_MEDIA:
        clock = new_deadline(
            EcDeadline, rule=WRITTEN_REPLY, starts_on=_business_date(data.attempted_at),
            calendar=calendar, case_id=case_id, kind=EcDeadlineKind.written_reply,
            source_id=attempt.id,
        )  # fmt: skip
        repository.add(session, clock)
    await session.flush()
    return attempt


async def _unlock(session: AsyncSession, case_id: uuid.UUID, today: date) -> EarlyUnlock | None:
    attempts = await repository.attempts(session, case_id)
    failed_calls = [
        _business_date(a.attempted_at)
        for a in attempts
        if a.channel == PHONE and a.direction == "outbound" and a.outcome != "reached"
    ]
    return decision_unlock(
        contact_made=any(a.outcome == ContactOutcome.reached.value for a in attempts),
        failed_call_dates=failed_calls,
        written_reply_deadlines=await repository.deadlines(
            session, case_id, EcDeadlineKind.written_reply
        ),
        today=today,
    )


# --- Information needed and 'withdrawn' (ASM-054, T21) ----------------------------------------


async def request_information(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: InformationRequestCreate,
    actor: Principal,
    at: datetime,
) -> EcInformationRequest:
    """ASM-054: record that further information is needed, told to the complainant, and the
    deadline given, if any (stored as a clock of the casework kit)."""
    await _at_early_consideration(session, case_id)
    told_on = _business_date(data.told_at)
    request = EcInformationRequest(
        id=uuid.uuid4(), case_id=case_id, information_needed=data.information_needed,
        told_by=data.told_by, told_at=data.told_at, recorded_by=actor.sub,
    )  # fmt: skip
    if data.deadline is not None:
        if data.deadline < told_on:
            raise InformationDeadlineInvalid(
                f"The deadline {data.deadline.isoformat()} is before the day the complainant "
                f"was told ({told_on.isoformat()})"
            )
        clock = EcDeadline(
            id=uuid.uuid4(), case_id=case_id, kind=EcDeadlineKind.information,
            rule=INFORMATION_DEADLINE, starts_on=told_on, due_date=data.deadline,
            source_id=request.id,
        )  # fmt: skip
        repository.add(session, clock)
        await session.flush()
        request.deadline_id = clock.id
    repository.add(session, request)
    await INFORMATION.created(session, request, actor=actor, action="ec.information_requested")
    return request


async def _latest_request(
    session: AsyncSession, case_id: uuid.UUID
) -> tuple[EcInformationRequest | None, EcDeadline | None]:
    requests = await repository.information_requests(session, case_id)
    if not requests:
        return None, None
    latest = requests[-1]
    clock = await repository.deadline(session, latest.deadline_id) if latest.deadline_id else None
    return latest, clock


async def withdraw(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: WithdrawCreate,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> Case:
    """T21: close as 'withdrawn' (ASM-054): the information asked for was recorded and told; at
    once where no deadline was given, else from the day after it."""
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _check_early(case)
    request, clock = await _latest_request(session, case_id)
    if request is None:
        raise NoInformationRequest(
            "Record the information needed and that the complainant was told first (ASM-054)",
            extensions={"requirement": "ASM-054"},
        )
    if not withdrawal_allowed(clock, today):
        assert clock is not None
        raise WithdrawalTooEarly(
            f"The complainant was given until {clock.effective_due_date.isoformat()}; the case "
            "can be closed as 'withdrawn' from the day after",
            extensions={"requirement": "ASM-054", "deadline": clock.effective_due_date.isoformat()},
        )
    async with CASE.change(session, case, actor=actor, action="case.withdrawn"):
        transition(case, CaseStatus.closed, at=at, closure_code=WITHDRAWN)
    decision = _decision(
        case, EcDecisionKind.withdrawn, actor=actor, at=at, closure_code=WITHDRAWN,
        rationale=data.rationale, information_request_id=request.id,
    )  # fmt: skip
    await _record(session, decision, actor)
    await _close_clocks(session, case_id, at)
    await _closed_event(session, case, decision, actor=actor, at=at, decision="withdrawn")
    return case


# --- Decisions behind the guard (T20, T22) ----------------------------------------------------


async def _cleared(
    session: AsyncSession,
    risk: ServiceClient,
    *,
    case_id: uuid.UUID,
    at: datetime,
    if_match: str | None,
    also: frozenset[CaseStatus] = frozenset(),
) -> tuple[Case, RiskClearance]:
    """The case at early consideration (or a status in ``also``), locked, and the guard's
    ``decline`` clearance."""
    case = await get_case(session, case_id)
    _check_early(case, also=also)
    check_if_match(if_match, make_etag(case.version), required=False)
    clearance = await require_risk_assessment(
        risk, case_id=case_id, trigger=GuardTrigger.decline, at=at
    )
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _check_early(case, also=also)
    return case, clearance


async def _parties(
    intake: ServiceClient,
    case: Case,
    *,
    kind: closing.ClosureKind,
    copy_to_aggrieved: bool | None,
) -> tuple[Parties, dict[str, object]]:
    """Who the decision goes to, read from intake now (never from the request: DESIGN §1), and
    the record of it kept on the decision; 409 ``decision-recipients-incomplete`` while a
    recipient is undecided (ASM-173, ASM-174), 503 when intake cannot say."""
    rows = await closing.decision_parties(intake, case, kind=kind, aggrieved_copy=copy_to_aggrieved)
    parties = parties_from_intake(
        [(r.person_id, r.role, r.authority_to_receive_info) for r in rows]
    )
    assert parties is not None  # decision_parties refused a case without a complainant
    record: dict[str, object] = {
        "read_from_intake": [
            {"person_id": str(r.person_id), "role": r.role,
             "authority_to_receive_info": r.authority_to_receive_info}
            for r in rows
        ],
        "copy_to_aggrieved": copy_to_aggrieved,
    }  # fmt: skip
    return parties, record


async def decline(
    session: AsyncSession,
    risk: ServiceClient,
    intake: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: EcDeclineCreate,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> Case:
    """T20: a decision not to investigate at early consideration (¶2.101)."""
    problems = decline_problems(data.closure_code, data.discretion, data.other_reason)
    if problems:
        raise EcDeclineReasonInvalid(
            "ASM-093: a decline gives a single reason with its discretion type",
            extensions={"problems": [p.value for p in problems]},
        )
    if suitability_blocks(
        complainant_is_aggrieved=data.suitability.complainant_is_aggrieved,
        concern=bool(data.suitability.concern),
        full_consideration_done=data.suitability.full_consideration_done,
        evidence=data.evidence,
    ):
        raise SuitabilityConcernBlocks(
            "ASM-058: there are suitability concerns and no full suitability consideration; a "
            "decision citing the aggrieved's medical records or clinical advice would release "
            "their personal information",
            extensions={"requirement": "ASM-058"},
        )
    case = await _at_early_consideration(session, case_id)
    unlocked = await _unlock(session, case_id, today)
    if unlocked is None:
        raise ContactNotYetAttempted(
            "Try to contact the complainant first: two failed calls in a week, or written "
            "contact unanswered for a week, before deciding on the information held (ASM-053)",
            extensions={"requirement": "ASM-053"},
        )
    check_if_match(if_match, make_etag(case.version), required=False)
    parties, record = await _parties(
        intake, case, kind=closing.ClosureKind.decline, copy_to_aggrieved=data.copy_to_aggrieved
    )
    case, clearance = await _cleared(session, risk, case_id=case_id, at=at, if_match=if_match)
    async with CASE.change(
        session, case, actor=actor, action="case.declined_at_early_consideration"
    ):
        transition(
            case, CaseStatus.closed, at=at, clearance=clearance, closure_code=data.closure_code
        )
    decision = _decision(
        case, EcDecisionKind.decline, actor=actor, at=at, closure_code=data.closure_code,
        discretion=data.discretion.value if data.discretion else None,
        other_reason=data.other_reason.value if data.other_reason else None,
        summary=data.summary, rationale=data.rationale, standard=data.standard,
        no_standard_rationale=data.no_standard_rationale,
        evidence=[e.value for e in data.evidence],
        suitability=data.suitability.model_dump(mode="json"),
        parties=record, given_by_phone=data.given_by_phone,
        written_confirmation_requested=data.written_confirmation_requested,
        unlocked_by=unlocked.value, risk_assessment_id=clearance.assessment_id,
    )  # fmt: skip
    await _record(session, decision, actor)
    if data.given_by_phone:
        await _send(
            session, case, decision, actor=actor, at=at, medium=PHONE,
            purpose="the decision given by phone (¶2.104)",
            recipients=[Recipient(person_id=parties.complainant)],
        )  # fmt: skip
    letters = decision_letters(
        parties, jurisdiction=case.jurisdiction, given_by_phone=data.given_by_phone,
        written_requested=data.written_confirmation_requested,
        copy_to_aggrieved=bool(data.copy_to_aggrieved),
    )  # fmt: skip
    await _letters(session, case, decision, letters, actor=actor, at=at)
    await _close_clocks(session, case_id, at)
    await _closed_event(
        session, case, decision, actor=actor, at=at, decision="decision_not_to_investigate"
    )
    return case


async def resolve(
    session: AsyncSession,
    risk: ServiceClient,
    intake: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: ResolutionCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T22: resolution at early consideration: our specific action and the complainant's
    agreement (ASM-066), resolved overall (ASM-068), its code by readiness (ASM-070); a decision
    not to investigate, so guarded and issued to the legal recipients (ASM-069, ASM-173).
    ASM-052: also by the caseworker holding the case in further consideration."""
    problems = resolution_problems(
        our_action=data.our_action,
        organisation_already_acting=data.organisation_already_acting,
        complainant_agreed=data.complainant_agreed,
        components=[Component(c.significant, c.resolved) for c in data.components],
        closure_code=data.closure_code,
        complaints_process_complete=data.complaints_process_complete,
        properly_made=data.properly_made,
    )
    if problems:
        raise ResolutionInvalid(
            "Not a resolution at early consideration: " + ", ".join(p.value for p in problems),
            extensions={"problems": [p.value for p in problems]},
        )
    case = await get_case(session, case_id)
    _check_early(case, also=RESOLVABLE_ALSO)
    check_if_match(if_match, make_etag(case.version), required=False)
    parties, record = await _parties(
        intake, case, kind=closing.ClosureKind.resolution,
        copy_to_aggrieved=data.copy_to_aggrieved,
    )  # fmt: skip
    case, clearance = await _cleared(
        session, risk, case_id=case_id, at=at, if_match=if_match, also=RESOLVABLE_ALSO
    )
    async with CASE.change(
        session, case, actor=actor, action="case.resolved_at_early_consideration"
    ):
        transition(
            case, CaseStatus.closed, at=at, clearance=clearance, closure_code=data.closure_code
        )
    decision = _decision(
        case, EcDecisionKind.resolution, actor=actor, at=at, closure_code=data.closure_code,
        summary=data.outcome, rationale=data.our_action,
        parties=record,
        resolution=data.model_dump(mode="json", exclude={"copy_to_aggrieved"}),
        risk_assessment_id=clearance.assessment_id,
    )  # fmt: skip
    await _record(session, decision, actor)
    letters = resolution_letters(
        parties, jurisdiction=case.jurisdiction, copy_to_aggrieved=bool(data.copy_to_aggrieved)
    )
    await _letters(session, case, decision, letters, actor=actor, at=at)
    await _close_clocks(session, case_id, at)
    await _closed_event(
        session, case, decision, actor=actor, at=at, decision="decision_not_to_investigate"
    )
    return case


async def pass_on(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: PassOnCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T23: pass the case on to the allocation queue, for primary investigation (ASM-056, D.9)
    or because the complainant did not accept our resolution (ASM-067: the action taken, the
    outcome achieved and why it did not resolve their concerns are recorded)."""
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    _check_early(case)
    await allocations.enter_queue(
        session, case, actor=actor, at=at, action="case.passed_on_from_early"
    )
    decision = _decision(
        case, EcDecisionKind.passed_on, actor=actor, at=at, rationale=data.rationale,
        pass_on=data.model_dump(mode="json", exclude={"rationale"}),
    )  # fmt: skip
    await _record(session, decision, actor)
    await _close_clocks(session, case_id, at)
    return case


# --- Shared steps -----------------------------------------------------------------------------


def _decision(
    case: Case, kind: EcDecisionKind, *, actor: Principal, at: datetime, **values: object
) -> EcDecision:
    return EcDecision(
        id=uuid.uuid4(), case_id=case.id, kind=kind, decided_by=actor.sub, decided_at=at,
        **{"evidence": [], **values},
    )  # fmt: skip


async def _record(session: AsyncSession, decision: EcDecision, actor: Principal) -> None:
    repository.add(session, decision)
    await DECISION.created(session, decision, actor=actor, action=f"ec.{decision.kind.value}")


async def _send(
    session: AsyncSession,
    case: Case,
    decision: EcDecision,
    *,
    actor: Principal,
    at: datetime,
    medium: str,
    purpose: str,
    recipients: Sequence[Recipient],
) -> None:
    """One communication through the casework kit; the address is intake's contact card's."""
    communication = EcCommunication(
        id=uuid.uuid4(), case_id=case.id, decision_id=decision.id, medium=medium,
        direction="outbound", purpose=purpose, occurred_at=at,
        recipients=[r.model_dump(mode="json") for r in recipients],
        summary=decision.closure_code, headers=[], documents=[], paragraphs=[],
        recorded_by=actor.sub,
    )  # fmt: skip
    await scan_and_announce_communication(session, case, communication, actor=actor)
    repository.add(session, communication)
    await LETTER.created(session, communication, actor=actor, action="ec.communication_recorded")


async def _letters(
    session: AsyncSession,
    case: Case,
    decision: EcDecision,
    letters: Sequence[Letter],
    *,
    actor: Principal,
    at: datetime,
) -> None:
    for letter in letters:
        await _send(
            session, case, decision, actor=actor, at=at, medium="letter", purpose=letter.basis,
            recipients=[Recipient(person_id=letter.person_id, is_copy=letter.is_copy)],
        )  # fmt: skip


async def _close_clocks(session: AsyncSession, case_id: uuid.UUID, at: datetime) -> None:
    cancel(await repository.deadlines(session, case_id), at)
    await session.flush()


async def _closed_event(
    session: AsyncSession,
    case: Case,
    record: EcDecision,
    *,
    actor: Principal,
    at: datetime,
    decision: str,
) -> None:
    """``assessment.case.closed``: intake's register shows the closure and its code."""
    assert case.closure_code is not None
    await emit(
        session,
        CaseClosedV1(
            reference=case.reference,
            closure_code=case.closure_code,
            decision=decision,
            decision_id=record.id,
            discretion=record.discretion,
            other_reason=record.other_reason,
            risk_assessment_id=record.risk_assessment_id,
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=at,
    )


async def read(session: AsyncSession, *, case_id: uuid.UUID, today: date) -> EarlyConsiderationRead:
    """Where early consideration of the case stands (any status: the record stays readable)."""
    case = await get_case(session, case_id)
    _, clock = await _latest_request(session, case_id)
    requests = await repository.information_requests(session, case_id)
    decision = await repository.decision(session, case_id)
    return EarlyConsiderationRead(
        case_id=case.id,
        status=case.status.value,
        decision_unlocked_by=await _unlock(session, case_id, today),
        withdrawal_allowed=bool(requests) and withdrawal_allowed(clock, today),
        contact_attempts=[
            ContactAttemptRead.model_validate(a)
            for a in await repository.attempts(session, case_id)
        ],
        deadlines=[
            DeadlineRead.model_validate(d) for d in await repository.deadlines(session, case_id)
        ],
        information_requests=[InformationRequestRead.model_validate(r) for r in requests],
        decision=EcDecisionRead.model_validate(decision) if decision else None,
        letters=[LetterRead.model_validate(c) for c in await repository.letters(session, case_id)],
    )

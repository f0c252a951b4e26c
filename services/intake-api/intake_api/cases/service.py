"""Intake case use cases. Each takes the session first, flushes and never commits."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import disclosure, recipients, repository, rules, triage
from intake_api.cases.errors import (
    ApproverIsRequester,
    CaseNotAtIntake,
    CaseNotFound,
    CaseOrganisationUnknown,
    CasePersonUnknown,
    ChannelOverrideRequired,
    ClosureBlocked,
    InformationDeadlineInvalid,
    JointWorkingReferralBlocked,
    JurisdictionRequired,
    MpReferralReuseInvalid,
    NotAnMpRecord,
    NotProperlyMade,
    PartyAlreadyOnCase,
    PreviousContactCheckNotFound,
    PriorityNotRequested,
    ReceivedDateInFuture,
    ReferralBlocked,
    RestartNeedsProgress,
    RestartNotAllowed,
    TaskAlreadyDone,
    TaskNeedsCommunication,
    TaskNotFound,
    TriageIncomplete,
    TypeReasonRequired,
)
from intake_api.cases.models import (
    REPRESENTATIVE_ROLES,
    Case,
    CaseLink,
    CaseOrganisation,
    CaseParty,
    CaseTask,
    Communication,
    ContactAttempt,
    Deadline,
    DeadlineExtension,
    DeadlineKind,
    Jurisdiction,
    LinkReason,
    OrganisationRole,
    OrgResponseFormat,
    OtherOmbudsman,
    PartyRole,
    PreviousContactCheck,
    Priority,
    PrisonCaseType,
    Route,
    SignpostingType,
    TaskKind,
)
from intake_api.cases.schemas import (
    CaseCreate,
    CaseRead,
    CaseReferral,
    CaseSummary,
    CaseSummaryPage,
    CaseUpdate,
    ChecklistItem,
    ChecklistRead,
    ClosureRequest,
    CommunicationCreate,
    ContactAttemptCreate,
    DecisionRecipient,
    ExtensionCreate,
    InformationReceived,
    InformationRequest,
    JointWorkingDecision,
    JointWorkingReferral,
    MpReferralReuse,
    OrganisationAdd,
    PartyAdd,
    PreviousContactCheckCreate,
    PriorityApproval,
    PriorityRequest,
    ProperlyMadeDecision,
    RestartRequest,
    ReturnAsNewCase,
    TaskCompletion,
    TaskRead,
    TriageSubmission,
)
from intake_api.cases.state import ALLOWED, INITIAL_STATUS, CaseStatus, transition
from intake_api.organisations import repository as organisations
from intake_api.people import service as people
from intake_api.people.models import ConsentType, Person
from intake_api.reference.signposting import NoMpSituation, no_mp_signposting
from shared.audit import record_audit
from shared.auth import Principal
from shared.calendar import WorkingCalendar
from shared.clock import BUSINESS_TIMEZONE
from shared.concurrency import check_if_match, make_etag
from shared.events.contracts.intake import CaseCreatedV1
from shared.events.envelope import EventPayload
from shared.outbox.emit import emit
from shared.pagination import InvalidCursor, decode_cursor, encode_cursor

CONFIDENTIAL_ACCESS = "confidential access rights apply"  # INT-048
ACKNOWLEDGE_WITHIN_WORKING_DAYS = 10  # C-03, ¶1.27
CALLBACK_WITHIN = timedelta(hours=48)  # C-04, INT-030
INFORMATION_DEADLINE_MAX_DAYS = 7  # C-02: "usually under a week"; longer needs an extension


def _snapshot(case: Case) -> dict[str, Any]:
    return CaseRead.model_validate(case).model_dump(mode="json")


async def _audit(
    session: AsyncSession,
    case: Case,
    *,
    actor: Principal,
    action: str,
    before: dict[str, Any] | None,
    reason: str | None,
    after: dict[str, Any] | None = None,
) -> None:
    await record_audit(
        session,
        actor=actor,
        entity_type="case",
        entity_id=case.id,
        case_id=case.id,
        action=action,
        before=before,
        after=after if after is not None else _snapshot(case),
        reason=reason,
    )


async def locked_case(session: AsyncSession, case_id: uuid.UUID, if_match: str | None) -> Case:
    case = await repository.get_for_update(session, case_id)
    if case is None:
        raise CaseNotFound(f"No case with id {case_id}")
    check_if_match(if_match, make_etag(case.version), required=False)
    return case


async def _move(
    session: AsyncSession,
    case: Case,
    to: CaseStatus,
    *,
    at: datetime,
    actor: Principal,
    previous_closure_code: str | None = None,
) -> None:
    event: EventPayload | None = transition(
        case, to, at=at, previous_closure_code=previous_closure_code
    )
    await session.flush()
    await session.refresh(case)
    if event is not None:
        await emit(session, event, case_id=case.id, actor=actor.sub, occurred_at=at)


async def facts(session: AsyncSession, case: Case, *, today: date) -> rules.Facts:
    """What the gate and closure rules look at."""
    parties = list(await repository.parties(session, case.id))
    complainants = [p.person_id for p in parties if p.role is PartyRole.complainant]
    has_email = False
    for person_id in complainants:
        person = await session.get(Person, person_id)
        has_email = has_email or bool(person and person.emails)
    seats = await recipients.mp_seats(session, parties)
    return rules.Facts(
        complainant_has_email=has_email,
        mp_holders={
            str(s.party_person_id): str(s.holder_id) if s.holder_id else None for s in seats
        },
        parties=parties,
        organisations=list(await repository.organisations(session, case.id)),
        attempts=list(await repository.attempts(session, case.id)),
        communications=list(await repository.communications(session, case.id)),
        today=today,
        intake_clock_start=await repository.latest_clock_start(
            session, case.id, DeadlineKind.intake_contact
        ),
    )


# --- Receipt and the start of intake (T1, T2; INT-001…004).


async def run_previous_contact_check(
    session: AsyncSession, *, data: PreviousContactCheckCreate, actor: Principal
) -> PreviousContactCheck:
    """INT-001: search earlier cases of the person and about the organisations; store the result."""
    matches = await repository.earlier_cases(
        session, person_id=data.person_id, organisation_ids=list(data.organisation_ids)
    )
    check = PreviousContactCheck(
        id=uuid.uuid4(),
        person_id=data.person_id,
        organisation_ids=list(data.organisation_ids),
        done_by=actor.sub,
        matches=matches,
    )
    session.add(check)
    await session.flush()
    await session.refresh(check)
    return check


async def create_case(
    session: AsyncSession,
    *,
    data: CaseCreate,
    actor: Principal,
    today: date,
    now: datetime,
    reference_prefix: str,
    calendar: WorkingCalendar,
) -> CaseRead:
    """T1 (received), or T1+T2 when the previous-contact check is given (INT-001/002).

    The busiest write in the system (every request that reaches us), so it is a handful of
    prepared statements rather than a unit of work: the case comes back from its INSERT, and
    its clocks, audit row and ``intake.case.created`` event go in with one statement each.
    """
    if data.received_date > today:
        raise ReceivedDateInFuture(f"received_date {data.received_date} is after today ({today})")
    if data.previous_contact_check_id is not None:
        if await repository.check(session, data.previous_contact_check_id) is None:
            raise PreviousContactCheckNotFound("Run the previous-contact check first")
    assert data.case_type is not None  # CaseCreate fills in the INT-004 default
    in_intake = data.previous_contact_check_id is not None
    row = await repository.insert_case(
        session,
        reference_prefix=reference_prefix,
        values={
            "id": uuid.uuid4(),
            "status": CaseStatus.intake if in_intake else INITIAL_STATUS,
            "status_changed_at": now,
            "case_type": data.case_type,
            "channel": data.channel,
            "jurisdiction": data.jurisdiction,
            "received_date": data.received_date,
            "copied_in_only": data.copied_in_only,
            "type_reason": data.type_reason,
            "complaint_summary": data.complaint_summary,
            "previous_contact_check_id": data.previous_contact_check_id,
            "owner": actor.sub if in_intake else None,
            "created_by": actor.sub,
        },
    )
    case = CaseRead.model_validate(row)
    clocks = _intake_clocks(case.id, case.received_date, calendar)
    await repository.insert_deadlines(session, clocks)
    await record_audit(
        session, actor=actor, entity_type="case", entity_id=case.id, case_id=case.id,
        action="case.created", before=None, after=case.model_dump(mode="json"),
        reason="Request received",
    )  # fmt: skip
    await emit(
        session,
        CaseCreatedV1(
            reference=case.reference,
            status=case.status.value,
            case_type=case.case_type.value,
            channel=case.channel.value,
            jurisdiction=case.jurisdiction.value if case.jurisdiction else None,
            received_date=case.received_date,
            previous_contact_check_id=case.previous_contact_check_id,
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=now,
    )
    return case


def _intake_clocks(
    case_id: uuid.UUID, received: date, calendar: WorkingCalendar
) -> list[dict[str, Any]]:
    """C-01 (INT-008) and C-03 (¶1.27), both from receipt."""
    return [
        {
            "id": uuid.uuid4(),
            "case_id": case_id,
            "kind": DeadlineKind.intake_contact,
            "rule": "C-01 INT-008: pass on within 2 weeks of receipt, or contact the complainant",
            "starts_on": received,
            "due_date": calendar.add_weeks(received, 2),
        },
        {
            "id": uuid.uuid4(),
            "case_id": case_id,
            "kind": DeadlineKind.acknowledgement,
            "rule": "C-03 ¶1.27: acknowledge within 10 working days",
            "starts_on": received,
            "due_date": calendar.add_working_days(received, ACKNOWLEDGE_WITHIN_WORKING_DAYS),
        },
    ]


async def begin_intake(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    check_id: uuid.UUID,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T2: the previous-contact check is done; the case is created in intake and self-assigned."""
    case = await locked_case(session, case_id, if_match)
    if await repository.check(session, check_id) is None:
        raise PreviousContactCheckNotFound("Run the previous-contact check first")
    before = _snapshot(case)
    case.previous_contact_check_id = check_id
    case.owner = actor.sub
    await _move(session, case, CaseStatus.intake, at=at, actor=actor)
    await _audit(session, case, actor=actor, action="case.intake_started", before=before,
                 reason="Previous-contact check done; self-assigned (INT-002)")  # fmt: skip
    return case


async def get_case(session: AsyncSession, *, case_id: uuid.UUID) -> Case:
    case = await repository.get(session, case_id)
    if case is None:
        raise CaseNotFound(f"No case with id {case_id}")
    return case


async def read_case(driver: Any, *, case_id: uuid.UUID) -> CaseRead:
    """The case for reading only, straight from its row (no ORM instance to build)."""
    row = await repository.get_row(driver, case_id)
    if row is None:
        raise CaseNotFound(f"No case with id {case_id}")
    return CaseRead.model_validate(dict(row))


CASE_LIST_CURSOR = "cases"


async def list_cases(
    session: AsyncSession,
    *,
    filters: repository.CaseListFilters,
    limit: int,
    cursor: str | None,
) -> CaseSummaryPage:
    """A page of cases, newest received first (DESIGN §3 Lists)."""
    after = None
    if cursor is not None:
        values = decode_cursor(cursor, arity=3)
        try:
            if values[0] != CASE_LIST_CURSOR:
                raise ValueError("cursor of another list")
            after = (date.fromisoformat(values[1]), uuid.UUID(values[2]))
        except (TypeError, ValueError, AttributeError) as exc:
            raise InvalidCursor("Use the next_cursor of a previous page as it was given") from exc
    rows = await repository.list_cases(session, filters, after=after, limit=limit)
    items = [CaseSummary.model_validate(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor([CASE_LIST_CURSOR, last.received_date.isoformat(), last.id])
    return CaseSummaryPage(items=items, next_cursor=next_cursor)


async def update_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: CaseUpdate,
    actor: Principal,
    if_match: str | None,
) -> Case:
    """Record facts gathered at intake (PATCH; If-Match required at the edge)."""
    case = await locked_case(session, case_id, if_match)
    before = _snapshot(case)
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    if changes.get("mp_person_id") is not None:
        mp = await session.get(Person, changes["mp_person_id"])
        if mp is None:
            raise CasePersonUnknown(f"No person with id {changes['mp_person_id']}")
        if mp.mp_constituency is None:
            raise NotAnMpRecord("ASM-020: the referring MP is a person with an MP record")
    for name, value in changes.items():
        if name == "checklist":
            value = {**case.checklist, **(value or {})}
        setattr(case, name, value)
    if case.prison_case_type is PrisonCaseType.prison_healthcare:
        case.jurisdiction = Jurisdiction.health  # INT-046: healthcare complaints are health
    elif case.prison_case_type is PrisonCaseType.prison_action:
        case.jurisdiction = Jurisdiction.parliamentary  # INT-047
    if case.copied_in_only and case.case_type.value == "complaint" and not case.type_reason:
        raise TypeReasonRequired(
            "INT-004: a copied-in request recorded as a complaint needs a reason"
        )
    # Any change to the gate facts re-opens the properly-made decision.
    gate_fields = {
        "jurisdiction", "vpa_answers", "vpa_no_mp_referral", "mp_person_id",
        "complaint_to_mp_in_writing", "aggrieved_consent", "mp_requests_investigation",
        "written_complaint_received", "complaint_form_awaiting_confirmation", "prison_case_type",
    }  # fmt: skip
    if gate_fields & changes.keys() and case.properly_made is not None:
        case.properly_made = None
        case.properly_made_decided_by = None
        case.properly_made_decided_at = None
    await session.flush()
    await session.refresh(case)
    await _audit(
        session, case, actor=actor, action="case.updated", before=before, reason=data.reason
    )
    return case


# --- Parties and organisations (INT-010).


async def add_party(
    session: AsyncSession, *, case_id: uuid.UUID, data: PartyAdd, actor: Principal
) -> CaseParty:
    case = await locked_case(session, case_id, None)
    if await session.get(Person, data.person_id) is None:
        raise CasePersonUnknown(f"No person with id {data.person_id}")
    if any(
        p.person_id == data.person_id and p.role is data.role
        for p in await repository.parties(session, case.id)
    ):
        raise PartyAlreadyOnCase(f"That person is already {data.role.value} on this case")
    party = CaseParty(id=uuid.uuid4(), case_id=case.id, **data.model_dump())
    session.add(party)
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="case_party", entity_id=party.id, case_id=case.id,
        action="case.party_added", after=data.model_dump(mode="json"), reason=None,
    )  # fmt: skip
    return party


async def add_organisation(
    session: AsyncSession, *, case_id: uuid.UUID, data: OrganisationAdd, actor: Principal
) -> CaseOrganisation:
    case = await locked_case(session, case_id, None)
    org = await organisations.get(session, data.organisation_id)
    if org is None:
        raise CaseOrganisationUnknown(f"No organisation with id {data.organisation_id}")
    link = CaseOrganisation(
        id=uuid.uuid4(),
        case_id=case.id,
        organisation_id=org.id,
        role=data.role,
        in_jurisdiction=bool(org.in_jurisdiction),
        remit_only_for_victims_code=bool(org.remit_only_for_victims_code),
    )
    session.add(link)
    if data.role is OrganisationRole.original and org.id not in case.organisation_ids:
        case.organisation_ids = [*case.organisation_ids, org.id]
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="case_organisation", entity_id=link.id,
        case_id=case.id, action="case.organisation_added", after=data.model_dump(mode="json"),
        reason=None,
    )  # fmt: skip
    return link


# --- Contacts and communications (INT-005, INT-006, INT-030, INT-048, ¶1.27).


def preferred_channel(person: Person | None) -> str:
    """INT-006: the stated preference; telephone when none is stated."""
    preferred = person.preferred_contact_method if person is not None else None
    return preferred.value if preferred is not None else "telephone"


async def record_contact_attempt(
    session: AsyncSession, *, case_id: uuid.UUID, data: ContactAttemptCreate, actor: Principal
) -> ContactAttempt:
    case = await locked_case(session, case_id, None)
    person = await session.get(Person, data.person_id)
    if person is None:
        raise CasePersonUnknown(f"No person with id {data.person_id}")
    expected = preferred_channel(person)
    if (
        data.direction == "outbound"
        and data.channel != expected
        and not data.channel_override_reason
    ):
        raise ChannelOverrideRequired(
            f"INT-006: the preferred method is {expected}; give a reason to use {data.channel}",
            extensions={"missing": [{"requirement": "INT-006", "item": "channel_override_reason"}]},
        )
    attempt = ContactAttempt(
        id=uuid.uuid4(), case_id=case.id, recorded_by=actor.sub, **data.model_dump()
    )
    session.add(attempt)
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="contact_attempt", entity_id=attempt.id,
        case_id=case.id, action="case.contact_attempted", after=data.model_dump(mode="json"),
        reason=None,
    )  # fmt: skip
    return attempt


async def record_communication(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: CommunicationCreate,
    actor: Principal,
    calendar: WorkingCalendar,
) -> Communication:
    """Log a letter, email or call; starts or meets the acknowledgement and call-back clocks."""
    case = await locked_case(session, case_id, None)
    # Both checks below are about what we send: an inbound contact reads no parties.
    parties = await repository.parties(session, case.id) if data.direction == "outbound" else []
    await disclosure.check(session, case, parties, data)  # INT-053/054
    if data.discloses_case_information:
        # The schema guarantees both are present on a disclosure.
        assert data.call_ref is not None
        assert data.from_person_id is not None
        await people.require_verified_call(
            session, person_id=data.from_person_id, call_ref=data.call_ref
        )
    recipient_rows = [r.model_dump(mode="json") for r in data.recipients]
    headers: list[str] = []
    for r in data.recipients:
        if r.person_id is None:
            continue
        person = await session.get(Person, r.person_id)
        if person is None:
            raise CasePersonUnknown(f"No person with id {r.person_id}")
        if person.prison_number and data.medium == "letter" and data.direction == "outbound":
            # INT-048: the prison number and 'confidential access rights apply' on every letter.
            if CONFIDENTIAL_ACCESS not in headers:
                headers.insert(0, CONFIDENTIAL_ACCESS)
            headers.append(f"Prison number: {person.prison_number}")
    paragraphs: list[str] = []
    if data.direction == "outbound" and data.medium in ("letter", "email"):
        # ASM-025: a successor MP's first letter explains what their predecessor did.
        paragraphs = await recipients.first_letter_paragraphs(
            session, case.id, parties, {r.person_id for r in data.recipients if r.person_id}
        )
    comm = Communication(
        id=uuid.uuid4(),
        case_id=case.id,
        medium=data.medium,
        direction=data.direction,
        purpose=data.purpose,
        occurred_at=data.occurred_at,
        from_person_id=data.from_person_id,
        recipients=recipient_rows,
        summary=data.summary,
        headers=headers,
        paragraphs=paragraphs,
        documents=[d.model_dump(mode="json") for d in data.documents],
        risk_disclosure=(
            {**data.risk_disclosure.model_dump(mode="json"), "recorded_by": actor.sub}
            if data.risk_disclosure is not None
            else None
        ),
        acknowledges_id=data.acknowledges_id,
        recorded_by=actor.sub,
    )
    session.add(comm)
    await session.flush()
    received_on = data.occurred_at.astimezone(BUSINESS_TIMEZONE).date()  # London business date
    if data.direction == "inbound" and data.purpose == "callback_request":
        session.add(
            Deadline(
                id=uuid.uuid4(), case_id=case.id, kind=DeadlineKind.callback,
                rule="C-04 INT-030: return a call-back within 48 hours", starts_on=received_on,
                due_date=(data.occurred_at + CALLBACK_WITHIN).date(),
                due_at=data.occurred_at + CALLBACK_WITHIN, source_id=comm.id,
            )
        )  # fmt: skip
    elif data.direction == "inbound":
        session.add(
            Deadline(
                id=uuid.uuid4(), case_id=case.id, kind=DeadlineKind.acknowledgement,
                rule="C-03 ¶1.27: acknowledge within 10 working days", starts_on=received_on,
                due_date=calendar.add_working_days(received_on, ACKNOWLEDGE_WITHIN_WORKING_DAYS),
                source_id=comm.id,
            )
        )  # fmt: skip
    elif data.direction == "outbound":
        await _meet_clocks(session, case, comm)
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="communication", entity_id=comm.id, case_id=case.id,
        action="case.communication_recorded", after=data.model_dump(mode="json"), reason=None,
    )  # fmt: skip
    if data.direction == "outbound":
        await _tasks_done_by(session, case, comm, actor=actor)  # after the comm, in the trail
    return comm


async def _meet_clocks(session: AsyncSession, case: Case, comm: Communication) -> None:
    for deadline in await repository.open_deadlines(session, case.id):
        if deadline.kind is DeadlineKind.acknowledgement and comm.purpose in (
            "acknowledgement", "decision", "party_contact",
        ):  # fmt: skip
            if deadline.source_id is None or deadline.source_id == comm.acknowledges_id:
                deadline.met_at = comm.occurred_at
        elif deadline.kind is DeadlineKind.callback and comm.medium == "telephone":
            deadline.met_at = comm.occurred_at


# --- Joint working (T11, T12; INT-038, INT-039, INT-042).


async def refer_to_joint_working(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: JointWorkingReferral,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    case = await locked_case(session, case_id, if_match)
    missing: list[dict[str, str]] = []
    if not case.joint_working:
        missing.append({"requirement": "INT-039", "item": "joint_working",
                        "detail": "Record the case as a joint working case"})  # fmt: skip
    if case.other_ombudsman is not OtherOmbudsman.lgsco:
        missing.append({"requirement": "INT-039", "item": "other_ombudsman",
                        "detail": "Only joint working with LGSCO goes to the JW team"})  # fmt: skip
    if case.joint_working_shared_at is None:
        missing.append({"requirement": "INT-038", "item": "joint_working_shared_at",
                        "detail": "Share the case with LGSCO first (Legal)"})  # fmt: skip
    complainants = [
        p.person_id for p in await repository.parties(session, case.id)
        if p.role is PartyRole.complainant
    ]  # fmt: skip
    consented = [
        pid for pid in complainants
        if await people.find_active_consent(
            session, person_id=pid, consent_type=ConsentType.joint_working_lgsco
        )
    ]  # fmt: skip
    if not complainants or len(consented) < len(complainants):
        missing.append({"requirement": "INT-042", "item": "consent",
                        "detail": "Record the complainant's consent to joint working"})  # fmt: skip
    if missing:
        raise JointWorkingReferralBlocked(
            f"{len(missing)} requirement(s) not met", extensions={"missing": missing}
        )
    before = _snapshot(case)
    await _move(session, case, CaseStatus.joint_working_review, at=at, actor=actor)
    await _audit(session, case, actor=actor, action="case.joint_working_referred", before=before,
                 reason=data.reason)  # fmt: skip
    return case


async def decide_joint_working(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: JointWorkingDecision,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T12: accepted → routed to the JW team for hand-off; declined → back to intake."""
    case = await locked_case(session, case_id, if_match)
    before = _snapshot(case)
    if case.status is CaseStatus.joint_working_review:
        case.joint_working_decided_at = at
        case.joint_working_accepted = data.accepted
    if case.status is CaseStatus.joint_working_review and data.accepted:
        case.route = Route.joint_working_team
        case.routing_rationale = f"Accepted by the joint working team: {data.reason}"
    await _move(session, case, CaseStatus.intake, at=at, actor=actor)
    action = "case.joint_working_accepted" if data.accepted else "case.joint_working_declined"
    await _audit(session, case, actor=actor, action=action, before=before, reason=data.reason)
    return case


# --- Information requests (T4, T5; INT-016).


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
    case = await locked_case(session, case_id, if_match)
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
    if not (today < data.deadline <= today + timedelta(days=INFORMATION_DEADLINE_MAX_DAYS)):
        raise InformationDeadlineInvalid(
            f"INT-016: the deadline is usually under a week: after {today} and at most "
            f"{INFORMATION_DEADLINE_MAX_DAYS} days ahead (extend it later if asked)"
        )
    before = _snapshot(case)
    session.add(
        Deadline(
            id=uuid.uuid4(), case_id=case.id, kind=DeadlineKind.information,
            rule="C-02 INT-016: close as 'withdrawn' only from the day after this deadline",
            starts_on=today, due_date=data.deadline, source_id=comm.id,
        )
    )  # fmt: skip
    await _move(session, case, CaseStatus.awaiting_information, at=at, actor=actor)
    await _audit(session, case, actor=actor, action="case.information_requested", before=before,
                 reason=data.reason)  # fmt: skip
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
    case = await locked_case(session, case_id, if_match)
    before = _snapshot(case)
    for deadline in await repository.open_deadlines(session, case.id, DeadlineKind.information):
        deadline.met_at = at
    await _move(session, case, CaseStatus.intake, at=at, actor=actor)
    await _audit(session, case, actor=actor, action="case.information_received", before=before,
                 reason=data.reason)  # fmt: skip
    return case


async def extend_information_deadline(
    session: AsyncSession, *, case_id: uuid.UUID, data: ExtensionCreate, actor: Principal
) -> DeadlineExtension:
    case = await locked_case(session, case_id, None)
    open_ = await repository.open_deadlines(session, case.id, DeadlineKind.information)
    if not open_:
        raise InformationDeadlineInvalid("There is no open information deadline to extend")
    deadline = open_[-1]
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


async def _information_deadline_passed(session: AsyncSession, case: Case, today: date) -> bool:
    open_ = await repository.open_deadlines(session, case.id, DeadlineKind.information)
    if not open_:
        return False
    deadline = open_[-1]
    # "A day after" (INT-016): never on the deadline day itself.
    return today > deadline.effective_due_date


# --- Priority (INT-025) and properly made (ASM-014).


async def request_priority(
    session: AsyncSession, *, case_id: uuid.UUID, data: PriorityRequest, actor: Principal
) -> Case:
    case = await locked_case(session, case_id, None)
    before = _snapshot(case)
    case.special_handling_reason = data.reason
    case.priority_requested_by = actor.sub
    case.priority_approved_by = None
    case.priority_approved_at = None
    await session.flush()
    await session.refresh(case)
    await _audit(session, case, actor=actor, action="case.priority_requested", before=before,
                 reason=data.reason)  # fmt: skip
    return case


async def decide_priority(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: PriorityApproval,
    actor: Principal,
    at: datetime,
) -> Case:
    """INT-025: the manager's own audited act; never a flag a client sets."""
    case = await locked_case(session, case_id, None)
    if case.priority_requested_by is None:
        raise PriorityNotRequested("Ask for special handling first")
    if case.priority_requested_by == actor.sub:
        raise ApproverIsRequester("A manager other than the requester decides")
    before = _snapshot(case)
    if data.approve:
        case.priority = Priority.high
        case.priority_approved_by = actor.sub
        case.priority_approved_at = at
    else:
        case.priority = Priority.standard
        case.priority_requested_by = None
    await session.flush()
    await session.refresh(case)
    action = "case.priority_approved" if data.approve else "case.priority_refused"
    await _audit(session, case, actor=actor, action=action, before=before, reason=data.reason)
    return case


AT_INTAKE = frozenset(
    {CaseStatus.intake, CaseStatus.awaiting_information, CaseStatus.joint_working_review}
)


async def decide_properly_made(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ProperlyMadeDecision,
    actor: Principal,
    at: datetime,
    today: date,
) -> Case:
    case = await locked_case(session, case_id, None)
    if case.status not in AT_INTAKE:
        raise CaseNotAtIntake(
            f"The case is {case.status.value}; properly made is decided at intake",
            extensions={"current_status": case.status.value},
        )
    if data.properly_made:
        problems = rules.properly_made_problems(case, await facts(session, case, today=today))
        if problems:
            raise NotProperlyMade(
                "The recorded facts do not make this complaint properly made",
                extensions={"missing": problems.items},
            )
    before = _snapshot(case)
    case.properly_made = data.properly_made
    case.properly_made_decided_by = actor.sub
    case.properly_made_decided_at = at
    await session.flush()
    await session.refresh(case)
    await _audit(session, case, actor=actor, action="case.properly_made_decided", before=before,
                 reason=data.reason)  # fmt: skip
    return case


# --- Triage (INT-023, INT-024).


async def triage_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: TriageSubmission,
    actor: Principal,
    if_match: str | None,
) -> Case:
    """Derive and store the category from the questionnaire's answers, with its version."""
    case = await locked_case(session, case_id, if_match)
    if case.status not in AT_INTAKE:
        raise CaseNotAtIntake(
            f"The case is {case.status.value}; triage is done at intake",
            extensions={"current_status": case.status.value},
        )
    category, problems = triage.derive(data.version, dict(data.answers))
    if problems:
        raise TriageIncomplete(
            f"{len(problems.items)} answer(s) missing or invalid",
            extensions={"missing": problems.items},
        )
    before = _snapshot(case)
    case.triage_category = category
    case.triage_answers = dict(data.answers)
    case.triage_questionnaire_version = data.version
    await session.flush()
    await session.refresh(case)
    await _audit(session, case, actor=actor, action="case.triaged", before=before,
                 reason=data.reason)  # fmt: skip
    return case


# --- Hand-off (T13–T16) and closure (T3, T6–T8, T10).


async def refer_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    referral: CaseReferral,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> Case:
    """Pass the case to assessment; emits ``intake.case.referred`` in this transaction.

    Refused with every unmet requirement listed (problem ``missing``) until it may go.
    """
    case = await locked_case(session, case_id, if_match)
    before = _snapshot(case)
    for name in ("route", "routing_rationale", "jurisdiction"):
        value = getattr(referral, name)
        if value is not None:
            setattr(case, name, value)
    if case.status is not CaseStatus.intake:
        transition(case, CaseStatus.referred, at=at)  # raises the 409 with the current status
    if case.jurisdiction is None:
        raise JurisdictionRequired("Give the jurisdiction (health or parliamentary)")
    with session.no_autoflush:  # one version bump for the whole act, not one per query
        case_facts = await facts(session, case, today=today)
    problems = rules.referral_problems(case, case_facts)
    if problems:
        raise ReferralBlocked(
            f"{len(problems.items)} requirement(s) not met", extensions={"missing": problems.items}
        )
    await _move(session, case, CaseStatus.referred, at=at, actor=actor)
    for deadline in await repository.open_deadlines(session, case.id, DeadlineKind.intake_contact):
        deadline.met_at = at
    await _audit(
        session, case, actor=actor, action="case.referred", before=before, reason=referral.reason
    )
    return case


async def close_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ClosureRequest,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> Case:
    """Close at intake with a D.1/D.3 code; emits ``intake.case.closed``."""
    case = await locked_case(session, case_id, if_match)
    if CaseStatus.closed not in ALLOWED[case.status]:
        transition(case, CaseStatus.closed, at=at)  # raises the 409
    data = _with_no_mp_signposting(data, today=today)
    case_facts = await facts(session, case, today=today)
    problems = rules.closure_problems(
        case,
        case_facts,
        code=data.closure_code,
        decision_channel=data.decision_channel,
        written_decision_requested=data.written_decision_requested,
        enough_information_to_decide=data.enough_information_to_decide,
        signposting=data.signposting_type,
        signposting_detail=data.signposting_detail,
        time_limit_explained=data.time_limit_explained,
        information_deadline_passed=await _information_deadline_passed(session, case, today),
    )
    if problems:
        raise ClosureBlocked(
            f"{len(problems.items)} requirement(s) not met", extensions={"missing": problems.items}
        )
    before = _snapshot(case)
    case.closure_code = data.closure_code
    case.closure_reasons = data.reasons
    case.decision_channel = data.decision_channel
    case.written_decision_requested = data.written_decision_requested
    case.signposting_type = data.signposting_type
    case.signposting_detail = data.signposting_detail
    if data.closure_code in rules.REMIT_CATEGORIES:
        case.remit_categories = [data.closure_code]
    await _move(session, case, CaseStatus.closed, at=at, actor=actor)
    for deadline in await repository.open_deadlines(session, case.id):
        deadline.cancelled_at = at
    await _audit(
        session, case, actor=actor, action="case.closed", before=before, reason=data.reasons
    )
    if (
        data.closure_code in rules.PREMATURE_CODES
        and case.org_response_format is OrgResponseFormat.audio_only
    ):
        await _ask_for_written_response(session, case, actor=actor, at=at)
    await _copies_for_new_mps(session, case, case_facts.vacant_mp_seats, actor=actor)
    return case


async def _copies_for_new_mps(
    session: AsyncSession, case: Case, vacated_by: list[uuid.UUID], *, actor: Principal
) -> None:
    """ASM-024 (¶2.43): a decision issued while an MP's seat is vacant is owed to the new MP.

    The task is done only by recording the decision sent to the elected successor.
    """
    for mp in vacated_by:
        task = CaseTask(
            id=uuid.uuid4(), case_id=case.id, kind=TaskKind.send_copy_to_new_mp,
            rule="ASM-024 ¶2.43: send the decision to the new MP once elected",
            person_id=mp, created_by=actor.sub,
        )  # fmt: skip
        reason = "ASM-024: decision issued while the MP's seat is vacant"
        await _add_task(session, task, actor=actor, reason=reason)


async def _add_task(
    session: AsyncSession, task: CaseTask, *, actor: Principal, reason: str
) -> None:
    session.add(task)
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="case_task", entity_id=task.id, case_id=task.case_id,
        action="case.task_created", after=TaskRead.model_validate(task).model_dump(mode="json"),
        reason=reason,
    )  # fmt: skip


def _with_no_mp_signposting(data: ClosureRequest, *, today: date) -> ClosureRequest:
    """ASM-028 (¶2.51–2.54): where a complainant without an MP referral is directed."""
    if data.no_mp_situation is None:
        return data
    problems = rules.Problems()
    if data.closure_code != rules.NO_MP_REFERRAL:
        problems.add("ASM-028", "no_mp_situation", "Only a 'No MP referral' closure says why "
                     "there is no MP")  # fmt: skip
    elif (
        data.no_mp_situation is NoMpSituation.own_mp_refuses
        and "pacac" in (data.signposting_detail or "").casefold()
    ):
        problems.add("ASM-028", "signposting", "The complainant's own MP refused to refer: do "
                     "not direct them to PACAC")  # fmt: skip
    if problems:
        raise ClosureBlocked(
            f"{len(problems.items)} requirement(s) not met", extensions={"missing": problems.items}
        )
    if data.signposting_type is not None:
        return data
    advice = no_mp_signposting(data.no_mp_situation, left_uk_on=data.left_uk_on, today=today)
    return data.model_copy(
        update={
            "signposting_type": SignpostingType.other_body,
            "signposting_detail": advice.signposting_detail,
        }
    )


async def _ask_for_written_response(
    session: AsyncSession, case: Case, *, actor: Principal, at: datetime
) -> None:
    """ASM-039 (¶2.69): a task to ask each NHS organisation for a written response.

    A request already logged (an outbound ``written_response_request`` to that organisation)
    does the task at once, so the trail shows both the rule and how it was met.
    """
    comms = await repository.communications(session, case.id)
    for org in await repository.organisations(session, case.id):
        if org.role is not OrganisationRole.original:
            continue
        done_by = next(
            (c for c in comms if _requests_written_response(c, org.organisation_id)), None
        )
        task = CaseTask(
            id=uuid.uuid4(), case_id=case.id, kind=TaskKind.request_written_response,
            rule="ASM-039 ¶2.69: ask the organisation for a written response to the complainant",
            organisation_id=org.organisation_id, created_by=actor.sub,
            done_at=done_by.occurred_at if done_by else None,
            done_by=done_by.recorded_by if done_by else None,
            done_note="Request already logged" if done_by else None,
            communication_id=done_by.id if done_by else None,
        )  # fmt: skip
        await _add_task(
            session, task, actor=actor,
            reason="ASM-039: audio-only response from an NHS organisation; case closed premature",
        )  # fmt: skip


def _requests_written_response(comm: Communication, organisation_id: uuid.UUID) -> bool:
    return (
        comm.direction == "outbound"
        and comm.purpose == "written_response_request"
        and any(r.get("organisation_id") == str(organisation_id) for r in comm.recipients)
    )


async def _tasks_done_by(
    session: AsyncSession, case: Case, comm: Communication, *, actor: Principal
) -> None:
    for task in await repository.tasks(session, case.id):
        if task.done_at is None and (
            (
                task.kind is TaskKind.request_written_response
                and task.organisation_id is not None
                and _requests_written_response(comm, task.organisation_id)
            )
            or (
                task.kind is TaskKind.send_copy_to_new_mp
                and task.person_id is not None
                and await _sends_decision_to_new_mp(session, comm, task.person_id)
            )
        ):
            before = TaskRead.model_validate(task).model_dump(mode="json")
            task.done_at, task.done_by, task.communication_id = comm.occurred_at, actor.sub, comm.id
            task.done_note = "Done by the logged communication"
            await session.flush()
            await record_audit(
                session, actor=actor, entity_type="case_task", entity_id=task.id,
                case_id=case.id, action="case.task_done", before=before,
                after=TaskRead.model_validate(task).model_dump(mode="json"), reason=None,
            )  # fmt: skip


async def _sends_decision_to_new_mp(
    session: AsyncSession, comm: Communication, vacated_by: uuid.UUID
) -> bool:
    """ASM-024: a written decision to whoever now holds the seat ``vacated_by`` left."""
    if comm.purpose != "decision" or comm.medium not in ("letter", "email"):
        return False
    holder, _ = await recipients.appropriate_mp(session, vacated_by)
    return (
        holder is not None
        and holder != vacated_by
        and any(r.get("person_id") == str(holder) for r in comm.recipients)
    )


async def list_tasks(session: AsyncSession, *, case_id: uuid.UUID) -> list[CaseTask]:
    await get_case(session, case_id=case_id)
    return list(await repository.tasks(session, case_id))


async def complete_task(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    task_id: uuid.UUID,
    data: TaskCompletion,
    actor: Principal,
    at: datetime,
) -> CaseTask:
    case = await locked_case(session, case_id, None)
    task = next((t for t in await repository.tasks(session, case.id) if t.id == task_id), None)
    if task is None:
        raise TaskNotFound(f"No task {task_id} on case {case_id}")
    if task.done_at is not None:
        raise TaskAlreadyDone(f"Done at {task.done_at.isoformat()} by {task.done_by}")
    if task.kind is TaskKind.send_copy_to_new_mp:
        raise TaskNeedsCommunication(
            "ASM-024: record the decision sent to the new MP; that completes the task"
        )
    before = TaskRead.model_validate(task).model_dump(mode="json")
    task.done_at, task.done_by, task.done_note = at, actor.sub, data.note
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="case_task", entity_id=task.id, case_id=case.id,
        action="case.task_done", before=before,
        after=TaskRead.model_validate(task).model_dump(mode="json"), reason=data.note,
    )  # fmt: skip
    return task


# --- Returning complainants (T9, T51–T55; G-10 decision in the README).

RESTART_ONLY = frozenset(
    {rules.FURTHER_INFORMATION_REQUIRED, *rules.PREMATURE_CODES, rules.NOT_PROPERLY_MADE}
)
RESTART_OR_NEW_CASE = frozenset({rules.NOT_IN_WRITING, rules.NO_MP_REFERRAL})
NEW_CASE_ONLY = frozenset({rules.WITHDRAWN})


async def restart_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: RestartRequest,
    actor: Principal,
    at: datetime,
    if_match: str | None,
    calendar: WorkingCalendar,
) -> Case:
    """ASM-034/035, INT-019: restart with a new decision, keeping the reference and history."""
    case = await locked_case(session, case_id, if_match)
    code = case.closure_code
    if case.status is not CaseStatus.closed or code not in RESTART_ONLY | RESTART_OR_NEW_CASE:
        raise RestartNotAllowed(
            f"Only a case closed as one of {sorted(RESTART_ONLY | RESTART_OR_NEW_CASE)} restarts; "
            "a 'withdrawn' case gets a new linked case (¶2.225)"
        )
    if not (
        data.progress_since_previous_decision and data.progress_since_previous_decision.strip()
    ):
        raise RestartNeedsProgress(
            "ASM-034: nothing has changed, so the case is not restarted; log the contact instead",
            extensions={"log_contact": f"/v1/cases/{case.id}/communications"},
        )
    reuse = data.reuse_mp_referral
    if reuse is not None:
        referring = any(
            p.role is PartyRole.mp_referring for p in await repository.parties(session, case.id)
        )
        _check_mp_referral_reuse(case, reuse, referring_mp_party=referring)
    if await repository.later_links(session, case.id):
        raise RestartNotAllowed(
            "G-10: this case already returned as a new linked case; work on that one"
        )
    before = _snapshot(case)
    await _move(session, case, CaseStatus.restart_review, at=at, actor=actor)
    case.closure_code = None
    case.closure_reasons = None
    case.closed_at = None
    if reuse is not None:
        # ASM-031: properly made on the earlier MP referral, confirmed by this caseworker.
        case.mp_referral_reuse = {
            "from_closure_code": code,
            "same_organisation": True,
            "same_complaint": True,
            "confirmed_by": actor.sub,
            "at": at.isoformat(),
        }
        case.properly_made_decided_by = actor.sub
        case.properly_made_decided_at = at
    else:
        case.properly_made = None
    case.owner = actor.sub
    await _move(session, case, CaseStatus.intake, at=at, actor=actor, previous_closure_code=code)
    # INT-008: back at intake, the two weeks to pass it on or contact the complainant start again.
    restarted_on = at.astimezone(BUSINESS_TIMEZONE).date()
    session.add(
        Deadline(
            id=uuid.uuid4(), case_id=case.id, kind=DeadlineKind.intake_contact,
            rule="C-01 INT-008: pass on within 2 weeks of the restart, or contact the complainant",
            starts_on=restarted_on, due_date=calendar.add_weeks(restarted_on, 2),
        )
    )  # fmt: skip
    await _audit(
        session, case, actor=actor, action="case.restarted", before=before,
        reason=f"{data.reason} — progress: {data.progress_since_previous_decision}",
    )  # fmt: skip
    return case


def _check_mp_referral_reuse(
    case: Case, reuse: MpReferralReuse, *, referring_mp_party: bool
) -> None:
    """ASM-031 (¶2.59): only a premature, properly made case with an MP referral, and only once
    the caseworker confirms the same organisation and the same complaint."""
    problems = rules.Problems()
    if case.closure_code not in rules.PREMATURE_CODES or case.properly_made is not True:
        problems.add("ASM-031", "closure", "Only a case closed premature after being decided "
                     "properly made returns on its earlier MP referral")  # fmt: skip
    if case.vpa_no_mp_referral or rules.mp_referral_gaps(
        case, referring_mp_party=referring_mp_party
    ):
        problems.add("ASM-031", "mp_referral", "The case has no complete earlier MP referral")
    if not reuse.same_organisation:
        problems.add("ASM-031", "same_organisation", "Confirm it is the same organisation")
    if not reuse.same_complaint:
        problems.add("ASM-031", "same_complaint", "Confirm it is the same complaint")
    if problems:
        raise MpReferralReuseInvalid(
            "The earlier MP referral cannot be relied on", extensions={"missing": problems.items}
        )


async def return_as_new_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ReturnAsNewCase,
    actor: Principal,
    today: date,
    now: datetime,
    reference_prefix: str,
    calendar: WorkingCalendar,
) -> Case:
    """T54/T55: a new case linked to the earlier one, which stays closed (¶2.15, ¶2.58, ¶2.225)."""
    earlier = await locked_case(session, case_id, None)
    if (
        earlier.status is not CaseStatus.closed
        or earlier.closure_code not in NEW_CASE_ONLY | RESTART_OR_NEW_CASE
    ):
        raise RestartNotAllowed(
            "A new linked case is for returns after 'withdrawn', 'Not properly made - not in "
            "writing' or 'No MP referral'; other closures restart"
        )
    if earlier.closure_code is not None and data.link_reason not in (
        link_reason_for(earlier.closure_code),
        LinkReason.other,
    ):
        raise RestartNotAllowed(
            f"A return after '{earlier.closure_code}' is linked as "
            f"'{link_reason_for(earlier.closure_code).value}' (or 'other')"
        )
    if await repository.later_links(session, earlier.id):
        raise RestartNotAllowed(
            "G-10: this case already returned as a new linked case; work on that one"
        )
    created = await create_case(
        session,
        data=CaseCreate(
            case_type=earlier.case_type,
            channel=data.channel,
            received_date=data.received_date,
            jurisdiction=earlier.jurisdiction,
            complaint_summary=earlier.complaint_summary,
            previous_contact_check_id=None,
        ),
        actor=actor,
        today=today,
        now=now,
        reference_prefix=reference_prefix,
        calendar=calendar,
    )
    later = await repository.get_for_update(session, created.id)
    assert later is not None  # inserted just now, in this transaction
    for party in await repository.parties(session, earlier.id):
        session.add(CaseParty(
            id=uuid.uuid4(), case_id=later.id, person_id=party.person_id, role=party.role,
            authority_to_receive_info=party.authority_to_receive_info,
            description=party.description,
        ))  # fmt: skip
    for org in await repository.organisations(session, earlier.id):
        session.add(CaseOrganisation(
            id=uuid.uuid4(), case_id=later.id, organisation_id=org.organisation_id, role=org.role,
            in_jurisdiction=org.in_jurisdiction,
            remit_only_for_victims_code=org.remit_only_for_victims_code,
        ))  # fmt: skip
    later.organisation_ids = list(earlier.organisation_ids)
    later.complaint_process_stage = earlier.complaint_process_stage
    link = CaseLink(
        id=uuid.uuid4(), earlier_case_id=earlier.id, later_case_id=later.id,
        reason=data.link_reason, created_by=actor.sub,
    )  # fmt: skip
    session.add(link)
    await session.flush()
    # The flush UPDATEs organisation_ids, which expires the server-side updated_at; reload it
    # here rather than lazily (and without a greenlet) when the router serialises the case.
    await session.refresh(later)
    await record_audit(
        session, actor=actor, entity_type="case_link", entity_id=link.id, case_id=earlier.id,
        action="case.linked_case_created", after={"later_case_id": str(later.id)},
        reason=data.reason,
    )  # fmt: skip
    return later


def link_reason_for(code: str) -> LinkReason:
    """The usual link reason for a return after ``code``."""
    return {
        rules.WITHDRAWN: LinkReason.contact_after_withdrawn,
        rules.NOT_IN_WRITING: LinkReason.returned_in_writing,
        rules.NO_MP_REFERRAL: LinkReason.returned_with_mp_referral,
    }.get(code, LinkReason.other)


# --- Who gets the decision (ASM-023/024/027) and the checklist request (INT-021/022).


async def decision_recipients(
    session: AsyncSession, *, case_id: uuid.UUID
) -> list[DecisionRecipient]:
    case = await get_case(session, case_id=case_id)
    return await recipients.decision_recipients(
        session, case, await repository.parties(session, case.id)
    )


async def checklist(session: AsyncSession, *, case_id: uuid.UUID) -> ChecklistRead:
    """The ¶1.23 items, what is missing, and how to ask for it (INT-022 follows INT-006)."""
    case = await get_case(session, case_id=case_id)
    parties = await repository.parties(session, case.id)
    represented = any(p.role in REPRESENTATIVE_ROLES for p in parties)
    complainant = next((p.person_id for p in parties if p.role is PartyRole.complainant), None)
    channel = preferred_channel(
        await session.get(Person, complainant) if complainant is not None else None
    )
    return ChecklistRead(
        items=[
            ChecklistItem(
                item=item,
                done=bool(case.checklist.get(item)),
                required=rules.checklist_item_required(item, represented=represented),
            )
            for item in rules.CHECKLIST_ITEMS
        ],
        missing=rules.missing_checklist_items(case.checklist, represented=represented),
        override_reason=case.checklist_override_reason,
        suggested_channel=channel,
        complainant_person_id=complainant,
    )

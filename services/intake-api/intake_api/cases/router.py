from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from intake_api.cases import repository, service, support
from intake_api.cases.dependencies import (
    Calendar,
    CaseFromPath,
    CaseIdPath,
    CaseReader,
    IntakeCaseworker,
    Manager,
    OwnerQuery,
)
from intake_api.cases.errors import InvalidDateRange
from intake_api.cases.models import CaseType, Channel, Jurisdiction, Priority
from intake_api.cases.schemas import (
    BeginIntake,
    CaseCreate,
    CaseLinkRead,
    CaseOrganisationRead,
    CaseRead,
    CaseReferral,
    CaseSummaryPage,
    CaseUpdate,
    ChecklistRead,
    ClosureRequest,
    CommunicationCreate,
    CommunicationRead,
    ContactAttemptCreate,
    ContactAttemptRead,
    DecisionRecipient,
    ExtensionCreate,
    InformationReceived,
    InformationRequest,
    JointWorkingDecision,
    JointWorkingReferral,
    OrganisationAdd,
    PartyAdd,
    PartyRead,
    PreviousContactCheckCreate,
    PreviousContactCheckRead,
    PriorityApproval,
    PriorityRequest,
    ProperlyMadeDecision,
    RestartRequest,
    ReturnAsNewCase,
    SignedFormReturned,
    SupportCreate,
    SupportRead,
    TaskCompletion,
    TaskRead,
    TimelineEntry,
    TriageSubmission,
)
from intake_api.cases.state import CaseStatus
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader, check_if_match, make_etag
from shared.db import DbSession, DriverConnection
from shared.http_api.problems import problem_responses
from shared.http_api.responses import model_response
from shared.idempotency import IdempotencyDep
from shared.pagination import CursorQuery, LimitQuery
from shared.schemas import IsoDate

router = APIRouter(prefix="/v1/cases", tags=["cases"])
checks_router = APIRouter(prefix="/v1/previous-contact-checks", tags=["cases"])

READ = problem_responses(401, 403, 404, 422, 429)
LIST = problem_responses(400, 401, 403, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 429)


def _case_response(request: Request, case: Any, status_code: int = 200) -> Response:
    body = CaseRead.model_validate(case)
    headers = {"ETag": make_etag(body.version)}
    if status_code == 201:
        headers["Location"] = str(request.url_for("get_case", case_id=str(body.id)).path)
    return model_response(body, status_code=status_code, headers=headers)


def _json(model: BaseModel, status_code: int = 200) -> Response:
    return model_response(model, status_code=status_code)


@checks_router.post(
    "",
    status_code=201,
    response_model=PreviousContactCheckRead,
    responses=problem_responses(401, 403, 409, 413, 422, 429),
)
async def run_previous_contact_check(
    body: PreviousContactCheckCreate,
    principal: IntakeCaseworker,
    session: DbSession,
    idem: IdempotencyDep,
) -> Response:
    """INT-001: find the person's earlier cases and earlier cases about the organisations."""
    check = await service.run_previous_contact_check(session, data=body, actor=principal)
    return await idem.save(_json(PreviousContactCheckRead.model_validate(check), 201))


@router.post(
    "",
    status_code=201,
    response_model=CaseRead,
    responses=problem_responses(401, 403, 404, 409, 413, 422, 429),
)
async def create_case(
    request: Request,
    body: CaseCreate,
    principal: IntakeCaseworker,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    calendar: Calendar,
) -> Response:
    """Record a newly received request (enquiry or complaint)."""
    case = await service.create_case(
        session,
        data=body,
        actor=principal,
        today=clock.today(),
        now=clock.now(),
        reference_prefix=request.app.state.settings.case_reference_prefix,
        calendar=calendar,
    )
    return await idem.save(_case_response(request, case, 201))


@router.get("", response_model=CaseSummaryPage, responses=LIST)
async def list_cases(
    principal: CaseReader,
    session: DbSession,
    status: Annotated[
        list[CaseStatus] | None, Query(max_length=10, description="Any of these statuses")
    ] = None,
    organisation_id: Annotated[
        uuid.UUID | None, Query(description="Cases about this organisation (role 'original')")
    ] = None,
    owner: OwnerQuery = None,
    case_type: CaseType | None = None,
    jurisdiction: Jurisdiction | None = None,
    channel: Channel | None = None,
    priority: Priority | None = None,
    received_from: Annotated[IsoDate | None, Query(description="Received on or after")] = None,
    received_to: Annotated[IsoDate | None, Query(description="Received on or before")] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """Cases, newest received first, filtered; keyset-paginated (pass `next_cursor` back)."""
    if received_from is not None and received_to is not None and received_from > received_to:
        raise InvalidDateRange("received_from is after received_to")
    filters = repository.CaseListFilters(
        statuses=tuple(dict.fromkeys(status or ())),
        organisation_id=organisation_id,
        owner=owner,
        case_type=case_type,
        jurisdiction=jurisdiction,
        channel=channel,
        priority=priority,
        received_from=received_from,
        received_to=received_to,
    )
    page = await service.list_cases(session, filters=filters, limit=limit, cursor=cursor)
    return _json(page)


@router.get("/{case_id}", name="get_case", response_model=CaseRead, responses=READ)
async def get_case(
    case_id: CaseIdPath, principal: CaseReader, driver: DriverConnection
) -> Response:
    """Read one case; the ETag header carries its version."""
    case = await service.read_case(driver, case_id=case_id)
    return model_response(case, headers={"ETag": make_etag(case.version)})


@router.patch("/{case_id}", response_model=CaseRead, responses=ACT | problem_responses(428))
async def update_case(
    request: Request,
    case_id: uuid.UUID,
    body: CaseUpdate,
    principal: IntakeCaseworker,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """Record facts gathered at intake (If-Match required)."""
    if if_match is None:
        check_if_match(None, "", required=True)  # 428: PATCH always needs If-Match
    case = await service.update_case(
        session, case_id=case_id, data=body, actor=principal, if_match=if_match
    )
    return _case_response(request, case)


@router.post("/{case_id}/begin-intake", response_model=CaseRead, responses=ACT)
async def begin_intake(
    request: Request,
    case_id: uuid.UUID,
    body: BeginIntake,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T2: take a received case into intake after the previous-contact check (INT-001/002)."""
    case = await service.begin_intake(
        session, case_id=case_id, check_id=body.previous_contact_check_id, actor=principal,
        at=clock.now(), if_match=if_match,
    )  # fmt: skip
    return _case_response(request, case)


@router.get("/{case_id}/parties", response_model=list[PartyRead], responses=READ)
async def list_parties(
    principal: CaseReader, case: CaseFromPath, session: DbSession
) -> list[PartyRead]:
    """The people on the case and their roles."""
    return [PartyRead.model_validate(p) for p in await repository.parties(session, case.id)]


@router.post("/{case_id}/parties", status_code=201, response_model=PartyRead, responses=ACT)
async def add_party(
    case_id: uuid.UUID, body: PartyAdd, principal: IntakeCaseworker, session: DbSession
) -> Response:
    """Add a person to the case in a role (INT-010)."""
    party = await service.add_party(session, case_id=case_id, data=body, actor=principal)
    return _json(PartyRead.model_validate(party), 201)


@router.get("/{case_id}/organisations", response_model=list[CaseOrganisationRead], responses=READ)
async def list_organisations(
    principal: CaseReader, case: CaseFromPath, session: DbSession
) -> list[CaseOrganisationRead]:
    """The organisations complained about and otherwise involved."""
    rows = await repository.organisations(session, case.id)
    return [CaseOrganisationRead.model_validate(o) for o in rows]


@router.post(
    "/{case_id}/organisations", status_code=201, response_model=CaseOrganisationRead, responses=ACT
)
async def add_organisation(
    case_id: uuid.UUID, body: OrganisationAdd, principal: IntakeCaseworker, session: DbSession
) -> Response:
    """Add an organisation from the register (original, second tier, commissioner, contractor)."""
    link = await service.add_organisation(session, case_id=case_id, data=body, actor=principal)
    return _json(CaseOrganisationRead.model_validate(link), 201)


@router.get("/{case_id}/contact-attempts", response_model=list[ContactAttemptRead], responses=READ)
async def list_contact_attempts(
    principal: CaseReader, case: CaseFromPath, session: DbSession
) -> list[ContactAttemptRead]:
    """The contact log."""
    return [
        ContactAttemptRead.model_validate(a) for a in await repository.attempts(session, case.id)
    ]


@router.post(
    "/{case_id}/contact-attempts", status_code=201, response_model=ContactAttemptRead, responses=ACT
)
async def record_contact_attempt(
    case_id: uuid.UUID, body: ContactAttemptCreate, principal: IntakeCaseworker, session: DbSession
) -> Response:
    """Log an attempt to reach a party, successful or not (INT-005, INT-006, INT-014)."""
    attempt = await service.record_contact_attempt(
        session, case_id=case_id, data=body, actor=principal
    )
    return _json(ContactAttemptRead.model_validate(attempt), 201)


@router.get("/{case_id}/communications", response_model=list[CommunicationRead], responses=READ)
async def list_communications(
    principal: CaseReader, case: CaseFromPath, session: DbSession
) -> list[CommunicationRead]:
    """Every letter, email and call on the case, with recipients."""
    rows = await repository.communications(session, case.id)
    return [CommunicationRead.model_validate(c) for c in rows]


@router.post(
    "/{case_id}/communications", status_code=201, response_model=CommunicationRead, responses=ACT
)
async def record_communication(
    case_id: uuid.UUID,
    body: CommunicationCreate,
    principal: IntakeCaseworker,
    session: DbSession,
    calendar: Calendar,
) -> Response:
    """Log a letter, email or call with its recipients (acknowledgement and call-back clocks)."""
    comm = await service.record_communication(
        session, case_id=case_id, data=body, actor=principal, calendar=calendar
    )
    return _json(CommunicationRead.model_validate(comm), 201)


@router.post("/{case_id}/joint-working-referral", response_model=CaseRead, responses=ACT)
async def refer_to_joint_working(
    request: Request,
    case_id: uuid.UUID,
    body: JointWorkingReferral,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T11: refer a joint working case (LGSCO, shared, consent recorded) to the JW team."""
    case = await service.refer_to_joint_working(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return _case_response(request, case)


@router.post("/{case_id}/joint-working-decision", response_model=CaseRead, responses=ACT)
async def decide_joint_working(
    request: Request,
    case_id: uuid.UUID,
    body: JointWorkingDecision,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T12: record the joint working team's decision."""
    case = await service.decide_joint_working(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return _case_response(request, case)


@router.post("/{case_id}/information-request", response_model=CaseRead, responses=ACT)
async def request_information(
    request: Request,
    case_id: uuid.UUID,
    body: InformationRequest,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T4: wait for information asked for by email, with a deadline (INT-016)."""
    case = await service.request_information(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return _case_response(request, case)


@router.post("/{case_id}/information-received", response_model=CaseRead, responses=ACT)
async def information_received(
    request: Request,
    case_id: uuid.UUID,
    body: InformationReceived,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T5: the information arrived; the case is back in intake."""
    case = await service.information_received(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return _case_response(request, case)


@router.post("/{case_id}/information-deadline/extensions", status_code=201, responses=ACT)
async def extend_information_deadline(
    case_id: uuid.UUID, body: ExtensionCreate, principal: IntakeCaseworker, session: DbSession
) -> dict[str, Any]:
    """Agree an extension; the original deadline is kept (INT-016)."""
    ext = await service.extend_information_deadline(
        session, case_id=case_id, data=body, actor=principal
    )
    return {"id": str(ext.id), "new_due_date": ext.new_due_date.isoformat()}


@router.post("/{case_id}/priority-request", response_model=CaseRead, responses=ACT)
async def request_priority(
    request: Request,
    case_id: uuid.UUID,
    body: PriorityRequest,
    principal: IntakeCaseworker,
    session: DbSession,
) -> Response:
    """INT-025: ask for special handling in exceptional circumstances."""
    case = await service.request_priority(session, case_id=case_id, data=body, actor=principal)
    return _case_response(request, case)


@router.post("/{case_id}/priority-decision", response_model=CaseRead, responses=ACT)
async def decide_priority(
    request: Request,
    case_id: uuid.UUID,
    body: PriorityApproval,
    principal: Manager,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """INT-025: a manager approves or refuses special handling."""
    case = await service.decide_priority(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return _case_response(request, case)


@router.post("/{case_id}/properly-made", response_model=CaseRead, responses=ACT)
async def decide_properly_made(
    request: Request,
    case_id: uuid.UUID,
    body: ProperlyMadeDecision,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """ASM-014: record whether the complaint is properly made (refused if the rules disagree)."""
    case = await service.decide_properly_made(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), today=clock.today()
    )
    return _case_response(request, case)


@router.post("/{case_id}/triage", response_model=CaseRead, responses=ACT)
async def triage_case(
    request: Request,
    case_id: uuid.UUID,
    body: TriageSubmission,
    principal: IntakeCaseworker,
    session: DbSession,
    if_match: IfMatchHeader = None,
) -> Response:
    """INT-023/024: answer the categorisation questions; the category is derived from them
    (too little information: 'general', ¶1.37) and stored with the question-set version."""
    case = await service.triage_case(
        session, case_id=case_id, data=body, actor=principal, if_match=if_match
    )
    return _case_response(request, case)


@router.post("/{case_id}/refer", response_model=CaseRead, responses=ACT)
async def refer_case(
    request: Request,
    case_id: uuid.UUID,
    body: CaseReferral,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Pass the case to assessment; 422 lists every unmet requirement."""
    case = await service.refer_case(
        session, case_id=case_id, referral=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return _case_response(request, case)


@router.post("/{case_id}/close", response_model=CaseRead, responses=ACT)
async def close_case(
    request: Request,
    case_id: uuid.UUID,
    body: ClosureRequest,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Close at intake with a closure code; 422 lists every unmet requirement."""
    case = await service.close_case(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(),
        today=clock.today(), if_match=if_match,
    )  # fmt: skip
    return _case_response(request, case)


@router.post("/{case_id}/restart", response_model=CaseRead, responses=ACT)
async def restart_case(
    request: Request,
    case_id: uuid.UUID,
    body: RestartRequest,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    calendar: Calendar,
    if_match: IfMatchHeader = None,
) -> Response:
    """Restart a closed case for a new decision (INT-019, ASM-034/035)."""
    case = await service.restart_case(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match,
        calendar=calendar,
    )  # fmt: skip
    return _case_response(request, case)


@router.post(
    "/{case_id}/return-as-new-case", status_code=201, response_model=CaseRead, responses=ACT
)
async def return_as_new_case(
    request: Request,
    case_id: uuid.UUID,
    body: ReturnAsNewCase,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
    calendar: Calendar,
) -> Response:
    """A returning complainant gets a new case linked to the closed one (¶2.15, ¶2.58, ¶2.225)."""
    case = await service.return_as_new_case(
        session, case_id=case_id, data=body, actor=principal, today=clock.today(),
        now=clock.now(), reference_prefix=request.app.state.settings.case_reference_prefix,
        calendar=calendar,
    )  # fmt: skip
    return _case_response(request, case, 201)


@router.get("/{case_id}/links", response_model=list[CaseLinkRead], responses=READ)
async def list_links(
    principal: CaseReader, case: CaseFromPath, session: DbSession
) -> list[CaseLinkRead]:
    """Earlier and later cases linked to this one."""
    return [CaseLinkRead.model_validate(x) for x in await repository.links(session, case.id)]


@router.get("/{case_id}/tasks", response_model=list[TaskRead], responses=READ)
async def list_tasks(
    case_id: uuid.UUID, principal: CaseReader, session: DbSession
) -> list[TaskRead]:
    """Follow-up work rules left on the case (ASM-039), done or not."""
    return [TaskRead.model_validate(t) for t in await service.list_tasks(session, case_id=case_id)]


@router.post("/{case_id}/tasks/{task_id}/complete", response_model=TaskRead, responses=ACT)
async def complete_task(
    case_id: uuid.UUID,
    task_id: uuid.UUID,
    body: TaskCompletion,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Mark a task done by hand, saying what was done (a logged request does it by itself)."""
    task = await service.complete_task(
        session, case_id=case_id, task_id=task_id, data=body, actor=principal, at=clock.now()
    )
    return _json(TaskRead.model_validate(task))


@router.get("/{case_id}/support", response_model=list[SupportRead], responses=READ)
async def list_support(
    case_id: uuid.UUID, principal: CaseReader, session: DbSession
) -> list[SupportRead]:
    """Extra help given to the complainant (INT-031), oldest first."""
    rows = await support.list_support(session, case_id)
    return [SupportRead.model_validate(x) for x in rows]


@router.post("/{case_id}/support", status_code=201, response_model=SupportRead, responses=ACT)
async def provide_support(
    case_id: uuid.UUID,
    body: SupportCreate,
    principal: IntakeCaseworker,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Record extra help (INT-031) with the communication that carried it. A complaint form
    completed for the complainant keeps the case not properly made until it comes back signed
    (ASM-010)."""
    row = await support.provide_support(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return _json(SupportRead.model_validate(row), 201)


@router.post(
    "/{case_id}/support/{support_id}/signed-form-returned",
    response_model=SupportRead,
    responses=ACT,
)
async def signed_form_returned(
    case_id: uuid.UUID,
    support_id: uuid.UUID,
    body: SignedFormReturned,
    principal: IntakeCaseworker,
    session: DbSession,
) -> Response:
    """The complainant signed and returned the completed form: the complaint is in writing and
    the ASM-010 block lifts."""
    row = await support.signed_form_returned(
        session, case_id=case_id, support_id=support_id, data=body, actor=principal
    )
    return _json(SupportRead.model_validate(row))


@router.get(
    "/{case_id}/decision-recipients", response_model=list[DecisionRecipient], responses=READ
)
async def decision_recipients(
    case_id: uuid.UUID, principal: CaseReader, session: DbSession
) -> list[DecisionRecipient]:
    """Who the decision or report goes to in writing: the complainant, representatives, and the
    MP who referred or helped with the complaint, even after the complainant moves (ASM-027),
    or that MP's successor (ASM-023); a vacant seat is shown as such (ASM-024)."""
    return await service.decision_recipients(session, case_id=case_id)


@router.get("/{case_id}/checklist", response_model=ChecklistRead, responses=READ)
async def checklist(case_id: uuid.UUID, principal: CaseReader, session: DbSession) -> ChecklistRead:
    """The ¶1.23 checklist (INT-021): what is missing, and the channel to ask for it by, the
    complainant's preferred method or else telephone (INT-022, INT-006)."""
    return await service.checklist(session, case_id=case_id)


@router.get("/{case_id}/timeline", response_model=list[TimelineEntry], responses=READ)
async def timeline(
    principal: CaseReader, case: CaseFromPath, session: DbSession
) -> list[TimelineEntry]:
    """The case's history: who did what, when and why."""
    return [
        TimelineEntry(
            at=e.occurred_at,
            actor=e.actor,
            action=e.action,
            reason=e.reason,
            before=e.before,
            after=e.after,
        )
        for e in await repository.timeline(session, case.id)
    ]

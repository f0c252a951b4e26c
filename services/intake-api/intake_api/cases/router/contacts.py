"""Contacts with the parties: the previous-contact check, contact attempts, communications and
the extra help given with them (INT-001, INT-005/006, INT-031)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from intake_api.cases import contacts, support
from intake_api.cases.dependencies import (
    ACT,
    READ,
    Calendar,
    CaseActor,
    CaseIdPath,
    CaseReader,
    IntakeCaseworker,
)
from intake_api.cases.schemas_contacts import (
    CommunicationCreate,
    CommunicationRead,
    ContactAttemptCreate,
    ContactAttemptRead,
    PreviousContactCheckCreate,
    PreviousContactCheckRead,
    SignedFormReturned,
    SupportCreate,
    SupportRead,
)
from shared.clock import ClockDep
from shared.db import DbSession
from shared.http_api.problems import problem_responses
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases", tags=["cases"])
checks_router = APIRouter(prefix="/v1/previous-contact-checks", tags=["cases"])


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
    check = await contacts.run_previous_contact_check(session, data=body, actor=principal)
    return await idem.save(
        resource_response(PreviousContactCheckRead.model_validate(check), status_code=201)
    )


@router.get("/{case_id}/contact-attempts", response_model=list[ContactAttemptRead], responses=READ)
async def list_contact_attempts(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """The contact log."""
    return resource_response(await contacts.list_contact_attempts(session, case_id=case_id))


@router.post(
    "/{case_id}/contact-attempts", status_code=201, response_model=ContactAttemptRead, responses=ACT
)
async def record_contact_attempt(
    case_id: uuid.UUID, body: ContactAttemptCreate, principal: CaseActor, session: DbSession
) -> Response:
    """Log an attempt to reach a party, successful or not (INT-005, INT-006, INT-014)."""
    attempt = await contacts.record_contact_attempt(
        session, case_id=case_id, data=body, actor=principal
    )
    return resource_response(ContactAttemptRead.model_validate(attempt), status_code=201)


@router.get("/{case_id}/communications", response_model=list[CommunicationRead], responses=READ)
async def list_communications(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession
) -> Response:
    """Every letter, email and call on the case, with recipients."""
    return resource_response(await contacts.list_communications(session, case_id=case_id))


@router.post(
    "/{case_id}/communications", status_code=201, response_model=CommunicationRead, responses=ACT
)
async def record_communication(
    case_id: uuid.UUID,
    body: CommunicationCreate,
    principal: CaseActor,
    session: DbSession,
    calendar: Calendar,
) -> Response:
    """Log a letter, email or call with its recipients (acknowledgement and call-back clocks)."""
    comm = await contacts.record_communication(
        session, case_id=case_id, data=body, actor=principal, calendar=calendar
    )
    return resource_response(CommunicationRead.model_validate(comm), status_code=201)


@router.get("/{case_id}/support", response_model=list[SupportRead], responses=READ)
async def list_support(case_id: uuid.UUID, principal: CaseReader, session: DbSession) -> Response:
    """Extra help given to the complainant (INT-031), oldest first."""
    return resource_response(await support.list_support(session, case_id=case_id))


@router.post("/{case_id}/support", status_code=201, response_model=SupportRead, responses=ACT)
async def provide_support(
    case_id: uuid.UUID,
    body: SupportCreate,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Record extra help (INT-031) with the communication that carried it. A complaint form
    completed for the complainant keeps the case not properly made until it comes back signed
    (ASM-010)."""
    row = await support.provide_support(
        session, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return resource_response(SupportRead.model_validate(row), status_code=201)


@router.post(
    "/{case_id}/support/{support_id}/signed-form-returned",
    response_model=SupportRead,
    responses=ACT,
)
async def signed_form_returned(
    case_id: uuid.UUID,
    support_id: uuid.UUID,
    body: SignedFormReturned,
    principal: CaseActor,
    session: DbSession,
) -> Response:
    """The complainant signed and returned the completed form: the complaint is in writing and
    the ASM-010 block lifts."""
    row = await support.signed_form_returned(
        session, case_id=case_id, support_id=support_id, data=body, actor=principal
    )
    return resource_response(SupportRead.model_validate(row))

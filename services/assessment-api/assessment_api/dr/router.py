"""``/v1/cases/{case_id}/dr``: Dispute Resolution (mediation) of a case (¶2.115–2.131)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.dependencies import IntakeClient
from assessment_api.dr import service
from assessment_api.dr.dependencies import (
    ACT,
    CONFER,
    PROPOSE,
    READ,
    CaseActor,
    CaseIdPath,
    CaseReader,
    RiskClient,
)
from assessment_api.dr.schemas import (
    ConferenceCreate,
    DrConsentReturn,
    DrProposalCreate,
    DrRead,
    DrWithdrawal,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases/{case_id}/dr", tags=["dispute resolution"])


async def _answer(session: DbSession, case_id: CaseIdPath, status_code: int = 200) -> Response:
    read, version = await service.read_dr(session, case_id)
    return resource_response(read, version=version, status_code=status_code)


@router.get("", response_model=DrRead, responses=READ)
async def get_dr(case_id: CaseIdPath, principal: CaseReader, session: DbSession) -> Response:
    """The case's (latest) DR process: consents, conference, letters; the ETag is its version.
    ``review_eligible`` is false for a DR resolution agreement (ASM-061)."""
    return await _answer(session, case_id)


@router.post("", status_code=201, response_model=DrRead, responses=PROPOSE)
async def propose(
    case_id: CaseIdPath,
    body: DrProposalCreate,
    principal: CaseActor,
    session: DbSession,
    intake: IntakeClient,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    """T26 (T15 for a case intake allocated to DR): both parties willing, the consent forms go to
    the complainant and the organisation and the case waits at DR consent pending (ASM-062).
    422 `dr-party-unwilling` if either is not willing (¶2.121): the case stays as it is. The
    complainant is intake's (409 `dr-no-complainant` when it holds none, 503
    `intake-unavailable` when it cannot say)."""
    await service.propose(
        session, intake, case_id=case_id, data=body, actor=principal, at=clock.now()
    )
    return await idem.save(await _answer(session, case_id, 201))


@router.post("/consents", response_model=DrRead, responses=ACT)
async def return_consent(
    case_id: CaseIdPath,
    body: DrConsentReturn,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """¶2.122: a party's consent form came back; 409 `dr-consent-already-returned` the second
    time."""
    await service.return_consent(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await idem.save(await _answer(session, case_id))


@router.post("/transfer", response_model=DrRead, responses=ACT)
async def transfer(
    case_id: CaseIdPath,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T27 (ASM-062): the case transfers to DR and its caseworker, only when both consent forms
    are back: 409 `dr-consent-outstanding` naming the parties otherwise."""
    await service.transfer(
        session, case_id=case_id, actor=principal, at=clock.now(), if_match=if_match
    )
    return await _answer(session, case_id)


@router.post("/withdrawal", response_model=DrRead, responses=ACT)
async def withdraw(
    case_id: CaseIdPath,
    body: DrWithdrawal,
    principal: CaseActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """T28 (¶2.121–2.122): a party unwilling or no consent: the case goes back to where it was
    (a case intake allocated to DR: the allocation queue)."""
    await service.withdraw(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), if_match=if_match
    )
    return await _answer(session, case_id)


@router.post("/conference", response_model=DrRead, responses=CONFER)
async def confer(
    case_id: CaseIdPath,
    body: ConferenceCreate,
    principal: CaseActor,
    session: DbSession,
    risk: RiskClient,
    intake: IntakeClient,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """ASM-063: the resolution conference. `agreed` (both parties) closes the case as a DR
    resolution agreement (T29, ASM-064): Resolution Agreement letters to both parties, no
    compliance, no review; it is a decision not to investigate, so it needs a `decline` risk
    assessment at compliance-api (409 `risk-assessment-required`, 503 when it cannot say), and
    a copy goes to the MPs and authorised representatives intake holds (ASM-173, ASM-174; 409
    `decision-recipients-incomplete` while there is no complainant or a separate aggrieved's
    copy is undecided; 503 when intake-api cannot say). `partly_agreed` records the mediated
    components and `not_agreed` nothing; both leave the
    case with the DR caseworker at further consideration (T30, ASM-065)."""
    await service.confer(
        session, risk, intake, case_id=case_id, data=body, actor=principal, at=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return await _answer(session, case_id)

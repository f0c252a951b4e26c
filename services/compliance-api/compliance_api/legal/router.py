"""``/v1/legal``: legal-action correspondence (XC-RSK-004, CMP-025, CMP-126): the Legal Team
referrals and their work queues, and the Legal risk prompts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from compliance_api.legal import service
from compliance_api.legal.dependencies import (
    ACT,
    LIST,
    READ,
    CaseIdPath,
    LegalActor,
    LegalReader,
    PromptIdPath,
    ReferralIdPath,
)
from compliance_api.legal.schemas import (
    LegalReferralPage,
    LegalReferralRead,
    QueueKind,
    ReferralDismissed,
    ReferralMade,
    RiskPromptAddressed,
    RiskPromptRead,
)
from shared.clock import ClockDep
from shared.concurrency import IfMatchHeader
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.pagination import CursorQuery, LimitQuery

router = APIRouter(prefix="/v1/legal", tags=["legal"])


@router.get("/cases/{case_id}/referrals", response_model=LegalReferralPage, responses=LIST)
async def list_case_referrals(
    case_id: CaseIdPath,
    principal: LegalReader,
    session: DbSession,
    clock: ClockDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """The case's Legal Team referrals, newest received first (XC-RSK-004)."""
    page = await service.list_case_referrals(
        session, case_id=case_id, now=clock.now(), limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.get("/referrals/{referral_id}", response_model=LegalReferralRead, responses=READ)
async def get_legal_referral(
    referral_id: ReferralIdPath, principal: LegalReader, session: DbSession, clock: ClockDep
) -> Response:
    """One referral: the terms found and where, its due time (24 hours after receipt, C-23)."""
    referral = await service.get_referral(session, referral_id, now=clock.now())
    return resource_response(referral, version=referral.version)


@router.post("/referrals/{referral_id}/referred", response_model=LegalReferralRead, responses=ACT)
async def record_referral(
    referral_id: ReferralIdPath,
    body: ReferralMade,
    principal: LegalActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """XC-RSK-004, CMP-025: the correspondence was sent to the Legal Team with the case's
    details, by the caller, at ``referred_at``; late if more than 24 hours after receipt."""
    referral = await service.record_referral(
        session, referral_id=referral_id, data=body, actor=principal, now=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return resource_response(referral, version=referral.version)


@router.post("/referrals/{referral_id}/dismissed", response_model=LegalReferralRead, responses=ACT)
async def dismiss_referral(
    referral_id: ReferralIdPath,
    body: ReferralDismissed,
    principal: LegalActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The correspondence was read and does not suggest legal action: close the referral task
    with the reason (the scan prefers recall; XC-RSK-004)."""
    referral = await service.dismiss_referral(
        session, referral_id=referral_id, data=body, actor=principal, now=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return resource_response(referral, version=referral.version)


@router.get("/work-queues/open-referrals", response_model=LegalReferralPage, responses=LIST)
async def open_referrals(
    principal: LegalReader,
    session: DbSession,
    clock: ClockDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    """Every open referral, the soonest due first (XC-RSK-004, C-23)."""
    page = await service.referral_queue(
        session, now=clock.now(), open_only=True, kind=None, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.get("/work-queues/late-referrals", response_model=LegalReferralPage, responses=LIST)
async def late_referrals(
    principal: LegalReader,
    session: DbSession,
    clock: ClockDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    kind: Annotated[
        QueueKind | None,
        Query(description="overdue: open past the 24 hours; late: referred after them"),
    ] = None,
) -> Response:
    """XC-RSK-004: referrals made more than 24 hours after receipt, and open ones past their due
    time, the earliest due first."""
    page = await service.referral_queue(
        session, now=clock.now(), open_only=False, kind=kind, limit=limit, cursor=cursor
    )
    return resource_response(page)


@router.get("/cases/{case_id}/risk-prompts", response_model=list[RiskPromptRead], responses=READ)
async def list_risk_prompts(
    case_id: CaseIdPath, principal: LegalReader, session: DbSession
) -> Response:
    """The case's risk prompts, oldest first (CMP-126: add or review a Legal risk)."""
    return resource_response(await service.list_prompts(session, case_id=case_id))


@router.post("/risk-prompts/{prompt_id}/addressed", response_model=RiskPromptRead, responses=ACT)
async def address_risk_prompt(
    prompt_id: PromptIdPath,
    body: RiskPromptAddressed,
    principal: LegalActor,
    session: DbSession,
    clock: ClockDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """CMP-126: the Legal risk was added or reviewed (name the assessment recorded since the
    prompt) or needs no entry (say why)."""
    prompt = await service.address_prompt(
        session, prompt_id=prompt_id, data=body, actor=principal, now=clock.now(),
        if_match=if_match,
    )  # fmt: skip
    return resource_response(RiskPromptRead.model_validate(prompt), version=prompt.version)

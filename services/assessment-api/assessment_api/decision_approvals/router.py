"""``/v1/cases/{case_id}/decision-approvals``: a decline, a proposal or a resolution approved
under the Delegation Scheme before it is made (ASM-172, XC-ROL-002; ¶3.108)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from assessment_api.decision_approvals import service
from assessment_api.decision_approvals.dependencies import (
    CREATE,
    DECIDE,
    READ,
    ApprovalIdPath,
    Approving,
    CaseActor,
    CaseIdPath,
    CaseReader,
    Table,
)
from assessment_api.decision_approvals.schemas import (
    DecisionApprovalCreate,
    DecisionApprovalDecide,
    DecisionApprovalRead,
)
from shared.clock import ClockDep
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.idempotency import IdempotencyDep

router = APIRouter(prefix="/v1/cases/{case_id}/decision-approvals", tags=["decision approvals"])


def _location(case_id: object, approval_id: object) -> str:
    return f"/v1/cases/{case_id}/decision-approvals/{approval_id}"


@router.get(
    "",
    summary="The case's decision approvals",
    response_model=list[DecisionApprovalRead],
    responses=READ,
)
async def list_approvals(
    case_id: CaseIdPath, principal: CaseReader, session: DbSession, table: Table
) -> Response:
    """Every approval asked for on the case, oldest first, with what it covers and its level."""
    approvals = await service.list_for_case(session, case_id)
    return resource_response([service.read(a, table) for a in approvals])


@router.post(
    "",
    status_code=201,
    summary="Ask for a decline, a proposal or a resolution to be approved",
    response_model=DecisionApprovalRead,
    responses=CREATE,
)
async def request_approval(
    case_id: CaseIdPath,
    body: DecisionApprovalCreate,
    principal: CaseActor,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    table: Table,
) -> Response:
    """ASM-172: the approval covers exactly this decision (a decline's closure code, discretion
    and other reason; a proposal; or closing as a resolution, T33), decided at the level the
    Delegation Scheme's table names for the requester; an earlier undecided request of the same
    kind is superseded. At further consideration, or while a resolution request awaits the
    organisation's answer (409 `decision-approval-not-at-further-consideration`)."""
    approval = await service.request(
        session, case_id=case_id, data=body, actor=principal, at=clock.now(), table=table
    )
    return await idem.save(
        resource_response(
            service.read(approval, table),
            status_code=201,
            location=_location(case_id, approval.id),
        )
    )


@router.get(
    "/{approval_id}",
    summary="One decision approval",
    response_model=DecisionApprovalRead,
    responses=READ,
)
async def read_approval(
    case_id: CaseIdPath,
    approval_id: ApprovalIdPath,
    principal: CaseReader,
    session: DbSession,
    table: Table,
) -> Response:
    """What it covers, who asked and why, its level, and who decided, when and why."""
    approval = await service.get(session, case_id=case_id, approval_id=approval_id)
    return resource_response(service.read(approval, table))


@router.post(
    "/{approval_id}/decision",
    summary="Approve or refuse a decline, a proposal or a resolution",
    response_model=DecisionApprovalRead,
    responses=DECIDE,
)
async def decide_approval(
    case_id: CaseIdPath,
    approval_id: ApprovalIdPath,
    body: DecisionApprovalDecide,
    principal: Approving,
    session: DbSession,
    idem: IdempotencyDep,
    clock: ClockDep,
    table: Table,
) -> Response:
    """With reasons; once (409 `approval-already-decided`), by someone holding a role of the
    level (403 `approval-level-not-held`) who did not ask (403 `approver-is-requester`)."""
    approval = await service.decide(
        session, case_id=case_id, approval_id=approval_id, data=body, actor=principal,
        at=clock.now(), table=table,
    )  # fmt: skip
    return await idem.save(resource_response(service.read(approval, table)))

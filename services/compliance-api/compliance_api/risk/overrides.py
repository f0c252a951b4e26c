"""CMP-112: a manager agrees to raise or lower the generated rating (¶10.30–10.31).

The caseworker asks, with an explanation; a manager other than the requester decides, under
the delegation scheme (``shared.casework.approvals``). Approved, the override sets the case's
rating on the latest assessment, never below an active uplift (CMP-102), audited, and announced
as ``compliance.risk.rating_changed``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk import escalations, repository, rules, service
from compliance_api.risk.errors import (
    AssessmentNotFound,
    AssessmentSuperseded,
    OverrideRequestNotFound,
)
from compliance_api.risk.models import RiskApproval, RiskAssessment
from compliance_api.risk.rules import OverrideDirection, Rating
from compliance_api.risk.schemas import (
    OverrideDecision,
    OverrideRequestCreate,
    OverrideRequestRead,
    RiskAssessmentRead,
)
from shared.auth import MANAGERS, Principal
from shared.casework.approvals import (
    ApprovalDecision,
    Delegation,
    decide_approval,
    request_approval,
)
from shared.changes import Audited, load_for_update

RATING_OVERRIDE = Delegation(
    kind="risk_rating_override",
    level="manager",
    roles=MANAGERS,
    rule="CMP-112 ¶10.31: the manager agrees the rating is raised or lowered",
)


def request_read(approval: RiskApproval) -> OverrideRequestRead:
    assert approval.subject_id is not None  # an override is always of one assessment
    return OverrideRequestRead(
        id=approval.id,
        case_id=approval.case_id,
        assessment_id=approval.subject_id,
        rating=Rating(approval.evidence["rating"]),
        direction=OverrideDirection(approval.evidence["direction"]),
        explanation=approval.request_reason,
        requested_by=approval.requested_by,
        requested_at=approval.requested_at,
        decision=approval.decision,
        decided_by=approval.decided_by,
        decided_at=approval.decided_at,
        decision_reason=approval.decision_reason,
    )


APPROVAL = Audited[RiskApproval](
    entity_type="risk_approval",
    snapshot=lambda a: request_read(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)


async def _latest_of_case(session: AsyncSession, assessment: RiskAssessment) -> None:
    if await repository.latest_number(session, assessment.case_id) != assessment.number:
        raise AssessmentSuperseded(
            "Only the case's latest assessment gives its rating; override that one",
            extensions={"number": assessment.number},
        )


async def request_override(
    session: AsyncSession,
    *,
    assessment_id: uuid.UUID,
    data: OverrideRequestCreate,
    actor: Principal,
    at: datetime,
) -> RiskApproval:
    """Ask a manager to set the rating to ``data.rating``; an earlier undecided request on the
    assessment is superseded."""
    assessment = await load_for_update(
        session, RiskAssessment, assessment_id, if_match=None, missing=AssessmentNotFound
    )
    await _latest_of_case(session, assessment)
    direction = rules.override_direction(
        current=assessment.rating, target=data.rating, floor=assessment.uplift_floor
    )
    for earlier in await repository.approvals_for(session, assessment.id, RATING_OVERRIDE.kind):
        if earlier.decision is None:
            async with APPROVAL.change(
                session, earlier, actor=actor, action="risk.override_superseded"
            ):
                earlier.decision, earlier.decided_at = ApprovalDecision.superseded, at
    approval = request_approval(
        RiskApproval,
        delegation=RATING_OVERRIDE,
        requested_by=actor,
        at=at,
        reason=data.explanation,
        evidence={"rating": data.rating.value, "direction": direction.value},
        case_id=assessment.case_id,
        subject_id=assessment.id,
    )
    session.add(approval)
    await APPROVAL.created(session, approval, actor=actor, action="risk.override_requested")
    return approval


async def list_override_requests(
    session: AsyncSession, *, assessment_id: uuid.UUID
) -> Sequence[RiskApproval]:
    if await session.get(RiskAssessment, assessment_id) is None:
        raise AssessmentNotFound(f"No risk assessment with id {assessment_id}")
    return await repository.approvals_for(session, assessment_id, RATING_OVERRIDE.kind)


async def decide_override(
    session: AsyncSession,
    *,
    assessment_id: uuid.UUID,
    request_id: uuid.UUID,
    data: OverrideDecision,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> RiskAssessmentRead:
    """The manager's decision; approved, the rating becomes the one asked for (CMP-112)."""
    assessment = await load_for_update(
        session, RiskAssessment, assessment_id, if_match=if_match, missing=AssessmentNotFound
    )
    approval = await repository.approval_for_update(session, request_id)
    if (
        approval is None
        or approval.subject_id != assessment.id
        or approval.kind != RATING_OVERRIDE.kind
    ):
        raise OverrideRequestNotFound(f"No override request {request_id} on this assessment")
    async with APPROVAL.change(
        session, approval, actor=actor, action="risk.override_decided", reason=data.reason
    ):
        decide_approval(
            approval,
            delegation=RATING_OVERRIDE,
            actor=actor,
            approve=data.approve,
            at=at,
            reason=data.reason,
        )
    if data.approve:
        await _latest_of_case(session, assessment)
        target = Rating(approval.evidence["rating"])
        direction = rules.override_direction(
            current=assessment.rating, target=target, floor=assessment.uplift_floor
        )
        previous = assessment.rating
        # CMP-115: under oversight the holder agrees the new rating first.
        await escalations.check_lock(
            session, assessment.case_id, current=previous, new=target, actor=actor, at=at
        )
        path = await service.path_for(session, assessment, target)
        async with service.ASSESSMENT.change(
            session,
            assessment,
            actor=actor,
            action="risk.rating_overridden",
            reason=approval.request_reason,
        ):
            assessment.override_rating = target
            assessment.override_direction = direction
            assessment.override_explanation = approval.request_reason
            assessment.override_approval_id = approval.id
            assessment.rating = target
            assessment.high_risk_path = path
        await service.rating_changed(
            session, assessment, previous=previous, cause="override", actor=actor, at=at
        )
        await escalations.after_rating(session, assessment, actor=actor, at=at)
    return await service.read(session, assessment)

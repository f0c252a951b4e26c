"""Risk assessments: record one, read them, the case's current rating, and the XC-RSK-001 query.

Each assessment is a new numbered version of the case's risk record; the latest gives the case's
rating (CMP-101). Ratings are computed by ``rules`` from the matrix (CMP-105, CMP-109), never
typed; the uplifts in force set a floor (CMP-102); a manager's override (``overrides``) is the
only other way the rating moves (CMP-112).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk import escalations, followups, repository, rules
from compliance_api.risk.errors import AssessmentNotFound, NoRiskAssessment
from compliance_api.risk.models import RiskAssessment, RiskEntry
from compliance_api.risk.rules import Rating, Trigger
from compliance_api.risk.schemas import (
    CaseRiskRating,
    QualifyingAssessment,
    RiskAssessmentCreate,
    RiskAssessmentPage,
    RiskAssessmentRead,
    RiskAssessmentSummary,
    RiskEntryRead,
)
from shared.auth import Principal
from shared.changes import Audited
from shared.clock import BUSINESS_TIMEZONE
from shared.events.contracts.compliance import RiskAssessedV1, RiskRatingChangedV1
from shared.outbox.emit import emit
from shared.pagination import Keyset, key_int, paginate
from shared.risk_rating import CurrentRiskRating, RiskLevel

__all__ = [
    "ASSESSMENT",
    "RiskAssessment",
    "current_rating",
    "current_rating_or_none",
    "get_assessment",
    "list_assessments",
    "path_for",
    "qualifying_assessment",
    "rating_changed",
    "record_assessment",
]

ASSESSMENT = Audited[RiskAssessment](
    entity_type="risk_assessment",
    snapshot=lambda a: RiskAssessmentSummary.model_validate(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)
ASSESSMENTS = Keyset("risk-assessments", (key_int,))


def create_path(case_id: uuid.UUID) -> str:
    return f"/v1/risk/cases/{case_id}/assessments"


def _read(assessment: RiskAssessment, entries: Sequence[RiskEntry]) -> RiskAssessmentRead:
    summary = RiskAssessmentSummary.model_validate(assessment)
    return RiskAssessmentRead(
        **summary.model_dump(), risks=[RiskEntryRead.model_validate(e) for e in entries]
    )


async def read(session: AsyncSession, assessment: RiskAssessment) -> RiskAssessmentRead:
    return _read(assessment, await repository.entries(session, assessment.id))


async def record_assessment(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: RiskAssessmentCreate,
    actor: Principal,
    at: datetime,
    today: date,
) -> RiskAssessmentRead:
    """Record the case's next assessment; emits ``compliance.risk.assessed``, and
    ``compliance.risk.rating_changed`` when the case's rating moves (CMP-120)."""
    await repository.lock_case(session, case_id)
    previous = await repository.latest(session, case_id)
    rated = [
        rules.rate_entry(
            impact=r.impact,
            likelihood=r.likelihood,
            impact_after=r.impact_after,
            likelihood_after=r.likelihood_after,
            downgrade_factors=r.downgrade.factors if r.downgrade else None,
        )
        for r in data.risks
    ]
    uplifts = await repository.active_uplifts(
        session, case_id=case_id, organisation_ids=data.organisation_ids, on=today
    )
    floor = rules.highest(u.minimum_rating for u in uplifts) if uplifts else None
    cumulative = data.cumulative
    generated = rules.with_floor(
        rules.generated_rating(
            (r.post for r in rated), cumulative_raised=bool(cumulative and cumulative.raised)
        ),
        floor,
    )
    if previous is not None:  # CMP-115: under oversight the holder agrees a new rating
        await escalations.check_lock(
            session, case_id, current=previous.rating, new=generated, actor=actor, at=at
        )
    facts = [
        rules.EntryFacts(category=r.category, post=ratings.post, risk_to=r.risk_to)
        for r, ratings in zip(data.risks, rated, strict=True)
    ]
    assessment = RiskAssessment(
        id=uuid.uuid4(),
        case_id=case_id,
        number=(previous.number if previous else 0) + 1,
        trigger=data.trigger,
        conflicts_of_interest_considered=data.conflicts_of_interest_considered,
        organisation_ids=list(data.organisation_ids),
        pre_rating=rules.highest(r.pre for r in rated),
        highest_post_rating=rules.highest(r.post for r in rated),
        cumulative_common_root=cumulative.common_root if cumulative else None,
        cumulative_raised=cumulative.raised if cumulative else None,
        cumulative_reason=cumulative.reason if cumulative else None,
        uplift_floor=floor,
        uplift_ids=[u.id for u in uplifts],
        generated_rating=generated,
        rating=generated,
        low_rationale=data.low_rationale,
        monitoring_notes=data.monitoring_notes,
        review_reason=data.review_reason,
        mp_involved=data.mp_involved,
        earlier_cases_reviewed=data.earlier_cases_reviewed,
        earlier_service_complaint=data.earlier_service_complaint,
        others_informed=[i.value for i in data.others_informed],
        prompts=[
            p.value
            for p in rules.prompts(
                categories=(r.category for r in data.risks),
                mp_involved=data.mp_involved,
                earlier_service_complaint=data.earlier_service_complaint,
            )
        ],
        high_risk_path=rules.high_risk_path(generated, facts, floor=floor),
        prioritise_allocation=rules.prioritise_allocation(r.terminal_illness for r in data.risks),
        recorded_by=actor.sub,
        recorded_at=at,
    )
    session.add(assessment)
    await session.flush()
    entries = [
        RiskEntry(
            id=uuid.uuid4(),
            assessment_id=assessment.id,
            position=position,
            category=r.category,
            description=r.description,
            impact=r.impact,
            likelihood=r.likelihood,
            impact_after=r.impact_after,
            likelihood_after=r.likelihood_after,
            pre_rating=ratings.pre,
            matrix_post_rating=ratings.matrix_post,
            post_rating=ratings.post,
            downgrade_factors=r.downgrade.factors if r.downgrade else None,
            downgrade_discussed_with=r.downgrade.discussed_with if r.downgrade else None,
            cumulative_effect=r.cumulative_effect,
            mitigation_outcome=r.mitigation.outcome if r.mitigation else None,
            mitigation_plan=r.mitigation.plan if r.mitigation else None,
            action_if_occurs=r.action_if_occurs,
            who_to_contact=r.who_to_contact,
            mitigation_effect=r.mitigation_effect,
            risk_to=r.risk_to,
            immediate=r.immediate,
            immediate_action=r.immediate_action,
            terminal_illness=r.terminal_illness,
            threat_of_harm=r.threat_of_harm,
            disclosure_decision=r.disclosure.decision.value if r.disclosure else None,
            disclosure_reason=r.disclosure.reason if r.disclosure else None,
            disclosure_before_decision=(
                r.disclosure.before_decision_shared if r.disclosure else None
            ),
            information_breach=r.information_breach,
            unresolved_by_management=r.unresolved_by_management,
        )
        for position, (r, ratings) in enumerate(zip(data.risks, rated, strict=True), start=1)
    ]
    session.add_all(entries)
    await session.flush()
    full = _read(assessment, entries)
    await ASSESSMENT.record(
        session,
        assessment,
        actor=actor,
        action="risk.assessed",
        before=None,
        after=full.model_dump(mode="json"),
    )
    await emit(
        session,
        RiskAssessedV1(
            assessment_id=assessment.id,
            number=assessment.number,
            trigger=assessment.trigger.value,
            rating=assessment.rating.value,
            conflicts_of_interest_considered=assessment.conflicts_of_interest_considered,
        ),
        case_id=case_id,
        actor=actor.sub,
        occurred_at=at,
    )
    if previous is not None and previous.rating is not assessment.rating:
        await rating_changed(
            session, assessment, previous=previous.rating, cause="assessment", actor=actor, at=at
        )
    await followups.entry_tasks(session, assessment, entries, actor=actor)
    await escalations.after_rating(session, assessment, actor=actor, at=at)
    return full


async def path_for(
    session: AsyncSession, assessment: RiskAssessment, rating: Rating
) -> rules.HighRiskPath:
    """XC-RSK-005: the path ``rating`` takes with this assessment's risks."""
    facts = [
        rules.EntryFacts(category=e.category, post=e.post_rating, risk_to=e.risk_to)
        for e in await repository.entries(session, assessment.id)
    ]
    return rules.high_risk_path(rating, facts, floor=assessment.uplift_floor)


async def rating_changed(
    session: AsyncSession,
    assessment: RiskAssessment,
    *,
    previous: Rating,
    cause: str,
    actor: Principal,
    at: datetime,
) -> None:
    """CMP-120: announce the case's new rating (consumers consider reallocation or supervision)."""
    await emit(
        session,
        RiskRatingChangedV1(
            assessment_id=assessment.id,
            previous_rating=previous.value,
            rating=assessment.rating.value,
            cause=cause,
        ),
        case_id=assessment.case_id,
        actor=actor.sub,
        occurred_at=at,
    )


async def get_assessment(session: AsyncSession, assessment_id: uuid.UUID) -> RiskAssessmentRead:
    assessment = await session.get(RiskAssessment, assessment_id)
    if assessment is None:
        raise AssessmentNotFound(f"No risk assessment with id {assessment_id}")
    return await read(session, assessment)


async def list_assessments(
    session: AsyncSession, *, case_id: uuid.UUID, limit: int, cursor: str | None
) -> RiskAssessmentPage:
    """The case's assessments, newest first."""
    return await paginate(
        lambda after, n: repository.list_for_case(session, case_id=case_id, limit=n, after=after),
        keyset=ASSESSMENTS,
        cursor=cursor,
        limit=limit,
        key=lambda a: (a.number,),
        item=RiskAssessmentSummary.model_validate,
        page=RiskAssessmentPage,
    )


async def current_rating(session: AsyncSession, *, case_id: uuid.UUID) -> CaseRiskRating:
    """CMP-101: the case's rating is its latest assessment's overall rating."""
    latest = await repository.latest(session, case_id)
    if latest is None:
        raise NoRiskAssessment(
            f"Case {case_id} has no risk assessment",
            extensions={"create_path": create_path(case_id)},
        )
    return CaseRiskRating(
        case_id=case_id,
        rating=latest.rating,
        assessment_id=latest.id,
        number=latest.number,
        trigger=latest.trigger,
        recorded_at=latest.recorded_at,
        overridden=latest.override_rating is not None,
        uplift_floor=latest.uplift_floor,
        high_risk_path=latest.high_risk_path,
        prioritise_allocation=latest.prioritise_allocation,
        under_oversight=await escalations.under_oversight(session, case_id),
    )


async def current_rating_or_none(session: AsyncSession, *, case_id: uuid.UUID) -> CurrentRiskRating:
    """The rating other services read (CMP-114 allocation): as ``current_rating``, but a case
    never assessed is an answer (``rating`` None), not a 404 the caller could mistake for a
    missing route."""
    latest = await repository.latest(session, case_id)
    if latest is None:
        return CurrentRiskRating(case_id=case_id, rating=None)
    return CurrentRiskRating(
        case_id=case_id,
        rating=RiskLevel(latest.rating),
        assessment_id=latest.id,
        recorded_at=latest.recorded_at,
    )


def window_start(today: date, window_days: int) -> datetime:
    """The first instant that counts: midnight in Europe/London, ``window_days`` before today
    (0: today only; CMP-104 "N configurable, default the same day")."""
    first = today - timedelta(days=window_days)
    return datetime.combine(first, time(0), tzinfo=BUSINESS_TIMEZONE)


async def qualifying_assessment(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    trigger: Trigger,
    today: date,
    window_days: int,
) -> QualifyingAssessment:
    """XC-RSK-001 / CMP-104: does the case have an assessment for ``trigger``, with conflicts of
    interest considered, recorded within the window? (The guard in each service asks this.)"""
    found = await repository.latest_qualifying(
        session, case_id=case_id, trigger=trigger, since=window_start(today, window_days)
    )
    return QualifyingAssessment(
        case_id=case_id,
        trigger=trigger,
        qualifying=found is not None,
        assessment_id=found.id if found else None,
        recorded_at=found.recorded_at if found else None,
        window_days=window_days,
        create_path=create_path(case_id),
    )

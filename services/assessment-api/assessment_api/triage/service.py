"""Use cases of ECT triage: the Executive Team's threshold sets (ASM-046) and the PVM
assessment of a case (ASM-044…049), its score and outcome computed against the set in force on
the assessment date. The ways out of triage are in ``decisions.py``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases import service as cases
from assessment_api.triage import repository, rules
from assessment_api.triage.errors import (
    NotAtTriage,
    NoThresholdSetInForce,
    PvmAssessmentNotFound,
    ThresholdSetAlreadyDecided,
    ThresholdSetDateInvalid,
    ThresholdSetNotFound,
    TriageInputInvalid,
)
from assessment_api.triage.models import (
    PvmAssessment,
    ThresholdSet,
    ThresholdSetStatus,
    TriageApproval,
)
from assessment_api.triage.schemas import (
    PvmAssessmentCreate,
    PvmAssessmentRead,
    QuestionRead,
    ThresholdSetCreate,
    ThresholdSetDecision,
    ThresholdSetRead,
    TriageClosureRead,
    TriageCommunicationRead,
    TriageGuideRead,
    TriageRead,
)
from shared.auth import MANAGERS, Principal, Role
from shared.casework.approvals import Delegation, decide_approval, request_approval
from shared.changes import Audited

# ¶2.84: the capacity and demand levels are "agreed by our Executive Team". shared.auth has no
# Executive Team role; requirements §D.21 names its members who act in casework as the Deputy
# Ombudsman or the Ombudsman (stage 3, ¶9.92–9.94), so they approve a threshold set.
EXECUTIVE_TEAM = frozenset({Role.deputy_ombudsman, Role.ombudsman})
THRESHOLD_SET = Delegation(
    kind="pvm_threshold_set",
    level="executive_team",
    roles=EXECUTIVE_TEAM,
    rule="ASM-046 ¶2.84: capacity and demand levels agreed by the Executive Team",
)
# Who may put a set to the Executive Team: managers, and the Executive Team itself.
THRESHOLD_PROPOSERS = MANAGERS | EXECUTIVE_TEAM

THRESHOLD: Audited[ThresholdSet] = Audited(
    entity_type="pvm_threshold_set",
    snapshot=lambda s: ThresholdSetRead.model_validate(s).model_dump(mode="json"),
)
APPROVAL: Audited[TriageApproval] = Audited(
    entity_type="triage_approval",
    snapshot=lambda a: {
        "kind": a.kind, "subject_id": str(a.subject_id), "level": a.level,
        "requested_by": a.requested_by, "decision": a.decision, "decided_by": a.decided_by,
        "decision_reason": a.decision_reason,
    },
)  # fmt: skip


def assessment_read(a: PvmAssessment) -> PvmAssessmentRead:
    return PvmAssessmentRead.model_validate(
        {
            **{k: getattr(a, k) for k in PvmAssessmentRead.model_fields if hasattr(a, k)},
            "section_complete": rules.section_complete(a.answers),
        }
    )


ASSESSMENT: Audited[PvmAssessment] = Audited(
    entity_type="pvm_assessment",
    snapshot=lambda a: assessment_read(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)


def guide() -> TriageGuideRead:
    """The PVM as data (ASM-044, §D.8)."""
    return TriageGuideRead(
        criteria=list(rules.Criterion),
        criterion_scale=list(range(rules.CRITERION_MIN, rules.CRITERION_MAX + 1)),
        injustice_scale=list(range(rules.INJUSTICE_MIN, rules.INJUSTICE_MAX + 1)),
        score_range=[rules.SCORE_MIN, rules.SCORE_MAX],
        questions=[
            QuestionRead(key=q, text=rules.QUESTION_TEXT[q], criterion=c)
            for c, qs in rules.CRITERION_QUESTIONS.items()
            for q in qs
        ],
        minimal_intervention_conditions=list(rules.MinimalInterventionCondition),
    )


def _bands(sets: Sequence[ThresholdSet]) -> list[rules.ThresholdBand]:
    return [rules.ThresholdBand(s.version, s.effective_from, s.decline_below) for s in sets]


async def _check_date(session: AsyncSession, effective_from: date, today: date) -> None:
    problem = rules.effective_from_problem(
        effective_from, approved_on=today, approved=_bands(await repository.approved_sets(session))
    )
    if problem is not None:
        raise ThresholdSetDateInvalid(
            f"ASM-046: {problem}",
            extensions={"requirement": "ASM-046", "effective_from": effective_from.isoformat()},
        )


async def propose_threshold_set(
    session: AsyncSession, *, data: ThresholdSetCreate, actor: Principal, at: datetime, today: date
) -> ThresholdSet:
    """A new threshold set, put to the Executive Team (an approval under the delegation
    scheme); not in force until approved."""
    await repository.lock_threshold_sets(session)
    await _check_date(session, data.effective_from, today)
    set_id = uuid.uuid4()
    approval = request_approval(
        TriageApproval, delegation=THRESHOLD_SET, requested_by=actor, at=at,
        reason=data.rationale, subject_id=set_id,
        evidence={
            "effective_from": data.effective_from.isoformat(), "decline_below": data.decline_below
        },
    )  # fmt: skip
    repository.add(session, approval)
    threshold = ThresholdSet(
        id=set_id,
        version=await repository.next_version(session),
        effective_from=data.effective_from,
        decline_below=data.decline_below,
        rationale=data.rationale,
        status=ThresholdSetStatus.proposed,
        proposed_by=actor.sub,
        proposed_at=at,
        approval_id=approval.id,
    )
    repository.add(session, threshold)
    await session.flush()
    await APPROVAL.created(session, approval, actor=actor, action="triage.threshold_set_requested")
    await THRESHOLD.created(session, threshold, actor=actor, action="triage.threshold_set_proposed")
    return threshold


async def get_threshold_set(session: AsyncSession, set_id: uuid.UUID) -> ThresholdSet:
    found = await repository.threshold_set(session, set_id)
    if found is None:
        raise ThresholdSetNotFound(f"No threshold set with id {set_id}")
    return found


async def list_threshold_sets(session: AsyncSession) -> list[ThresholdSetRead]:
    return [ThresholdSetRead.model_validate(s) for s in await repository.threshold_sets(session)]


async def decide_threshold_set(
    session: AsyncSession,
    *,
    set_id: uuid.UUID,
    data: ThresholdSetDecision,
    actor: Principal,
    at: datetime,
    today: date,
) -> ThresholdSet:
    """The Executive Team's decision (ASM-046): approved, the set is in force from its date,
    which must still be no earlier than today and after every approved set."""
    await repository.lock_threshold_sets(session)
    threshold = await get_threshold_set(session, set_id)
    if threshold.status is not ThresholdSetStatus.proposed:
        raise ThresholdSetAlreadyDecided(f"Threshold set {threshold.version} is {threshold.status}")
    approval = await repository.approval(session, threshold.approval_id)
    assert approval is not None  # created with the set, in one transaction
    if data.approve:
        await _check_date(session, threshold.effective_from, today)
    async with APPROVAL.change(
        session, approval, actor=actor, action="triage.threshold_set_decided"
    ):
        decide_approval(
            approval, delegation=THRESHOLD_SET, actor=actor, approve=data.approve, at=at,
            reason=data.reason,
        )  # fmt: skip
    async with THRESHOLD.change(
        session, threshold, actor=actor, action="triage.threshold_set_decided", reason=data.reason
    ):
        if data.approve:
            threshold.status = ThresholdSetStatus.approved
            threshold.approved_by, threshold.approved_at = actor.sub, at
        else:
            threshold.status = ThresholdSetStatus.refused
    return threshold


async def _case_at_triage(session: AsyncSession, case_id: uuid.UUID) -> cases.Case:
    case = await cases.lock_case(session, case_id)
    if case.status is not cases.CaseStatus.ect_triage:
        raise NotAtTriage(
            f"The case is {case.status.value}; PVM triage is of a case at ECT triage",
            extensions={"current_status": case.status.value},
        )
    return case


async def record_assessment(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: PvmAssessmentCreate,
    actor: Principal,
    at: datetime,
    today: date,
) -> PvmAssessment:
    """ASM-044…049: record the PVM triage; the injustice level, the score and the outcome are
    computed against the threshold set in force today (the assessment date)."""
    levels = [i.level for i in data.claimed_injustices]
    problems = rules.input_problems(
        levels=levels,
        cumulative_note=data.cumulative_note,
        minimal_intervention_considered=data.minimal_intervention_considered,
        conditions=data.minimal_intervention_conditions,
        minimal_intervention_note=data.minimal_intervention_note,
        adjustment_considered=data.adjustment_considered,
        adjustment_explanation=data.adjustment_explanation,
    )
    if problems:
        raise TriageInputInvalid(
            "The PVM assessment is incomplete (ASM-047, ASM-048, ASM-049)",
            extensions={"problems": [p.value for p in problems]},
        )
    case = await _case_at_triage(session, case_id)
    approved = await repository.approved_sets(session)
    band = rules.in_force(_bands(approved), today)  # ASM-046
    if band is None:
        raise NoThresholdSetInForce(
            f"No approved threshold set is in force on {today.isoformat()}",
            extensions={"requirement": "ASM-046", "assessed_on": today.isoformat()},
        )
    threshold = next(
        s for s in await repository.approved_sets(session) if s.version == band.version
    )
    criteria = {rules.Criterion(k): v for k, v in data.criteria.model_dump().items()}
    level = rules.injustice_level(levels)
    score = rules.pvm_score(level, criteria)
    conditions = list(dict.fromkeys(data.minimal_intervention_conditions))
    previous = await repository.latest_assessment(session, case.id)
    assessment = PvmAssessment(
        id=uuid.uuid4(),
        case_id=case.id,
        number=(previous.number + 1) if previous else 1,
        assessed_on=today,
        criteria={k.value: v for k, v in criteria.items()},
        answers=data.answers.model_dump(exclude_none=True),
        claimed_injustices=[i.model_dump() for i in data.claimed_injustices],
        injustice_level=level,
        cumulative_note=data.cumulative_note,
        information_sources=data.information_sources,
        score=score,
        threshold_set_id=threshold.id,
        threshold_version=threshold.version,
        decline_below=threshold.decline_below,
        minimal_intervention_considered=data.minimal_intervention_considered,
        minimal_intervention_conditions=[c.value for c in conditions],
        minimal_intervention_note=data.minimal_intervention_note,
        adjustment_considered=data.adjustment_considered,
        adjustment_explanation=data.adjustment_explanation,
        outcome=rules.outcome(
            score,
            threshold.decline_below,
            minimal_intervention_possible=data.minimal_intervention_considered and bool(conditions),
        ),
        recorded_by=actor.sub,
        recorded_at=at,
    )
    repository.add(session, assessment)
    await session.flush()
    await ASSESSMENT.created(session, assessment, actor=actor, action="triage.pvm_assessed")
    return assessment


async def latest_assessment(session: AsyncSession, case_id: uuid.UUID) -> PvmAssessment:
    found = await repository.latest_assessment(session, case_id)
    if found is None:
        raise PvmAssessmentNotFound(
            "Record the PVM triage first (ASM-044)", extensions={"requirement": "ASM-050"}
        )
    return found


async def read_triage(session: AsyncSession, case_id: uuid.UUID) -> TriageRead:
    case = await cases.get_case(session, case_id)
    assessment = await repository.latest_assessment(session, case_id)
    closure = await repository.closure_of(session, case_id)
    return TriageRead(
        case_id=case.id,
        status=case.status.value,
        version=case.version,
        assessment=assessment_read(assessment) if assessment else None,
        closure=TriageClosureRead.model_validate(closure) if closure else None,
        communications=[
            TriageCommunicationRead.model_validate(c)
            for c in await repository.communications(session, case_id)
        ],
    )

"""Follow-ups a risk leaves: the case's risk tasks (the casework kit's tasks), and information
breach reports to the Information Security Manager (CMP-123, XC-DP-010).

Recording an assessment leaves a task for each Financial risk that records an information breach
(¶10.53: report every breach to the ISM) and for each Our Service risk whose complaint about us
management could not resolve (¶10.59: to the Review and Feedback Team). A task that an act does
(the manager's discussion, the breach report) is completed by that act and not by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk import repository
from compliance_api.risk.errors import (
    BreachAlreadyReported,
    NotAnInformationBreach,
    TaskDoneByItsAct,
    TaskNotFound,
)
from compliance_api.risk.models import (
    BreachReport,
    RiskAssessment,
    RiskEntry,
    RiskTask,
    TaskKind,
)
from compliance_api.risk.schemas_escalations import BreachReportCreate, BreachReportRead, TaskRead
from shared.auth import Principal
from shared.casework.tasks import complete
from shared.changes import Audited

BREACH_RULE = "CMP-123 XC-DP-010 ¶10.53: report every information breach to the ISM"
REVIEW_AND_FEEDBACK_RULE = (
    "CMP-125 ¶10.59: a complaint about us not resolved through management goes to the Review "
    "and Feedback Team"
)
# Tasks completed by the act they ask for.
DONE_BY_ACT = frozenset({TaskKind.discuss_high_risk, TaskKind.report_information_breach})

BREACH = Audited[BreachReport](
    entity_type="risk_breach_report",
    snapshot=lambda b: BreachReportRead.model_validate(b).model_dump(mode="json"),
    case_id=lambda b: b.case_id,
)
TASK = Audited[RiskTask](
    entity_type="risk_task",
    snapshot=lambda t: TaskRead.model_validate(t).model_dump(mode="json"),
    case_id=lambda t: t.case_id,
)


async def entry_tasks(
    session: AsyncSession,
    assessment: RiskAssessment,
    entries: Sequence[RiskEntry],
    *,
    actor: Principal,
) -> None:
    """CMP-123 and CMP-125: the tasks the assessment's risks leave."""
    for entry in entries:
        for flagged, kind, rule in (
            (entry.information_breach, TaskKind.report_information_breach, BREACH_RULE),
            (
                entry.unresolved_by_management,
                TaskKind.refer_to_review_and_feedback,
                REVIEW_AND_FEEDBACK_RULE,
            ),
        ):
            if flagged:
                task = RiskTask(
                    id=uuid.uuid4(),
                    case_id=assessment.case_id,
                    kind=kind,
                    assessment_id=assessment.id,
                    entry_id=entry.id,
                    rule=rule,
                    created_by=actor.sub,
                )
                session.add(task)
                await TASK.created(session, task, actor=actor, action="risk.task_created")


async def list_tasks(session: AsyncSession, *, case_id: uuid.UUID) -> Sequence[RiskTask]:
    return await repository.tasks_for_case(session, case_id)


async def complete_task(
    session: AsyncSession, *, task_id: uuid.UUID, note: str, actor: Principal, at: datetime
) -> RiskTask:
    task = await session.get(RiskTask, task_id, with_for_update=True, populate_existing=True)
    if task is None:
        raise TaskNotFound(f"No risk task with id {task_id}")
    if task.kind in DONE_BY_ACT:
        raise TaskDoneByItsAct(
            f"A {task.kind.value} task is done by its act", extensions={"kind": task.kind.value}
        )
    async with TASK.change(session, task, actor=actor, action="risk.task_done", reason=note):
        complete(task, by=actor.sub, at=at, note=note)
    return task


async def report_breach(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: BreachReportCreate,
    actor: Principal,
    at: datetime,
) -> BreachReport:
    """CMP-123 / XC-DP-010: a breach recorded as a Financial risk of this case is reported to the
    ISM, once; the report completes the risk's task."""
    entry = await session.get(RiskEntry, data.entry_id)
    assessment = await session.get(RiskAssessment, entry.assessment_id) if entry else None
    if entry is None or assessment is None or assessment.case_id != case_id:
        raise NotAnInformationBreach(
            f"Case {case_id} has no risk {data.entry_id}", extensions={"rule": "XC-DP-010"}
        )
    if not entry.information_breach:
        raise NotAnInformationBreach(
            "XC-DP-010: a breach is recorded as a Financial risk with information_breach",
            extensions={"rule": "XC-DP-010"},
        )
    if await repository.breach_report_for(session, entry.id) is not None:
        raise BreachAlreadyReported(f"The breach of risk {entry.id} was reported")
    report = BreachReport(
        id=uuid.uuid4(),
        case_id=case_id,
        entry_id=entry.id,
        reported_to=data.reported_to,
        reference=data.reference,
        reported_by=actor.sub,
        reported_at=at,
    )
    session.add(report)
    await BREACH.created(session, report, actor=actor, action="risk.breach_reported")
    task = await repository.open_task(
        session, case_id=case_id, kind=TaskKind.report_information_breach, entry_id=entry.id
    )
    if task is not None:
        async with TASK.change(session, task, actor=actor, action="risk.task_done"):
            complete(task, by=actor.sub, at=at, note=f"Reported to {data.reported_to}")
    return report

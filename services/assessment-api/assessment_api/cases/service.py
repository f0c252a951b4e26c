"""Use cases of assessment's case record: opened from intake's referral, read and listed, and
kept up to date with the case's risk rating at compliance-api (CMP-101, CMP-120)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases import repository
from assessment_api.cases.errors import CaseNotFound
from assessment_api.cases.legal import (
    scan_and_announce_communication,
    scan_and_announce_contact_attempt,
    scan_and_announce_notes,
)
from assessment_api.cases.models import Case, CaseTask, TaskKind
from assessment_api.cases.rules import RiskRating
from assessment_api.cases.schemas import (
    CasePage,
    CaseRead,
    CaseSummary,
    CaseTaskRead,
    DecisionCommunicationRead,
    DeclineRead,
    ProposalRead,
)
from assessment_api.cases.state import (
    DECIDING,
    CaseStatus,
    check_allowed,
    opening_status,
    transition,
)
from assessment_api.cases.status_events import CaseAudited, announce_opened
from shared.casework.ownership import Holding
from shared.changes import Audited, load_for_update
from shared.events.contracts.compliance import RiskAssessedV1, RiskRatingChangedV1
from shared.events.contracts.intake import CaseReferredV1
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import audit_effect
from shared.pagination import Keyset, key_date, key_uuid, paginate

__all__ = [
    "CASE",
    "DECIDING",
    "Case",
    "CaseStatus",
    "check_allowed",
    "get_case",
    "holding",
    "list_cases",
    "list_tasks",
    "lock_case",
    "note_rating_changed",
    "note_risk_assessed",
    "open_referred_case",
    "opening_status",
    "read_case",
    "scan_and_announce_communication",
    "scan_and_announce_contact_attempt",
    "scan_and_announce_notes",
    "transition",
]

# Audited, and announced to intake's register on a change of status or holder (status_events).
CASE: Audited[Case] = CaseAudited(
    entity_type="case",
    snapshot=lambda case: CaseSummary.model_validate(case).model_dump(mode="json"),
    case_id=lambda case: case.id,
)
CASE_LIST = Keyset("assessment-cases", (key_date, key_uuid))

REALLOCATION_RULE = (
    "CMP-120 ¶10.44–10.45: the risk rating changed; consider reallocation under case "
    "categorisation or extra supervision under the Supervision Model"
)


async def open_referred_case(
    session: AsyncSession, *, envelope: EventEnvelope, payload: CaseReferredV1
) -> None:
    """T13–T16: open assessment's record of a case intake passed on, keyed by intake's id.

    One statement, whatever came before: a case referred again (intake restarted it after a
    closure, T53) keeps its record and history here, and the new referral is audited on it
    rather than overwriting it. Audited as the producing service, naming the event.
    """
    status = opening_status(payload.route)
    values = {
        "id": envelope.case_id,
        "reference": payload.reference,
        "case_type": payload.case_type,
        "jurisdiction": payload.jurisdiction,
        "route": payload.route,
        "triage_category": payload.triage_category,
        "priority": payload.priority,
        "risk_assessment_required": payload.risk_assessment_required,
        "mp_referred": payload.mp_referred,
        "organisation_ids": list(payload.organisation_ids),
        "received_date": payload.received_date,
        "referred_at": envelope.occurred_at,
        "source_event_id": envelope.id,
        "status": status,
        "status_changed_at": envelope.occurred_at,
        "version": 1,
    }
    stmt = (
        pg_insert(Case)
        .values(values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(Case.id)
    )
    # Without autoflush: the batch's audit rows stay pending and go in one INSERT at the end
    # (shared.inbox), while this statement settles a repeated referral at once.
    with session.no_autoflush:
        created = (await session.execute(stmt)).scalar_one_or_none() is not None
        if created:
            # Intake's register learns where the case starts here (status_events).
            await announce_opened(
                session, case_id=envelope.case_id, reference=payload.reference,
                status=status.value, actor=envelope.actor, at=envelope.occurred_at,
            )  # fmt: skip
    after = {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in values.items()}
    after["organisation_ids"] = [str(o) for o in payload.organisation_ids]
    after["received_date"] = payload.received_date.isoformat()
    after["referred_at"] = after["status_changed_at"] = envelope.occurred_at.isoformat()
    audit_effect(
        session,
        envelope,
        entity_type="case",
        entity_id=envelope.case_id,
        action="case.opened" if created else "case.referred_again",
        after=after,
    )


async def holding(session: AsyncSession, case_id: uuid.UUID) -> Holding | None:
    """Who holds the case (owner, team), for ``CaseActor``; None if there is no such case."""
    return await repository.holding(session, case_id)


async def get_case(session: AsyncSession, case_id: uuid.UUID) -> Case:
    case = await repository.get(session, case_id)
    if case is None:
        raise CaseNotFound(f"No case with id {case_id} at assessment")
    return case


async def lock_case(
    session: AsyncSession, case_id: uuid.UUID, *, if_match: str | None = None
) -> Case:
    """The case with a row lock held until commit, after its ``If-Match`` check."""
    return await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)


async def read_case(session: AsyncSession, case: Case) -> CaseRead:
    """The case with the decision that ended it, if any."""
    decline = await repository.decline_of(session, case.id)
    proposal = await repository.proposal_of(session, case.id)
    return CaseRead(
        **CaseSummary.model_validate(case).model_dump(),
        decline=DeclineRead.model_validate(decline) if decline else None,
        decline_communications=[
            DecisionCommunicationRead.model_validate(c)
            for c in await repository.decline_communications(session, case.id)
        ]
        if decline
        else [],
        proposal=ProposalRead.model_validate(proposal) if proposal else None,
    )


async def list_cases(
    session: AsyncSession,
    *,
    statuses: Sequence[CaseStatus],
    jurisdiction: str | None,
    triage_category: str | None,
    owner: str | None,
    risk_rating: RiskRating | None,
    risk_assessment_required: bool | None,
    limit: int,
    cursor: str | None,
) -> CasePage:
    return await paginate(
        lambda after, rows: repository.list_cases(
            session,
            limit=rows,
            after=after,
            statuses=statuses,
            jurisdiction=jurisdiction,
            triage_category=triage_category,
            owner=owner,
            risk_rating=risk_rating,
            risk_assessment_required=risk_assessment_required,
        ),
        keyset=CASE_LIST,
        cursor=cursor,
        limit=limit,
        key=lambda row: (row.received_date, row.id),
        item=CaseSummary.model_validate,
        page=CasePage,
    )


async def list_tasks(session: AsyncSession, case_id: uuid.UUID) -> list[CaseTaskRead]:
    await get_case(session, case_id)
    return [CaseTaskRead.model_validate(t) for t in await repository.tasks(session, case_id)]


async def _rerate(
    session: AsyncSession,
    envelope: EventEnvelope,
    *,
    rating: str,
    assessment_id: uuid.UUID,
    action: str,
) -> Case | None:
    """Set the case's current rating from compliance-api's event, audited; None if assessment
    holds no such case (a case still at intake: its rating arrives with its next assessment)."""
    case = await repository.get(session, envelope.case_id)
    if case is None:
        return None
    before = CASE.snapshot(case)
    case.risk_rating = RiskRating(rating)
    case.risk_assessment_id = assessment_id
    case.risk_rated_at = envelope.occurred_at
    await session.flush()
    audit_effect(
        session,
        envelope,
        entity_type="case",
        entity_id=case.id,
        action=action,
        before=before,
        after=CASE.snapshot(case),
    )
    return case


async def note_risk_assessed(
    session: AsyncSession, *, envelope: EventEnvelope, payload: RiskAssessedV1
) -> None:
    """CMP-101: the latest assessment's rating is the case's current rating."""
    await _rerate(
        session, envelope, rating=payload.rating, assessment_id=payload.assessment_id,
        action="case.risk_rated",
    )  # fmt: skip


async def note_rating_changed(
    session: AsyncSession, *, envelope: EventEnvelope, payload: RiskRatingChangedV1
) -> None:
    """CMP-120 (¶10.44–10.45): the rating changed, so the case's rating follows and whoever
    holds the case gets a task to consider reallocation or extra supervision."""
    case = await _rerate(
        session, envelope, rating=payload.rating, assessment_id=payload.assessment_id,
        action="case.risk_rating_changed",
    )  # fmt: skip
    if case is None:
        return
    task = CaseTask(
        id=uuid.uuid4(),
        case_id=case.id,
        kind=TaskKind.consider_reallocation_or_supervision,
        rule=REALLOCATION_RULE,
        risk_assessment_id=payload.assessment_id,
        previous_rating=RiskRating(payload.previous_rating),
        rating=RiskRating(payload.rating),
        created_by=envelope.source,
    )
    repository.add(session, task)
    await session.flush()
    await session.refresh(task)
    audit_effect(
        session,
        envelope,
        entity_type="case_task",
        entity_id=task.id,
        action="case.task_created",
        after=CaseTaskRead.model_validate(task).model_dump(mode="json"),
    )

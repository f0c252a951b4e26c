"""Use cases of investigation's record: opened at Milestone 1 from assessment's proposal to
investigate (T35; INV-003, ¶3.102, ¶3.107, ¶4.4), with the case's exceptional prioritisation
for investigation when assessment agreed one (ASM-169, ¶3.100), read and listed.

The record is keyed by the case's id and opened once: the inbox settles a redelivered event,
and one ``INSERT … ON CONFLICT DO NOTHING`` a second proposal for a case that has one (it is
audited on the record, which it does not change). Effects are audited as assessment, naming the
event (DESIGN §2).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from investigation_api.investigations import repository
from investigation_api.investigations.errors import InvestigationNotFound
from investigation_api.investigations.models import (
    MILESTONE_LABELS,
    CommentDeadline,
    Investigation,
    InvestigationOrganisation,
    InvestigationParty,
    InvestigationStatus,
    Milestone,
    MilestoneRecord,
)
from investigation_api.investigations.schemas import (
    CommentDeadlineRead,
    InvestigationPage,
    InvestigationPriorityRead,
    InvestigationRead,
    InvestigationSummary,
    MilestoneRead,
    OrganisationRead,
    PartyRead,
)
from shared.casework.ownership import Holding
from shared.events.contracts.assessment import (
    ProposalCommentDeadlineExtendedV1,
    ProposalIssuedV1,
)
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import audit_effect
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

__all__ = [
    "Investigation",
    "get_investigation",
    "holding",
    "list_investigations",
    "open_from_proposal",
]

INVESTIGATION_LIST = Keyset("investigations", (key_datetime, key_uuid))
# The rule assessment computed each recipient's date by (C-15, ¶3.78, ASM-161), stored with it.
PROPOSAL_COMMENTS_RULE = (
    "C-15 ¶3.78: comments on the proposal to investigate within 10 working days"
)


async def open_from_proposal(
    session: AsyncSession, *, envelope: EventEnvelope, payload: ProposalIssuedV1
) -> bool:
    """INV-003: open the case's investigation at Milestone 1 'Investigation Allocated', dated
    the day the proposal was issued, with the organisations tab (¶3.102), the parties, named
    persons and components in scope, and each recipient's comment deadline (C-15). True if it
    opened one; a case that already has its record keeps it unchanged."""
    case_id = envelope.case_id
    values: dict[str, Any] = {
        "id": case_id,
        "reference": payload.reference,
        "case_type": payload.case_type,
        "jurisdiction": payload.jurisdiction,
        "status": InvestigationStatus.proposed_to_investigate,
        "status_changed_at": envelope.occurred_at,
        "proposal_id": payload.proposal_id,
        "proposed_at": envelope.occurred_at,
        "proposed_by": payload.proposed_by,
        "approved_by": payload.approved_by,
        "risk_assessment_id": payload.risk_assessment_id,
        "named_person_ids": list(dict.fromkeys(payload.named_person_ids)),
        "component_ids": list(dict.fromkeys(payload.component_ids)),
        "source_event_id": envelope.id,
        # 'Case Allocated' (¶3.107): usually the caseworker who assessed it carries on.
        "owner": payload.case_allocated_to or payload.proposed_by,
        "team": payload.team if payload.case_allocated_to else None,
        **_priority_values(payload),
        "version": 1,
    }
    # Without autoflush: the batch's audit rows stay pending and go in one INSERT at the end
    # (shared.inbox), while this statement settles a second proposal at once.
    with session.no_autoflush:
        created = await repository.insert_if_new(session, values)
    after = payload.model_dump(mode="json") | {
        "status": InvestigationStatus.proposed_to_investigate.value,
        "owner": values["owner"],
        "team": values["team"],
    }
    if not created:
        audit_effect(
            session, envelope, entity_type="investigation", entity_id=case_id,
            action="investigation.proposal_received_again", after=after,
        )  # fmt: skip
        return False
    repository.add(
        session,
        *(
            InvestigationOrganisation(
                id=uuid.uuid4(),
                investigation_id=case_id,
                organisation_id=o.organisation_id,
                role=o.role.value,
                position=i,
            )
            for i, o in enumerate(dict.fromkeys(payload.organisations))
        ),
        *(
            InvestigationParty(
                id=uuid.uuid4(),
                investigation_id=case_id,
                person_id=p.person_id,
                role=p.role.value,
                position=i,
            )
            for i, p in enumerate(dict.fromkeys(payload.parties))
        ),
        *(
            CommentDeadline(
                id=uuid.uuid4(),
                investigation_id=case_id,
                recipient_kind=d.recipient_kind.value,
                recipient_id=d.recipient_id,
                rule=PROPOSAL_COMMENTS_RULE,
                starts_on=payload.milestone_1_date,
                due_date=d.due_date,
                source_id=payload.proposal_id,
            )
            for d in _one_per_recipient(payload)
        ),
    )
    m1 = MilestoneRecord(
        id=uuid.uuid4(),
        investigation_id=case_id,
        number=Milestone.investigation_allocated.value,
        label=MILESTONE_LABELS[Milestone.investigation_allocated],
        completed_on=payload.milestone_1_date,
        recorded_by=payload.proposed_by,
    )
    repository.add(session, m1)
    audit_effect(
        session, envelope, entity_type="investigation", entity_id=case_id,
        action="investigation.opened", after=after,
    )  # fmt: skip
    audit_effect(
        session, envelope, entity_type="investigation_milestone", entity_id=m1.id,
        action="investigation.milestone_recorded",
        after=MilestoneRead.model_validate(m1).model_dump(mode="json"),
    )  # fmt: skip
    return True


async def record_extension(
    session: AsyncSession, *, envelope: EventEnvelope, payload: ProposalCommentDeadlineExtendedV1
) -> bool:
    """ASM-161 / ASM-158: an extension agreed at assessment for one recipient moves that
    recipient's comment deadline here (the original kept), so confirmation waits for it
    (INV-019). True if stored; a recipient this record does not have (another proposal) or an
    extension already stored changes nothing, audited as received."""
    deadline = await repository.comment_deadline_of(
        session, envelope.case_id, payload.recipient_kind.value, payload.recipient_id
    )
    stored = False
    if deadline is not None:
        with session.no_autoflush:
            stored = await repository.insert_extension(
                session,
                {
                    "id": payload.extension_id,
                    "deadline_id": deadline.id,
                    "new_due_date": payload.new_due_date,
                    "reason": f"agreed at assessment ({payload.TYPE} event {envelope.id})",
                    "is_reasonable_adjustment": False,
                    "granted_by": payload.agreed_by,
                    "source_event_id": envelope.id,
                },
            )
    audit_effect(
        session, envelope, entity_type="proposal_comment_deadline",
        entity_id=deadline.id if deadline is not None else payload.extension_id,
        action="investigation.comment_deadline_extended" if stored
        else "investigation.comment_extension_not_applied",
        after=payload.model_dump(mode="json"),
    )  # fmt: skip
    return stored


def _priority_values(payload: ProposalIssuedV1) -> dict[str, Any]:
    """ASM-169 (¶3.100): the exceptional prioritisation agreed at assessment, or none (also
    from a producer that predates the field)."""
    p = payload.investigation_priority
    return {
        "priority_id": p.priority_id if p else None,
        "priority_line_manager_id": p.line_manager_id if p else None,
        "priority_discussed_at": p.discussed_at if p else None,
        "priority_recorded_by": p.recorded_by if p else None,
    }


def _priority_read(investigation: Investigation) -> InvestigationPriorityRead | None:
    if investigation.priority_id is None:
        return None
    # The CHECK keeps the four together (migration 0005).
    assert investigation.priority_line_manager_id is not None
    assert investigation.priority_discussed_at is not None
    assert investigation.priority_recorded_by is not None
    return InvestigationPriorityRead(
        priority_id=investigation.priority_id,
        line_manager_id=investigation.priority_line_manager_id,
        discussed_at=investigation.priority_discussed_at,
        recorded_by=investigation.priority_recorded_by,
    )


def _one_per_recipient(payload: ProposalIssuedV1) -> list[Any]:
    """Each recipient's deadline once: the latest date given for it (ASM-158 waits for the
    latest)."""
    latest: dict[tuple[str, uuid.UUID], Any] = {}
    for d in payload.comment_deadlines:
        key = (d.recipient_kind.value, d.recipient_id)
        if key not in latest or d.due_date > latest[key].due_date:
            latest[key] = d
    return list(latest.values())


async def holding(session: AsyncSession, case_id: uuid.UUID) -> Holding | None:
    """Who holds the case (owner, team), for ownership checks; None if there is no record."""
    return await repository.holding(session, case_id)


async def get_investigation(session: AsyncSession, case_id: uuid.UUID) -> InvestigationRead:
    investigation = await repository.get(session, case_id)
    if investigation is None:
        raise InvestigationNotFound(f"No investigation of case {case_id}")
    deadlines = await repository.comment_deadlines(session, case_id)
    return InvestigationRead(
        **InvestigationSummary.model_validate(investigation).model_dump(),
        organisations=[
            OrganisationRead.model_validate(o)
            for o in await repository.organisations(session, case_id)
        ],
        parties=[PartyRead.model_validate(p) for p in await repository.parties(session, case_id)],
        named_person_ids=list(investigation.named_person_ids),
        component_ids=list(investigation.component_ids),
        milestones=[
            MilestoneRead.model_validate(m) for m in await repository.milestones(session, case_id)
        ],
        comment_deadlines=[CommentDeadlineRead.model_validate(d) for d in deadlines],
        comments_close_on=max((d.effective_due_date for d in deadlines), default=None),
        investigation_priority=_priority_read(investigation),
    )


async def list_investigations(
    session: AsyncSession, *, owner: str | None, limit: int, cursor: str | None
) -> InvestigationPage:
    """Investigations, the newest proposal first; keyset-paginated."""
    return await paginate(
        lambda after, rows: repository.list_investigations(
            session, limit=rows, after=after, owner=owner
        ),
        keyset=INVESTIGATION_LIST,
        cursor=cursor,
        limit=limit,
        key=lambda row: (row.proposed_at, row.id),
        item=InvestigationSummary.model_validate,
        page=InvestigationPage,
    )

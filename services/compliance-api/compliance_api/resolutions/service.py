"""Resolution compliance items (requirements §B.4, §E.2 ResolutionAgreed; T33; ¶3.63–3.67,
ASM-153–156, CMP-023).

A resolution agreed at further consideration closes the case as a resolution, a decision not to
investigate (¶3.67), and assessment announces it (``assessment.resolution.agreed``). For each
resolution this module opens, once, a **resolution item**: recorded in the compliance section
and closed by the caseworker once completed (¶3.66). A resolution is not a recommendation, so
the item has no reminders and never enters the escalation process; if it is not carried out
the caseworker decides what to do next (¶3.66), outside this lifecycle.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.resolutions import repository
from compliance_api.resolutions.errors import ComplianceItemNotFound
from compliance_api.resolutions.models import ComplianceItem
from compliance_api.resolutions.schemas import ComplianceItemPage, ComplianceItemRead, ItemClosed
from compliance_api.resolutions.state import ItemKind, ItemStatus, transition
from shared.auth import Principal
from shared.changes import Audited, load_for_update
from shared.events.contracts.assessment import ResolutionAgreedV1
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import audit_effect
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

ITEM = Audited[ComplianceItem](
    entity_type="compliance_item",
    snapshot=lambda i: ComplianceItemRead.model_validate(i).model_dump(mode="json"),
    case_id=lambda i: i.case_id,
)
ITEM_LIST = Keyset("compliance-items", (key_datetime, key_uuid))


async def open_resolution_item(
    session: AsyncSession, *, envelope: EventEnvelope, payload: ResolutionAgreedV1
) -> uuid.UUID | None:
    """¶3.66: record the agreed resolution as an open resolution item, audited as assessment,
    naming the event. Its id, or None when the resolution already has its item (unchanged)."""
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "case_id": envelope.case_id,
        "reference": payload.reference,
        "kind": ItemKind.resolution,
        "status": ItemStatus.open,
        "status_changed_at": envelope.occurred_at,
        "escalation_stage": None,
        "organisation_ids": list(dict.fromkeys(payload.organisation_ids)),
        "component_ids": list(dict.fromkeys(payload.component_ids)),
        "actions": [a.value for a in dict.fromkeys(payload.actions)],
        "target_date": payload.due_date,
        "resolution_id": payload.resolution_id,
        "risk_assessment_id": payload.risk_assessment_id,
        "decided_by": payload.decided_by,
        "agreed_at": envelope.occurred_at,
        "source_event_id": envelope.id,
        "version": 1,
    }
    # Without autoflush: the batch's audit rows stay pending and go in one INSERT at the end.
    with session.no_autoflush:
        item_id = await repository.insert_if_new(session, values)
    if item_id is None:
        return None
    # The row as inserted, for the audit (a transient object: the statement wrote it).
    after = ITEM.snapshot(ComplianceItem(**values))
    audit_effect(
        session,
        envelope,
        entity_type="compliance_item",
        entity_id=item_id,
        action="compliance_item.resolution_recorded",
        after=after,
    )
    return item_id


async def get_item(session: AsyncSession, item_id: uuid.UUID) -> ComplianceItem:
    item = await repository.get(session, item_id)
    if item is None:
        raise ComplianceItemNotFound(f"No compliance item with id {item_id}")
    return item


async def list_items(
    session: AsyncSession,
    *,
    case_id: uuid.UUID | None,
    kind: ItemKind | None,
    status: ItemStatus | None,
    limit: int,
    cursor: str | None,
) -> ComplianceItemPage:
    """Compliance items, the latest agreed first, optionally of one case; keyset-paginated."""
    return await paginate(
        lambda after, rows: repository.list_items(
            session, case_id=case_id, kind=kind, status=status, limit=rows, after=after
        ),
        keyset=ITEM_LIST,
        cursor=cursor,
        limit=limit,
        key=lambda row: (row.agreed_at, row.id),
        item=ComplianceItemRead.model_validate,
        page=ComplianceItemPage,
    )


async def close_item(
    session: AsyncSession,
    *,
    item_id: uuid.UUID,
    data: ItemClosed,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> ComplianceItem:
    """¶3.66: the resolution was carried out; close its item (once: 409 otherwise)."""
    item = await load_for_update(
        session, ComplianceItem, item_id, if_match=if_match, missing=ComplianceItemNotFound,
        what="compliance item",
    )  # fmt: skip
    async with ITEM.change(
        session, item, actor=actor, action="compliance_item.closed", reason=data.note
    ):
        transition(item, ItemStatus.closed, at=at)
        item.closed_at = at
        item.closed_by = actor.sub
        item.closure_note = data.note
    return item

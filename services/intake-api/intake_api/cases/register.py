"""The case register's projection of the stages after intake (issue #12 "One status for the
front end"; DESIGN §1): intake's handlers of assessment's events keep ``case_stage``.

- ``assessment.case.status_changed`` says everything the register shows: status, holder,
  closure code;
- ``assessment.case.closed`` and ``assessment.proposal.issued`` say the status (and the
  closure code) and leave the holder as last reported.

One row per case, never the case's own columns (intake's stage stays intake's). An event older
than the one the row was written from, or the same one again, changes nothing
(``stage_rules.supersedes``); a change is audited as the producing service, naming the event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import repository
from intake_api.cases.models import CaseStage
from intake_api.cases.stage_rules import StageMark, supersedes
from shared.events.contracts.assessment import (
    CaseClosedV1,
    CaseStatusChangedV1,
    ProposalIssuedV1,
)
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import audit_effect

# Assessment's status of a case proposed for investigation (§B.1, T35).
PROPOSED = "proposed_to_investigate"
CLOSED = "closed"

_SHOWN = ("service", "status", "owner", "team", "closure_code", "changed_at")


def snapshot(row: CaseStage) -> dict[str, Any]:
    out: dict[str, Any] = {f: getattr(row, f) for f in _SHOWN}
    out["changed_at"] = row.changed_at.isoformat()
    out["source_sequence"] = row.source_sequence
    out["event_id"] = str(row.event_id)
    out["event_type"] = row.event_type
    return out


async def _project(
    session: AsyncSession, envelope: EventEnvelope, fields: dict[str, Any]
) -> CaseStage | None:
    """Write ``fields`` on the case's row if ``envelope`` supersedes what it was written from;
    None when the event changes nothing (older, repeated, or a case intake does not hold)."""
    if not await repository.exists(session, envelope.case_id):
        return None  # every case id is intake's; nothing to project onto otherwise
    row = await repository.stage_for_update(session, envelope.case_id)
    new = StageMark(envelope.source, envelope.sequence, envelope.occurred_at)
    kept = None if row is None else StageMark(row.service, row.source_sequence, row.changed_at)
    if not supersedes(new, kept):
        return None
    before = None if row is None else snapshot(row)
    if row is None:
        row = CaseStage(case_id=envelope.case_id, owner=None, team=None, closure_code=None)
        repository.add(session, row)
    elif row.service != envelope.source:
        row.owner = row.team = row.closure_code = None  # another service's holder is not this one's
    for name, value in fields.items():
        setattr(row, name, value)
    row.service = envelope.source
    row.changed_at = envelope.occurred_at
    row.source_sequence = envelope.sequence
    row.event_id = envelope.id
    row.event_type = envelope.type
    await session.flush()
    audit_effect(
        session,
        envelope,
        entity_type="case_stage",
        entity_id=envelope.case_id,
        action="case.stage_projected",
        before=before,
        after=snapshot(row),
    )
    return row


async def project_status_changed(
    session: AsyncSession, *, envelope: EventEnvelope, payload: CaseStatusChangedV1
) -> CaseStage | None:
    return await _project(
        session,
        envelope,
        {
            "status": payload.status,
            "owner": payload.owner,
            "team": payload.team,
            "closure_code": payload.closure_code,
        },
    )


async def project_closed(
    session: AsyncSession, *, envelope: EventEnvelope, payload: CaseClosedV1
) -> CaseStage | None:
    return await _project(
        session, envelope, {"status": CLOSED, "closure_code": payload.closure_code}
    )


async def project_proposed(
    session: AsyncSession, *, envelope: EventEnvelope, payload: ProposalIssuedV1
) -> CaseStage | None:
    return await _project(session, envelope, {"status": PROPOSED, "closure_code": None})

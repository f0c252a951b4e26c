"""``assessment.case.status_changed``: where a case stands at assessment, for intake's register.

Intake's case record is the register a front end opens first (DESIGN §1), so assessment tells
it every change of a case's status, holder or closure code:

- on opening (T13–T16): :func:`announce_opened`, from the referral's handler;
- afterwards: :class:`CaseAudited` is the case's ``Audited`` (``service.CASE``). Every act on the
  case goes through ``CASE.change(...)`` (architecture.md, "a guarded change"), and so does
  every ``state.transition()``; after the block, when the snapshot's status, owner, team or
  closure code differs from the one taken before it, the event goes out in the same
  transaction. No caller has to remember it.

Ids and codes only, like every assessment event.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from shared.auth import Principal
from shared.changes import Audited
from shared.events.contracts.assessment import CaseStatusChangedV1
from shared.outbox.emit import emit

# The snapshot fields the register shows: a change to any of them is announced.
ANNOUNCED = ("status", "owner", "team", "closure_code")


def changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether the register's view of the case moved between two snapshots."""
    return any(before.get(f) != after.get(f) for f in ANNOUNCED)


def _payload(case: Case, previous_status: str | None) -> CaseStatusChangedV1:
    return CaseStatusChangedV1(
        reference=case.reference,
        status=case.status.value,
        previous_status=previous_status,
        owner=case.owner,
        team=case.team,
        closure_code=case.closure_code,
    )


async def announce(
    session: AsyncSession,
    case: Case,
    *,
    previous_status: str | None,
    actor: str | None,
    at: datetime,
) -> None:
    """Emit the case's current place at assessment, in the caller's transaction."""
    await emit(
        session, _payload(case, previous_status), case_id=case.id, actor=actor, occurred_at=at
    )


async def announce_opened(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    reference: str,
    status: str,
    actor: str | None,
    at: datetime,
) -> None:
    """T13–T16: the record was opened from intake's referral; nobody holds it yet."""
    payload = CaseStatusChangedV1(
        reference=reference, status=status, previous_status=None, owner=None, team=None
    )
    await emit(session, payload, case_id=case_id, actor=actor, occurred_at=at)


class CaseAudited(Audited[Case]):
    """The case's audit description, which also announces a change the register shows."""

    async def record(
        self,
        session: AsyncSession,
        obj: Case,
        *,
        actor: Principal,
        action: str,
        before: dict[str, Any] | None,
        reason: str | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        await super().record(
            session, obj, actor=actor, action=action, before=before, reason=reason, after=after
        )
        now = after if after is not None else self.snapshot(obj)
        if before is not None and changed(before, now):
            at = obj.status_changed_at
            if before.get("status") == now.get("status") and obj.updated_at > at:
                at = obj.updated_at  # a change of holder: when the row changed
            await announce(
                session, obj, previous_status=before.get("status"), actor=actor.sub, at=at
            )

"""Triage data built in the database: an approved threshold set, as the Executive Team's
decision leaves it (tests/assessment/triage/test_triage_api.py proves the HTTP way)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.triage.models import ThresholdSet, ThresholdSetStatus, TriageApproval


async def make_threshold_set(
    session: AsyncSession, *, effective_from: date, decline_below: int, version: int = 1
) -> ThresholdSet:
    at = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    set_id, approval_id = uuid.uuid4(), uuid.uuid4()
    session.add(
        TriageApproval(
            id=approval_id, kind="pvm_threshold_set", subject_id=set_id, level="executive_team",
            rule="ASM-046", requested_by="om-1", requested_at=at, evidence={},
            decision="approved", decided_by="do-1", decided_by_roles=["deputy_ombudsman"],
            decided_at=at, decision_reason="Agreed",
        )
    )  # fmt: skip
    threshold = ThresholdSet(
        id=set_id, version=version, effective_from=effective_from, decline_below=decline_below,
        rationale="Capacity and demand this quarter", status=ThresholdSetStatus.approved,
        proposed_by="om-1", proposed_at=at, approval_id=approval_id, approved_by="do-1",
        approved_at=at,
    )  # fmt: skip
    session.add(threshold)
    await session.flush()
    return threshold

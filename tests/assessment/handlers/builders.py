"""Complaint handler records built in the database, so HTTP is for the behaviour under test."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.handlers.models import HandlerRecord, OrganisationOnCase
from assessment_api.handlers.rules import OrganisationRole, Scope
from tests.assessment.cases.builders import CW

AT = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
ORIGINAL = uuid.UUID("0b6f3c1e-5d1c-4c8e-9d61-0f4f4d0c9a11")  # the case builder's organisation
HANDLER = uuid.UUID("5c2d8e4a-1f3b-4a6c-9e7d-2b8f0c4d6a22")
CONTRACTOR = uuid.UUID("9e4f1a2b-6c3d-4e8f-a1b2-3c4d5e6f7a33")


async def make_handlers(
    session: AsyncSession,
    case: Case,
    *,
    scope: Scope = Scope.original_only,
    organisations: tuple[tuple[uuid.UUID, OrganisationRole, bool | None], ...] = (),
    **values: Any,
) -> HandlerRecord:
    """The case's handler record with ``organisations`` as (id, role, stage complete)."""
    record = HandlerRecord(
        id=uuid.uuid4(),
        case_id=case.id,
        health=case.jurisdiction == "health",
        scope=scope,
        handler_only_said_at_intake=False,
        opened_by=CW,
        ifr=False,
        changed_at=AT,
        version=1,
        **values,
    )
    session.add(record)
    for organisation_id, role, complete in organisations:
        session.add(
            OrganisationOnCase(
                id=uuid.uuid4(),
                case_id=case.id,
                organisation_id=organisation_id,
                role=role,
                acts_for_organisation_id=ORIGINAL if role is OrganisationRole.contractor else None,
                complaints_stage_complete=complete,
                added_by=CW,
                added_at=AT,
            )
        )
    await session.flush()
    return record

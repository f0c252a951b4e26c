"""Test data for the casework kit's tests: a minimal intake case row, built through the ORM."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case, CaseType, Channel
from intake_api.cases.state import CaseStatus


async def make_case(session: AsyncSession, **overrides: Any) -> Case:
    """A flushed case with only the columns the table requires (version 1)."""
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "reference": f"KIT-{uuid.uuid4().hex[:12]}",
        "status": CaseStatus.received,
        "case_type": CaseType.complaint,
        "channel": Channel.letter,
        "received_date": date(2026, 11, 2),
        "created_by": "kit-test-builder",
    }
    values.update(overrides)
    case = Case(**values)
    session.add(case)
    await session.flush()
    return case

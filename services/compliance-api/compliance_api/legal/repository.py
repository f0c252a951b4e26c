"""Every query of the legal module."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.legal.models import NEEDS_ATTENTION_SQL, LegalReferral, RiskPrompt

# Parenthesised: the statement ANDs more conditions to it (the index's predicate as written).
_NEEDS_ATTENTION = text(f"({NEEDS_ATTENTION_SQL})")


def add(session: AsyncSession, *rows: LegalReferral | RiskPrompt) -> None:
    session.add_all(rows)


async def referrals_of_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[LegalReferral]:
    """The case's referrals, newest received first."""
    stmt = (
        select(LegalReferral)
        .where(LegalReferral.case_id == case_id)
        .order_by(LegalReferral.received_at.desc(), LegalReferral.id.desc())
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(tuple_(LegalReferral.received_at, LegalReferral.id) < after)
    return (await session.scalars(stmt)).all()


async def needing_attention(
    session: AsyncSession,
    *,
    now: datetime,
    open_only: bool,
    kind: str | None,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[LegalReferral]:
    """Referrals by due time, one range of ``ix_legal_referral_attention``.

    ``open_only``: every open referral. Otherwise the late-referrals queue: open ones past their
    due time (``kind`` overdue) and ones referred late (``kind`` late), or both.
    """
    stmt = (
        select(LegalReferral)
        .where(_NEEDS_ATTENTION)
        .order_by(LegalReferral.due_at, LegalReferral.id)
        .limit(limit)
    )
    if open_only:
        stmt = stmt.where(LegalReferral.done_at.is_(None))
    else:
        # A late referral was due before it was made, so before now: the range ends at now.
        stmt = stmt.where(LegalReferral.due_at < now)
        if kind == "overdue":
            stmt = stmt.where(LegalReferral.done_at.is_(None))
        elif kind == "late":
            stmt = stmt.where(LegalReferral.late.is_(True))
        else:
            stmt = stmt.where(or_(LegalReferral.done_at.is_(None), LegalReferral.late.is_(True)))
    if after is not None:
        stmt = stmt.where(tuple_(LegalReferral.due_at, LegalReferral.id) > after)
    return (await session.scalars(stmt)).all()


async def prompts_of_case(session: AsyncSession, case_id: uuid.UUID) -> Sequence[RiskPrompt]:
    stmt = (
        select(RiskPrompt)
        .where(RiskPrompt.case_id == case_id)
        .order_by(RiskPrompt.raised_at, RiskPrompt.id)
    )
    return (await session.scalars(stmt)).all()

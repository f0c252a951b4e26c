"""Legal-action wording found in what a party told us (XC-RSK-004, CMP-025, CMP-126).

The casework kit scans an inbound communication, a call or a contact note as it is recorded
(``shared.casework.communications``); when terms are found, intake announces them with
``intake.correspondence.legal_terms_found`` in the recording's transaction (outbox), and
compliance-api opens the Legal Team referral, due within 24 hours of receipt (C-23), and a
Legal risk prompt. The event carries term keys and positions, never the text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case, Communication, ContactAttempt
from shared.auth import Principal
from shared.events.contracts.intake import LegalTermAt, LegalTermsFoundV1
from shared.outbox.emit import emit


async def _announce(
    session: AsyncSession,
    case: Case,
    *,
    record_id: Any,
    record_type: str,
    medium: str,
    direction: str,
    received_at: datetime,
    scan: dict[str, Any],
    actor: Principal,
) -> None:
    event = LegalTermsFoundV1(
        reference=case.reference,
        communication_id=record_id,
        communication_type=record_type,
        medium=medium,
        direction=direction,
        received_at=received_at,
        terms=list(scan["terms"]),
        matches=[LegalTermAt.model_validate(m) for m in scan["matches"]],
        scanner=scan["scanner"],
    )
    await emit(session, event, case_id=case.id, actor=actor.sub)


async def announce_communication(
    session: AsyncSession, case: Case, comm: Communication, *, actor: Principal
) -> None:
    """Announce the legal-action terms the kit found in ``comm`` (its scan is stored)."""
    assert comm.legal_scan is not None  # scanned by the kit before it was added
    await _announce(
        session, case, record_id=comm.id, record_type="communication", medium=comm.medium,
        direction=comm.direction, received_at=comm.occurred_at, scan=comm.legal_scan,
        actor=actor,
    )  # fmt: skip


async def announce_contact_attempt(
    session: AsyncSession, case: Case, attempt: ContactAttempt, *, actor: Principal
) -> None:
    """Announce the legal-action terms the kit found in ``attempt``'s notes."""
    assert attempt.legal_scan is not None
    await _announce(
        session, case, record_id=attempt.id, record_type="contact_attempt",
        medium=attempt.channel, direction=attempt.direction, received_at=attempt.attempted_at,
        scan=attempt.legal_scan, actor=actor,
    )  # fmt: skip

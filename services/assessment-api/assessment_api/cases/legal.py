"""Legal-action wording in what a party told assessment (XC-RSK-004, CMP-025, CMP-126).

Every communication or contact attempt assessment records goes through the casework kit's scan
(``shared.casework.communications.scan_communication`` / ``scan_contact_attempt``: the kit refuses
to store an inbound letter, a call or a contact note without it). When the scan finds terms,
assessment announces them with ``assessment.correspondence.legal_terms_found`` in the recording's
transaction, and compliance-api opens the Legal Team referral, due within 24 hours of receipt
(C-23), and a Legal risk prompt, as it does for intake's. Term keys and positions only.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from shared.auth import Principal
from shared.casework.communications import (
    CommunicationColumns,
    ContactAttemptColumns,
    legal_scan,
    scan_communication,
    scan_contact_attempt,
)
from shared.events.contracts.assessment import AssessmentLegalTermsFoundV1
from shared.events.contracts.intake import LegalTermAt
from shared.outbox.emit import emit


async def _announce(
    session: AsyncSession,
    case: Case,
    *,
    scan: dict[str, Any],
    record_id: object,
    record_type: str,
    medium: str,
    direction: str,
    received_at: datetime,
    actor: Principal,
) -> None:
    event = AssessmentLegalTermsFoundV1.model_validate(
        {
            "reference": case.reference,
            "communication_id": record_id,
            "communication_type": record_type,
            "medium": medium,
            "direction": direction,
            "received_at": received_at,
            "terms": scan["terms"],
            "matches": [LegalTermAt.model_validate(m) for m in scan["matches"]],
            "scanner": scan["scanner"],
        }
    )
    await emit(session, event, case_id=case.id, actor=actor.sub)


async def scan_and_announce_communication(
    session: AsyncSession, case: Case, row: CommunicationColumns, *, actor: Principal
) -> list[str]:
    """Scan ``row`` before it is added (the kit stores the scan) and announce any terms found."""
    terms = scan_communication(row)
    if terms and row.legal_scan is not None:
        await _announce(
            session, case, scan=row.legal_scan, record_id=getattr(row, "id"),  # noqa: B009
            record_type="communication", medium=row.medium, direction=row.direction,
            received_at=row.occurred_at, actor=actor,
        )  # fmt: skip
    return terms


async def scan_and_announce_contact_attempt(
    session: AsyncSession, case: Case, row: ContactAttemptColumns, *, actor: Principal
) -> list[str]:
    """Scan a contact attempt's notes before it is added and announce any terms found."""
    terms = scan_contact_attempt(row)
    if terms and row.legal_scan is not None:
        await _announce(
            session, case, scan=row.legal_scan, record_id=getattr(row, "id"),  # noqa: B009
            record_type="contact_attempt", medium=row.channel, direction=row.direction,
            received_at=row.attempted_at, actor=actor,
        )  # fmt: skip
    return terms


async def scan_and_announce_notes(
    session: AsyncSession,
    case: Case,
    notes: Mapping[str, str | None],
    *,
    record_id: uuid.UUID,
    medium: str,
    direction: str,
    received_at: datetime,
    actor: Principal,
) -> dict[str, Any]:
    """Scan notes that belong to a contact attempt but are kept beside it (the further
    consideration checklist's, one field per item) with the kit's scanner, and announce any
    terms found as the attempt's. Returns the scan; each row stores the kit's scan of its own
    note, which its table's CHECK requires."""
    scan = legal_scan(dict(notes))
    if scan["terms"]:
        await _announce(
            session, case, scan=scan, record_id=record_id, record_type="contact_attempt",
            medium=medium, direction=direction, received_at=received_at, actor=actor,
        )  # fmt: skip
    return scan

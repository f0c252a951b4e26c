"""Suitability assessments built in the database, so HTTP is for the behaviour under test."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.suitability.models import SuitabilityAssessment
from assessment_api.suitability.rules import PartyLike
from assessment_api.suitability.schemas import SuitabilityContent
from tests.assessment.cases.builders import CW
from tests.assessment.intake_peer import STAND_IN_COMPLAINANT

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
FACTORS: dict[str, Any] = {
    "information_considered": "The aggrieved's medical records and the complaint file.",
    "conflict_of_interest": False,
    "aggrieved_would_object": False,
    "not_in_best_interests": False,
    "outcome": "suitable",
    "reasons": "Close family; nothing suggests the aggrieved would object.",
}
REPRESENTATIVE_ROLES = ("representative (person)", "representative (organisation)")


async def make_suitability(
    session: AsyncSession, case_id: uuid.UUID, **content: Any
) -> SuitabilityAssessment:
    """The case's assessment with ``content`` (validated as the API would)."""
    valid = SuitabilityContent.model_validate(content)
    row = SuitabilityAssessment(
        id=uuid.uuid4(),
        case_id=case_id,
        content=valid.model_dump(mode="json"),
        recorded_by=CW,
        recorded_at=AT,
    )
    session.add(row)
    await session.flush()
    return row


def _first(parties: Sequence[PartyLike], *roles: str) -> uuid.UUID | None:
    return next((p.person_id for p in parties if p.role in roles), None)


async def make_suitability_ready(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    parties: Sequence[PartyLike] = (),
) -> SuitabilityAssessment:
    """A complete assessment that finds the person complaining suitable (ready for a decline or
    a proposal alike), agreeing with intake's ``parties`` where they follow ASM-113: no
    representative, the aggrieved complains personally; a representative who is the complainant,
    (a) the aggrieved is deceased; a representative beside the complainant, (b)/(d) the
    complainant is the aggrieved with capacity and consented by telephone. Without ``parties``,
    intake's are the stand-in's: its one complainant complains personally."""
    complainant = _first(parties, "complainant") or STAND_IN_COMPLAINANT
    rep = _first(parties, *REPRESENTATIVE_ROLES)
    if rep is None:
        return await make_suitability(
            session, case_id, complainant_is_aggrieved=True, aggrieved_person_id=complainant
        )
    relationship = (
        "organisation"
        if any(p.person_id == rep and p.role == REPRESENTATIVE_ROLES[1] for p in parties)
        else "family_member"
    )
    representative = {"person_id": rep, "relationship": relationship, **FACTORS}
    if any(p.person_id == rep and p.role == "complainant" for p in parties):
        return await make_suitability(
            session,
            case_id,
            complainant_is_aggrieved=False,
            aggrieved_person_id=_first(parties, "aggrieved") or uuid.uuid4(),
            aggrieved_status="deceased",
            representative=representative,
        )
    return await make_suitability(
        session,
        case_id,
        complainant_is_aggrieved=True,
        aggrieved_person_id=complainant,
        aggrieved_status="has_capacity",
        representative=representative,
        consent={"method": "telephone", "given_on": "2026-10-28"},
    )

"""Use cases of the suitability assessment (ASM-109…113, ¶2.247–2.264).

One assessment per case at further consideration: created once, then saved whole as a new
version under ``If-Match``, each save audited before → after. ``rules.save_problems`` refuses an
assessment that contradicts itself (422 ``suitability-invalid``, naming each requirement); what
is merely missing is listed as its gaps.

For the decisions (the gates contract): ``decision_gaps(session, case_id, *, proposing,
closure_code, parties)`` lists what stands in the way of a decline, resolution or proposal. It
compares the assessment with intake's parties (ASM-113), so it takes the parties the deciding
route has already read (``closing.service.case_parties``) rather than an HTTP client of its own.
``case_conclusion`` is what the Decision Form's suitability answer must agree with (ASM-091).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.errors import CaseNotFound
from assessment_api.cases.models import Case
from assessment_api.cases.service import get_case
from assessment_api.cases.state import CaseStatus
from assessment_api.closing import service as closing
from assessment_api.suitability import repository
from assessment_api.suitability.errors import (
    SuitabilityExists,
    SuitabilityInvalid,
    SuitabilityNotAtFurtherConsideration,
    SuitabilityNotRecorded,
)
from assessment_api.suitability.models import SuitabilityAssessment
from assessment_api.suitability.rules import (
    Conclusion,
    PartyLike,
    Problem,
    conclusion,
    decision_problems,
    expected_representative_role,
    gaps,
    save_problems,
)
from assessment_api.suitability.schemas import (
    SuitabilityContent,
    SuitabilityProblem,
    SuitabilityRead,
    SuitabilityReadiness,
    SuitabilitySave,
)
from shared.auth import Principal
from shared.changes import Audited, load_for_update
from shared.clients import ServiceClient

__all__ = ["Conclusion", "case_conclusion", "decision_gaps"]


def _snapshot(row: SuitabilityAssessment) -> dict[str, Any]:
    return {
        "case_id": str(row.case_id),
        "version": row.version,
        "content": row.content,
        "recorded_by": row.recorded_by,
        "recorded_at": row.recorded_at.isoformat(),
    }


ASSESSMENT: Audited[SuitabilityAssessment] = Audited(
    entity_type="suitability_assessment", snapshot=_snapshot, case_id=lambda r: r.case_id
)


def _content(row: SuitabilityAssessment) -> SuitabilityContent:
    return SuitabilityContent.model_validate(row.content)


def _problem(p: Problem) -> SuitabilityProblem:
    return SuitabilityProblem(requirement=p.requirement, field=p.field, detail=p.detail)


def _stored(data: SuitabilitySave, today: date) -> dict[str, Any]:
    content = SuitabilityContent.model_validate(data.model_dump(exclude={"reason"}))
    problems = save_problems(content, today)
    if problems:
        raise SuitabilityInvalid(
            "; ".join(f"{p.requirement} {p.field}: {p.detail}" for p in problems),
            extensions={"problems": [_problem(p).model_dump(mode="json") for p in problems]},
        )
    return content.model_dump(mode="json")


async def _locked_case(session: AsyncSession, case_id: uuid.UUID) -> Case:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    if case.status is not CaseStatus.further_consideration:
        raise SuitabilityNotAtFurtherConsideration(
            f"The case is {case.status.value}, not at further consideration",
            extensions={"current_status": case.status.value},
        )
    return case


async def create_assessment(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: SuitabilitySave,
    actor: Principal,
    at: datetime,
    today: date,
) -> SuitabilityAssessment:
    """The case's first version (the case row is locked, so two creates give one assessment and
    one 409 ``suitability-exists``)."""
    await _locked_case(session, case_id)
    if await repository.for_case(session, case_id) is not None:
        raise SuitabilityExists("Save a new version with PUT and If-Match")
    row = SuitabilityAssessment(
        id=uuid.uuid4(), case_id=case_id, content=_stored(data, today), recorded_by=actor.sub,
        recorded_at=at,
    )  # fmt: skip
    repository.add(session, row)
    await ASSESSMENT.created(
        session, row, actor=actor, action="suitability.recorded", reason=data.reason
    )
    return row


async def save_assessment(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: SuitabilitySave,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> SuitabilityAssessment:
    """A new version of the whole assessment, on the current one (``If-Match`` required)."""
    await _locked_case(session, case_id)
    found = await repository.for_case(session, case_id)
    if found is None:
        raise SuitabilityNotRecorded(f"Case {case_id} has no suitability assessment")
    row = await load_for_update(
        session, SuitabilityAssessment, found.id, if_match=if_match,
        missing=SuitabilityNotRecorded, required=True,
    )  # fmt: skip
    stored = _stored(data, today)
    async with ASSESSMENT.change(
        session, row, actor=actor, action="suitability.saved", reason=data.reason
    ):
        row.content = stored
        row.recorded_by = actor.sub
        row.recorded_at = at
    return row


async def read_assessment(session: AsyncSession, *, case_id: uuid.UUID) -> SuitabilityRead:
    await get_case(session, case_id)
    row = await repository.for_case(session, case_id)
    if row is None:
        raise SuitabilityNotRecorded(f"Case {case_id} has no suitability assessment")
    content = _content(row)
    rep = content.representative
    return SuitabilityRead(
        id=row.id,
        case_id=row.case_id,
        version=row.version,
        content=content,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        conclusion=conclusion(content),
        gaps=[_problem(p) for p in gaps(content)],
        expected_representative_role=None
        if rep is None
        else expected_representative_role(rep.relationship),
    )


async def case_conclusion(session: AsyncSession, case_id: uuid.UUID) -> Conclusion | None:
    """What the case's assessment concludes (None: not recorded). The Decision Form's
    "suitable" answer agrees with it (ASM-091)."""
    row = await repository.for_case(session, case_id)
    return None if row is None else conclusion(_content(row))


async def decision_gaps(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None,
    parties: Sequence[PartyLike],
) -> list[tuple[str, str]]:
    """(requirement ID, what is missing) for each unmet condition; [] when ready. ``parties``
    are intake's, as the deciding route read them (``closing.service.case_parties``). Pure read.
    """
    row = await repository.for_case(session, case_id)
    content = None if row is None else _content(row)
    found = decision_problems(content, parties, proposing=proposing, closure_code=closure_code)
    return [(p.requirement, f"{p.field}: {p.detail}") for p in found]


async def readiness(
    session: AsyncSession, client: ServiceClient, *, case_id: uuid.UUID
) -> SuitabilityReadiness:
    """What stands in the way of a decline and of a proposal, intake's roles included (503
    ``intake-unavailable`` when intake cannot say)."""
    await get_case(session, case_id)
    parties = await closing.case_parties(client, case_id)
    row = await repository.for_case(session, case_id)
    content = None if row is None else _content(row)

    def listed(proposing: bool) -> list[SuitabilityProblem]:
        return [
            _problem(p)
            for p in decision_problems(content, parties, proposing=proposing, closure_code=None)
        ]

    return SuitabilityReadiness(before_decline=listed(False), before_proposal=listed(True))

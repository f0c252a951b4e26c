"""Complaint summaries and components built in the database, so HTTP is for the behaviour under
test; ``make_components_ready`` is the gates contract's builder (a case ready for a decision as
far as ASM-105, ASM-106, ASM-108 and ASM-176 go)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.cases.rules import RESOLUTION_CODES, Discretion, OtherReason
from assessment_api.components.models import ComplaintComponent, ComplaintSummary
from assessment_api.components.rules import ComponentArea, ComponentDecision
from assessment_api.handlers.models import HandlerRecord, OrganisationDecision, OrganisationOnCase
from assessment_api.handlers.rules import OrganisationRole, Scope
from tests.assessment.cases.builders import CW

AT = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
ISSUE = "Missed infection"
OTHER_ISSUE = "Receptionist's manner"
# The decline the cases tests send (tests/assessment/cases/test_decisions.py DECLINE).
DECLINED: dict[str, Any] = {
    "decision": ComponentDecision.decline,
    "closure_code": "other reason to decline",
    "discretion": Discretion.general,
    "other_reason": OtherReason.outcome_not_achievable,
    "rationale": "The practice has apologised and changed its procedure.",
    "material_evidence": ["DOC-0001"],
}


async def make_summary(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    issues: Sequence[str] = (ISSUE,),
    told: bool = True,
    excluded: Sequence[dict[str, Any]] = (),
) -> ComplaintSummary:
    summary = ComplaintSummary(
        id=uuid.uuid4(), case_id=case_id, summary="The practice missed an infection in March.",
        issues=list(issues), excluded_issues=list(excluded), discussed_on=date(2026, 11, 3),
        complainant_told_on=date(2026, 11, 4) if told else None,
        complainant_told_how="letter" if told else None,
        saved_by=CW, saved_at=AT, version=1,
    )  # fmt: skip
    session.add(summary)
    await session.flush()
    return summary


async def organisation_on_case(
    session: AsyncSession, case: Case, organisation_id: uuid.UUID | None = None
) -> OrganisationOnCase:
    """The organisation on the case (the first intake referred by default), with the handler
    record if the case has none yet: the organisation complained about (health: the provider),
    its complaints process complete (ASM-071, ASM-078)."""
    record = await session.scalar(select(HandlerRecord).where(HandlerRecord.case_id == case.id))
    if record is None:
        record = HandlerRecord(
            id=uuid.uuid4(), case_id=case.id, health=case.jurisdiction == "health",
            scope=Scope.original_only, handler_only_said_at_intake=False, opened_by=CW,
            ifr=False, changed_at=AT, version=1,
        )  # fmt: skip
        session.add(record)
    wanted = organisation_id or case.organisation_ids[0]
    org = await session.scalar(
        select(OrganisationOnCase).where(
            OrganisationOnCase.case_id == case.id, OrganisationOnCase.organisation_id == wanted
        )
    )
    if org is None:
        org = OrganisationOnCase(
            id=uuid.uuid4(), case_id=case.id, organisation_id=wanted,
            role=OrganisationRole.provider if record.health else OrganisationRole.original,
            complaints_stage_complete=True, added_by=CW, added_at=AT,
        )  # fmt: skip
        session.add(org)
    await session.flush()
    return org


async def make_component(
    session: AsyncSession,
    org: OrganisationOnCase,
    *,
    area: ComponentArea = ComponentArea.diagnosis,
    issues: Sequence[str] = (ISSUE,),
    recorded_at: datetime = AT,
    decided: dict[str, Any] | None = None,
    **values: Any,
) -> ComplaintComponent:
    """A component of ``org``'s case; ``decided`` its decision's fields (None: undecided)."""
    decision: dict[str, Any] = {}
    if decided is not None:
        decision = {"decided_by": CW, "decided_at": recorded_at, **decided}
    defaults: dict[str, Any] = {
        "material_evidence": [], "premature_factors": [], "sent_back_to_organisation": False,
        "organisation_agreed_to_respond": False, "complainant_told_time_limit": False,
    }  # fmt: skip
    component = ComplaintComponent(
        id=uuid.uuid4(), case_id=org.case_id, case_organisation_id=org.id,
        organisation_id=org.organisation_id, area=area,
        summary_description="The GP did not recognise the signs of an infection.",
        issues=list(issues), recorded_by=CW, recorded_at=recorded_at, version=1,
        **(defaults | decision | values),
    )  # fmt: skip
    session.add(component)
    await session.flush()
    return component


async def make_organisation_decision(
    session: AsyncSession, org: OrganisationOnCase, decision: str
) -> OrganisationDecision:
    existing = await session.scalar(
        select(OrganisationDecision).where(OrganisationDecision.case_organisation_id == org.id)
    )
    if (
        existing is not None
    ):  # recorded already (through handlers' route): as the components make it
        existing.decision = decision
        existing.investigate = decision == "propose to investigate"
        await session.flush()
        return existing
    row = OrganisationDecision(
        id=uuid.uuid4(), case_id=org.case_id, case_organisation_id=org.id,
        organisation_id=org.organisation_id, decision=decision,
        investigate=decision == "propose to investigate",
        rationale="As the components make it.", decided_by=CW, decided_at=AT, version=1,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return row


async def make_components_ready(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None = None,
    discretion: str | None = None,
    other_reason: str | None = None,
) -> None:
    """The gates contract: the summary agreed and told (ASM-105), one component for the case's
    first organisation covering its issue (ASM-108), decided (proposed; or declined as 'other
    reason to decline', 'outcome not achievable', general discretion, as the cases tests'
    decline; resolved for a resolution's code), and the organisation decision its component
    makes (ASM-176)."""
    case = await session.get(Case, case_id)
    assert case is not None
    await make_summary(session, case_id)
    org = await organisation_on_case(session, case)
    if proposing:
        await make_component(
            session, org,
            decided={"decision": ComponentDecision.propose, "rationale": "Indications of failing."},
        )  # fmt: skip
        await make_organisation_decision(session, org, "propose to investigate")
    elif closure_code in RESOLUTION_CODES:  # T33: the component the resolution resolves
        await make_component(
            session, org,
            decided={"decision": ComponentDecision.resolved, "rationale": "The trust will pay.",
                     "material_evidence": ["DOC-0001"]},
        )  # fmt: skip
        await make_organisation_decision(session, org, "resolution")
    else:
        # The decline being made, when the caller names it (its code, discretion and reason).
        declined = DECLINED if closure_code is None else DECLINED | {
            "closure_code": closure_code, "discretion": discretion, "other_reason": other_reason,
        }  # fmt: skip
        await make_component(session, org, decided=declined)
        await make_organisation_decision(session, org, str(declined["closure_code"]))

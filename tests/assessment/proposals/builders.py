"""Proposals built in the database, so HTTP is for the behaviour under test: a plan ready to be
issued (the decision-gate contract's ``make_proposals_ready``), and a proposal already issued
with one comment deadline per recipient."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case, InvestigationProposal
from assessment_api.handlers import service as handlers
from assessment_api.proposals.models import ProposalCommentDeadline, ProposalPlan
from assessment_api.proposals.rules import RecipientKind
from assessment_api.proposals.service import PROPOSAL_COMMENTS
from shared.calendar import WorkingCalendar
from shared.casework.deadlines import new_deadline
from tests.assessment.cases.builders import CW

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def organisation_row(
    organisation_id: uuid.UUID, *, parliamentary: bool, **values: Any
) -> dict[str, Any]:
    """One organisation of a plan as the service stores it (a trust, or a department with its
    Principal Officer), with nothing missing."""
    row: dict[str, Any] = {
        "organisation_id": str(organisation_id), "part": "organisation", "investigated": True,
        "basis": "legal",
        "kind": "government_department" if parliamentary else "nhs_trust",
        "jurisdiction": "parliamentary" if parliamentary else "health",
        "acts_for": None, "handles_complaints_on_behalf_of": None,
        "addressee": "Principal Officer (Permanent Secretary)" if parliamentary
        else "Chief Executive",
        "copies": [] if parliamentary
        else ["the complaints team or complaints manager (complaints)"],
        "addressing_rule": "ASM-164 ¶3.82–3.83" if parliamentary else "ASM-166 ¶3.88",
        "principal_officer_title": "Permanent Secretary" if parliamentary else None,
        "focal_point_team": None, "contract_type": None, "contract_copy_requested": False,
        "pv_opt_out_reference": None, "source": "test builder",
    }  # fmt: skip
    return row | values


async def make_plan(session: AsyncSession, case_id: uuid.UUID, **values: Any) -> ProposalPlan:
    """A plan for the case's organisations (the handlers', else the referred ones)."""
    case = await session.get(Case, case_id)
    assert case is not None
    ids = await handlers.proposal_organisation_ids(session, case_id) or case.organisation_ids
    parliamentary = case.jurisdiction == "parliamentary"
    plan = ProposalPlan(
        id=uuid.uuid4(), case_id=case_id, scope="The handling of the complaint",
        injustice_claimed="Distress", outcome_sought="An apology",
        organisations=[organisation_row(o, parliamentary=parliamentary) for o in ids],
        organisation_inputs=[], named_persons=[], issues=[], prepared_by=CW, changed_at=AT,
    )  # fmt: skip
    for key, value in values.items():
        setattr(plan, key, value)
    session.add(plan)
    await session.flush()
    return plan


async def make_proposals_ready(
    session: AsyncSession, case_id: uuid.UUID, *, proposing: bool
) -> None:
    """The proposal ready for a decision: a plan with nothing missing (nothing is needed for a
    decline or a resolution)."""
    if proposing:
        await make_plan(session, case_id)


async def make_issued(
    session: AsyncSession,
    case: Case,
    *,
    issued_on: date,
    recipients: Sequence[tuple[RecipientKind, uuid.UUID]],
) -> tuple[InvestigationProposal, list[ProposalCommentDeadline]]:
    """A proposal issued on ``issued_on`` with one C-15 deadline per recipient (the letters
    themselves are tested through ``POST /v1/cases/{id}/proposal``)."""
    at = datetime.combine(issued_on, time(10, 0), tzinfo=UTC)
    proposal = InvestigationProposal(
        id=uuid.uuid4(), case_id=case.id, rationale="Indications of service failure",
        risk_assessment_id=uuid.uuid4(), proposed_by=CW, proposed_at=at,
    )  # fmt: skip
    session.add(proposal)
    await session.flush()
    rows = [
        new_deadline(
            ProposalCommentDeadline,
            rule=PROPOSAL_COMMENTS,
            starts_on=issued_on,
            calendar=WorkingCalendar(),
            case_id=case.id,
            proposal_id=proposal.id,
            recipient_kind=kind,
            recipient_id=rid,
        )
        for kind, rid in recipients
    ]
    session.add_all(rows)
    await session.flush()
    return proposal, rows

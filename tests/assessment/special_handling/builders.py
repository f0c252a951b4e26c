"""Special handling built in the database (ASM-168, ASM-169), so HTTP is for the behaviour under
test; and the gates contract's builder that makes the domain ready for a decision."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.decision_form.models import DecisionForm
from assessment_api.special_handling.models import InvestigationPriority, LeadLink
from tests.assessment.cases.builders import CW, make_case

LINKED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LINE_MANAGER = "om-special-1"
PRIORITY_REASON = "The complainant has a terminal illness."


async def make_lead_link(
    session: AsyncSession, case: Case, lead: Case, *, linked_at: datetime = LINKED_AT
) -> LeadLink:
    """``case`` connected to its ``lead`` (ASM-168)."""
    link = LeadLink(
        id=uuid.uuid4(), case_id=case.id, lead_case_id=lead.id,
        explanation="The same charging error; the lead is investigated.", linked_by=CW,
        linked_at=linked_at, version=1,
    )  # fmt: skip
    session.add(link)
    await session.flush()
    return link


async def make_investigation_priority(
    session: AsyncSession,
    case: Case,
    *,
    discussed_at: datetime = LINKED_AT,
    line_manager_id: str = LINE_MANAGER,
) -> InvestigationPriority:
    """``case`` prioritised for investigation after a line-manager discussion (ASM-169)."""
    priority = InvestigationPriority(
        id=uuid.uuid4(), case_id=case.id, reason=PRIORITY_REASON,
        line_manager_id=line_manager_id, discussed_at=discussed_at,
        agreed="Prioritise for investigation; propose this week.", recorded_by=CW,
        recorded_at=discussed_at,
    )  # fmt: skip
    session.add(priority)
    await session.flush()
    return priority


async def make_decline_form(
    session: AsyncSession, case: Case, *, other_reason: str | None = "linked to lead"
) -> DecisionForm:
    """A Decision Form whose decision is a decline under 'other reason to decline' with
    ``other_reason`` (the form's other sections are another domain's)."""
    reason: dict[str, object] = {
        "closure_code": "other reason to decline",
        "discretion": "general",
        "rationale": "Declined: the lead complaint on the same error is being investigated.",
    }
    if other_reason is not None:
        reason["other_reason"] = other_reason
    form = DecisionForm(
        id=uuid.uuid4(), case_id=case.id,
        content={"decision": {"outcome": "decline", "decline_reason": reason}},
        saved_by=CW, saved_at=LINKED_AT, version=1,
    )  # fmt: skip
    session.add(form)
    await session.flush()
    return form


async def make_special_handling_ready(
    session: AsyncSession, case_id: uuid.UUID, *, proposing: bool
) -> None:
    """The gates contract: special handling has nothing missing before the decision. A proposal
    needs the case unlinked (a linked case is declined, ¶3.98); a decline the Decision Form
    explains as linked to the lead needs the link (¶3.99), made here to a new lead case."""
    from assessment_api.decision_form import service as decision_form
    from assessment_api.special_handling import repository

    link = await repository.link_of(session, case_id)
    if proposing:
        if link is not None:
            await session.execute(
                update(LeadLink)
                .where(LeadLink.id == link.id)
                .values(removed_at=LINKED_AT, removed_by=CW, removal_reason="Investigated itself")
            )
        return
    says_linked = await decision_form.recorded_other_reason(session, case_id)
    if link is None and says_linked is not None and says_linked.value == "linked to lead":
        case = await session.get(Case, case_id)
        assert case is not None
        lead = await make_case(session, status=CaseStatus.proposed_to_investigate)
        await make_lead_link(session, case, lead)

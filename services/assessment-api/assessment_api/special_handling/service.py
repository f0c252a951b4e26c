"""Use cases of special handling at further consideration (¶3.97–3.100).

- Linked to lead (ASM-168): ``link_to_lead`` connects a case to the lead case exemplifying the
  same error, with the explanation, audited; ``linked_cases`` lists a lead's linked cases, kept
  so their complainants can be contacted after the lead investigation (¶3.98);
  ``decision_gaps`` is this domain's part of the decision gates (a decline explained as linked
  to the lead needs the link; a linked case is declined under 'other reason to decline', and is
  not proposed).
- Exceptional prioritisation (ASM-169): ``prioritise_for_investigation`` records it only with
  the line-manager discussion that came first (who, when, what was agreed), audited;
  ``priority_ref`` is what the proposal to investigate (T35) tells investigation of it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.errors import CaseNotFound
from assessment_api.cases.models import Case
from assessment_api.cases.service import get_case
from assessment_api.cases.state import CaseStatus
from assessment_api.decision_form import service as decision_form
from assessment_api.special_handling import repository
from assessment_api.special_handling.errors import (
    InvestigationPriorityExists,
    InvestigationPriorityNotFound,
    LeadCaseInvalid,
    LeadIsLinked,
    LeadLinkExists,
    LeadLinkNotFound,
    LineManagerDiscussionInvalid,
    NotAtFurtherConsideration,
)
from assessment_api.special_handling.models import InvestigationPriority, LeadLink
from assessment_api.special_handling.rules import discussion_problems, lead_gaps
from assessment_api.special_handling.schemas import (
    InvestigationPriorityCreate,
    InvestigationPriorityRead,
    LeadLinkCreate,
    LeadLinkRead,
    LeadLinkRemoval,
    LinkedCasePage,
    LinkedCaseRead,
)
from assessment_api.staff import service as staff
from shared.auth import Principal
from shared.changes import Audited, load_for_update
from shared.errors import NotFound
from shared.events.contracts.assessment import InvestigationPriorityRef
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

__all__ = [
    "decision_gaps",
    "get_link",
    "get_priority",
    "link_to_lead",
    "linked_cases",
    "prioritise_for_investigation",
    "priority_ref",
    "remove_link",
]

LINK: Audited[LeadLink] = Audited(
    entity_type="lead_link",
    snapshot=lambda link: LeadLinkRead.model_validate(link).model_dump(mode="json"),
    case_id=lambda link: link.case_id,
)
PRIORITY: Audited[InvestigationPriority] = Audited(
    entity_type="investigation_priority",
    snapshot=lambda p: InvestigationPriorityRead.model_validate(p).model_dump(mode="json"),
    case_id=lambda p: p.case_id,
)
LINKED_CASES = Keyset("linked-cases", (key_datetime, key_uuid))


def _at_further_consideration(case: Case) -> None:
    if case.status is not CaseStatus.further_consideration:
        raise NotAtFurtherConsideration(
            f"The case is {case.status.value}, not at further consideration",
            extensions={"current_status": case.status.value},
        )


async def _locked_case(session: AsyncSession, case_id: uuid.UUID) -> Case:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    _at_further_consideration(case)
    return case


# --- Linked to lead (ASM-168) ----------------------------------------------------------------


async def link_to_lead(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: LeadLinkCreate,
    actor: Principal,
    at: datetime,
) -> LeadLink:
    """ASM-168 (¶3.99): connect the case to its lead case, with the explanation, audited. The
    case's row lock serialises two links of one case (the partial unique index backs it)."""
    case = await _locked_case(session, case_id)
    if data.lead_case_id == case.id:
        raise LeadCaseInvalid(
            "A case cannot be its own lead", extensions={"requirement": "ASM-168"}
        )
    try:
        await get_case(session, data.lead_case_id)
    except CaseNotFound:
        raise LeadCaseInvalid(
            f"No case with id {data.lead_case_id} at assessment to be the lead",
            extensions={"requirement": "ASM-168", "lead_case_id": str(data.lead_case_id)},
        ) from None
    if await repository.link_of(session, case.id) is not None:
        raise LeadLinkExists("The case is already connected to a lead case; remove that first")
    lead_link = await repository.link_of(session, data.lead_case_id)
    if lead_link is not None:
        raise LeadIsLinked(
            "The case named is itself linked to a lead: connect this case to that lead",
            extensions={"lead_case_id": str(lead_link.lead_case_id)},
        )
    link = LeadLink(
        id=uuid.uuid4(), case_id=case.id, lead_case_id=data.lead_case_id,
        explanation=data.explanation, linked_by=actor.sub, linked_at=at, version=1,
    )  # fmt: skip
    repository.add(session, link)
    await LINK.created(session, link, actor=actor, action="case.linked_to_lead")
    return link


async def get_link(session: AsyncSession, case_id: uuid.UUID) -> LeadLink:
    """The case's current link to its lead; 404 when it has none."""
    await get_case(session, case_id)
    link = await repository.link_of(session, case_id)
    if link is None:
        raise LeadLinkNotFound(f"Case {case_id} is not connected to a lead case")
    return link


async def remove_link(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: LeadLinkRemoval,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> LeadLink:
    """Remove a link made in error (kept, marked removed, audited with the reason)."""
    await _locked_case(session, case_id)
    current = await repository.link_of(session, case_id)
    if current is None:
        raise LeadLinkNotFound(f"Case {case_id} is not connected to a lead case")
    link = await load_for_update(
        session, LeadLink, current.id, if_match=if_match, missing=LeadLinkNotFound, required=True
    )
    async with LINK.change(
        session, link, actor=actor, action="case.lead_link_removed", reason=data.reason
    ):
        link.removed_by = actor.sub
        link.removed_at = at
        link.removal_reason = data.reason
    return link


async def linked_cases(
    session: AsyncSession, *, lead_case_id: uuid.UUID, limit: int, cursor: str | None
) -> LinkedCasePage:
    """The cases connected to the lead, in the order they were linked (¶3.98: to contact them
    once the lead is finished); keyset-paginated."""
    await get_case(session, lead_case_id)
    return await paginate(
        lambda after, rows: repository.linked_cases(session, lead_case_id, limit=rows, after=after),
        keyset=LINKED_CASES,
        cursor=cursor,
        limit=limit,
        key=lambda row: (row[0].linked_at, row[0].id),
        item=lambda row: LinkedCaseRead(
            **LeadLinkRead.model_validate(row[0]).model_dump(),
            reference=row[1].reference,
            status=row[1].status.value,
            closure_code=row[1].closure_code,
        ),
        page=LinkedCasePage,
    )


async def decision_gaps(
    session: AsyncSession, case_id: uuid.UUID, *, proposing: bool, closure_code: str | None
) -> list[tuple[str, str]]:
    """(requirement ID, what is missing) for each unmet condition; [] when ready (ASM-168).

    A pure read: the case's link and the other reason its Decision Form records."""
    link = await repository.link_of(session, case_id)
    return lead_gaps(
        proposing=proposing,
        closure_code=closure_code,
        linked=link is not None,
        form_other_reason=await decision_form.recorded_other_reason(session, case_id),
    )


# --- Exceptional prioritisation (ASM-169) ----------------------------------------------------


async def prioritise_for_investigation(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: InvestigationPriorityCreate,
    actor: Principal,
    at: datetime,
) -> InvestigationPriority:
    """ASM-169 (¶3.100): prioritised for investigation only after a discussion with the line
    manager (a manager in the staff directory, not the caseworker, before now), audited."""
    case = await _locked_case(session, case_id)
    discussion = data.line_manager_discussion
    try:
        manager = await staff.get_member(session, discussion.line_manager_id)
    except NotFound:
        manager = None
    problems = discussion_problems(
        manager_id=discussion.line_manager_id,
        actor=actor.sub,
        manager_grade=manager.grade.value if manager is not None else None,
        manager_active=manager is not None and manager.active,
        discussed_at=discussion.discussed_at,
        at=at,
    )
    if problems:
        raise LineManagerDiscussionInvalid(
            "ASM-169: discuss exceptional prioritisation with your line manager first: "
            + ", ".join(p.value for p in problems),
            extensions={"requirement": "ASM-169", "problems": [p.value for p in problems]},
        )
    if await repository.priority_of(session, case.id) is not None:
        raise InvestigationPriorityExists("The case is already prioritised for investigation")
    priority = InvestigationPriority(
        id=uuid.uuid4(), case_id=case.id, reason=data.reason,
        line_manager_id=discussion.line_manager_id, discussed_at=discussion.discussed_at,
        agreed=discussion.agreed, recorded_by=actor.sub, recorded_at=at,
    )  # fmt: skip
    repository.add(session, priority)
    await PRIORITY.created(
        session, priority, actor=actor, action="case.prioritised_for_investigation"
    )
    return priority


async def get_priority(session: AsyncSession, case_id: uuid.UUID) -> InvestigationPriority:
    await get_case(session, case_id)
    priority = await repository.priority_of(session, case_id)
    if priority is None:
        raise InvestigationPriorityNotFound(f"Case {case_id} is not prioritised for investigation")
    return priority


async def priority_ref(
    session: AsyncSession, case_id: uuid.UUID
) -> InvestigationPriorityRef | None:
    """ASM-169: the case's exceptional prioritisation as the proposal to investigate carries it
    to investigation (ids and dates: the reason can hold health information and stays here);
    None when the case is not prioritised. A pure read."""
    priority = await repository.priority_of(session, case_id)
    if priority is None:
        return None
    return InvestigationPriorityRef(
        priority_id=priority.id,
        line_manager_id=priority.line_manager_id,
        discussed_at=priority.discussed_at,
        recorded_by=priority.recorded_by,
    )

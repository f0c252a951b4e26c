"""The pure rules of special handling at further consideration (no I/O; tested without a
database).

- ASM-168 (¶3.97–3.99) linked to lead: a case declined because a lead complaint exemplifying
  the same error is investigated is connected to the lead case, explained on the Decision Form,
  and closed under 'other reason to decline' (D.11 'linked to lead'). ``lead_gaps`` says what a
  decision lacks: a decline the form explains as linked to the lead needs the connection; a
  connected case is declined under 'other reason to decline' and explained as linked to the
  lead; a connected case is not proposed for investigation (the rest are declined, ¶3.98).
- ASM-169 (¶3.100): prioritising a case for investigation exceptionally (e.g. terminal illness)
  needs a discussion with the caseworker's line manager first: someone else, a manager in the
  staff directory, and before it is recorded.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from assessment_api.cases.rules import OTHER_REASON_TO_DECLINE, RESOLUTION_CODES, OtherReason

ASM_168 = "ASM-168"

CONNECT_FIRST = (
    "connect the case to its lead case before declining it as linked to the lead (¶3.99)"
)
CODE_IS_OTHER_REASON = (
    "a case linked to its lead is declined under 'other reason to decline' (¶3.99)"
)
EXPLAIN_ON_FORM = (
    "explain on the Decision Form that the case is declined as linked to the lead: other "
    "reason 'linked to lead' (¶3.99)"
)
NOT_PROPOSED = (
    "the case is linked to a lead case: the cases not treated as leads are declined, not "
    "proposed (¶3.98); remove the link first if it is to be investigated itself"
)


def lead_gaps(
    *,
    proposing: bool,
    closure_code: str | None,
    linked: bool,
    form_other_reason: OtherReason | None,
) -> list[tuple[str, str]]:
    """(requirement, what is missing) before the decision; [] when nothing is (ASM-168)."""
    if proposing:
        return [(ASM_168, NOT_PROPOSED)] if linked else []
    says_linked = form_other_reason is OtherReason.linked_to_lead
    if not linked:
        return [(ASM_168, CONNECT_FIRST)] if says_linked else []
    if closure_code in RESOLUTION_CODES:
        return []  # resolved rather than declined: a resolution closes it on its own terms
    gaps: list[tuple[str, str]] = []
    if closure_code != OTHER_REASON_TO_DECLINE:
        gaps.append((ASM_168, CODE_IS_OTHER_REASON))
    if not says_linked:
        gaps.append((ASM_168, EXPLAIN_ON_FORM))
    return gaps


class DiscussionProblem(StrEnum):
    manager_is_caseworker = "manager_is_caseworker"
    manager_unknown = "manager_unknown"
    manager_inactive = "manager_inactive"
    not_a_manager = "not_a_manager"
    discussed_after_recording = "discussed_after_recording"


# Line managers of caseworkers: an operations manager or above (Delegation Scheme grades).
MANAGER_GRADES = frozenset(
    {
        "operations_manager",
        "assistant_director",
        "director",
        "deputy_ombudsman",
        "ombudsman",
    }
)


def discussion_problems(
    *,
    manager_id: str,
    actor: str,
    manager_grade: str | None,
    manager_active: bool,
    discussed_at: datetime,
    at: datetime,
) -> list[DiscussionProblem]:
    """What is wrong with the line-manager discussion recorded for exceptional prioritisation
    (ASM-169), or nothing; ``manager_grade`` None when the directory holds nobody by that id."""
    problems: list[DiscussionProblem] = []
    if manager_id == actor:
        problems.append(DiscussionProblem.manager_is_caseworker)
    if manager_grade is None:
        problems.append(DiscussionProblem.manager_unknown)
    else:
        if not manager_active:
            problems.append(DiscussionProblem.manager_inactive)
        if manager_grade not in MANAGER_GRADES:
            problems.append(DiscussionProblem.not_a_manager)
    if discussed_at > at:
        problems.append(DiscussionProblem.discussed_after_recording)
    return problems

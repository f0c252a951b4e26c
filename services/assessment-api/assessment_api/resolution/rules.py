"""The pure rules of resolution at further consideration (no I/O; tested without a database).

- ASM-154 (¶3.63–3.64): we can only **request** action of the organisation, and both the
  complainant and the organisation are told these are not formal recommendations; a request
  without that record is refused.
- ASM-153 (¶3.59–3.62): the same definition as early consideration's (ASM-066, ASM-068), so its
  rules are reused, not copied (``early.rules``): our specific action (here, the request itself);
  an organisation already taking the action, or taking it only because we are involved, is not
  a resolution (¶3.61); overall, most issues or the one significant issue are resolved (¶3.62).
  Unlike early consideration (¶2.134) the complainant's agreement is not asked: it is for us to
  decide whether the complaint is resolved (¶3.60).
- The closure code: the guidance names none for a resolution at further consideration ('resolution'
  in ¶3.120 is the organisation decision, §D.1), so the case closes under ¶2.141's two resolution
  codes by the same readiness test (ASM-070): 'general discretion - resolution', or
  'premature - resolution' for a complaint not properly made or not ready (¶3.59 allows both).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

from assessment_api.early.rules import Component, overall_resolved, resolution_code

__all__ = [
    "AgreementProblem",
    "Component",
    "RequestProblem",
    "agreement_problems",
    "closure_code",
    "request_problems",
]


class RequestProblem(StrEnum):
    complainant_not_told = "complainant_not_told_not_recommendations"  # ASM-154
    organisation_not_told = "organisation_not_told_not_recommendations"  # ASM-154
    duplicate_action = "duplicate_action"
    duplicate_organisation = "duplicate_organisation"
    organisation_not_on_case = "organisation_not_on_case"
    due_date_in_past = "due_date_in_past"


NOT_TOLD = frozenset({RequestProblem.complainant_not_told, RequestProblem.organisation_not_told})


def request_problems(
    *,
    complainant_told: bool,
    organisations_told: bool,
    actions: Sequence[str],
    organisation_ids: Sequence[uuid.UUID],
    case_organisation_ids: Iterable[uuid.UUID],
    due_date: date | None,
    today: date,
) -> list[RequestProblem]:
    """What is wrong with a request for resolution (ASM-154), or nothing."""
    problems: list[RequestProblem] = []
    if not complainant_told:
        problems.append(RequestProblem.complainant_not_told)
    if not organisations_told:
        problems.append(RequestProblem.organisation_not_told)
    if len(set(actions)) != len(actions):
        problems.append(RequestProblem.duplicate_action)
    if len(set(organisation_ids)) != len(organisation_ids):
        problems.append(RequestProblem.duplicate_organisation)
    if not set(organisation_ids) <= set(case_organisation_ids):
        problems.append(RequestProblem.organisation_not_on_case)
    if due_date is not None and due_date < today:
        problems.append(RequestProblem.due_date_in_past)
    return problems


class AgreementProblem(StrEnum):
    organisation_action_does_not_count = "organisation_action_does_not_count"  # ¶3.61
    not_resolved_overall = "not_resolved_overall"  # ¶3.62
    due_date_in_past = "due_date_in_past"


def agreement_problems(
    *,
    organisation_already_acting: bool,
    components: Sequence[Component],
    due_date: date | None,
    today: date,
) -> list[AgreementProblem]:
    """Why the organisation's agreement does not resolve the complaint (ASM-153), or nothing."""
    problems: list[AgreementProblem] = []
    if organisation_already_acting:
        problems.append(AgreementProblem.organisation_action_does_not_count)
    if not overall_resolved(components):
        problems.append(AgreementProblem.not_resolved_overall)
    if due_date is not None and due_date < today:
        problems.append(AgreementProblem.due_date_in_past)
    return problems


def closure_code(*, complaints_process_complete: bool, properly_made: bool) -> str:
    """The case's closure code for a resolution at further consideration (ASM-070's test)."""
    return resolution_code(
        complaints_process_complete=complaints_process_complete, properly_made=properly_made
    )

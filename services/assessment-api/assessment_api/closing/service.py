"""Who a decision that closes a case at assessment goes to (ASM-173, ASM-174, ASM-055, ASM-069,
ASM-156, ¶3.117): the case's parties read from intake, the rule in ``rules.py``.

Every closing decision (a decline at further consideration, and early consideration's decline,
resolution and 'withdrawn') takes its parties from here, never from the request: intake holds
who they are (DESIGN §1), and a caseworker cannot name the wrong person. intake down is a 503
``intake-unavailable``, never a guess."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases import service as cases
from assessment_api.closing import intake
from assessment_api.closing.errors import OrganisationNotOnCase, RecipientsIncomplete
from assessment_api.closing.rules import (
    ClosureKind,
    Form,
    Owed,
    Party,
    Recipients,
    closure_recipients,
)
from assessment_api.closing.schemas import ClosureRecipientsRead, OwedRead, RecipientProblemRead
from shared.clients import ServiceClient

__all__ = [
    "ClosureKind",
    "Form",
    "Owed",
    "Party",
    "RecipientsIncomplete",
    "case_parties",
    "decision_parties",
    "issue_list",
    "recipients",
]


async def case_parties(client: ServiceClient, case_id: uuid.UUID) -> list[Party]:
    """The case's parties at intake (ids, roles, authority to receive information)."""
    return await intake.case_parties(client, case_id)


def _on_the_case(case: cases.Case, organisations_contacted: Sequence[uuid.UUID]) -> None:
    strangers = sorted(
        {str(o) for o in organisations_contacted} - {str(o) for o in case.organisation_ids}
    )
    if strangers:
        raise OrganisationNotOnCase(
            "¶3.117: only an organisation the case is about can have been contacted about it",
            extensions={"organisation_ids": strangers},
        )


async def _recipients(
    client: ServiceClient,
    case: cases.Case,
    *,
    kind: ClosureKind,
    decision_by_telephone: bool,
    written_decision_requested: bool,
    aggrieved_copy: bool | None,
    organisations_contacted: Sequence[uuid.UUID],
    parties: Sequence[Party] | None = None,
) -> Recipients:
    _on_the_case(case, organisations_contacted)
    if parties is None:
        parties = await intake.case_parties(client, case.id)
    return closure_recipients(
        kind=kind, jurisdiction=case.jurisdiction, parties=parties,
        organisations_contacted=organisations_contacted,
        decision_by_telephone=decision_by_telephone,
        written_decision_requested=written_decision_requested, aggrieved_copy=aggrieved_copy,
    )  # fmt: skip


async def recipients(
    session: AsyncSession,
    client: ServiceClient,
    *,
    case_id: uuid.UUID,
    kind: ClosureKind,
    decision_by_telephone: bool,
    written_decision_requested: bool,
    aggrieved_copy: bool | None,
    organisations_contacted: Sequence[uuid.UUID],
) -> ClosureRecipientsRead:
    """The recipients of the case's closing decision, and what is still to decide."""
    case = await cases.get_case(session, case_id)
    result = await _recipients(
        client, case, kind=kind, decision_by_telephone=decision_by_telephone,
        written_decision_requested=written_decision_requested, aggrieved_copy=aggrieved_copy,
        organisations_contacted=organisations_contacted,
    )  # fmt: skip
    return ClosureRecipientsRead(
        case_id=case.id,
        kind=kind,
        owed=[OwedRead.model_validate(o) for o in result.owed],
        problems=[RecipientProblemRead.model_validate(p) for p in result.problems],
        complete=not result.problems,
    )


async def issue_list(
    client: ServiceClient,
    case: cases.Case,
    *,
    kind: ClosureKind,
    decision_by_telephone: bool,
    written_decision_requested: bool,
    aggrieved_copy: bool | None,
    organisations_contacted: Sequence[uuid.UUID] = (),
    parties: Sequence[Party] | None = None,
) -> list[Owed]:
    """Everyone the closing decision must reach, for the deciding act to write to; 409
    ``decision-recipients-incomplete`` naming the requirement while the list is not complete
    (ASM-173: no complainant to address it to; ASM-174: a separate aggrieved's copy undecided).
    A decision is never issued to part of the list (ASM-173 Test: "closure is blocked until both
    exist"). ``parties``: intake's, when the deciding act has read them already."""
    result = await _recipients(
        client, case, kind=kind, decision_by_telephone=decision_by_telephone,
        written_decision_requested=written_decision_requested, aggrieved_copy=aggrieved_copy,
        organisations_contacted=organisations_contacted, parties=parties,
    )  # fmt: skip
    _complete(result)
    return result.owed


async def decision_parties(
    client: ServiceClient, case: cases.Case, *, kind: ClosureKind, aggrieved_copy: bool | None
) -> list[Party]:
    """The case's parties at intake for a closing decision that writes its own letters (early
    consideration's, ASM-055 ¶2.104); 409 ``decision-recipients-incomplete`` as ``issue_list``
    while the list is not complete (ASM-173, ASM-174)."""
    parties = await intake.case_parties(client, case.id)
    _complete(
        closure_recipients(
            kind=kind, jurisdiction=case.jurisdiction, parties=parties,
            organisations_contacted=(), decision_by_telephone=False,
            written_decision_requested=True, aggrieved_copy=aggrieved_copy,
        )
    )  # fmt: skip
    return parties


def _complete(result: Recipients) -> None:
    if result.problems:
        raise RecipientsIncomplete(
            "; ".join(f"{p.requirement}: {p.detail}" for p in result.problems),
            extensions={
                "requirement": result.problems[0].requirement,
                "problems": [{"requirement": p.requirement, "detail": p.detail}
                             for p in result.problems],
            },
        )  # fmt: skip

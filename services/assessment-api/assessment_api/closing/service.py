"""Who a decision that closes a case at assessment goes to (ASM-173, ASM-174, ASM-055, ASM-069,
ASM-156, ¶3.117): the case's parties read from intake, the rule in ``rules.py``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases import service as cases
from assessment_api.closing import intake
from assessment_api.closing.errors import OrganisationNotOnCase
from assessment_api.closing.rules import ClosureKind, closure_recipients
from assessment_api.closing.schemas import ClosureRecipientsRead, OwedRead, ProblemRead
from shared.clients import ServiceClient


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
    strangers = sorted(
        {str(o) for o in organisations_contacted} - {str(o) for o in case.organisation_ids}
    )
    if strangers:
        raise OrganisationNotOnCase(
            "¶3.117: only an organisation the case is about can have been contacted about it",
            extensions={"organisation_ids": strangers},
        )
    parties = await intake.case_parties(client, case.id)
    result = closure_recipients(
        kind=kind, jurisdiction=case.jurisdiction, parties=parties,
        organisations_contacted=organisations_contacted,
        decision_by_telephone=decision_by_telephone,
        written_decision_requested=written_decision_requested, aggrieved_copy=aggrieved_copy,
    )  # fmt: skip
    return ClosureRecipientsRead(
        case_id=case.id,
        kind=kind,
        owed=[OwedRead.model_validate(o) for o in result.owed],
        problems=[ProblemRead.model_validate(p) for p in result.problems],
        complete=not result.problems,
    )

"""``/v1/cases/{case_id}/closure-recipients``: who a decision that closes the case goes to."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assessment_api.closing import service
from assessment_api.closing.dependencies import RECIPIENTS, CaseIdPath, CaseReader
from assessment_api.closing.rules import ClosureKind
from assessment_api.closing.schemas import ClosureRecipientsRead
from assessment_api.dependencies import IntakeClient
from shared.db import DbSession
from shared.http_api.responses import resource_response
from shared.schemas import QueryBool

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.get(
    "/{case_id}/closure-recipients", response_model=ClosureRecipientsRead, responses=RECIPIENTS
)
async def closure_recipients(
    case_id: CaseIdPath,
    principal: CaseReader,
    session: DbSession,
    intake: IntakeClient,
    kind: Annotated[ClosureKind, Query(description="The closing decision")],
    decision_by_telephone: Annotated[
        QueryBool, Query(description="ASM-055: the decision is given to the complainant by phone")
    ] = False,
    written_decision_requested: Annotated[
        QueryBool, Query(description="ASM-055: the complainant asked for it in writing")
    ] = False,
    aggrieved_copy: Annotated[
        QueryBool | None,
        Query(description="ASM-174 (¶3.111): the caseworker's decision on a separate aggrieved"),
    ] = None,
    organisation_contacted: Annotated[
        list[uuid.UUID] | None,
        Query(max_length=50, description="¶3.117: organisations contacted during consideration"),
    ] = None,
) -> Response:
    """Who a decision that closes the case goes to, and how: the complainant addressed, MPs
    copied by jurisdiction (ASM-173), representatives with authority and a separate aggrieved
    as decided (ASM-174), MPs and representatives always in writing even after a call (ASM-055),
    organisations contacted told (¶3.117); a resolution counts as a decision not to investigate
    (ASM-069, ASM-156). The parties are read from intake (503 `intake-unavailable` with
    Retry-After when it cannot say); the letters go through intake's contact card."""
    read = await service.recipients(
        session, intake, case_id=case_id, kind=kind, decision_by_telephone=decision_by_telephone,
        written_decision_requested=written_decision_requested, aggrieved_copy=aggrieved_copy,
        organisations_contacted=organisation_contacted or [],
    )  # fmt: skip
    return resource_response(read)

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from intake_api.organisations import service
from intake_api.organisations.models import Organisation
from shared.auth import CASE_DATA_READERS, Principal, Role
from shared.db import DbSession
from shared.http_api.deps import RequireRole

# The register is reference data with no personal data in it, so every role reads it. That
# includes `integration`: a CRM (Dynamics 365 "accounts") needs the bodies cases point at.
# `staff_admin` too: staff declare conflicts of interest by organisation (CMP-128).
ORGANISATION_READERS = CASE_DATA_READERS | {
    Role.clinical_adviser,
    Role.integration,
    Role.staff_admin,
}
REGISTER_WRITERS = frozenset({Role.intake_caseworker, Role.operations_manager})
# B.2 `pvOptOut`: "CW records the written agreement"; CW covers senior caseworkers (Intro ¶6).
PV_OPT_OUT_RECORDERS = REGISTER_WRITERS | {Role.caseworker, Role.senior_caseworker}

OrganisationReader = Annotated[Principal, Depends(RequireRole(ORGANISATION_READERS))]
RegisterWriter = Annotated[Principal, Depends(RequireRole(REGISTER_WRITERS))]
PvOptOutRecorder = Annotated[Principal, Depends(RequireRole(PV_OPT_OUT_RECORDERS))]

OrganisationId = Annotated[uuid.UUID, Path(description="The organisation's UUID")]


async def organisation_from_path(
    session: DbSession, organisation_id: OrganisationId
) -> Organisation:
    return await service.get_organisation(session, organisation_id=organisation_id)


OrganisationFromPath = Annotated[Organisation, Depends(organisation_from_path)]

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query

from shared.auth import Principal, Role
from shared.http_api.deps import RequireRole

# Personal data: caseworkers and above, Legal, auditors and internal service calls may read.
# ``integration`` (read-only feeds) and clinical advisers may not.
PERSON_READERS = frozenset(
    {
        Role.intake_caseworker,
        Role.caseworker,
        Role.senior_caseworker,
        Role.operations_manager,
        Role.assistant_director,
        Role.director,
        Role.deputy_ombudsman,
        Role.ombudsman,
        Role.legal,
        Role.auditor,
        Role.service,
    }
)

# Reasonable adjustments arise at every stage (¶1.42–1.45 intake, ¶2.86 assessment, ¶8.37
# provisional views), so every casework role may log and decide one, each with their own token
# so the trail names the person. Not ``service``: a machine must not stand in for the caseworker.
RA_WRITERS = frozenset(
    {
        Role.intake_caseworker,
        Role.caseworker,
        Role.senior_caseworker,
        Role.operations_manager,
        Role.assistant_director,
        Role.director,
        Role.deputy_ombudsman,
    }
)

PersonWriter = Annotated[Principal, Depends(RequireRole(Role.intake_caseworker))]
RaWriter = Annotated[Principal, Depends(RequireRole(RA_WRITERS))]
PersonReader = Annotated[Principal, Depends(RequireRole(PERSON_READERS))]

PersonId = Annotated[uuid.UUID, Path(description="The person's UUID")]
ForCase = Annotated[
    uuid.UUID | None,
    Query(description="The case this read is for; recorded with the read in the audit trail"),
]

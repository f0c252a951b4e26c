"""``/v1/people``: the people module's routes, one module per kind of record, mounted as one."""

from __future__ import annotations

from fastapi import APIRouter

from intake_api.people.router import (
    adjustments,
    consents,
    mps,
    person,
    restrictions,
    verification,
)

router = APIRouter(tags=["people"])
for module in (person, consents, adjustments, verification, mps, restrictions):
    router.include_router(module.router, prefix="/v1/people")

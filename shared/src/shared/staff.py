"""The staff directory's contract: who a member of staff is, read without their token.

Allocation (ASM-085, CMP-114), approvals and oversight assignment (CMP-127, CMP-128) need a
person's grade, team, specialisms, declared conflicts of interest and availability when that person
is not the caller. One service holds the directory (assessment-api, ``/internal/staff/{staff_id}``
for services, ``/v1/staff`` for people); every other service reads it over HTTP with a service
token through ``StaffDirectory``. ``staff_id`` is the identity provider's subject (the token's
``sub``), so a caller's own record is found from their token.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.clients import ServiceClient
from shared.errors import NotFound, UpstreamUnavailable

STAFF_AUDIENCE = "assessment-api"


class Grade(StrEnum):
    """A member of staff's grade, lowest first (Delegation Scheme levels)."""

    intake_caseworker = "intake_caseworker"
    caseworker = "caseworker"
    senior_caseworker = "senior_caseworker"
    operations_manager = "operations_manager"
    assistant_director = "assistant_director"
    director = "director"
    deputy_ombudsman = "deputy_ombudsman"
    ombudsman = "ombudsman"


class Post(StrEnum):
    """Posts the guidance names that a grade does not say (``StaffMember.posts``)."""

    # CMP-128 (¶10.67): not given a case where legal advice is key, as deputy Ombudsman.
    director_legal_and_professional_services = "director_legal_and_professional_services"
    # ASM-089 (¶2.194): agrees a complex referral.
    assistant_director_complex_teams = "assistant_director_complex_teams"
    # ASM-087 (¶2.191): receives possible systemic issues.
    assistant_director_complex_and_senior_teams = "assistant_director_complex_and_senior_teams"
    # ASM-142, ASM-150 (¶3.13, ¶3.50): delegated authority under the Accreditation Scheme to
    # decide without clinical advice, or rely on the adviser's opinion, without the OM.
    accredited_delegated_authority = "accredited_delegated_authority"


class DeclaredConflict(BaseModel):
    """A conflict of interest a member of staff declared: on one organisation or one case."""

    model_config = ConfigDict(frozen=True)

    organisation_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    declared_on: date
    note: str = Field(default="", max_length=2000)


class StaffMember(BaseModel):
    """One member of staff as the directory answers for them."""

    model_config = ConfigDict(frozen=True)

    staff_id: str = Field(min_length=1, max_length=200)
    display_name: str = Field(min_length=1, max_length=200)
    grade: Grade
    roles: frozenset[str] = frozenset()
    team: str | None = None
    specialisms: frozenset[str] = frozenset()
    # Posts the grade does not say, e.g. "director_legal_and_professional_services" (CMP-128).
    posts: frozenset[str] = frozenset()
    conflicts: tuple[DeclaredConflict, ...] = ()
    available: bool = True
    active: bool = True

    def conflicted_on(self, *, case_id: uuid.UUID, organisation_ids: frozenset[uuid.UUID]) -> bool:
        """Whether a declared conflict names this case or one of its organisations (CMP-128)."""
        return any(
            c.case_id == case_id
            or (c.organisation_id is not None and c.organisation_id in organisation_ids)
            for c in self.conflicts
        )


class StaffNotFound(NotFound):
    """The directory holds nobody with that id."""

    type = "staff-not-found"
    title = "Member of staff not found"


class StaffDirectory:
    """Reads the directory over HTTP; 503 ``UpstreamUnavailable`` when it cannot be reached."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def get(self, staff_id: str) -> StaffMember:
        """The member of staff, or ``StaffNotFound``; never a guess when the directory is down."""
        response = await self.client.request("GET", f"/internal/staff/{staff_id}")
        if response.status_code == 404:
            raise StaffNotFound(f"The staff directory holds nobody with id {staff_id!r}")
        if response.status_code != 200:
            raise UpstreamUnavailable(
                f"The staff directory answered {response.status_code} for a staff record"
            )
        return StaffMember.model_validate_json(response.content)

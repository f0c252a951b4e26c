"""Sharing case documents with third parties (¶1.65–1.66: INT-053, INT-054; XC-DP-012).

A third party is any person recipient who is not a complainant or aggrieved person on the case.
- INT-053: case documents go to a third party only with the complainant's authority: the party's
  ``authority_to_receive_info`` on the case, or an active ``release_to_third_party`` consent
  naming them. The referring or assisting MP on a parliamentary case is the statutory recipient
  of the decision and report (1967 Act s10(1)) and needs no authority.
- INT-054: documents marked sensitive (e.g. medical history) need more: the consent must say the
  complainant is happy for sensitive information to go to them (``covers_sensitive_information``).
- XC-DP-012: where there is a risk to others, a recorded, reasoned ``risk_disclosure`` overrides
  both, deliberately.
Organisation recipients (the bodies complained about, other register bodies) are out of scope
here: what goes to them is covered by the obtain-information and referral consents (INT-049/050).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.errors import DisclosureNotAuthorised
from intake_api.cases.models import MP_ROLES, Case, CaseParty, Jurisdiction, PartyRole
from intake_api.cases.rules import Problems
from intake_api.cases.schemas_contacts import CommunicationCreate
from intake_api.people import service as people

OWN_ROLES = frozenset({PartyRole.complainant, PartyRole.aggrieved})


async def check(
    session: AsyncSession, case: Case, parties: Sequence[CaseParty], data: CommunicationCreate
) -> None:
    """Raise ``DisclosureNotAuthorised`` listing every recipient the documents may not go to."""
    if data.direction != "outbound" or not data.documents or data.risk_disclosure is not None:
        return
    sensitive = any(d.sensitive for d in data.documents)
    own = {p.person_id for p in parties if p.role in OWN_ROLES}
    roles: dict[uuid.UUID, set[PartyRole]] = {}
    authority: set[uuid.UUID] = set()
    for p in parties:
        roles.setdefault(p.person_id, set()).add(p.role)
        if p.authority_to_receive_info:
            authority.add(p.person_id)
    problems = Problems()
    for recipient in data.recipients:
        person_id = recipient.person_id
        if person_id is None or person_id in own:
            continue
        if case.jurisdiction is Jurisdiction.parliamentary and roles.get(person_id, set()) & (
            MP_ROLES
        ):
            continue
        consents = [
            c
            for granter in own
            if (
                c := await people.find_active_consent(
                    session,
                    person_id=granter,
                    consent_type=people.ConsentType.release_to_third_party,
                    third_party_person_id=person_id,
                )
            )
            is not None
        ]
        if person_id not in authority and not consents:
            problems.add(
                "INT-053",
                str(person_id),
                "No authority from the complainant to release case information to them",
            )
        elif sensitive and not any(c.covers_sensitive_information for c in consents):
            problems.add(
                "INT-054",
                str(person_id),
                "Sensitive information needs the complainant's consent to share it with them, "
                "or a recorded risk_disclosure decision (XC-DP-012)",
            )
    if problems:
        raise DisclosureNotAuthorised(
            f"{len(problems.items)} recipient(s) may not receive these documents",
            extensions={"missing": problems.items},
        )

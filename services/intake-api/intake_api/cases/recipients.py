"""Who a decision goes to, and MPs who change (¶2.42–2.50: ASM-023, ASM-024, ASM-025, ASM-027).

The MP parties on a case are the MPs who referred the complaint (parliamentary, 1967 Act
s10(1)) or helped make it (health, 1993 Act s14(1)–(2)). They are never swapped for a "current
constituency MP": a complainant who moves keeps the original MP as a recipient (ASM-027). When
that MP dies or leaves office, the successor recorded in the people module is the 'appropriate'
MP and receives the decision (ASM-023, Legal); while the seat is vacant nobody does, and a copy
is owed to the new MP once elected (ASM-024).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import repository
from intake_api.cases.models import (
    MP_ROLES,
    REPRESENTATIVE_ROLES,
    Case,
    CaseParty,
    Jurisdiction,
    PartyRole,
)
from intake_api.cases.schemas_decisions import DecisionRecipient
from intake_api.people import service as people

MAX_SUCCESSIONS = 100  # a guard: succession chains are short, and never cyclic by construction


@dataclass(frozen=True)
class MpSeat:
    """An MP party on the case and who holds that seat now."""

    party_person_id: uuid.UUID
    role: PartyRole
    holder_id: uuid.UUID | None  # None: the seat is vacant (ASM-024)
    constituency: str | None

    @property
    def succeeded(self) -> bool:
        return self.holder_id is not None and self.holder_id != self.party_person_id


async def appropriate_mp(
    session: AsyncSession, person_id: uuid.UUID
) -> tuple[uuid.UUID | None, str | None]:
    """Follow recorded successions to the MP who holds the seat now (ASM-023).

    Returns ``(None, constituency)`` while the seat is vacant: the last MP record in the chain
    is inactive (died or left office) and no successor is recorded yet.
    """
    current = person_id
    for _ in range(MAX_SUCCESSIONS):
        succession = await people.successor_of(session, person_id=current)
        if succession is None:
            break
        current = succession.successor_person_id
    person = await people.find_person(session, person_id=current)
    constituency = person.mp_constituency if person is not None else None
    if person is not None and person.mp_active is False:
        return None, constituency
    return current, constituency


async def mp_seats(session: AsyncSession, parties: Sequence[CaseParty]) -> list[MpSeat]:
    seats: list[MpSeat] = []
    for party in parties:
        if party.role in MP_ROLES:
            holder, constituency = await appropriate_mp(session, party.person_id)
            seats.append(MpSeat(party.person_id, party.role, holder, constituency))
    return seats


def _mp_rule(case: Case, seat: MpSeat) -> str:
    if seat.holder_id is None:
        return (
            "ASM-024 (¶2.43): the seat is vacant; tell the complainant a copy will go to the new "
            "MP, and send it once one is elected"
        )
    if seat.succeeded:
        return "ASM-023 (¶2.42, Legal): the successor is the appropriate MP"
    act = (
        "1967 Act s10(1)"
        if case.jurisdiction is Jurisdiction.parliamentary
        else "1993 Act s14(1)-(2)"
    )
    return f"ASM-027 (¶2.49, Legal): the MP who referred or helped with the complaint ({act})"


async def decision_recipients(
    session: AsyncSession, case: Case, parties: Sequence[CaseParty]
) -> list[DecisionRecipient]:
    """Everyone the decision or report must go to in writing, in party order."""
    out: list[DecisionRecipient] = []
    seen: set[tuple[uuid.UUID, PartyRole]] = set()

    def add(
        person_id: uuid.UUID,
        role: PartyRole,
        rule: str,
        *,
        vacant: bool = False,
        on_behalf_of: uuid.UUID | None = None,
    ) -> None:
        if (person_id, role) not in seen:
            seen.add((person_id, role))
            out.append(
                DecisionRecipient(
                    person_id=person_id,
                    role=role,
                    status="seat_vacant" if vacant else "required",
                    on_behalf_of_person_id=on_behalf_of,
                    rule=rule,
                )
            )

    seats = {s.party_person_id: s for s in await mp_seats(session, parties)}
    for party in parties:
        if party.role is PartyRole.complainant:
            add(party.person_id, party.role, "INT-015/INT-027: the complainant")
        elif party.role in REPRESENTATIVE_ROLES:
            add(party.person_id, party.role, "INT-026 (Legal): representatives get it in writing")
        elif party.role in MP_ROLES:
            seat = seats[party.person_id]
            rule = _mp_rule(case, seat)
            if seat.holder_id is None:
                add(party.person_id, party.role, rule, vacant=True)
            elif seat.succeeded:
                add(seat.holder_id, party.role, rule, on_behalf_of=party.person_id)
            else:
                add(party.person_id, party.role, rule)
    return out


def predecessor_paragraph(seat: MpSeat) -> str:
    """ASM-025 (¶2.44): a new MP's first letter says what their predecessor did."""
    did = (
        "referred this complaint to us"
        if seat.role is PartyRole.mp_referring
        else ("helped the complainant make this complaint")
    )
    where = f" for {seat.constituency}" if seat.constituency else ""
    return f"Your predecessor as Member of Parliament{where} {did}."


async def first_letter_paragraphs(
    session: AsyncSession,
    case_id: uuid.UUID,
    parties: Sequence[CaseParty],
    recipient_ids: set[uuid.UUID],
) -> list[str]:
    """The predecessor paragraph for each successor MP this letter is the first to (ASM-025).

    Reads the case's earlier letters only when a recipient does succeed an MP on the case.
    """
    successors = [
        seat
        for seat in await mp_seats(session, parties)
        if seat.succeeded and seat.holder_id in recipient_ids
    ]
    if not successors:
        return []
    written_to = {
        str(r["person_id"])
        for c in await repository.communications(session, case_id)
        if c.direction == "outbound"
        for r in c.recipients
        if r.get("person_id")
    }
    paragraphs: list[str] = []
    for seat in successors:
        text = predecessor_paragraph(seat)
        if str(seat.holder_id) not in written_to and text not in paragraphs:
            paragraphs.append(text)
    return paragraphs

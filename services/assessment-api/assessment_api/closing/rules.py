"""Who a decision that closes a case at assessment goes to, and how (pure; no I/O).

A decline (T32 and the other decisions not to investigate), a resolution (a decision not to
investigate too: ASM-069 ¶2.140, ASM-156 ¶3.67) and a 'withdrawn' closure are issued to:

- the complainant: the decision letter is addressed to them (ASM-173 ¶3.109–3.110, Legal);
  when the caseworker gave the decision by telephone it is confirmed in writing on request
  (ASM-055 ¶2.104; XC-COM-003: "in writing if requested, always in writing where there is no
  phone decision");
- MPs, under a brief covering letter, always in writing: parliamentary, the referring MP
  (¶3.109, 1967 Act s10(1)); health, any MP involved (¶3.110, 1993 Act s14(2)). A call first
  never replaces the letter (ASM-055 ¶2.104, Legal: representatives "including MPs" must still be
  informed), the same telephone-then-writing rule as intake's INT-026;
- representatives, always in writing, only with authority to receive information from the
  complainant or aggrieved (ASM-174 ¶3.112); one who is the complainant gets the letter
  addressed to them, once;
- a separate aggrieved person: decided case by case (ASM-174 ¶3.111), so the caseworker records
  the decision, and the list is not complete until they have;
- each organisation contacted during consideration is told of the decision (¶3.117, Policy
  "must"; ASM-090, ASM-175, XC-COM-003).

Roles are intake's party roles (D.6) as intake's API writes them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class PartyRole(StrEnum):
    """D.6 party roles that a closing decision may go to (intake's values)."""

    complainant = "complainant"
    aggrieved = "aggrieved"
    representative_person = "representative (person)"
    representative_organisation = "representative (organisation)"
    mp_referring = "mp (referring)"
    mp_assisting = "mp (assisting)"


REPRESENTATIVES = frozenset(
    {PartyRole.representative_person, PartyRole.representative_organisation}
)


class ClosureKind(StrEnum):
    decline = "decision_not_to_investigate"
    resolution = "resolution"
    withdrawn = "withdrawn"


class Form(StrEnum):
    decision = "decision letter"  # addressed to them
    copy = "copy under a brief covering letter"
    notification = "told of the decision"  # an organisation (¶3.117)


@dataclass(frozen=True)
class Party:
    """A party of the case, as intake holds it (ids only)."""

    person_id: uuid.UUID
    role: str
    authority_to_receive_info: bool = False


@dataclass(frozen=True)
class Owed:
    """One recipient of the closing decision and how it reaches them."""

    role: str
    form: Form
    by_telephone: bool  # the decision was (or may be) given on the phone first
    in_writing: bool  # a letter (or email) is owed
    rule: str
    person_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Problem:
    requirement: str
    detail: str


@dataclass(frozen=True)
class Recipients:
    owed: list[Owed]
    problems: list[Problem]


def _mps_named(jurisdiction: str) -> frozenset[PartyRole]:
    """¶3.109: parliamentary, the referring MP; ¶3.110: health, any MP involved."""
    if jurisdiction == "parliamentary":
        return frozenset({PartyRole.mp_referring})
    return frozenset({PartyRole.mp_referring, PartyRole.mp_assisting})


def _known(role: str) -> PartyRole | None:
    try:
        return PartyRole(role)
    except ValueError:
        return None  # interested parties, named persons: not recipients of this decision


def closure_recipients(
    *,
    kind: ClosureKind,
    jurisdiction: str,
    parties: Sequence[Party],
    organisations_contacted: Iterable[uuid.UUID],
    decision_by_telephone: bool,
    written_decision_requested: bool,
    aggrieved_copy: bool | None,
) -> Recipients:
    """Everyone the closing decision goes to, in party order then organisations, each person
    once (the strongest form wins: addressed to them over a copy), and what is still undecided.
    """
    resolution = " (a resolution is a decision not to investigate: ASM-069, ASM-156)"
    why = resolution if kind is ClosureKind.resolution else ""
    complainants = {p.person_id for p in parties if _known(p.role) is PartyRole.complainant}
    mps = _mps_named(jurisdiction)
    owed: list[Owed] = []
    problems: list[Problem] = []
    seen: set[uuid.UUID] = set()

    def add(party: Party, form: Form, *, by_telephone: bool, in_writing: bool, rule: str) -> None:
        if party.person_id in seen:
            return
        seen.add(party.person_id)
        owed.append(
            Owed(
                role=party.role, form=form, by_telephone=by_telephone, in_writing=in_writing,
                rule=rule + why, person_id=party.person_id,
            )
        )  # fmt: skip

    ordered = sorted(parties, key=lambda p: _known(p.role) is not PartyRole.complainant)
    for party in ordered:
        role = _known(party.role)
        if role is PartyRole.complainant:
            phone_only = decision_by_telephone and not written_decision_requested
            add(
                party, Form.decision, by_telephone=decision_by_telephone,
                in_writing=not phone_only,
                rule="ASM-173 (¶3.109–3.110, Legal): addressed to the complainant; ASM-055 "
                "(¶2.104): by telephone where possible, in writing on request",
            )  # fmt: skip
        elif role in mps:
            add(
                party, Form.copy, by_telephone=decision_by_telephone, in_writing=True,
                rule="ASM-173 (¶3.109–3.110, Legal): a copy to the "
                + ("referring MP" if jurisdiction == "parliamentary" else "MP involved")
                + " under a brief covering letter; ASM-055 (¶2.104, Legal): always in writing",
            )  # fmt: skip
        elif role in REPRESENTATIVES and party.person_id not in complainants:
            if party.authority_to_receive_info:
                add(
                    party, Form.copy, by_telephone=decision_by_telephone, in_writing=True,
                    rule="ASM-174 (¶3.112): a representative with authority gets a copy; "
                    "ASM-055 (¶2.104, Legal): always in writing",
                )  # fmt: skip
        elif role is PartyRole.aggrieved and party.person_id not in complainants:
            if aggrieved_copy is None:
                problems.append(
                    Problem(
                        "ASM-174",
                        "Decide whether the separate aggrieved person gets a "
                        "copy of the decision letter (¶3.111, case by case)",
                    )
                )
            elif aggrieved_copy:
                add(
                    party, Form.copy, by_telephone=False, in_writing=True,
                    rule="ASM-174 (¶3.111): the caseworker decided the aggrieved gets a copy",
                )  # fmt: skip
    if not complainants:
        problems.append(Problem("ASM-173", "The case has no complainant to address it to"))
    for org in dict.fromkeys(organisations_contacted):
        owed.append(
            Owed(
                role="organisation", form=Form.notification, by_telephone=False, in_writing=True,
                rule="¶3.117 (ASM-090, ASM-175, XC-COM-003): an organisation contacted during "
                "consideration must be told of the decision" + why,
                organisation_id=org,
            )
        )  # fmt: skip
    return Recipients(owed=owed, problems=problems)

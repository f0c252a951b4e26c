"""The pure rules of the suitability assessment at further consideration (no I/O; tested without
a database). Closed lists are quoted from requirements §D.6; each rule names its requirement.

- ASM-109 (¶2.247–2.251): the aggrieved complains personally unless deceased, lacking mental
  capacity or too young; anyone else complaining for them is considered for suitability.
- ASM-110 (¶2.252–2.254): capacity is presumed; a lack of it rests on evidence already
  submitted or on a check (with the aggrieved, someone who knows them, medical records, clinical
  advice).
- ASM-111 (¶2.255): for a child, whether they could bring it themselves, from their age and
  maturity. There is no set age, so no rule here reads the age.
- ASM-112 (¶2.256–2.260): the representative's relationship (the legal categories), the three
  factors and an outcome with reasons; anyone but a personal representative or family member
  must be assessed (Legal), and those two are still checked (Policy).
- ASM-113 (¶2.261–2.264): the roles intake should hold, compared with intake's parties; a
  representative acting for an adult with capacity needs the aggrieved's consent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from assessment_api.suitability.schemas import SuitabilityContent


# --- Closed lists (requirements §D.6, §A ASM-109…113) ------------------------------------------


class AggrievedStatus(StrEnum):
    """ASM-109 (¶2.251, D.6): why the aggrieved cannot complain personally, or that they can."""

    deceased = "deceased"
    lacks_capacity = "lacks_capacity"
    too_young = "too_young"
    has_capacity = "has_capacity"


# ¶2.247, ¶2.251: the aggrieved is unable to complain personally.
UNABLE = frozenset(
    {AggrievedStatus.deceased, AggrievedStatus.lacks_capacity, AggrievedStatus.too_young}
)


class CapacityCheckMethod(StrEnum):
    """ASM-110 (¶2.253): how the caseworker established whether the aggrieved has capacity."""

    with_the_aggrieved = "with_the_aggrieved"
    someone_who_knows_them = "someone_who_knows_them"
    medical_records = "medical_records"
    clinical_advice = "clinical_advice"


class CapacityFinding(StrEnum):
    has_capacity = "has_capacity"
    lacks_capacity = "lacks_capacity"


class Relationship(StrEnum):
    """ASM-112 (¶2.257, D.6): who may complain for someone unable to."""

    personal_representative = "personal_representative"
    family_member = "family_member"
    other_individual = "other_individual"
    organisation = "organisation"


# ¶2.258 (Legal): anyone but a personal representative or family member must be assessed.
MUST_BE_ASSESSED = frozenset({Relationship.other_individual, Relationship.organisation})


class SuitabilityOutcome(StrEnum):
    suitable = "suitable"
    unsuitable = "unsuitable"


class ConsentMethod(StrEnum):
    """ASM-113 (d) (¶2.264): how the aggrieved gave consent; by telephone is acceptable."""

    telephone = "telephone"
    in_writing = "in_writing"
    email = "email"
    in_person = "in_person"


class Conclusion(StrEnum):
    """What the assessment concludes: the person complaining (and any representative) is
    suitable, is not, or the assessment is not complete yet."""

    suitable = "suitable"
    unsuitable = "unsuitable"
    incomplete = "incomplete"


# intake's party roles (D.6) as its API writes them.
COMPLAINANT = "complainant"
AGGRIEVED = "aggrieved"
REPRESENTATIVE_PERSON = "representative (person)"
REPRESENTATIVE_ORGANISATION = "representative (organisation)"
REPRESENTATIVE_ROLES = frozenset({REPRESENTATIVE_PERSON, REPRESENTATIVE_ORGANISATION})
# D.1 / D.3: the closure code of a decline because the person complaining may not (s6 1967 Act,
# s9 1993 Act).
INELIGIBLE_COMPLAINANT = "Ineligible complainant"


class PartyLike(Protocol):
    """A party of the case as intake holds it (ids and a role)."""

    @property
    def person_id(self) -> uuid.UUID: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Problem:
    """One thing wrong with, or missing from, the assessment or intake's roles."""

    requirement: str
    field: str
    detail: str


# --- Saving: what contradicts itself (422) -----------------------------------------------------


def save_problems(content: SuitabilityContent, today: date) -> list[Problem]:
    """What refuses a save: the assessment contradicts itself or dates something not yet done.
    What is merely missing is a gap (``gaps``), so an assessment can be saved as it goes."""
    out: list[Problem] = []
    rep = content.representative
    status = content.aggrieved_status
    if not content.complainant_is_aggrieved and rep is None:
        out.append(
            Problem(
                "ASM-109",
                "representative",
                "the person complaining is not the aggrieved: record them as the representative "
                "to consider their suitability (¶2.248)",
            )
        )
    if content.complainant_is_aggrieved and status in UNABLE:
        out.append(
            Problem(
                "ASM-109",
                "aggrieved_status",
                "the aggrieved brought the complaint personally, so is not unable to (¶2.247)",
            )
        )
    if rep is not None and rep.person_id == content.aggrieved_person_id:
        out.append(
            Problem(
                "ASM-109", "representative.person_id", "the representative is not the aggrieved"
            )
        )
    out += _capacity_problems(content, today)
    child = content.child
    if child is not None and child.could_bring_it_themselves and status in UNABLE:
        out.append(
            Problem(
                "ASM-111",
                "child.could_bring_it_themselves",
                "a child who could bring the complaint themselves is not unable to complain "
                "(¶2.255): record them as having capacity",
            )
        )
    if rep is not None and rep.outcome is not None:
        field = "representative"
        if rep.reasons is None:
            out.append(Problem("ASM-112", f"{field}.reasons", "give the outcome's reasons"))
        unanswered = [name for name, value in _factors(rep) if value is None]
        if unanswered:
            out.append(
                Problem(
                    "ASM-112",
                    f"{field}.{unanswered[0]}",
                    "check each factor before the outcome (¶2.260): " + ", ".join(unanswered),
                )
            )
        if rep.information_considered is None:
            out.append(
                Problem(
                    "ASM-112",
                    f"{field}.information_considered",
                    "consider the information the person would see before deciding (¶2.250)",
                )
            )
    consent = content.consent
    if consent is not None and consent.given_on > today:
        out.append(Problem("ASM-113", "consent.given_on", "consent cannot be dated in the future"))
    return out


def _capacity_problems(content: SuitabilityContent, today: date) -> list[Problem]:
    capacity = content.capacity
    check = capacity.check if capacity is not None else None
    if check is None:
        return []
    out: list[Problem] = []
    status = content.aggrieved_status
    if check.checked_on > today:
        out.append(Problem("ASM-110", "capacity.check.checked_on", "not yet checked"))
    if check.finding is CapacityFinding.has_capacity and status is AggrievedStatus.lacks_capacity:
        out.append(
            Problem(
                "ASM-110",
                "aggrieved_status",
                "the capacity check found the aggrieved has capacity (¶2.253)",
            )
        )
    if check.finding is CapacityFinding.lacks_capacity and status is AggrievedStatus.has_capacity:
        out.append(
            Problem(
                "ASM-110",
                "aggrieved_status",
                "the capacity check found the aggrieved lacks capacity (¶2.253)",
            )
        )
    return out


def _factors(rep: object) -> list[tuple[str, bool | None]]:
    return [
        (name, getattr(rep, name))
        for name in ("conflict_of_interest", "aggrieved_would_object", "not_in_best_interests")
    ]


# --- Gaps: what the assessment still lacks -----------------------------------------------------


def gaps(content: SuitabilityContent) -> list[Problem]:
    """What the assessment lacks before the person complaining (or their representative) can be
    taken as suitable; nothing when the aggrieved complains personally with nobody acting."""
    rep = content.representative
    if rep is None:
        return []
    out: list[Problem] = []
    status = content.aggrieved_status
    if status is None:
        out.append(
            Problem(
                "ASM-109",
                "aggrieved_status",
                "record why the aggrieved cannot complain personally (deceased, lacks mental "
                "capacity, too young) or that they can (¶2.247–2.251)",
            )
        )
    if status is AggrievedStatus.lacks_capacity and not incapacity_established(content):
        out.append(
            Problem(
                "ASM-110",
                "capacity",
                "capacity is presumed (¶2.252): record the evidence already submitted that shows "
                "the aggrieved lacks capacity, or check it (with the aggrieved, someone who knows "
                "them, medical records or clinical advice; ¶2.253–2.254)",
            )
        )
    if status is AggrievedStatus.too_young and content.child is None:
        out.append(
            Problem(
                "ASM-111",
                "child",
                "consider whether the child could bring the complaint themselves, taking into "
                "account their age and maturity (¶2.255: there is no set age)",
            )
        )
    if rep.outcome is None:
        legal = rep.relationship in MUST_BE_ASSESSED
        out.append(
            Problem(
                "ASM-112",
                "representative.outcome",
                (
                    "someone who is not a personal representative or family member must be "
                    "assessed for suitability (¶2.258, Legal)"
                    if legal
                    else "check whether a personal representative or family member is still "
                    "inappropriate to represent the aggrieved (¶2.256, ¶2.259)"
                ),
            )
        )
    elif rep.outcome is SuitabilityOutcome.unsuitable:
        out.append(
            Problem(
                "ASM-112",
                "representative.outcome",
                "the representative is not suitable to bring the complaint for the aggrieved",
            )
        )
    if status is AggrievedStatus.has_capacity and content.consent is None:
        out.append(
            Problem(
                "ASM-113",
                "consent",
                "(d) a representative acting for an adult with capacity needs the aggrieved's "
                "consent, which can be taken by telephone: record how and when (¶2.264)",
            )
        )
    return out


def incapacity_established(content: SuitabilityContent) -> bool:
    """ASM-110: evidence already submitted shows it (¶2.254), or a check found it (¶2.253)."""
    capacity = content.capacity
    if capacity is None:
        return False
    check = capacity.check
    return capacity.evidence_of_incapacity is not None or (
        check is not None and check.finding is CapacityFinding.lacks_capacity
    )


def conclusion(content: SuitabilityContent) -> Conclusion:
    """Suitable (the aggrieved complains personally with nobody acting, or the representative is
    suitable and nothing is missing), unsuitable (the representative is not), or incomplete."""
    rep = content.representative
    if rep is not None and rep.outcome is SuitabilityOutcome.unsuitable:
        return Conclusion.unsuitable
    return Conclusion.incomplete if gaps(content) else Conclusion.suitable


def expected_representative_role(relationship: Relationship) -> str:
    """ASM-113 (c) (¶2.263): a representative who works for an organisation (an advocate, a
    lawyer) is a "representative (organisation)"; anyone else a "representative (person)"."""
    if relationship is Relationship.organisation:
        return REPRESENTATIVE_ORGANISATION
    return REPRESENTATIVE_PERSON


# --- Roles at intake (ASM-113) -----------------------------------------------------------------


def _roles(parties: Iterable[PartyLike]) -> dict[uuid.UUID, set[str]]:
    out: dict[uuid.UUID, set[str]] = {}
    for party in parties:
        out.setdefault(party.person_id, set()).add(party.role)
    return out


def role_problems(content: SuitabilityContent, parties: Sequence[PartyLike]) -> list[Problem]:
    """ASM-113 (¶2.261–2.263): where intake's parties differ from the roles the assessment
    implies, each a correction the caseworker gets made at intake (assessment does not edit
    parties, DESIGN §1)."""
    roles = _roles(parties)
    aggrieved = content.aggrieved_person_id
    rep = content.representative
    out: list[Problem] = []

    def has(person: uuid.UUID, role: str) -> bool:
        return role in roles.get(person, set())

    if aggrieved not in roles:
        out.append(
            Problem("ASM-113", "aggrieved_person_id", "the aggrieved is not a party at intake")
        )
    complainant = aggrieved
    if rep is not None and content.aggrieved_status in UNABLE:
        complainant = rep.person_id
        if not has(rep.person_id, COMPLAINANT):
            out.append(
                Problem(
                    "ASM-113",
                    "representative.person_id",
                    "(a) the aggrieved cannot complain and the representative is suitable: "
                    "intake should record the representative as the complainant (¶2.261)",
                )
            )
        if not has(aggrieved, AGGRIEVED):
            out.append(
                Problem(
                    "ASM-113",
                    "aggrieved_person_id",
                    "(a) intake should record the aggrieved as the aggrieved (¶2.261)",
                )
            )
    elif not has(aggrieved, COMPLAINANT):
        out.append(
            Problem(
                "ASM-113",
                "aggrieved_person_id",
                (
                    "(b) an adult with capacity who chooses a representative is the complainant: "
                    "intake should record the aggrieved as the complainant (¶2.262)"
                    if rep is not None
                    else "the aggrieved complains personally: intake should record them as the "
                    "complainant (¶2.247)"
                ),
            )
        )
    for person in sorted((p for p in roles if has(p, COMPLAINANT) and p != complainant), key=str):
        out.append(
            Problem(
                "ASM-113",
                "complainant",
                f"intake records {person} as the complainant, but the assessment makes "
                f"{complainant} the complainant (¶2.261–2.262)",
            )
        )
    if rep is not None:
        expected = expected_representative_role(rep.relationship)
        held = roles.get(rep.person_id, set()) & REPRESENTATIVE_ROLES
        if held != {expected}:
            out.append(
                Problem(
                    "ASM-113",
                    "representative.relationship",
                    f"(c) intake should record the representative as a '{expected}' (¶2.261, "
                    "¶2.263)",
                )
            )
    others = sorted(
        (
            p
            for p, r in roles.items()
            if r & REPRESENTATIVE_ROLES and (rep is None or p != rep.person_id)
        ),
        key=str,
    )
    for person in others:
        out.append(
            Problem(
                "ASM-112",
                "representative",
                f"intake lists {person} as a representative whose suitability the assessment "
                "does not consider (¶2.256–2.258)",
            )
        )
    return out


def acting_at_intake(parties: Sequence[PartyLike]) -> bool:
    """Intake's parties show someone complaining for the aggrieved: a representative, or an
    aggrieved who is not the complainant (¶2.248)."""
    roles = _roles(parties)
    return any(
        r & REPRESENTATIVE_ROLES or (AGGRIEVED in r and COMPLAINANT not in r)
        for r in roles.values()
    )


def decision_problems(
    content: SuitabilityContent | None,
    parties: Sequence[PartyLike],
    *,
    proposing: bool,
    closure_code: str | None,
) -> list[Problem]:
    """What stands in the way of a decision (T32 decline, T33 resolution, T35 proposal): where
    the complainant is not the aggrieved or a representative acts, a complete assessment with a
    suitable representative (a decline as 'Ineligible complainant' rests on an unsuitable one),
    and intake's roles as the assessment implies (ASM-109…113)."""
    if content is None:
        if not acting_at_intake(parties):
            return []
        return [
            Problem(
                "ASM-109",
                "suitability",
                "the complainant is not the aggrieved or a representative acts: record the "
                "suitability assessment (¶2.248, ¶2.256)",
            )
        ]
    found = gaps(content)
    if not proposing and closure_code == INELIGIBLE_COMPLAINANT:
        found = [
            p
            for p in found
            if not (
                p.field == "representative.outcome" and conclusion(content) is Conclusion.unsuitable
            )
        ]
    if conclusion(content) is Conclusion.suitable:
        found += role_problems(content, parties)
    return found

"""The pure rules of early consideration (no I/O; tested without a database).

- ASM-053 (¶2.100, C-05): contact before deciding. A decision on the information held is
  unlocked by contact made, by **two** failed calls within one week (a rolling week: the two
  calls' dates less than 7 days apart), or by written contact left unanswered past its one-week
  reply deadline (the casework kit's ``passed``: from the day after the due date). One failed
  call does not unlock it.
- ASM-054 (¶2.102, C-06): 'withdrawn' at once when no information deadline was given, else only
  once it has passed ("a day after").
- ASM-055 (¶2.104) and ASM-173 (¶3.109–3.110): who gets the decision in writing.
- ASM-058 (¶2.110): suitability concerns block a decision citing the aggrieved's medical records
  or clinical advice until a full suitability consideration is done.
- ASM-066, ASM-068, ASM-070 (¶2.132–2.141): what makes a resolution, overall resolution over
  the complaint's components, and its closure code.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from assessment_api.cases.rules import (
    GENERAL_DISCRETION_RESOLUTION,
    PREMATURE_RESOLUTION,
)
from shared.casework.deadlines import DeadlineLike, DeadlineRule, Unit, is_open, passed

# ASM-053 / C-05: two phone attempts in a week; a week for a reply to written contact.
FAILED_CALLS_TO_UNLOCK = 2
ONE_WEEK_DAYS = 7
WRITTEN_REPLY = DeadlineRule(
    "ASM-053 ¶2.100 (C-05): a reply to written contact within a week, before deciding on the "
    "information held",
    1,
    Unit.weeks,
)
# ASM-054 / C-06: the date the caseworker gave the complainant for the information we asked for.
INFORMATION_DEADLINE = (
    "ASM-054 ¶2.102 (C-06): the information asked for by the date given; 'withdrawn' only after it"
)


class EarlyUnlock(StrEnum):
    """Why a decision may be made (ASM-053)."""

    contact_made = "contact_made"
    two_failed_calls_in_a_week = "two_failed_calls_in_a_week"
    written_contact_unanswered = "written_contact_unanswered"


def calls_in_one_week(failed_call_dates: Sequence[date]) -> bool:
    """ASM-053: two failed calls (``FAILED_CALLS_TO_UNLOCK``) whose dates are less than a week
    (7 days) apart."""
    days = sorted(failed_call_dates)
    n = FAILED_CALLS_TO_UNLOCK
    return any((days[i + n - 1] - days[i]).days < ONE_WEEK_DAYS for i in range(len(days) - n + 1))


def decision_unlock(
    *,
    contact_made: bool,
    failed_call_dates: Sequence[date],
    written_reply_deadlines: Sequence[DeadlineLike],
    today: date,
) -> EarlyUnlock | None:
    """ASM-053: why a decision may be made today, or None while contact must still be tried."""
    if contact_made:
        return EarlyUnlock.contact_made
    if calls_in_one_week(failed_call_dates):
        return EarlyUnlock.two_failed_calls_in_a_week
    if any(is_open(d) and passed(d, today) for d in written_reply_deadlines):
        return EarlyUnlock.written_contact_unanswered
    return None


def withdrawal_allowed(information_deadline: DeadlineLike | None, today: date) -> bool:
    """ASM-054: 'withdrawn' at once without a deadline, else from the day after it."""
    return information_deadline is None or passed(information_deadline, today)


class Evidence(StrEnum):
    """What a decision relies on (¶2.108–2.111)."""

    complaint_and_response = "complaint_and_response"
    organisation_records = "organisation_records"
    medical_records = "medical_records"
    clinical_advice = "clinical_advice"
    legal_advice = "legal_advice"
    other = "other"


# ¶2.110: the aggrieved's personal information a decision would release.
AGGRIEVED_PERSONAL_INFORMATION = frozenset({Evidence.medical_records, Evidence.clinical_advice})


def suitability_blocks(
    *,
    complainant_is_aggrieved: bool,
    concern: bool,
    full_consideration_done: bool,
    evidence: Sequence[Evidence],
) -> bool:
    """ASM-058 (¶2.110, Legal): a complainant who is not the aggrieved, with a suitability concern
    not yet fully considered, may not be given a decision that cites the aggrieved's medical
    records or clinical advice."""
    if complainant_is_aggrieved or not concern or full_consideration_done:
        return False
    return any(e in AGGRIEVED_PERSONAL_INFORMATION for e in evidence)


# --- Who is told, and how (ASM-055, ASM-069, ASM-173) -----------------------------------------


class Role(StrEnum):
    complainant = "complainant"
    aggrieved = "aggrieved"
    mp = "mp"
    representative = "representative"


@dataclass(frozen=True)
class Mp:
    person_id: uuid.UUID
    referring: bool


@dataclass(frozen=True)
class Parties:
    """The people a decision goes to, by intake's person ids (no personal data here)."""

    complainant: uuid.UUID
    aggrieved: uuid.UUID | None
    mps: tuple[Mp, ...]
    representatives: tuple[uuid.UUID, ...]


# Intake's party roles (D.6) as its API writes them.
_REPRESENTATIVE_ROLES = frozenset({"representative (person)", "representative (organisation)"})
_MP_ROLES = {"mp (referring)": True, "mp (assisting)": False}  # role → referring (¶3.109)


def parties_from_intake(rows: Sequence[tuple[uuid.UUID, str, bool]]) -> Parties | None:
    """The people a decision goes to, from intake's parties as (person id, role, authority to
    receive information), in intake's order; None when intake has no complainant (ASM-173: the
    letter has nobody to be addressed to). A representative is written to only with authority
    from the complainant or aggrieved (ASM-174 ¶3.112); one who is the complainant is the
    complainant; the aggrieved is the first aggrieved who is not a complainant (¶3.111)."""
    complainants = [p for p, role, _ in rows if role == "complainant"]
    if not complainants:
        return None
    aggrieved = [p for p, role, _ in rows if role == "aggrieved" and p not in complainants]
    return Parties(
        complainant=complainants[0],
        aggrieved=aggrieved[0] if aggrieved else None,
        mps=tuple(Mp(p, _MP_ROLES[role]) for p, role, _ in rows if role in _MP_ROLES),
        representatives=tuple(
            p
            for p, role, authority in rows
            if role in _REPRESENTATIVE_ROLES and authority and p not in complainants
        ),
    )


@dataclass(frozen=True)
class Letter:
    """A decision letter to one person: addressed to them, or a copy under a covering letter."""

    person_id: uuid.UUID
    role: Role
    is_copy: bool
    basis: str


COMPLAINANT_LETTER = "decision letter addressed to the complainant (¶3.109–3.110)"
WRITTEN_CONFIRMATION = "written confirmation of the decision given by phone, on request (¶2.104)"
WRITTEN_DECISION = "the decision in writing: it could not be given by phone (¶2.104)"
REFERRING_MP = "copy to the referring MP under a brief covering letter (¶3.109, s.10(1) 1967 Act)"
MP_INVOLVED = "copy to an MP involved under a brief covering letter (¶3.110, s.14(2) 1993 Act)"
MP_INFORMED = "an MP, as a representative, is still informed in writing (¶2.104)"
REPRESENTATIVE = "a representative is still informed in writing (¶2.104, ¶3.112)"
AGGRIEVED_COPY = "copy to the aggrieved, considered case by case (¶3.111)"


# Why each MP is written to, by jurisdiction: (a referring MP, any other MP).
_MP_BASIS = {
    "parliamentary": (REFERRING_MP, MP_INFORMED),
    "health": (MP_INVOLVED, MP_INVOLVED),
}


def _mp_basis(mp: Mp, jurisdiction: str) -> str:
    # Every MP gets a copy whatever the basis; a jurisdiction intake did not name is health's.
    referring, other = _MP_BASIS.get(jurisdiction, _MP_BASIS["health"])
    return referring if mp.referring else other


def _others(parties: Parties, jurisdiction: str, copy_to_aggrieved: bool) -> list[Letter]:
    letters = [
        Letter(mp.person_id, Role.mp, True, _mp_basis(mp, jurisdiction)) for mp in parties.mps
    ]
    letters += [
        Letter(p, Role.representative, True, REPRESENTATIVE) for p in parties.representatives
    ]
    if copy_to_aggrieved and parties.aggrieved not in (None, parties.complainant):
        assert parties.aggrieved is not None
        letters.append(Letter(parties.aggrieved, Role.aggrieved, True, AGGRIEVED_COPY))
    return _one_each(letters)


def _one_each(letters: list[Letter]) -> list[Letter]:
    """One letter per person: the first reason they are written to."""
    seen: set[uuid.UUID] = set()
    out: list[Letter] = []
    for letter in letters:
        if letter.person_id not in seen:
            seen.add(letter.person_id)
            out.append(letter)
    return out


def decision_letters(
    parties: Parties,
    *,
    jurisdiction: str,
    given_by_phone: bool,
    written_requested: bool,
    copy_to_aggrieved: bool = False,
) -> list[Letter]:
    """ASM-055 (¶2.103–2.104): an early consideration decision is given by phone where possible
    and confirmed in writing only on request; MPs and representatives are ALWAYS told in writing
    (Legal)."""
    letters: list[Letter] = []
    if not given_by_phone:
        letters.append(Letter(parties.complainant, Role.complainant, False, WRITTEN_DECISION))
    elif written_requested:
        letters.append(Letter(parties.complainant, Role.complainant, False, WRITTEN_CONFIRMATION))
    return _one_each(letters + _others(parties, jurisdiction, copy_to_aggrieved))


def resolution_letters(
    parties: Parties, *, jurisdiction: str, copy_to_aggrieved: bool = False
) -> list[Letter]:
    """ASM-069 (¶2.140) and ASM-173 (¶3.109–3.110): a resolution is a decision not to investigate,
    issued under the normal legal requirements: the letter addressed to the complainant, a copy to
    the referring MP (parliamentary) or any MP involved (health) under a covering letter, and the
    representatives told (¶2.104)."""
    first = Letter(parties.complainant, Role.complainant, False, COMPLAINANT_LETTER)
    return _one_each([first, *_others(parties, jurisdiction, copy_to_aggrieved)])


# --- Resolution (ASM-066, ASM-068, ASM-070) --------------------------------------------------


@dataclass(frozen=True)
class Component:
    """A complaint component (issue) and whether our action resolved it."""

    significant: bool
    resolved: bool


def overall_resolved(components: Sequence[Component]) -> bool:
    """ASM-068 (¶2.137): most components resolved, or the one significant issue among minor ones
    resolved."""
    if not components:
        return False
    resolved = sum(1 for c in components if c.resolved)
    if resolved * 2 > len(components):
        return True
    significant = [c for c in components if c.significant]
    return [c.resolved for c in significant] == [True]


def resolution_code(*, complaints_process_complete: bool, properly_made: bool) -> str:
    """ASM-070 (¶2.141): 'general discretion - resolution' for a case ready for further
    consideration, 'premature - resolution' for one that was not (the complaints process not
    finished, or no MP referral)."""
    if complaints_process_complete and properly_made:
        return GENERAL_DISCRETION_RESOLUTION
    return PREMATURE_RESOLUTION


class ResolutionProblem(StrEnum):
    no_action_of_ours = "no_action_of_ours"
    organisation_action_does_not_count = "organisation_action_does_not_count"
    complainant_not_agreed = "complainant_not_agreed"
    not_resolved_overall = "not_resolved_overall"
    wrong_closure_code = "wrong_closure_code"


def resolution_problems(
    *,
    our_action: str | None,
    organisation_already_acting: bool,
    complainant_agreed: bool,
    components: Sequence[Component],
    closure_code: str,
    complaints_process_complete: bool,
    properly_made: bool,
) -> list[ResolutionProblem]:
    """Why an early consideration resolution cannot be closed, or nothing (ASM-066, ASM-068,
    ASM-070)."""
    problems: list[ResolutionProblem] = []
    if our_action is None or not our_action.strip():
        problems.append(ResolutionProblem.no_action_of_ours)
    if organisation_already_acting:
        problems.append(ResolutionProblem.organisation_action_does_not_count)
    if not complainant_agreed:
        problems.append(ResolutionProblem.complainant_not_agreed)
    if not overall_resolved(components):
        problems.append(ResolutionProblem.not_resolved_overall)
    expected = resolution_code(
        complaints_process_complete=complaints_process_complete, properly_made=properly_made
    )
    if closure_code != expected:
        problems.append(ResolutionProblem.wrong_closure_code)
    return problems

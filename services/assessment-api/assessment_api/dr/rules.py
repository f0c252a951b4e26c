"""The pure rules of Dispute Resolution (DR, mediation; guidance ¶2.115–2.131, requirements
ASM-061…065, §B.3 T15, T26–T30). No I/O: tested without a database.

- T26 (¶2.118–2.121): a case is proposed for DR only when the complainant and the organisation
  are both willing; an unwilling party keeps the case with its caseworker.
- T27 (¶2.122, ASM-062): the case transfers to DR only when **both** consent forms are back.
- ASM-063 (¶2.125–2.126): the resolution conference is held in person, by teleconference or by
  videoconference, and any outcome is agreed by both parties.
- T29 (¶2.127–2.128, ASM-064): an agreement closes the case ('DR resolution agreement'); no
  compliance process follows; T30 (¶2.129–2.131, ASM-065): a partial agreement records the
  mediated components and the rest continues under the Service Model, as does no agreement.
- ASM-061 (¶2.119): no review for a DR closure: we made no decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from assessment_api.cases.state import CaseStatus

# ¶2.127 names the closure without a code (requirements §D.1 "Named but without an exact code").
DR_RESOLUTION_AGREEMENT = "DR resolution agreement"

# T26: a case assigned to a caseworker at early or further consideration may go to DR; T15: a
# case intake allocated to the DR team opens at DR consent pending.
PROPOSABLE_FROM = frozenset({CaseStatus.early_consideration, CaseStatus.further_consideration})


class DrParty(StrEnum):
    """The two parties of a mediation (¶2.120–2.122)."""

    complainant = "complainant"
    organisation = "organisation"


class ConferenceMode(StrEnum):
    """ASM-063 (¶2.125): how the resolution conference is held."""

    in_person = "in_person"
    teleconference = "teleconference"
    videoconference = "videoconference"


class ConferenceOutcome(StrEnum):
    """What the resolution conference reached (¶2.127–2.131)."""

    agreed = "agreed"  # T29: resolved through mediation
    partly_agreed = "partly_agreed"  # T30: some components mediated, the rest assessed
    not_agreed = "not_agreed"  # T30: considered further under the Service Model


class WithdrawalReason(StrEnum):
    """T28 (¶2.121–2.122): why a case proposed for DR does not go through it."""

    complainant_unwilling = "complainant_unwilling"
    organisation_unwilling = "organisation_unwilling"
    consent_not_returned = "consent_not_returned"


class ConferenceProblem(StrEnum):
    not_agreed_by_complainant = "not_agreed_by_complainant"
    not_agreed_by_organisation = "not_agreed_by_organisation"
    agreed_outcomes_required = "agreed_outcomes_required"
    mediated_components_required = "mediated_components_required"
    mediated_components_not_applicable = "mediated_components_not_applicable"
    agreed_outcomes_not_applicable = "agreed_outcomes_not_applicable"


def unwilling_parties(*, complainant_willing: bool, organisation_willing: bool) -> list[DrParty]:
    """T26 / ¶2.121: the parties not willing to mediate (a DR proposal needs none)."""
    unwilling: list[DrParty] = []
    if complainant_willing is not True:
        unwilling.append(DrParty.complainant)
    if organisation_willing is not True:
        unwilling.append(DrParty.organisation)
    return unwilling


def consents_outstanding(
    *, complainant_returned: bool, organisation_returned: bool
) -> list[DrParty]:
    """T27 / ASM-062: the parties whose consent form is not back (the transfer needs none)."""
    outstanding: list[DrParty] = []
    if not complainant_returned:
        outstanding.append(DrParty.complainant)
    if not organisation_returned:
        outstanding.append(DrParty.organisation)
    return outstanding


def conference_problems(
    outcome: ConferenceOutcome,
    *,
    agreed_by_complainant: bool,
    agreed_by_organisation: bool,
    agreed_outcomes: Sequence[str],
    mediated_components: int,
) -> list[ConferenceProblem]:
    """What is wrong with a resolution conference's record, or nothing.

    ASM-063: an outcome reached (in whole or in part) is agreed by **both** parties and says
    what was agreed; a partial agreement names the components it resolved (ASM-065) and only it
    does; no agreement records no agreed outcome.
    """
    problems: list[ConferenceProblem] = []
    reached = outcome is not ConferenceOutcome.not_agreed
    if reached:
        if agreed_by_complainant is not True:
            problems.append(ConferenceProblem.not_agreed_by_complainant)
        if agreed_by_organisation is not True:
            problems.append(ConferenceProblem.not_agreed_by_organisation)
        if not agreed_outcomes:
            problems.append(ConferenceProblem.agreed_outcomes_required)
    elif agreed_outcomes:
        problems.append(ConferenceProblem.agreed_outcomes_not_applicable)
    if outcome is ConferenceOutcome.partly_agreed and mediated_components < 1:
        problems.append(ConferenceProblem.mediated_components_required)
    if outcome is not ConferenceOutcome.partly_agreed and mediated_components > 0:
        problems.append(ConferenceProblem.mediated_components_not_applicable)
    return problems


def status_after_conference(outcome: ConferenceOutcome) -> CaseStatus:
    """T29: an agreement closes the case; T30: otherwise it is considered further."""
    if outcome is ConferenceOutcome.agreed:
        return CaseStatus.closed
    return CaseStatus.further_consideration


def status_on_withdrawal(prior: CaseStatus | None) -> CaseStatus:
    """T28 (¶2.121–2.122): back where the case was before the DR proposal; a case intake
    allocated to DR (T15) had no caseworker yet, so it joins the allocation queue."""
    return prior if prior in PROPOSABLE_FROM else CaseStatus.awaiting_allocation


def review_eligible(closure_code: str | None) -> bool:
    """ASM-061 (¶2.119): may the complainant ask for a review of how the case closed? Not of a
    DR resolution agreement (we made no decision), nor of a case not closed."""
    return closure_code is not None and closure_code != DR_RESOLUTION_AGREEMENT

"""The pure rules of the Decision Form at further consideration (no I/O; tested without a
database). Closed lists are quoted from requirements §D; each rule names its requirement.

- Ordering (ASM-090, ASM-091, ASM-092): the analysis, remit and suitability come first; a
  decision is recorded only after them, and a proposal only once every gate test has a result.
- The single decline reason (ASM-093): one closure code with its discretion type and rationale;
  a general-discretion reason chosen while the form shows a satisfied specific-discretion ground
  needs a justification.
- Time limits (ASM-118…127, C-10…C-12): computed from the awareness date, never typed. The limit
  is the anniversary of the awareness date (12 calendar months, the corresponding date; 29
  February runs to 28 February) and the anniversary itself is in time (G-12); calendar days,
  so bank holidays move nothing. Health is measured to the day PHSO received the complaint,
  parliamentary to the day it went to an MP, a Victims and Prisoners Act case to the day PHSO
  received it (¶2.273–2.275). The COVID pause (¶2.286–2.289), discretion with reasons
  (¶2.278–2.285, ¶2.294: boilerplate is refused), the exceptional-circumstances test with an
  AD's agreement (¶2.291), parts in and out of time (¶2.293), a previously premature case
  (¶2.292).
- Alternative legal remedy (ASM-128…136, D.10): the routes and factors are data; things that
  are not ALRs are refused as ALR grounds (¶2.308–2.309); a court that gave, or could have
  given, the full remedy closes the case as 'out of remit - alternative legal remedy achieved'
  (¶2.301).
- Should we look into it (guidance §3): another forum better placed (ASM-138), the indications
  of maladministration and of an unremedied injustice recorded before a proposal, unless it is
  proposed on size and complexity with its audit trail (ASM-139, ASM-140), mixed outcomes and
  the ALR (ASM-135), and the cases presumed, or more likely to be, investigated: declining one
  needs its exceptional circumstances recorded (ASM-157).
- Readiness: what is missing before a decline and before a proposal, each item naming its
  requirement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from assessment_api.cases.rules import OTHER_REASON_TO_DECLINE, Discretion, decline_problems
from shared.calendar import WorkingCalendar

if TYPE_CHECKING:
    from assessment_api.decision_form.schemas import (
        AlrSection,
        ComplexityBasis,
        FormContent,
        TimeLimitDiscretion,
        TimeLimitSection,
    )


# --- Closed lists -----------------------------------------------------------------------------


class Jurisdiction(StrEnum):
    """D.2."""

    health = "health"
    parliamentary = "parliamentary"


class RemitCategory(StrEnum):
    """D.3 (¶2.2): the out-of-remit categories, as printed."""

    actions_abroad = "Actions abroad other than consular functions"
    judicial_authority = "Administrative action taken on judicial authority"
    alr_achieved = "Alternative legal remedy achieved"
    proceedings = "Commencement/conduct of civil/criminal proceedings"
    commercial = "Commercial/contractual matters"
    criminal_or_security = "Criminal investigation or national security"
    judicial_functions = "Exercise of judicial/legislative functions"
    ineligible_complainant = "Ineligible complainant"
    other = "Out of remit - other"
    pre_1996_clinical = "Pre-1996 clinical matters"
    private_healthcare = "Private healthcare (not NHS funded)"
    personnel = "Public service personnel matters"
    three_year_rule = "Three-year rule"


_P = frozenset({Jurisdiction.parliamentary})
_H = frozenset({Jurisdiction.health})
_BOTH = frozenset(Jurisdiction)
# D.3 "Applies to": which jurisdiction's legislation puts a matter out of remit.
REMIT_APPLIES: dict[RemitCategory, frozenset[Jurisdiction]] = {
    RemitCategory.actions_abroad: _P,
    RemitCategory.judicial_authority: _P,
    RemitCategory.alr_achieved: _BOTH,
    RemitCategory.proceedings: _P,
    RemitCategory.commercial: _BOTH,
    RemitCategory.criminal_or_security: _P,
    RemitCategory.judicial_functions: _P,
    RemitCategory.ineligible_complainant: _BOTH,
    RemitCategory.other: _BOTH,
    RemitCategory.pre_1996_clinical: _H,
    RemitCategory.private_healthcare: _H,
    RemitCategory.personnel: _BOTH,
    RemitCategory.three_year_rule: _H,
}

ALR_ACHIEVED = "out of remit - alternative legal remedy achieved"  # D.1 item 15, ¶2.301
ALR_REASONABLE = "reasonable to pursue an alternative legal remedy"  # D.1 item 14, ¶2.325
OUT_OF_TIME = "out of time"  # ¶2.288, named without an exact code (D.1)
PREMATURE_CODES = frozenset({"premature", "Premature: local resolution ongoing"})


class DeclineCode(StrEnum):
    """The closure codes of a decision not to investigate at further consideration (D.1, D.3),
    the same list as ``cases.rules.DECLINE_CODES`` (a test holds them together)."""

    organisation_out_of_jurisdiction = "organisation out of jurisdiction"
    not_properly_made = "not properly made"
    not_in_writing = "Not properly made - not in writing"
    no_mp_referral = "No MP referral"
    alr_achieved = ALR_ACHIEVED
    premature = "premature"
    premature_lr_ongoing = "Premature: local resolution ongoing"
    other_reason = OTHER_REASON_TO_DECLINE
    alr_reasonable = ALR_REASONABLE
    out_of_time = OUT_OF_TIME
    actions_abroad = "Actions abroad other than consular functions"
    judicial_authority = "Administrative action taken on judicial authority"
    remit_alr_achieved = "Alternative legal remedy achieved"
    proceedings = "Commencement/conduct of civil/criminal proceedings"
    commercial = "Commercial/contractual matters"
    criminal_or_security = "Criminal investigation or national security"
    judicial_functions = "Exercise of judicial/legislative functions"
    ineligible_complainant = "Ineligible complainant"
    remit_other = "Out of remit - other"
    pre_1996_clinical = "Pre-1996 clinical matters"
    private_healthcare = "Private healthcare (not NHS funded)"
    personnel = "Public service personnel matters"
    three_year_rule = "Three-year rule"


class DecisionOutcome(StrEnum):
    """ASM-092 (¶2.201): propose an investigation, or decline it; or close the case as a
    resolution the organisation agrees to (¶3.59–3.67, T33), which is a decision not to
    investigate (ASM-156)."""

    propose_to_investigate = "propose to investigate"
    decline = "decline"
    resolve = "resolve"


class GateTest(StrEnum):
    """ASM-092 (¶2.202): the tests completed before proposing."""

    remit = "remit"
    properly_made = "properly_made"
    premature = "premature"
    time_limit = "time_limit"
    alr = "alr"
    maladministration_indications = "maladministration_indications"
    injustice = "injustice"
    unremedied = "unremedied"


class TypedGate(StrEnum):
    """The gate tests the caseworker records a result for. Remit, time limit and ALR are
    computed from their own sections, never typed twice."""

    properly_made = "properly_made"
    premature = "premature"
    maladministration_indications = "maladministration_indications"
    injustice = "injustice"
    unremedied = "unremedied"


class GateResult(StrEnum):
    """``passed``: the test does not stand in the way of an investigation; ``failed``: it is a
    reason not to investigate."""

    passed = "passed"
    failed = "failed"


# ASM-093 (¶2.204): a failed gate that is a specific-discretion ground for declining.
SPECIFIC_GROUNDS = frozenset({GateTest.premature, GateTest.time_limit, GateTest.alr})


class DiscretionBasis(StrEnum):
    """What a time-limit discretion decision rests on (¶2.278–2.291)."""

    organisational_delay = "organisational_delay"  # ¶2.283
    complainant_reasons = "complainant_reasons"  # ¶2.279–2.281, ¶2.284–2.285
    covid_pause = "covid_pause"  # ¶2.287–2.289
    exceptional_circumstances = "exceptional_circumstances"  # ¶2.291


class TimeLimitDecision(StrEnum):
    set_aside = "set_aside"
    not_set_aside = "not_set_aside"


class MeasuredTo(StrEnum):
    """ASM-119: what the 12 months are measured to."""

    phso_received = "phso_received_at"
    complaint_to_mp = "complaint_to_mp_at"


class LegalRoute(StrEnum):
    """D.10: the common ALR routes (¶2.295, ¶2.305), any other legal route, and the two things
    the guidance says are **not** ALRs (¶2.308–2.309), named so they can be refused."""

    clinical_negligence_claim = "clinical negligence claim"
    benefit_tribunal_appeal = "benefit tribunal appeal"
    judicial_review = "judicial review"
    other = "other legal route"
    action_against_complainant = "legal action taken against the complainant"
    coroner = "a Coroner's consideration or inquest"


NOT_AN_ALR = frozenset({LegalRoute.action_against_complainant, LegalRoute.coroner})


class AlrFactor(StrEnum):
    """D.10 (¶2.311): whether pursuing an ALR is or was reasonable."""

    only_way = "only way to the outcome"
    cost = "cost or disproportion against the sum sought"
    all_outcomes = "whether legal action achieves all outcomes"
    funding = "ability to get funding"
    complexity = "complexity of the claim"
    good_reason = "good reason not to go to court"
    circumstances = "age and circumstances"
    time_needed = "time needed"


class CourtStage(StrEnum):
    """ASM-130 (¶2.301–2.302): how far legal action went."""

    not_pursued = "not_pursued"
    pursuing = "pursuing"
    decided = "decided"


class ApprovalKind(StrEnum):
    """The Assistant Director's agreement a time-limit decision needs."""

    # ASM-124 (¶2.291): discretion on exceptional circumstances.
    exceptional_circumstances = "time_limit_exceptional_circumstances"
    # ASM-123 (¶2.288): closing a COVID-window case as out of time.
    covid_out_of_time = "covid_window_out_of_time_closure"


class SupervisionPoint(StrEnum):
    """ASM-095 (¶2.207): the Supervision Model points at which a supervised caseworker treats
    the form as agreed."""

    remit_and_suitability = "remit_and_suitability"
    gate_tests = "gate_tests"
    decision = "decision"


class OtherForumDecision(StrEnum):
    """ASM-138 (¶3.1): which body is better placed to consider the complaint and achieve the
    remedy (usually only one investigation takes place)."""

    we_are_better_placed = "we_are_better_placed"
    other_forum_better_placed = "other_forum_better_placed"


class Remedied(StrEnum):
    """ASM-140 (¶3.8): whether, in our judgement, the organisation's actions have remedied the
    injustice."""

    fully = "fully"
    partly = "partly"
    not_remedied = "not_remedied"


# --- Time limits (ASM-118…127) ----------------------------------------------------------------

TIME_LIMIT_MONTHS = 12  # C-10, C-11
COVID_PAUSE_START = date(2020, 3, 26)  # C-12, ¶2.286
COVID_PAUSE_END = date(2020, 6, 30)
COVID_SENT_BY = date(2020, 8, 31)  # ¶2.287
# Calendar months (DESIGN §5): the shared calendar's month arithmetic, whose result is the
# corresponding date, or the month's last day when it has none (29 February → 28 February).
_CALENDAR = WorkingCalendar()


def limit_date(awareness: date) -> date:
    """ASM-119: the last day in time, the anniversary of the awareness date (G-12: the
    anniversary counts as in time; calendar months, so a bank holiday moves nothing)."""
    return _CALENDAR.add_months(awareness, TIME_LIMIT_MONTHS)


def measured_to(jurisdiction: Jurisdiction, *, vpa_case: bool) -> MeasuredTo:
    """ASM-119: health to PHSO (¶2.273); parliamentary to an MP (¶2.274), but a Victims and
    Prisoners Act case to PHSO (¶2.275)."""
    if jurisdiction is Jurisdiction.parliamentary and not vpa_case:
        return MeasuredTo.complaint_to_mp
    return MeasuredTo.phso_received


def covid_window_eligible(jurisdiction: Jurisdiction, limit: date, received: date) -> bool:
    """ASM-123 (¶2.287): a health complaint out of time that would have been in time if made
    during the pause (its limit on or after 26 March 2020) and sent by 31 August 2020. Not one
    already out of time when the pause began."""
    return (
        jurisdiction is Jurisdiction.health
        and limit >= COVID_PAUSE_START
        and received > limit
        and received <= COVID_SENT_BY
    )


@dataclass(frozen=True)
class TimeLimitResult:
    limit_date: date
    measured_to: MeasuredTo
    measured_on: date | None  # None: the date the complaint went to an MP is not recorded yet
    in_time: bool | None
    covid_window_eligible: bool


def assess_time_limit(
    jurisdiction: Jurisdiction,
    *,
    awareness: date,
    vpa_case: bool,
    received: date,
    complaint_to_mp: date | None,
) -> TimeLimitResult:
    """ASM-119, ASM-123: the computed limit and whether the complaint came in time."""
    limit = limit_date(awareness)
    to = measured_to(jurisdiction, vpa_case=vpa_case)
    on = received if to is MeasuredTo.phso_received else complaint_to_mp
    return TimeLimitResult(
        limit_date=limit,
        measured_to=to,
        measured_on=on,
        in_time=None if on is None else on <= limit,
        covid_window_eligible=covid_window_eligible(jurisdiction, limit, received),
    )


# ASM-127 (¶2.294): reasons, not stock phrases. The phrases the guidance quotes as not enough,
# and their common variants; what is left once they are taken out must be a reason.
STOCK_PHRASES = (
    "there was no reason to set aside the time limit",
    "there is no reason to set aside the time limit",
    "no reason to set aside the time limit",
    "no reason to set the time limit aside",
    "no reason to set aside",
    "the time limit did not apply",
    "the time limit does not apply",
    "time limit did not apply",
    "time limit does not apply",
    "time limit not applicable",
    "the time limit is set aside",
    "time limit set aside",
    "not set aside",
    "set aside",
    "out of time",
    "in time",
    "as above",
    "see above",
    "see notes",
    "not applicable",
    "n a",
    "na",
    "none",
)
MIN_REASON_WORDS = 6


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def is_boilerplate(text: str) -> bool:
    """ASM-127: a rationale that, once the stock phrases are taken out, has fewer than
    ``MIN_REASON_WORDS`` words left says nothing about this case."""
    left = f" {_words(text)} "
    for phrase in STOCK_PHRASES:
        left = left.replace(f" {phrase} ", " ")
    return len(left.split()) < MIN_REASON_WORDS


# --- Problems and readiness ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with, or missing from, the form, naming the rule."""

    requirement: str
    field: str
    detail: str
    # Missing only until an Assistant Director agrees (the form itself can record the decision).
    awaits_approval: ApprovalKind | None = None


@dataclass(frozen=True)
class CaseFacts:
    """What the form's rules read from the case: its jurisdiction and the day PHSO received
    the complaint (intake's ``received_date``)."""

    jurisdiction: Jurisdiction
    received: date


def time_limit_result(content: FormContent, facts: CaseFacts) -> TimeLimitResult | None:
    section = content.time_limit
    if section is None:
        return None
    return assess_time_limit(
        facts.jurisdiction,
        awareness=section.awareness_date,
        vpa_case=section.vpa_case,
        received=facts.received,
        complaint_to_mp=section.complaint_to_mp_date,
    )


def time_limit_problems(section: TimeLimitSection, facts: CaseFacts, today: date) -> list[Problem]:
    """What is inconsistent in the time-limit section (ASM-119…127)."""
    out: list[Problem] = []
    f = "time_limit"
    result = assess_time_limit(
        facts.jurisdiction,
        awareness=section.awareness_date,
        vpa_case=section.vpa_case,
        received=facts.received,
        complaint_to_mp=section.complaint_to_mp_date,
    )
    if section.awareness_date > today:
        out.append(Problem("ASM-120", f"{f}.awareness_date", "the awareness date is not past"))
    if section.awareness_date > facts.received:
        out.append(
            Problem(
                "ASM-120",
                f"{f}.awareness_date",
                "the complainant was aware of a reason to complain before complaining to us",
            )
        )
    if section.vpa_case and facts.jurisdiction is not Jurisdiction.parliamentary:
        out.append(
            Problem("ASM-119", f"{f}.vpa_case", "a Victims and Prisoners Act case is parliamentary")
        )
    if section.complaint_to_mp_date is not None:
        if result.measured_to is not MeasuredTo.complaint_to_mp:
            out.append(
                Problem(
                    "ASM-119",
                    f"{f}.complaint_to_mp_date",
                    "only a parliamentary case (not a VPA case) is measured to an MP (¶2.275)",
                )
            )
        elif not section.awareness_date <= section.complaint_to_mp_date <= facts.received:
            out.append(
                Problem(
                    "ASM-119",
                    f"{f}.complaint_to_mp_date",
                    "the complaint went to the MP after the awareness date and before it "
                    "reached us",
                )
            )
    for i, reason in enumerate(section.delay_reasons):
        if reason.assessment is None:
            out.append(
                Problem(
                    "ASM-121",
                    f"{f}.delay_reasons[{i}].assessment",
                    "record how each of the complainant's reasons was considered (¶2.282)",
                )
            )
    if section.discretion is not None:
        out += _discretion(
            section.discretion, result, len(section.delay_reasons), today, f"{f}.discretion"
        )
    for i, part in enumerate(section.parts):
        part_result = assess_time_limit(
            facts.jurisdiction,
            awareness=part.awareness_date,
            vpa_case=section.vpa_case,
            received=facts.received,
            complaint_to_mp=section.complaint_to_mp_date,
        )
        if part.awareness_date > facts.received:
            out.append(
                Problem(
                    "ASM-126",
                    f"{f}.parts[{i}].awareness_date",
                    "the part's awareness date is on or before the day the complaint reached us",
                )
            )
        if part.discretion is not None:
            out += _discretion(
                part.discretion,
                part_result,
                len(section.delay_reasons),
                today,
                f"{f}.parts[{i}].discretion",
            )
    return out


def _discretion(
    discretion: TimeLimitDiscretion,
    result: TimeLimitResult,
    delay_reasons: int,
    today: date,
    field: str,
) -> list[Problem]:
    """ASM-121, ASM-123, ASM-127 on one discretion decision."""
    out: list[Problem] = []
    if result.in_time is not False:
        out.append(Problem("ASM-121", field, "discretion is for a complaint out of time (¶2.278)"))
    if delay_reasons == 0:
        out.append(
            Problem(
                "ASM-121",
                "time_limit.delay_reasons",
                "the complainant's reasons for the delay, each with how it was considered, come "
                "before a discretion decision (¶2.279, ¶2.282)",
            )
        )
    contact = discretion.complainant_contact
    if contact is None:
        out.append(
            Problem(
                "ASM-121",
                f"{field}.complainant_contact",
                "speak to, or try to speak to, the complainant before deciding (¶2.281)",
            )
        )
    elif contact.on > today:
        out.append(
            Problem("ASM-121", f"{field}.complainant_contact.on", "the contact has not happened")
        )
    if is_boilerplate(discretion.rationale):
        out.append(
            Problem(
                "ASM-127",
                f"{field}.rationale",
                "give this case's reasons for setting the limit aside or not; a stock phrase is "
                "not enough (¶2.294)",
            )
        )
    if discretion.basis is DiscretionBasis.covid_pause and not result.covid_window_eligible:
        out.append(
            Problem(
                "ASM-123",
                f"{field}.basis",
                "the COVID pause applies to a health complaint that would have been in time if "
                "made between 26 March and 30 June 2020 and was sent by 31 August 2020",
            )
        )
    return out


def alr_problems(section: AlrSection) -> list[Problem]:
    """What is inconsistent in the ALR section (ASM-128…136)."""
    out: list[Problem] = []
    f = "alr"
    for route in section.routes:
        if route in NOT_AN_ALR:
            out.append(
                Problem(
                    "ASM-132",
                    f"{f}.routes",
                    f"'{route.value}' is not an alternative legal remedy (¶2.308–2.309)",
                )
            )
    if LegalRoute.other in section.routes and section.other_route is None:
        out.append(Problem("ASM-131", f"{f}.other_route", "name the other legal route"))
    if section.exists and not section.routes:
        out.append(Problem("ASM-131", f"{f}.routes", "name the legal route that exists"))
    if not section.exists:
        if section.routes:
            out.append(Problem("ASM-128", f"{f}.routes", "no ALR exists, so it has no route"))
        if section.reasonable_to_use is not None:
            out.append(
                Problem(
                    "ASM-128",
                    f"{f}.reasonable_to_use",
                    "whether it is reasonable to use an ALR is asked only when one exists",
                )
            )
    court = section.court
    if court is not None:
        if court.stage is not CourtStage.not_pursued and court.stage_reached is None:
            out.append(
                Problem(
                    "ASM-130",
                    f"{f}.court.stage_reached",
                    "confirm how far the legal action got before deciding (¶2.302)",
                )
            )
        if court.stage is CourtStage.decided and court.could_give_full_remedy is None:
            out.append(
                Problem(
                    "ASM-130",
                    f"{f}.court.could_give_full_remedy",
                    "whether the court or tribunal did, or could have, given the full remedy "
                    "(¶2.301)",
                )
            )
        if court.could_give_full_remedy is False and court.outcomes_not_available is None:
            out.append(
                Problem(
                    "ASM-130",
                    f"{f}.court.outcomes_not_available",
                    "the outcomes a court could not give are the only ones we may consider "
                    "(¶2.303)",
                )
            )
    if section.exists and section.reasonable_to_use is not None:
        if not section.factors:
            out.append(
                Problem(
                    "ASM-133",
                    f"{f}.factors",
                    "weigh the D.10 factors before deciding whether using the ALR is "
                    "reasonable (¶2.311)",
                )
            )
        if section.rationale is None:
            out.append(
                Problem(
                    "ASM-128",
                    f"{f}.rationale",
                    "record the ALR analysis on the Decision Form (¶2.297)",
                )
            )
        money = section.financial
        if money is not None and money.above_usual:
            if not money.discussed_with_complainant:
                out.append(
                    Problem(
                        "ASM-129",
                        f"{f}.financial.discussed_with_complainant",
                        "explain the usual amounts before deciding on the ALR (¶2.300, ¶2.315)",
                    )
                )
            if money.can_afford is None:
                out.append(
                    Problem(
                        "ASM-134",
                        f"{f}.financial.can_afford",
                        "assess the complainant's financial position when they still want more "
                        "than we usually recommend (¶2.315, ¶2.324)",
                    )
                )
    return out


def section_problems(content: FormContent, facts: CaseFacts, today: date) -> list[Problem]:
    """What is inconsistent within the form's sections, whatever stage it has reached."""
    out: list[Problem] = []
    remit = content.remit
    if (
        remit is not None
        and remit.out_of_remit_category is not None
        and facts.jurisdiction not in REMIT_APPLIES[remit.out_of_remit_category]
    ):
        out.append(
            Problem(
                "ASM-115",
                "remit.out_of_remit_category",
                f"'{remit.out_of_remit_category.value}' does not apply to a "
                f"{facts.jurisdiction.value} complaint (D.3)",
            )
        )
    if content.time_limit is not None:
        out += time_limit_problems(content.time_limit, facts, today)
    if content.alr is not None:
        out += alr_problems(content.alr)
    if content.precedent_check is not None and content.precedent_check.carried_out_on > today:
        out.append(Problem("ASM-114", "precedent_check.carried_out_on", "not yet carried out"))
    seen: set[str] = set()
    for i, item in enumerate(content.material_evidence):
        if item.document_ref in seen:
            out.append(
                Problem("ASM-170", f"material_evidence[{i}]", "each document is flagged once")
            )
        seen.add(item.document_ref)
    if content.supervision_points and not content.supervised:
        out.append(
            Problem(
                "ASM-095",
                "supervision_points",
                "Supervision Model points are recorded for a supervised caseworker (¶2.207)",
            )
        )
    seen_gates: set[TypedGate] = set()
    for i, gate in enumerate(content.gate_results):
        if gate.test in seen_gates:
            out.append(Problem("ASM-092", f"gate_results[{i}]", "one result per gate test"))
        seen_gates.add(gate.test)
    return out + should_we_problems(content, today)


# --- Should we look into it? (guidance §3) ----------------------------------------------------


def _typed_gate(content: FormContent, test: TypedGate) -> GateResult | None:
    for record in content.gate_results:
        if record.test is test:
            return record.result
    return None


def _by_complexity(content: FormContent) -> bool:
    basis = content.propose_due_to_complexity
    return basis is not None and basis.applies


def _complexity_problems(basis: ComplexityBasis) -> list[Problem]:
    if basis.applies and is_boilerplate(basis.rationale):
        return [
            Problem(
                "ASM-139",
                "propose_due_to_complexity.rationale",
                "leave a clear audit trail of why size and complexity mean the case is best "
                "resolved by investigation (¶3.5, ¶3.9)",
            )
        ]
    return []


def should_we_problems(content: FormContent, today: date) -> list[Problem]:
    """What is inconsistent in the should-we sections (ASM-138…140), whatever the stage."""
    out: list[Problem] = []
    forum = content.other_forum
    if forum is not None:
        if forum.unsure and forum.discussed_at is None:
            out.append(
                Problem(
                    "ASM-138",
                    "other_forum.discussed_at",
                    "unsure which body is better placed: discuss the case with the other "
                    "complaint handler first (¶3.2)",
                )
            )
        if forum.discussed_at is not None and forum.discussed_at > today:
            out.append(Problem("ASM-138", "other_forum.discussed_at", "not yet discussed"))
    mal = content.maladministration
    mal_gate = _typed_gate(content, TypedGate.maladministration_indications)
    if (
        mal is not None
        and mal_gate is not None
        and (mal_gate is GateResult.passed) is not (mal.indicated)
    ):
        out.append(
            Problem(
                "ASM-139",
                "maladministration.indicated",
                "the 'maladministration_indications' result and the indications recorded disagree",
            )
        )
    injustice = content.injustice
    if injustice is not None:
        gate = _typed_gate(content, TypedGate.injustice)
        indicated = injustice.could_have_caused_injustice
        if gate is not None and (gate is GateResult.passed) is not indicated:
            out.append(
                Problem(
                    "ASM-140",
                    "injustice.could_have_caused_injustice",
                    "the 'injustice' result and the indications recorded disagree",
                )
            )
        unremedied = _typed_gate(content, TypedGate.unremedied)
        if unremedied is GateResult.passed and injustice.remedied is Remedied.fully:
            out.append(
                Problem(
                    "ASM-140",
                    "injustice.remedied",
                    "the injustice is judged fully remedied, so the 'unremedied' test cannot "
                    "have passed (¶3.8)",
                )
            )
        if unremedied is GateResult.failed and injustice.remedied is not Remedied.fully:
            out.append(
                Problem(
                    "ASM-140",
                    "injustice.remedied",
                    "the 'unremedied' test failed, so the injustice is judged fully remedied "
                    "(¶3.8)",
                )
            )
    if content.propose_due_to_complexity is not None:
        out += _complexity_problems(content.propose_due_to_complexity)
    return out


# ¶3.5, ¶3.9: the tests a proposal on size and complexity may leave without a view.
COMPLEXITY_GATES = frozenset(
    {GateTest.maladministration_indications, GateTest.injustice, GateTest.unremedied}
)


def should_we_missing_before_proposal(content: FormContent) -> list[Problem]:
    """ASM-138…140 before a proposal: one investigation only, by the better-placed body; the
    indications recorded on the form, unless proposed on size and complexity."""
    out: list[Problem] = []
    forum = content.other_forum
    if forum is not None and forum.decision is OtherForumDecision.other_forum_better_placed:
        out.append(
            Problem(
                "ASM-138",
                "other_forum.decision",
                f"'{forum.name}' is better placed to consider the complaint: usually only one "
                "investigation takes place (¶3.1)",
            )
        )
    if _by_complexity(content):
        return out
    if content.maladministration is None:
        out.append(
            Problem(
                "ASM-139",
                "maladministration",
                "record the indications of maladministration or service failure (what should "
                "have happened, what did, the gap) on the form (¶3.3–3.4)",
            )
        )
    if content.injustice is None:
        out.append(
            Problem(
                "ASM-140",
                "injustice",
                "record the indications of an unremedied injustice and what the organisation "
                "has already done on the form (¶3.6–3.8)",
            )
        )
    return out


def presumption_missing(content: FormContent, facts: CaseFacts) -> list[Problem]:
    """ASM-157 (¶3.69, ¶3.72) before a decline: a health complaint with indications of
    potentially avoidable death is presumed investigated, and avoidable serious harm or a wider
    public interest make investigation more likely; declining one is for exceptional
    circumstances, recorded."""
    flags = content.presumption
    if flags is None:
        return []
    named = []
    if flags.potential_avoidable_death and facts.jurisdiction is Jurisdiction.health:
        named.append("potentially avoidable death (¶3.69)")
    if flags.avoidable_serious_harm:
        named.append("avoidable serious harm (¶3.70)")
    if flags.wider_public_interest:
        named.append("wider public interest (¶3.71)")
    reason = flags.exceptional_circumstances
    if named and (reason is None or is_boilerplate(reason)):
        return [
            Problem(
                "ASM-157",
                "presumption.exceptional_circumstances",
                "declining a case with indications of "
                + ", ".join(named)
                + " needs the exceptional circumstances recorded (¶3.72)",
            )
        ]
    return []


def mixed_outcomes_missing(content: FormContent, code: str | None) -> list[Problem]:
    """ASM-135 (¶2.320, ¶2.322): with mixed outcomes the ALR is still considered, including
    whether the money sought is an amount we would likely recommend; pursuing the ALR first
    (a 'reasonable to pursue an alternative legal remedy' decline) tells the complainant they
    may come back with the outcomes not achieved, and our time limit."""
    alr = content.alr
    mixed = alr.mixed_outcomes if alr is not None else None
    if alr is None or mixed is None:
        return []
    out: list[Problem] = []
    if alr.exists and not mixed.money_sought_considered:
        out.append(
            Problem(
                "ASM-135",
                "alr.mixed_outcomes.money_sought_considered",
                "with mixed outcomes, still consider whether any money sought is an amount we "
                "would likely recommend (¶2.320)",
            )
        )
    if code == ALR_REASONABLE:
        if not mixed.told_may_return:
            out.append(
                Problem(
                    "ASM-135",
                    "alr.mixed_outcomes.told_may_return",
                    "tell the complainant they may come back with the outcomes the courts do "
                    "not achieve (¶2.322)",
                )
            )
        if not mixed.time_limit_given:
            out.append(
                Problem(
                    "ASM-135",
                    "alr.mixed_outcomes.time_limit_given",
                    "give the complainant the details of our time limit (¶2.322)",
                )
            )
    return out


def gates(content: FormContent, facts: CaseFacts) -> dict[GateTest, GateResult | None]:
    """ASM-092: each gate test's result (None: not recorded). Remit, time limit and ALR come
    from their sections."""
    out: dict[GateTest, GateResult | None] = dict.fromkeys(GateTest)
    for record in content.gate_results:
        out[GateTest(record.test.value)] = record.result
    if content.remit is not None:
        out[GateTest.remit] = GateResult.passed if content.remit.in_remit else GateResult.failed
    result = time_limit_result(content, facts)
    if result is not None and content.time_limit is not None:
        out[GateTest.time_limit] = _time_limit_gate(result, content.time_limit)
    if content.alr is not None:
        out[GateTest.alr] = _alr_gate(content.alr)
    return out


def _time_limit_gate(result: TimeLimitResult, section: TimeLimitSection) -> GateResult | None:
    if result.in_time is None:
        return None
    if result.in_time:
        return GateResult.passed
    if section.discretion is None:
        return None
    if section.discretion.decision is TimeLimitDecision.set_aside:
        return GateResult.passed
    return GateResult.failed


def _alr_gate(section: AlrSection) -> GateResult | None:
    if not section.exists:
        return GateResult.passed
    court = section.court
    if court is not None and court.stage is CourtStage.decided and court.could_give_full_remedy:
        return GateResult.failed
    if section.reasonable_to_use is None:
        return None
    return GateResult.failed if section.reasonable_to_use else GateResult.passed


def alr_achieved(section: AlrSection | None) -> bool:
    """ASM-130 (¶2.301): a court or tribunal decided the case and did, or could have, given the
    full remedy sought."""
    court = section.court if section is not None else None
    return bool(
        court is not None and court.stage is CourtStage.decided and court.could_give_full_remedy
    )


_GATE_REQUIREMENT = {
    GateTest.remit: "ASM-091",
    GateTest.time_limit: "ASM-118",
    GateTest.alr: "ASM-128",
}
_GATE_FIELD = {
    GateTest.remit: "remit",
    GateTest.time_limit: "time_limit",
    GateTest.alr: "alr",
}


def _common_missing(content: FormContent) -> list[Problem]:
    """What both a decline and a proposal need recorded first."""
    out: list[Problem] = []
    if content.remit is None:
        out.append(
            Problem("ASM-091", "remit", "consider the remit first, before any other decision")
        )
    if content.suitability is None:
        out.append(
            Problem(
                "ASM-091",
                "suitability",
                "consider whether the person complaining is suitable first (¶2.200)",
            )
        )
    if content.analysis is None:
        out.append(Problem("ASM-090", "analysis", "record the analysis before deciding (¶2.199)"))
    if not any(item.relied_on for item in content.material_evidence):
        out.append(
            Problem(
                "ASM-170",
                "material_evidence",
                "flag and reference the material evidence the decision relied on (¶3.101)",
            )
        )
    wider = content.wider_importance
    if wider is not None and wider.possible and wider.discussed_with_manager_on is None:
        out.append(
            Problem(
                "ASM-094",
                "wider_importance.discussed_with_manager_on",
                "discuss a complaint of possible wider importance with the manager before "
                "deciding (¶2.205)",
            )
        )
    return out


def _approvals_missing(content: FormContent, approved: frozenset[ApprovalKind]) -> list[Problem]:
    section = content.time_limit
    out: list[Problem] = []
    if section is None:
        return out
    discretions = [section.discretion, *(p.discretion for p in section.parts)]
    if (
        any(
            d is not None and d.basis is DiscretionBasis.exceptional_circumstances
            for d in discretions
        )
        and ApprovalKind.exceptional_circumstances not in approved
    ):
        out.append(
            Problem(
                "ASM-124",
                "time_limit.discretion.basis",
                "discretion on exceptional circumstances needs an Assistant Director - "
                "Casework to agree, with reasons (¶2.291)",
                awaits_approval=ApprovalKind.exceptional_circumstances,
            )
        )
    return out


def covid_closure_needs_approval(content: FormContent, facts: CaseFacts) -> bool:
    """ASM-123 (¶2.288): a COVID-window case closed as out of time (the limit not set aside)."""
    result = time_limit_result(content, facts)
    section = content.time_limit
    return bool(
        result is not None
        and result.covid_window_eligible
        and section is not None
        and section.discretion is not None
        and section.discretion.decision is TimeLimitDecision.not_set_aside
    )


def missing_before_decline(
    content: FormContent, facts: CaseFacts, approved: frozenset[ApprovalKind] = frozenset()
) -> list[Problem]:
    """What the form lacks before a decision not to investigate (ASM-090…094, ASM-114,
    ASM-121…124, ASM-128…136, ASM-170)."""
    out = _common_missing(content)
    decision = content.decision
    reason = decision.decline_reason if decision is not None else None
    if decision is None or decision.outcome is not DecisionOutcome.decline or reason is None:
        out.append(
            Problem(
                "ASM-093",
                "decision.decline_reason",
                "record the single reason to decline, with its discretion and rationale",
            )
        )
        return out + _approvals_missing(content, approved) + presumption_missing(content, facts)
    code = reason.closure_code.value
    out += presumption_missing(content, facts) + mixed_outcomes_missing(content, code)
    for problem in decline_problems(code, reason.discretion, reason.other_reason):
        out.append(Problem("ASM-093", "decision.decline_reason", problem.value))
    state = gates(content, facts)
    satisfied = sorted(g.value for g in SPECIFIC_GROUNDS if state[g] is GateResult.failed)
    if (
        reason.discretion is Discretion.general
        and satisfied
        and reason.general_over_specific_justification is None
    ):
        out.append(
            Problem(
                "ASM-093",
                "decision.decline_reason.general_over_specific_justification",
                "a specific-discretion ground is satisfied on the form ("
                + ", ".join(satisfied)
                + "): justify choosing a general-discretion reason (¶2.204)",
            )
        )
    if reason.discretion is Discretion.general and content.precedent_check is None:
        out.append(
            Problem(
                "ASM-114",
                "precedent_check",
                "run the precedent check before deciding there were no failings or no "
                "unremedied injustice (¶2.265)",
            )
        )
    out += _code_consistency(code, content, facts, state)
    if (
        code == OUT_OF_TIME
        and covid_closure_needs_approval(content, facts)
        and ApprovalKind.covid_out_of_time not in approved
    ):
        out.append(
            Problem(
                "ASM-123",
                "time_limit.discretion",
                "closing a COVID-window case as out of time needs an Assistant Director's "
                "approval (¶2.288)",
                awaits_approval=ApprovalKind.covid_out_of_time,
            )
        )
    return out + _approvals_missing(content, approved)


def _code_consistency(
    code: str,
    content: FormContent,
    facts: CaseFacts,
    state: dict[GateTest, GateResult | None],
) -> list[Problem]:
    """The closure code agrees with the section it rests on."""
    out: list[Problem] = []
    field = "decision.decline_reason.closure_code"
    if code == OUT_OF_TIME and state[GateTest.time_limit] is not GateResult.failed:
        out.append(
            Problem(
                "ASM-121",
                field,
                "'out of time' needs the time limit found out of time and not set aside, with "
                "reasons (¶2.278–2.294)",
            )
        )
    if code == ALR_REASONABLE and not (content.alr is not None and content.alr.reasonable_to_use):
        out.append(
            Problem(
                "ASM-136",
                field,
                "'reasonable to pursue an alternative legal remedy' needs the ALR section to find "
                "one that is reasonable to use (¶2.325)",
            )
        )
    if code in {ALR_ACHIEVED, RemitCategory.alr_achieved.value} and not alr_achieved(content.alr):
        out.append(
            Problem(
                "ASM-130",
                field,
                "an ALR is achieved when a court or tribunal decided the case and did, or could "
                "have, given the full remedy (¶2.301)",
            )
        )
    if code in PREMATURE_CODES and state[GateTest.premature] is not GateResult.failed:
        out.append(Problem("ASM-116", field, "a premature closure needs the premature test failed"))
    remit = content.remit
    if code in REMIT_VALUES and (
        remit is None
        or remit.out_of_remit_category is None
        or remit.out_of_remit_category.value != code
    ):
        out.append(
            Problem(
                "ASM-115",
                field,
                "an out-of-remit closure names the category the remit section records",
            )
        )
    return out


REMIT_VALUES = frozenset(c.value for c in RemitCategory)


def missing_before_proposal(
    content: FormContent, facts: CaseFacts, approved: frozenset[ApprovalKind] = frozenset()
) -> list[Problem]:
    """What the form lacks before a proposal to investigate (ASM-090…094, ASM-114, ASM-118,
    ASM-121, ASM-124, ASM-128…134, ASM-170)."""
    out = _common_missing(content)
    if content.suitability is not None and not content.suitability.suitable:
        out.append(
            Problem(
                "ASM-091",
                "suitability.suitable",
                "the person complaining is not suitable to bring the complaint",
            )
        )
    decision = content.decision
    if decision is not None and decision.outcome is not DecisionOutcome.propose_to_investigate:
        out.append(
            Problem("ASM-092", "decision.outcome", f"the form records '{decision.outcome.value}'")
        )
    out += should_we_missing_before_proposal(content) + mixed_outcomes_missing(content, None)
    for gate, result in gates(content, facts).items():
        requirement = _GATE_REQUIREMENT.get(gate, "ASM-092")
        field = _GATE_FIELD.get(gate, f"gate_results.{gate.value}")
        if result is None and gate in COMPLEXITY_GATES and _by_complexity(content):
            continue  # ¶3.5, ¶3.9: proposed on size and complexity, with its audit trail
        if result is None:
            out.append(
                Problem(requirement, field, f"the '{gate.value}' test has no result yet (¶2.202)")
            )
        elif result is GateResult.failed:
            out.append(
                Problem(
                    requirement,
                    field,
                    f"the '{gate.value}' test found a reason not to investigate",
                )
            )
    alr = content.alr
    if (
        alr is not None
        and LegalRoute.clinical_negligence_claim in alr.routes
        and not alr.negligence_claim_pointed_out
    ):
        out.append(
            Problem(
                "ASM-131",
                "alr.negligence_claim_pointed_out",
                "point out a possible negligence claim to the complainant (¶2.307)",
            )
        )
    if content.precedent_check is None:
        out.append(
            Problem(
                "ASM-114",
                "precedent_check",
                "run the precedent check before deciding there were failings (¶2.265)",
            )
        )
    return out + _approvals_missing(content, approved)


def missing_before_resolution(
    content: FormContent, facts: CaseFacts, approved: frozenset[ApprovalKind] = frozenset()
) -> list[Problem]:
    """What the form lacks before a case closes as a resolution (T33): a decision not to
    investigate issued under the normal requirements (ASM-156 ¶3.67), so the analysis, remit and
    suitability come first (ASM-090, ASM-091) and the evidence relied on is flagged (ASM-170); a
    complaint we can legally consider (ASM-153 ¶3.59: in remit, though it may be premature or not
    properly made); the form's decision is the resolution; a case presumed investigated needs its
    exceptional circumstances (ASM-157 ¶3.72)."""
    out = _common_missing(content)
    if content.remit is not None and not content.remit.in_remit:
        out.append(
            Problem(
                "ASM-153",
                "remit.in_remit",
                "a resolution is for a complaint we can legally consider (¶3.59)",
            )
        )
    decision = content.decision
    if decision is None or decision.outcome is not DecisionOutcome.resolve:
        out.append(
            Problem(
                "ASM-156",
                "decision.outcome",
                "record the decision to close the case as a resolution (¶3.67)",
            )
        )
    return out + presumption_missing(content, facts) + _approvals_missing(content, approved)


def save_problems(content: FormContent, facts: CaseFacts, today: date) -> list[Problem]:
    """What refuses a save (422): inconsistent sections, and a decision recorded out of order
    (ASM-090, ASM-091 first; ASM-092 every gate before a proposal; ASM-093 the single reason;
    ASM-170 the material evidence). An Assistant Director's agreement comes after the form
    records the decision, so its absence does not refuse the save."""
    out = section_problems(content, facts, today)
    decision = content.decision
    if decision is None:
        return out
    if decision.outcome is DecisionOutcome.decline:
        missing = missing_before_decline(content, facts, frozenset(ApprovalKind))
    else:
        if decision.decline_reason is not None:
            resolve = decision.outcome is DecisionOutcome.resolve
            what = "a resolution" if resolve else "a proposal to investigate"
            out.append(
                Problem("ASM-093", "decision.decline_reason", f"{what} has no decline reason")
            )
        if decision.outcome is DecisionOutcome.resolve:
            missing = missing_before_resolution(content, facts, frozenset(ApprovalKind))
        else:
            missing = missing_before_proposal(content, facts, frozenset(ApprovalKind))
    return out + [p for p in missing if p.awaits_approval is None]


def dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Problem] = []
    for p in problems:
        key = (p.requirement, p.field, p.detail)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out

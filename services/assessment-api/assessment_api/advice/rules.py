"""The pure rules of advice at assessment (no I/O; tested without a database). Closed lists are
quoted from requirements §D.16 and §D.18; each rule names its requirement.

- A request (ASM-143): clinical advice has its format (a documented discussion, or written for
  long or complex care), its discipline and focused questions; impact advice from another
  specialty may depend on an earlier request (sequential).
- A follow-up (ASM-144): asked of the clinician who gave the advice, as a normal request, once
  that advice is in; another adviser needs a reason.
- Advice received (ASM-144): how it was used; a quality concern goes to a lead clinician.
- A request for an adviser's name (ASM-145): referred to the Information Access and Assurance
  Team; a lead clinician told too when it is to report the adviser to a regulator.
- Deciding without clinical advice (ASM-142): the Operations Manager's discussion (a lead
  clinician consulted when the OM was unsure) or the caseworker's delegated authority under the
  Accreditation Scheme, and the reasoning, always.
- The clinical standard (ASM-146…148, ASM-150): its source, in force at the time of events, the
  rationale; an organisation's standard set aside only with a D.18 reason; conflicting standards
  explained; no applicable standard only after the search steps, the adviser's clear statement
  and the OM's confirmation (or accreditation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class AdviceType(StrEnum):
    """D.16 advice types (¶3.12, ¶3.52, ¶3.58, ¶6.21)."""

    clinical = "clinical"
    legal = "legal"
    edi = "edi"  # Equality, Diversity or Inclusion: the "specialist advice" section (¶3.58)
    other_specialist = "other_specialist"
    manager_peer = "manager_peer"


# ¶3.58: EDI advice is requested and recorded in the "specialist advice" section.
SPECIALIST_TYPES = frozenset({AdviceType.edi, AdviceType.other_specialist})


class ClinicalFormat(StrEnum):
    """D.16 clinical formats (¶3.14)."""

    documented_discussion = "documented_discussion"  # face to face or telephone
    written = "written"


class AdviceStatus(StrEnum):
    requested = "requested"
    received = "received"
    withdrawn = "withdrawn"


class OmOutcome(StrEnum):
    """ASM-142 (¶3.13): the Operations Manager agreed clinical advice is not needed, or was unsure
    (then a lead clinician is consulted)."""

    agreed_not_required = "agreed_not_required"
    unsure = "unsure"


class StandardOutcome(StrEnum):
    """ASM-146, ASM-150: a standard applied, or none applicable."""

    standard_applied = "standard_applied"
    no_applicable_standard = "no_applicable_standard"


class StandardSource(StrEnum):
    """ASM-146 (¶3.31): the organisation's standard, or one our adviser selected."""

    organisation_provided = "organisation_provided"
    adviser_selected = "adviser_selected"


class StandardKind(StrEnum):
    """D.18 clinical standard sources (¶3.25, ¶3.28)."""

    nice = "NICE guidance"
    pathway = "clinical pathways"
    regulator = "professional regulators' codes of practice and guidance"
    royal_college = "Royal Colleges guidance"
    local = "local protocols or policies"
    research = "published research"
    good_administration = "Principles of Good Administration"


class RejectionReason(StrEnum):
    """D.18 rejecting an organisation's standard (¶3.40)."""

    not_credible = "not credible"
    not_in_use = "not in use at the time"
    not_appropriate = "not appropriate given the medical condition or prognosis"


@dataclass(frozen=True)
class Problem:
    requirement: str
    field: str
    detail: str


@dataclass(frozen=True)
class RequestFacts:
    """What the request rules read: the request as asked, and the request it follows up or
    depends on (None when it names none)."""

    advice_type: AdviceType
    clinical_format: ClinicalFormat | None
    discipline: str | None
    questions: str | None
    due_date: date | None
    adviser_id: str | None
    adviser_change_reason: str | None
    follow_up_of: Earlier | None = None
    depends_on: Earlier | None = None


@dataclass(frozen=True)
class Earlier:
    advice_type: AdviceType
    status: AdviceStatus
    adviser_id: str | None


def follow_up_adviser(requested: str | None, original: Earlier) -> str | None:
    """ASM-144 (¶3.19): a follow-up goes to the clinician who gave the advice unless another is
    named."""
    return original.adviser_id if requested is None else requested


def request_problems(facts: RequestFacts, today: date) -> list[Problem]:
    """What is wrong with an advice request (ASM-143, ASM-144)."""
    out: list[Problem] = []
    clinical = facts.advice_type is AdviceType.clinical
    if clinical:
        if facts.clinical_format is None:
            out.append(
                Problem(
                    "ASM-143",
                    "format",
                    "clinical advice is a documented discussion or written (¶3.14)",
                )
            )
        if facts.discipline is None:
            out.append(Problem("ASM-143", "discipline", "name the clinical discipline asked"))
        if facts.questions is None:
            out.append(
                Problem(
                    "ASM-143",
                    "questions",
                    "ask clear, focused questions on the clinical aspects (¶3.15)",
                )
            )
    elif facts.clinical_format is not None:
        out.append(Problem("ASM-143", "format", "only clinical advice has a format (¶3.14)"))
    if facts.advice_type is AdviceType.legal and facts.adviser_id is not None:
        out.append(
            Problem(
                "ASM-151",
                "adviser_id",
                "requests for legal advice go to the Legal Team, not a named adviser (¶3.56)",
            )
        )
    if facts.due_date is not None and facts.due_date < today:
        out.append(Problem("ASM-143", "due_date", "the advice cannot be due in the past"))
    original = facts.follow_up_of
    if original is not None:
        if original.advice_type is not facts.advice_type:
            out.append(
                Problem("ASM-144", "follow_up_of", "a follow-up asks the same kind of advice")
            )
        if original.status is not AdviceStatus.received:
            out.append(
                Problem(
                    "ASM-144",
                    "follow_up_of",
                    "follow-up questions are asked of advice already received (¶3.19)",
                )
            )
        adviser = follow_up_adviser(facts.adviser_id, original)
        if adviser != original.adviser_id and facts.adviser_change_reason is None:
            out.append(
                Problem(
                    "ASM-144",
                    "adviser_change_reason",
                    "follow-up advice comes from the clinician who gave it; give the reason for "
                    "asking another (¶3.19)",
                )
            )
    elif facts.adviser_change_reason is not None:
        out.append(
            Problem(
                "ASM-144",
                "adviser_change_reason",
                "only a follow-up asked of another adviser has a reason for the change",
            )
        )
    dep = facts.depends_on
    if dep is not None:
        if not clinical or dep.advice_type is not AdviceType.clinical:
            out.append(
                Problem(
                    "ASM-143",
                    "depends_on_request_id",
                    "sequential advice is clinical impact advice after another clinical "
                    "request (¶3.16)",
                )
            )
        if dep.status is AdviceStatus.withdrawn:
            out.append(Problem("ASM-143", "depends_on_request_id", "that request was withdrawn"))
    return out


def received_problems(
    advice_type: AdviceType,
    *,
    how_used: str | None,
    quality_concern: str | None,
    lead_clinician_id: str | None,
    received_on: date,
    today: date,
) -> list[Problem]:
    """What is wrong with recording advice received (ASM-144)."""
    out: list[Problem] = []
    if received_on > today:
        out.append(Problem("ASM-144", "received_on", "advice is recorded once received"))
    if advice_type is not AdviceType.legal and how_used is None:
        out.append(
            Problem(
                "ASM-144",
                "how_used",
                "explain how the advice was used: the view is ours, advice informs it (¶3.17)",
            )
        )
    if quality_concern is not None and lead_clinician_id is None:
        out.append(
            Problem(
                "ASM-144",
                "quality_concern_raised_with",
                "a concern about the quality of advice is discussed with a lead clinician (¶3.20)",
            )
        )
    if quality_concern is not None and advice_type is not AdviceType.clinical:
        out.append(
            Problem(
                "ASM-144", "quality_concern", "a lead clinician hears concerns on clinical advice"
            )
        )
    return out


def name_request_problems(
    *, for_regulator: bool, lead_clinician_told_on: date | None, received_on: date, today: date
) -> list[Problem]:
    """ASM-145 (¶3.21): a request for an adviser's name is referred to the Information Access
    and Assurance Team; one made to report the adviser to a regulator is told to a lead
    clinician too."""
    out: list[Problem] = []
    if received_on > today:
        out.append(Problem("ASM-145", "received_on", "the request has not been received yet"))
    if for_regulator and lead_clinician_told_on is None:
        out.append(
            Problem(
                "ASM-145",
                "lead_clinician_told_on",
                "a request to report the adviser to a regulator is made known to a lead "
                "clinician (¶3.21)",
            )
        )
    if not for_regulator and lead_clinician_told_on is not None:
        out.append(
            Problem(
                "ASM-145",
                "lead_clinician_told_on",
                "a lead clinician is told when the name is wanted for a regulator",
            )
        )
    return out


@dataclass(frozen=True)
class ClinicalDecisionFacts:
    """ASM-142: the caseworker's record of whether a view on a clinical decision is needed and,
    without clinical advice, how deciding without it was agreed."""

    clinical_decision_involved: bool
    om_id: str | None
    om_discussed_on: date | None
    om_outcome: OmOutcome | None
    lead_clinician_consulted_on: date | None
    accredited: bool
    rationale: str | None


def clinical_decision_problems(
    facts: ClinicalDecisionFacts, *, holds_accreditation: bool, today: date
) -> list[Problem]:
    """What is wrong with the record itself (ASM-142)."""
    out: list[Problem] = []
    if facts.accredited and not holds_accreditation:
        out.append(
            Problem(
                "ASM-142",
                "accredited",
                "the caseworker holds no delegated authority under the Accreditation Scheme",
            )
        )
    if facts.om_discussed_on is not None and facts.om_discussed_on > today:
        out.append(Problem("ASM-142", "om_discussed_on", "the discussion has not happened yet"))
    if (facts.om_discussed_on is None) != (facts.om_id is None) or (
        facts.om_discussed_on is None
    ) != (facts.om_outcome is None):
        out.append(
            Problem(
                "ASM-142",
                "om_discussed_on",
                "a discussion with the Operations Manager records who, when and the outcome",
            )
        )
    if facts.lead_clinician_consulted_on is not None and facts.lead_clinician_consulted_on > today:
        out.append(
            Problem("ASM-142", "lead_clinician_consulted_on", "the consultation has not happened")
        )
    return out


def without_advice_gaps(facts: ClinicalDecisionFacts | None) -> list[Problem]:
    """ASM-142 (¶3.12–3.13) before a decision on a case that needs a view on a clinical decision
    and has no clinical advice: the OM agreed (a lead clinician consulted if the OM was unsure)
    or the caseworker is accredited, and the reasoning is recorded."""
    if facts is None or not facts.clinical_decision_involved:
        return []
    out: list[Problem] = []
    om_agreed = facts.om_outcome is OmOutcome.agreed_not_required or (
        facts.om_outcome is OmOutcome.unsure and facts.lead_clinician_consulted_on is not None
    )
    if facts.om_outcome is OmOutcome.unsure and facts.lead_clinician_consulted_on is None:
        out.append(
            Problem(
                "ASM-142",
                "lead_clinician_consulted_on",
                "the Operations Manager was unsure: consult a Lead Clinician (¶3.13)",
            )
        )
    elif not (om_agreed or facts.accredited):
        out.append(
            Problem(
                "ASM-142",
                "om_discussed_on",
                "a view on a clinical decision needs clinical advice, or a discussion with the "
                "Operations Manager first (unless accredited), recorded (¶3.12–3.13)",
            )
        )
    if facts.rationale is None:
        out.append(
            Problem(
                "ASM-142",
                "rationale",
                "record the reasoning for deciding without clinical advice (¶3.13)",
            )
        )
    return out


@dataclass(frozen=True)
class StandardFacts:
    """ASM-146…150: a clinical standard as recorded."""

    outcome: StandardOutcome
    source: StandardSource | None
    name: str | None
    in_force_at_event_date: bool | None
    rationale: str
    organisation_standard: str | None
    appropriateness_checked: bool
    rejection_reason: RejectionReason | None
    rejection_explanation: str | None
    conflicting_standard: str | None
    conflict_explanation: str | None
    adviser_stated_clearly: bool
    search_steps: tuple[str, ...]
    om_id: str | None
    om_confirmed_on: date | None
    om_unsure: bool
    lead_clinician_consulted_on: date | None
    accredited: bool


def standard_problems(
    facts: StandardFacts, *, holds_accreditation: bool, today: date
) -> list[Problem]:
    """What is wrong with a clinical standard's record (ASM-146…148, ASM-150)."""
    out: list[Problem] = []
    if facts.outcome is StandardOutcome.standard_applied:
        if facts.source is None or facts.name is None:
            out.append(
                Problem("ASM-146", "source", "name the standard applied and where it came from")
            )
        if facts.in_force_at_event_date is not True:
            out.append(
                Problem(
                    "ASM-146",
                    "in_force_at_event_date",
                    "the standard applied was in force at the time of the events (¶3.26, ¶3.44)",
                )
            )
        if facts.source is StandardSource.organisation_provided:
            if facts.organisation_standard is None:
                out.append(
                    Problem(
                        "ASM-147",
                        "organisation_standard",
                        "name the standard the organisation said it used",
                    )
                )
            if not facts.appropriateness_checked:
                out.append(
                    Problem(
                        "ASM-147",
                        "appropriateness_checked",
                        "check the organisation's standard is appropriate before applying it "
                        "(¶3.38)",
                    )
                )
        if (
            facts.source is StandardSource.adviser_selected
            and facts.organisation_standard is not None
            and (facts.rejection_reason is None or facts.rejection_explanation is None)
        ):
            out.append(
                Problem(
                    "ASM-147",
                    "rejection_reason",
                    "the organisation provided a standard: document why it is not appropriate "
                    "(D.18) before applying the adviser's (¶3.40)",
                )
            )
        if facts.conflicting_standard is not None and facts.conflict_explanation is None:
            out.append(
                Problem(
                    "ASM-148",
                    "conflict_explanation",
                    "explain why one of two contradictory standards was chosen (¶3.45)",
                )
            )
    else:
        if facts.source is not None or facts.name is not None:
            out.append(
                Problem("ASM-150", "source", "no applicable standard: none is named as applied")
            )
        if not facts.search_steps:
            out.append(
                Problem(
                    "ASM-150",
                    "search_steps",
                    "document every step taken to find an applicable standard (¶3.51)",
                )
            )
        if not facts.adviser_stated_clearly:
            out.append(
                Problem(
                    "ASM-150",
                    "adviser_stated_clearly",
                    "the adviser states clearly that there is no relevant standard; clarify it "
                    "with them (¶3.49)",
                )
            )
        om_confirmed = facts.om_confirmed_on is not None and facts.om_id is not None
        if not (om_confirmed or facts.accredited):
            out.append(
                Problem(
                    "ASM-150",
                    "om_confirmed_on",
                    "escalate to an Operations Manager, who confirms all reasonable steps were "
                    "taken (unless accredited) (¶3.50)",
                )
            )
        if facts.om_unsure and facts.lead_clinician_consulted_on is None:
            out.append(
                Problem(
                    "ASM-150",
                    "lead_clinician_consulted_on",
                    "the Operations Manager was unsure: consult a lead clinician (¶3.50)",
                )
            )
    if facts.rejection_reason is not None and facts.source is not StandardSource.adviser_selected:
        out.append(
            Problem(
                "ASM-147",
                "rejection_reason",
                "an organisation's standard is rejected only for the adviser's",
            )
        )
    if facts.accredited and not holds_accreditation:
        out.append(
            Problem(
                "ASM-150",
                "accredited",
                "the caseworker holds no delegated authority under the Accreditation Scheme",
            )
        )
    for field, day in (
        ("om_confirmed_on", facts.om_confirmed_on),
        ("lead_clinician_consulted_on", facts.lead_clinician_consulted_on),
    ):
        if day is not None and day > today:
            out.append(Problem("ASM-150", field, "not yet happened"))
    return out

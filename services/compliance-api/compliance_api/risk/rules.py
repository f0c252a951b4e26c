"""The risk rules, pure (no I/O): the §D.23 matrix, the downgrade, the overall rating, the uplift
floor and the override (guidance ¶10.25–10.31, ¶10.6/10.24, ¶10.37–10.39; CMP-102…CMP-118); and
the high-risk path: which path a high rating takes (CMP-113, XC-RSK-005), the rating lock under
oversight (CMP-115), who may hold oversight (CMP-127/128), the monthly updates (CMP-131), the
ad hoc review reasons (XC-RSK-003) and the prompts an assessment raises (CMP-122…125).

The matrix is written out cell by cell, as the guidance prints it, rather than derived from the
score rule (impact × likelihood ≤ 2 Low, 3–4 Medium, ≥ 6 High): the table is what caseworkers
read, and a test states every cell.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from compliance_api.risk.errors import (
    DowngradeNotAllowed,
    OverrideBelowUplift,
    OverrideChangesNothing,
    OversightConflict,
    RatingLocked,
    StaffNotEligible,
)
from shared.calendar import WorkingCalendar
from shared.casework.deadlines import DeadlineRule, Unit
from shared.staff import Grade, StaffMember


class Likelihood(StrEnum):
    """D.23 likelihood: 1 Unlikely, 2 Likely, 3 Highly likely (¶10.25; ¶10.15's "possible" is
    the same middle step, G-05)."""

    unlikely = "unlikely"
    likely = "likely"
    highly_likely = "highly_likely"


class Impact(StrEnum):
    """D.23 impact (severity): 1 Minor, 2 Moderate, 3 Critical."""

    minor = "minor"
    moderate = "moderate"
    critical = "critical"


class Rating(StrEnum):
    """CMP-101: a case's risk is low, medium or high."""

    low = "low"
    medium = "medium"
    high = "high"


RATING_ORDER = (Rating.low, Rating.medium, Rating.high)


class Category(StrEnum):
    """D.22: the five risk categories (¶10.17, headings ¶10.47–10.61)."""

    people = "people"
    financial = "financial"
    reputation_political = "reputation_political"
    our_service = "our_service"
    legal = "legal"


class Trigger(StrEnum):
    """XC-RSK-001 / D.25: why the assessment was made."""

    decline = "decline"
    propose = "propose"
    confirm_investigation = "confirm_investigation"
    provisional_views = "provisional_views"
    further_work_after_service_complaint = "further_work_after_service_complaint"
    compliance_escalation = "compliance_escalation"
    new_risk_identified = "new_risk_identified"
    ad_hoc = "ad_hoc"


class MitigationOutcome(StrEnum):
    """D.24 / CMP-118: what a mitigation plan aims at (¶10.39)."""

    remove = "remove"
    avoid = "avoid"
    reduce = "reduce"
    accept = "accept"


class UpliftScope(StrEnum):
    """CMP-102: a temporary higher rating for an organisation or a group of cases (¶10.6)."""

    organisation = "organisation"
    case_group = "case_group"


class OverrideDirection(StrEnum):
    """CMP-112: the manager agreed to raise or to lower the generated rating."""

    raised = "raise"
    lowered = "lower"


@dataclass(frozen=True)
class Cell:
    """One cell of the matrix: its rating, and whether it reads "Medium or Low" (CMP-110)."""

    rating: Rating
    may_be_low: bool = False


MEDIUM_OR_LOW = Cell(Rating.medium, may_be_low=True)

# D.23, impact rows × likelihood columns, as printed in the guidance's risk matrix.
MATRIX: dict[tuple[Impact, Likelihood], Cell] = {
    (Impact.critical, Likelihood.unlikely): MEDIUM_OR_LOW,
    (Impact.critical, Likelihood.likely): Cell(Rating.high),
    (Impact.critical, Likelihood.highly_likely): Cell(Rating.high),
    (Impact.moderate, Likelihood.unlikely): Cell(Rating.low),
    (Impact.moderate, Likelihood.likely): MEDIUM_OR_LOW,
    (Impact.moderate, Likelihood.highly_likely): Cell(Rating.high),
    (Impact.minor, Likelihood.unlikely): Cell(Rating.low),
    (Impact.minor, Likelihood.likely): Cell(Rating.low),
    (Impact.minor, Likelihood.highly_likely): MEDIUM_OR_LOW,
}


def rank(rating: Rating) -> int:
    return RATING_ORDER.index(rating)


def highest(ratings: Iterable[Rating], *, default: Rating = Rating.low) -> Rating:
    return max(ratings, key=rank, default=default)


@dataclass(frozen=True)
class EntryRatings:
    """An entry's ratings: before mitigation, the matrix's after mitigation, and the recorded
    after-mitigation rating (the matrix's, or Low after a CMP-110 downgrade)."""

    pre: Rating
    matrix_post: Rating
    post: Rating
    downgraded: bool


def rate_entry(
    *,
    impact: Impact,
    likelihood: Likelihood,
    impact_after: Impact | None,
    likelihood_after: Likelihood | None,
    downgrade_factors: str | None,
) -> EntryRatings:
    """CMP-109/110: the matrix before and after mitigation (after = before when mitigation does
    not change the impact or likelihood, ¶10.43), then the external-factor downgrade.

    A downgrade to Low needs recorded factors and a "Medium or Low" cell; a High cell is never
    downgraded this way (only by a manager's override, CMP-112).
    """
    pre = MATRIX[(impact, likelihood)]
    after = MATRIX[(impact_after or impact, likelihood_after or likelihood)]
    factors = (downgrade_factors or "").strip()
    if not factors:
        return EntryRatings(pre.rating, after.rating, after.rating, downgraded=False)
    if not after.may_be_low:
        raise DowngradeNotAllowed(
            f"CMP-110: a {after.rating.value} cell after mitigation cannot be graded Low; "
            "only a 'Medium or Low' cell can (a manager's override is the other way, CMP-112)",
            extensions={"rule": "CMP-110", "rating_after_mitigation": after.rating.value},
        )
    return EntryRatings(pre.rating, after.rating, Rating.low, downgraded=True)


def raise_one(rating: Rating) -> Rating:
    return RATING_ORDER[min(rank(rating) + 1, len(RATING_ORDER) - 1)]


def generated_rating(posts: Iterable[Rating], *, cumulative_raised: bool) -> Rating:
    """CMP-111: the highest after-mitigation rating (Low when there is no risk, CMP-108), one
    level higher when the risks together justify it (CMP-117, ¶10.37: never above High)."""
    top = highest(posts)
    return raise_one(top) if cumulative_raised else top


def with_floor(rating: Rating, floor: Rating | None) -> Rating:
    """CMP-102: under an active uplift the rating is at least the uplift's minimum."""
    return rating if floor is None else highest((rating, floor))


def override_direction(
    *, current: Rating, target: Rating, floor: Rating | None
) -> OverrideDirection:
    """CMP-112: which way an override moves the rating; it must move it, and not below an active
    uplift's minimum (CMP-102)."""
    if target == current:
        raise OverrideChangesNothing(
            f"The rating is already {current.value}", extensions={"rule": "CMP-112"}
        )
    if floor is not None and rank(target) < rank(floor):
        raise OverrideBelowUplift(
            f"CMP-102: an uplift sets the minimum at {floor.value}",
            extensions={"rule": "CMP-102", "minimum_rating": floor.value},
        )
    return OverrideDirection.raised if rank(target) > rank(current) else OverrideDirection.lowered


# --- The category rules (¶10.47–10.61) and ad hoc reviews (XC-RSK-003) -------------------------


class RiskTo(StrEnum):
    """XC-RSK-005 (¶8.72, ¶9.100): a risk that falls on a person rather than on our casework."""

    complainant = "complainant"
    stakeholders = "stakeholders"
    third_parties = "third_parties"


class ReviewReason(StrEnum):
    """Why an ad hoc review was made (XC-RSK-003 and ¶10.11, ¶10.12, ¶10.44)."""

    delay_or_non_cooperation = "delay_or_non_cooperation"  # ¶5.3, at proposal stage
    jurisdiction_challenge = "jurisdiction_challenge"  # ¶5.4
    suspected_criminal_behaviour = "suspected_criminal_behaviour"  # ¶7.34
    organisation_concerns_before_provisional_views = (
        "organisation_concerns_before_provisional_views"  # ¶7.80
    )
    persistent_challenge_to_provisional_views = "persistent_challenge_to_provisional_views"  # ¶8.66
    compliance_escalation_review = "compliance_escalation_review"  # ¶9.84, ¶9.99
    new_risk = "new_risk"  # ¶10.12
    mitigated_risk_occurred = "mitigated_risk_occurred"  # ¶10.11
    risk_no_longer_of_concern = "risk_no_longer_of_concern"  # ¶10.44


# The triggers of a review outside the formal points: each records which reason made it.
REVIEW_TRIGGERS = frozenset({Trigger.ad_hoc, Trigger.new_risk_identified})


def needs_review_reason(trigger: Trigger) -> bool:
    """XC-RSK-003: an ``ad_hoc`` or ``new_risk_identified`` assessment says what triggered it; a
    formal point's assessment (D.25) is triggered by its transition and names none."""
    return trigger in REVIEW_TRIGGERS


class Informed(StrEnum):
    """CMP-116 (¶10.35): who else was made aware of the case or involved in the mitigation."""

    public_affairs = "public_affairs"
    press_office = "press_office"
    liaison_managers = "liaison_managers"
    legal_team = "legal_team"
    other = "other"


class EntryFlag(StrEnum):
    """Facts about one risk that only its own category may state (¶10.47–10.61)."""

    terminal_illness = "terminal_illness"  # People, ¶10.47–10.48
    threat_of_harm = "threat_of_harm"  # People, ¶10.49–10.50
    information_breach = "information_breach"  # Financial, ¶10.53
    unresolved_by_management = "unresolved_by_management"  # Our Service, ¶10.59


FLAG_CATEGORY: dict[EntryFlag, Category] = {
    EntryFlag.terminal_illness: Category.people,
    EntryFlag.threat_of_harm: Category.people,
    EntryFlag.information_breach: Category.financial,
    EntryFlag.unresolved_by_management: Category.our_service,
}


def flag_fits(flag: EntryFlag, category: Category) -> bool:
    return FLAG_CATEGORY[flag] is category


class Prompt(StrEnum):
    """What an assessment prompts the caseworker to consider; a prompt never forces a risk."""

    # CMP-124 (¶10.55): an MP is involved, and no Reputation/Political risk is recorded.
    reputation_political_for_mp = "consider_reputation_political_risk"
    # CMP-125 (¶10.10, ¶10.57): an earlier complaint about our service, no Our Service risk.
    our_service_for_earlier_complaint = "consider_our_service_risk"
    # CMP-116 (¶10.35): a Reputation/Political risk: who else should know (External Affairs).
    inform_external_affairs = "consider_informing_external_affairs"


def prompts(
    *, categories: Iterable[Category], mp_involved: bool, earlier_service_complaint: bool
) -> list[Prompt]:
    """The prompts for an assessment with risks in ``categories`` (CMP-116, CMP-124, CMP-125)."""
    present = set(categories)
    found: list[Prompt] = []
    if mp_involved and Category.reputation_political not in present:
        found.append(Prompt.reputation_political_for_mp)
    if earlier_service_complaint and Category.our_service not in present:
        found.append(Prompt.our_service_for_earlier_complaint)
    if Category.reputation_political in present:
        found.append(Prompt.inform_external_affairs)
    return found


# --- The high-risk path (¶10.32–10.34, ¶10.62–10.72) -----------------------------------------


class HighRiskPath(StrEnum):
    """Which process a rating leads to."""

    none = "none"  # not high
    escalation = "escalation"  # CMP-113, CMP-127: manager, AD, oversight
    people_mitigations = "people_mitigations"  # XC-RSK-005: People mitigations and disclosure


@dataclass(frozen=True)
class EntryFacts:
    category: Category
    post: Rating
    risk_to: RiskTo | None


def high_risk_path(
    rating: Rating, entries: Iterable[EntryFacts], *, floor: Rating | None
) -> HighRiskPath:
    """XC-RSK-005 (¶8.72, ¶9.100; G-20: at every stage): a case high only because of People risks
    to the complainant, stakeholders or third parties follows the People mitigations and
    disclosure (CMP-122), not the escalation. High for any other reason (another risk, the
    risks together, an uplift, an override) escalates (CMP-113)."""
    if rating is not Rating.high:
        return HighRiskPath.none
    highs = [e for e in entries if e.post is Rating.high]
    if (
        highs
        and floor is not Rating.high
        and all(e.category is Category.people and e.risk_to is not None for e in highs)
    ):
        return HighRiskPath.people_mitigations
    return HighRiskPath.escalation


def prioritise_allocation(terminal_illness: Iterable[bool]) -> bool:
    """CMP-122 / XC-RSK-006 (¶10.48): a terminally ill complainant: consider prioritising the
    case for allocation."""
    return any(terminal_illness)


def check_rating_lock(*, current: Rating, new: Rating, holder_agreed: Rating | None) -> None:
    """CMP-115 (¶10.34): under oversight the rating changes only to the rating the oversight
    holder agreed; an unchanged rating needs nothing."""
    if new is current or new is holder_agreed:
        return
    raise RatingLocked(
        f"CMP-115: the case is under oversight; moving it from {current.value} to {new.value} "
        "needs the oversight holder's agreement",
        extensions={"rule": "CMP-115", "rating": current.value, "requested_rating": new.value},
    )


class OversightRole(StrEnum):
    """CMP-127 (¶10.63–10.64): who holds a high-risk case's oversight."""

    ombudsman = "ombudsman"
    deputy_ombudsman = "deputy_ombudsman"


# ¶10.67: the post that may not take a case as deputy where legal advice is key.
DIRECTOR_LEGAL = "director_legal_and_professional_services"


def holds(member: StaffMember, part: str) -> bool:
    """The member's grade is ``part``, or they hold it as a post (e.g. a director acting as
    deputy Ombudsman)."""
    return member.grade.value == part or part in member.posts


def check_eligible(member: StaffMember, *, grades: Iterable[Grade], part: str) -> None:
    """The directory's record fits ``part``: active and holding one of ``grades``."""
    if not member.active or not any(holds(member, g.value) for g in grades):
        raise StaffNotEligible(
            f"{member.staff_id} cannot act as {part}",
            extensions={"staff_id": member.staff_id, "part": part},
        )


def check_oversight_assignee(
    member: StaffMember,
    *,
    role: OversightRole,
    case_id: uuid.UUID,
    organisation_ids: Iterable[uuid.UUID],
    legal_advice_key: bool,
) -> None:
    """CMP-127/128 (¶10.63, ¶10.67): the assignee is the Ombudsman or a deputy, declares no
    conflict on the case or its organisations, and is not the Director of Legal and Professional
    Services where legal advice is key to the decision."""
    check_eligible(member, grades=(Grade(role.value),), part=role.value)
    if member.conflicted_on(case_id=case_id, organisation_ids=frozenset(organisation_ids)):
        raise OversightConflict(
            "CMP-128: the assignee declared a conflict of interest on the case or its organisation",
            extensions={"rule": "CMP-128", "staff_id": member.staff_id},
        )
    if legal_advice_key and DIRECTOR_LEGAL in member.posts:
        raise OversightConflict(
            "CMP-128: the Director of Legal and Professional Services does not take a case as "
            "deputy where legal advice is key",
            extensions={"rule": "CMP-128", "staff_id": member.staff_id},
        )


# C-35 (¶10.72): monthly assurance meetings; the default next meeting is a month on.
HIGH_RISK_UPDATE = DeadlineRule(
    text="C-35 CMP-131 ¶10.72: a monthly update before each high-risk case assurance meeting",
    amount=1,
    unit=Unit.months,
)


def next_meeting(meeting_on: date, given: date | None) -> date:
    """The next assurance meeting: the date given, else a month after ``meeting_on`` (C-35)."""
    return given or HIGH_RISK_UPDATE.due_date(meeting_on, WorkingCalendar())


def update_due(meeting_on: date) -> date:
    """CMP-131: the update is due by the day before the meeting it goes to ("ahead of")."""
    return meeting_on - timedelta(days=1)

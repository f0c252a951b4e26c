"""The risk rules, pure (no I/O): the §D.23 matrix, the downgrade, the overall rating, the uplift
floor and the override (guidance ¶10.25–10.31, ¶10.6/10.24, ¶10.37–10.39; CMP-102…CMP-118).

The matrix is written out cell by cell, as the guidance prints it, rather than derived from the
score rule (impact × likelihood ≤ 2 Low, 3–4 Medium, ≥ 6 High): the table is what caseworkers
read, and a test states every cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from compliance_api.risk.errors import (
    DowngradeNotAllowed,
    OverrideBelowUplift,
    OverrideChangesNothing,
)


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

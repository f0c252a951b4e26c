"""The closed lists and pure rules of assessment's decisions (no I/O; tested without a
database). Values are stored exactly as the guidance writes them (requirements.md §D)."""

from __future__ import annotations

from enum import StrEnum


class RiskRating(StrEnum):
    """A case's risk rating (D.23), as compliance-api announces it."""

    low = "low"
    medium = "medium"
    high = "high"


class Discretion(StrEnum):
    """ASM-093 (¶2.203–2.204): the kind of discretion a decline relies on; specific is preferred
    to general where both are robust."""

    specific = "specific"
    general = "general"


class OtherReason(StrEnum):
    """D.11 (¶3.10, plus ¶3.99 and ¶2.233): the other reasons to decline, closed as 'other
    reason to decline' (¶3.11)."""

    outcome_not_reasonable = "outcome sought not reasonable for the claimed injustice"
    outcome_not_achievable = "outcome not achievable"
    investigation_impractical = "investigation impractical / no satisfactory conclusion / no value"
    no_agreement_on_investigation = (
        "complainant unhappy with the proposed investigation and no agreement"
    )
    not_appropriate_for_us = "nature or theme not appropriate for us"
    another_organisation_considering = "another organisation considering the same issues"
    out_of_remit_or_not_ready = "out of remit or not ready on a closer look"
    linked_to_lead = "linked to lead"
    nothing_left_after_summary = "nothing left after agreeing the summary"


OTHER_REASON_TO_DECLINE = "other reason to decline"

# D.3: the out-of-remit categories, which are closure codes of their own (D.1 item 17).
REMIT_CATEGORIES = frozenset(
    {
        "Actions abroad other than consular functions",
        "Administrative action taken on judicial authority",
        "Alternative legal remedy achieved",
        "Commencement/conduct of civil/criminal proceedings",
        "Commercial/contractual matters",
        "Criminal investigation or national security",
        "Exercise of judicial/legislative functions",
        "Ineligible complainant",
        "Out of remit - other",
        "Pre-1996 clinical matters",
        "Private healthcare (not NHS funded)",
        "Public service personnel matters",
        "Three-year rule",
    }
)

# Closures that are not a question of discretion: the law puts the case outside what we may
# consider (D.1 items 3–6, 15; D.3), so a discretion type would be meaningless.
LEGAL_BAR_CODES = frozenset(
    {
        "organisation out of jurisdiction",
        "not properly made",
        "Not properly made - not in writing",
        "No MP referral",
        "out of remit - alternative legal remedy achieved",
        *REMIT_CATEGORIES,
    }
)

# Closures that rest on our discretion (ASM-093 asks which kind).
DISCRETION_CODES = frozenset(
    {
        "premature",
        "Premature: local resolution ongoing",
        OTHER_REASON_TO_DECLINE,
        "reasonable to pursue an alternative legal remedy",
        # ¶2.288 "close a case as out of time": named without an exact code (D.1).
        "out of time",
    }
)

# T32: the closure codes of a decision not to investigate at further consideration (D.1, D.3).
DECLINE_CODES = LEGAL_BAR_CODES | DISCRETION_CODES

# A resolution's closure codes (ASM-070 ¶2.141): at early consideration (T22) and at further
# consideration (T33, where it is a decision not to investigate, ASM-156 ¶3.67).
GENERAL_DISCRETION_RESOLUTION = "general discretion - resolution"
PREMATURE_RESOLUTION = "premature - resolution"
RESOLUTION_CODES = frozenset({GENERAL_DISCRETION_RESOLUTION, PREMATURE_RESOLUTION})


class DeclineProblem(StrEnum):
    unknown_code = "unknown_code"
    discretion_required = "discretion_required"
    discretion_not_applicable = "discretion_not_applicable"
    other_reason_required = "other_reason_required"
    other_reason_not_applicable = "other_reason_not_applicable"


def decline_problems(
    closure_code: str, discretion: Discretion | None, other_reason: OtherReason | None
) -> list[DeclineProblem]:
    """What is wrong with a decline's single reason (ASM-093), or nothing.

    The code must be a decline code; a discretion code needs its discretion type and a legal bar
    has none; 'other reason to decline' needs which of the D.11 reasons, and only it has one.
    """
    if closure_code not in DECLINE_CODES:
        return [DeclineProblem.unknown_code]
    problems: list[DeclineProblem] = []
    if closure_code in DISCRETION_CODES and discretion is None:
        problems.append(DeclineProblem.discretion_required)
    if closure_code in LEGAL_BAR_CODES and discretion is not None:
        problems.append(DeclineProblem.discretion_not_applicable)
    if closure_code == OTHER_REASON_TO_DECLINE and other_reason is None:
        problems.append(DeclineProblem.other_reason_required)
    if closure_code != OTHER_REASON_TO_DECLINE and other_reason is not None:
        problems.append(DeclineProblem.other_reason_not_applicable)
    return problems

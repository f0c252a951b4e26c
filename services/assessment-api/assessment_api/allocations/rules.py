"""Allocation rules (ASM-085…089, CMP-114, CMP-128, XC-ROL-007, XC-RSK-006): pure, no I/O.

Who may be allocated a queued case:
- a caseworker or senior caseworker, active and available (¶2.183–2.184: "allocated and assigned
  to a caseworker"; if none is available the case stays in the queue);
- whose grade and team fit the triage category (¶2.182, INT-023 / §D.4 categories): 'general'
  any caseworker, 'senior caseworker' a Senior Caseworker, 'complex & significant' only a
  member of a complex team;
- a Senior Caseworker when the case's current risk rating is high (CMP-114, ¶10.33, ¶10.62);
- nobody with a declared conflict of interest on the case or one of its organisations (CMP-128,
  ¶10.67).

The queue's order (XC-RSK-006, ¶10.48, ¶1.39, ASM-085): terminal illness first, then priority
(special handling), then the oldest received.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.staff import Grade, StaffMember

# §D.4 / INT-023: the intake triage categories, as intake stores them.
GENERAL = "general"
SENIOR = "senior caseworker"
COMPLEX = "complex & significant"
CATEGORIES = (GENERAL, SENIOR, COMPLEX)
# INT-025 (¶1.39): the priority special handling gives.
PRIORITISED = frozenset({"high"})

# ¶2.183: cases are assigned to caseworkers; "caseworker" covers senior caseworkers (Intro ¶6).
CASEWORKER_GRADES = frozenset({Grade.caseworker, Grade.senior_caseworker})


@dataclass(frozen=True)
class Refusal:
    """One reason a member of staff may not be allocated the case: a stable code and a sentence."""

    code: str
    rule: str
    detail: str


def categories_for(member: StaffMember, *, complex_teams: Iterable[str]) -> frozenset[str]:
    """The triage categories ``member``'s grade and team may take (¶2.182, ASM-085)."""
    if member.grade not in CASEWORKER_GRADES:
        return frozenset()
    allowed = {GENERAL}
    if member.grade is Grade.senior_caseworker:
        allowed.add(SENIOR)
    if member.team is not None and member.team in frozenset(complex_teams):
        allowed.add(COMPLEX)
    return frozenset(allowed)


def refusals(
    member: StaffMember,
    *,
    case_id: uuid.UUID,
    organisation_ids: Iterable[uuid.UUID],
    category: str,
    rating: str | None,
    complex_teams: Iterable[str],
) -> list[Refusal]:
    """Every reason ``member`` may not be allocated this case; empty when they may."""
    out: list[Refusal] = []
    if not member.active:
        out.append(Refusal("staff-inactive", "ASM-085", f"{member.staff_id} is not active"))
    if not member.available:
        out.append(
            Refusal(
                "staff-unavailable",
                "ASM-085",
                f"{member.staff_id} is not available; the case stays in the queue (¶2.184)",
            )
        )
    if member.grade not in CASEWORKER_GRADES:
        out.append(
            Refusal(
                "not-a-caseworker",
                "ASM-085",
                f"Cases are allocated to caseworkers and senior caseworkers, not a {member.grade}",
            )
        )
    elif category not in categories_for(member, complex_teams=complex_teams):
        out.append(
            Refusal(
                "category-mismatch",
                "ASM-085",
                f"A '{category}' case does not fit a {member.grade} in team {member.team!r}",
            )
        )
    if rating == "high" and member.grade is not Grade.senior_caseworker:
        out.append(
            Refusal(
                "high-risk-needs-senior-caseworker",
                "CMP-114",
                "The case's current risk rating is high: only a Senior Caseworker takes it",
            )
        )
    if member.conflicted_on(case_id=case_id, organisation_ids=frozenset(organisation_ids)):
        out.append(
            Refusal(
                "declared-conflict",
                "CMP-128",
                f"{member.staff_id} declared a conflict of interest on the case or an organisation",
            )
        )
    return out


def terminal_rank(terminal_illness: bool) -> int:
    """XC-RSK-006: the first key of the queue's order; terminal illness sorts first."""
    return 0 if terminal_illness else 1


def why_next(
    *,
    terminal_illness: bool,
    priority: str,
    received_date: date,
    category: str,
    skipped_high_risk: int,
) -> str:
    """The explanation "next case for me" gives: the order's keys, as they apply to this case."""
    parts = []
    if terminal_illness:
        parts.append("terminal illness: prioritised for allocation (XC-RSK-006, ¶10.48)")
    if priority in PRIORITISED:
        parts.append("special handling: prioritised (INT-025, ¶1.39)")
    parts.append(f"oldest received ({received_date.isoformat()}) in its place in the queue")
    parts.append(
        f"its category '{category}' fits your grade and team, and you declared no conflict"
    )
    if skipped_high_risk:
        parts.append(
            f"{skipped_high_risk} case(s) before it are high risk and go to a Senior Caseworker"
            " (CMP-114)"
        )
    return "; ".join(parts)

"""The pure rules of approving a decline or a proposal (no I/O; tested without a database).

- ASM-172 / XC-ROL-002 (¶3.108): a decision to decline a complaint for investigation, or to issue
  a proposal to investigate, is agreed in line with the Delegation Scheme and the Supervision
  Model. The guidance does not give the levels (G-21): they are data (``ApprovalTable``, from
  the service's settings): ordered levels, lowest first, each with the roles that approve at
  it, and per decision kind the level that approves a requester holding a given role. A
  requester holding several roles is approved at the most senior level any of them names; a
  requester none of whose roles is named is approved at the table's default level.
- A resolution at further consideration (T33) is a decision not to investigate issued under the
  normal requirements (ASM-156 ¶3.67), so it is approved too, as its own kind: closing the case
  as the resolution the organisation agreed.
- An approval covers exactly what was approved: the kind, and for a decline its closure code,
  discretion and other reason (``covers``). A decision that differs is not covered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shared.auth import Role


class DecisionKind(StrEnum):
    decline = "decline"  # T32
    proposal = "proposal"  # T35
    resolution = "resolution"  # T33: a decision not to investigate (ASM-156 ¶3.67)


@dataclass(frozen=True)
class Level:
    name: str
    roles: frozenset[Role]


@dataclass(frozen=True)
class ApprovalTable:
    """The Delegation Scheme's levels for the decisions (G-21: configurable)."""

    levels: Sequence[Level]  # lowest first
    by_requester: Mapping[DecisionKind, Mapping[str, str]]  # requester's role -> level name
    default_level: str

    def level(self, name: str) -> Level:
        for level in self.levels:
            if level.name == name:
                return level
        raise KeyError(name)

    def problems(self) -> list[str]:
        """What makes the table unusable (a level named but not defined, none defined)."""
        known = [level.name for level in self.levels]
        out = [f"level {n!r} is defined twice" for n in sorted(set(known)) if known.count(n) > 1]
        out += [f"level {level.name!r} has no roles" for level in self.levels if not level.roles]
        named = {self.default_level}
        for mapping in self.by_requester.values():
            named.update(mapping.values())
        out += [f"level {n!r} is not defined" for n in sorted(named - set(known))]
        return out


def level_for(table: ApprovalTable, kind: DecisionKind, requester_roles: Iterable[str]) -> Level:
    """The level that approves ``kind`` for a requester holding ``requester_roles``: the most
    senior level any of their roles names, else the default level."""
    names = table.by_requester.get(kind, {})
    order = [level.name for level in table.levels]
    found = {names[r] for r in requester_roles if r in names}
    if not found:
        return table.level(table.default_level)
    return table.level(max(found, key=order.index))


@dataclass(frozen=True)
class DecisionAsked:
    """The decision an approval is asked for, or a decision about to be made."""

    kind: DecisionKind
    closure_code: str | None = None
    discretion: str | None = None
    other_reason: str | None = None

    def evidence(self) -> dict[str, Any]:
        """What the approval is bound to (stored as the approval's evidence)."""
        return {
            "decision": self.kind.value,
            "closure_code": self.closure_code,
            "discretion": self.discretion,
            "other_reason": self.other_reason,
        }

    def describe(self) -> str:
        if self.kind is DecisionKind.proposal:
            return "a proposal to investigate"
        if self.kind is DecisionKind.resolution:
            return "closing the case as a resolution"
        parts = [p for p in (self.closure_code, self.discretion, self.other_reason) if p]
        return "a decline on " + " / ".join(f"'{p}'" for p in parts)


def asked_from(evidence: Mapping[str, Any]) -> DecisionAsked:
    return DecisionAsked(
        kind=DecisionKind(evidence["decision"]),
        closure_code=evidence.get("closure_code"),
        discretion=evidence.get("discretion"),
        other_reason=evidence.get("other_reason"),
    )


def covers(approved: DecisionAsked, decision: DecisionAsked, *, exact: bool = True) -> bool:
    """Whether an approval of ``approved`` covers ``decision``: the same kind, and for a decline
    the same closure code, discretion and other reason (a proposal and a resolution are covered
    by their kind). ``exact=False`` (what is left before a decline whose reason is not yet
    given) compares the kind only."""
    if approved.kind is not decision.kind:
        return False
    if not exact or decision.kind is not DecisionKind.decline:
        return True
    return (approved.closure_code, approved.discretion, approved.other_reason) == (
        decision.closure_code,
        decision.discretion,
        decision.other_reason,
    )

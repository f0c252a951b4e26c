"""Who may act on a case: its owner, its team, or a manager who says why (issue #15 item 14).

The guidance gives each case an owner who manages it (requirements §0.3 ``Case.ownerId``;
INT-001/002 at intake, ¶2.182–2.184 on allocation, CMP-037 ``ownerId`` kept across stages) and
a team (§0.3 ``Case.team``; ¶2.188–2.195 teams and reallocation), and leaves to managers the acts
that change who handles a case (XC-ROL-001/005, ¶2.195, ¶10.45). So, for an act on one case:

- a case nobody owns yet (a request just received) may be picked up by any caseworker;
- the owner may act;
- a member of the case's team may act (cover for a colleague, the team's shared queue);
- anyone else is refused (403 ``not-case-owner``), unless they hold a manager's role and give a
  reason (the ``X-Override-Reason`` header): the override is allowed and audited, with the
  reason, in the same transaction as the act. A manager who is not one of the service's
  caseworkers acts on any case only that way.

One function decides (``decide_access``), and one FastAPI dependency
(``shared.http_api.ownership.CaseActorCheck``) applies it before any route of any service that
acts on one case; each service only says how to read a case's owner and team.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from shared.auth import MANAGERS, Principal
from shared.errors import Forbidden

OVERRIDE_HEADER = "X-Override-Reason"
OVERRIDE_REASON_MIN, OVERRIDE_REASON_MAX = 3, 500


class NotCaseOwner(Forbidden):
    type = "not-case-owner"
    title = "Only the case's owner, its team or a manager overriding may act on it"


class OverrideNotAllowed(Forbidden):
    type = "override-not-allowed"
    title = "Only a manager may override who acts on a case"


class Access(StrEnum):
    unowned = "unowned"
    owner = "owner"
    team = "team"
    manager_override = "manager_override"


@dataclass(frozen=True)
class Holding:
    """Who holds a case: its owner (a token subject) and its team, either unset."""

    owner: str | None
    team: str | None


def team_of(principal: Principal) -> str | None:
    """The team a case taken by ``principal`` belongs to: their one team, else none (a member of
    several teams gives none, rather than a guess)."""
    return next(iter(principal.teams)) if len(principal.teams) == 1 else None


def decide_access(
    principal: Principal,
    holding: Holding,
    *,
    override_reason: str | None,
    caseworkers: Iterable[str],
    managers: Iterable[str] = MANAGERS,
) -> Access:
    """How ``principal`` may act on the case ``holding`` describes; raises 403 if they may not.

    ``caseworkers`` are the roles that do the service's work on a case; a manager without one of
    them acts on any case only by an override. An override reason from a caseworker who needs
    none is not an override: it is not recorded.
    """
    reason = (override_reason or "").strip()
    if reason and not principal.has_any(*managers):
        raise OverrideNotAllowed("Only a manager may act on another's case with a reason")
    if not principal.has_any(*caseworkers):
        return _override(reason, principal, holding, managers)
    if holding.owner is None:
        return Access.unowned
    if holding.owner == principal.sub:
        return Access.owner
    if holding.team is not None and holding.team in principal.teams:
        return Access.team
    return _override(reason, principal, holding, managers)


def _override(
    reason: str, principal: Principal, holding: Holding, managers: Iterable[str]
) -> Access:
    if reason:
        if not OVERRIDE_REASON_MIN <= len(reason) <= OVERRIDE_REASON_MAX:
            raise NotCaseOwner(
                f"{OVERRIDE_HEADER} must be {OVERRIDE_REASON_MIN}–{OVERRIDE_REASON_MAX} characters"
            )
        return Access.manager_override
    hint = f"; a manager may act with an {OVERRIDE_HEADER} header"
    in_team = f" in team {holding.team}" if holding.team else ""
    whose = f"another caseworker{in_team}" if holding.owner else "no caseworker yet"
    raise NotCaseOwner(
        f"The case belongs to {whose}" + (hint if principal.has_any(*managers) else "")
    )

"""Approvals under the delegation scheme (XC-ROL-002/003, requirements §0.2; DESIGN §4).

An approval is its own audited act by a principal with the required role: never a boolean a
client sets. The record says who asked and why, with what evidence, at which level it had to be
decided, and who decided, with which roles, when and why. The levels are data (``Delegation``):
the guidance leaves the Delegation Scheme to configurable tables (G-21), while its named
approval points (XC-ROL-003) are the service's own constants.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from sqlalchemy import Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden


class ApprovalDecision(StrEnum):
    approved = "approved"
    refused = "refused"
    superseded = "superseded"  # asked for again before anyone decided: the newer request stands


@dataclass(frozen=True)
class Delegation:
    """Who may decide one kind of approval: ``roles``, at the level named ``level``."""

    kind: str
    level: str
    roles: frozenset[Role]
    rule: str  # the paragraph or requirement that sets it


class ApprovalColumns:
    """Columns of an approval table; the service adds ``case_id``."""

    kind: Mapped[str] = mapped_column(Text)
    subject_id: Mapped[uuid.UUID | None]  # what is approved, when it is not the case itself
    level: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    request_reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_by_roles: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)


class ApprovalLike(Protocol):
    kind: str
    requested_by: str
    decision: str | None
    decided_by: str | None
    decided_by_roles: list[str] | None
    decided_at: datetime | None
    decision_reason: str | None


A = TypeVar("A")


class ApprovalAlreadyDecided(Conflict):
    type = "approval-already-decided"
    title = "The approval has already been decided"


class ApproverIsRequester(Forbidden):
    type = "approver-is-requester"
    title = "The approver must not be the requester"


class ApprovalLevelNotHeld(Forbidden):
    type = "approval-level-not-held"
    title = "The approval needs a role the approver does not hold"


def request_approval(
    model: Callable[..., A],
    *,
    delegation: Delegation,
    requested_by: Principal,
    at: datetime,
    reason: str | None,
    evidence: dict[str, Any] | None = None,
    **columns: Any,
) -> A:
    """A new, undecided approval of ``delegation.kind`` (unsaved; the caller adds and audits it)."""
    return model(
        id=uuid.uuid4(), kind=delegation.kind, level=delegation.level, rule=delegation.rule,
        requested_by=requested_by.sub, requested_at=at, request_reason=reason,
        evidence=evidence or {}, **columns,
    )  # fmt: skip


def decide_approval(
    approval: ApprovalLike,
    *,
    delegation: Delegation,
    actor: Principal,
    approve: bool,
    at: datetime,
    reason: str | None,
) -> None:
    """Decide ``approval``: once, by someone other than the requester, holding the level's role."""
    if approval.decision is not None:
        raise ApprovalAlreadyDecided(f"Already {approval.decision} by {approval.decided_by}")
    if approval.requested_by == actor.sub:
        raise ApproverIsRequester("Someone other than the requester decides")
    held = actor.roles & delegation.roles
    if not held:
        raise ApprovalLevelNotHeld(
            f"{delegation.rule}: decided at {delegation.level} level",
            extensions={"required_roles": sorted(delegation.roles)},
        )
    approval.decision = ApprovalDecision.approved if approve else ApprovalDecision.refused
    approval.decided_by = actor.sub
    approval.decided_by_roles = sorted(actor.roles)
    approval.decided_at = at
    approval.decision_reason = reason

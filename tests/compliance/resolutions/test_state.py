"""The compliance item lifecycle, without a database (requirements §B.4, ¶3.66, CMP-023)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from compliance_api.resolutions.errors import ItemTransitionNotAllowed
from compliance_api.resolutions.state import ItemKind, ItemStatus, allowed, transition

AT = datetime(2026, 11, 2, 10, tzinfo=UTC)
BEFORE = datetime(2026, 11, 1, 10, tzinfo=UTC)

# §B.4 / §D.12, quoted: every status a compliance item can have.
B4_STATUSES = [
    "open",
    "further work required",
    "on hold",
    "refusal to comply",
    "escalated",
    "escalated to Senior Leadership Team",
    "open - recommendation not accepted by organisation",
    "complied",
    "complied with - but complainant refused",
    "closed without compliance",
    "closed",
]


@dataclass
class Item:
    kind: ItemKind
    status: ItemStatus
    status_changed_at: datetime


def _resolution(status: str = "open") -> Item:
    # As PostgreSQL gives them back: new strings, not the module's members.
    return Item(ItemKind("".join(["resol", "ution"])), ItemStatus("".join(status)), BEFORE)


def test_the_statuses_are_the_guidances__B4() -> None:
    assert sorted(s.value for s in ItemStatus) == sorted(B4_STATUSES)


def test_a_resolution_item_goes_from_open_to_closed__ASM_155() -> None:
    item = _resolution()
    transition(item, ItemStatus("closed"), at=AT)
    assert (item.status, item.status_changed_at) == ("closed", AT)


@pytest.mark.parametrize("to", [s for s in B4_STATUSES if s != "closed"])
def test_an_open_resolution_item_only_closes__CMP_023(to: str) -> None:
    item = _resolution()
    assert not allowed(item.kind, item.status, ItemStatus(to))
    with pytest.raises(ItemTransitionNotAllowed) as refused:
        transition(item, ItemStatus(to), at=AT)
    assert (item.status, item.status_changed_at) == ("open", BEFORE)
    assert refused.value.extensions == {
        "kind": "resolution",
        "current_status": "open",
        "requested_status": to,
    }
    escalating = to in ("refusal to comply", "escalated", "escalated to Senior Leadership Team")
    assert ("escalation process does not apply" in refused.value.detail) is escalating


@pytest.mark.parametrize(
    "to", ["refusal to comply", "escalated", "escalated to Senior Leadership Team"]
)
def test_a_resolution_item_is_never_escalated_and_says_why__CMP_023(to: str) -> None:
    for status in ("open", "closed"):
        with pytest.raises(ItemTransitionNotAllowed, match="escalation process does not apply"):
            transition(_resolution(status), ItemStatus(to), at=AT)


@pytest.mark.parametrize("to", B4_STATUSES)
def test_a_closed_resolution_item_stays_closed__ASM_155(to: str) -> None:
    with pytest.raises(ItemTransitionNotAllowed):
        transition(_resolution("closed"), ItemStatus(to), at=AT)

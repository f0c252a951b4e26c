"""The reasonable-adjustment lifecycle table (requirements.md §B.5), tested without a database."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from intake_api.people.models import DisabilityType, ReasonableAdjustmentRequest
from intake_api.people.state import (
    ALLOWED,
    INITIAL_STATUS,
    RaDecision,
    RaStatus,
    ReasonableAdjustmentDecisionIncomplete,
    ReasonableAdjustmentTransitionNotAllowed,
    transition,
)

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _complete(status: RaStatus) -> ReasonableAdjustmentRequest:
    """A request in ``status`` with every detail any transition could need."""
    return ReasonableAdjustmentRequest(
        status=status,
        requested_adjustments="Large print",
        disability_type=DisabilityType.visual,
        agreed_adjustments="18pt letters",
        decided_date=date(2026, 11, 2),
        reasons="Would stop us obtaining evidence",
        alternatives_considered="Recorded call offered",
        legal_team_informed_at=AT,
        outcome_letter_reference="DOC-0001",
        outcome_letter_sent_date=date(2026, 11, 2),
    )


def test_the_table_is_exactly_b5__B_5() -> None:
    assert INITIAL_STATUS is RaStatus.requested
    expected: dict[RaStatus, set[RaStatus]] = {
        RaStatus.requested: {RaStatus.agreed, RaStatus.not_reasonable},
        RaStatus.agreed: {RaStatus.outcome_letter_sent},
        RaStatus.not_reasonable: {RaStatus.outcome_letter_sent},
        RaStatus.outcome_letter_sent: set(),
    }
    assert expected == ALLOWED
    assert set(ALLOWED) == set(RaStatus)


@pytest.mark.parametrize(
    ("current", "target"),
    list(itertools.product(RaStatus, RaStatus)),
    ids=lambda s: s.value,
)
def test_every_pair_follows_the_table__B_5(current: RaStatus, target: RaStatus) -> None:
    ra = _complete(current)
    if target in ALLOWED[current]:
        transition(ra, target, at=AT)
        assert ra.status is target
        assert ra.status_changed_at == AT
    else:
        with pytest.raises(ReasonableAdjustmentTransitionNotAllowed) as err:
            transition(ra, target, at=AT)
        assert err.value.status == 409
        assert err.value.extensions == {
            "current_status": current.value,
            "requested_status": target.value,
        }
        assert ra.status is current


def test_agreeing_records_the_decision_and_when__INT_033() -> None:
    ra = _complete(RaStatus.requested)
    transition(ra, RaStatus.agreed, at=AT)
    assert ra.decision is RaDecision.agreed
    assert ra.decided_at == AT


@pytest.mark.parametrize("missing", ["disability_type", "agreed_adjustments", "decided_date"])
def test_agreeing_needs_disability_type_adjustments_and_date__INT_033(missing: str) -> None:
    ra = _complete(RaStatus.requested)
    setattr(ra, missing, None)
    with pytest.raises(ReasonableAdjustmentDecisionIncomplete) as err:
        transition(ra, RaStatus.agreed, at=AT)
    assert err.value.status == 422
    assert err.value.extensions["missing"] == [missing]
    assert ra.status is RaStatus.requested


@pytest.mark.parametrize(
    "missing", ["reasons", "alternatives_considered", "legal_team_informed_at", "decided_date"]
)
def test_not_reasonable_needs_reasons_and_legal_informed__INT_034(missing: str) -> None:
    ra = _complete(RaStatus.requested)
    setattr(ra, missing, None)
    with pytest.raises(ReasonableAdjustmentDecisionIncomplete) as err:
        transition(ra, RaStatus.not_reasonable, at=AT)
    assert missing in err.value.extensions["missing"]
    assert ra.status is RaStatus.requested


def test_blank_reasons_count_as_missing__INT_034() -> None:
    ra = _complete(RaStatus.requested)
    ra.reasons = "   "
    with pytest.raises(ReasonableAdjustmentDecisionIncomplete):
        transition(ra, RaStatus.not_reasonable, at=AT)


def test_not_reasonable_records_the_decision__INT_034() -> None:
    ra = _complete(RaStatus.requested)
    transition(ra, RaStatus.not_reasonable, at=AT)
    assert ra.decision is RaDecision.not_reasonable
    assert ra.decided_at == AT


@pytest.mark.parametrize("decided", [RaStatus.agreed, RaStatus.not_reasonable])
def test_outcome_letter_needs_its_reference__INT_035(decided: RaStatus) -> None:
    ra = _complete(decided)
    ra.outcome_letter_reference = None
    with pytest.raises(ReasonableAdjustmentDecisionIncomplete):
        transition(ra, RaStatus.outcome_letter_sent, at=AT)
    ra.outcome_letter_reference = "DOC-0001"
    transition(ra, RaStatus.outcome_letter_sent, at=AT)
    assert ra.status is RaStatus.outcome_letter_sent
    assert ra.outcome_letter_recorded_at == AT


def test_no_letter_before_a_decision__INT_035() -> None:
    with pytest.raises(ReasonableAdjustmentTransitionNotAllowed):
        transition(_complete(RaStatus.requested), RaStatus.outcome_letter_sent, at=AT)

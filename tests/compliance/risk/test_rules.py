"""The pure risk rules (compliance_api.risk.rules), without a database.

Expected ratings are literals copied from the guidance's risk matrix (requirements §D.23), never
read from the code under test.
"""

from __future__ import annotations

import pytest

from compliance_api.risk.errors import (
    DowngradeNotAllowed,
    OverrideBelowUplift,
    OverrideChangesNothing,
)
from compliance_api.risk.rules import (
    Impact,
    Likelihood,
    OverrideDirection,
    Rating,
    generated_rating,
    override_direction,
    rate_entry,
    with_floor,
)

# §D.23, impact rows × likelihood columns: (impact, likelihood, rating, "or Low" in the cell).
D23 = [
    ("critical", "unlikely", "medium", True),
    ("critical", "likely", "high", False),
    ("critical", "highly_likely", "high", False),
    ("moderate", "unlikely", "low", False),
    ("moderate", "likely", "medium", True),
    ("moderate", "highly_likely", "high", False),
    ("minor", "unlikely", "low", False),
    ("minor", "likely", "low", False),
    ("minor", "highly_likely", "medium", True),
]
CELLS = [(i, li) for i, li, _, _ in D23]


def _rate(
    impact: str,
    likelihood: str,
    after: tuple[str, str] | None = None,
    factors: str | None = None,
) -> tuple[str, str, str, bool]:
    r = rate_entry(
        impact=Impact(impact),
        likelihood=Likelihood(likelihood),
        impact_after=Impact(after[0]) if after else None,
        likelihood_after=Likelihood(after[1]) if after else None,
        downgrade_factors=factors,
    )
    return r.pre.value, r.matrix_post.value, r.post.value, r.downgraded


@pytest.mark.parametrize(("impact", "likelihood", "rating", "or_low"), D23)
def test_every_cell_before_mitigation__CMP_109(
    impact: str, likelihood: str, rating: str, or_low: bool
) -> None:
    """Unchanged by mitigation (¶10.43), the cell gives the rating before and after."""
    assert _rate(impact, likelihood) == (rating, rating, rating, False)


@pytest.mark.parametrize(("impact_after", "likelihood_after", "rating", "or_low"), D23)
@pytest.mark.parametrize(("impact", "likelihood"), CELLS)
def test_every_cell_after_mitigation__CMP_109(
    impact: str,
    likelihood: str,
    impact_after: str,
    likelihood_after: str,
    rating: str,
    or_low: bool,
) -> None:
    """Every pair of cells: the rating before mitigation is the first cell's, after the second's."""
    before = next(r for i, li, r, _ in D23 if (i, li) == (impact, likelihood))
    assert _rate(impact, likelihood, (impact_after, likelihood_after)) == (
        before,
        rating,
        rating,
        False,
    )


def test_the_three_lookups_the_requirement_names__CMP_109() -> None:
    assert _rate("critical", "likely")[0] == "high"
    assert _rate("moderate", "likely")[0] == "medium"
    assert _rate("minor", "likely")[0] == "low"


@pytest.mark.parametrize(
    ("impact", "likelihood"),
    [("critical", "unlikely"), ("moderate", "likely"), ("minor", "highly_likely")],
)
def test_a_medium_or_low_cell_goes_to_low_with_factors__CMP_110(
    impact: str, likelihood: str
) -> None:
    assert _rate(impact, likelihood, factors="An advocate supports the complainant") == (
        "medium",
        "medium",
        "low",
        True,
    )


@pytest.mark.parametrize("factors", [None, "", "   "])
def test_no_downgrade_without_recorded_factors__CMP_110(factors: str | None) -> None:
    assert _rate("moderate", "likely", factors=factors) == ("medium", "medium", "medium", False)


@pytest.mark.parametrize(
    ("impact", "likelihood"),
    [("critical", "likely"), ("critical", "highly_likely"), ("moderate", "highly_likely")],
)
def test_a_high_cell_is_never_downgraded__CMP_110(impact: str, likelihood: str) -> None:
    with pytest.raises(DowngradeNotAllowed):
        _rate(impact, likelihood, factors="The complainant has an advocate")


@pytest.mark.parametrize(
    ("impact", "likelihood"),
    [("moderate", "unlikely"), ("minor", "unlikely"), ("minor", "likely")],
)
def test_a_low_cell_has_nothing_to_downgrade__CMP_110(impact: str, likelihood: str) -> None:
    with pytest.raises(DowngradeNotAllowed):
        _rate(impact, likelihood, factors="The complainant has an advocate")


def test_the_downgrade_reads_the_cell_after_mitigation__CMP_110() -> None:
    # High before mitigation, "Medium or Low" after it: the after cell may be graded Low.
    assert _rate("critical", "highly_likely", ("moderate", "likely"), "Advocate in place") == (
        "high",
        "medium",
        "low",
        True,
    )
    # "Medium or Low" before, High after: no downgrade.
    with pytest.raises(DowngradeNotAllowed):
        _rate("moderate", "likely", ("critical", "likely"), "Advocate in place")


L, M, H = Rating.low, Rating.medium, Rating.high


def test_the_overall_rating_is_the_highest_after_mitigation__CMP_111() -> None:
    assert generated_rating([L, M, H], cumulative_raised=False) == "high"
    assert generated_rating([L, M, L], cumulative_raised=False) == "medium"
    assert generated_rating([L, L], cumulative_raised=False) == "low"


def test_no_risk_is_low__CMP_108() -> None:
    assert generated_rating([], cumulative_raised=False) == "low"


@pytest.mark.parametrize(
    ("posts", "expected"),
    [([M, M, M, M], "high"), ([L, L], "medium"), ([H, M], "high"), ([L, M], "high")],
)
def test_the_risks_together_raise_the_rating_one_level__CMP_117(
    posts: list[Rating], expected: str
) -> None:
    assert generated_rating(posts, cumulative_raised=True) == expected


@pytest.mark.parametrize(
    ("rating", "floor", "expected"),
    [
        (L, M, "medium"),
        (L, H, "high"),
        (M, H, "high"),
        (M, M, "medium"),
        (H, M, "high"),
        (H, None, "high"),
        (L, None, "low"),
    ],
)
def test_an_uplift_is_a_floor_never_a_ceiling__CMP_102(
    rating: Rating, floor: Rating | None, expected: str
) -> None:
    assert with_floor(rating, floor) == expected


@pytest.mark.parametrize(
    ("current", "target", "expected"),
    [
        (L, M, OverrideDirection.raised),
        (L, H, OverrideDirection.raised),
        (M, H, OverrideDirection.raised),
        (H, M, OverrideDirection.lowered),
        (H, L, OverrideDirection.lowered),
        (M, L, OverrideDirection.lowered),
    ],
)
def test_an_override_raises_or_lowers__CMP_112(
    current: Rating, target: Rating, expected: OverrideDirection
) -> None:
    assert override_direction(current=current, target=target, floor=None) is expected
    assert expected.value in {"raise", "lower"}


@pytest.mark.parametrize("rating", [L, M, H])
def test_an_override_must_change_the_rating__CMP_112(rating: Rating) -> None:
    with pytest.raises(OverrideChangesNothing):
        override_direction(current=rating, target=rating, floor=None)


@pytest.mark.parametrize(
    ("current", "target", "floor", "allowed"),
    [
        (H, L, M, False),
        (H, M, H, False),
        (M, L, M, False),
        (H, M, M, True),
        (L, H, M, True),
        (M, H, H, True),
    ],
)
def test_an_override_cannot_go_below_an_active_uplift__CMP_102(
    current: Rating, target: Rating, floor: Rating, allowed: bool
) -> None:
    if allowed:
        override_direction(current=current, target=target, floor=floor)
    else:
        with pytest.raises(OverrideBelowUplift):
            override_direction(current=current, target=target, floor=floor)

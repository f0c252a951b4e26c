"""The legal-action wording scanner (shared.casework.legal_phrases; XC-RSK-004, CMP-025,
CMP-126; requirements §D.26, guidance ¶9.45). Database-free.

The terms are stated here as the requirements print them, never taken from the module.
"""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.casework.legal_phrases import find, terms

# (text, the terms found in order, as their keys)
FOUND: list[tuple[str, list[str]]] = [
    # D.26, as printed
    ("Judicial review.", ["judicial_review"]),
    ("Pre-action threat.", ["pre_action_threat"]),
    ("Pre-action protocol.", ["pre_action_protocol"]),
    ("Letter before action.", ["letter_before_action"]),
    ("Letter before claim.", ["letter_before_claim"]),
    ("Claim", ["claim"]),
    ("small claim.", ["small_claim"]),
    ("We will start legal proceedings", ["legal_proceedings"]),
    ("I am seeking damages", ["damages"]),
    ("Please respond within 14 days", ["within_14_days"]),
    ("Please respond within 21 days", ["within_21_days"]),
    ("the defendant", ["defendant"]),
    ("the claimants", ["claimant"]),
    ("You acted unlawfully", ["unlawfully"]),
    ("You acted irrationally", ["irrationally"]),
    ("You acted unfairly", ["unfairly"]),
    # case, spacing, line breaks, punctuation and hyphenation
    ("pre-action\nprotocol", ["pre_action_protocol"]),
    ("Pre Action Protocol", ["pre_action_protocol"]),
    ("PRE-ACTION PROTOCOL", ["pre_action_protocol"]),
    ("preaction protocol", ["pre_action_protocol"]),
    ("pre‑action protocol", ["pre_action_protocol"]),  # non-breaking hyphen
    ("pre–action protocol", ["pre_action_protocol"]),  # en dash
    ("pre-\naction protocol", ["pre_action_protocol"]),  # hyphen at a line end
    ("pre\r\n-action\tprotocol", ["pre_action_protocol"]),
    ("judicial    review", ["judicial_review"]),
    ("judicial\r\nreview", ["judicial_review"]),
    ("judi-\ncial review", ["judicial_review"]),  # a word broken over a line
    ("judi\u00adcial review", ["judicial_review"]),  # soft hyphen
    ("judicial\u200b review", ["judicial_review"]),  # zero-width space
    ("(judicial review)", ["judicial_review"]),
    ("'judicial review'?", ["judicial_review"]),
    ("judicially reviewed", ["judicial_review"]),
    ("Letter  Before\nClaim.", ["letter_before_claim"]),
    ("letter of claim", ["letter_before_claim"]),
    ("LEGAL\nPROCEEDINGS", ["legal_proceedings"]),
    ("legal proceed-\n  ings", ["legal_proceedings"]),
    ("within fourteen days", ["within_14_days"]),
    ("within fourteen (14) days", ["within_14_days"]),
    ("within 14-days", ["within_14_days"]),
    ("within 14 calendar days", ["within_14_days"]),
    ("within the next 14 days", ["within_14_days"]),
    ("Within twenty-one days", ["within_21_days"]),
    ("within twenty one (21) working days", ["within_21_days"]),
    ("small claims court", ["small_claim"]),
    ("Defendants", ["defendant"]),
    ("CLAIMANT:", ["claimant"]),
    ("unlawful", ["unlawfully"]),
    ("irrational", ["irrationally"]),
    ("unfair", ["unfairly"]),
    ("It is an unfair decision", ["unfairly"]),
    ("claims", ["claim"]),
    ("I am claiming compensation", ["claim"]),
    # ¶9.44's own words, and other pre-action wording
    ("I will take legal action", ["legal_action"]),
    ("This is a pre-action letter", ["pre_action"]),
    # several in one letter, in order of position
    (
        "Letter before claim. Your decision was irrational and unlawful; we shall seek "
        "judicial review unless you reply within 14 days.",
        [
            "letter_before_claim",
            "irrationally",
            "unlawfully",
            "judicial_review",
            "within_14_days",
        ],
    ),
    ("damages claim", ["damages", "claim"]),
]

# Ordinary words that must not be taken for a term.
NOT_FOUND = [
    "",
    "Thank you for your letter about my mother's care.",
    "reclaim",
    "disclaimer",
    "exclaimed",
    "The injustice claimed is the distress caused",  # "claimed": narrative, not matched
    "The flood damaged the house",
    "damage to my car",
    "fairly",
    "a fair decision",
    "lawful",
    "rational",
    "review of the judicial system",
    "a review",
    "legal",
    "proceedings of the meeting",
    "within 15 days",
    "within 140 days",
    "within 114 days",
    "in 14 days",
    "14 days",
    "pre-payment",
    "action",
    "defend",
    "letter before Christmas",
    "proclaim",
    "claimantless",
    "unfairground",
]


@pytest.mark.parametrize(("text", "expected"), FOUND, ids=[t for t, _ in FOUND])
def test_d26_terms_are_found__XC_RSK_004(text: str, expected: list[str]) -> None:
    matches = find(text)
    assert [m.term.value for m in matches] == expected


@pytest.mark.parametrize("text", NOT_FOUND)
def test_ordinary_wording_is_not_flagged__XC_RSK_004(text: str) -> None:
    assert find(text) == ()


def test_positions_are_in_the_text_as_received__XC_RSK_004() -> None:
    text = "Dear Sir,\n\nThis is a PRE-\nACTION protocol letter. Reply within\n14 days."
    matches = find(text)
    assert [(m.term.value, text[m.start : m.end], m.matched) for m in matches] == [
        ("pre_action_protocol", "PRE-\nACTION protocol", "PRE-\nACTION protocol"),
        ("within_14_days", "within\n14 days", "within\n14 days"),
    ]
    # Invisible characters inside a match stay in its span.
    text = "a judi\u00adcial review"
    (m,) = find(text)
    assert (m.start, m.end) == (2, len(text))


def test_a_term_inside_a_longer_one_is_reported_once__XC_RSK_004() -> None:
    assert [m.term.value for m in find("letter before claim")] == ["letter_before_claim"]
    assert [m.term.value for m in find("small claims")] == ["small_claim"]
    assert [m.term.value for m in find("pre-action protocol")] == ["pre_action_protocol"]
    # Each occurrence is reported: the reader sees every place.
    assert [(m.term.value, m.start) for m in find("claim, claim")] == [
        ("claim", 0),
        ("claim", 7),
    ]


def test_broad_terms_are_marked_for_the_reader__XC_RSK_004() -> None:
    # D.26 lists them, so they are found; ordinary complaints use them too (¶9.45: the 14 days
    # "does not necessarily always indicate" legal action).
    broad = {
        "claim": True,
        "damages": True,
        "unfairly": True,
        "within 14 days": True,
        "within 21 days": True,
        "judicial review": False,
        "pre-action protocol": False,
        "letter before claim": False,
        "legal proceedings": False,
        "defendant": False,
        "claimant": False,
        "unlawfully": False,
        "irrationally": False,
        "small claim": False,
    }
    assert {text: find(text)[0].broad for text in broad} == broad


def test_a_match_is_a_fixed_value__XC_RSK_004() -> None:
    (m,) = find("judicial review")
    with pytest.raises(FrozenInstanceError):
        m.start = 3  # type: ignore[misc]
    assert not hasattr(m, "__dict__")  # slots: one small object per match


def test_terms_are_distinct_in_order_of_first_occurrence__XC_RSK_004() -> None:
    matches = find("claim, unlawful, claim, damages, unlawfully")
    assert [t.value for t in terms(matches)] == ["claim", "unlawfully", "damages"]


def test_text_as_json_and_postgresql_give_it__XC_RSK_004() -> None:
    # A new string object, not an interned literal.
    text = "".join(["Judicial", " ", "Review"])
    assert [m.term.value for m in find(text)] == ["judicial_review"]


# ---------------------------------------------------------------------------------------------
# Properties (hypothesis)
# ---------------------------------------------------------------------------------------------

PHRASES = {
    "judicial_review": ["judicial", "review"],
    "pre_action_protocol": ["pre", "action", "protocol"],
    "letter_before_claim": ["letter", "before", "claim"],
    "legal_proceedings": ["legal", "proceedings"],
    "within_14_days": ["within", "14", "days"],
}
separators = st.text(alphabet=" \t\n\r-–—.,;:_/()'\"", min_size=1, max_size=6)
# Text around a phrase that cannot end or start with a letter or digit next to it.
filler = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]))


def _cased(word: str, flips: list[bool]) -> str:
    flips = flips + [False] * len(word)
    return "".join(c.upper() if f else c for c, f in zip(word, flips, strict=False))


@given(
    key=st.sampled_from(sorted(PHRASES)),
    seps=st.lists(separators, min_size=3, max_size=3),
    flips=st.lists(st.booleans(), max_size=12),
    before=filler,
    after=filler,
)
def test_any_spacing_case_and_punctuation_between_words_is_found__XC_RSK_004(
    key: str, seps: list[str], flips: list[bool], before: str, after: str
) -> None:
    words = [_cased(w, flips) for w in PHRASES[key]]
    phrase = words[0] + "".join(s + w for s, w in zip(seps, words[1:], strict=False))
    text = f"{before} {phrase} {after}"
    start = len(before) + 1
    found = [(m.term.value, m.start, m.end) for m in find(text)]
    assert (key, start, start + len(phrase)) in found


@given(st.text(max_size=400))
def test_any_text_is_scanned_without_error_and_spans_point_into_it__XC_RSK_004(
    text: str,
) -> None:
    matches = find(text)
    assert list(matches) == sorted(matches, key=lambda m: m.start)
    for m in matches:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.matched


@given(st.text(alphabet=st.characters(exclude_categories=["L", "N"]), max_size=200))
def test_text_without_letters_has_no_terms__XC_RSK_004(text: str) -> None:
    assert find(re.sub(r"\d", "", text)) == ()

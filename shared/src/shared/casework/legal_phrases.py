"""Legal-action wording in correspondence (XC-RSK-004, CMP-025, CMP-126; guidance ¶9.44–9.45,
¶9.101, ¶10.61; requirements §D.26). Pure: no I/O.

Any correspondence suggesting that legal action is or may be taken goes to the Legal Team within
24 hours of receipt (C-23). The guidance lists wording to look out for (¶9.45); :func:`find`
returns every occurrence in a text, with its position, so a person can see at once why a letter
was flagged and refer it or dismiss it.

How the text is read:

- case-insensitively, with any run of spaces, line breaks, punctuation, hyphens or dashes
  between the words of a phrase ("Pre Action Protocol", "pre-action\\nprotocol",
  "pre–action protocol", "preaction protocol", "letter before claim.");
- a word broken over a line with a hyphen is joined ("proceed-\\nings"), and invisible
  characters (soft hyphens, zero-width spaces) are ignored;
- a phrase must stand as whole words: "claim" is not found in "reclaim", "disclaimer" or
  "claimant" (which is its own term).

Over-broad words. D.26 lists "claim", "damages", "unfairly" and responses "within 14 days"
(sometimes 21), which ordinary complaints also use ("the injustice claimed", "I was treated
unfairly"). A missed legal letter breaches a 24-hour rule, a false alarm costs a person a
minute, so every listed term is looked for (recall first), and the terms that ordinary
complaints use too are marked ``broad`` so the reader knows what to check. What is *not*
matched, on purpose: "claimed" (past tense narrative, e.g. the injustice claimed, ¶1.10) and
"damage"/"damaged" (harm, not the legal remedy "damages"). Beyond D.26 the scanner also looks
for "legal action" (¶9.44's own words) and other "pre-action" wording (a "pre-action letter").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

SCANNER = "D.26/1"
"""Which list and reading a stored scan was made with; bump it when the terms change."""


class LegalTerm(StrEnum):
    """The legal-action indicators of requirements §D.26 (¶9.45), plus ¶9.44's "legal action"."""

    judicial_review = "judicial_review"
    pre_action_threat = "pre_action_threat"
    pre_action_protocol = "pre_action_protocol"
    pre_action = "pre_action"  # other pre-action wording: a pre-action letter, correspondence
    letter_before_action = "letter_before_action"
    letter_before_claim = "letter_before_claim"  # also "letter of claim"
    small_claim = "small_claim"
    claim = "claim"
    legal_proceedings = "legal_proceedings"
    legal_action = "legal_action"
    damages = "damages"
    within_14_days = "within_14_days"
    within_21_days = "within_21_days"
    defendant = "defendant"
    claimant = "claimant"
    unlawfully = "unlawfully"
    irrationally = "irrationally"
    unfairly = "unfairly"


BROAD = frozenset(
    {
        LegalTerm.claim,
        LegalTerm.damages,
        LegalTerm.unfairly,
        LegalTerm.within_14_days,
        LegalTerm.within_21_days,
    }
)
"""Terms ordinary complaints use too: still reported (D.26 lists them), marked for the reader."""

# Between the words of a phrase: any run (possibly empty) of non-letters and non-digits.
_SEP = r"[\W_]*"
_START = r"(?<![^\W_])"  # not preceded by a letter or digit
_END = r"(?![^\W_])"  # not followed by a letter or digit


def _phrase(*words: str) -> str:
    return _SEP.join(words)


_14 = r"(?:14|fourteen)"
_21 = r"(?:21|twenty" + _SEP + r"one)"


def _within(n: str) -> str:
    # "within 14 days", "within fourteen (14) days", "within the next 14 calendar days",
    # "within a period of 21 days".
    lead = rf"(?:(?:{_phrase('the', 'next')}|{_phrase('an?', 'period', 'of')}|the){_SEP})?"
    kind = rf"(?:(?:calendar|working|business|clear){_SEP})?"
    return rf"within{_SEP}{lead}{n}(?:{_SEP}{n})?{_SEP}{kind}days?"


_PATTERNS: dict[LegalTerm, str] = {
    LegalTerm.judicial_review: _phrase("judicial(?:ly)?", "review(?:s|ed|ing)?"),
    LegalTerm.pre_action_threat: _phrase("pre", "action", "threats?"),
    LegalTerm.pre_action_protocol: _phrase("pre", "action", "protocols?"),
    LegalTerm.pre_action: _phrase("pre", "action"),
    LegalTerm.letter_before_action: _phrase("letters?", "before", "action"),
    LegalTerm.letter_before_claim: _phrase("letters?", "(?:before|of)", "claim"),
    LegalTerm.small_claim: _phrase("small", "claims?"),
    LegalTerm.claim: "claim(?:s|ing)?",
    LegalTerm.legal_proceedings: _phrase("legal", "proceedings?"),
    LegalTerm.legal_action: _phrase("legal", "actions?"),
    LegalTerm.damages: "damages",
    LegalTerm.within_14_days: _within(_14),
    LegalTerm.within_21_days: _within(_21),
    LegalTerm.defendant: "defendants?",
    LegalTerm.claimant: "claimants?",
    LegalTerm.unlawfully: "unlawful(?:ly|ness)?",
    LegalTerm.irrationally: "irrational(?:ly|ity)?",
    LegalTerm.unfairly: "unfair(?:ly|ness)?",
}

_COMPILED = tuple(
    (term, re.compile(_START + pattern + _END, re.IGNORECASE))
    for term, pattern in _PATTERNS.items()
)

_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_LINE_BREAK = r"(?:\r\n|[\n\r\x0b\x0c\x85\u2028\u2029])"
# Left out before matching: invisible characters, and a hyphen that breaks a word over a line
# (with the line break and the spaces around it).
_IGNORED = re.compile(
    "[\u00ad\u200b\u200c\u200d\u2060\ufeff]+"
    rf"|(?<=[^\W\d_])[{_DASHES}][ \t]*{_LINE_BREAK}\s*(?=[^\W\d_])"
)


@dataclass(frozen=True, slots=True)
class LegalTermMatch:
    """One occurrence of a term: ``text[start:end]`` of the text scanned is ``matched``."""

    term: LegalTerm
    start: int
    end: int
    matched: str

    @property
    def broad(self) -> bool:
        return self.term in BROAD


def _reading(text: str) -> tuple[str, list[int]]:
    """``text`` without the ignored characters, and each kept character's index in ``text``."""
    kept: list[str] = []
    index: list[int] = []
    pos = 0
    for gap in _IGNORED.finditer(text):
        kept.append(text[pos : gap.start()])
        index.extend(range(pos, gap.start()))
        pos = gap.end()
    kept.append(text[pos:])
    index.extend(range(pos, len(text)))
    return "".join(kept), index


def find(text: str) -> tuple[LegalTermMatch, ...]:
    """Every legal-action term in ``text``, in order of position, with its span in ``text``.

    A term inside a longer one found at the same place is not reported again ("claim" in
    "letter before claim", "pre-action" in "pre-action protocol").
    """
    if not text:
        return ()
    reading, index = _reading(text)
    # Every pattern matches at least one character.
    found = sorted(
        (index[m.start()], index[m.end() - 1] + 1, term)
        for term, pattern in _COMPILED
        for m in pattern.finditer(reading)
    )
    kept = [
        (start, end, term)
        for start, end, term in found
        if not any(
            (o_start, o_end) != (start, end) and o_start <= start and end <= o_end
            for o_start, o_end, _ in found
        )
    ]
    return tuple(LegalTermMatch(term, start, end, text[start:end]) for start, end, term in kept)


def terms(matches: tuple[LegalTermMatch, ...]) -> list[LegalTerm]:
    """The distinct terms of ``matches``, in the order they first occur."""
    return list(dict.fromkeys(m.term for m in matches))

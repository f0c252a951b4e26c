"""The triage function (¶1.35–1.38: INT-023, INT-024).

The caseworker answers the casework categorisation criteria questions and answers "yes" to the
question asking whether the case belongs to a category; the category is derived from the
answers, never typed in, and the question-set version is stored with the case.

The criteria themselves are in supporting guidance on OmbudsHub that the Service Model does not
reproduce. Version ``ccc-2026.1`` is therefore OUR question set built from ¶1.35–1.38 alone:
whether there is enough information, then one "does it belong in …?" question per category of
¶1.35 (G-03: three categories). When the real criteria arrive they become a new version; cases
keep the version they were triaged on.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from intake_api.cases.models import TriageCategory
from intake_api.cases.rules import Problems

Answer = Literal["yes", "no", "insufficient_information"]
ENOUGH_INFORMATION = "enough_information"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    category: TriageCategory | None = None  # a "does it belong in …?" question


QUESTIONNAIRES: MappingProxyType[str, tuple[Question, ...]] = MappingProxyType(
    {
        "ccc-2026.1": (
            Question(
                ENOUGH_INFORMATION,
                "Is there enough information available to categorise the case (¶1.37)?",
            ),
            Question(
                "complex_and_significant",
                "Does the case belong in the complex & significant category?",
                TriageCategory.complex_and_significant,
            ),
            Question(
                "senior_caseworker",
                "Does the case belong in the senior caseworker category?",
                TriageCategory.senior_caseworker,
            ),
            Question(
                "general",
                "Does the case belong in the general category?",
                TriageCategory.general,
            ),
        )
    }
)
CURRENT_VERSION = "ccc-2026.1"


def derive(version: str, answers: dict[str, Answer]) -> tuple[TriageCategory, Problems]:
    """The category the answers give, or the problems that stop one being given.

    - Too little information (``enough_information`` not "yes", or any "insufficient
      information" answer): ``general`` (¶1.37; INT-023), whatever else is answered.
    - Otherwise every question is answered and exactly one category is "yes" (¶1.38).
    """
    p = Problems()
    questions = QUESTIONNAIRES.get(version)
    if questions is None:
        p.add("INT-024", "version", f"Unknown question set '{version}'; use {CURRENT_VERSION}")
        return TriageCategory.general, p
    known = {q.id for q in questions}
    for unknown in sorted(answers.keys() - known):
        p.add("INT-024", unknown, f"No question '{unknown}' in question set {version}")
    if p:
        return TriageCategory.general, p
    if answers.get(ENOUGH_INFORMATION, "yes") != "yes" or "insufficient_information" in (
        answers.values()
    ):
        return TriageCategory.general, p
    for q in questions:
        if q.id not in answers:
            p.add("INT-024", q.id, f"Answer: {q.text}")
    yes = [q.category for q in questions if q.category is not None and answers.get(q.id) == "yes"]
    if not p and len(yes) != 1:
        p.add(
            "INT-024",
            "category",
            "Answer 'yes' for the one category the case belongs to"
            if not yes
            else "Only one category can be 'yes'",
        )
    return (yes[0] if len(yes) == 1 else TriageCategory.general), p

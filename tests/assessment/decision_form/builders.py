"""Decision Form content the tests build on."""

from __future__ import annotations

from typing import Any

# ASM-139, ASM-140: the should-we indications a proposal records (guidance ¶3.3–3.8).
SHOULD_WE: dict[str, Any] = {
    "maladministration": {
        "indicated": True,
        "should_have_happened": "A referral to the specialist within two weeks.",
        "did_happen": "The referral was sent five weeks after the appointment.",
        "gap": "Three weeks of delay against the trust's own pathway.",
        "admitted_failings": "The trust's final response apologises for the delay.",
    },
    "injustice": {
        "could_have_caused_injustice": True,
        "likely_caused_by_failings": True,
        "reasoning": "The delay postponed treatment and prolonged the pain she describes.",
        "organisation_actions": "An apology; no other remedy offered.",
        "remedied": "not_remedied",
        "remedied_rationale": "An apology alone does not address the weeks of avoidable pain.",
        "outcome_sought_considered": True,
    },
}

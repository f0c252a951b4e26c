"""A Decision Form ready for a decision, saved through the form's own service (its rules check
it), for the cases the other tests build (health, received 1 October 2026)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.cases.rules import RESOLUTION_CODES
from assessment_api.decision_form import service
from assessment_api.decision_form.schemas import DecisionFormSave
from shared.auth import Principal

SAVED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 2)
GATES = ("properly_made", "premature", "maladministration_indications", "injustice", "unremedied")
PREMATURE = frozenset({"premature", "Premature: local resolution ongoing"})

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


def ready_content(
    *,
    proposing: bool,
    closure_code: str | None = None,
    discretion: str | None = None,
    other_reason: str | None = None,
) -> dict[str, Any]:
    """Remit and suitability first, the analysis, every gate test passed, the time limit and the
    alternative legal remedy considered, material evidence and a precedent check; for a decline
    its single reason."""
    content: dict[str, Any] = {
        "remit": {"in_remit": True},
        "suitability": {"suitable": True},
        "analysis": "The referral was three weeks late on the trust's own records.",
        # A premature closure rests on the premature test failed (ASM-116).
        "gate_results": [
            {
                "test": t,
                "result": "failed"
                if t == "premature" and closure_code in PREMATURE and not proposing
                else "passed",
            }
            for t in GATES
        ],
        "time_limit": {"awareness_date": "2026-01-05"},
        "alr": {"exists": False},
        "material_evidence": [{"document_ref": "DOC-1", "description": "Final response"}],
        "precedent_check": {"carried_out_on": "2026-10-30", "findings": "No similar findings."},
        "duty_of_candour": True,
    }
    if proposing:
        content |= SHOULD_WE  # a proposal records the should-we indications (ASM-139, ASM-140)
        content["decision"] = {"outcome": "propose to investigate"}
    elif closure_code in RESOLUTION_CODES:
        content["decision"] = {"outcome": "resolve"}  # T33 (ASM-156)
    elif closure_code is not None:
        reason: dict[str, Any] = {
            "closure_code": closure_code,
            "rationale": "Nothing more an investigation could achieve.",
        }
        if discretion is not None:
            reason["discretion"] = discretion
        if other_reason is not None:
            reason["other_reason"] = other_reason
        content["decision"] = {"outcome": "decline", "decline_reason": reason}
    return content


async def make_decision_form_ready(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None = None,
    discretion: str | None = None,
    other_reason: str | None = None,
    by: str = "cw-assess-1",
    drop: tuple[str, ...] = (),
) -> None:
    """The case's Decision Form, complete before the decision (the case at further
    consideration); ``drop`` leaves those sections out (for a test of what is then missing)."""
    content = ready_content(
        proposing=proposing, closure_code=closure_code, discretion=discretion,
        other_reason=other_reason,
    )  # fmt: skip
    case = await session.get(Case, case_id)
    if case is not None and case.jurisdiction == "parliamentary" and "time_limit" in content:
        content["time_limit"]["complaint_to_mp_date"] = "2026-02-02"  # C-11: measured to the MP
    content = {k: v for k, v in content.items() if k not in drop}
    await service.create_form(
        session, case_id=case_id, data=DecisionFormSave.model_validate(content),
        actor=Principal(sub=by, roles=frozenset({"caseworker"})), at=SAVED_AT, today=TODAY,
    )  # fmt: skip

"""The Decision Form's should-we rules, without a database (guidance §3: ASM-135, ASM-138…141,
ASM-157). Closed lists are quoted from requirements §D.11 as literals."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from assessment_api.cases.rules import OtherReason, decline_problems
from assessment_api.decision_form.rules import (
    CaseFacts,
    Jurisdiction,
    Problem,
    missing_before_decline,
    missing_before_proposal,
    save_problems,
    section_problems,
)
from assessment_api.decision_form.schemas import FormContent
from tests.assessment.decision_form.builders import SHOULD_WE

HEALTH = CaseFacts(jurisdiction=Jurisdiction.health, received=date(2026, 10, 1))
PARLIAMENTARY = CaseFacts(jurisdiction=Jurisdiction.parliamentary, received=date(2026, 10, 1))
TODAY = date(2026, 11, 2)
GATES = ("properly_made", "premature", "maladministration_indications", "injustice", "unremedied")
EXCEPTIONAL = (
    "The coroner's inquest is examining the same care and the family asked us to wait for it."
)


def form(**sections: Any) -> FormContent:
    return FormContent.model_validate(json.loads(json.dumps(sections)))


def base(**overrides: Any) -> dict[str, Any]:
    sections: dict[str, Any] = {
        "remit": {"in_remit": True},
        "suitability": {"suitable": True},
        "analysis": "The referral was three weeks late on the trust's own records.",
        "gate_results": [{"test": t, "result": "passed"} for t in GATES],
        "time_limit": {"awareness_date": "2026-01-05"},
        "alr": {"exists": False},
        "material_evidence": [{"document_ref": "DOC-1", "description": "Final response"}],
        "precedent_check": {"carried_out_on": "2026-10-30", "findings": "No similar findings."},
        **SHOULD_WE,
    }
    return sections | overrides


def declining(code: str = "other reason to decline", **overrides: Any) -> dict[str, Any]:
    reason: dict[str, Any] = {
        "closure_code": code,
        "discretion": "general",
        "rationale": "Nothing an investigation could add.",
    }
    if code == "other reason to decline":
        reason["other_reason"] = "outcome not achievable"
    return base(decision={"outcome": "decline", "decline_reason": reason}, **overrides)


def about(problems: list[Problem], requirement: str) -> set[str]:
    return {p.field for p in problems if p.requirement == requirement}


def test_another_forum_better_placed_means_no_proposal__ASM_138() -> None:
    forum = {
        "name": "Local Government and Social Care Ombudsman",
        "decision": "other_forum_better_placed",
        "rationale": "The complaint is mostly about council-arranged care.",
    }
    sections = base(other_forum=forum)
    assert about(missing_before_proposal(form(**sections), HEALTH), "ASM-138") == {
        "other_forum.decision"
    }
    ours = base(other_forum=forum | {"decision": "we_are_better_placed"})
    assert about(missing_before_proposal(form(**ours), HEALTH), "ASM-138") == set()
    # Unsure: discuss it with the other handler first (¶3.2), and not in the future.
    unsure = base(other_forum=forum | {"decision": "we_are_better_placed", "unsure": True})
    assert about(section_problems(form(**unsure), HEALTH, TODAY), "ASM-138") == {
        "other_forum.discussed_at"
    }
    discussed = unsure["other_forum"] | {"discussed_at": "2026-10-28"}
    problems = section_problems(form(**base(other_forum=discussed)), HEALTH, TODAY)
    assert about(problems, "ASM-138") == set()
    later = discussed | {"discussed_at": "2026-11-03"}
    assert about(section_problems(form(**base(other_forum=later)), HEALTH, TODAY), "ASM-138") == {
        "other_forum.discussed_at"
    }


def test_indications_of_maladministration_are_recorded_before_a_proposal__ASM_139() -> None:
    assert missing_before_proposal(form(**base()), HEALTH) == []
    sections = base()
    del sections["maladministration"]
    assert about(missing_before_proposal(form(**sections), HEALTH), "ASM-139") == {
        "maladministration"
    }
    # The recorded indications and the gate's result agree.
    none = base(maladministration=SHOULD_WE["maladministration"] | {"indicated": False})
    assert about(section_problems(form(**none), HEALTH, TODAY), "ASM-139") == {
        "maladministration.indicated"
    }


def test_a_proposal_on_size_and_complexity_has_its_audit_trail__ASM_139_ASM_140() -> None:
    sections = base(
        gate_results=[{"test": t, "result": "passed"} for t in ("properly_made", "premature")],
    )
    del sections["maladministration"], sections["injustice"]
    missing = missing_before_proposal(form(**sections), HEALTH)
    assert {p.requirement for p in missing} == {"ASM-092", "ASM-139", "ASM-140"}
    sections["propose_due_to_complexity"] = {
        "applies": True,
        "rationale": "Eight years of records across three trusts; a view needs several "
        "disciplines' advice, so only an investigation can resolve it.",
    }
    assert missing_before_proposal(form(**sections), HEALTH) == []
    # A stock phrase is not an audit trail.
    sections["propose_due_to_complexity"]["rationale"] = "Too complex."
    assert about(save_problems(form(**sections), HEALTH, TODAY), "ASM-139") == {
        "propose_due_to_complexity.rationale"
    }
    # A failed test still stands in the way.
    sections["propose_due_to_complexity"]["rationale"] = (
        "Eight years of records across three trusts need several disciplines' advice."
    )
    sections["gate_results"].append({"test": "injustice", "result": "failed"})
    assert "gate_results.injustice" in {
        p.field for p in missing_before_proposal(form(**sections), HEALTH)
    }


def test_injustice_and_whether_it_is_remedied_are_recorded_and_agree__ASM_140() -> None:
    sections = base()
    del sections["injustice"]
    assert about(missing_before_proposal(form(**sections), HEALTH), "ASM-140") == {"injustice"}
    remedied = SHOULD_WE["injustice"] | {"remedied": "fully"}
    assert about(section_problems(form(**base(injustice=remedied)), HEALTH, TODAY), "ASM-140") == {
        "injustice.remedied"
    }
    failed = base(
        injustice=SHOULD_WE["injustice"],
        gate_results=[
            {"test": t, "result": "failed" if t == "unremedied" else "passed"} for t in GATES
        ],
    )
    assert about(section_problems(form(**failed), HEALTH, TODAY), "ASM-140") == {
        "injustice.remedied"
    }
    failed["injustice"] = remedied
    assert about(section_problems(form(**failed), HEALTH, TODAY), "ASM-140") == set()
    no_link = SHOULD_WE["injustice"] | {"could_have_caused_injustice": False}
    assert about(section_problems(form(**base(injustice=no_link)), HEALTH, TODAY), "ASM-140") == {
        "injustice.could_have_caused_injustice"
    }


def test_other_reasons_to_decline_are_the_d11_list_under_one_code__ASM_141() -> None:
    assert {r.value for r in OtherReason} == {
        "outcome sought not reasonable for the claimed injustice",
        "outcome not achievable",
        "investigation impractical / no satisfactory conclusion / no value",
        "complainant unhappy with the proposed investigation and no agreement",
        "nature or theme not appropriate for us",
        "another organisation considering the same issues",
        "out of remit or not ready on a closer look",
        "linked to lead",
        "nothing left after agreeing the summary",
    }
    code = json.loads(json.dumps("other reason to decline"))
    assert decline_problems(code, None, OtherReason("outcome not achievable")) == [
        "discretion_required"
    ]
    assert [p.value for p in decline_problems(code, None, None)] == [
        "discretion_required",
        "other_reason_required",
    ]
    assert missing_before_decline(form(**declining()), HEALTH) == []
    sections = declining()
    del sections["decision"]["decline_reason"]["other_reason"]
    assert about(missing_before_decline(form(**sections), HEALTH), "ASM-093") == {
        "decision.decline_reason"
    }


def test_declining_a_presumed_case_needs_exceptional_circumstances__ASM_157() -> None:
    death = {"potential_avoidable_death": True}
    sections = declining(presumption=death)
    assert about(missing_before_decline(form(**sections), HEALTH), "ASM-157") == {
        "presumption.exceptional_circumstances"
    }
    # ¶3.69 is a presumption for health complaints.
    assert about(missing_before_decline(form(**sections), PARLIAMENTARY), "ASM-157") == set()
    reasoned = declining(presumption=death | {"exceptional_circumstances": EXCEPTIONAL})
    assert about(missing_before_decline(form(**reasoned), HEALTH), "ASM-157") == set()
    stock = declining(presumption=death | {"exceptional_circumstances": "Not applicable."})
    assert about(missing_before_decline(form(**stock), HEALTH), "ASM-157") == {
        "presumption.exceptional_circumstances"
    }
    # ¶3.70–3.72: avoidable serious harm and wider public interest too, in either jurisdiction.
    for flag in ("avoidable_serious_harm", "wider_public_interest"):
        flagged = declining(presumption={flag: True})
        assert about(missing_before_decline(form(**flagged), PARLIAMENTARY), "ASM-157") == {
            "presumption.exceptional_circumstances"
        }
    # Nothing flagged, nothing needed; a proposal needs no exception.
    unflagged = declining(presumption={})
    assert about(missing_before_decline(form(**unflagged), HEALTH), "ASM-157") == set()
    assert missing_before_proposal(form(**base(presumption=death)), HEALTH) == []
    # The save of a decline without it is refused (the form records decisions in order).
    assert about(save_problems(form(**sections), HEALTH, TODAY), "ASM-157") == {
        "presumption.exceptional_circumstances"
    }


def test_mixed_outcomes_still_consider_the_alr_and_say_what_comes_next__ASM_135() -> None:
    mixed = {
        "achievable_in_court": "Compensation for the pain and the cost of private treatment.",
        "not_achievable_in_court": "A change to the trust's referral process.",
    }
    alr = {
        "exists": True,
        "routes": ["clinical negligence claim"],
        "reasonable_to_use": True,
        "factors": [{"factor": "cost or disproportion against the sum sought", "assessment": "x"}],
        "rationale": "A negligence claim would directly achieve the money sought.",
        "negligence_claim_pointed_out": True,
        "mixed_outcomes": mixed,
    }
    sections = declining("reasonable to pursue an alternative legal remedy", alr=alr)
    sections["decision"]["decline_reason"]["discretion"] = "specific"
    missing = about(missing_before_decline(form(**sections), HEALTH), "ASM-135")
    assert missing == {
        "alr.mixed_outcomes.money_sought_considered",
        "alr.mixed_outcomes.told_may_return",
        "alr.mixed_outcomes.time_limit_given",
    }
    alr["mixed_outcomes"] = mixed | {
        "money_sought_considered": True,
        "told_may_return": True,
        "time_limit_given": True,
    }
    assert about(missing_before_decline(form(**sections), HEALTH), "ASM-135") == set()
    # Proposing instead: the money is still considered (¶2.320), nothing to tell about returning.
    alr["reasonable_to_use"] = False
    alr["mixed_outcomes"] = mixed
    proposal = base(alr=alr, decision={"outcome": "propose to investigate"})
    assert about(missing_before_proposal(form(**proposal), HEALTH), "ASM-135") == {
        "alr.mixed_outcomes.money_sought_considered"
    }

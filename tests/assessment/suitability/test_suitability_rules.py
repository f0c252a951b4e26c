"""The suitability assessment's pure rules, without a database (ASM-109…113). Values are quoted
from requirements.md §D.6 and the ASM entries as literals, never imported from the module under
test. Assessments are fed as JSON, as the API receives them."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from assessment_api.suitability.rules import (
    AggrievedStatus,
    CapacityCheckMethod,
    Conclusion,
    ConsentMethod,
    Relationship,
    conclusion,
    decision_problems,
    expected_representative_role,
    gaps,
    role_problems,
    save_problems,
)
from assessment_api.suitability.schemas import SuitabilityContent

TODAY = date(2026, 11, 2)
AGGRIEVED = uuid.UUID("11111111-1111-4111-8111-111111111111")
REP = uuid.UUID("22222222-2222-4222-8222-222222222222")
OTHER = uuid.UUID("33333333-3333-4333-8333-333333333333")
FACTORS = {
    "information_considered": "Her medical records and the trust's complaint file.",
    "conflict_of_interest": False,
    "aggrieved_would_object": False,
    "not_in_best_interests": False,
}


@dataclass(frozen=True)
class P:
    person_id: uuid.UUID
    role: str


def content(**fields: Any) -> SuitabilityContent:
    """An assessment as the API receives it: through JSON text, so strings are new objects."""
    base: dict[str, Any] = {"complainant_is_aggrieved": True, "aggrieved_person_id": str(AGGRIEVED)}
    return SuitabilityContent.model_validate(json.loads(json.dumps(base | fields, default=str)))


def rep(**fields: Any) -> dict[str, Any]:
    return {"person_id": str(REP), "relationship": "family_member"} | fields


def suitable_rep(**fields: Any) -> dict[str, Any]:
    return rep(**FACTORS, outcome="suitable", reasons="Her son; nothing against him.") | fields


def ids(problems: list[Any]) -> set[tuple[str, str]]:
    return {(p.requirement, p.field) for p in problems}


# --- The closed lists (§D.6, ASM-109, ASM-112) --------------------------------------------------


def test_aggrieved_status_is_the_listed_values__ASM_109() -> None:
    assert {s.value for s in AggrievedStatus} == {
        "deceased", "lacks_capacity", "too_young", "has_capacity",
    }  # fmt: skip


def test_relationships_are_the_legal_categories__ASM_112() -> None:
    assert {r.value for r in Relationship} == {
        "personal_representative", "family_member", "other_individual", "organisation",
    }  # fmt: skip


def test_capacity_check_methods_and_consent_by_telephone__ASM_110_ASM_113() -> None:
    assert {m.value for m in CapacityCheckMethod} == {
        "with_the_aggrieved", "someone_who_knows_them", "medical_records", "clinical_advice",
    }  # fmt: skip
    assert "telephone" in {m.value for m in ConsentMethod}


# --- ASM-109: who complains ----------------------------------------------------------------------


def test_aggrieved_complaining_personally_needs_nothing_more__ASM_109() -> None:
    c = content()
    assert save_problems(c, TODAY) == []
    assert gaps(c) == []
    assert conclusion(c) is Conclusion.suitable


def test_someone_else_complaining_is_recorded_as_the_representative__ASM_109() -> None:
    c = content(complainant_is_aggrieved=False)
    assert ("ASM-109", "representative") in ids(save_problems(c, TODAY))


@pytest.mark.parametrize("status", ["deceased", "lacks_capacity", "too_young"])
def test_an_aggrieved_who_complained_personally_is_not_unable_to__ASM_109(status: str) -> None:
    c = content(aggrieved_status=status, representative=suitable_rep())
    assert ("ASM-109", "aggrieved_status") in ids(save_problems(c, TODAY))
    ok = content(aggrieved_status="has_capacity", representative=suitable_rep())
    assert ("ASM-109", "aggrieved_status") not in ids(save_problems(ok, TODAY))


def test_the_representative_is_not_the_aggrieved__ASM_109() -> None:
    c = content(complainant_is_aggrieved=False, representative=rep(person_id=str(AGGRIEVED)))
    assert ("ASM-109", "representative.person_id") in ids(save_problems(c, TODAY))


def test_why_the_aggrieved_cannot_complain_is_recorded__ASM_109() -> None:
    c = content(complainant_is_aggrieved=False, representative=suitable_rep())
    assert ("ASM-109", "aggrieved_status") in ids(gaps(c))
    assert conclusion(c) is Conclusion.incomplete
    done = content(
        complainant_is_aggrieved=False, aggrieved_status="deceased", representative=suitable_rep()
    )
    assert gaps(done) == []
    assert conclusion(done) is Conclusion.suitable


# --- ASM-110: capacity ---------------------------------------------------------------------------


def _lacking(**capacity: Any) -> SuitabilityContent:
    return content(
        complainant_is_aggrieved=False,
        aggrieved_status="lacks_capacity",
        representative=suitable_rep(),
        **({"capacity": capacity} if capacity else {}),
    )


def test_lack_of_capacity_needs_evidence_or_a_check__ASM_110() -> None:
    assert ("ASM-110", "capacity") in ids(gaps(_lacking()))
    assert conclusion(_lacking()) is Conclusion.incomplete
    # Evidence already submitted: no further check is needed (¶2.254).
    evidence = _lacking(evidence_of_incapacity="GP letter DOC-7 on advanced dementia.")
    assert gaps(evidence) == []
    check = {
        "methods": ["medical_records"],
        "checked_on": "2026-10-30",
        "finding": "lacks_capacity",
    }
    assert gaps(_lacking(check=check)) == []


def test_a_check_finding_capacity_contradicts_lacks_capacity__ASM_110() -> None:
    check = {
        "methods": ["with_the_aggrieved"],
        "checked_on": "2026-10-30",
        "finding": "has_capacity",
    }
    c = _lacking(check=check)
    assert ("ASM-110", "aggrieved_status") in ids(save_problems(c, TODAY))
    # A check that found capacity does not establish a lack of it either (capacity presumed).
    assert ("ASM-110", "capacity") in ids(gaps(c))
    other = content(
        complainant_is_aggrieved=False,
        aggrieved_status="has_capacity",
        representative=suitable_rep(),
        capacity={"check": check | {"finding": "lacks_capacity"}},
    )
    assert ("ASM-110", "aggrieved_status") in ids(save_problems(other, TODAY))


def test_a_capacity_check_is_not_dated_in_the_future__ASM_110() -> None:
    check = {
        "methods": ["clinical_advice"],
        "checked_on": "2026-11-03",
        "finding": "lacks_capacity",
    }
    assert ("ASM-110", "capacity.check.checked_on") in ids(
        save_problems(_lacking(check=check), TODAY)
    )
    same_day = check | {"checked_on": "2026-11-02"}
    assert save_problems(_lacking(check=same_day), TODAY) == []


def test_a_capacity_check_names_how__ASM_110() -> None:
    with pytest.raises(ValidationError):
        _lacking(check={"methods": [], "checked_on": "2026-10-30", "finding": "lacks_capacity"})


# --- ASM-111: children ---------------------------------------------------------------------------


def _child(**child: Any) -> SuitabilityContent:
    return content(
        complainant_is_aggrieved=False,
        aggrieved_status="too_young",
        representative=suitable_rep(relationship="family_member"),
        **({"child": child} if child else {}),
    )


def test_a_child_too_young_needs_age_and_maturity_considered__ASM_111() -> None:
    assert ("ASM-111", "child") in ids(gaps(_child()))
    considered = _child(
        age_years=9, maturity="Could not follow the letters.", could_bring_it_themselves=False
    )
    assert gaps(considered) == []


@pytest.mark.parametrize("age", [3, 11, 17])
def test_no_set_age_decides_whether_a_child_could_complain__ASM_111(age: int) -> None:
    """The same age either way: only the caseworker's consideration of maturity decides."""
    unable = _child(age_years=age, maturity="Not mature enough.", could_bring_it_themselves=False)
    assert save_problems(unable, TODAY) == []
    assert gaps(unable) == []
    able = content(
        complainant_is_aggrieved=False,
        aggrieved_status="has_capacity",
        representative=suitable_rep(),
        consent={"method": "telephone", "given_on": "2026-10-29"},
        child={"age_years": age, "maturity": "Articulate.", "could_bring_it_themselves": True},
    )
    assert save_problems(able, TODAY) == []
    assert gaps(able) == []


def test_a_child_who_could_complain_is_not_too_young__ASM_111() -> None:
    c = _child(
        age_years=15, maturity="Wrote the complaint herself.", could_bring_it_themselves=True
    )
    assert ("ASM-111", "child.could_bring_it_themselves") in ids(save_problems(c, TODAY))


# --- ASM-112: the representative's suitability -------------------------------------------------


@pytest.mark.parametrize(
    "relationship", ["personal_representative", "family_member", "other_individual", "organisation"]
)
def test_every_representative_is_assessed_before_a_decision__ASM_112(relationship: str) -> None:
    c = content(
        complainant_is_aggrieved=False,
        aggrieved_status="deceased",
        representative=rep(relationship=relationship),
    )
    found = [p for p in gaps(c) if p.field == "representative.outcome"]
    assert len(found) == 1
    assert found[0].requirement == "ASM-112"
    legal = relationship in {"other_individual", "organisation"}
    assert ("Legal" in found[0].detail) is legal
    assert ("ASM-112", "representative.outcome") in ids(
        decision_problems(c, [], proposing=False, closure_code="premature")
    )


@pytest.mark.parametrize(
    "missing", ["conflict_of_interest", "aggrieved_would_object", "not_in_best_interests"]
)
def test_an_outcome_follows_each_factor__ASM_112(missing: str) -> None:
    r = suitable_rep()
    del r[missing]
    c = content(complainant_is_aggrieved=False, aggrieved_status="deceased", representative=r)
    assert ("ASM-112", f"representative.{missing}") in ids(save_problems(c, TODAY))


def test_an_outcome_has_reasons_and_the_information_considered__ASM_112() -> None:
    r = suitable_rep()
    del r["reasons"], r["information_considered"]
    c = content(complainant_is_aggrieved=False, aggrieved_status="deceased", representative=r)
    assert {
        ("ASM-112", "representative.reasons"),
        ("ASM-112", "representative.information_considered"),
    } <= ids(save_problems(c, TODAY))


def test_a_family_member_with_a_factor_against_can_be_unsuitable__ASM_112() -> None:
    r = suitable_rep(conflict_of_interest=True, outcome="unsuitable", reasons="Disputes the will.")
    c = content(complainant_is_aggrieved=False, aggrieved_status="deceased", representative=r)
    assert save_problems(c, TODAY) == []
    assert conclusion(c) is Conclusion.unsuitable
    assert ("ASM-112", "representative.outcome") in ids(gaps(c))


def test_an_unsuitable_representative_blocks_all_but_an_ineligible_decline__ASM_112() -> None:
    r = suitable_rep(outcome="unsuitable", reasons="The aggrieved's sister objects.")
    c = content(complainant_is_aggrieved=False, aggrieved_status="deceased", representative=r)
    parties = [P(REP, "complainant"), P(REP, "representative (person)"), P(AGGRIEVED, "aggrieved")]
    assert ("ASM-112", "representative.outcome") in ids(
        decision_problems(c, parties, proposing=True, closure_code=None)
    )
    assert ("ASM-112", "representative.outcome") in ids(
        decision_problems(c, parties, proposing=False, closure_code="premature")
    )
    assert (
        decision_problems(c, parties, proposing=False, closure_code="Ineligible complainant") == []
    )


# --- ASM-113: roles and consent ------------------------------------------------------------------


def test_expected_representative_roles__ASM_113() -> None:
    assert (
        expected_representative_role(Relationship("organisation"))
        == "representative (organisation)"
    )
    for other in ("personal_representative", "family_member", "other_individual"):
        assert expected_representative_role(Relationship(other)) == "representative (person)"


def _unable(relationship: str = "family_member") -> SuitabilityContent:
    return content(
        complainant_is_aggrieved=False,
        aggrieved_status="deceased",
        representative=suitable_rep(relationship=relationship),
    )


def test_a_suitable_representative_of_someone_unable_is_the_complainant__ASM_113() -> None:
    """(a) ¶2.261: the representative is the complainant, a "representative (person)"."""
    right = [P(REP, "complainant"), P(REP, "representative (person)"), P(AGGRIEVED, "aggrieved")]
    assert role_problems(_unable(), right) == []
    wrong = [P(AGGRIEVED, "complainant"), P(REP, "representative (person)")]
    found = ids(role_problems(_unable(), wrong))
    assert ("ASM-113", "representative.person_id") in found
    assert ("ASM-113", "complainant") in found  # the aggrieved is recorded as complainant
    assert ("ASM-113", "aggrieved_person_id") in found  # and not as the aggrieved
    no_rep_role = [P(REP, "complainant"), P(AGGRIEVED, "aggrieved")]
    assert ("ASM-113", "representative.relationship") in ids(role_problems(_unable(), no_rep_role))


def _capable(relationship: str = "other_individual", consent: bool = True) -> SuitabilityContent:
    return content(
        complainant_is_aggrieved=False,
        aggrieved_status="has_capacity",
        representative=suitable_rep(relationship=relationship),
        **({"consent": {"method": "telephone", "given_on": "2026-10-28"}} if consent else {}),
    )


def test_an_adult_with_capacity_is_the_complainant_and_the_other_a_representative__ASM_113() -> (
    None
):
    """(b) ¶2.262."""
    right = [P(AGGRIEVED, "complainant"), P(REP, "representative (person)")]
    assert role_problems(_capable(), right) == []
    wrong = [P(REP, "complainant"), P(REP, "representative (person)"), P(AGGRIEVED, "aggrieved")]
    found = ids(role_problems(_capable(), wrong))
    assert ("ASM-113", "aggrieved_person_id") in found
    assert ("ASM-113", "complainant") in found


def test_a_representative_working_for_an_organisation__ASM_113() -> None:
    """(c) ¶2.263: an advocate or lawyer is a "representative (organisation)"."""
    c = _capable(relationship="organisation")
    right = [P(AGGRIEVED, "complainant"), P(REP, "representative (organisation)")]
    assert role_problems(c, right) == []
    as_person = [P(AGGRIEVED, "complainant"), P(REP, "representative (person)")]
    assert ("ASM-113", "representative.relationship") in ids(role_problems(c, as_person))
    both = [*right, P(REP, "representative (person)")]
    assert ("ASM-113", "representative.relationship") in ids(role_problems(c, both))


def test_a_representative_of_an_adult_with_capacity_needs_consent__ASM_113() -> None:
    """(d) ¶2.264: the aggrieved's consent (by telephone is enough), how and when."""
    assert ("ASM-113", "consent") in ids(gaps(_capable(consent=False)))
    assert conclusion(_capable(consent=False)) is Conclusion.incomplete
    assert gaps(_capable()) == []
    parties = [P(AGGRIEVED, "complainant"), P(REP, "representative (person)")]
    assert ("ASM-113", "consent") in ids(
        decision_problems(_capable(consent=False), parties, proposing=True, closure_code=None)
    )
    assert decision_problems(_capable(), parties, proposing=True, closure_code=None) == []
    future = content(
        complainant_is_aggrieved=False,
        aggrieved_status="has_capacity",
        representative=suitable_rep(),
        consent={"method": "telephone", "given_on": "2026-11-03"},
    )
    assert ("ASM-113", "consent.given_on") in ids(save_problems(future, TODAY))


def test_a_representative_the_assessment_does_not_consider__ASM_112_ASM_113() -> None:
    parties = [P(AGGRIEVED, "complainant"), P(OTHER, "representative (organisation)")]
    found = decision_problems(content(), parties, proposing=True, closure_code=None)
    assert [(p.requirement, p.field) for p in found] == [("ASM-112", "representative")]
    assert str(OTHER) in found[0].detail


def test_the_aggrieved_complaining_personally_is_the_complainant__ASM_113() -> None:
    assert (
        decision_problems(
            content(), [P(AGGRIEVED, "complainant")], proposing=True, closure_code=None
        )
        == []
    )
    found = ids(
        decision_problems(content(), [P(OTHER, "complainant")], proposing=False, closure_code=None)
    )
    assert {("ASM-113", "aggrieved_person_id"), ("ASM-113", "complainant")} <= found


# --- The gate without an assessment -------------------------------------------------------------


def test_no_assessment_is_needed_when_the_aggrieved_complains_alone__ASM_109() -> None:
    alone = [P(AGGRIEVED, "complainant"), P(AGGRIEVED, "aggrieved"), P(OTHER, "mp (referring)")]
    assert decision_problems(None, alone, proposing=True, closure_code=None) == []


@pytest.mark.parametrize(
    "parties",
    [
        [P(AGGRIEVED, "complainant"), P(REP, "representative (person)")],
        [P(REP, "complainant"), P(AGGRIEVED, "aggrieved")],
        [P(AGGRIEVED, "complainant"), P(REP, "representative (organisation)")],
    ],
)
def test_an_assessment_is_needed_where_someone_acts_for_the_aggrieved__ASM_109(
    parties: list[P],
) -> None:
    for proposing, code in ((True, None), (False, "premature"), (False, "Ineligible complainant")):
        found = decision_problems(None, parties, proposing=proposing, closure_code=code)
        assert [(p.requirement, p.field) for p in found] == [("ASM-109", "suitability")]


# --- Boundaries and the ordering of what is reported --------------------------------------------

LOWER = uuid.UUID("00000000-0000-4000-8000-000000000001")


def test_a_representative_with_any_other_id_is_not_the_aggrieved__ASM_109() -> None:
    c = content(
        complainant_is_aggrieved=False,
        aggrieved_status="deceased",
        representative=suitable_rep(person_id=str(LOWER)),
    )
    assert save_problems(c, TODAY) == []


def test_the_first_unanswered_factor_is_named__ASM_112() -> None:
    r = suitable_rep()
    del r["conflict_of_interest"], r["not_in_best_interests"]
    c = content(complainant_is_aggrieved=False, aggrieved_status="deceased", representative=r)
    [found] = [p for p in save_problems(c, TODAY) if p.detail.startswith("check each factor")]
    assert found.field == "representative.conflict_of_interest"
    assert "not_in_best_interests" in found.detail


def test_consent_and_a_check_dated_today_or_earlier_are_fine__ASM_110_ASM_113() -> None:
    today = content(
        complainant_is_aggrieved=False,
        aggrieved_status="has_capacity",
        representative=suitable_rep(),
        consent={"method": "telephone", "given_on": "2026-11-02"},
    )
    assert save_problems(today, TODAY) == []
    check = {
        "methods": ["medical_records"],
        "checked_on": "2026-10-01",
        "finding": "lacks_capacity",
    }
    assert save_problems(_lacking(check=check), TODAY) == []


@pytest.mark.parametrize(
    ("status", "finding"),
    [
        ("too_young", "has_capacity"),
        ("deceased", "has_capacity"),
        ("deceased", "lacks_capacity"),
        ("too_young", "lacks_capacity"),
        ("has_capacity", "has_capacity"),
        ("lacks_capacity", "lacks_capacity"),
    ],
)
def test_a_check_contradicts_only_the_opposite_status__ASM_110(status: str, finding: str) -> None:
    check = {"methods": ["clinical_advice"], "checked_on": "2026-10-01", "finding": finding}
    c = content(
        complainant_is_aggrieved=False,
        aggrieved_status=status,
        representative=suitable_rep(),
        capacity={"check": check},
    )
    assert ("ASM-110", "aggrieved_status") not in ids(save_problems(c, TODAY))


def test_the_aggrieved_as_complainant_names_the_rule_that_applies__ASM_113() -> None:
    [b] = [
        p
        for p in role_problems(_capable(), [P(REP, "representative (person)")])
        if p.field == "aggrieved_person_id" and "(b)" in p.detail
    ]
    assert "¶2.262" in b.detail
    [alone] = [
        p for p in role_problems(content(), [P(OTHER, "complainant")]) if "personally" in p.detail
    ]
    assert alone.field == "aggrieved_person_id"


def test_every_other_representative_at_intake_is_named__ASM_112() -> None:
    parties = [
        P(AGGRIEVED, "complainant"),
        P(REP, "representative (person)"),
        P(LOWER, "representative (person)"),
        P(OTHER, "representative (organisation)"),
    ]
    found = [p for p in role_problems(_capable(), parties) if p.requirement == "ASM-112"]
    assert [p.detail.split()[2] for p in found] == [str(LOWER), str(OTHER)]


def test_an_ineligible_complainant_decline_still_needs_the_rest__ASM_109_ASM_112() -> None:
    unsuitable = rep(**FACTORS, outcome="unsuitable", reasons="The aggrieved's sister objects.")
    no_status = content(complainant_is_aggrieved=False, representative=unsuitable)
    found = ids(
        decision_problems(no_status, [], proposing=False, closure_code="Ineligible complainant")
    )
    assert found == {("ASM-109", "aggrieved_status")}
    pending = content(
        complainant_is_aggrieved=False, aggrieved_status="deceased", representative=rep()
    )
    found = ids(
        decision_problems(pending, [], proposing=False, closure_code="Ineligible complainant")
    )
    assert found == {("ASM-112", "representative.outcome")}


def test_roles_are_compared_only_once_the_person_is_found_suitable__ASM_113() -> None:
    mismatched = [P(OTHER, "complainant")]
    unsuitable = rep(**FACTORS, outcome="unsuitable", reasons="Acts against her interests.")
    c = content(
        complainant_is_aggrieved=False, aggrieved_status="deceased", representative=unsuitable
    )
    assert (
        decision_problems(c, mismatched, proposing=False, closure_code="Ineligible complainant")
        == []
    )
    pending = content(
        complainant_is_aggrieved=False, aggrieved_status="deceased", representative=rep()
    )
    found = decision_problems(pending, mismatched, proposing=True, closure_code=None)
    assert [p.requirement for p in found] == ["ASM-112"]

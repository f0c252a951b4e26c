"""Recipients of a decision that closes a case at assessment, as a table (database-free; the
guidance's values written as literals): ASM-173 (¶3.109–3.110), ASM-174 (¶3.111–3.112), ASM-055
(¶2.104: telephone, then writing for MPs and representatives), ASM-069 / ASM-156 (a resolution
is a decision not to investigate), ¶3.117 (organisations contacted), XC-COM-003."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from assessment_api.closing.rules import ClosureKind, Party, closure_recipients

C = uuid.UUID(int=1)  # complainant
A = uuid.UUID(int=2)  # aggrieved
R = uuid.UUID(int=3)  # representative
M1 = uuid.UUID(int=4)  # referring MP
M2 = uuid.UUID(int=5)  # assisting MP
ORG = uuid.UUID(int=9)


def plan(parties: list[tuple[uuid.UUID, str, bool]], **kw: Any) -> Any:
    args: dict[str, Any] = {
        "kind": ClosureKind.decline, "jurisdiction": "health", "organisations_contacted": [],
        "decision_by_telephone": False, "written_decision_requested": False,
        "aggrieved_copy": None,
    }  # fmt: skip
    # Roles as intake's API writes them: new strings, not the module's interned members.
    people = [Party(p, "".join(list(role)), auth) for p, role, auth in parties]
    return closure_recipients(parties=people, **(args | kw))


def rows(result: Any) -> list[tuple[Any, ...]]:
    return [
        (o.person_id or o.organisation_id, o.form.value, o.by_telephone, o.in_writing)
        for o in result.owed
    ]


LETTER = "decision letter"
COPY = "copy under a brief covering letter"
TOLD = "told of the decision"


@pytest.mark.parametrize(
    ("jurisdiction", "expected"),
    [
        # ¶3.109: parliamentary, a copy to the referring MP only.
        ("parliamentary", [(C, LETTER, False, True), (M1, COPY, False, True)]),
        # ¶3.110: health, a copy to any MP involved.
        ("health", [(C, LETTER, False, True), (M1, COPY, False, True), (M2, COPY, False, True)]),
    ],
)
def test_asm_173_complainant_addressed_mps_copied_by_jurisdiction(
    jurisdiction: str, expected: list[tuple[Any, ...]]
) -> None:
    parties = [
        (C, "complainant", False),
        (M1, "mp (referring)", False),
        (M2, "mp (assisting)", False),
    ]
    result = plan(parties, jurisdiction=jurisdiction)
    assert rows(result) == expected
    assert result.problems == []


@pytest.mark.parametrize(
    ("by_phone", "requested", "complainant", "mp", "rep"),
    [
        # ASM-055 / XC-COM-003: no phone decision, always in writing.
        (False, False, (C, LETTER, False, True), (M1, COPY, False, True), (R, COPY, False, True)),
        # Given by phone, no written copy asked for: the complainant needs no letter, but MPs
        # and representatives still get it in writing (¶2.104, Legal).
        (True, False, (C, LETTER, True, False), (M1, COPY, True, True), (R, COPY, True, True)),
        # Given by phone and asked for in writing: confirmed in writing.
        (True, True, (C, LETTER, True, True), (M1, COPY, True, True), (R, COPY, True, True)),
    ],
)
def test_asm_055_telephone_then_writing_for_mps_and_representatives(
    by_phone: bool, requested: bool, complainant: Any, mp: Any, rep: Any
) -> None:
    parties = [
        (C, "complainant", False), (M1, "mp (referring)", False),
        (R, "representative (person)", True),
    ]  # fmt: skip
    result = plan(parties, decision_by_telephone=by_phone, written_decision_requested=requested)
    assert rows(result) == [complainant, mp, rep]


@pytest.mark.parametrize(
    ("role", "authority", "expected"),
    [
        ("representative (person)", True, [(C, LETTER, False, True), (R, COPY, False, True)]),
        ("representative (organisation)", True, [(C, LETTER, False, True), (R, COPY, False, True)]),
        # ¶3.112: only with authorisation from the complainant or aggrieved.
        ("representative (person)", False, [(C, LETTER, False, True)]),
        ("representative (organisation)", False, [(C, LETTER, False, True)]),
    ],
)
def test_asm_174_representatives_only_with_authority(
    role: str, authority: bool, expected: list[tuple[Any, ...]]
) -> None:
    assert rows(plan([(C, "complainant", False), (R, role, authority)])) == expected


def test_asm_174_a_representative_who_is_the_complainant_is_addressed_once() -> None:
    parties = [(C, "representative (person)", True), (C, "complainant", False)]
    assert rows(plan(parties)) == [(C, LETTER, False, True)]


@pytest.mark.parametrize(
    ("decided", "expected", "problems"),
    [
        (None, [(C, LETTER, False, True)], ["ASM-174"]),  # case by case: decide first
        (True, [(C, LETTER, False, True), (A, COPY, False, True)], []),
        (False, [(C, LETTER, False, True)], []),
    ],
)
def test_asm_174_a_separate_aggrieved_is_decided_case_by_case(
    decided: bool | None, expected: list[tuple[Any, ...]], problems: list[str]
) -> None:
    result = plan([(C, "complainant", False), (A, "aggrieved", False)], aggrieved_copy=decided)
    assert rows(result) == expected
    assert [p.requirement for p in result.problems] == problems


def test_asm_174_an_aggrieved_who_is_the_complainant_needs_no_decision() -> None:
    result = plan([(C, "complainant", False), (C, "aggrieved", False)])
    assert rows(result) == [(C, LETTER, False, True)]
    assert result.problems == []


def test_asm_173_no_complainant_is_a_problem() -> None:
    result = plan([(M1, "mp (referring)", False)])
    assert [p.requirement for p in result.problems] == ["ASM-173"]


def test_organisations_contacted_during_consideration_are_told__XC_COM_003() -> None:
    # ¶3.117: contacted during further consideration, so it must be told; listed once.
    result = plan([(C, "complainant", False)], organisations_contacted=[ORG, ORG])
    assert rows(result) == [(C, LETTER, False, True), (ORG, TOLD, False, True)]
    assert result.owed[1].role == "organisation"


def test_other_roles_receive_nothing() -> None:
    parties = [
        (C, "complainant", False),
        (A, "interested_party", False),
        (R, "named_person", False),
    ]
    assert rows(plan(parties)) == [(C, LETTER, False, True)]


@pytest.mark.parametrize("kind", ["resolution", "decision_not_to_investigate", "withdrawn"])
def test_asm_069_asm_156_a_resolution_goes_to_the_same_recipients(kind: str) -> None:
    parties = [(C, "complainant", False), (M1, "mp (referring)", False)]
    result = plan(parties, kind=ClosureKind(kind), jurisdiction="parliamentary")
    assert rows(result) == [(C, LETTER, False, True), (M1, COPY, False, True)]
    cites_resolution = all("ASM-069" in o.rule for o in result.owed)
    assert cites_resolution is (kind == "resolution")

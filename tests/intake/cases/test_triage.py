"""The triage function (¶1.35–1.38): the category is derived from the answers to a versioned
question set, and the version is stored with the case (INT-023, INT-024)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import TriageCategory
from intake_api.cases.rules import Problems
from intake_api.cases.triage import CURRENT_VERSION, QUESTIONNAIRES, Answer, derive
from shared.errors import PROBLEM_TYPE_BASE
from tests.helpers import TODAY_ISO
from tests.intake.api import Api, JsonDict, new_organisation, new_person, open_case, patch_case
from tests.intake.builders import make_case, make_organisation, make_person

Headers = Callable[..., dict[str, str]]
NO_CATEGORY: dict[str, Answer] = {
    "enough_information": "yes",
    "complex_and_significant": "no",
    "senior_caseworker": "no",
    "general": "no",
}


def pairs(problems: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(m["requirement"], m["item"]) for m in problems}


def triage(version: str, answers: Mapping[str, str]) -> tuple[TriageCategory, Problems]:
    """``derive`` on the answers as the API hands them over: parsed from JSON, so each string is
    a new object and never the interned literal (a rule comparing with ``is`` would fail)."""
    parsed: dict[str, Answer] = json.loads(json.dumps(answers))
    return derive(version, parsed)


# --- The derivation, without a database


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("general", TriageCategory.general),
        ("senior_caseworker", TriageCategory.senior_caseworker),
        ("complex_and_significant", TriageCategory.complex_and_significant),
    ],
)
def test_the_one_yes_is_the_category__INT_024(question: str, category: TriageCategory) -> None:
    answers: dict[str, Answer] = {**NO_CATEGORY, question: "yes"}

    derived, problems = triage(CURRENT_VERSION, answers)

    assert (derived, problems.items) == (category, [])


@pytest.mark.parametrize(
    "answers",
    [
        {"enough_information": "insufficient_information"},
        {"enough_information": "no"},
        {**NO_CATEGORY, "senior_caseworker": "insufficient_information"},
        {"enough_information": "no", "complex_and_significant": "yes"},
    ],
    ids=["insufficient", "not-enough", "one-insufficient-answer", "yes-without-information"],
)
def test_too_little_information_is_general__INT_023(answers: dict[str, Answer]) -> None:
    derived, problems = triage(CURRENT_VERSION, answers)

    assert (derived, problems.items) == (TriageCategory.general, [])


@pytest.mark.parametrize(
    ("answers", "items"),
    [
        (NO_CATEGORY, {("INT-024", "category")}),
        ({**NO_CATEGORY, "general": "yes", "senior_caseworker": "yes"}, {("INT-024", "category")}),
        ({"enough_information": "yes", "general": "yes"},
         {("INT-024", "complex_and_significant"), ("INT-024", "senior_caseworker")}),
        ({**NO_CATEGORY, "general": "yes", "urgent": "yes"}, {("INT-024", "urgent")}),
    ],
    ids=["no-yes", "two-yes", "unanswered", "unknown-question"],
)  # fmt: skip
def test_answers_that_give_no_single_category_are_refused__INT_024(
    answers: dict[str, Answer], items: set[tuple[str, str]]
) -> None:
    _, problems = triage(CURRENT_VERSION, answers)

    assert pairs(problems.items) == items


def test_no_yes_and_two_yeses_are_told_apart_and_give_no_category__INT_024() -> None:
    none, none_problems = triage(CURRENT_VERSION, NO_CATEGORY)
    two, two_problems = triage(
        CURRENT_VERSION, {**NO_CATEGORY, "general": "yes", "senior_caseworker": "yes"}
    )

    assert none is two is TriageCategory.general
    assert [p["detail"] for p in none_problems.items] == [
        "Answer 'yes' for the one category the case belongs to"
    ]
    assert [p["detail"] for p in two_problems.items] == ["Only one category can be 'yes'"]


def test_an_unknown_question_set_is_refused__INT_024() -> None:
    _, problems = triage("ccc-1999.1", {"general": "yes"})

    assert pairs(problems.items) == {("INT-024", "version")}


def test_the_current_question_set_asks_about_each_category_once__INT_023() -> None:
    categories = [q.category for q in QUESTIONNAIRES[CURRENT_VERSION] if q.category]

    assert sorted(categories) == sorted(TriageCategory)


# --- Through HTTP


async def _case(session: AsyncSession) -> str:
    """A health complaint in intake with its complainant and an NHS trust, built in the database."""
    case = await make_case(
        session,
        parties=[await make_person(session)],
        organisations=[await make_organisation(session)],
    )
    return str(case.id)


async def _triage(api: Api, cid: str, answers: Mapping[str, str], expect: int = 200) -> JsonDict:
    return await api.call(
        "POST", f"/v1/cases/{cid}/triage",
        json={"version": CURRENT_VERSION, "answers": dict(answers), "reason": "Triage"},
        expect=expect,
    )  # fmt: skip


async def test_triage_stores_the_derived_category_answers_and_version__INT_024(
    api: Api, session: AsyncSession
) -> None:
    cid = await _case(session)
    answers = {**NO_CATEGORY, "senior_caseworker": "yes"}

    triaged = await _triage(api, cid, answers)
    timeline = await api.http.get(f"/v1/cases/{cid}/timeline", headers=api.caseworker)

    assert triaged["triage_category"] == "senior caseworker"
    assert triaged["triage_answers"] == answers
    assert triaged["triage_questionnaire_version"] == CURRENT_VERSION
    [entry] = [e for e in timeline.json() if e["action"] == "case.triaged"]
    assert (entry["before"]["triage_category"], entry["after"]["triage_category"]) == (
        None,
        "senior caseworker",
    )


async def test_insufficient_information_triages_as_general__INT_023(
    api: Api, session: AsyncSession
) -> None:
    cid = await _case(session)

    triaged = await _triage(api, cid, {"enough_information": "insufficient_information"})

    assert triaged["triage_category"] == "general"


async def test_answers_without_a_category_are_422_and_store_nothing__INT_024(
    api: Api, session: AsyncSession
) -> None:
    cid = await _case(session)

    refused = await _triage(api, cid, NO_CATEGORY, expect=422)
    stored = await api.call("GET", f"/v1/cases/{cid}")

    assert refused["type"] == PROBLEM_TYPE_BASE + "triage-incomplete"
    assert pairs(refused["missing"]) == {("INT-024", "category")}
    assert (stored["triage_category"], stored["triage_questionnaire_version"]) == (None, None)


async def test_the_category_cannot_be_typed_in__INT_024(api: Api, session: AsyncSession) -> None:
    cid = await _case(session)
    current = await api.call("GET", f"/v1/cases/{cid}")

    patched = await api.call(
        "PATCH", f"/v1/cases/{cid}", json={"triage_category": "general"},
        headers={"If-Match": current["_etag"]}, expect=422,
    )  # fmt: skip
    referred = await api.call(
        "POST", f"/v1/cases/{cid}/refer",
        json={"triage_category": "general", "reason": "Ready"}, expect=422,
    )  # fmt: skip

    assert patched["type"] == referred["type"] == PROBLEM_TYPE_BASE + "validation-error"


async def test_referral_waits_for_the_triage__INT_023(api: Api, session: AsyncSession) -> None:
    cid = await _case(session)
    await patch_case(api, cid, {"complaint_summary": "Example", "reason": "Facts"})

    blocked = await api.call(
        "POST", f"/v1/cases/{cid}/refer", json={"reason": "Ready to go"}, expect=422
    )
    await _triage(api, cid, {**NO_CATEGORY, "general": "yes"})
    after = await api.call(
        "POST", f"/v1/cases/{cid}/refer", json={"reason": "Ready to go"}, expect=422
    )

    assert ("INT-023", "triage_category") in pairs(blocked["missing"])
    assert ("INT-023", "triage_category") not in pairs(after["missing"])


async def test_the_questionnaire_is_published_for_front_ends__INT_024(api: Api) -> None:
    body = await api.call("GET", "/v1/reference/triage-questionnaire")

    assert body["version"] == CURRENT_VERSION
    assert [q["id"] for q in body["questions"]] == [q.id for q in QUESTIONNAIRES[CURRENT_VERSION]]
    assert {q["category"] for q in body["questions"]} == {None, *TriageCategory}
    assert body["answers"] == ["yes", "no", "insufficient_information"]


async def test_a_closed_case_is_not_triaged__INT_024(api: Api) -> None:
    person = await new_person(api, "Jo")
    org = await new_organisation(api, "Example GP Practice", "family_health_service_provider",
                              "health")  # fmt: skip
    case = await open_case(api, channel="telephone", jurisdiction="health", received_date=TODAY_ISO,
                           person=person, organisation=org)  # fmt: skip
    cid = case["id"]
    await api.call(
        "POST", f"/v1/cases/{cid}/contact-attempts",
        json={"person_id": person["id"], "channel": "telephone",
              "attempted_at": "2026-11-02T10:00:00+00:00", "outcome": "reached"},
        expect=201,
    )  # fmt: skip
    await api.call(
        "POST", f"/v1/cases/{cid}/close",
        json={"closure_code": "Not properly made - not in writing", "reasons": "Not in writing",
              "decision_channel": "telephone"},
    )  # fmt: skip

    refused = await _triage(api, cid, {**NO_CATEGORY, "general": "yes"}, expect=409)

    assert refused["type"] == PROBLEM_TYPE_BASE + "case-not-at-intake"

"""The category rules and ad hoc reviews over HTTP: what an assessment must record and what it
leaves (CMP-116, CMP-119, CMP-121…125, XC-RSK-003, XC-RSK-006, XC-DP-010)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.compliance.risk.builders import CW, assessment_body, refused

PLAN = {"outcome": "reduce", "plan": "Tell the complainant before the decision is shared"}


def risk(category: str = "people", **extra: Any) -> dict[str, Any]:
    return {
        "category": category,
        "description": "A risk of this case",
        "impact": "moderate",
        "likelihood": "likely",
        "mitigation": PLAN,
        "action_if_occurs": "Tell the manager at once",
        **extra,
    }


body = assessment_body


async def _post(
    client: httpx.AsyncClient, case_id: uuid.UUID, data: dict[str, Any], h: dict[str, str]
) -> httpx.Response:
    return await client.post(f"/v1/risk/cases/{case_id}/assessments", json=data, headers=h)


async def _tasks(client: httpx.AsyncClient, case_id: uuid.UUID, h: dict[str, str]) -> Any:
    return (await client.get(f"/v1/risk/cases/{case_id}/tasks", headers=h)).json()


# --- XC-RSK-003 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason",
    [
        "delay_or_non_cooperation",
        "jurisdiction_challenge",
        "suspected_criminal_behaviour",
        "organisation_concerns_before_provisional_views",
        "persistent_challenge_to_provisional_views",
        "compliance_escalation_review",
        "new_risk",
        "mitigated_risk_occurred",
        "risk_no_longer_of_concern",
    ],
)
async def test_an_ad_hoc_review_records_its_trigger__XC_RSK_003(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, reason: str
) -> None:
    got = await _post(client, case_id, body([], trigger="ad_hoc", review_reason=reason), cw)
    assert got.status_code == 201, got.text
    assert (got.json()["trigger"], got.json()["review_reason"]) == ("ad_hoc", reason)


@pytest.mark.parametrize(
    "change",
    [
        {"trigger": "ad_hoc"},
        {"trigger": "new_risk_identified"},
        {"trigger": "ad_hoc", "review_reason": None},
        {"trigger": "ad_hoc", "review_reason": "a hunch"},
        {"trigger": "decline", "review_reason": "jurisdiction_challenge"},
    ],
)
async def test_the_review_reason_goes_with_ad_hoc_reviews_only__XC_RSK_003(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, change: dict[str, Any]
) -> None:
    refused(await _post(client, case_id, body([], **change), cw))


# --- CMP-116, CMP-119, CMP-121 -------------------------------------------------------------------


async def test_an_immediate_risk_records_the_action_decided__CMP_116(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    refused(await _post(client, case_id, body([risk(immediate=True)]), cw))
    ok = await _post(
        client,
        case_id,
        body(
            [risk(immediate=True, immediate_action="Welfare call made today")],
            others_informed=["press_office", "liaison_managers"],
        ),
        cw,
    )
    got = ok.json()
    assert got["risks"][0]["immediate_action"] == "Welfare call made today"
    assert got["others_informed"] == ["press_office", "liaison_managers"]
    dup = body([], others_informed=["press_office", "press_office"])
    refused(await _post(client, uuid.uuid4(), dup, cw))


async def test_a_reputation_risk_prompts_informing_external_affairs__CMP_116(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    got = (await _post(client, case_id, body([risk("reputation_political")]), cw)).json()
    assert got["prompts"] == ["consider_informing_external_affairs"]


async def test_a_mitigation_that_changes_the_rating_is_explained__CMP_119(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    lowered = risk(impact_after="minor", likelihood_after="likely")
    refused(await _post(client, case_id, body([lowered]), cw))
    lowered["mitigation_effect"] = "The advocate's support lowers the impact to minor"
    got = (await _post(client, case_id, body([lowered]), cw)).json()
    assert (got["risks"][0]["pre_rating"], got["risks"][0]["post_rating"]) == ("medium", "low")
    assert got["risks"][0]["mitigation_effect"].startswith("The advocate's")
    # Unchanged by the mitigation (¶10.43): nothing to explain.
    same = risk(impact_after="moderate", likelihood_after="likely")
    assert (await _post(client, uuid.uuid4(), body([same]), cw)).status_code == 201


async def test_the_action_if_the_risk_happens_is_recorded__CMP_121(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    no_action = risk()
    del no_action["action_if_occurs"]
    refused(await _post(client, case_id, body([no_action]), cw))
    got = await _post(client, case_id, body([risk(who_to_contact="The duty manager")]), cw)
    entry = got.json()["risks"][0]
    assert (entry["action_if_occurs"], entry["who_to_contact"]) == (
        "Tell the manager at once",
        "The duty manager",
    )


# --- CMP-122, XC-RSK-006 ------------------------------------------------------------------------


async def test_terminal_illness_prioritises_allocation__CMP_122_XC_RSK_006(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    got = (await _post(client, case_id, body([risk(terminal_illness=True)]), cw)).json()
    assert got["prioritise_allocation"] is True
    rating = (await client.get(f"/v1/risk/cases/{case_id}/rating", headers=cw)).json()
    assert rating["prioritise_allocation"] is True
    other = (await _post(client, uuid.uuid4(), body([risk()]), cw)).json()
    assert other["prioritise_allocation"] is False


async def test_a_threat_of_harm_records_the_disclosure_considered__CMP_122(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    refused(await _post(client, case_id, body([risk(threat_of_harm=True)]), cw))
    disclosure = {
        "decision": "disclose",
        "reason": "Tell the advocate first",
        "before_decision_shared": True,
    }
    # A disclosure without a threat is refused: it is the threat's record.
    refused(await _post(client, case_id, body([risk(disclosure=disclosure)]), cw))
    got = await _post(client, case_id, body([risk(threat_of_harm=True, disclosure=disclosure)]), cw)
    entry = got.json()["risks"][0]
    assert (entry["disclosure_decision"], entry["disclosure_before_decision"]) == (
        "disclose",
        True,
    )


@pytest.mark.parametrize(
    ("category", "flag"),
    [
        ("financial", "terminal_illness"),
        ("legal", "threat_of_harm"),
        ("people", "information_breach"),
        ("people", "unresolved_by_management"),
    ],
)
async def test_each_flag_belongs_to_its_own_category__CMP_122_CMP_123_CMP_125(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, category: str, flag: str
) -> None:
    extra: dict[str, Any] = {flag: True}
    if flag == "threat_of_harm":
        extra["disclosure"] = {"decision": "not_disclose", "reason": "No one to tell"}
    refused(await _post(client, case_id, body([risk(category, **extra)]), cw))


# --- CMP-123, XC-DP-010 -------------------------------------------------------------------------


async def test_an_information_breach_is_reported_to_the_ism__CMP_123_XC_DP_010(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    got = (
        await _post(client, case_id, body([risk("financial", information_breach=True)]), cw)
    ).json()
    entry_id = got["risks"][0]["id"]
    tasks = await _tasks(client, case_id, cw)
    assert [(t["kind"], t["entry_id"], t["done_at"]) for t in tasks] == [
        ("report_information_breach", entry_id, None)
    ]
    # The report is the act that does the task: not done by hand.
    refused(
        await client.post(
            f"/v1/risk/tasks/{tasks[0]['id']}/completion", json={"note": "Done"}, headers=cw
        ),
        409,
        "task-done-by-its-act",
    )
    url = f"/v1/risk/cases/{case_id}/breach-reports"
    made = await client.post(
        url, json={"entry_id": entry_id, "reported_to": "ism-1", "reference": "ISM-1"}, headers=cw
    )
    assert made.status_code == 201, made.text
    assert (made.json()["reported_to"], made.json()["reported_by"]) == ("ism-1", CW)
    tasks = await _tasks(client, case_id, cw)
    assert (tasks[0]["done_by"], tasks[0]["done_note"]) == (CW, "Reported to ism-1")
    again = await client.post(url, json={"entry_id": entry_id, "reported_to": "ism-1"}, headers=cw)
    refused(again, 409, "breach-already-reported")


async def test_a_breach_report_names_a_breach_recorded_on_the_case__XC_DP_010(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    got = (await _post(client, case_id, body([risk("financial")]), cw)).json()
    url = f"/v1/risk/cases/{case_id}/breach-reports"
    not_breach = {"entry_id": got["risks"][0]["id"], "reported_to": "ism-1"}
    refused(await client.post(url, json=not_breach, headers=cw), 409, "not-an-information-breach")
    other_case = f"/v1/risk/cases/{uuid.uuid4()}/breach-reports"
    refused(await client.post(other_case, json=not_breach, headers=cw), 409)


# --- CMP-124, CMP-125 ----------------------------------------------------------------------------


async def test_an_mp_prompts_but_does_not_force_a_reputation_risk__CMP_124(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    got = await _post(client, case_id, body([], mp_involved=True), cw)
    assert got.status_code == 201
    assert got.json()["prompts"] == ["consider_reputation_political_risk"]
    recorded = body([risk("reputation_political")], mp_involved=True)
    assert (
        "consider_reputation_political_risk"
        not in ((await _post(client, uuid.uuid4(), recorded, cw)).json()["prompts"])
    )


async def test_an_our_service_risk_needs_the_earlier_cases_reviewed__CMP_125(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    refused(await _post(client, case_id, body([risk("our_service")]), cw))
    no = body([risk("our_service")], earlier_cases_reviewed=False)
    refused(await _post(client, case_id, no, cw))
    ok = body([risk("our_service")], earlier_cases_reviewed=True)
    assert (await _post(client, case_id, ok, cw)).status_code == 201
    prompted = body([], earlier_service_complaint=True, earlier_cases_reviewed=True)
    got = (await _post(client, uuid.uuid4(), prompted, cw)).json()
    assert got["prompts"] == ["consider_our_service_risk"]


async def test_an_unresolved_complaint_about_us_goes_to_review_and_feedback__CMP_125(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    data = body([risk("our_service", unresolved_by_management=True)], earlier_cases_reviewed=True)
    assert (await _post(client, case_id, data, cw)).status_code == 201
    tasks = await _tasks(client, case_id, cw)
    assert [t["kind"] for t in tasks] == ["refer_to_review_and_feedback"]
    assert "Review and Feedback Team" in tasks[0]["rule"]
    url = f"/v1/risk/tasks/{tasks[0]['id']}/completion"
    done = await client.post(url, json={"note": "Referred"}, headers=cw)
    assert (done.json()["done_by"], done.json()["done_note"]) == (CW, "Referred")
    refused(await client.post(url, json={"note": "Again"}, headers=cw), 409, "task-already-done")
    refused(
        await client.post(
            f"/v1/risk/tasks/{uuid.uuid4()}/completion", json={"note": "Referred"}, headers=cw
        ),
        404,
        "risk-task-not-found",
    )


# --- CMP-103, CMP-106, CMP-107 -------------------------------------------------------------------


async def test_a_mitigated_risk_that_happens_is_reviewed_with_that_reason__CMP_103(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    """¶10.11: if a mitigated risk happens, the rating is reviewed; the review says why."""
    first = await _post(client, case_id, body([risk()]), cw)
    assert first.status_code == 201, first.text
    review = body(
        [risk(impact="critical", likelihood="highly_likely")],
        trigger="ad_hoc",
        review_reason="mitigated_risk_occurred",
    )
    got = await _post(client, case_id, review, cw)
    assert got.status_code == 201, got.text
    assert (got.json()["number"], got.json()["review_reason"]) == (2, "mitigated_risk_occurred")
    assert got.json()["rating"] == "high"


@pytest.mark.parametrize(
    "missing", ["description", "impact", "likelihood", "action_if_occurs", "category"]
)
async def test_every_risk_answers_the_questions_of_the_assessment__CMP_106(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, missing: str
) -> None:
    """¶10.15: what the risk is, its likelihood and impact, and the action if it happens are
    required; the rating expected after mitigation is computed from the entry, never typed."""
    entry = risk()
    del entry[missing]
    problem = refused(await _post(client, case_id, body([entry]), cw))
    assert any(missing in e["loc"] for e in problem["errors"]), problem


async def test_the_expected_rating_after_mitigation_is_computed_not_typed__CMP_106(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    typed = body([risk(post_rating="low")])
    refused(await _post(client, case_id, typed, cw))
    lowered = risk(
        impact_after="minor",
        likelihood_after="likely",
        mitigation_effect="The advocate's presence lowers the impact",
    )
    got = await _post(client, case_id, body([lowered]), cw)
    assert got.status_code == 201, got.text
    [entry] = got.json()["risks"]
    assert (entry["pre_rating"], entry["post_rating"]) == ("medium", "low")


@pytest.mark.parametrize("category", ["clinical", "People", "", None])
async def test_a_risk_is_in_one_of_the_five_categories__CMP_107(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, category: object
) -> None:
    refused(await _post(client, case_id, body([{**risk(), "category": category}]), cw))


async def test_the_overall_rating_considers_every_category__CMP_107(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    """¶10.17: all five categories count towards the overall rating, whichever holds the
    highest risk."""
    for category in ("financial", "reputation_political", "our_service", "legal", "people"):
        high = risk(category, impact="critical", likelihood="highly_likely")
        extra: dict[str, Any] = {"earlier_cases_reviewed": category == "our_service"}
        risks = [risk("people"), high] if category != "people" else [high]
        got = await _post(client, uuid.uuid4(), body(risks, **extra), cw)
        assert got.status_code == 201, (category, got.text)
        assert got.json()["rating"] == "high", category

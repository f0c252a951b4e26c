"""Joint working (T11/T12) and disclosure on calls (INT-051/052), through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.helpers import TODAY_ISO
from tests.intake.api import Api, new_organisation, new_person, open_case, patch_case


async def _case(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    person = await new_person(api, "Robin")
    org = await new_organisation(api, "Exampleshire Hospitals NHS Trust", "nhs_trust", "health")
    case = await open_case(
        api, channel="email", jurisdiction="health", received_date=TODAY_ISO, person=person,
        organisation=org,
    )  # fmt: skip
    return case, person


async def test_joint_working_referral_lists_every_unmet_requirement__INT_038_039(
    api: Api,
) -> None:
    case, _ = await _case(api)
    r = await api.call(
        "POST", f"/v1/cases/{case['id']}/joint-working-referral", json={"reason": "LGSCO topics"},
        expect=422,
    )  # fmt: skip
    assert r["type"].endswith("/joint-working-referral-blocked")
    # ¶1.53: consent is not asked for before the JW team decides, so it is not a requirement.
    assert {m["requirement"] for m in r["missing"]} == {"INT-038", "INT-039"}


async def test_not_lgsco_cannot_go_to_the_joint_working_team__INT_039(api: Api) -> None:
    case, _ = await _case(api)
    await patch_case(api, case["id"], {
        "joint_working": True, "other_ombudsman": "other",
        "joint_working_shared_at": "2026-11-02T09:00:00Z",
    })  # fmt: skip
    r = await api.call(
        "POST", f"/v1/cases/{case['id']}/joint-working-referral", json={"reason": "x" * 5},
        expect=422,
    )  # fmt: skip
    assert "INT-039" in {m["requirement"] for m in r["missing"]}


async def test_joint_working_team_decides_before_consent_is_asked_for__INT_042(
    api: Api,
) -> None:
    """¶1.53: referral needs no consent; after acceptance, consent is asked for (a task) and the
    case goes on only once every complainant has consented."""
    case, person = await _case(api)
    cid = case["id"]
    await patch_case(api, cid, {
        "joint_working": True, "other_ombudsman": "LGSCO",
        "joint_working_topics": ["continuing_care"],
        "joint_working_shared_at": "2026-11-02T09:00:00Z",
    })  # fmt: skip
    referred = await api.call(
        "POST", f"/v1/cases/{cid}/joint-working-referral", json={"reason": "LGSCO topics"}
    )
    assert referred["status"] == "joint_working_review"
    accepted = await api.call(
        "POST", f"/v1/cases/{cid}/joint-working-decision",
        json={"accepted": True, "reason": "JW team will take it"},
    )  # fmt: skip
    assert accepted["status"] == "intake"
    assert accepted["route"] == "joint_working_team"
    tasks: list[dict[str, Any]] = (
        await api.http.get(f"/v1/cases/{cid}/tasks", headers=api.caseworker)
    ).json()
    assert [(t["kind"], t["done_at"]) for t in tasks] == [("ask_joint_working_consent", None)]
    assert tasks[0]["rule"].startswith("INT-042")

    consent_gate = ("INT-042", "consent")
    blocked = await api.call("POST", f"/v1/cases/{cid}/refer", json={"reason": "Hand on"},
                             expect=422)  # fmt: skip
    assert consent_gate in {(m["requirement"], m["item"]) for m in blocked["missing"]}
    await api.call(
        "POST", f"/v1/people/{person['id']}/consents",
        json={"consent_type": "joint_working_lgsco", "source": "verbal",
              "given_at": "2026-11-02T09:30:00Z", "evidence_reference": "CALL-7"},
        expect=201,
    )  # fmt: skip
    still = await api.call("POST", f"/v1/cases/{cid}/refer", json={"reason": "Hand on"},
                           expect=422)  # fmt: skip
    assert consent_gate not in {(m["requirement"], m["item"]) for m in still["missing"]}


async def test_declined_case_needs_no_joint_working_consent__INT_042(api: Api) -> None:
    case, _ = await _case(api)
    cid = case["id"]
    await patch_case(api, cid, {
        "joint_working": True, "other_ombudsman": "LGSCO",
        "joint_working_shared_at": "2026-11-02T09:00:00Z",
    })  # fmt: skip
    await api.call("POST", f"/v1/cases/{cid}/joint-working-referral", json={"reason": "xyz"})
    await api.call(
        "POST", f"/v1/cases/{cid}/joint-working-decision",
        json={"accepted": False, "reason": "Not one for us"},
    )  # fmt: skip
    blocked = await api.call("POST", f"/v1/cases/{cid}/refer", json={"reason": "Hand on"},
                             expect=422)  # fmt: skip
    assert "INT-042" not in {m["requirement"] for m in blocked["missing"]}
    assert (await api.http.get(f"/v1/cases/{cid}/tasks", headers=api.caseworker)).json() == []


async def test_declined_by_the_joint_working_team_returns_to_intake__T12_INT_039(
    api: Api,
) -> None:
    case, person = await _case(api)
    cid = case["id"]
    await patch_case(api, cid, {
        "joint_working": True, "other_ombudsman": "LGSCO",
        "joint_working_shared_at": "2026-11-02T09:00:00Z",
    })  # fmt: skip
    before = await api.call(
        "POST", f"/v1/cases/{cid}/refer", json={"reason": "Try to pass it on"}, expect=422
    )  # fmt: skip
    await api.call(
        "POST", f"/v1/people/{person['id']}/consents",
        json={"consent_type": "joint_working_lgsco", "source": "verbal",
              "given_at": "2026-11-02T09:30:00Z", "evidence_reference": "CALL-8"},
        expect=201,
    )  # fmt: skip
    await api.call("POST", f"/v1/cases/{cid}/joint-working-referral", json={"reason": "xyz"})
    declined = await api.call(
        "POST", f"/v1/cases/{cid}/joint-working-decision",
        json={"accepted": False, "reason": "Not one for us"},
    )  # fmt: skip
    after = await api.call(
        "POST", f"/v1/cases/{cid}/refer", json={"reason": "Try to pass it on"}, expect=422
    )  # fmt: skip
    assert declined["status"] == "intake"
    assert declined["route"] is None
    assert declined["joint_working_accepted"] is False
    assert declined["joint_working_decided_at"] is not None
    jw_team = ("INT-039", "joint_working_team")
    assert jw_team in {(m["requirement"], m["item"]) for m in before["missing"]}
    assert jw_team not in {(m["requirement"], m["item"]) for m in after["missing"]}


def _call(person_id: str, call_ref: str) -> dict[str, Any]:
    return {
        "medium": "telephone", "direction": "inbound", "purpose": "call",
        "occurred_at": datetime(2026, 11, 2, 9, tzinfo=UTC).isoformat(),
        "from_person_id": person_id, "discloses_case_information": True, "call_ref": call_ref,
    }  # fmt: skip


async def test_no_case_information_on_a_call_before_three_matched_questions__INT_051(
    api: Api,
) -> None:
    case, person = await _case(api)
    refused = await api.call(
        "POST", f"/v1/cases/{case['id']}/communications", json=_call(person["id"], "CALL-1"),
        expect=409,
    )  # fmt: skip
    assert refused["type"].endswith("/call-identity-not-verified")
    await api.call(
        "POST", f"/v1/people/{person['id']}/identity-verifications",
        json={"call_ref": "CALL-1", "questions": [
            {"question": "postcode", "matched": True},
            {"question": "first_line_of_address", "matched": True},
            {"question": "organisation_complained_about", "matched": True},
        ]},
        expect=201,
    )  # fmt: skip
    await api.call(
        "POST", f"/v1/cases/{case['id']}/communications", json=_call(person["id"], "CALL-1"),
        expect=201,
    )  # fmt: skip
    # A different call needs its own check (INT-051: on every call).
    await api.call(
        "POST", f"/v1/cases/{case['id']}/communications", json=_call(person["id"], "CALL-2"),
        expect=409,
    )  # fmt: skip


async def test_a_disclosure_must_name_the_call_and_the_caller__INT_051(api: Api) -> None:
    case, person = await _case(api)
    body = {**_call(person["id"], "CALL-9"), "call_ref": None}
    r = await api.call("POST", f"/v1/cases/{case['id']}/communications", json=body, expect=422)
    assert r["type"].endswith("/validation-error")

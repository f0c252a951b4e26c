"""Intake gates that were implemented but had no test naming their own requirement, proved
through HTTP: INT-012 (declining with the facts unrecorded), ASM-016 (social media), ASM-019 and
ASM-030 (a return as a new linked case), ASM-021 (the aggrieved person's consent), ASM-022 (a
referral signed by the MP's staff), ASM-008 (a return under the VPA), ASM-041 and ASM-032
(telephone complaints closed as not properly made).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Channel, Jurisdiction
from intake_api.organisations.models import OrganisationKind
from tests.helpers import TODAY_ISO
from tests.intake.api import Api, JsonDict, patch_case
from tests.intake.builders import IC, make_case, make_organisation, make_person, person_json
from tests.intake.cases.helpers import missing, problem, reach, record_mp_referral

Headers = Callable[..., dict[str, str]]


NOT_IN_WRITING = "Not properly made - not in writing"
NO_MP_REFERRAL = "No MP referral"
OUT_OF_JURISDICTION = "organisation out of jurisdiction"
PRIVATE_HEALTHCARE = "Private healthcare (not NHS funded)"


async def new_case(
    api: Api, session: AsyncSession, *, jurisdiction: str, channel: str, org_kind: str | None = None
) -> tuple[JsonDict, JsonDict]:
    """A complaint in intake with its complainant and one organisation of the usual kind, built
    in the database; the case as the API reads it."""
    person = await make_person(session)
    if org_kind == "out_of_jurisdiction":
        org = await make_organisation(
            session, name="Exampleton Borough Council", kind=OrganisationKind.out_of_jurisdiction
        )
    elif jurisdiction == "health":
        org = await make_organisation(session)
    else:
        org = await make_organisation(
            session, name="Department for Fictional Affairs",
            kind=OrganisationKind.government_department,
        )  # fmt: skip
    case = await make_case(
        session, parties=[person], organisations=[org], channel=Channel(channel),
        jurisdiction=Jurisdiction(jurisdiction), owner=IC,
    )  # fmt: skip
    return await api.call("GET", f"/v1/cases/{case.id}"), person_json(person)


async def close(api: Api, cid: str, code: str, *, expect: int = 200, **extra: Any) -> JsonDict:
    body = {
        "closure_code": code,
        "reasons": f"Closing as '{code}' (example)",
        "decision_channel": "telephone",
        **extra,
    }
    return await api.call("POST", f"/v1/cases/{cid}/close", json=body, expect=expect)


async def properly_made(api: Api, cid: str, *, expect: int = 200) -> JsonDict:
    return await api.call(
        "POST", f"/v1/cases/{cid}/properly-made",
        json={"properly_made": True, "reason": "Gates checked"}, expect=expect,
    )  # fmt: skip


async def return_as_new_case(
    api: Api, cid: str, person_id: str, *, link_reason: str, channel: str
) -> JsonDict:
    """T55: the returning complainant's new case, linked to ``cid`` and taken into intake."""
    new = await api.call(
        "POST", f"/v1/cases/{cid}/return-as-new-case",
        json={"link_reason": link_reason, "channel": channel, "received_date": TODAY_ISO,
              "reason": "The same complaint came back"},
        expect=201,
    )  # fmt: skip
    assert new["status"] == "received"
    check = await api.call(
        "POST", "/v1/previous-contact-checks",
        json={"person_id": person_id, "organisation_ids": new["organisation_ids"]}, expect=201,
    )  # fmt: skip
    return await api.call(
        "POST", f"/v1/cases/{new['id']}/begin-intake",
        json={"previous_contact_check_id": check["id"]},
    )  # fmt: skip


async def links(api: Api, cid: str) -> list[JsonDict]:
    r = await api.http.get(f"/v1/cases/{cid}/links", headers=api.caseworker)
    assert r.status_code == 200, r.text
    rows: list[JsonDict] = r.json()
    return rows


# ---------------------------------------------------------------------------------------------
# INT-012: a clearly-out closure needs no injustice or outcome
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "org_kind", "code", "signposted_to"),
    [
        ("health", None, PRIVATE_HEALTHCARE, "The private provider's own complaints procedure"),
        ("parliamentary", "out_of_jurisdiction", OUT_OF_JURISDICTION, "The LGSCO (example)"),
    ],
    ids=["out_of_remit", "out_of_jurisdiction"],
)
async def test_out_of_remit_or_jurisdiction_closes_with_injustice_and_outcome_empty__INT_012(
    api: Api,
    jurisdiction: str,
    org_kind: str | None,
    code: str,
    signposted_to: str,
    session: AsyncSession,
) -> None:
    case, person = await new_case(api, session, jurisdiction=jurisdiction, channel="letter",
                                  org_kind=org_kind)  # fmt: skip
    cid = case["id"]
    await reach(api, cid, person["id"])
    # The same empty fields would stop the case being passed on (INT-009).
    blocked = await api.call(
        "POST", f"/v1/cases/{cid}/refer", json={"reason": "Try to pass it on"}, expect=422
    )

    closed = await close(api, cid, code, signposting_type="other_body",
                         signposting_detail=signposted_to)  # fmt: skip
    stored = await api.call("GET", f"/v1/cases/{cid}")

    assert {("INT-009", "injustice_claimed"), ("INT-009", "outcome_sought")} <= missing(blocked)
    assert closed["status"] == "closed"
    for body in (closed, stored):
        assert body["closure_code"] == code
        assert body["injustice_claimed"] is None
        assert body["outcome_sought"] is None
        assert body["complaint_summary"] is None
    assert (stored["signposting_type"], stored["signposting_detail"]) == (
        "other_body",
        signposted_to,
    )


async def test_out_of_jurisdiction_closure_still_needs_signposting__INT_012_INT_028(
    api: Api, session: AsyncSession
) -> None:
    case, person = await new_case(api, session, jurisdiction="parliamentary", channel="letter",
                                  org_kind="out_of_jurisdiction")  # fmt: skip
    await reach(api, case["id"], person["id"])

    blocked = await close(api, case["id"], OUT_OF_JURISDICTION, expect=422)

    assert blocked["type"] == problem("closure-blocked")
    assert missing(blocked) == {("INT-028", "signposting")}  # not INT-009
    assert (await api.call("GET", f"/v1/cases/{case['id']}"))["status"] == "intake"


# ---------------------------------------------------------------------------------------------
# ASM-016: social media counts as properly made
# ---------------------------------------------------------------------------------------------


async def test_health_complaint_by_social_media_may_be_properly_made__ASM_016(
    api: Api, session: AsyncSession
) -> None:
    case, _ = await new_case(api, session, jurisdiction="health", channel="social_media")

    decided = await properly_made(api, case["id"])

    assert case["channel"] == "social_media"  # our stored value for the guidance's 'Twitter'
    assert decided["properly_made"] is True
    assert decided["properly_made_decided_by"] == IC
    assert decided["written_complaint_received"] is False  # no separate written complaint needed


# ---------------------------------------------------------------------------------------------
# ASM-019 / ASM-030: local resolution complete, returned later → a new case linked to the old
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "code", "link_reason", "channel"),
    [
        ("health", NOT_IN_WRITING, "returned_in_writing", "online_form"),
        ("parliamentary", NO_MP_REFERRAL, "returned_with_mp_referral", "mp_referral"),
    ],
    ids=["ASM-019", "ASM-030"],
)
async def test_a_return_after_local_resolution_is_a_new_linked_case__ASM_019_ASM_030(
    api: Api, jurisdiction: str, code: str, link_reason: str, channel: str, session: AsyncSession
) -> None:
    first = "telephone" if jurisdiction == "health" else "letter"
    case, person = await new_case(api, session, jurisdiction=jurisdiction, channel=first)
    cid = case["id"]
    await patch_case(api, cid, {"complaint_process_stage": "complete", "reason": "They replied"})
    await reach(api, cid, person["id"])
    await close(api, cid, code)

    new = await return_as_new_case(api, cid, person["id"], link_reason=link_reason, channel=channel)

    assert new["id"] != cid
    assert new["reference"] != case["reference"]
    assert (new["status"], new["channel"], new["jurisdiction"]) == ("intake", channel, jurisdiction)
    old = await api.call("GET", f"/v1/cases/{cid}")
    assert (old["status"], old["closure_code"]) == ("closed", code)
    assert new["complaint_process_stage"] == old["complaint_process_stage"] == "complete"
    for side in (cid, new["id"]):
        [link] = await links(api, side)
        assert (link["earlier_case_id"], link["later_case_id"]) == (cid, new["id"])
        assert link["reason"] == link_reason
        assert link["created_by"] == IC
    # Now in writing (ASM-015), or with the MP's referral recorded (ASM-020), the new case is
    # properly made where the old one was not.
    if jurisdiction == "parliamentary":
        await record_mp_referral(api, new["id"])
    assert (await properly_made(api, new["id"]))["properly_made"] is True


# ---------------------------------------------------------------------------------------------
# ASM-021: without the aggrieved person's consent the MP referral does not make it properly made
# ---------------------------------------------------------------------------------------------


async def test_mp_referral_without_the_aggrieved_persons_consent_is_not_properly_made__ASM_021(
    api: Api, session: AsyncSession
) -> None:
    case, _ = await new_case(api, session, jurisdiction="parliamentary", channel="mp_referral")
    cid = case["id"]
    # The MP's referral, but the complainant did not know of it.
    await record_mp_referral(api, cid, aggrieved_consent=False)

    refused = await properly_made(api, cid, expect=422)
    unchanged = await api.call("GET", f"/v1/cases/{cid}")
    await patch_case(api, cid, {"aggrieved_consent": True, "reason": "Complainant signed the form"})
    decided = await properly_made(api, cid)

    assert refused["type"] == problem("not-properly-made")
    assert refused["missing"] == [
        {
            "requirement": "ASM-020",
            "item": "mp_referral",
            "detail": "MP referral incomplete (Legal): aggrieved person's consent",
        }
    ]
    assert unchanged["properly_made"] is None
    assert (decided["properly_made"], decided["aggrieved_consent"]) == (True, True)


async def test_a_referral_signed_by_the_mps_staff_is_valid__ASM_022(
    api: Api, session: AsyncSession
) -> None:
    case, _ = await new_case(api, session, jurisdiction="parliamentary", channel="mp_referral")
    cid = case["id"]
    # From the MP's office, signed by a caseworker there.
    await record_mp_referral(api, cid, signed_by="mp_staff")

    decided = await properly_made(api, cid)

    assert (decided["properly_made"], decided["mp_referral_signed_by"]) == (True, "mp_staff")


async def test_told_to_get_an_mp_referral_may_now_come_as_a_victim__ASM_008(
    api: Api, session: AsyncSession
) -> None:
    case, person = await new_case(api, session, jurisdiction="parliamentary", channel="letter")
    cid = case["id"]
    await reach(api, cid, person["id"])
    await close(api, cid, "No MP referral", signposting_type="none_identified",
                signposting_detail="Told the complainant an MP referral is needed")  # fmt: skip

    await api.call(
        "POST", f"/v1/cases/{cid}/restart",
        json={"progress_since_previous_decision": "The complaint is about how the department "
              "treated them as a victim of crime", "reason": "Victims and Prisoners Act route"},
    )  # fmt: skip
    await patch_case(api, cid, {
        "vpa_no_mp_referral": True,
        "vpa_answers": {"under_victims_code": True, "linked": True},
        "vpa_pass_through_note": "Passed through on the set criteria (¶2.35)",
        "reason": "Meets the victim definition; complaint about their experience as a victim",
    })  # fmt: skip
    decided = await properly_made(api, cid)

    assert (decided["properly_made"], decided["mp_person_id"]) == (True, None)


@pytest.mark.parametrize(
    ("stage", "response", "allowed"),
    [
        ("ongoing", "written", True),
        ("not_started", "none", True),
        ("complete", "audio_only", True),  # ¶2.69: an audio-only NHS reply does not complete it
        ("complete", "written", False),
    ],
)
async def test_local_resolution_ongoing_is_for_a_process_not_yet_finished__ASM_041(
    api: Api, stage: str, response: str, allowed: bool, session: AsyncSession
) -> None:
    case, person = await new_case(api, session, jurisdiction="health", channel="online_form")
    cid = case["id"]
    await patch_case(api, cid, {"complaint_process_stage": stage, "org_response_format": response,
                            "reason": "From the call"})  # fmt: skip
    await reach(api, cid, person["id"])

    body = await close(api, cid, "Premature: local resolution ongoing",
                       time_limit_explained=True, expect=200 if allowed else 422)  # fmt: skip

    if allowed:
        assert body["closure_code"] == "Premature: local resolution ongoing"
    else:
        assert missing(body) == {("ASM-041", "closure_code")}


# ---------------------------------------------------------------------------------------------
# ASM-032: telephone complaints close as not properly made, with the jurisdiction's own code
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "right_code", "wrong_code", "wrong_rule"),
    [
        ("health", NOT_IN_WRITING, NO_MP_REFERRAL, "ASM-029"),
        ("parliamentary", NO_MP_REFERRAL, NOT_IN_WRITING, "ASM-018"),
    ],
)
async def test_telephone_complaint_closes_not_properly_made_with_its_jurisdictions_code__ASM_032(
    api: Api,
    jurisdiction: str,
    right_code: str,
    wrong_code: str,
    wrong_rule: str,
    session: AsyncSession,
) -> None:
    case, person = await new_case(api, session, jurisdiction=jurisdiction, channel="telephone")
    cid = case["id"]
    await reach(api, cid, person["id"])

    refused = await close(api, cid, wrong_code, expect=422)
    closed = await close(api, cid, right_code)

    assert refused["type"] == problem("closure-blocked")
    assert missing(refused) == {(wrong_rule, "closure_code")}
    assert (closed["status"], closed["closure_code"]) == ("closed", right_code)
    assert closed["channel"] == "telephone"
    assert closed["decision_channel"] == "telephone"

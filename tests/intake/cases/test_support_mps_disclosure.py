"""Extra help (INT-031), sharing documents (INT-053/054), MPs who change or go (ASM-023…028),
reuse of an earlier MP referral (ASM-031), the generic 'not properly made' (ASM-033), the
checklist request channel (INT-022) and joint-working topics (INT-040), through HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Channel, Jurisdiction, MpReferralSignedBy, PartyRole
from intake_api.organisations.models import OrganisationKind
from intake_api.people.models import ContactMethod
from tests.helpers import NOW_ISO, TODAY_ISO
from tests.intake.api import Api, JsonDict, new_person, patch_case
from tests.intake.builders import IC, PartySpec, make_case, make_organisation, make_person
from tests.intake.cases.helpers import (
    get_list,
    missing,
    new_mp,
    problem,
    reach,
)

Headers = Callable[..., dict[str, str]]

NOT_IN_WRITING = "Not properly made - not in writing"
NO_MP_REFERRAL = "No MP referral"
PREMATURE = "Premature: local resolution ongoing"


async def send(
    api: Api,
    cid: str,
    *,
    purpose: str = "party_contact",
    to: list[str] | None = None,
    orgs: list[str] | None = None,
    medium: str = "letter",
    direction: str = "outbound",
    expect: int = 201,
    **extra: Any,
) -> JsonDict:
    recipients = [{"person_id": p} for p in to or []]
    recipients += [{"organisation_id": o} for o in orgs or []]
    body = {"medium": medium, "direction": direction, "purpose": purpose, "occurred_at": NOW_ISO,
            "recipients": recipients, **extra}  # fmt: skip
    return await api.call("POST", f"/v1/cases/{cid}/communications", json=body, expect=expect)


async def close(api: Api, cid: str, code: str, *, expect: int = 200, **extra: Any) -> JsonDict:
    body = {"closure_code": code, "reasons": f"Closing as '{code}' (example)",
            "decision_channel": "telephone", **extra}  # fmt: skip
    return await api.call("POST", f"/v1/cases/{cid}/close", json=body, expect=expect)


async def party(api: Api, cid: str, person_id: str, role: str, **extra: Any) -> None:
    await api.call(
        "POST", f"/v1/cases/{cid}/parties", json={"person_id": person_id, "role": role, **extra},
        expect=201,
    )  # fmt: skip


async def health_case(
    api: Api, session: AsyncSession, *, channel: str = "online_form", **extra: Any
) -> tuple[str, str]:
    """A health complaint in intake with its complainant (Alex) and an NHS trust, built in the
    database."""
    if "preferred_contact_method" in extra:
        extra["preferred_contact_method"] = ContactMethod(extra["preferred_contact_method"])
    person = await make_person(session, **extra)
    org = await make_organisation(session)
    case = await make_case(
        session, parties=[person], organisations=[org], channel=Channel(channel), owner=IC
    )
    return str(case.id), str(person.id)


async def parliamentary_case(
    api: Api, session: AsyncSession, *, with_referral: bool = True
) -> tuple[str, str, str]:
    """A parliamentary complaint referred by an MP (ASM-020 complete: the MP a party, the
    referral's facts recorded, as ``record_mp_referral`` does), or with no MP at all; built in
    the database."""
    person = await make_person(session, given_name="Sam")
    org = await make_organisation(
        session, name="Department for Examples", kind=OrganisationKind.government_department
    )
    parties: list[PartySpec] = [person]
    referral: dict[str, Any] = {}
    mp_id = ""
    if with_referral:
        mp = await make_person(
            session, given_name="Member", title="Ms", mp_constituency="Exampleshire North"
        )
        parties.append((mp, PartyRole.mp_referring))
        mp_id = str(mp.id)
        referral = {
            "mp_person_id": mp.id, "complaint_to_mp_in_writing": True, "aggrieved_consent": True,
            "mp_requests_investigation": True, "mp_referral_signed_by": MpReferralSignedBy.mp,
        }  # fmt: skip
    case = await make_case(
        session, parties=parties, organisations=[org], channel=Channel.letter,
        jurisdiction=Jurisdiction.parliamentary, owner=IC, **referral,
    )  # fmt: skip
    return str(case.id), str(person.id), mp_id


async def recipients(api: Api, cid: str) -> list[JsonDict]:
    r = await api.http.get(f"/v1/cases/{cid}/decision-recipients", headers=api.caseworker)
    assert r.status_code == 200, r.text
    rows: list[JsonDict] = r.json()
    return rows


async def succeed(api: Api, mp: str, *, reason: str = "left_office", on: str = TODAY_ISO) -> str:
    """ASM-023/026: a new MP record succeeds ``mp``; the successor's id."""
    succession = await api.call(
        "POST", f"/v1/people/{mp}/mp/successor",
        json={"successor": {"title": "Mr", "given_name": "Jo", "family_name": "Placeholder"},
              "effective_date": on, "reason": reason},
        expect=201,
    )  # fmt: skip
    successor: str = succession["successor_person_id"]
    return successor


# ---------------------------------------------------------------------------------------------
# INT-031: extra help
# ---------------------------------------------------------------------------------------------


async def test_form_completed_for_the_complainant_blocks_properly_made_until_signed__INT_031(
    api: Api, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session, channel="telephone")
    await reach(api, cid, person)
    form = await send(api, cid, to=[person], summary="Completed complaint form, for signature")

    support = await api.call(
        "POST", f"/v1/cases/{cid}/support",
        json={"kind": "complaint_form_completed_for_complainant",
              "note": "Filled in the form from our call", "communication_id": form["id"]},
        expect=201,
    )  # fmt: skip
    awaiting = await api.call("GET", f"/v1/cases/{cid}")
    refused = await api.call(
        "POST", f"/v1/cases/{cid}/properly-made",
        json={"properly_made": True, "reason": "Checked"}, expect=422,
    )  # fmt: skip
    returned = await send(api, cid, direction="inbound", from_person_id=person,
                          summary="The signed form")  # fmt: skip
    signed = await api.call(
        "POST", f"/v1/cases/{cid}/support/{support['id']}/signed-form-returned",
        json={"communication_id": returned["id"], "reason": "Signed form came back by post"},
    )  # fmt: skip
    decided = await api.call(
        "POST", f"/v1/cases/{cid}/properly-made",
        json={"properly_made": True, "reason": "Now in writing, signed"},
    )  # fmt: skip
    again = await api.call(
        "POST", f"/v1/cases/{cid}/support/{support['id']}/signed-form-returned",
        json={"communication_id": returned["id"], "reason": "Twice"}, expect=409,
    )  # fmt: skip

    assert awaiting["complaint_form_awaiting_confirmation"] is True
    assert ("ASM-010", "complaint_form") in missing(refused)
    assert ("ASM-015", "in_writing") in missing(refused)  # a telephone complaint, not yet signed
    assert signed["signed_form_communication_id"] == returned["id"]
    assert decided["properly_made"] is True
    assert decided["complaint_form_awaiting_confirmation"] is False
    assert decided["written_complaint_received"] is True
    assert again["type"] == problem("signed-form-already-returned")
    [row] = await get_list(api, f"/v1/cases/{cid}/support")
    assert (row["kind"], row["provided_by"]) == ("complaint_form_completed_for_complainant",
                                                 "ic-alice")  # fmt: skip
    actions = [e["action"] for e in await get_list(api, f"/v1/cases/{cid}/timeline")]
    assert {"case.support_provided", "case.signed_form_returned"} <= set(actions)


async def test_signed_form_must_come_back_from_the_complainant_in_writing__INT_031(
    api: Api, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session, channel="telephone")
    form = await send(api, cid, to=[person])
    support = await api.call(
        "POST", f"/v1/cases/{cid}/support",
        json={"kind": "complaint_form_completed_for_complainant", "note": "Form sent",
              "communication_id": form["id"]}, expect=201,
    )  # fmt: skip
    call = await send(api, cid, direction="inbound", medium="telephone", from_person_id=person)

    refused = await api.call(
        "POST", f"/v1/cases/{cid}/support/{support['id']}/signed-form-returned",
        json={"communication_id": call["id"], "reason": "They said they signed it"}, expect=422,
    )  # fmt: skip

    assert refused["type"] == problem("support-evidence-invalid")
    assert (await api.call("GET", f"/v1/cases/{cid}"))["complaint_form_awaiting_confirmation"]


async def test_help_with_an_mp_referral_must_be_in_writing_unless_vpa__INT_031(
    api: Api, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session)
    mp = await new_mp(api)
    call = await send(api, cid, to=[mp["id"]], medium="telephone")
    letter = await send(api, cid, to=[mp["id"]])

    by_phone = await api.call(
        "POST", f"/v1/cases/{cid}/support",
        json={"kind": "mp_referral_assistance", "note": "Rang the MP's office",
              "communication_id": call["id"]}, expect=422,
    )  # fmt: skip
    to_complainant = await api.call(
        "POST", f"/v1/cases/{cid}/support",
        json={"kind": "mp_referral_assistance", "note": "Wrote",
              "communication_id": (await send(api, cid, to=[person]))["id"]}, expect=422,
    )  # fmt: skip
    in_writing = await api.call(
        "POST", f"/v1/cases/{cid}/support",
        json={"kind": "mp_referral_assistance", "note": "Wrote to the MP with the complaint",
              "communication_id": letter["id"]}, expect=201,
    )  # fmt: skip
    await patch_case(api, cid, {"vpa_no_mp_referral": True, "reason": "Victims' Code complaint"})
    vpa_by_phone = await api.call(
        "POST", f"/v1/cases/{cid}/support",
        json={"kind": "mp_referral_assistance", "note": "Rang the MP's office (VPA case)",
              "communication_id": call["id"]}, expect=201,
    )  # fmt: skip

    assert by_phone["type"] == problem("support-evidence-invalid")
    assert by_phone["missing"][0]["requirement"] == "INT-031"
    assert "in writing" in by_phone["detail"]
    assert "MP" in to_complainant["detail"]
    assert in_writing["kind"] == vpa_by_phone["kind"] == "mp_referral_assistance"


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("forwarded_to_organisation", "organisation", "complainant"),
        ("advocacy_details", "complainant", "organisation"),
    ],
)
async def test_each_kind_of_help_is_shown_by_its_communication__INT_031(
    api: Api, kind: str, good: str, bad: str, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session)
    [org] = (await api.call("GET", f"/v1/cases/{cid}"))["organisation_ids"]
    comms = {
        "organisation": await send(api, cid, orgs=[org]),
        "complainant": await send(api, cid, to=[person]),
    }
    url = f"/v1/cases/{cid}/support"
    note = "Sent the details of Example Advocacy (fictional)"

    body = {"kind": kind, "note": note}
    without = await api.call("POST", url, json=body, expect=422)
    wrong = await api.call(
        "POST", url, json={**body, "communication_id": comms[bad]["id"]}, expect=422
    )
    right = await api.call(
        "POST", url, json={**body, "communication_id": comms[good]["id"]}, expect=201
    )

    assert without["type"] == wrong["type"] == problem("support-evidence-invalid")
    assert right["communication_id"] == comms[good]["id"]


# ---------------------------------------------------------------------------------------------
# INT-053 / INT-054: documents to third parties
# ---------------------------------------------------------------------------------------------

DOCS = [{"title": "Complaint file (example)"}]
SENSITIVE = [{"title": "GP records (example)", "sensitive": True}]


async def _consent(api: Api, person: str, third_party: str, *, sensitive: bool) -> None:
    await api.call(
        "POST", f"/v1/people/{person}/consents",
        json={"consent_type": "release_to_third_party", "third_party_person_id": third_party,
              "scope": "All case correspondence", "source": "written",
              "given_at": "2026-11-01T12:00:00Z", "covers_sensitive_information": sensitive},
        expect=201,
    )  # fmt: skip


async def test_documents_to_a_representative_need_the_complainants_authority__INT_053(
    api: Api, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session)
    rep = await new_person(api, "Robin")
    await party(api, cid, rep["id"], "representative (person)")

    blocked = await send(api, cid, to=[person, rep["id"]], documents=DOCS, expect=422)
    no_documents = await send(api, cid, to=[rep["id"]])  # a letter with no case documents
    to_complainant = await send(api, cid, to=[person], documents=SENSITIVE)
    await _consent(api, person, rep["id"], sensitive=False)
    allowed = await send(api, cid, to=[rep["id"]], documents=DOCS)

    assert blocked["type"] == problem("disclosure-not-authorised")
    assert missing(blocked) == {("INT-053", rep["id"])}
    assert no_documents["documents"] == []
    assert to_complainant["documents"] == [
        {"title": "GP records (example)", "sensitive": True, "document_id": None}
    ]
    assert allowed["documents"][0]["title"] == "Complaint file (example)"


async def test_party_authority_covers_case_documents_for_that_party__INT_053(
    api: Api, session: AsyncSession
) -> None:
    cid, _ = await health_case(api, session)
    rep = await new_person(api, "Robin")
    await party(api, cid, rep["id"], "representative (person)", authority_to_receive_info=True)

    sent = await send(api, cid, to=[rep["id"]], documents=DOCS)

    assert sent["recipients"] == [{"person_id": rep["id"], "organisation_id": None,
                                   "is_copy": False}]  # fmt: skip


async def test_mp_needs_authority_on_a_health_case_not_on_a_parliamentary_one__INT_053(
    api: Api, session: AsyncSession
) -> None:
    health, _ = await health_case(api, session)
    health_mp = await new_mp(api)
    await party(api, health, health_mp["id"], "mp (assisting)")
    parliamentary, _, referring_mp = await parliamentary_case(api, session)

    blocked = await send(api, health, to=[health_mp["id"]], documents=DOCS, expect=422)
    statutory = await send(api, parliamentary, to=[referring_mp], documents=DOCS)

    assert missing(blocked) == {("INT-053", health_mp["id"])}
    assert statutory["documents"] == [
        {"title": "Complaint file (example)", "sensitive": False, "document_id": None}
    ]


async def test_sensitive_documents_need_consent_to_share_them_or_a_risk_decision__INT_054(
    api: Api, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session)
    rep = await new_person(api, "Robin")
    advocate = await new_person(api, "Casey")
    await party(api, cid, rep["id"], "representative (person)", authority_to_receive_info=True)
    await party(api, cid, advocate["id"], "interested_party")
    await _consent(api, person, advocate["id"], sensitive=False)

    blocked = await send(api, cid, to=[rep["id"], advocate["id"]], documents=SENSITIVE,
                         expect=422)  # fmt: skip
    await _consent(api, person, rep["id"], sensitive=True)
    still = await send(api, cid, to=[rep["id"], advocate["id"]], documents=SENSITIVE,
                       expect=422)  # fmt: skip
    with_consent = await send(api, cid, to=[rep["id"]], documents=SENSITIVE)
    risk = {"reason": "Threat of harm to a named person; disclosure policy followed (example)"}
    override = await send(api, cid, to=[advocate["id"]], documents=SENSITIVE,
                          risk_disclosure=risk)  # fmt: skip
    too_short = await send(api, cid, to=[advocate["id"]], documents=SENSITIVE,
                           risk_disclosure={"reason": "risk"}, expect=422)  # fmt: skip

    assert missing(blocked) == {("INT-054", rep["id"]), ("INT-054", advocate["id"])}
    assert missing(still) == {("INT-054", advocate["id"])}
    assert with_consent["risk_disclosure"] is None
    assert override["risk_disclosure"] == {**risk, "policy_reference": None,
                                           "recorded_by": "ic-alice"}  # fmt: skip
    assert too_short["status"] == 422


async def test_sensitive_consent_is_only_for_release_to_a_third_party__INT_054(
    api: Api,
) -> None:
    person = await new_person(api, "Alex")

    refused = await api.call(
        "POST", f"/v1/people/{person['id']}/consents",
        json={"consent_type": "obtain_information", "source": "verbal",
              "given_at": "2026-11-01T12:00:00Z", "covers_sensitive_information": True},
        expect=422,
    )  # fmt: skip

    assert refused["status"] == 422


# ---------------------------------------------------------------------------------------------
# ASM-023 / 024 / 025 / 027: MPs who change or go
# ---------------------------------------------------------------------------------------------


async def test_complainant_moving_does_not_remove_the_original_mp__ASM_027(
    api: Api, session: AsyncSession
) -> None:
    cid, person, mp = await parliamentary_case(api, session)
    current = await api.call("GET", f"/v1/people/{person}")
    await api.call(
        "PATCH", f"/v1/people/{person}",
        json={"addresses": [{"first_line": "2 Elsewhere Road", "postcode": "ZZ98 8ZZ"}]},
        headers={"If-Match": current["_etag"]},
    )  # fmt: skip
    await reach(api, cid, person)

    rows = await recipients(api, cid)
    blocked = await close(api, cid, PREMATURE, time_limit_explained=True, expect=422)

    assert [(r["person_id"], r["role"], r["status"]) for r in rows] == [
        (person, "complainant", "required"),
        (mp, "mp (referring)", "required"),
    ]
    assert rows[1]["rule"].startswith("ASM-027")
    assert "1967 Act s10(1)" in rows[1]["rule"]
    assert ("INT-026", "decision_letters") in missing(blocked)


async def test_successor_mp_receives_the_decision_in_place_of_the_old_one__ASM_023(
    api: Api, session: AsyncSession
) -> None:
    cid, person, old_mp = await parliamentary_case(api, session)
    successor = await succeed(api, old_mp, reason="left_office")
    await reach(api, cid, person)

    [_, mp_row] = await recipients(api, cid)
    await send(api, cid, purpose="decision", to=[old_mp])
    blocked = await close(api, cid, PREMATURE, time_limit_explained=True, expect=422)
    await send(api, cid, purpose="decision", to=[successor])
    closed = await close(api, cid, PREMATURE, time_limit_explained=True)

    assert (mp_row["person_id"], mp_row["on_behalf_of_person_id"]) == (successor, old_mp)
    assert mp_row["rule"].startswith("ASM-023")
    assert ("INT-026", "decision_letters") in missing(blocked)
    assert closed["status"] == "closed"


async def test_a_new_mps_first_letter_carries_the_predecessor_paragraph__ASM_025(
    api: Api, session: AsyncSession
) -> None:
    cid, person, old_mp = await parliamentary_case(api, session)
    successor = await succeed(api, old_mp, reason="died")

    to_complainant = await send(api, cid, to=[person])
    first = await send(api, cid, purpose="decision", to=[successor])
    second = await send(api, cid, purpose="decision", to=[successor])

    assert to_complainant["paragraphs"] == []
    assert first["paragraphs"] == [
        "Your predecessor as Member of Parliament for Exampleshire North referred this "
        "complaint to us."
    ]
    assert second["paragraphs"] == []


async def test_no_acknowledgement_is_owed_to_a_successor_mp__ASM_025(
    api: Api, session: AsyncSession
) -> None:
    cid, person, old_mp = await parliamentary_case(api, session)
    await succeed(api, old_mp, reason="left_office")
    await reach(api, cid, person)
    await send(api, cid, purpose="acknowledgement", to=[person])

    blocked = await api.call(
        "POST", f"/v1/cases/{cid}/refer", json={"reason": "Try"}, expect=422
    )  # fmt: skip

    # The complainant's acknowledgement is enough; nothing is asked for the new MP.
    assert not {m for m in missing(blocked) if m[0] == "INT-008"}


async def test_decision_during_a_vacancy_leaves_a_copy_for_the_new_mp__ASM_024(
    api: Api, session: AsyncSession
) -> None:
    cid, person, mp = await parliamentary_case(api, session)
    current = await api.call("GET", f"/v1/people/{mp}")
    await api.call(
        "POST", f"/v1/people/{mp}/mp/deactivate", json={"reason": "Died; by-election pending"},
        headers={"If-Match": current["_etag"]},
    )  # fmt: skip
    await reach(api, cid, person)

    [_, vacant] = await recipients(api, cid)
    await close(api, cid, PREMATURE, time_limit_explained=True)
    [task] = await get_list(api, f"/v1/cases/{cid}/tasks")
    by_hand = await api.call(
        "POST", f"/v1/cases/{cid}/tasks/{task['id']}/complete",
        json={"note": "Will do it later"}, expect=422,
    )  # fmt: skip
    successor = await succeed(api, mp, reason="died")
    await send(api, cid, purpose="party_contact", to=[successor])  # not the decision
    [still_open] = await get_list(api, f"/v1/cases/{cid}/tasks")
    copy = await send(api, cid, purpose="decision", to=[successor])
    [done] = await get_list(api, f"/v1/cases/{cid}/tasks")

    assert (vacant["person_id"], vacant["status"]) == (mp, "seat_vacant")
    assert vacant["rule"].startswith("ASM-024")
    assert (task["kind"], task["person_id"], task["done_at"]) == ("send_copy_to_new_mp", mp, None)
    assert by_hand["type"] == problem("task-needs-communication")
    assert still_open["done_at"] is None
    assert done["communication_id"] == copy["id"]
    assert done["done_at"] is not None


async def test_no_task_when_every_mp_seat_is_filled__ASM_024(
    api: Api, session: AsyncSession
) -> None:
    cid, person, mp = await parliamentary_case(api, session)
    await reach(api, cid, person)
    await send(api, cid, purpose="decision", to=[mp])

    await close(api, cid, PREMATURE, time_limit_explained=True)

    assert await get_list(api, f"/v1/cases/{cid}/tasks") == []


# ---------------------------------------------------------------------------------------------
# ASM-028: no MP to refer the complaint
# ---------------------------------------------------------------------------------------------


async def test_no_mp_referral_closure_signposts_by_the_situation__ASM_028(
    api: Api, session: AsyncSession
) -> None:
    cid, person, _ = await parliamentary_case(api, session, with_referral=False)
    await reach(api, cid, person)
    second, person_2, _ = await parliamentary_case(api, session, with_referral=False)
    await reach(api, second, person_2)

    pacac = await close(api, cid, NO_MP_REFERRAL, no_mp_situation="own_mp_refuses",
                        signposting_type="other_body",
                        signposting_detail="Write to the Chair of PACAC", expect=422)  # fmt: skip
    wrong_code = await close(api, cid, PREMATURE, time_limit_explained=True,
                             no_mp_situation="never_lived_in_uk", expect=422)  # fmt: skip
    closed = await close(api, cid, NO_MP_REFERRAL, no_mp_situation="own_mp_refuses")
    abroad = await close(api, second, NO_MP_REFERRAL, no_mp_situation="never_lived_in_uk")

    assert missing(pacac) == {("ASM-028", "signposting")}
    assert missing(wrong_code) == {("ASM-028", "no_mp_situation")}
    assert closed["signposting_type"] == "other_body"
    assert "House of Commons" in closed["signposting_detail"]
    assert "PACAC" not in closed["signposting_detail"]
    assert "Chair" in abroad["signposting_detail"]


# ---------------------------------------------------------------------------------------------
# ASM-031: returning on the earlier MP referral
# ---------------------------------------------------------------------------------------------


async def _premature_properly_made(api: Api, session: AsyncSession) -> str:
    cid, person, mp = await parliamentary_case(api, session)
    await api.call(
        "POST", f"/v1/cases/{cid}/properly-made",
        json={"properly_made": True, "reason": "MP referral complete"},
    )  # fmt: skip
    await reach(api, cid, person)
    await send(api, cid, purpose="decision", to=[person, mp])
    await close(api, cid, PREMATURE, time_limit_explained=True)
    return cid


@pytest.mark.parametrize(
    ("same_organisation", "same_complaint", "items"),
    [
        (True, False, {("ASM-031", "same_complaint")}),
        (False, True, {("ASM-031", "same_organisation")}),
        (False, False, {("ASM-031", "same_complaint"), ("ASM-031", "same_organisation")}),
    ],
)
async def test_earlier_mp_referral_reused_only_when_both_are_confirmed__ASM_031(
    api: Api,
    same_organisation: bool,
    same_complaint: bool,
    items: set[tuple[str, str]],
    session: AsyncSession,
) -> None:
    cid = await _premature_properly_made(api, session)

    refused = await api.call(
        "POST", f"/v1/cases/{cid}/restart",
        json={"progress_since_previous_decision": "Local resolution finished",
              "reuse_mp_referral": {"same_organisation": same_organisation,
                                    "same_complaint": same_complaint},
              "reason": "Back after local resolution"},
        expect=422,
    )  # fmt: skip

    assert refused["type"] == problem("mp-referral-reuse-invalid")
    assert missing(refused) == items
    assert (await api.call("GET", f"/v1/cases/{cid}"))["status"] == "closed"


async def test_confirmed_reuse_keeps_the_case_properly_made__ASM_031(
    api: Api, session: AsyncSession
) -> None:
    reused_id = await _premature_properly_made(api, session)
    fresh_id = await _premature_properly_made(api, session)
    progress = "The department's final response arrived"

    reused = await api.call(
        "POST", f"/v1/cases/{reused_id}/restart",
        json={"progress_since_previous_decision": progress,
              "reuse_mp_referral": {"same_organisation": True, "same_complaint": True},
              "reason": "Back after local resolution"},
    )  # fmt: skip
    fresh = await api.call(
        "POST", f"/v1/cases/{fresh_id}/restart",
        json={"progress_since_previous_decision": progress, "reason": "Back"},
    )  # fmt: skip

    assert reused["properly_made"] is True
    assert reused["mp_referral_reuse"]["from_closure_code"] == PREMATURE
    assert reused["mp_referral_reuse"]["confirmed_by"] == "ic-alice"
    assert fresh["properly_made"] is None
    assert fresh["mp_referral_reuse"] is None


async def test_reuse_is_only_for_a_premature_properly_made_case__ASM_031(
    api: Api, session: AsyncSession
) -> None:
    cid, person, _ = await parliamentary_case(api, session, with_referral=False)
    await reach(api, cid, person)
    await close(api, cid, NO_MP_REFERRAL, signposting_type="none_identified",
                signposting_detail="No MP to suggest")  # fmt: skip

    refused = await api.call(
        "POST", f"/v1/cases/{cid}/restart",
        json={"progress_since_previous_decision": "An MP now refers it",
              "reuse_mp_referral": {"same_organisation": True, "same_complaint": True},
              "reason": "Back"},
        expect=422,
    )  # fmt: skip

    assert {("ASM-031", "closure"), ("ASM-031", "mp_referral")} <= missing(refused)


# ---------------------------------------------------------------------------------------------
# ASM-033 / ASM-032: the 'not properly made' codes fit the facts
# ---------------------------------------------------------------------------------------------


async def test_advice_line_joint_working_case_closes_not_properly_made__ASM_033_INT_044(
    api: Api, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session, channel="telephone")
    await patch_case(api, cid, {
        "joint_working": True, "other_ombudsman": "LGSCO",
        "joint_working_topics": ["continuing_care"], "joint_working_shared_at": NOW_ISO,
        "reason": "Advice-line call",
    })  # fmt: skip
    await reach(api, cid, person)

    closed = await close(api, cid, "not properly made")

    assert (closed["status"], closed["closure_code"]) == ("closed", "not properly made")


async def test_a_properly_made_complaint_is_not_closed_as_not_properly_made__ASM_014_ASM_033(
    api: Api, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session)
    await api.call(
        "POST", f"/v1/cases/{cid}/properly-made",
        json={"properly_made": True, "reason": "Online form"},
    )  # fmt: skip
    await reach(api, cid, person)

    generic = await close(api, cid, "not properly made", expect=422)
    not_in_writing = await close(api, cid, NOT_IN_WRITING, expect=422)

    assert missing(generic) == {("ASM-014", "closure_code")}
    assert missing(not_in_writing) == {("ASM-015", "closure_code")}


async def test_no_mp_referral_is_not_a_closure_for_a_complete_referral__ASM_020_ASM_030(
    api: Api, session: AsyncSession
) -> None:
    cid, person, mp = await parliamentary_case(api, session)
    await reach(api, cid, person)
    await send(api, cid, purpose="decision", to=[mp])

    refused = await close(api, cid, NO_MP_REFERRAL, signposting_type="none_identified",
                          signposting_detail="n/a", expect=422)  # fmt: skip

    assert missing(refused) == {("ASM-020", "closure_code")}


# ---------------------------------------------------------------------------------------------
# Guards on the properly-made decision and the returns (ASM-014, ASM-020, G-10)
# ---------------------------------------------------------------------------------------------


async def test_properly_made_is_decided_only_at_intake__ASM_014(
    api: Api, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session, channel="telephone")
    await reach(api, cid, person)
    await close(api, cid, NOT_IN_WRITING)

    refused = await api.call(
        "POST", f"/v1/cases/{cid}/properly-made",
        json={"properly_made": False, "reason": "After closing"}, expect=409,
    )  # fmt: skip

    assert refused["type"] == problem("case-not-at-intake")
    assert refused["current_status"] == "closed"


async def test_the_referring_mp_must_be_an_mp_record__ASM_020(
    api: Api, session: AsyncSession
) -> None:
    cid, person, _ = await parliamentary_case(api, session, with_referral=False)
    current = await api.call("GET", f"/v1/cases/{cid}")

    not_an_mp = await api.call(
        "PATCH", f"/v1/cases/{cid}", json={"mp_person_id": person},
        headers={"If-Match": current["_etag"]}, expect=422,
    )  # fmt: skip
    unknown = await api.call(
        "PATCH", f"/v1/cases/{cid}", json={"mp_person_id": "00000000-0000-4000-8000-000000000000"},
        headers={"If-Match": current["_etag"]}, expect=404,
    )  # fmt: skip

    assert not_an_mp["type"] == problem("not-an-mp-record")
    assert unknown["type"] == problem("person-not-found")


async def test_a_return_is_linked_with_the_reason_its_closure_implies__G10_ASM_019(
    api: Api, session: AsyncSession
) -> None:
    cid, person = await health_case(api, session, channel="telephone")
    await reach(api, cid, person)
    await close(api, cid, NOT_IN_WRITING)

    wrong = await api.call(
        "POST", f"/v1/cases/{cid}/return-as-new-case",
        json={"link_reason": "returned_with_mp_referral", "channel": "letter",
              "received_date": TODAY_ISO, "reason": "Came back"},
        expect=422,
    )  # fmt: skip
    new = await api.call(
        "POST", f"/v1/cases/{cid}/return-as-new-case",
        json={"link_reason": "returned_in_writing", "channel": "letter",
              "received_date": TODAY_ISO, "reason": "Came back in writing"},
        expect=201,
    )  # fmt: skip

    assert wrong["type"] == problem("restart-not-allowed")
    assert new["status"] == "received"


# ---------------------------------------------------------------------------------------------
# INT-022: the checklist and how to ask for what is missing; INT-040 topics
# ---------------------------------------------------------------------------------------------


async def test_checklist_request_channel_follows_the_preference__INT_022_INT_006(
    api: Api, session: AsyncSession
) -> None:
    by_email, _ = await health_case(api, session, preferred_contact_method="email")
    by_phone, _ = await health_case(api, session)
    await patch_case(api, by_phone, {"checklist": {"complaint_form_or_answers": True},
                                 "reason": "Form answers taken on the call"})  # fmt: skip

    email = await api.call("GET", f"/v1/cases/{by_email}/checklist")
    phone = await api.call("GET", f"/v1/cases/{by_phone}/checklist")

    assert email["suggested_channel"] == "email"
    assert phone["suggested_channel"] == "telephone"
    assert "complaint_form_or_answers" in email["missing"]
    assert "complaint_form_or_answers" not in phone["missing"]
    assert "representation_consent" not in phone["missing"]  # nobody is represented
    consent = next(i for i in phone["items"] if i["item"] == "representation_consent")
    assert (consent["done"], consent["required"]) == (False, False)


async def test_representation_consent_is_required_once_someone_represents__INT_021_INT_022(
    api: Api, session: AsyncSession
) -> None:
    cid, _ = await health_case(api, session)
    rep = await new_person(api, "Robin")
    await party(api, cid, rep["id"], "representative (person)")

    body = await api.call("GET", f"/v1/cases/{cid}/checklist")

    assert "representation_consent" in body["missing"]


async def test_joint_working_topics_are_the_d5_codes__INT_040(
    api: Api, session: AsyncSession
) -> None:
    cid, _ = await health_case(api, session)

    stored = await patch_case(api, cid, {
        "joint_working_topics": ["continuing_care", "safeguarding", "continuing_care"],
        "reason": "Topics raised on the call",
    })  # fmt: skip
    current = await api.call("GET", f"/v1/cases/{cid}")
    label = await api.call(
        "PATCH", f"/v1/cases/{cid}", json={"joint_working_topics": ["Continuing Care"]},
        headers={"If-Match": current["_etag"]}, expect=422,
    )  # fmt: skip

    assert stored["joint_working_topics"] == ["continuing_care", "safeguarding"]
    assert label["status"] == 422

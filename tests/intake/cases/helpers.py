"""API helpers shared by the intake case tests (the test clock's day is Mon 2 Nov 2026)."""

from __future__ import annotations

from shared.errors import PROBLEM_TYPE_BASE
from tests.helpers import NOW_ISO
from tests.intake.api import Api, JsonDict, new_person, patch_case


def problem(slug: str) -> str:
    return PROBLEM_TYPE_BASE + slug


def missing(body: JsonDict) -> set[tuple[str, str]]:
    """The (requirement, item) pairs of a 422's ``missing`` list."""
    return {(m["requirement"], m["item"]) for m in body["missing"]}


async def get_list(api: Api, url: str) -> list[JsonDict]:
    """GET a list resource (``Api.call`` is typed for objects)."""
    r = await api.http.get(url, headers=api.caseworker)
    assert r.status_code == 200, r.text
    rows: list[JsonDict] = r.json()
    return rows


async def reach(api: Api, cid: str, person_id: str, *, at: str = NOW_ISO) -> None:
    """INT-005: a telephone conversation with the complainant, both INT-011 points covered."""
    await api.call(
        "POST", f"/v1/cases/{cid}/contact-attempts",
        json={"person_id": person_id, "channel": "telephone", "attempted_at": at,
              "outcome": "reached", "expectations_explained": True, "adjustments_discussed": True},
        expect=201,
    )  # fmt: skip


async def new_mp(api: Api, constituency: str = "Exampleshire North") -> JsonDict:
    return await new_person(api, "Member", title="Ms", mp={"constituency": constituency})


async def record_mp_referral(
    api: Api, cid: str, *, aggrieved_consent: bool = True, signed_by: str = "mp"
) -> str:
    """ASM-020: a new MP referring the complaint, as a party and as the referral's facts."""
    mp = await new_mp(api)
    await api.call(
        "POST", f"/v1/cases/{cid}/parties",
        json={"person_id": mp["id"], "role": "mp (referring)"}, expect=201,
    )  # fmt: skip
    await patch_case(api, cid, {
        "mp_person_id": mp["id"], "complaint_to_mp_in_writing": True,
        "aggrieved_consent": aggrieved_consent, "mp_requests_investigation": True,
        "mp_referral_signed_by": signed_by, "reason": "The MP's referral letter",
    })  # fmt: skip
    mp_id: str = mp["id"]
    return mp_id

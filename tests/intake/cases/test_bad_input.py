"""Bad input on a case is a problem, never a 500, and changes nothing (#15 items 3, 9, 10)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case
from tests.intake.api import Api
from tests.intake.builders import make_case, make_organisation, make_person
from tests.intake.cases.helpers import problem


async def _version(session: AsyncSession, case_id: uuid.UUID) -> int:
    version = await session.scalar(select(Case.version).where(Case.id == case_id))
    assert version is not None
    return version


# Fields whose column cannot be empty: before the fix each null was a 500 (a NOT NULL violation,
# and PostgreSQL logged the whole row, complainant's summary included).
@pytest.mark.parametrize(
    "field",
    [
        "case_type",
        "victims_code",
        "victims_code_checked",
        "joint_working",
        "financial_remedy_sought",
        "not_reasonable_to_expect_local_resolution",
        "self_referred_by_organisation",
        "vpa_no_mp_referral",
        "complaint_to_mp_in_writing",
        "aggrieved_consent",
        "mp_requests_investigation",
        "written_complaint_received",
        "complaint_form_awaiting_confirmation",
        "risk_assessment_required",
        "joint_working_topics",
        "checklist",
    ],
)
async def test_patch_refuses_null_for_a_field_that_cannot_be_empty(
    api: Api, session: AsyncSession, field: str
) -> None:
    case = await make_case(session, complaint_summary="A placeholder summary")
    before = await _version(session, case.id)
    url = f"/v1/cases/{case.id}"
    etag = (await api.call("GET", url))["_etag"]

    refused = await api.call(
        "PATCH", url, json={field: None}, headers={"If-Match": etag}, expect=422
    )

    assert refused["type"] == problem("validation-error")
    assert [(e["loc"], e["type"]) for e in refused["errors"]] == [
        (["body", field], "null_not_allowed")
    ]
    assert await _version(session, case.id) == before


async def test_patch_null_still_clears_a_field_that_may_be_empty(
    api: Api, session: AsyncSession
) -> None:
    case = await make_case(session, complaint_summary="A placeholder summary")
    url = f"/v1/cases/{case.id}"
    etag = (await api.call("GET", url))["_etag"]

    cleared = await api.call(
        "PATCH", url, json={"complaint_summary": None, "jurisdiction": None},
        headers={"If-Match": etag},
    )  # fmt: skip

    assert (cleared["complaint_summary"], cleared["jurisdiction"]) == (None, None)


async def test_adding_an_organisation_already_on_the_case_in_that_role_is_409(
    api: Api, session: AsyncSession
) -> None:
    org = await make_organisation(session)
    case = await make_case(session, parties=[await make_person(session)], organisations=[org])
    url = f"/v1/cases/{case.id}/organisations"

    again = await api.call(
        "POST", url, json={"organisation_id": str(org.id), "role": "original"}, expect=409
    )
    other_role = await api.call(
        "POST", url, json={"organisation_id": str(org.id), "role": "commissioner"}, expect=201
    )
    listed = await api.http.get(url, headers=api.caseworker)

    assert again["type"] == problem("organisation-already-on-case")
    assert other_role["role"] == "commissioner"
    assert sorted(o["role"] for o in listed.json()) == ["commissioner", "original"]


@pytest.mark.parametrize(
    "instant",
    [
        "0001-01-01T00:00:00+14:00",  # in year 0 in UTC
        "9999-12-31T23:59:59-12:00",  # in year 10000 in UTC
        "0001-01-01T12:00:00Z",
        "9999-12-31T00:00:00Z",
    ],
)
async def test_a_date_time_at_the_ends_of_the_range_is_422(
    api: Api, session: AsyncSession, instant: str
) -> None:
    person = await make_person(session)
    case = await make_case(session, parties=[person])
    url = f"/v1/cases/{case.id}"
    etag = (await api.call("GET", url))["_etag"]

    patched = await api.call(
        "PATCH", url, json={"joint_working_shared_at": instant}, headers={"If-Match": etag},
        expect=422,
    )  # fmt: skip
    attempt = await api.call(
        "POST", f"{url}/contact-attempts",
        json={"person_id": str(person.id), "channel": "telephone", "attempted_at": instant,
              "outcome": "no_answer"},
        expect=422,
    )  # fmt: skip

    for refused, field in ((patched, "joint_working_shared_at"), (attempt, "attempted_at")):
        assert [(e["loc"], e["type"]) for e in refused["errors"]] == [
            (["body", field], "datetime_out_of_range")
        ]

"""Consents on the person's record (INT-049, INT-050, INT-042, INT-053): each an audited act."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import consents, service
from intake_api.people.errors import ConsentRequired
from intake_api.people.models import ConsentSource, ConsentType
from intake_api.people.schemas_consents import ConsentCreate, ConsentWithdrawal
from shared.errors import PROBLEM_TYPE_BASE
from tests.intake.people.conftest import (
    ACTOR,
    READERS,
    WRITER,
    Headers,
    audit_rows,
    create_person,
    make_person,
)


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "consent_type": "obtain_information",
        "source": "complaint_form",
        "given_at": "2026-11-01T12:00:00Z",
        "evidence_reference": "DOC-0001",
    }
    body.update(overrides)
    return body


async def _post(
    client: httpx.AsyncClient, auth_headers: Headers, person_id: str, **overrides: Any
) -> httpx.Response:
    return await client.post(
        f"/v1/people/{person_id}/consents", json=_body(**overrides), headers=auth_headers(WRITER)
    )


async def test_obtain_information_consent_from_the_complaint_form__INT_049(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
) -> None:
    r = await _post(client, auth_headers, person["id"])

    assert r.status_code == 201, r.text
    consent = r.json()
    assert consent["consent_type"] == "obtain_information"
    assert consent["source"] == "complaint_form"
    assert consent["active"] is True
    assert r.headers["etag"] == '"1"'
    [entry] = await audit_rows(session, person["id"], "person.consent.recorded")
    assert entry.after is not None
    assert entry.after["id"] == consent["id"]


async def test_consent_to_refer_needs_the_body__INT_050(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    missing = await _post(
        client, auth_headers, person["id"], consent_type="refer_to_other_body", source="verbal"
    )
    assert missing.status_code == 422
    assert missing.json()["type"] == PROBLEM_TYPE_BASE + "validation-error"

    ok = await _post(
        client,
        auth_headers,
        person["id"],
        consent_type="refer_to_other_body",
        source="verbal",
        body="Local Government and Social Care Ombudsman",
    )
    assert ok.status_code == 201
    assert ok.json()["body"] == "Local Government and Social Care Ombudsman"


async def test_joint_working_consent_can_be_verbal__INT_042(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    r = await _post(
        client,
        auth_headers,
        person["id"],
        consent_type="joint_working_lgsco",
        source="verbal",
        evidence_reference="CALL-0001",
    )
    assert r.status_code == 201
    assert r.json()["consent_type"] == "joint_working_lgsco"


async def test_release_to_a_third_party_names_them_and_the_scope__INT_053(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    advocate = await create_person(client, auth_headers, given_name="Robin", family_name="Sample")
    for partial in ({"third_party_person_id": advocate["id"]}, {"scope": "All papers"}):
        r = await _post(
            client,
            auth_headers,
            person["id"],
            consent_type="release_to_third_party",
            source="written",
            **partial,
        )
        assert r.status_code == 422, partial

    ok = await _post(
        client,
        auth_headers,
        person["id"],
        consent_type="release_to_third_party",
        source="written",
        third_party_person_id=advocate["id"],
        scope="All case correspondence",
    )
    assert ok.status_code == 201
    assert ok.json()["third_party_person_id"] == advocate["id"]


async def test_third_party_must_be_another_person_on_record__INT_053(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    unknown = await _post(
        client,
        auth_headers,
        person["id"],
        consent_type="release_to_third_party",
        source="written",
        third_party_person_id=str(uuid.uuid4()),
        scope="All papers",
    )
    assert unknown.status_code == 404
    assert unknown.json()["type"] == PROBLEM_TYPE_BASE + "third-party-not-found"
    itself = await _post(
        client,
        auth_headers,
        person["id"],
        consent_type="release_to_third_party",
        source="written",
        third_party_person_id=person["id"],
        scope="All papers",
    )
    assert itself.status_code == 422


@pytest.mark.parametrize(
    "overrides",
    [
        {"body": "LGSCO"},
        {"scope": "everything"},
        {"source": "telepathy"},
        {"given_at": "2026-11-01T12:00:00"},
        {"withdrawn_at": "2026-11-01T12:00:00Z"},
    ],
)
async def test_invalid_consent_bodies_are_422(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    person: dict[str, Any],
    overrides: dict[str, Any],
) -> None:
    r = await _post(client, auth_headers, person["id"], **overrides)
    assert r.status_code == 422
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "validation-error"


async def test_consent_cannot_be_given_in_the_future(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    # The test clock is 2026-11-02T10:00Z.
    r = await _post(client, auth_headers, person["id"], given_at="2026-11-02T10:00:01Z")
    assert r.status_code == 422
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "date-in-future"


async def test_consent_for_an_unknown_person_is_404(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await _post(client, auth_headers, str(uuid.uuid4()))
    assert r.status_code == 404
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "person-not-found"


async def test_withdrawal_is_an_audited_act_and_keeps_the_consent__INT_049(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
) -> None:
    consent = (await _post(client, auth_headers, person["id"])).json()
    url = f"/v1/people/{person['id']}/consents/{consent['id']}/withdraw"
    h = auth_headers(WRITER)

    r = await client.post(url, json={"reason": "Withdrawn by phone on call CALL-0002"}, headers=h)
    assert r.status_code == 200, r.text
    withdrawn = r.json()
    assert withdrawn["active"] is False
    assert withdrawn["withdrawn_at"] == "2026-11-02T10:00:00Z"
    assert withdrawn["withdrawal_reason"] == "Withdrawn by phone on call CALL-0002"
    assert r.headers["etag"] == '"2"'
    [entry] = await audit_rows(session, person["id"], "person.consent.withdrawn")
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["active"] is True
    assert entry.after["active"] is False

    listed = await client.get(f"/v1/people/{person['id']}/consents", headers=h)
    assert [c["id"] for c in listed.json()["items"]] == [consent["id"]]

    again = await client.post(url, json={"reason": "Again"}, headers=h)
    assert again.status_code == 409
    assert again.json()["type"] == PROBLEM_TYPE_BASE + "consent-already-withdrawn"


async def test_withdrawal_needs_a_reason_and_a_sensible_time(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    consent = (await _post(client, auth_headers, person["id"])).json()
    url = f"/v1/people/{person['id']}/consents/{consent['id']}/withdraw"
    h = auth_headers(WRITER)
    assert (await client.post(url, json={}, headers=h)).status_code == 422
    before_given = await client.post(
        url, json={"reason": "Changed mind", "withdrawn_at": "2026-10-01T00:00:00Z"}, headers=h
    )
    assert before_given.status_code == 422
    assert before_given.json()["type"] == PROBLEM_TYPE_BASE + "withdrawal-before-consent"
    stale = await client.post(
        url, json={"reason": "Changed mind"}, headers={**h, "If-Match": '"9"'}
    )
    assert stale.status_code == 412


async def test_withdrawing_an_unknown_consent_is_404(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    r = await client.post(
        f"/v1/people/{person['id']}/consents/{uuid.uuid4()}/withdraw",
        json={"reason": "Changed mind"},
        headers=auth_headers(WRITER),
    )
    assert r.status_code == 404
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "consent-not-found"


@pytest.mark.parametrize("role", READERS)
async def test_consent_list_is_readable_and_audited__XC_AUD(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    person: dict[str, Any],
    role: str,
) -> None:
    await _post(client, auth_headers, person["id"])
    r = await client.get(f"/v1/people/{person['id']}/consents", headers=auth_headers(role))
    assert r.status_code == 200
    assert len(r.json()["items"]) == 1
    assert len(await audit_rows(session, person["id"], "person.consents.read")) == 1


async def test_require_active_consent_for_other_modules__INT_042_INT_050(
    session: AsyncSession,
) -> None:
    person = await make_person(session)
    now = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    with pytest.raises(ConsentRequired):
        await service.require_active_consent(
            session, person_id=person.id, consent_type=ConsentType.joint_working_lgsco
        )

    jw = await consents.record_consent(
        session,
        person_id=person.id,
        data=ConsentCreate(
            consent_type=ConsentType.joint_working_lgsco, source=ConsentSource.verbal, given_at=now
        ),
        actor=ACTOR,
        now=now,
    )
    refer = await consents.record_consent(
        session,
        person_id=person.id,
        data=ConsentCreate(
            consent_type=ConsentType.refer_to_other_body,
            source=ConsentSource.written,
            given_at=now,
            body="Local Government and Social Care Ombudsman",
        ),
        actor=ACTOR,
        now=now,
    )
    assert (
        await service.require_active_consent(
            session, person_id=person.id, consent_type=ConsentType.joint_working_lgsco
        )
    ).id == jw.id
    found = await service.require_active_consent(
        session,
        person_id=person.id,
        consent_type=ConsentType.refer_to_other_body,
        body="local government and social care ombudsman",
    )
    assert found.id == refer.id
    with pytest.raises(ConsentRequired):
        await service.require_active_consent(
            session,
            person_id=person.id,
            consent_type=ConsentType.refer_to_other_body,
            body="Prisons and Probation Ombudsman",
        )

    await consents.withdraw_consent(
        session,
        person_id=person.id,
        consent_id=jw.id,
        data=ConsentWithdrawal(reason="No longer agrees"),
        actor=ACTOR,
        now=now,
        if_match=None,
    )
    with pytest.raises(ConsentRequired) as err:
        await service.require_active_consent(
            session, person_id=person.id, consent_type=ConsentType.joint_working_lgsco
        )
    assert err.value.status == 409

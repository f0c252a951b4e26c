"""Identity checks on calls (¶1.63–1.64, INT-051/052, XC-DP-001) and require_verified_call."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import service
from intake_api.people.errors import CallIdentityNotVerified
from shared.clock import FixedClock
from shared.errors import PROBLEM_TYPE_BASE
from tests.intake.people.conftest import WRITER, Headers, audit_rows, create_person

THREE = ["postcode", "first_line_of_address", "organisation_complained_about"]


def _questions(*names: str, unmatched: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name in names:
        qa: dict[str, Any] = {"question": name, "matched": name not in unmatched}
        if name == "other":
            qa["other_text"] = "Name of their GP practice"
        out.append(qa)
    return out


async def _verify(
    client: httpx.AsyncClient, auth_headers: Headers, person_id: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/v1/people/{person_id}/identity-verifications", json=body, headers=auth_headers(WRITER)
    )


async def _status(
    client: httpx.AsyncClient, auth_headers: Headers, person_id: str, call_ref: str
) -> dict[str, Any]:
    r = await client.get(
        f"/v1/people/{person_id}/identity-verifications/call-status",
        params={"call_ref": call_ref},
        headers=auth_headers("service"),
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_verification_needs_three_matched_questions__INT_051(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, person: dict[str, Any]
) -> None:
    pid = uuid.UUID(person["id"])
    call = f"CALL-{uuid.uuid4().hex[:6]}"
    with pytest.raises(CallIdentityNotVerified):
        await service.require_verified_call(session, person_id=pid, call_ref=call)

    two = await _verify(
        client, auth_headers, person["id"], call_ref=call, questions=_questions(*THREE[:2])
    )
    assert two.status_code == 201, two.text
    assert two.json()["outcome"] == "not_verified"
    assert two.json()["passed"] is False

    one_wrong = await _verify(
        client,
        auth_headers,
        person["id"],
        call_ref=call,
        questions=_questions(*THREE, unmatched=("postcode",)),
    )
    assert one_wrong.json()["outcome"] == "not_verified"
    with pytest.raises(CallIdentityNotVerified) as err:
        await service.require_verified_call(session, person_id=pid, call_ref=call)
    assert err.value.status == 409
    assert (await _status(client, auth_headers, person["id"], call))["may_disclose"] is False

    ok = await _verify(
        client, auth_headers, person["id"], call_ref=call, questions=_questions(*THREE)
    )
    assert ok.json()["outcome"] == "verified"
    assert ok.json()["passed"] is True
    passing = await service.require_verified_call(session, person_id=pid, call_ref=call)
    assert str(passing.id) == ok.json()["id"]
    status = await _status(client, auth_headers, person["id"], call)
    assert status == {
        "person_id": person["id"],
        "call_ref": call,
        "may_disclose": True,
        "verification_id": ok.json()["id"],
    }


async def test_a_verified_call_does_not_cover_another_call__INT_051(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, person: dict[str, Any]
) -> None:
    await _verify(
        client, auth_headers, person["id"], call_ref="CALL-A", questions=_questions(*THREE)
    )
    with pytest.raises(CallIdentityNotVerified):
        await service.require_verified_call(
            session, person_id=uuid.UUID(person["id"]), call_ref="CALL-B"
        )


async def test_other_questions_count_and_need_their_text__INT_051(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    r = await _verify(
        client,
        auth_headers,
        person["id"],
        call_ref="CALL-O",
        questions=_questions("phone_last_three_digits", "last_contact_when_how", "other"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["outcome"] == "verified"
    no_text = await _verify(
        client,
        auth_headers,
        person["id"],
        call_ref="CALL-O",
        questions=[*_questions(*THREE[:2]), {"question": "other", "matched": True}],
    )
    assert no_text.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"call_ref": "CALL-X"},
        {"call_ref": "CALL-X", "questions": []},
        {
            "call_ref": "CALL-X",
            "questions": _questions("postcode", "postcode", "first_line_of_address"),
        },
        {"call_ref": "CALL-X", "questions": _questions(*THREE), "waiver": {"reason": "Just spoke"}},
        {"call_ref": "CALL-X", "questions": [{"question": "mothers_maiden_name", "matched": True}]},
        {"call_ref": "", "questions": _questions(*THREE)},
    ],
)
async def test_malformed_verifications_are_422(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any], body: dict[str, Any]
) -> None:
    r = await _verify(client, auth_headers, person["id"], **body)
    assert r.status_code == 422
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "validation-error"


async def test_question_set_is_stored_and_a_repeat_is_flagged__INT_051(
    client: httpx.AsyncClient, auth_headers: Headers, clock: FixedClock, person: dict[str, Any]
) -> None:
    first = (
        await _verify(
            client, auth_headers, person["id"], call_ref="CALL-1", questions=_questions(*THREE)
        )
    ).json()
    assert first["question_set"] == sorted(THREE)
    assert first["repeated_question_set"] is False

    clock.advance(timedelta(days=7))
    same = (
        await _verify(
            client,
            auth_headers,
            person["id"],
            call_ref="CALL-2",
            questions=_questions(*reversed(THREE)),
        )
    ).json()
    assert same["repeated_question_set"] is True

    clock.advance(timedelta(days=7))
    varied = (
        await _verify(
            client,
            auth_headers,
            person["id"],
            call_ref="CALL-3",
            questions=_questions("postcode", "phone_last_three_digits", "last_contact_when_how"),
        )
    ).json()
    assert varied["repeated_question_set"] is False


async def test_waiver_needs_a_reason__INT_052(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, person: dict[str, Any]
) -> None:
    for waiver in ({}, {"reason": ""}, {"reason": "  "}):
        r = await _verify(client, auth_headers, person["id"], call_ref="CALL-W", waiver=waiver)
        assert r.status_code == 422, waiver

    r = await _verify(
        client,
        auth_headers,
        person["id"],
        call_ref="CALL-W",
        waiver={"reason": "Call back within five minutes of a verified call"},
    )
    assert r.status_code == 201, r.text
    waived = r.json()
    assert waived["outcome"] == "waived"
    assert waived["passed"] is True
    assert waived["waiver_reason"] == "Call back within five minutes of a verified call"
    assert waived["questions"] == []
    await service.require_verified_call(
        session, person_id=uuid.UUID(person["id"]), call_ref="CALL-W"
    )
    [entry] = await audit_rows(session, person["id"], "person.identity_verification.waived")
    assert entry.reason == waived["waiver_reason"]


async def test_waiver_may_cite_an_earlier_verified_check_of_the_same_person__INT_052(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    verified = (
        await _verify(
            client, auth_headers, person["id"], call_ref="CALL-1", questions=_questions(*THREE)
        )
    ).json()
    failed = (
        await _verify(
            client, auth_headers, person["id"], call_ref="CALL-2", questions=_questions(*THREE[:2])
        )
    ).json()
    someone_else = await create_person(client, auth_headers, given_name="Robin")
    theirs = (
        await _verify(
            client,
            auth_headers,
            someone_else["id"],
            call_ref="CALL-9",
            questions=_questions(*THREE),
        )
    ).json()

    for previous in (failed["id"], theirs["id"], str(uuid.uuid4())):
        r = await _verify(
            client,
            auth_headers,
            person["id"],
            call_ref="CALL-3",
            waiver={"reason": "Just spoke to them", "previous_verification_id": previous},
        )
        assert r.status_code == 422, previous
        assert r.json()["type"] == PROBLEM_TYPE_BASE + "previous-verification-invalid"

    ok = await _verify(
        client,
        auth_headers,
        person["id"],
        call_ref="CALL-3",
        waiver={"reason": "Just spoke to them", "previous_verification_id": verified["id"]},
    )
    assert ok.status_code == 201
    assert ok.json()["previous_verification_id"] == verified["id"]


async def test_a_failed_check_cannot_be_waived_on_the_same_call__INT_051(
    client: httpx.AsyncClient, auth_headers: Headers, person: dict[str, Any]
) -> None:
    await _verify(
        client,
        auth_headers,
        person["id"],
        call_ref="CALL-F",
        questions=_questions(*THREE, unmatched=("postcode",)),
    )
    r = await _verify(
        client, auth_headers, person["id"], call_ref="CALL-F", waiver={"reason": "Sounds right"}
    )
    assert r.status_code == 409
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "waiver-after-failed-verification"
    # Asking further questions is the way forward.
    more = await _verify(
        client,
        auth_headers,
        person["id"],
        call_ref="CALL-F",
        questions=_questions("phone_last_three_digits", "last_contact_when_how", "other"),
    )
    assert more.json()["outcome"] == "verified"


async def test_verifications_list_by_call_and_reads_are_audited(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, person: dict[str, Any]
) -> None:
    await _verify(
        client, auth_headers, person["id"], call_ref="CALL-1", questions=_questions(*THREE)
    )
    await _verify(
        client, auth_headers, person["id"], call_ref="CALL-2", questions=_questions(*THREE)
    )
    url = f"/v1/people/{person['id']}/identity-verifications"
    h = auth_headers("auditor")
    everything = (await client.get(url, headers=h)).json()["items"]
    one_call = (await client.get(url, params={"call_ref": "CALL-2"}, headers=h)).json()["items"]
    assert len(everything) == 2
    assert [v["call_ref"] for v in one_call] == ["CALL-2"]
    assert len(await audit_rows(session, person["id"], "person.identity_verifications.read")) == 2
    assert (
        len(await audit_rows(session, person["id"], "person.identity_verification.recorded")) == 2
    )


async def test_verification_for_unknown_person_is_404(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await _verify(
        client, auth_headers, str(uuid.uuid4()), call_ref="C", questions=_questions(*THREE)
    )
    assert r.status_code == 404
    status = await client.get(
        f"/v1/people/{uuid.uuid4()}/identity-verifications/call-status",
        params={"call_ref": "C"},
        headers=auth_headers("service"),
    )
    assert status.status_code == 404

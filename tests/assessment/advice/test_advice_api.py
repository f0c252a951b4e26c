"""Advice at assessment through its HTTP API over real PostgreSQL (ASM-142…148, ASM-150…152,
XC-DP-005), and the decision-gate contract's ``decision_gaps``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.advice.models import AdviceRequest
from assessment_api.advice.rules import AdviceStatus, AdviceType
from assessment_api.advice.service import decision_gaps
from assessment_api.cases.state import CaseStatus
from shared.audit import AuditEntry
from shared.casework.communications import LEGAL_ADVICE_PARAGRAPH
from shared.clock import FixedClock
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from tests.assessment.advice.builders import make_advice_ready
from tests.assessment.builders import make_staff
from tests.assessment.cases.builders import CW, make_case

Headers = Callable[..., dict[str, str]]
ADVISER = "clin-adv-7"
CLINICAL: dict[str, Any] = {
    "advice_type": "clinical",
    "format": "documented_discussion",
    "discipline": "orthopaedics",
    "questions": "Was a two-week wait for the referral in line with the pathway?",
    "due_date": "2026-11-20",
    "adviser_id": ADVISER,
}
RECEIVED: dict[str, Any] = {
    "received_on": "2026-11-02",
    "advice": "The referral should have been made within two weeks.",
    "how_used": "It confirms the indication of service failure the form records.",
}
LEGAL_TEXT = "Counsel's view: section 7 does not bar the complaint."


def _url(case_id: uuid.UUID, what: str = "") -> str:
    return f"/v1/cases/{case_id}/advice" + (f"/{what}" if what else "")


def _type(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM_TYPE_BASE)


async def _post(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    url: str,
    body: dict[str, Any],
    *,
    if_match: str | None = None,
    sub: str = CW,
) -> httpx.Response:
    headers = auth_headers("caseworker", sub=sub) | ({"If-Match": if_match} if if_match else {})
    return await client.post(url, json=body, headers=headers)


async def _request(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, body: dict[str, Any]
) -> dict[str, Any]:
    r = await _post(client, auth_headers, _url(case_id, "requests"), body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


async def _receive(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    request: dict[str, Any],
    body: dict[str, Any] = RECEIVED,
) -> httpx.Response:
    url = _url(case_id, f"requests/{request['id']}/received")
    return await _post(client, auth_headers, url, body, if_match=f'"{request["version"]}"')


def _problems(r: httpx.Response) -> set[tuple[str, str]]:
    return {(p["requirement"], p["field"]) for p in r.json()["problems"]}


async def test_a_clinical_request_is_recorded_with_its_format_and_audited__ASM_143(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    first = await _request(client, auth_headers, case.id, CLINICAL)
    assert (first["format"], first["discipline"], first["status"]) == (
        "documented_discussion",
        "orthopaedics",
        "requested",
    )
    # Impact advice from another specialty, after the first (sequential, ¶3.16).
    impact = await _request(
        client,
        auth_headers,
        case.id,
        CLINICAL
        | {
            "discipline": "pain medicine",
            "format": "written",
            "depends_on_request_id": first["id"],
        },
    )
    assert impact["depends_on_request_id"] == first["id"]
    bare = await _post(client, auth_headers, _url(case.id, "requests"), {"advice_type": "clinical"})
    assert (bare.status_code, _type(bare)) == (422, "advice-invalid")
    assert bare.headers["content-type"].startswith(PROBLEM_JSON)
    assert _problems(bare) == {
        ("ASM-143", "format"),
        ("ASM-143", "discipline"),
        ("ASM-143", "questions"),
    }
    elsewhere = await _post(
        client,
        auth_headers,
        _url(case.id, "requests"),
        CLINICAL | {"depends_on_request_id": str(uuid.uuid4())},
    )
    assert (elsewhere.status_code, _type(elsewhere)) == (422, "advice-invalid")
    actions = (
        await session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id))
    ).all()
    assert actions.count("advice.requested") == 2


async def test_a_follow_up_goes_to_the_same_adviser_unless_a_reason_is_given__ASM_144(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    first = await _request(client, auth_headers, case.id, CLINICAL)
    early = await _post(
        client,
        auth_headers,
        _url(case.id, "requests"),
        CLINICAL | {"adviser_id": None, "follow_up_of": first["id"]},
    )
    assert (early.status_code, _problems(early)) == (422, {("ASM-144", "follow_up_of")})
    r = await _receive(client, auth_headers, case.id, first)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["how_used"]) == ("received", RECEIVED["how_used"])
    again = await _receive(client, auth_headers, case.id, r.json())
    assert (again.status_code, _type(again)) == (409, "advice-already-closed")

    follow = CLINICAL | {"adviser_id": None, "follow_up_of": first["id"]}
    same = await _request(client, auth_headers, case.id, follow)
    assert same["adviser_id"] == ADVISER  # defaults to the clinician who gave it
    other = await _post(
        client, auth_headers, _url(case.id, "requests"), follow | {"adviser_id": "clin-adv-9"}
    )
    assert (other.status_code, _problems(other)) == (422, {("ASM-144", "adviser_change_reason")})
    reasoned = await _request(
        client,
        auth_headers,
        case.id,
        follow | {"adviser_id": "clin-adv-9", "adviser_change_reason": "The adviser has retired."},
    )
    assert reasoned["adviser_id"] == "clin-adv-9"
    # How the advice was used is explained (¶3.17); a quality concern goes to a lead clinician.
    unexplained = await _receive(client, auth_headers, case.id, same, RECEIVED | {"how_used": None})
    assert _problems(unexplained) == {("ASM-144", "how_used")}
    concern = RECEIVED | {"quality_concern": "It contradicts the nursing notes."}
    assert _problems(await _receive(client, auth_headers, case.id, same, concern)) == {
        ("ASM-144", "quality_concern_raised_with")
    }
    raised = concern | {"quality_concern_raised_with": "lead-clin-1"}
    assert (await _receive(client, auth_headers, case.id, same, raised)).status_code == 200


async def test_a_stale_or_missing_if_match_and_an_unknown_request(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    first = await _request(client, auth_headers, case.id, CLINICAL)
    url = _url(case.id, f"requests/{first['id']}/received")
    stale = await _post(client, auth_headers, url, RECEIVED, if_match='"9"')
    assert stale.status_code == 412
    unknown = await _post(
        client, auth_headers, _url(case.id, f"requests/{uuid.uuid4()}/withdrawn"), {"reason": "x y"}
    )
    assert (unknown.status_code, _type(unknown)) == (404, "advice-request-not-found")
    gone = await _post(
        client,
        auth_headers,
        _url(case.id, f"requests/{first['id']}/withdrawn"),
        {"reason": "The trust conceded."},
    )
    assert (gone.status_code, gone.json()["status"]) == (200, "withdrawn")


async def test_advice_is_recorded_at_further_consideration_only(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.closed)
    r = await _post(client, auth_headers, _url(case.id, "requests"), CLINICAL)
    assert r.status_code in {403, 409}
    other = await make_case(session)
    missing = await _post(client, auth_headers, _url(uuid.uuid4(), "requests"), CLINICAL)
    assert missing.status_code == 404
    assert (await client.get(_url(other.id), headers=auth_headers("auditor"))).status_code == 200


async def test_edi_advice_is_in_the_specialist_section_and_manager_advice_recorded__ASM_152(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    edi = await _request(
        client,
        auth_headers,
        case.id,
        {"advice_type": "edi", "questions": "What adjustments should the letter make?"},
    )
    assert (edi["specialist_advice"], edi["privileged"]) == (True, False)
    peer = await _request(
        client,
        auth_headers,
        case.id,
        {"advice_type": "manager_peer", "questions": "Is a resolution realistic here?"},
    )
    assert peer["specialist_advice"] is False
    r = await _receive(client, auth_headers, case.id, peer)
    assert r.status_code == 200, r.text
    page = await client.get(
        _url(case.id, "requests"), params={"advice_type": "edi"}, headers=auth_headers("caseworker")
    )
    assert [i["id"] for i in page.json()["items"]] == [edi["id"]]
    both = await client.get(
        _url(case.id, "requests"), params={"limit": 1}, headers=auth_headers("caseworker")
    )
    assert both.json()["next_cursor"] is not None
    rest = await client.get(
        _url(case.id, "requests"),
        params={"limit": 1, "cursor": both.json()["next_cursor"]},
        headers=auth_headers("caseworker"),
    )
    # Two pages of one, together both requests (recorded at the same instant: either first).
    pages = [i["id"] for i in both.json()["items"] + rest.json()["items"]]
    assert sorted(pages) == sorted([edi["id"], peer["id"]])


async def test_legal_advice_is_privileged_and_redacted_outside_casework_and_legal__ASM_151(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    named = await _post(
        client,
        auth_headers,
        _url(case.id, "requests"),
        {"advice_type": "legal", "questions": "Does s.7 bar it?", "adviser_id": "lawyer-1"},
    )
    assert _problems(named) == {("ASM-151", "adviser_id")}
    legal = await _request(
        client, auth_headers, case.id, {"advice_type": "legal", "questions": "Does s.7 bar it?"}
    )
    # The document is stored privileged whatever the client said.
    body = {
        "received_on": "2026-11-02",
        "advice": LEGAL_TEXT,
        "documents": [{"title": "Legal Team advice note", "privileged": False}],
    }
    r = await _receive(client, auth_headers, case.id, legal, body)
    assert r.status_code == 200, r.text
    assert r.json()["privileged"] is True
    assert r.json()["documents"] == [
        {"title": "Legal Team advice note", "document_id": None, "sensitive": False,
         "privileged": True}
    ]  # fmt: skip
    url = _url(case.id, f"requests/{legal['id']}")
    for role in ("caseworker", "legal", "operations_manager"):
        read = (await client.get(url, headers=auth_headers(role))).json()
        assert (read["advice"], read["redacted"]) == (LEGAL_TEXT, False)
    for role in ("auditor", "service", "ombudsman"):
        read = (await client.get(url, headers=auth_headers(role))).json()
        assert read["redacted"] is True, role
        assert (read["advice"], read["questions"], read["documents"]) == (None, None, [])
        listed = (await client.get(_url(case.id, "requests"), headers=auth_headers(role))).json()
        assert LEGAL_TEXT not in str(listed)
    overview = (await client.get(_url(case.id), headers=auth_headers("auditor"))).json()
    assert overview["legal_advice_paragraph"] == LEGAL_ADVICE_PARAGRAPH


async def test_a_legal_advice_document_not_marked_privileged_is_refused_by_the_table__XC_DP_005(
    session: AsyncSession, clock: FixedClock
) -> None:
    case = await make_case(session)
    row = AdviceRequest(
        id=uuid.uuid4(), case_id=case.id, advice_type=AdviceType.legal, requested_by=CW,
        requested_at=clock.now(), status=AdviceStatus.received, version=1,
        documents=[{"title": "Advice note", "privileged": False}],
    )  # fmt: skip
    session.add(row)
    with pytest.raises(IntegrityError, match="legal_documents_privileged"):
        await session.flush()


async def test_the_adviser_is_shown_only_to_those_who_work_the_case__ASM_145(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    request = await _request(client, auth_headers, case.id, CLINICAL)
    url = _url(case.id, f"requests/{request['id']}")
    assert (await client.get(url, headers=auth_headers("caseworker"))).json()["adviser_id"] == (
        ADVISER
    )
    for role in ("auditor", "service"):
        read = await client.get(url, headers=auth_headers(role))
        assert read.status_code == 200
        assert ADVISER not in read.text, role
        assert (
            ADVISER
            not in (await client.get(_url(case.id, "requests"), headers=auth_headers(role))).text
        )


async def test_a_name_request_is_referred_and_a_regulator_one_told_to_a_lead_clinician__ASM_145(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    request = await _request(client, auth_headers, case.id, CLINICAL)
    body = {
        "advice_request_id": request["id"],
        "received_on": "2026-11-02",
        "for_regulator": True,
        "referred_to_iaa_on": "2026-11-02",
    }
    url = _url(case.id, "adviser-name-requests")
    r = await _post(client, auth_headers, url, body)
    assert (r.status_code, _problems(r)) == (422, {("ASM-145", "lead_clinician_told_on")})
    r = await _post(client, auth_headers, url, body | {"lead_clinician_told_on": "2026-11-02"})
    assert r.status_code == 201, r.text
    early = body | {"lead_clinician_told_on": "2026-11-02", "referred_to_iaa_on": "2026-11-01"}
    assert _problems(await _post(client, auth_headers, url, early)) == {
        ("ASM-145", "referred_to_iaa_on")
    }
    overview = (await client.get(_url(case.id), headers=auth_headers("caseworker"))).json()
    assert [n["referred_to_iaa_on"] for n in overview["name_requests"]] == ["2026-11-02"]


async def test_a_clinical_decision_without_advice_needs_the_om_or_accreditation__ASM_142(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await make_case(session)
    # A health case says whether a view on a clinical decision is needed.
    assert [
        g[0] for g in await decision_gaps(session, case.id, proposing=False, closure_code=None)
    ] == ["ASM-142"]
    url = _url(case.id, "clinical-decisions")
    flagged = {"clinical_decision_involved": True, "rationale": "The records answer it."}
    r = await _post(client, auth_headers, url, flagged)
    assert r.status_code == 201, r.text
    for proposing in (False, True):
        gaps = await decision_gaps(session, case.id, proposing=proposing, closure_code=None)
        assert [g[0] for g in gaps] == ["ASM-142"]
    overview = (await client.get(_url(case.id), headers=auth_headers("caseworker"))).json()
    assert [g["requirement"] for g in overview["before_proposal"]] == ["ASM-142"]

    # Accreditation is what the staff directory holds, not what the caseworker claims.
    claimed = await _post(client, auth_headers, url, flagged | {"accredited": True})
    assert (claimed.status_code, _problems(claimed)) == (422, {("ASM-142", "accredited")})
    await make_staff(session, CW, posts=["accredited_delegated_authority"])
    clock.advance(timedelta(minutes=1))
    assert (
        await _post(client, auth_headers, url, flagged | {"accredited": True})
    ).status_code == 201
    assert await decision_gaps(session, case.id, proposing=False, closure_code=None) == []

    # The OM unsure: a lead clinician consulted.
    clock.advance(timedelta(minutes=1))
    unsure = flagged | {"om_id": "om-1", "om_discussed_on": "2026-11-02", "om_outcome": "unsure"}
    assert (await _post(client, auth_headers, url, unsure)).status_code == 201
    gaps = await decision_gaps(session, case.id, proposing=True, closure_code=None)
    assert [g[0] for g in gaps] == ["ASM-142"]
    clock.advance(timedelta(minutes=1))
    consulted = unsure | {"lead_clinician_consulted_on": "2026-11-02"}
    assert (await _post(client, auth_headers, url, consulted)).status_code == 201
    assert await decision_gaps(session, case.id, proposing=True, closure_code=None) == []


async def test_clinical_advice_asked_for_is_in_and_its_standard_recorded__ASM_144_ASM_146(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    request = await _request(client, auth_headers, case.id, CLINICAL)
    gaps = await decision_gaps(session, case.id, proposing=False, closure_code=None)
    assert [g[0] for g in gaps] == ["ASM-144"]
    r = await _receive(client, auth_headers, case.id, request)
    assert r.status_code == 200
    gaps = await decision_gaps(session, case.id, proposing=True, closure_code=None)
    assert [g[0] for g in gaps] == ["ASM-146"]
    standard = {
        "outcome": "standard_applied",
        "advice_request_id": request["id"],
        "source": "adviser_selected",
        "kind": "NICE guidance",
        "name": "NICE NG226 (2022)",
        "in_force_at_event_date": True,
        "rationale": "In force in March 2026 and written for this condition.",
        "evidence_weighting": "The contemporaneous notes outweigh the later account.",
    }
    r = await _post(client, auth_headers, _url(case.id, "clinical-standards"), standard)
    assert r.status_code == 201, r.text
    assert await decision_gaps(session, case.id, proposing=True, closure_code=None) == []


async def test_an_organisations_standard_set_aside_needs_its_reason__ASM_147_ASM_148(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    url = _url(case.id, "clinical-standards")
    body = {
        "outcome": "standard_applied",
        "source": "adviser_selected",
        "name": "NICE NG226 (2022)",
        "in_force_at_event_date": True,
        "rationale": "In force at the time of the events.",
        "organisation_standard": "Trust referral protocol v1 (2015)",
        "organisation_missed_deadline": False,
    }
    r = await _post(client, auth_headers, url, body)
    assert (r.status_code, _problems(r)) == (422, {("ASM-147", "rejection_reason")})
    body |= {
        "rejection_reason": "not in use at the time",
        "rejection_explanation": "Replaced by version 3 in 2021.",
        "conflicting_standard": "Royal College guidance 2019",
    }
    r = await _post(client, auth_headers, url, body)
    assert (r.status_code, _problems(r)) == (422, {("ASM-148", "conflict_explanation")})
    body["conflict_explanation"] = "NICE is the more specific to the condition."
    r = await _post(client, auth_headers, url, body)
    assert r.status_code == 201, r.text
    assert r.json()["rejection_reason"] == "not in use at the time"


async def test_no_applicable_standard_needs_steps_and_the_oms_confirmation__ASM_150(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    url = _url(case.id, "clinical-standards")
    body: dict[str, Any] = {
        "outcome": "no_applicable_standard",
        "rationale": "No guidance covers this rare presentation.",
    }
    r = await _post(client, auth_headers, url, body)
    assert _problems(r) == {
        ("ASM-150", "search_steps"),
        ("ASM-150", "adviser_stated_clearly"),
        ("ASM-150", "om_confirmed_on"),
    }
    body |= {
        "search_steps": ["Searched NICE", "Asked the Royal College"],
        "adviser_stated_clearly": True,
        "om_id": "om-1",
        "om_confirmed_on": "2026-11-02",
    }
    r = await _post(client, auth_headers, url, body)
    assert r.status_code == 201, r.text
    assert r.json()["search_steps"] == ["Searched NICE", "Asked the Royal College"]


async def test_make_advice_ready_leaves_no_gap(session: AsyncSession) -> None:
    for proposing in (False, True):
        case = await make_case(session)
        await make_advice_ready(session, case.id, proposing=proposing)
        assert await decision_gaps(session, case.id, proposing=proposing, closure_code=None) == []
    parliamentary = await make_case(session, jurisdiction="parliamentary")
    assert await decision_gaps(session, parliamentary.id, proposing=True, closure_code=None) == []
    await session.execute(text("SELECT 1"))

"""The suitability assessment through its HTTP API over real PostgreSQL (ASM-109…113): one
versioned, audited assessment per case at further consideration, contradictions refused by
requirement, the gaps and conclusion it reads, the roles compared with intake's parties (a stand-in
or the real intake app), and ``decision_gaps`` for the decision routes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from assessment_api.cases.state import CaseStatus
from assessment_api.closing.service import Party
from assessment_api.suitability.models import SuitabilityAssessment
from assessment_api.suitability.service import decision_gaps
from intake_api.cases.models import Jurisdiction
from shared.audit import AuditEntry
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.config import DEV_ISSUER
from shared.errors import PROBLEM_TYPE_BASE
from tests.assessment.cases.builders import CW, OTHER_CW, make_case
from tests.assessment.intake_peer import INTAKE_BASE, StandIn, intake_case, party_rows
from tests.assessment.suitability.builders import (
    FACTORS,
    make_suitability,
    make_suitability_ready,
)

Headers = Callable[..., dict[str, str]]
AGGRIEVED = uuid.UUID("6d1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a41")
REP = uuid.UUID("6d1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a42")
# (a): the aggrieved has died; their son, a family member, brings the complaint and is suitable.
DECEASED: dict[str, Any] = {
    "complainant_is_aggrieved": False,
    "aggrieved_person_id": str(AGGRIEVED),
    "aggrieved_status": "deceased",
    "representative": {"person_id": str(REP), "relationship": "family_member", **FACTORS},
}


def _url(case_id: uuid.UUID, what: str = "") -> str:
    return f"/v1/cases/{case_id}/suitability" + (f"/{what}" if what else "")


def _type(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM_TYPE_BASE)


def _problems(r: httpx.Response) -> set[tuple[str, str]]:
    return {(p["requirement"], p["field"]) for p in r.json()["problems"]}


async def _create(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    body: dict[str, Any],
    *,
    sub: str = CW,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        _url(case_id), json=body, headers={**auth_headers("caseworker", sub=sub), **(headers or {})}
    )


async def _save(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    body: dict[str, Any],
    etag: str | None,
) -> httpx.Response:
    headers = auth_headers("caseworker", sub=CW) | ({"If-Match": etag} if etag else {})
    return await client.put(_url(case_id), json=body, headers=headers)


async def _actions(session: AsyncSession, case_id: uuid.UUID) -> list[str]:
    rows = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.case_id == case_id, AuditEntry.entity_type == "suitability_assessment")
        .order_by(AuditEntry.id)
    )
    return list(rows)


async def _count(session: AsyncSession, case_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(SuitabilityAssessment)
            .where(SuitabilityAssessment.case_id == case_id)
        )
        or 0
    )


# --- Recording and saving (ASM-109, ASM-112) ----------------------------------------------------


async def test_an_assessment_is_recorded_once_and_read_with_its_conclusion__ASM_109_ASM_112(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await _create(client, auth_headers, case.id, DECEASED)
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    assert r.headers["location"] == _url(case.id)
    body = r.json()
    assert (body["conclusion"], body["gaps"]) == ("suitable", [])
    assert body["expected_representative_role"] == "representative (person)"
    assert body["recorded_by"] == CW
    assert await _actions(session, case.id) == ["suitability.recorded"]

    read = await client.get(_url(case.id), headers=auth_headers("caseworker"))
    assert read.status_code == 200
    assert read.json()["content"]["aggrieved_status"] == "deceased"
    again = await _create(client, auth_headers, case.id, DECEASED)
    assert (again.status_code, _type(again)) == (409, "suitability-exists")
    assert await _count(session, case.id) == 1


async def test_a_save_needs_if_match_and_is_audited_before_and_after__ASM_112(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    pending = DECEASED | {
        "representative": {"person_id": str(REP), "relationship": "other_individual"}
    }
    r = await _create(client, auth_headers, case.id, pending)
    assert r.status_code == 201, r.text
    # ¶2.258 (Legal): someone other than a personal representative or family member must be
    # assessed; the gap says so until the outcome is recorded.
    assert r.json()["conclusion"] == "incomplete"
    [gap] = r.json()["gaps"]
    assert (gap["requirement"], gap["field"]) == ("ASM-112", "representative.outcome")
    assert "Legal" in gap["detail"]

    missing = await _save(client, auth_headers, case.id, DECEASED, None)
    assert missing.status_code == 428
    stale = await _save(client, auth_headers, case.id, DECEASED, '"7"')
    assert stale.status_code == 412
    done = DECEASED | {
        "representative": {"person_id": str(REP), "relationship": "other_individual", **FACTORS},
        "reason": "Spoke to the family.",
    }
    ok = await _save(client, auth_headers, case.id, done, '"1"')
    assert ok.status_code == 200, ok.text
    assert (ok.headers["etag"], ok.json()["conclusion"]) == ('"2"', "suitable")
    entry = await session.scalar(
        select(AuditEntry).where(
            AuditEntry.case_id == case.id, AuditEntry.action == "suitability.saved"
        )
    )
    assert entry is not None
    assert entry.reason == "Spoke to the family."
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["content"]["representative"]["outcome"] is None
    assert entry.after["content"]["representative"]["outcome"] == "suitable"


async def test_a_contradiction_is_refused_by_requirement_and_nothing_written__ASM_110_ASM_111(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    body = DECEASED | {
        "aggrieved_status": "lacks_capacity",
        "capacity": {
            "check": {
                "methods": ["with_the_aggrieved"],
                "checked_on": "2026-10-30",
                "finding": "has_capacity",
            }
        },
    }
    r = await _create(client, auth_headers, case.id, body)
    assert (r.status_code, _type(r)) == (422, "suitability-invalid")
    assert ("ASM-110", "aggrieved_status") in _problems(r)
    child = DECEASED | {
        "aggrieved_status": "too_young",
        "child": {
            "age_years": 15,
            "maturity": "Wrote it herself.",
            "could_bring_it_themselves": True,
        },
    }
    r = await _create(client, auth_headers, case.id, child)
    assert ("ASM-111", "child.could_bring_it_themselves") in _problems(r)
    assert await _count(session, case.id) == 0
    assert await _actions(session, case.id) == []


async def test_lack_of_capacity_rests_on_evidence_or_a_check__ASM_110(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    body = DECEASED | {"aggrieved_status": "lacks_capacity"}
    r = await _create(client, auth_headers, case.id, body)
    assert r.status_code == 201, r.text
    assert r.json()["conclusion"] == "incomplete"
    assert [g["requirement"] for g in r.json()["gaps"]] == ["ASM-110"]
    evidence = body | {"capacity": {"evidence_of_incapacity": "Consultant's letter, DOC-4."}}
    ok = await _save(client, auth_headers, case.id, evidence, r.headers["etag"])
    assert (ok.status_code, ok.json()["conclusion"]) == (200, "suitable")


@pytest.mark.parametrize(
    "change",
    [
        {"aggrieved_person_id": None},
        {"aggrieved_person_id": ""},
        {"complainant_is_aggrieved": "no"},
        {"aggrieved_status": "unknown"},
        {"unexpected": True},
        {"child": {"age_years": 18, "maturity": "x", "could_bring_it_themselves": False}},
        {"consent": {"method": "carrier_pigeon", "given_on": "2026-10-01"}},
        {"representative": {"person_id": str(REP), "relationship": "neighbour"}},
    ],
)
async def test_bad_input_is_a_422_problem__ASM_109(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, change: dict[str, Any]
) -> None:
    case = await make_case(session)
    r = await _create(client, auth_headers, case.id, DECEASED | change)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await _count(session, case.id) == 0


async def test_only_at_further_consideration_and_by_the_holder__ASM_109(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    waiting = await make_case(session, status=CaseStatus.awaiting_allocation, owner=None)
    r = await _create(client, auth_headers, waiting.id, DECEASED)
    assert (r.status_code, _type(r)) == (409, "not-at-further-consideration")
    case = await make_case(session)
    other = await _create(client, auth_headers, case.id, DECEASED, sub=OTHER_CW)
    assert (other.status_code, _type(other)) == (403, "not-case-owner")
    unknown = await client.get(_url(uuid.uuid4()), headers=auth_headers("caseworker"))
    assert (unknown.status_code, _type(unknown)) == (404, "case-not-found")
    none = await client.get(_url(case.id), headers=auth_headers("caseworker"))
    assert (none.status_code, _type(none)) == (404, "suitability-not-recorded")


async def test_a_replayed_create_answers_the_stored_response__ASM_109(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await _create(client, auth_headers, case.id, DECEASED, headers=key)
    second = await _create(client, auth_headers, case.id, DECEASED, headers=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert await _count(session, case.id) == 1


# --- Roles at intake (ASM-113), read with intake's parties -------------------------------------


async def test_readiness_lists_the_roles_to_correct_at_intake__ASM_113(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    intake_stand_in: StandIn,
) -> None:
    """(a): intake holds the aggrieved as complainant; the assessment says the son is."""
    case = await make_case(session)
    await make_suitability(session, case.id, **DECEASED)
    intake_stand_in.parties[case.id] = party_rows(
        {AGGRIEVED: "complainant", REP: "representative (person)"}
    )
    r = await client.get(_url(case.id, "readiness"), headers=auth_headers("caseworker"))
    assert r.status_code == 200, r.text
    fields = {(p["requirement"], p["field"]) for p in r.json()["before_decline"]}
    assert ("ASM-113", "representative.person_id") in fields
    assert ("ASM-113", "complainant") in fields
    assert r.json()["before_proposal"] == r.json()["before_decline"]

    intake_stand_in.parties[case.id] = [
        *party_rows({REP: "complainant", AGGRIEVED: "aggrieved"}),
        *party_rows({REP: "representative (person)"}),
    ]
    fixed = await client.get(_url(case.id, "readiness"), headers=auth_headers("caseworker"))
    assert fixed.json() == {"before_decline": [], "before_proposal": []}


async def test_readiness_against_the_real_intake_app__ASM_113(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    """(b)/(d): an adult with capacity chose a representative, so intake should hold the
    aggrieved as the complainant, and the aggrieved's consent is recorded."""
    icase, people = await intake_case(with_intake, Jurisdiction.health)
    await make_case(session, case_id=icase.id)
    await make_suitability(
        session,
        icase.id,
        complainant_is_aggrieved=False,
        aggrieved_person_id=people["aggrieved"],
        aggrieved_status="has_capacity",
        representative={"person_id": people["rep"], "relationship": "other_individual", **FACTORS},
    )
    r = await client.get(_url(icase.id, "readiness"), headers=auth_headers("caseworker"))
    assert r.status_code == 200, r.text
    found = {(p["requirement"], p["field"]): p["detail"] for p in r.json()["before_proposal"]}
    assert ("ASM-113", "consent") in found  # (d) no consent yet: roles wait for a complete one
    row = await session.scalar(
        select(SuitabilityAssessment).where(SuitabilityAssessment.case_id == icase.id)
    )
    assert row is not None
    row.content = {**row.content, "consent": {"method": "telephone", "given_on": "2026-10-28"}}
    await session.flush()
    r = await client.get(_url(icase.id, "readiness"), headers=auth_headers("caseworker"))
    found = {(p["requirement"], p["field"]): p["detail"] for p in r.json()["before_proposal"]}
    assert ("ASM-113", "aggrieved_person_id") in found  # (b) the aggrieved is the complainant
    assert str(people["complainant"]) in found[("ASM-113", "complainant")]


async def test_readiness_is_503_when_intake_cannot_say__ASM_113(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    app: FastAPI,
    dev_keys_dir: Path,
) -> None:

    case = await make_case(session)
    down = ServiceClient(
        base_url=INTAKE_BASE,
        audience="intake-api",
        tokens=DevServiceTokenProvider(
            keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="assessment-api"
        ),
        transport=httpx.MockTransport(lambda _: httpx.Response(500)),
        attempts=1,
    )
    app.state.intake_client = down
    try:
        r = await client.get(_url(case.id, "readiness"), headers=auth_headers("caseworker"))
    finally:
        await down.aclose()
    assert (r.status_code, _type(r)) == (503, "intake-unavailable")


# --- decision_gaps (the gates contract) ---------------------------------------------------------


def _parties(*rows: tuple[uuid.UUID, str]) -> list[Party]:
    return [Party(person, role) for person, role in rows]


async def test_decision_gaps_need_a_complete_assessment_where_someone_acts__ASM_109_ASM_112(
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    parties = _parties(
        (REP, "complainant"), (REP, "representative (person)"), (AGGRIEVED, "aggrieved")
    )
    gaps = await decision_gaps(session, case.id, proposing=True, closure_code=None, parties=parties)
    assert [g[0] for g in gaps] == ["ASM-109"]
    await make_suitability(
        session,
        case.id,
        **(DECEASED | {"representative": {"person_id": str(REP), "relationship": "organisation"}}),
    )
    gaps = await decision_gaps(
        session, case.id, proposing=False, closure_code="premature", parties=parties
    )
    assert gaps == [("ASM-112", gaps[0][1])]
    assert "Legal" in gaps[0][1]
    alone = _parties((AGGRIEVED, "complainant"))
    other = await make_case(session)
    assert (
        await decision_gaps(session, other.id, proposing=True, closure_code=None, parties=alone)
        == []
    )


@pytest.mark.parametrize(
    "rows",
    [
        ((AGGRIEVED, "complainant"),),
        ((REP, "complainant"), (REP, "representative (person)"), (AGGRIEVED, "aggrieved")),
        ((AGGRIEVED, "complainant"), (REP, "representative (organisation)")),
    ],
)
@pytest.mark.parametrize("proposing", [True, False])
async def test_the_builder_makes_suitability_ready__ASM_109_ASM_113(
    session: AsyncSession, rows: tuple[tuple[uuid.UUID, str], ...], proposing: bool
) -> None:
    case = await make_case(session)
    parties = _parties(*rows)
    await make_suitability_ready(session, case.id, proposing=proposing, parties=parties)
    code = None if proposing else "premature"
    assert (
        await decision_gaps(
            session, case.id, proposing=proposing, closure_code=code, parties=parties
        )
        == []
    )

"""Dispute Resolution over HTTP (ASM-061…065, §B.3 T15, T26–T30): consent forms to both
parties, the transfer only with both back, the conference, and an agreement that closes the
case behind the risk guard with no compliance process and no review. compliance-api is a real
app in process (tests/assessment/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import QueueEntry
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.dr.models import DrCommunication, DrProcess
from shared.clock import FixedClock
from shared.errors import PROBLEM_TYPE_BASE
from shared.outbox.models import OutboxEvent
from tests.assessment.cases.builders import CW, ORG, make_case
from tests.assessment.intake_peer import StandIn, party_rows

Headers = Callable[..., dict[str, str]]
DR_CW = "cw-dr-1"
PERSON = uuid.UUID("3f1c2b7e-8a4d-4f0e-9c61-2d7b5e9a0c11")
PROPOSAL = {
    "organisation_id": str(ORG),
    "dr_caseworker": DR_CW,
    "complainant_willing": True,
    "organisation_willing": True,
}
AGREED = {
    "mode": "videoconference",
    "outcome": "agreed",
    "agreed_outcomes": ["The trust apologises in writing and reviews its discharge checklist."],
    "agreed_by_complainant": True,
    "agreed_by_organisation": True,
    "mediated_components": [],
}
LOW = "No indication at this stage that a risk is present"

pytestmark = pytest.mark.usefixtures("guarded")


@pytest.fixture(autouse=True)
def intake_parties(intake_stand_in: StandIn) -> StandIn:
    """intake holds PERSON as every case's complainant (DESIGN §1: the consent form goes to
    intake's complainant, never one named in the request)."""
    intake_stand_in.default = party_rows({PERSON: "complainant"})
    return intake_stand_in


def _held(clock: FixedClock) -> str:
    return (clock.now() - timedelta(hours=1)).isoformat()


async def _post(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    sub: str = CW,
) -> httpx.Response:
    url = f"/v1/cases/{case_id}/dr{path}"
    return await client.post(url, json=body, headers=auth_headers("caseworker", sub=sub))


async def _in_dr(client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession) -> Case:
    """A case at further consideration taken through T26 and T27 over HTTP."""
    case = await make_case(session)
    assert (await _post(client, auth_headers, case.id, "", PROPOSAL)).status_code == 201
    for party in ("complainant", "organisation"):
        r = await _post(client, auth_headers, case.id, "/consents", {"party": party})
        assert r.status_code == 200, r.text
    r = await _post(client, auth_headers, case.id, "/transfer")
    assert r.status_code == 200, r.text
    return case


async def _status(session: AsyncSession, case_id: uuid.UUID) -> Case:
    session.expire_all()
    case = await session.get(Case, case_id)
    assert case is not None
    return case


async def _events(session: AsyncSession, case_id: uuid.UUID) -> list[OutboxEvent]:
    # The decision's own events: assessment.case.status_changed follows every change for
    # intake's register (tests/assessment/cases/test_status_events.py).
    rows = await session.scalars(
        select(OutboxEvent).where(
            OutboxEvent.case_id == case_id, OutboxEvent.type != "assessment.case.status_changed"
        )
    )
    return list(rows)


async def test_proposal_sends_consent_forms_to_both_parties__T26_ASM_062(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.early_consideration)
    r = await _post(client, auth_headers, case.id, "", PROPOSAL)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["case_status"] == "dr_consent_pending"
    assert body["prior_status"] == "early_consideration"
    assert body["consents_outstanding"] == ["complainant", "organisation"]
    forms = [c for c in body["communications"] if c["kind"] == "consent_form"]
    assert sorted((c["party"], c["direction"], c["medium"]) for c in forms) == [
        ("complainant", "outbound", "letter"),
        ("organisation", "outbound", "letter"),
    ]
    recipients = {c["party"]: c["recipients"] for c in forms}
    assert recipients["complainant"][0]["person_id"] == str(PERSON)
    assert recipients["organisation"][0]["organisation_id"] == str(ORG)
    assert r.headers["etag"]


@pytest.mark.parametrize("unwilling", ["complainant_willing", "organisation_willing"])
async def test_an_unwilling_party_keeps_the_case_with_its_caseworker__T26_ASM_062(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, unwilling: str
) -> None:
    case = await make_case(session)
    r = await _post(client, auth_headers, case.id, "", {**PROPOSAL, unwilling: False})
    assert r.status_code == 422, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "dr-party-unwilling"
    now = await _status(session, case.id)
    assert (now.status, now.owner) == (CaseStatus.further_consideration, CW)
    assert await session.scalar(select(DrProcess.id).where(DrProcess.case_id == case.id)) is None


async def test_organisation_must_be_on_the_case(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    body = {**PROPOSAL, "organisation_id": str(uuid.uuid4())}
    r = await _post(client, auth_headers, case.id, "", body)
    assert r.status_code == 422
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "dr-organisation-not-on-case"


@pytest.mark.parametrize("returned", [[], ["complainant"], ["organisation"]])
async def test_transfer_rejected_until_both_consents_return__T27_ASM_062(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, returned: list[str]
) -> None:
    case = await make_case(session)
    await _post(client, auth_headers, case.id, "", PROPOSAL)
    for party in returned:
        await _post(client, auth_headers, case.id, "/consents", {"party": party})
    r = await _post(client, auth_headers, case.id, "/transfer")
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["type"] == PROBLEM_TYPE_BASE + "dr-consent-outstanding"
    assert set(problem["outstanding"]) == {"complainant", "organisation"} - set(returned)
    assert (await _status(session, case.id)).status is CaseStatus.dr_consent_pending


async def test_both_consents_transfer_the_case_to_the_dr_caseworker__T27_ASM_062(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _in_dr(client, auth_headers, session)
    now = await _status(session, case.id)
    assert (now.status, now.owner) == (CaseStatus.dispute_resolution, DR_CW)
    r = await client.get(f"/v1/cases/{case.id}/dr", headers=auth_headers("caseworker", sub=CW))
    inbound = [c for c in r.json()["communications"] if c["kind"] == "consent_returned"]
    assert sorted(c["party"] for c in inbound) == ["complainant", "organisation"]
    assert all(c["direction"] == "inbound" for c in inbound)


async def test_a_consent_is_returned_once(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await _post(client, auth_headers, case.id, "", PROPOSAL)
    assert (
        await _post(client, auth_headers, case.id, "/consents", {"party": "complainant"})
    ).status_code == 200
    r = await _post(client, auth_headers, case.id, "/consents", {"party": "complainant"})
    assert r.status_code == 409
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "dr-consent-already-returned"


async def test_no_consent_returns_the_case_to_where_it_was__T28(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await _post(client, auth_headers, case.id, "", PROPOSAL)
    body = {"reason": "consent_not_returned", "note": "No form back after two reminders."}
    r = await _post(client, auth_headers, case.id, "/withdrawal", body)
    assert r.status_code == 200, r.text
    now = await _status(session, case.id)
    assert (now.status, now.owner) == (CaseStatus.further_consideration, CW)
    assert r.json()["withdrawal_reason"] == "consent_not_returned"


async def test_a_case_intake_allocated_to_dr_goes_to_the_queue_without_dr__T15_T28(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(
        session, status=CaseStatus.dr_consent_pending, owner=None, route="dispute_resolution"
    )
    r = await _post(client, auth_headers, case.id, "", PROPOSAL)
    assert r.status_code == 201, r.text
    assert r.json()["prior_status"] is None
    body = {"reason": "organisation_unwilling", "note": "The trust declined mediation."}
    assert (await _post(client, auth_headers, case.id, "/withdrawal", body)).status_code == 200
    assert (await _status(session, case.id)).status is CaseStatus.awaiting_allocation
    # ASM-085: back in the queue means a queued entry the allocators see.
    [entry] = await session.scalars(select(QueueEntry).where(QueueEntry.case_id == case.id))
    assert (entry.status, entry.route) == ("queued", "dispute_resolution")
    queue = await client.get("/v1/allocation-queue", headers=auth_headers("caseworker"))
    assert str(case.id) in {e["case_id"] for e in queue.json()["items"]}


async def test_agreement_needs_the_risk_guard__T29_ASM_069_XC_RSK_001(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await _in_dr(client, auth_headers, session)
    body = {**AGREED, "held_at": _held(clock)}
    r = await _post(client, auth_headers, case.id, "/conference", body, sub=DR_CW)
    assert r.status_code == 409, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "risk-assessment-required"
    assert (await _status(session, case.id)).status is CaseStatus.dispute_resolution
    assert await _events(session, case.id) == []


async def test_agreement_closes_the_case_with_letters_no_compliance_no_review__T29_ASM_064(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    clock: FixedClock,
) -> None:
    case = await _in_dr(client, auth_headers, session)
    assessed = await compliance.post(
        f"/v1/risk/cases/{case.id}/assessments",
        json={
            "trigger": "decline",
            "conflicts_of_interest_considered": True,
            "organisation_ids": [],
            "risks": [],
            "low_rationale": LOW,
        },
        headers=auth_headers("caseworker", sub=DR_CW),
    )
    assert assessed.status_code == 201, assessed.text
    body = {**AGREED, "held_at": _held(clock)}
    r = await _post(client, auth_headers, case.id, "/conference", body, sub=DR_CW)
    assert r.status_code == 200, r.text
    out = r.json()
    # ASM-064: closed; ASM-061: no review of a DR agreement.
    assert (out["case_status"], out["closure_code"]) == ("closed", "DR resolution agreement")
    assert out["review_eligible"] is False
    # ASM-063: mode and both parties' agreement recorded.
    conference = out["conference"]
    assert conference["mode"] == "videoconference"
    assert conference["agreed_by_complainant"] is True
    assert conference["agreed_by_organisation"] is True
    assert conference["risk_assessment_id"] == assessed.json()["id"]
    # ¶2.127: a Resolution Agreement letter and a record of what was agreed to both parties.
    letters = [c for c in out["communications"] if c["kind"] == "resolution_agreement"]
    assert sorted(c["party"] for c in letters) == ["complainant", "organisation"]
    assert all(c["documents"] and c["direction"] == "outbound" for c in letters)
    # ASM-064 / CMP-023: the only event is the closure, and compliance-api takes nothing from it.
    events = await _events(session, case.id)
    assert [(e.type, e.payload["decision"]) for e in events] == [
        ("assessment.case.closed", "dr_resolution_agreement")
    ]
    assert not any(e.type.startswith("compliance.") for e in events)
    service = auth_headers("service", sub="assessment-api")
    delivered = await compliance.post(
        "/internal/events",
        json=[
            {
                "id": str(events[0].id),
                "type": events[0].type,
                "version": events[0].version,
                "occurred_at": events[0].occurred_at.isoformat(),
                "source": "assessment-api",
                "case_id": str(case.id),
                "sequence": events[0].sequence,
                "correlation_id": None,
                "actor": DR_CW,
                "payload": events[0].payload,
            }
        ],
        headers=service,
    )
    # compliance-api refuses the event (today it has no inbox at all: 404; with an inbox but no
    # handler for it: 422 invalid-events), so no compliance item can follow a DR agreement.
    assert delivered.status_code in {404, 422}, delivered.text


async def test_partial_agreement_records_mediated_components_and_continues__T30_ASM_065(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await _in_dr(client, auth_headers, session)
    body = {
        **AGREED,
        "outcome": "partly_agreed",
        "held_at": _held(clock),
        "mediated_components": [
            {"component": "Complaint handling", "mediation_outcome": "Answers to be provided."}
        ],
    }
    r = await _post(client, auth_headers, case.id, "/conference", body, sub=DR_CW)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["case_status"] == "further_consideration"
    assert out["conference"]["mediated_components"] == [
        {"component": "Complaint handling", "mediation_outcome": "Answers to be provided."}
    ]
    now = await _status(session, case.id)
    assert now.owner == DR_CW  # T30: the DR caseworker keeps the case
    assert await _events(session, case.id) == []
    letters = await session.scalars(
        select(DrCommunication.kind).where(DrCommunication.case_id == case.id)
    )
    assert "resolution_agreement" not in list(letters)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"agreed_by_organisation": False}, "not_agreed_by_organisation"),
        ({"agreed_outcomes": []}, "agreed_outcomes_required"),
        ({"outcome": "partly_agreed"}, "mediated_components_required"),
    ],
)
async def test_an_outcome_not_agreed_by_both_is_refused__ASM_063(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    clock: FixedClock,
    change: dict[str, Any],
    problem: str,
) -> None:
    case = await _in_dr(client, auth_headers, session)
    body = {**AGREED, "held_at": _held(clock), **change}
    r = await _post(client, auth_headers, case.id, "/conference", body, sub=DR_CW)
    assert r.status_code == 422, r.text
    assert problem in r.json()["problems"]
    assert (await _status(session, case.id)).status is CaseStatus.dispute_resolution


async def test_the_agreement_is_copied_to_intakes_mps_and_representatives__ASM_064_ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    clock: FixedClock,
    intake_parties: StandIn,
) -> None:
    """ASM-064 (¶2.127): the Resolution Agreement letter to both parties; closing by agreement
    is a decision not to investigate (¶2.140), so the MP (ASM-173, Legal) and a representative
    with authority (ASM-174 ¶3.112) get a copy in writing, read from intake when it is agreed;
    a representative without authority does not, and a separate aggrieved's copy is decided
    first (ASM-174 ¶3.111)."""
    case = await _in_dr(client, auth_headers, session)
    mp, rep, unauthorised, aggrieved = (uuid.uuid4() for _ in range(4))
    intake_parties.parties[case.id] = party_rows(
        {PERSON: "complainant", mp: "mp (referring)", rep: "representative (person)",
         unauthorised: "representative (person)", aggrieved: "aggrieved"},
        authority=frozenset({rep}),
    )  # fmt: skip
    assessed = await compliance.post(
        f"/v1/risk/cases/{case.id}/assessments",
        json={"trigger": "decline", "conflicts_of_interest_considered": True,
              "organisation_ids": [], "risks": [], "low_rationale": LOW},
        headers=auth_headers("caseworker", sub=DR_CW),
    )  # fmt: skip
    assert assessed.status_code == 201, assessed.text
    body = {**AGREED, "held_at": _held(clock)}
    r = await _post(client, auth_headers, case.id, "/conference", body, sub=DR_CW)
    assert r.status_code == 409, r.text
    assert (r.json()["type"].rsplit("/", 1)[-1], r.json()["requirement"]) == (
        "decision-recipients-incomplete", "ASM-174",
    )  # fmt: skip
    assert (await _status(session, case.id)).status is CaseStatus.dispute_resolution
    r = await _post(
        client, auth_headers, case.id, "/conference", body | {"copy_to_aggrieved": False},
        sub=DR_CW,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    out = r.json()
    letters = [c for c in out["communications"] if c["kind"] == "resolution_agreement"]
    assert sorted(c["party"] for c in letters) == ["complainant", "organisation"]
    copies = [c for c in out["communications"] if c["kind"] == "resolution_agreement_copy"]
    assert sorted(c["recipients"][0]["person_id"] for c in copies) == sorted([str(mp), str(rep)])
    assert all(c["recipients"][0]["is_copy"] and c["medium"] == "letter" for c in copies)
    assert all(c["documents"] and c["paragraphs"] for c in copies)


async def test_an_agreement_without_a_complainant_at_intake_is_refused__ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    clock: FixedClock,
    intake_parties: StandIn,
) -> None:
    case = await _in_dr(client, auth_headers, session)
    intake_parties.parties[case.id] = party_rows({uuid.uuid4(): "mp (referring)"})
    body = {**AGREED, "held_at": _held(clock)}
    r = await _post(client, auth_headers, case.id, "/conference", body, sub=DR_CW)
    assert r.status_code == 409, r.text
    assert r.json()["requirement"] == "ASM-173"
    assert (await _status(session, case.id)).status is CaseStatus.dispute_resolution


async def test_a_conference_in_the_future_is_refused(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await _in_dr(client, auth_headers, session)
    held = (clock.now() + timedelta(days=1)).isoformat()
    body = {**AGREED, "outcome": "not_agreed", "agreed_outcomes": [], "held_at": held}
    r = await _post(client, auth_headers, case.id, "/conference", body, sub=DR_CW)
    assert r.status_code == 422
    assert "held_in_future" in r.json()["problems"]


async def test_conference_only_in_dispute_resolution__T29(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await make_case(session)
    await _post(client, auth_headers, case.id, "", PROPOSAL)
    body = {**AGREED, "outcome": "not_agreed", "agreed_outcomes": [], "held_at": _held(clock)}
    r = await _post(client, auth_headers, case.id, "/conference", body)
    assert r.status_code == 409, r.text


async def test_the_consent_form_goes_to_intakes_complainant__ASM_062(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    intake_parties: StandIn,
) -> None:
    case = await make_case(session)
    named = PROPOSAL | {"complainant_person_id": str(uuid.uuid4())}
    r = await _post(client, auth_headers, case.id, "", named)
    assert r.status_code == 422, r.text  # nobody is named in the request
    complainant = uuid.uuid4()
    intake_parties.parties[case.id] = party_rows(
        {uuid.uuid4(): "mp (referring)", complainant: "complainant"}
    )
    r = await _post(client, auth_headers, case.id, "", PROPOSAL)
    assert r.status_code == 201, r.text
    assert r.json()["complainant_person_id"] == str(complainant)
    letters = await session.scalars(
        select(DrCommunication).where(DrCommunication.case_id == case.id)
    )
    assert str(complainant) in {c.recipients[0]["person_id"] for c in letters}


async def test_no_complainant_at_intake_means_no_consent_form__ASM_062(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    intake_parties: StandIn,
) -> None:
    case = await make_case(session)
    intake_parties.parties[case.id] = party_rows({uuid.uuid4(): "mp (referring)"})
    r = await _post(client, auth_headers, case.id, "", PROPOSAL)
    assert r.status_code == 409, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "dr-no-complainant"
    assert await session.scalar(select(DrProcess.id).where(DrProcess.case_id == case.id)) is None

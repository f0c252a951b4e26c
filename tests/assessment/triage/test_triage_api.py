"""ECT triage over HTTP (ASM-044…051, T17–T19): the Executive Team's threshold sets, the PVM
assessment with its computed outcome, and the three ways out of triage. compliance-api is a
real app in process (the risk guard, tests/assessment/conftest.py); intake-api's answers about
the case's parties and reasonable adjustments are served by a stand-in transport giving the
shape intake's routes answer (GET /v1/cases/{id}/parties, GET
/v1/people/{id}/reasonable-adjustments)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import QueueEntry
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.triage.models import PvmAssessment, TriageCommunication
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.clock import FixedClock
from shared.config import DEV_ISSUER
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from shared.outbox.models import OutboxEvent
from tests.assessment.builders import make_entry
from tests.assessment.cases.builders import CW, make_case
from tests.assessment.triage.builders import make_threshold_set

Headers = Callable[..., dict[str, str]]
pytestmark = pytest.mark.usefixtures("guarded")

ANSWERS = {
    "access_and_engagement": "Engages well by email.",
    "underrepresented_or_protected": "No indication.",
    "parliamentary_monitoring": "Health body: not applicable.",
    "continuing_significant_impact": "The impact has ended.",
    "wider_public_interest": "None found.",
    "larger_scale_or_safety": "None found.",
    "volume_and_recurrence": "One similar case found.",
}
NOTE = "The trust has not acknowledged a failing."


def pvm(level: int, criteria: tuple[int, int, int, int], **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "claimed_injustices": [{"description": "Distress at a delayed letter", "level": level}],
        "criteria": dict(
            zip(
                ["access_and_equality", "continuing_impact", "public_interest", "systemic_risk"],
                criteria,
                strict=True,
            )
        ),
        "answers": ANSWERS,
        "information_sources": "Complaint form and a precedent check.",
        "minimal_intervention_considered": True,
        "minimal_intervention_note": NOTE,
    }
    return body | over


LOW = pvm(2, (1, 0, 1, 0))  # score 4
HIGH = pvm(5, (1, 1, 1, 1))  # score 9
DECLINE = {
    "rationale": "Below the threshold; minimal intervention could not resolve it.",
    "complainant_told_by": "telephone",
}


def problem_type(r: httpx.Response) -> str:
    assert r.headers["content-type"].startswith(PROBLEM_JSON), r.text
    return str(r.json()["type"]).removeprefix(PROBLEM_TYPE_BASE)


class IntakeStandIn:
    """intake-api's answers: the case's parties and each person's adjustment requests."""

    def __init__(self) -> None:
        self.parties: list[dict[str, Any]] = []
        self.adjustments: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[str] = []

    def person(self, role: str, *adjustments: dict[str, Any], authority: bool = False) -> uuid.UUID:
        person_id = str(uuid.uuid4())
        self.parties.append(
            {"id": str(uuid.uuid4()), "person_id": person_id, "role": role,
             "authority_to_receive_info": authority}
        )  # fmt: skip
        self.adjustments[person_id] = list(adjustments)
        return uuid.UUID(person_id)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"].startswith("Bearer ")
        path = request.url.path
        self.calls.append(path)
        if path.endswith("/parties"):
            return httpx.Response(200, json=self.parties)
        person_id = path.split("/")[3]
        return httpx.Response(200, json={"items": self.adjustments[person_id], "next_cursor": None})


@pytest.fixture
def intake(app: FastAPI, dev_keys_dir: Path) -> IntakeStandIn:
    stand_in = IntakeStandIn()
    stand_in.person("complainant")
    app.state.intake_client = ServiceClient(
        base_url="http://intake.test", audience="intake-api",
        tokens=DevServiceTokenProvider(
            keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="assessment-api"
        ),
        transport=httpx.MockTransport(stand_in),
    )  # fmt: skip
    return stand_in


@pytest.fixture
async def in_force(session: AsyncSession) -> None:
    """Set 1, decline below 9, in force since 1 October 2026 (the clock is 2 November)."""
    await make_threshold_set(session, effective_from=date(2026, 10, 1), decline_below=9)


async def assess(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(
        f"/v1/cases/{case_id}/triage/assessments", json=body,
        headers=auth_headers("caseworker", sub=CW),
    )  # fmt: skip


async def act(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    what: str,
    body: dict[str, Any],
) -> httpx.Response:
    return await client.post(
        f"/v1/cases/{case_id}/triage/{what}", json=body, headers=auth_headers("caseworker", sub=CW)
    )


async def risk_assessed(
    compliance: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID
) -> None:
    r = await compliance.post(
        f"/v1/risk/cases/{case_id}/assessments",
        json={
            "trigger": "decline", "conflicts_of_interest_considered": True,
            "organisation_ids": [], "risks": [],
            "low_rationale": "No indication at this stage that a risk is present",
        },
        headers=auth_headers("caseworker", sub=CW),
    )  # fmt: skip
    assert r.status_code == 201, r.text


async def status_of(session: AsyncSession, case_id: uuid.UUID) -> CaseStatus:
    case = await session.get(Case, case_id, populate_existing=True)
    assert case is not None
    return case.status


# ---------------------------------------------------------------------------------------------
# Threshold sets: the Executive Team's, effective dates, no overlap (ASM-046)
# ---------------------------------------------------------------------------------------------

SET = {"effective_from": "2026-11-09", "decline_below": 9, "rationale": "Demand exceeds capacity."}


async def test_a_threshold_set_is_approved_by_the_executive_team__ASM_046(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.post(
        "/v1/triage/threshold-sets",
        json=SET,
        headers=auth_headers("operations_manager", sub="om-1"),
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert (created["status"], created["version"], created["approved_by"]) == ("proposed", 1, None)
    url = f"/v1/triage/threshold-sets/{created['id']}/decision"
    yes = {"approve": True, "reason": "Agreed at the Executive Team meeting."}

    r = await client.post(url, json=yes, headers=auth_headers("caseworker", sub="cw-9"))
    assert r.status_code == 403
    r = await client.post(url, json=yes, headers=auth_headers("operations_manager", sub="om-2"))
    assert (r.status_code, problem_type(r)) == (403, "approval-level-not-held")
    r = await client.post(url, json=yes, headers=auth_headers("assistant_director", sub="ad-1"))
    assert (r.status_code, problem_type(r)) == (403, "approval-level-not-held")

    r = await client.post(url, json=yes, headers=auth_headers("deputy_ombudsman", sub="do-1"))
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["approved_by"]) == ("approved", "do-1")

    r = await client.post(url, json=yes, headers=auth_headers("ombudsman", sub="omb-1"))
    assert (r.status_code, problem_type(r)) == (409, "threshold-set-already-decided")


async def test_the_executive_team_member_who_proposed_does_not_approve__ASM_046(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    headers = auth_headers("ombudsman", sub="omb-1")
    r = await client.post("/v1/triage/threshold-sets", json=SET, headers=headers)
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/v1/triage/threshold-sets/{r.json()['id']}/decision",
        json={"approve": True, "reason": "Mine."}, headers=headers,
    )  # fmt: skip
    assert (r.status_code, problem_type(r)) == (403, "approver-is-requester")


@pytest.mark.usefixtures("in_force")
@pytest.mark.parametrize(
    "effective_from",
    ["2026-11-01", "2026-10-01", "2026-09-30"],  # backdated (today is 2 Nov), or on set 1's day
)
async def test_a_set_that_would_change_earlier_assessments_is_refused__ASM_046(
    client: httpx.AsyncClient, auth_headers: Headers, effective_from: str
) -> None:
    r = await client.post(
        "/v1/triage/threshold-sets", json=SET | {"effective_from": effective_from},
        headers=auth_headers("operations_manager", sub="om-1"),
    )  # fmt: skip
    assert (r.status_code, problem_type(r)) == (422, "threshold-set-date-invalid")


async def test_an_approval_after_its_date_has_passed_is_refused__ASM_046(
    client: httpx.AsyncClient, auth_headers: Headers, clock: FixedClock
) -> None:
    r = await client.post(
        "/v1/triage/threshold-sets",
        json=SET,
        headers=auth_headers("operations_manager", sub="om-1"),
    )
    clock.set(datetime(2026, 11, 10, 10, 0, tzinfo=UTC))  # a day after it would have started
    r = await client.post(
        f"/v1/triage/threshold-sets/{r.json()['id']}/decision",
        json={"approve": True, "reason": "Late."}, headers=auth_headers("ombudsman", sub="omb-1"),
    )  # fmt: skip
    assert (r.status_code, problem_type(r)) == (422, "threshold-set-date-invalid")


@pytest.mark.parametrize(
    "bad",
    [
        {"decline_below": 0},
        {"decline_below": 19},
        {"decline_below": "9"},
        {"decline_below": None},
        {"rationale": ""},
        {"effective_from": "2026-02-30"},
    ],
)
async def test_bad_threshold_sets_are_422(
    client: httpx.AsyncClient, auth_headers: Headers, bad: dict[str, Any]
) -> None:
    r = await client.post(
        "/v1/triage/threshold-sets", json=SET | bad,
        headers=auth_headers("operations_manager", sub="om-1"),
    )  # fmt: skip
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM_JSON)


# ---------------------------------------------------------------------------------------------
# The PVM assessment: computed against the set in force on the assessment date
# ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_force")
async def test_the_outcome_is_computed_against_the_set_in_force__ASM_044_ASM_045_ASM_046(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    body = pvm(3, (1, 1, 0, 1), claimed_injustices=[
        {"description": "Distress at a delayed letter", "level": 3},
        {"description": "A wasted journey", "level": 1},
    ], cumulative_note="Together, a month of worry.")  # fmt: skip
    r = await assess(client, auth_headers, case.id, body)
    assert r.status_code == 201, r.text
    first = r.json()
    # The most serious injustice (3) plus the criteria (3) = 6, below set 1's 9.
    assert (first["injustice_level"], first["score"]) == (3, 6)
    assert (first["outcome"], first["threshold_version"], first["decline_below"]) == (
        "decline",
        1,
        9,
    )
    assert first["assessed_on"] == "2026-11-02"
    assert first["section_complete"] is True

    # The Executive Team approves set 2 (decline below 6) from 9 November.
    r = await client.post(
        "/v1/triage/threshold-sets", json=SET | {"decline_below": 6},
        headers=auth_headers("operations_manager", sub="om-1"),
    )  # fmt: skip
    assert r.json()["version"] == 2
    r = await client.post(
        f"/v1/triage/threshold-sets/{r.json()['id']}/decision",
        json={"approve": True, "reason": "Agreed."}, headers=auth_headers("ombudsman", sub="omb-1"),
    )  # fmt: skip
    assert r.status_code == 200, r.text

    # An assessment before 9 November still uses set 1; the earlier one is unchanged.
    r = await assess(client, auth_headers, case.id, body)
    assert (r.json()["outcome"], r.json()["threshold_version"], r.json()["number"]) == (
        "decline",
        1,
        2,
    )
    clock.set(datetime(2026, 11, 9, 9, 0, tzinfo=UTC))
    r = await assess(client, auth_headers, case.id, body)
    assert (r.json()["outcome"], r.json()["threshold_version"]) == ("consider_further", 2)
    r = await client.get(f"/v1/cases/{case.id}/triage", headers=auth_headers("caseworker", sub=CW))
    assert r.json()["assessment"]["number"] == 3
    first_again = await session.scalar(
        select(PvmAssessment).where(PvmAssessment.case_id == case.id, PvmAssessment.number == 1)
    )
    assert first_again is not None
    assert (first_again.outcome, first_again.threshold_version) == ("decline", 1)


async def test_no_set_in_force_is_a_409__ASM_046(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    await make_threshold_set(session, effective_from=date(2026, 12, 1), decline_below=9)
    case = await make_case(session, status=CaseStatus.ect_triage)
    r = await assess(client, auth_headers, case.id, LOW)
    assert (r.status_code, problem_type(r)) == (409, "no-threshold-set-in-force")


@pytest.mark.usefixtures("in_force")
@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"claimed_injustices": []}, 422),  # ASM-045: an injustice level is recorded
        ({"claimed_injustices": None}, 422),
        ({"claimed_injustices": [{"description": "x y", "level": 7}]}, 422),
        ({"claimed_injustices": [{"description": "x y", "level": 0}]}, 422),
        ({"outcome": "consider_further"}, 422),  # computed, never typed
        ({"score": 18}, 422),
        ({"criteria": {"access_and_equality": 1}}, 422),  # ASM-044: all four
        ({"criteria": {"access_and_equality": 4, "continuing_impact": 0,
                       "public_interest": 0, "systemic_risk": 0}}, 422),
        ({"minimal_intervention_considered": None}, 422),
        ({"information_sources": ""}, 422),
    ],
)  # fmt: skip
async def test_bad_assessments_are_422__ASM_044_ASM_045(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    change: dict[str, Any],
    status: int,
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    body = LOW | change
    if change.get("claimed_injustices") is None and "claimed_injustices" in change:
        del body["claimed_injustices"]
    r = await assess(client, auth_headers, case.id, body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)


@pytest.mark.usefixtures("in_force")
@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"claimed_injustices": [{"description": "One thing", "level": 2},
                                 {"description": "Another", "level": 1}]},
         "cumulative_note_required"),  # ASM-049
        ({"minimal_intervention_note": None}, "minimal_intervention_note_required"),  # ASM-047
        ({"adjustment_considered": True}, "adjustment_explanation_required"),  # ASM-048
    ],
)  # fmt: skip
async def test_incomplete_assessments_are_refused__ASM_047_ASM_048_ASM_049(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    change: dict[str, Any],
    problem: str,
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    r = await assess(client, auth_headers, case.id, LOW | change)
    assert (r.status_code, problem_type(r)) == (422, "triage-input-invalid")
    assert r.json()["problems"] == [problem]


@pytest.mark.usefixtures("in_force")
async def test_only_a_case_at_ect_triage_is_triaged(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.further_consideration)
    r = await assess(client, auth_headers, case.id, LOW)
    assert (r.status_code, problem_type(r)) == (409, "case-not-at-triage")
    r = await assess(client, auth_headers, uuid.uuid4(), LOW)
    assert r.status_code == 404


# ---------------------------------------------------------------------------------------------
# T17: 'Triage - other reason to decline'
# ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_force")
async def test_a_triage_decline_closes_through_the_guard__T17_ASM_050_XC_RSK_001(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake: IntakeStandIn,
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    assert (await assess(client, auth_headers, case.id, LOW)).json()["outcome"] == "decline"

    r = await act(client, auth_headers, case.id, "decline", DECLINE)
    assert (r.status_code, problem_type(r)) == (409, "risk-assessment-required")
    assert await status_of(session, case.id) is CaseStatus.ect_triage

    await risk_assessed(compliance, auth_headers, case.id)
    r = await act(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "closed"
    assert out["closure"]["closure_code"] == "Triage - other reason to decline"
    assert (out["closure"]["mp_involved"], out["closure"]["adjustment_exists"]) == (False, False)
    closed = await session.get(Case, case.id, populate_existing=True)
    assert closed is not None
    assert closed.closure_code == "Triage - other reason to decline"
    event = await session.scalar(
        select(OutboxEvent).where(
            OutboxEvent.case_id == case.id, OutboxEvent.type == "assessment.case.closed"
        )
    )
    assert event is not None
    assert event.payload["closure_code"] == "Triage - other reason to decline"
    assert event.payload["discretion"] == "general"  # ¶2.94


@pytest.mark.usefixtures("in_force", "intake")
async def test_no_triage_decline_without_a_pvm_assessment__ASM_050(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    r = await act(client, auth_headers, case.id, "decline", DECLINE)
    assert (r.status_code, problem_type(r)) == (409, "triage-decision-blocked")
    assert r.json()["problems"] == ["pvm_assessment_missing"]


@pytest.mark.usefixtures("in_force", "intake")
@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (HIGH, "score_supports_further_consideration"),  # ASM-046
        (LOW | {"minimal_intervention_considered": False, "minimal_intervention_note": None},
         "minimal_intervention_not_considered"),  # ASM-047
        (LOW | {"answers": {"access_and_engagement": "Fine."}}, "triage_section_incomplete"),
    ],
)  # fmt: skip
async def test_a_triage_decline_needs_its_conditions__T17_ASM_046_ASM_047_ASM_050(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    body: dict[str, Any],
    problem: str,
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    assert (await assess(client, auth_headers, case.id, body)).status_code == 201
    r = await act(client, auth_headers, case.id, "decline", DECLINE)
    assert (r.status_code, problem_type(r)) == (409, "triage-decision-blocked")
    assert r.json()["problems"] == [problem]
    assert await status_of(session, case.id) is CaseStatus.ect_triage


@pytest.mark.usefixtures("in_force")
@pytest.mark.parametrize(
    "adjustment",
    [
        {"status": "requested", "decision": None},
        {"status": "outcome_letter_sent", "decision": "agreed"},
    ],
)
async def test_a_requested_or_agreed_adjustment_must_be_considered__ASM_048(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake: IntakeStandIn,
    adjustment: dict[str, Any],
) -> None:
    intake.person("representative (person)", adjustment)
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW)
    r = await act(client, auth_headers, case.id, "decline", DECLINE)
    assert (r.status_code, problem_type(r)) == (409, "triage-decision-blocked")
    assert (r.json()["problems"], r.json()["requirement"]) == (
        ["reasonable_adjustment_not_considered"], "ASM-048",
    )  # fmt: skip

    considered = LOW | {
        "adjustment_considered": True,
        "adjustment_explanation": "Phoned the complainant about the injustice before deciding.",
    }
    await assess(client, auth_headers, case.id, considered)
    await risk_assessed(compliance, auth_headers, case.id)
    r = await act(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 200, r.text
    assert r.json()["closure"]["adjustment_exists"] is True


@pytest.mark.usefixtures("in_force")
async def test_a_refused_adjustment_does_not_block__ASM_048(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake: IntakeStandIn,
) -> None:
    intake.person("complainant", {"status": "outcome_letter_sent", "decision": "not_reasonable"})
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW)
    await risk_assessed(compliance, auth_headers, case.id)
    r = await act(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 200, r.text


@pytest.mark.usefixtures("in_force")
async def test_an_mp_gets_a_written_response__ASM_050(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake: IntakeStandIn,
) -> None:
    intake.person("mp (referring)")
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW)
    r = await act(client, auth_headers, case.id, "decline", DECLINE)
    assert r.json()["problems"] == ["mp_written_response_missing"]
    await risk_assessed(compliance, auth_headers, case.id)
    letter = {"mp_written_response": {"title": "Decision letter to the referring MP"}}
    r = await act(client, auth_headers, case.id, "decline", DECLINE | letter)
    assert r.status_code == 200, r.text
    assert r.json()["closure"]["mp_involved"] is True


@pytest.mark.usefixtures("in_force", "intake")
async def test_a_written_response_asked_for_must_be_given__ASM_050(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW)
    r = await act(
        client, auth_headers, case.id, "decline", DECLINE | {"written_response_requested": True}
    )
    assert r.json()["problems"] == ["written_response_missing"]


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.usefixtures("in_force")
async def test_intake_unreachable_is_a_503_never_a_guess__ASM_048(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    app: FastAPI,
    dev_keys_dir: Path,
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW)
    app.state.intake_client = ServiceClient(
        base_url=f"http://127.0.0.1:{_unused_port()}", audience="intake-api",
        tokens=DevServiceTokenProvider(keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="a"),
    )  # fmt: skip
    try:
        r = await act(client, auth_headers, case.id, "decline", DECLINE)
    finally:
        await app.state.intake_client.aclose()
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert await status_of(session, case.id) is CaseStatus.ect_triage


# ---------------------------------------------------------------------------------------------
# T17 / T18: the closure's calls and letters go to intake's parties (issue #12)
# ---------------------------------------------------------------------------------------------


def _sent(out: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(medium, person id, is a copy) for each recorded call and letter, sorted."""
    return sorted(
        (c["medium"], c["recipients"][0]["person_id"], c["recipients"][0]["is_copy"])
        for c in out["communications"]
    )


async def _no_communications(session: AsyncSession, case_id: uuid.UUID) -> bool:
    rows = await session.scalars(
        select(TriageCommunication).where(TriageCommunication.case_id == case_id)
    )
    return not rows.all()


MP_LETTER = {"mp_written_response": {"title": "Decision letter to the referring MP"}}


@pytest.mark.usefixtures("in_force")
@pytest.mark.parametrize("asked", [False, True])
async def test_a_triage_decline_is_phoned_then_written_to_intakes_parties__ASM_050_ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake: IntakeStandIn,
    asked: bool,
) -> None:
    """ASM-050 (¶2.92–2.93): the complainant by telephone, in writing only when they ask; the
    MP and a representative with authority always in writing (ASM-173, ASM-174 ¶3.112); a
    representative without authority gets nothing. Nobody is named in the request."""
    complainant = uuid.UUID(str(intake.parties[0]["person_id"]))
    mp = intake.person("mp (referring)")
    rep = intake.person("representative (person)", authority=True)
    intake.person("representative (person)")  # no authority to receive information
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW)
    await risk_assessed(compliance, auth_headers, case.id)
    body = DECLINE | MP_LETTER | {"written_response_requested": asked}
    if asked:
        body |= {"written_response": {"title": "Decision letter to the complainant"}}
    r = await act(client, auth_headers, case.id, "decline", body)
    assert r.status_code == 200, r.text
    expected = [
        ("letter", str(mp), True),
        ("letter", str(rep), True),
        ("telephone", str(complainant), False),
    ]
    if asked:
        expected.append(("letter", str(complainant), False))
    assert _sent(r.json()) == sorted(expected)
    read = await client.get(
        f"/v1/cases/{case.id}/triage", headers=auth_headers("caseworker", sub=CW)
    )
    assert _sent(read.json()) == sorted(expected)


@pytest.mark.usefixtures("in_force")
async def test_a_triage_decline_told_in_writing_is_written_to_the_complainant__ASM_050(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake: IntakeStandIn,
) -> None:
    complainant = str(intake.parties[0]["person_id"])
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW)
    await risk_assessed(compliance, auth_headers, case.id)
    r = await act(
        client, auth_headers, case.id, "decline", DECLINE | {"complainant_told_by": "email"}
    )
    assert r.status_code == 200, r.text
    assert _sent(r.json()) == [("email", complainant, False)]


@pytest.mark.usefixtures("in_force")
async def test_a_triage_closure_without_a_complainant_is_refused__ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake: IntakeStandIn,
) -> None:
    intake.parties.clear()
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW)
    await risk_assessed(compliance, auth_headers, case.id)
    r = await act(client, auth_headers, case.id, "decline", DECLINE)
    assert (r.status_code, problem_type(r)) == (409, "decision-recipients-incomplete")
    assert r.json()["requirement"] == "ASM-173"
    assert await status_of(session, case.id) is CaseStatus.ect_triage
    assert await _no_communications(session, case.id)


@pytest.mark.usefixtures("in_force")
@pytest.mark.parametrize("what", ["decline", "resolution"])
async def test_a_separate_aggrieveds_copy_is_decided_before_closing__ASM_174(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake: IntakeStandIn,
    what: str,
) -> None:
    aggrieved = intake.person("aggrieved")
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW if what == "decline" else MINIMAL)
    await risk_assessed(compliance, auth_headers, case.id)
    body = DECLINE if what == "decline" else RESOLVED
    r = await act(client, auth_headers, case.id, what, body)
    assert (r.status_code, problem_type(r)) == (409, "decision-recipients-incomplete")
    assert r.json()["requirement"] == "ASM-174"
    assert await status_of(session, case.id) is CaseStatus.ect_triage
    assert await _no_communications(session, case.id)
    r = await act(client, auth_headers, case.id, what, body | {"copy_to_aggrieved": True})
    assert r.status_code == 200, r.text
    assert ("letter", str(aggrieved), True) in _sent(r.json())


@pytest.mark.usefixtures("in_force")
async def test_a_triage_resolution_is_issued_to_intakes_parties__T18_ASM_050_ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake: IntakeStandIn,
) -> None:
    """ASM-069: a resolution is a decision not to investigate: the complainant told by phone and
    in writing on request (ASM-050), the MP involved (health, ¶3.110) always in writing."""
    complainant = str(intake.parties[0]["person_id"])
    mp = str(intake.person("mp (assisting)"))
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, MINIMAL)
    await risk_assessed(compliance, auth_headers, case.id)
    r = await act(
        client, auth_headers, case.id, "resolution", RESOLVED | {"written_response_requested": True}
    )
    assert r.status_code == 200, r.text
    assert _sent(r.json()) == sorted(
        [("letter", complainant, False), ("letter", mp, True), ("telephone", complainant, False)]
    )
    event = await session.scalar(
        select(OutboxEvent).where(
            OutboxEvent.case_id == case.id, OutboxEvent.type == "assessment.case.closed"
        )
    )
    assert event is not None
    assert event.payload["closure_code"] == "ECT triage - Resolution"


@pytest.mark.usefixtures("in_force")
async def test_a_triage_resolution_with_intake_down_is_a_503__ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    app: FastAPI,
    dev_keys_dir: Path,
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, MINIMAL)
    app.state.intake_client = ServiceClient(
        base_url=f"http://127.0.0.1:{_unused_port()}", audience="intake-api",
        tokens=DevServiceTokenProvider(keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="a"),
    )  # fmt: skip
    try:
        r = await act(client, auth_headers, case.id, "resolution", RESOLVED)
    finally:
        await app.state.intake_client.aclose()
    assert r.status_code == 503, r.text
    assert await status_of(session, case.id) is CaseStatus.ect_triage


# ---------------------------------------------------------------------------------------------
# T18 resolution, T19 pass-on
# ---------------------------------------------------------------------------------------------

MINIMAL = LOW | {"minimal_intervention_conditions": ["organisation_acknowledged_failing"]}
RESOLVED = {
    "rationale": "The trust apologised; the complainant agrees.",
    "complainant_told_by": "telephone",
}


@pytest.mark.usefixtures("in_force", "intake")
async def test_a_case_minimal_intervention_resolved_closes_as_resolution__T18_ASM_051(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    r = await assess(client, auth_headers, case.id, MINIMAL)
    assert r.json()["outcome"] == "resolve_minimal_intervention"
    r = await act(client, auth_headers, case.id, "resolution", RESOLVED)
    assert (r.status_code, problem_type(r)) == (409, "risk-assessment-required")  # ASM-069
    await risk_assessed(compliance, auth_headers, case.id)
    r = await act(client, auth_headers, case.id, "resolution", RESOLVED)
    assert r.status_code == 200, r.text
    assert r.json()["closure"]["closure_code"] == "ECT triage - Resolution"
    assert await status_of(session, case.id) is CaseStatus.closed


@pytest.mark.usefixtures("in_force", "intake")
async def test_no_resolution_without_the_minimal_intervention_outcome__T18_ASM_051(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, LOW)
    r = await act(client, auth_headers, case.id, "resolution", RESOLVED)
    assert (r.status_code, problem_type(r)) == (409, "triage-decision-blocked")


@pytest.mark.usefixtures("in_force")
@pytest.mark.parametrize(
    ("body", "to", "ok"),
    [
        (HIGH, "awaiting_allocation", True),
        (HIGH, "early_consideration", True),
        (MINIMAL, "early_consideration", True),  # ¶2.95
        (MINIMAL, "awaiting_allocation", False),
        (LOW, "early_consideration", False),
    ],
)
async def test_pass_on_where_the_score_supports_it__T19_ASM_085(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    body: dict[str, Any],
    to: str,
    ok: bool,
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    await assess(client, auth_headers, case.id, body)
    r = await act(client, auth_headers, case.id, "pass-on", {"to": to, "reason": "Per the PVM."})
    queued = select(QueueEntry).where(QueueEntry.case_id == case.id, QueueEntry.status == "queued")
    if ok:
        assert r.status_code == 200, r.text
        assert await status_of(session, case.id) is CaseStatus(to)
        # ASM-085: to the allocation queue means a queued entry; early consideration is not.
        entries = (await session.scalars(queued)).all()
        assert len(entries) == (1 if to == "awaiting_allocation" else 0)
    else:
        assert (r.status_code, problem_type(r)) == (409, "triage-decision-blocked")
        assert await status_of(session, case.id) is CaseStatus.ect_triage
        assert (await session.scalars(queued)).all() == []


@pytest.mark.usefixtures("in_force")
async def test_a_referral_entry_left_from_before_is_the_cases_entry_on_pass_on__ASM_085(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # Before migration 0015 a referral to ECT triage was queued as well: that queued entry is
    # reused when triage passes the case on, so the case still has exactly one.
    case = await make_case(session, status=CaseStatus.ect_triage, priority="high")
    stale = await make_entry(session)
    await session.execute(
        update(QueueEntry).where(QueueEntry.id == stale.id).values(case_id=case.id)
    )
    await assess(client, auth_headers, case.id, HIGH)
    r = await act(
        client, auth_headers, case.id, "pass-on", {"to": "awaiting_allocation", "reason": "PVM."}
    )
    assert r.status_code == 200, r.text
    [entry] = await session.scalars(
        select(QueueEntry)
        .where(QueueEntry.case_id == case.id)
        .execution_options(populate_existing=True)
    )
    assert (entry.id, entry.status, entry.priority) == (stale.id, "queued", "high")


@pytest.mark.usefixtures("in_force")
async def test_only_the_holder_acts_on_the_triage__XC_ROL(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.ect_triage)
    r = await client.post(
        f"/v1/cases/{case.id}/triage/assessments", json=LOW,
        headers=auth_headers("caseworker", sub="someone-else"),
    )  # fmt: skip
    assert (r.status_code, problem_type(r)) == (403, "not-case-owner")

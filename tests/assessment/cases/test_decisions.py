"""The two guarded decisions (XC-RSK-001, CMP-104, ASM-137, ASM-177): a decision not to
investigate (T32) and a proposal to investigate (T35) are refused without a qualifying risk
assessment at compliance-api, allowed with one, and answer 503 with Retry-After when
compliance-api cannot say. compliance-api is a real app in process (tests/assessment/conftest.py).
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.decisions import PROPOSAL_COMMENTS
from assessment_api.cases.models import Case, DeclineDecision, InvestigationProposal
from assessment_api.cases.state import CaseStatus
from assessment_api.closing.rules import Party
from assessment_api.components.models import ComplaintComponent
from shared.audit import AuditEntry
from shared.calendar import WorkingCalendar
from shared.casework.risk_guard import CREATE_RELATION
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.clock import FixedClock
from shared.config import DEV_ISSUER
from shared.errors import PROBLEM_TYPE_BASE
from shared.events.contracts.assessment import ProposalIssuedV1
from shared.http_api.problems import PROBLEM_JSON
from shared.outbox.models import OutboxEvent
from tests.assessment.cases.builders import CW, OTHER_CW, make_case, make_ready_to_decide
from tests.assessment.conftest import COMPLIANCE_BASE
from tests.assessment.decision_approvals.builders import APPROVER
from tests.assessment.intake_peer import StandIn, party_rows
from tests.assessment.special_handling.builders import (
    LINE_MANAGER,
    PRIORITY_REASON,
    make_investigation_priority,
)

Headers = Callable[..., dict[str, str]]
DECLINE = {
    "closure_code": "other reason to decline",
    "discretion": "general",
    "other_reason": "outcome not achievable",
    "rationale": "The trust has apologised and changed its procedure; nothing more to achieve.",
}
PROPOSAL = {"rationale": "Indications of service failure and an unremedied injustice."}
NO_RISK = {"conflicts_of_interest_considered": True, "organisation_ids": [], "risks": []}
LOW = "No indication at this stage that a risk is present"

pytestmark = pytest.mark.usefixtures("guarded", "intake_stand_in")


async def ready_case(
    session: AsyncSession, trigger: str, *, parties: Sequence[Party] = (), **overrides: Any
) -> Case:
    """A case at further consideration with everything the decision gates need for ``trigger``
    (the Decision Form, contact, the approval; the suitability assessment agreeing with intake's
    ``parties``): the risk guard is what these tests look at."""
    case = await make_case(session, **overrides)
    await make_ready_to_decide(session, case, proposing=trigger == "propose", parties=parties)
    return case


async def assess(
    compliance: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    trigger: str,
    *,
    conflicts: bool = True,
) -> dict[str, Any]:
    """Record an assessment at compliance-api through its HTTP API, as the caseworker does."""
    body = {**NO_RISK, "trigger": trigger, "low_rationale": LOW}
    body["conflicts_of_interest_considered"] = conflicts
    r = await compliance.post(
        f"/v1/risk/cases/{case_id}/assessments",
        json=body,
        headers=auth_headers("caseworker", sub=CW),
    )
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


async def decide(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    what: str,
    body: dict[str, Any],
    *,
    sub: str = CW,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        f"/v1/cases/{case_id}/{what}",
        json=body,
        headers={**auth_headers("caseworker", sub=sub), **(headers or {})},
    )


async def _events(session: AsyncSession, case_id: uuid.UUID) -> list[OutboxEvent]:
    """The case's decision events; the register's ``assessment.case.status_changed`` (sent on
    opening and on every transition) is tested in tests/assessment/cases/test_status_events.py."""
    rows = await session.scalars(
        select(OutboxEvent)
        .where(
            OutboxEvent.case_id == case_id,
            OutboxEvent.type != "assessment.case.status_changed",
        )
        .order_by(OutboxEvent.sequence)
    )
    return list(rows)


async def _unchanged(session: AsyncSession, case: Case) -> None:
    """A refused decision changed nothing: status, version, no decision row, no event."""
    case_id = case.id
    session.expire_all()
    now = await session.get(Case, case_id)
    assert now is not None
    assert (now.status, now.version) == (CaseStatus.further_consideration, 1)
    declined = select(DeclineDecision.id).where(DeclineDecision.case_id == case_id)
    proposed = select(InvestigationProposal.id).where(InvestigationProposal.case_id == case_id)
    assert await session.scalar(declined) is None
    assert await session.scalar(proposed) is None
    assert await _events(session, case_id) == []


CASES = [("decline", DECLINE, "decline"), ("proposal", PROPOSAL, "propose")]


# ---------------------------------------------------------------------------------------------
# Refused without a qualifying assessment
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("what", "body", "trigger"), CASES)
async def test_refused_without_a_risk_assessment__XC_RSK_001_ASM_137_ASM_177(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    what: str,
    body: dict[str, Any],
    trigger: str,
) -> None:
    case = await ready_case(session, trigger)
    r = await decide(client, auth_headers, case.id, what, body)

    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    problem = r.json()
    href = f"{COMPLIANCE_BASE}/v1/risk/cases/{case.id}/assessments"
    assert problem["type"] == PROBLEM_TYPE_BASE + "risk-assessment-required"
    assert (problem["case_id"], problem["trigger"]) == (str(case.id), trigger)
    assert problem["requirement"] == "XC-RSK-001"
    assert problem["create_assessment"] == {"href": href, "method": "POST"}
    assert r.headers["link"] == f'<{href}>; rel="{CREATE_RELATION}"'
    await _unchanged(session, case)


@pytest.mark.parametrize(("what", "body", "trigger"), CASES)
async def test_an_assessment_for_the_other_decision_does_not_count__ASM_177(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    what: str,
    body: dict[str, Any],
    trigger: str,
) -> None:
    # ASM-177: "when a decision not to investigate is made and when a proposal … is sent".
    case = await ready_case(session, trigger)
    other = "propose" if trigger == "decline" else "decline"
    await assess(compliance, auth_headers, case.id, other)
    r = await decide(client, auth_headers, case.id, what, body)
    assert r.status_code == 409, r.text
    assert r.json()["trigger"] == trigger
    await _unchanged(session, case)


async def test_conflicts_of_interest_must_have_been_considered__ASM_137(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    # ¶2.329: the assessment includes conflicts of interest of casework and senior staff.
    case = await ready_case(session, "decline")
    await assess(compliance, auth_headers, case.id, "decline", conflicts=False)
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 409, r.text
    await _unchanged(session, case)


async def test_yesterdays_assessment_does_not_count_by_default__CMP_104(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    clock: FixedClock,
) -> None:
    # CMP-104: dated in the preceding N days, N configurable, default the same day.
    case = await ready_case(session, "decline")
    clock.advance(timedelta(days=-1))
    await assess(compliance, auth_headers, case.id, "decline")
    clock.advance(timedelta(days=1))
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 409, r.text
    assert r.json()["window_days"] == 0


# ---------------------------------------------------------------------------------------------
# Allowed with one
# ---------------------------------------------------------------------------------------------


async def test_a_decline_with_its_assessment_closes_the_case__XC_RSK_001_ASM_137(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await ready_case(session, "decline")
    assessment = await assess(compliance, auth_headers, case.id, "decline")

    r = await decide(client, auth_headers, case.id, "decline", DECLINE, headers={"If-Match": '"1"'})

    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["status"], got["closure_code"]) == ("closed", "other reason to decline")
    assert r.headers["etag"] == f'"{got["version"]}"'
    assert got["version"] == 2
    decline = got["decline"]
    assert decline["risk_assessment_id"] == assessment["id"]
    assert (decline["discretion"], decline["other_reason"]) == ("general", "outcome not achievable")
    assert decline["decided_by"] == CW
    assert decline["approved_by"] == APPROVER  # ASM-172
    [event] = await _events(session, case.id)
    assert (event.type, event.source, event.actor) == (
        "assessment.case.closed",
        "assessment-api",
        CW,
    )
    assert event.payload == {
        "reference": case.reference,
        "closure_code": "other reason to decline",
        "decision": "decision_not_to_investigate",
        "decision_id": decline["id"],
        "discretion": "general",
        "other_reason": "outcome not achievable",
        "risk_assessment_id": assessment["id"],
        "approved_by": APPROVER,  # ASM-172: who approved it travels with the closure
    }
    actions = [
        a.action
        for a in await session.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)
        )
    ]
    assert actions[-4:] == [
        "case.declined",
        "case.decline_decision_recorded",
        "decision_approval.used",  # ASM-172: the approval covers this decision only
        "case.decline_communication_recorded",  # the letter to the complainant (ASM-173)
    ]


async def test_a_proposal_with_its_assessment_is_issued_at_m1__XC_RSK_001_ASM_177_INV_003(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake_stand_in: StandIn,
) -> None:
    case = await ready_case(session, "propose")
    complainant = intake_stand_in.complainant
    assessment = await assess(compliance, auth_headers, case.id, "propose")

    r = await decide(client, auth_headers, case.id, "proposal", PROPOSAL)

    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["status"], got["closure_code"]) == ("proposed_to_investigate", None)
    assert got["proposal"]["risk_assessment_id"] == assessment["id"]
    [event] = await _events(session, case.id)
    assert (event.type, event.source, event.actor) == (
        "assessment.proposal.issued",
        "assessment-api",
        CW,
    )
    # Everything investigation opens its record from (INV-003: M1 on the issue date; C-15:
    # Monday 2 November 2026 + 10 working days).
    assert event.payload == {
        "reference": case.reference,
        "proposal_id": got["proposal"]["id"],
        "case_type": "complaint",
        "jurisdiction": "health",
        "organisations": [
            {"organisation_id": str(o), "role": "organisation"} for o in case.organisation_ids
        ],
        "named_person_ids": [],
        # intake's complainant (the stand-in's) gets the party letter (ASM-159(b)).
        "parties": [{"person_id": str(complainant), "role": "complainant"}],
        # The complaint component the case was made ready with (ASM-108).
        "component_ids": [
            str(c)
            for c in await session.scalars(
                select(ComplaintComponent.id).where(ComplaintComponent.case_id == case.id)
            )
        ],
        "comment_deadlines": [
            *(
                {"recipient_kind": "organisation", "recipient_id": str(o), "due_date": "2026-11-16"}
                for o in case.organisation_ids
            ),
            {"recipient_kind": "party", "recipient_id": str(complainant), "due_date": "2026-11-16"},
        ],
        "milestone_1_date": "2026-11-02",
        "risk_assessment_id": assessment["id"],
        "proposed_by": CW,
        "approved_by": APPROVER,  # ASM-172
        "case_allocated_to": CW,
        "team": None,
        "investigation_priority": None,  # ASM-169: the case was not prioritised
    }
    # Read back: the case shows its proposal.
    read = await client.get(f"/v1/cases/{case.id}", headers=auth_headers("auditor"))
    assert read.json()["proposal"] == got["proposal"]


async def test_a_prioritised_case_s_proposal_carries_its_prioritisation__ASM_169(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    """¶3.100: the exceptional prioritisation agreed with the line manager reaches
    investigation with the proposal, as ids and dates: the reason (health information) stays."""
    case = await ready_case(session, "propose")
    priority = await make_investigation_priority(session, case)
    await assess(compliance, auth_headers, case.id, "propose")

    r = await decide(client, auth_headers, case.id, "proposal", PROPOSAL)

    assert r.status_code == 200, r.text
    [event] = await _events(session, case.id)
    assert event.type == "assessment.proposal.issued"
    assert event.payload["investigation_priority"] == {
        "priority_id": str(priority.id),
        "line_manager_id": LINE_MANAGER,
        "discussed_at": "2026-11-02T09:00:00Z",
        "recorded_by": CW,
    }
    assert PRIORITY_REASON not in json.dumps(event.payload)
    assert priority.agreed not in json.dumps(event.payload)
    ref = ProposalIssuedV1.model_validate(event.payload).investigation_priority
    assert ref is not None
    assert ref.discussed_at == priority.discussed_at


async def test_a_replayed_decision_answers_the_same_without_asking_again(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await ready_case(session, "decline")
    await assess(compliance, auth_headers, case.id, "decline")
    key = {"Idempotency-Key": f"decline-{case.id}"}
    first = await decide(client, auth_headers, case.id, "decline", DECLINE, headers=key)
    again = await decide(client, auth_headers, case.id, "decline", DECLINE, headers=key)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len(await _events(session, case.id)) == 1


# ---------------------------------------------------------------------------------------------
# compliance-api cannot answer: 503 with Retry-After, never a pass
# ---------------------------------------------------------------------------------------------


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(("what", "body", "trigger"), CASES)
async def test_compliance_unreachable_is_a_503_with_retry_after__XC_RSK_001(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    app: FastAPI,
    dev_keys_dir: Any,
    compliance: httpx.AsyncClient,
    what: str,
    body: dict[str, Any],
    trigger: str,
) -> None:
    case = await ready_case(session, trigger)
    await assess(compliance, auth_headers, case.id, trigger)  # it exists, but nobody can say
    app.state.risk_client = ServiceClient(
        base_url=f"http://127.0.0.1:{_unused_port()}", audience="compliance-api",
        tokens=DevServiceTokenProvider(keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="a"),
    )  # fmt: skip
    try:
        r = await decide(client, auth_headers, case.id, what, body)
    finally:
        await app.state.risk_client.aclose()
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert int(r.headers["retry-after"]) > 0
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "risk-service-unavailable"
    await _unchanged(session, case)


# ---------------------------------------------------------------------------------------------
# The state, the case's version and its owner come first
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [CaseStatus.awaiting_allocation, CaseStatus.ect_triage, CaseStatus.closed]
)
@pytest.mark.parametrize(("what", "body", "trigger"), CASES)
async def test_only_a_case_at_further_consideration_is_decided__T32_T35(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    status: CaseStatus,
    what: str,
    body: dict[str, Any],
    trigger: str,
) -> None:
    # Refused before compliance-api is asked: no assessment exists, and the answer is not 409
    # risk-assessment-required but the transition's own refusal.
    case = await make_case(session, status=status)
    r = await decide(client, auth_headers, case.id, what, body)
    assert r.status_code == 409, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "case-transition-not-allowed"
    assert r.json()["current_status"] == status.value


async def test_a_stale_if_match_is_412_before_compliance_is_asked(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await decide(client, auth_headers, case.id, "decline", DECLINE, headers={"If-Match": '"7"'})
    assert r.status_code == 412, r.text


async def test_only_the_owner_decides__XC_ROL(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, owner=OTHER_CW)
    r = await decide(client, auth_headers, case.id, "proposal", PROPOSAL)
    assert r.status_code == 403, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "not-case-owner"


async def test_an_unknown_case_is_404(client: httpx.AsyncClient, auth_headers: Headers) -> None:
    r = await decide(client, auth_headers, uuid.uuid4(), "decline", DECLINE)
    assert r.status_code == 404, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "case-not-found"


# ---------------------------------------------------------------------------------------------
# ASM-093: one reason, with its discretion
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "problems"),
    [
        ({"closure_code": "premature"}, 422, ["discretion_required"]),
        ({"closure_code": "Three-year rule", "discretion": "specific"}, 422,
         ["discretion_not_applicable"]),
        ({"closure_code": "other reason to decline", "discretion": "general"}, 422,
         ["other_reason_required"]),
        ({"closure_code": "premature", "discretion": "specific",
          "other_reason": "linked to lead"}, 422, ["other_reason_not_applicable"]),
        ({"closure_code": "withdrawn"}, 422, None),
        ({"closure_code": "not a code"}, 422, None),
        ({"closure_code": ""}, 422, None),
        ({"closure_code": None}, 422, None),
    ],
)  # fmt: skip
async def test_a_decline_gives_a_single_valid_reason__ASM_093(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    body: dict[str, Any],
    status: int,
    problems: list[str] | None,
) -> None:
    case = await make_case(session)
    r = await decide(
        client, auth_headers, case.id, "decline", {"rationale": "Reasons given.", **body}
    )
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    if problems is not None:
        assert r.json()["type"] == PROBLEM_TYPE_BASE + "decline-reason-invalid"
        assert r.json()["problems"] == problems
    await _unchanged(session, case)


@pytest.mark.parametrize("rationale", ["", "  ", None, "x" * 5001])
async def test_a_decision_needs_its_rationale__ASM_093(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, rationale: Any
) -> None:
    case = await make_case(session)
    for what, body in (("decline", DECLINE), ("proposal", PROPOSAL)):
        r = await decide(client, auth_headers, case.id, what, {**body, "rationale": rationale})
        assert r.status_code == 422, r.text


def test_proposal_comments_are_due_in_ten_working_days__ASM_161() -> None:
    # ASM-161's example: letters sent Thursday 3 April 2025 → Thursday 17 April 2025 (Good
    # Friday, 18 April, falls after the window; Easter Monday is not inside it either).
    calendar = WorkingCalendar()
    assert PROPOSAL_COMMENTS.due_date(date(2025, 4, 3), calendar) == date(2025, 4, 17)
    # Over Christmas: 18 December 2025 + 10 working days skips 25, 26 December and 1 January.
    assert PROPOSAL_COMMENTS.due_date(date(2025, 12, 18), calendar) == date(2026, 1, 6)


@pytest.mark.parametrize("trigger", ["decline", "propose"])
async def test_intakes_roles_must_be_as_the_suitability_assessment_makes_them__ASM_113(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake_stand_in: StandIn,
    trigger: str,
) -> None:
    # The assessment makes the stand-in's complainant the aggrieved, complaining personally;
    # intake records someone else as the complainant: the decision waits for intake's roles to
    # be corrected (¶2.261–2.262), asked once intake's parties are read, under the case's lock.
    case = await ready_case(session, trigger)
    case_id = case.id
    other = uuid.uuid4()
    intake_stand_in.parties[case_id] = party_rows(
        {intake_stand_in.complainant: "aggrieved", other: "complainant"}
    )
    await assess(compliance, auth_headers, case_id, trigger)
    what, body = (
        ("decline", DECLINE | {"aggrieved_copy": False})
        if trigger == "decline"
        else ("proposal", PROPOSAL)
    )
    r = await decide(client, auth_headers, case_id, what, body)
    assert r.status_code == 409, r.text
    assert r.json()["type"] == f"{PROBLEM_TYPE_BASE}decision-not-ready"
    missing = [(m["requirement"], m["detail"]) for m in r.json()["missing"]]
    assert (
        "ASM-113",
        f"complainant: intake records {other} as the complainant, but the assessment makes "
        f"{intake_stand_in.complainant} the complainant (¶2.261–2.262)",
    ) in missing, missing
    assert {req for req, _ in missing} == {"ASM-113"}
    session.expire_all()
    held = await session.get(Case, case_id)
    assert held is not None
    assert held.status is CaseStatus.further_consideration
    # Corrected at intake: the same decision goes through.
    intake_stand_in.parties[case_id] = party_rows({intake_stand_in.complainant: "complainant"})
    r = await decide(client, auth_headers, case_id, what, body)
    assert r.status_code == 200, r.text

"""Resolution at further consideration over HTTP (T33, T34; ASM-153…156, XC-RSK-001): requested
of the organisation with both sides told these are not recommendations, refused (back to further
consideration) or agreed (closed as a resolution behind the risk guard, issued to intake's
parties, announced to compliance-api). compliance-api is a real app in process; intake's parties
come from a stand-in (tests/assessment/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.components.models import ComplaintComponent
from assessment_api.decision_approvals.models import DecisionApproval
from assessment_api.resolution.models import FcResolutionCommunication, FcResolutionRequest
from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from shared.events.contracts.assessment import ResolutionAgreedV1
from shared.http_api.problems import PROBLEM_JSON
from shared.outbox.models import OutboxEvent
from tests.assessment.cases.builders import CW, ORG, OTHER_CW, make_case, make_ready_to_decide
from tests.assessment.decision_approvals.builders import APPROVER, make_decision_approvals_ready
from tests.assessment.intake_peer import StandIn, party_rows
from tests.assessment.resolution.builders import make_resolution_request
from tests.helpers import NOW_ISO

Headers = Callable[..., dict[str, str]]
pytestmark = pytest.mark.usefixtures("guarded", "intake_stand_in")

REQUEST = {
    "organisation_ids": [str(ORG)],
    "actions": ["financial_redress", "further_response_to_unanswered_issues"],
    "due_date": "2026-12-01",
    "rationale": "A payment and a reply would resolve the complaint with minimal intervention.",
    "complainant_told_not_recommendations": True,
    "organisations_told_not_recommendations": True,
}
REFUSED = {"heard_at": NOW_ISO, "heard_by": "email", "summary": "The trust will not pay."}
AGREED = {
    "heard_at": NOW_ISO,
    "heard_by": "letter",
    "summary": "The trust agrees to pay and to reply.",
    "organisation_already_acting": False,
    "components": [
        {"description": "Lost hearing aid", "significant": True, "resolved": True},
        {"description": "Unanswered questions", "resolved": True},
        {"description": "Attitude of staff", "resolved": False},
    ],
    "complaints_process_complete": True,
    "properly_made": True,
}
NO_RISK = {"conflicts_of_interest_considered": True, "organisation_ids": [], "risks": []}
LOW = "No indication at this stage that a risk is present"
GD_RESOLUTION = "general discretion - resolution"


async def assess(
    compliance: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, trigger: str
) -> dict[str, Any]:
    """Record a risk assessment at compliance-api through its HTTP API, as the caseworker does."""
    body = {**NO_RISK, "trigger": trigger, "low_rationale": LOW}
    r = await compliance.post(
        f"/v1/risk/cases/{case_id}/assessments", json=body,
        headers=auth_headers("caseworker", sub=CW),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


async def act(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    what: str,
    body: dict[str, Any],
    *,
    sub: str = CW,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    path = f"/v1/cases/{case_id}/resolution" + (f"/{what}" if what else "")
    return await client.post(
        path, json=body, headers={**auth_headers("caseworker", sub=sub), **(headers or {})}
    )


def problem(r: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = r.json()
    assert body["type"] == PROBLEM_TYPE_BASE + type_, body
    return body


async def _events(session: AsyncSession, case_id: uuid.UUID) -> list[OutboxEvent]:
    rows = await session.scalars(
        select(OutboxEvent).where(OutboxEvent.case_id == case_id).order_by(OutboxEvent.sequence)
    )
    return list(rows)


async def _status(session: AsyncSession, case_id: uuid.UUID) -> CaseStatus:
    session.expire_all()
    case = await session.get(Case, case_id)
    assert case is not None
    return case.status


async def _actions(session: AsyncSession, case_id: uuid.UUID) -> list[str]:
    rows = await session.scalars(
        select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    )
    return list(rows)


async def agreeable(session: AsyncSession, case: Case, **request: Any) -> FcResolutionRequest:
    """Every gate of a resolution met (ASM-156: the form records it, the component is resolved,
    the approval), then the resolution requested: the case awaits the organisation's answer."""
    await make_ready_to_decide(session, case, proposing=False, closure_code=GD_RESOLUTION)
    return await make_resolution_request(session, case, **request)


# --- The request (T33 first half) ------------------------------------------------------------


async def test_a_request_told_to_both_sides_awaits_the_organisation__ASM_154_T33(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await act(client, auth_headers, case.id, "", REQUEST, headers={"If-Match": '"1"'})

    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["case_status"], got["case_version"]) == ("resolution_requested", 2)
    assert r.headers["etag"] == '"2"'
    (request,) = got["requests"]
    assert request["status"] == "requested"
    assert request["actions"] == ["financial_redress", "further_response_to_unanswered_issues"]
    assert (request["organisation_ids"], request["due_date"]) == ([str(ORG)], "2026-12-01")
    assert request["complainant_told_not_recommendations"] is True
    assert request["organisations_told_not_recommendations"] is True
    assert request["requested_by"] == CW
    assert await _status(session, case.id) is CaseStatus.resolution_requested
    assert (await _actions(session, case.id))[-2:] == [
        "case.resolution_requested",
        "fc_resolution.requested",
    ]
    # intake's register follows the case (status_events); nothing closes yet.
    changed = [e for e in await _events(session, case.id) if e.sequence > 1]
    assert [(e.type, e.payload["status"]) for e in changed] == [
        ("assessment.case.status_changed", "resolution_requested")
    ]
    read = await client.get(f"/v1/cases/{case.id}/resolution", headers=auth_headers("auditor"))
    assert read.status_code == 200, read.text
    assert read.json() == got


@pytest.mark.parametrize(
    ("told", "problems"),
    [
        ({"complainant_told_not_recommendations": False},
         ["complainant_not_told_not_recommendations"]),
        ({"organisations_told_not_recommendations": False},
         ["organisation_not_told_not_recommendations"]),
    ],
)  # fmt: skip
async def test_a_request_without_both_sides_told_is_refused__ASM_154(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    told: dict[str, bool],
    problems: list[str],
) -> None:
    case = await make_case(session)
    r = await act(client, auth_headers, case.id, "", REQUEST | told)
    body = problem(r, 422, "fc-resolution-not-recommendations-untold")
    assert (body["requirement"], body["problems"]) == ("ASM-154", problems)
    assert await _status(session, case.id) is CaseStatus.further_consideration
    assert await session.scalar(select(FcResolutionRequest.id)) is None


@pytest.mark.parametrize(
    ("change", "status", "type_"),
    [
        ({"organisation_ids": [str(uuid.uuid4())]}, 422, "fc-resolution-organisation-not-on-case"),
        ({"actions": ["financial_redress"] * 2}, 422, "fc-resolution-request-invalid"),
        ({"due_date": "2026-11-01"}, 422, "fc-resolution-request-invalid"),
        ({"actions": []}, 422, "validation-error"),
        ({"actions": ["an apology"]}, 422, "validation-error"),
        ({"complainant_told_not_recommendations": None}, 422, "validation-error"),
        ({"rationale": "  "}, 422, "validation-error"),
    ],
)
async def test_a_request_the_rules_refuse_changes_nothing(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    change: dict[str, Any],
    status: int,
    type_: str,
) -> None:
    case = await make_case(session)
    r = await act(client, auth_headers, case.id, "", REQUEST | change)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    if type_ != "validation-error":
        problem(r, status, type_)
    assert await _status(session, case.id) is CaseStatus.further_consideration


@pytest.mark.parametrize(
    "status",
    [CaseStatus.awaiting_allocation, CaseStatus.resolution_requested, CaseStatus.closed],
)
async def test_a_resolution_is_requested_at_further_consideration__T33(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, status: CaseStatus
) -> None:
    case = await make_case(session, status=status)
    body = problem(
        await act(client, auth_headers, case.id, "", REQUEST),
        409,
        "fc-resolution-not-at-further-consideration",
    )
    assert body["current_status"] == status.value


async def test_only_the_caseworker_holding_the_case_requests__XC_ROL(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, owner=OTHER_CW)
    problem(await act(client, auth_headers, case.id, "", REQUEST), 403, "not-case-owner")
    problem(await act(client, auth_headers, uuid.uuid4(), "", REQUEST), 404, "case-not-found")


async def test_a_stale_if_match_is_412(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await act(client, auth_headers, case.id, "", REQUEST, headers={"If-Match": '"5"'})
    assert r.status_code == 412, r.text


async def test_a_replayed_request_answers_the_same(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    key = {"Idempotency-Key": f"request-{case.id}"}
    first = await act(client, auth_headers, case.id, "", REQUEST, headers=key)
    again = await act(client, auth_headers, case.id, "", REQUEST, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    rows = await session.scalars(
        select(FcResolutionRequest.id).where(FcResolutionRequest.case_id == case.id)
    )
    assert len(list(rows)) == 1


# --- Refused (T34) ---------------------------------------------------------------------------


async def test_a_refusal_is_audited_and_the_caseworker_may_then_propose__ASM_154_T34(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=True)  # every gate of the proposal
    await make_resolution_request(session, case)

    r = await act(client, auth_headers, case.id, "refused", REFUSED, headers={"If-Match": '"2"'})

    assert r.status_code == 200, r.text
    got = r.json()
    assert got["case_status"] == "further_consideration"
    (request,) = got["requests"]
    assert (request["status"], request["heard_by"], request["answer_recorded_by"]) == (
        "refused", "email", CW,
    )  # fmt: skip
    (answer,) = got["communications"]
    assert (answer["direction"], answer["medium"], answer["summary"]) == (
        "inbound", "email", "The trust will not pay.",
    )  # fmt: skip
    assert (await _actions(session, case.id))[-3:] == [
        "case.resolution_refused",
        "fc_resolution.refused",
        "fc_resolution.answer_heard",
    ]
    row = await session.scalar(select(FcResolutionCommunication))
    assert row is not None
    assert row.legal_scan is not None  # XC-RSK-004: what they said, scanned
    # ¶3.65: "The caseworker may then decide we should propose to investigate the case."
    await assess(compliance, auth_headers, case.id, "propose")
    proposed = await client.post(
        f"/v1/cases/{case.id}/proposal",
        json={"rationale": "The trust refused to resolve it; an investigation is needed."},
        headers=auth_headers("caseworker", sub=CW),
    )
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["status"] == "proposed_to_investigate"


async def test_an_answer_with_nothing_requested_is_409__T34(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    problem(
        await act(client, auth_headers, case.id, "refused", REFUSED),
        409,
        "fc-resolution-not-requested",
    )
    problem(
        await act(client, auth_headers, case.id, "agreed", AGREED),
        409,
        "fc-resolution-not-requested",
    )


async def test_an_answer_heard_before_the_request_is_refused(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_resolution_request(session, case)
    early = REFUSED | {"heard_at": "2026-11-01T10:00:00Z"}
    problem(
        await act(client, auth_headers, case.id, "refused", early),
        422,
        "fc-resolution-answer-time-invalid",
    )
    later = REFUSED | {"heard_at": "2026-11-02T10:00:01Z"}  # after now
    problem(
        await act(client, auth_headers, case.id, "refused", later),
        422,
        "fc-resolution-answer-time-invalid",
    )
    assert await _status(session, case.id) is CaseStatus.resolution_requested


# --- Agreed (T33 second half) ----------------------------------------------------------------


async def test_an_agreement_closes_as_a_resolution_and_tells_compliance__ASM_155_ASM_156_T33(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake_stand_in: StandIn,
) -> None:
    case = await make_case(session)
    request = await agreeable(session, case)
    case_id, reference, request_id = case.id, case.reference, request.id
    mp = uuid.uuid4()
    intake_stand_in.parties[case.id] = party_rows(
        {intake_stand_in.complainant: "complainant", mp: "mp (referring)"}
    )
    assessment = await assess(compliance, auth_headers, case_id, "decline")
    resolved = list(
        await session.scalars(
            select(ComplaintComponent.id).where(ComplaintComponent.case_id == case_id)
        )
    )
    approval_id = await session.scalar(
        select(DecisionApproval.id).where(DecisionApproval.case_id == case_id)
    )

    r = await act(client, auth_headers, case_id, "agreed", AGREED, headers={"If-Match": '"2"'})

    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["case_status"], got["case_version"]) == ("closed", 3)
    (agreed,) = got["requests"]
    assert agreed["status"] == "agreed"
    assert agreed["closure_code"] == "general discretion - resolution"
    assert agreed["risk_assessment_id"] == assessment["id"]
    # ASM-156, ASM-172: a decision not to investigate, closed under its approval, now used.
    assert (agreed["approval_id"], agreed["approved_by"]) == (str(approval_id), APPROVER)
    session.expire_all()
    used = await session.get(DecisionApproval, approval_id)
    assert used is not None
    assert used.used_at is not None
    assert agreed["agreement"]["components"][0] == {
        "description": "Lost hearing aid", "significant": True, "resolved": True,
    }  # fmt: skip
    session.expire_all()
    closed = await session.get(Case, case_id)
    assert closed is not None
    assert (closed.status, closed.closure_code) == (
        CaseStatus.closed,
        "general discretion - resolution",
    )
    # ASM-156 (¶3.67): a decision not to investigate, issued under the normal requirements:
    # the letter addressed to the complainant, the MP's copy (ASM-173), and the organisation
    # asked to act told of the decision (¶3.117).
    sent = {
        (c["direction"], c["medium"], c["recipients"][0]["person_id"] if c["recipients"] else None,
         c["recipients"][0]["organisation_id"] if c["recipients"] else None,
         c["recipients"][0]["is_copy"] if c["recipients"] else None)
        for c in got["communications"]
    }  # fmt: skip
    assert sent == {
        ("inbound", "letter", None, None, None),  # the organisation's agreement, as heard
        ("outbound", "letter", str(intake_stand_in.complainant), None, False),
        ("outbound", "letter", str(mp), None, True),
        ("outbound", "letter", None, str(ORG), False),
    }
    events = {e.type: e for e in await _events(session, case_id)}
    assert events["assessment.case.closed"].payload == {
        "reference": reference,
        "closure_code": "general discretion - resolution",
        "decision": "decision_not_to_investigate",
        "decision_id": str(request_id),
        "discretion": None,
        "other_reason": None,
        "risk_assessment_id": assessment["id"],
        "approved_by": APPROVER,  # ASM-172: closed under its approval
    }
    resolution = events["assessment.resolution.agreed"]
    assert (resolution.source, resolution.actor) == ("assessment-api", CW)
    assert resolution.payload == {
        "reference": reference,
        "resolution_id": str(request_id),
        "organisation_ids": [str(ORG)],
        "component_ids": [str(c) for c in resolved],  # the components it resolves (¶3.120)
        "actions": ["financial_redress", "service_improvements"],
        "due_date": "2026-12-01",
        "decided_by": CW,
        "risk_assessment_id": assessment["id"],
    }
    # The payload is the published contract compliance-api consumes (ASM-155; the item it
    # opens never escalates: tests/compliance/resolutions).
    ResolutionAgreedV1.model_validate(resolution.payload)
    actions = await _actions(session, case_id)
    assert "case.resolved_at_further_consideration" in actions
    assert "fc_resolution.agreed" in actions
    assert actions.count("fc_resolution.communication_recorded") == 3


async def test_the_agreed_date_given_with_the_agreement_is_the_items_due_date__ASM_155(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await make_case(session)
    await agreeable(session, case, due_date=None)
    await assess(compliance, auth_headers, case.id, "decline")
    body = AGREED | {"due_date": "2027-01-15", "properly_made": False}
    r = await act(client, auth_headers, case.id, "agreed", body)
    assert r.status_code == 200, r.text
    # ¶3.59 / ASM-070's test: a complaint not properly made closes as 'premature - resolution'.
    assert r.json()["requests"][0]["closure_code"] == "premature - resolution"
    events = {e.type: e.payload for e in await _events(session, case.id)}
    assert events["assessment.resolution.agreed"]["due_date"] == "2027-01-15"
    assert events["assessment.case.closed"]["closure_code"] == "premature - resolution"


async def test_an_agreement_without_a_decline_risk_assessment_is_refused__XC_RSK_001_ASM_156(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await make_case(session)
    await agreeable(session, case)
    await assess(compliance, auth_headers, case.id, "propose")  # the other decision's
    body = problem(
        await act(client, auth_headers, case.id, "agreed", AGREED), 409, "risk-assessment-required"
    )
    assert (body["trigger"], body["requirement"]) == ("decline", "XC-RSK-001")
    assert await _status(session, case.id) is CaseStatus.resolution_requested
    assert [e.type for e in await _events(session, case.id)] == ["assessment.case.status_changed"]
    assert await session.scalar(select(FcResolutionCommunication.id)) is None


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        ({"organisation_already_acting": True}, ["organisation_action_does_not_count"]),
        (
            {"components": [{"description": "Lost hearing aid", "resolved": True},
                            {"description": "Unanswered questions", "resolved": False}]},
            ["not_resolved_overall"],
        ),
        ({"due_date": "2026-11-01"}, ["due_date_in_past"]),
    ],
)  # fmt: skip
async def test_an_agreement_that_does_not_resolve_the_complaint_is_refused__ASM_153(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    change: dict[str, Any],
    problems: list[str],
) -> None:
    case = await make_case(session)
    await make_resolution_request(session, case)
    body = problem(
        await act(client, auth_headers, case.id, "agreed", AGREED | change),
        422,
        "fc-resolution-agreement-invalid",
    )
    assert (body["requirement"], body["problems"]) == ("ASM-153", problems)
    assert await _status(session, case.id) is CaseStatus.resolution_requested


async def test_an_agreement_with_the_aggrieveds_copy_undecided_is_refused__ASM_156_ASM_174(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake_stand_in: StandIn,
) -> None:
    case = await make_case(session)
    await agreeable(session, case)
    intake_stand_in.parties[case.id] = party_rows(
        {intake_stand_in.complainant: "complainant", uuid.uuid4(): "aggrieved"}
    )
    await assess(compliance, auth_headers, case.id, "decline")
    body = problem(
        await act(client, auth_headers, case.id, "agreed", AGREED),
        409,
        "decision-recipients-incomplete",
    )
    assert body["requirement"] == "ASM-174"
    assert await _status(session, case.id) is CaseStatus.resolution_requested
    # Decided: the aggrieved gets a copy, and the case closes.
    r = await act(client, auth_headers, case.id, "agreed", AGREED | {"aggrieved_copy": True})
    assert r.status_code == 200, r.text
    copies = [c for c in r.json()["communications"] if c["recipients"]]
    assert len(copies) == 3  # complainant, aggrieved's copy, the organisation


async def test_an_agreement_with_no_complainant_at_intake_is_refused__ASM_156_ASM_173(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    intake_stand_in: StandIn,
) -> None:
    case = await make_case(session)
    await agreeable(session, case)
    intake_stand_in.parties[case.id] = []
    await assess(compliance, auth_headers, case.id, "decline")
    body = problem(
        await act(client, auth_headers, case.id, "agreed", AGREED),
        409,
        "decision-recipients-incomplete",
    )
    assert body["requirement"] == "ASM-173"


async def test_the_complaint_handlers_rules_gate_the_agreement__ASM_156(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # _check_ready: a decision not to investigate needs a decision per organisation complained
    # about first (ASM-081), asked before intake or compliance-api.
    from assessment_api.handlers.rules import OrganisationRole, Scope
    from tests.assessment.handlers.builders import HANDLER, ORIGINAL, make_handlers

    case = await make_case(session)
    await make_resolution_request(session, case)
    await make_handlers(
        session, case, scope=Scope.both,
        organisations=((ORIGINAL, OrganisationRole.provider, True),
                       (HANDLER, OrganisationRole.commissioner, True)),
    )  # fmt: skip
    body = problem(
        await act(client, auth_headers, case.id, "agreed", AGREED),
        409,
        "organisation-decisions-missing",
    )
    assert body["requirement"] in ("ASM-076", "ASM-081")
    assert await _status(session, case.id) is CaseStatus.resolution_requested


# --- The decision gates of a resolution (ASM-156 ¶3.67: the normal requirements) -------------


async def test_an_agreement_before_the_gates_are_met_is_refused_before_compliance__ASM_156(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # No form, no components, no approval: refused with every gap at once, before compliance-api
    # is asked (no risk assessment is recorded, and the answer is not risk-assessment-required).
    case = await make_case(session)
    await make_resolution_request(session, case)
    body = problem(
        await act(client, auth_headers, case.id, "agreed", AGREED), 409, "decision-not-ready"
    )
    missing = {m["requirement"] for m in body["missing"]}
    # The Decision Form (none yet), contact, components and approval each name their gap.
    assert {"ASM-095", "ASM-101", "ASM-105", "ASM-108", "ASM-172"} <= missing, body
    assert body["detail"].startswith("Before closing the case as a resolution")
    assert await _status(session, case.id) is CaseStatus.resolution_requested
    assert [e.type for e in await _events(session, case.id)] == ["assessment.case.status_changed"]


@pytest.mark.parametrize(
    ("skip", "requirements", "detail"),
    [
        ("approvals", ["ASM-172"], "closing the case as a resolution"),
        ("components", ["ASM-105", "ASM-108"], "No complaint summary"),
    ],
)
async def test_each_gate_of_a_decision_not_to_investigate_holds_a_resolution__ASM_156_ASM_172(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    skip: str,
    requirements: list[str],
    detail: str,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(
        session, case, proposing=False, closure_code=GD_RESOLUTION, skip=frozenset({skip})
    )
    await make_resolution_request(session, case)
    body = problem(
        await act(client, auth_headers, case.id, "agreed", AGREED), 409, "decision-not-ready"
    )
    assert [m["requirement"] for m in body["missing"]] == requirements, body
    assert detail in body["missing"][0]["detail"]


A_DECLINE: dict[str, Any] = {
    "closure_code": "other reason to decline",
    "discretion": "general",
    "other_reason": "outcome not achievable",
}


@pytest.mark.parametrize(
    ("gate", "requirement", "detail"),
    [
        # ASM-172: an approval covers exactly the decision approved; a decline is another.
        ("approvals", "ASM-172", "ask for closing the case as a resolution to be approved"),
        # ASM-156, ASM-093: the decision made is the one the Decision Form records.
        ("decision_form", "ASM-156", "decision.outcome: record the decision to close the case"),
    ],
)
async def test_a_declines_approval_or_form_does_not_stand_for_a_resolution__ASM_172_ASM_156(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    gate: str,
    requirement: str,
    detail: str,
) -> None:
    from tests.assessment.decision_form.builders import make_decision_form_ready

    case = await make_case(session)
    await make_ready_to_decide(
        session, case, proposing=False, closure_code=GD_RESOLUTION, skip=frozenset({gate})
    )
    made_for_a_decline = (
        make_decision_approvals_ready if gate == "approvals" else make_decision_form_ready
    )
    await made_for_a_decline(session, case.id, proposing=False, **A_DECLINE)
    await make_resolution_request(session, case)
    body = problem(
        await act(client, auth_headers, case.id, "agreed", AGREED), 409, "decision-not-ready"
    )
    gaps = [(m["requirement"], m["detail"]) for m in body["missing"]]
    assert any(r == requirement and d.startswith(detail) for r, d in gaps), gaps


async def test_the_readiness_read_lists_what_is_left_before_a_resolution__ASM_156(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    url = f"/v1/cases/{case.id}/decision-readiness"
    r = await client.get(url, headers=auth_headers("caseworker", sub=CW))
    assert r.status_code == 200, r.text
    assert {"ASM-172", "ASM-105"} <= {g["requirement"] for g in r.json()["before_resolution"]}
    await make_ready_to_decide(session, case, proposing=False, closure_code=GD_RESOLUTION)
    r = await client.get(url, headers=auth_headers("caseworker", sub=CW))
    assert r.json()["before_resolution"] == [], r.json()
    # A resolution is not a decline: the decline's own reason and approval are still missing.
    assert r.json()["before_decline"] != []


async def test_an_agreed_resolution_without_its_approval_is_refused_by_the_database__ASM_156(
    session: AsyncSession,
) -> None:
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from assessment_api.resolution.state import RequestStatus

    case = await make_case(session)
    request = await make_resolution_request(session, case)
    with pytest.raises(IntegrityError, match="agreed_is_approved"):
        async with session.begin_nested():
            await session.execute(
                update(FcResolutionRequest)
                .where(FcResolutionRequest.id == request.id)
                .values(status=RequestStatus.agreed)
            )

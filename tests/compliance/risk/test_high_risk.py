"""The high-risk path over HTTP (B.6): the manager's discussion and the AD's review (CMP-113),
oversight request and assignment (CMP-127/128) with the staff directory, the rating lock
(CMP-115), meetings and decisions (CMP-129/130), monthly updates (CMP-131), the People exception
(XC-RSK-005) and the work queues."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.risk.models import RiskEscalation, RiskTask
from shared.audit import AuditEntry
from shared.clock import FixedClock
from shared.outbox.models import OutboxEvent
from shared.staff import StaffDirectory
from tests.compliance.risk.builders import (
    AD,
    CONFLICTED,
    CW,
    DEPUTY,
    DLPS,
    LEFT,
    MGR,
    OMBUDSMAN,
    ORG,
    ask_override,
    assessment_body,
    decide_override,
    make_assessment,
    make_escalation,
    refused,
)
from tests.helpers import TODAY, TODAY_ISO

Headers = Callable[..., dict[str, str]]
PLAN = {"outcome": "reduce", "plan": "Legal Team reviews every letter before it is sent"}


def high_risk(**extra: Any) -> dict[str, Any]:
    return {
        "category": "legal",
        "description": "A pre-action protocol letter was received",
        "impact": "critical",
        "likelihood": "highly_likely",
        "mitigation": PLAN,
        "action_if_occurs": "Legal Team handles the claim",
        **extra,
    }


def assessment(risks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return assessment_body(risks, **{"trigger": "propose", **extra})


def oversight_request(**extra: Any) -> dict[str, Any]:
    return {
        "template_document_id": str(uuid.uuid4()),
        "submitted_to": AD,
        "meeting_on": TODAY_ISO,
        **extra,
    }


async def _assess(
    client: httpx.AsyncClient, case_id: uuid.UUID, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    return await client.post(f"/v1/risk/cases/{case_id}/assessments", json=body, headers=headers)


async def _escalation(client: httpx.AsyncClient, case_id: uuid.UUID, h: dict[str, str]) -> Any:
    response = await client.get(f"/v1/risk/cases/{case_id}/escalation", headers=h)
    assert response.status_code == 200, response.text
    return response.json()


def _url(e: RiskEscalation | str, step: str) -> str:
    escalation_id = e if isinstance(e, str) else e.id
    return f"/v1/risk/escalations/{escalation_id}/{step}"


# --- CMP-113 -------------------------------------------------------------------------------------


async def test_a_high_rating_creates_a_manager_task_to_discuss_it__CMP_113(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    got = await _assess(client, case_id, assessment([high_risk()]), cw)
    assert got.json()["high_risk_path"] == "escalation"
    e = await _escalation(client, case_id, cw)
    assert (e["state"], e["opened_by"], e["assessment_id"]) == (
        "awaiting_manager",
        CW,
        got.json()["id"],
    )
    assert (e["agreement"]["kind"], e["agreement"]["decision"]) == ("high_risk_agreement", None)
    tasks = (await client.get(f"/v1/risk/cases/{case_id}/tasks", headers=cw)).json()
    assert [(t["kind"], t["done_at"], t["id"]) for t in tasks] == [
        ("discuss_high_risk", None, e["task_id"])
    ]
    assert "as soon as possible" in tasks[0]["rule"]
    # A second high assessment keeps the one escalation.
    again = assessment([high_risk()], trigger="confirm_investigation")
    assert (await _assess(client, case_id, again, cw)).status_code == 201
    count = await session.scalars(select(RiskEscalation).where(RiskEscalation.case_id == case_id))
    assert len(count.all()) == 1


@pytest.mark.parametrize("rating", ["low", "medium"])
async def test_no_escalation_below_high__CMP_113(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, rating: str
) -> None:
    risk = (
        {"impact": "minor", "likelihood": "unlikely"}
        if rating == "low"
        else {"impact": "moderate", "likelihood": "likely"}
    )
    got = await _assess(client, case_id, assessment([high_risk(**risk)]), cw)
    assert (got.json()["rating"], got.json()["high_risk_path"]) == (rating, "none")
    refused(await client.get(f"/v1/risk/cases/{case_id}/escalation", headers=cw), 404)


async def test_on_the_managers_agreement_the_plan_goes_to_an_ad_for_review__CMP_113(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    ad: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
    directory_calls: list[str],
) -> None:
    await _assess(client, case_id, assessment([high_risk()]), cw)
    e = await _escalation(client, case_id, cw)
    # The plan cannot go to the AD before the manager agreed.
    early = await client.post(
        _url(e["id"], "mitigation-plan"), json={**PLAN, "sent_to": AD}, headers=cw
    )
    refused(early, 409, "escalation-transition-not-allowed")
    decided = await client.post(
        _url(e["id"], "manager-decision"),
        json={"agree": True, "reason": "Discussed today"},
        headers={**manager, "If-Match": '"1"'},
    )
    assert decided.status_code == 200, decided.text
    got = decided.json()
    assert got["state"] == "manager_agreed"
    assert (got["agreement"]["decision"], got["agreement"]["decided_by"]) == ("approved", MGR)
    task = await session.get(RiskTask, uuid.UUID(e["task_id"]), populate_existing=True)
    assert task is not None
    assert (task.done_by, task.done_note) == (MGR, "Discussed: agreed")
    # The plan goes to someone the directory holds as an AD.
    not_ad = await client.post(
        _url(e["id"], "mitigation-plan"), json={**PLAN, "sent_to": MGR}, headers=cw
    )
    refused(not_ad, 422, "staff-not-eligible")
    sent = await client.post(
        _url(e["id"], "mitigation-plan"), json={**PLAN, "sent_to": AD}, headers=cw
    )
    assert sent.status_code == 200, sent.text
    got = sent.json()
    assert (got["state"], got["plan_sent_to"], got["plan_outcome"]) == (
        "plan_with_ad",
        AD,
        "reduce",
    )
    assert got["ad_review_requested_at"] is not None
    assert set(directory_calls) == {"Bearer"}  # with a service token
    reviewed = await client.post(_url(e["id"], "plan-review"), json={"approve": True}, headers=ad)
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["state"] == "plan_reviewed"
    assert reviewed.json()["plan_review"]["decided_by"] == AD
    actions = (
        await session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity_type == "risk_escalation", AuditEntry.case_id == case_id)
            .order_by(AuditEntry.id)
        )
    ).all()
    assert actions == [
        "risk.escalation_opened",
        "risk.escalation.manager_agreed",
        "risk.escalation.plan_with_ad",
        "risk.escalation.plan_reviewed",
    ]


async def test_the_plan_is_reviewed_by_the_ad_it_was_sent_to_only__CMP_113(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    ad: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="plan_with_ad")
    other = auth_headers("assistant_director", sub="ad-other")
    refused(
        await client.post(_url(e, "plan-review"), json={"approve": True}, headers=other),
        403,
        "not-the-designated-person",
    )
    returned = await client.post(
        _url(e, "plan-review"), json={"approve": False, "reason": "Add the press plan"}, headers=ad
    )
    assert returned.json()["state"] == "manager_agreed"


async def test_a_manager_who_disagrees_ends_the_escalation__CMP_113(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    case_id: uuid.UUID,
) -> None:
    await _assess(client, case_id, assessment([high_risk()]), cw)
    e = await _escalation(client, case_id, cw)
    refused(
        await client.post(_url(e["id"], "manager-decision"), json={"agree": True}, headers=cw),
        403,
    )
    got = await client.post(
        _url(e["id"], "manager-decision"),
        json={"agree": False, "reason": "Not high: ask for an override"},
        headers=manager,
    )
    assert (got.json()["state"], got.json()["closed_reason"]) == (
        "manager_disagreed",
        "Not high: ask for an override",
    )
    again = await client.post(
        _url(e["id"], "manager-decision"), json={"agree": True}, headers=manager
    )
    refused(again, 409, "escalation-transition-not-allowed")


async def test_a_rating_no_longer_high_stands_the_escalation_down__CMP_113(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    await _assess(client, case_id, assessment([high_risk()]), cw)
    await _assess(client, case_id, assessment([], trigger="confirm_investigation"), cw)
    e = await _escalation(client, case_id, cw)
    assert (e["state"], e["agreement"]["decision"]) == ("stood_down", "superseded")
    assert e["closed_reason"] == "The case is now rated low (none)"


async def test_undecided_high_risk_cases_queue_with_an_explanation__CMP_113(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    session: AsyncSession,
    clock: FixedClock,
) -> None:
    waiting = [await make_escalation(session, case_id=uuid.uuid4()) for _ in range(3)]
    await make_escalation(session, case_id=uuid.uuid4(), state="manager_agreed")
    clock.advance(timedelta(days=2))
    url = "/v1/risk/work-queues/undecided-high-risk"
    first = (await client.get(url, params={"limit": 2}, headers=cw)).json()
    second = (
        await client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=cw)
    ).json()
    items = first["items"] + second["items"]
    mine = [i for i in items if i["escalation_id"] in {str(e.id) for e in waiting}]
    assert len(mine) == 3
    assert mine[0]["days_waiting"] == 2
    assert "the manager has not yet discussed and decided it (CMP-113" in mine[0]["explanation"]
    assert second["next_cursor"] is None or len(items) > 3


# --- CMP-127, CMP-128 ----------------------------------------------------------------------------


def assignment(**extra: Any) -> dict[str, Any]:
    return {
        "holder": DEPUTY,
        "role": "deputy_ombudsman",
        "legal_advice_key": False,
        "meeting_on": TODAY_ISO,
        **extra,
    }


async def test_still_high_after_mitigation_the_caseworker_asks_for_oversight__CMP_127(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="plan_reviewed")
    body = oversight_request(meeting_on=(TODAY + timedelta(days=7)).isoformat())
    got = await client.post(_url(e, "oversight-request"), json=body, headers=cw)
    assert got.status_code == 200, got.text
    assert (got.json()["state"], got.json()["responsible_ad"]) == ("oversight_requested", AD)
    assert got.json()["requested_by"] == CW


@pytest.mark.parametrize(
    ("rating", "path", "kind"),
    [
        # An override lowered the rating after mitigation: the newer assessment is medium.
        ("medium", "none", "not-still-high"),
        # XC-RSK-005: high only because of a risk to a person.
        ("high", "people_mitigations", "people-mitigations-apply"),
    ],
)
async def test_oversight_is_asked_for_only_while_still_high__CMP_127_XC_RSK_005(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
    rating: str,
    path: str,
    kind: str,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="plan_reviewed")
    await make_assessment(session, case_id=case_id, number=2, rating=rating, path=path)
    got = await client.post(_url(e, "oversight-request"), json=oversight_request(), headers=cw)
    refused(got, 409, kind)


async def test_the_ad_assigns_oversight_and_the_event_is_emitted__CMP_127(
    client: httpx.AsyncClient,
    ad: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_requested")
    got = await client.post(_url(e, "oversight-assignment"), json=assignment(), headers=ad)
    assert got.status_code == 200, got.text
    body = got.json()
    assert (body["state"], body["holder"], body["holder_role"]) == (
        "oversight_assigned",
        DEPUTY,
        "deputy_ombudsman",
    )
    assert (body["rating_locked"], body["responsible_ad"], body["assigned_by"]) == (True, AD, AD)
    # C-35: the first update is due the day before the next meeting, a month on.
    assert (body["next_meeting_on"], body["next_update_due"]) == ("2026-12-02", "2026-12-01")
    event = (
        await session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.case_id == case_id,
                OutboxEvent.type == "compliance.risk.oversight_assigned",
            )
        )
    ).one()
    assert event.payload["holder"] == DEPUTY
    assert event.payload["responsible_ad"] == AD
    assert event.payload["next_update_due"] == "2026-12-01"
    rating = (await client.get(f"/v1/risk/cases/{case_id}/rating", headers=ad)).json()
    assert rating["under_oversight"] is True


async def test_the_ombudsman_may_hold_the_most_high_profile_cases__CMP_127(
    client: httpx.AsyncClient,
    ad: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_requested")
    as_deputy = assignment(holder=OMBUDSMAN)
    refused(
        await client.post(_url(e, "oversight-assignment"), json=as_deputy, headers=ad),
        422,
        "staff-not-eligible",
    )
    got = await client.post(
        _url(e, "oversight-assignment"),
        json=assignment(holder=OMBUDSMAN, role="ombudsman"),
        headers=ad,
    )
    assert got.json()["holder_role"] == "ombudsman"


async def test_only_the_ad_the_request_went_to_assigns__CMP_127(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_requested")
    other = auth_headers("assistant_director", sub="ad-other")
    refused(
        await client.post(_url(e, "oversight-assignment"), json=assignment(), headers=other),
        403,
        "not-the-designated-person",
    )
    refused(
        await client.post(
            _url(e, "oversight-assignment"), json=assignment(), headers=auth_headers("caseworker")
        ),
        403,
    )


async def test_an_assignee_with_a_declared_conflict_is_refused__CMP_128(
    client: httpx.AsyncClient,
    ad: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
) -> None:
    e = await make_escalation(
        session, case_id=case_id, state="oversight_requested", organisation_ids=[ORG]
    )
    got = await client.post(
        _url(e, "oversight-assignment"), json=assignment(holder=CONFLICTED), headers=ad
    )
    problem = refused(got, 409, "oversight-conflict-of-interest")
    assert problem["rule"] == "CMP-128"
    refused(
        await client.post(
            _url(e, "oversight-assignment"), json=assignment(holder=LEFT), headers=ad
        ),
        422,
        "staff-not-eligible",
    )
    refused(
        await client.post(
            _url(e, "oversight-assignment"), json=assignment(holder="nobody"), headers=ad
        ),
        422,
        "staff-not-eligible",
    )
    await session.refresh(e)
    assert (e.state.value, e.holder) == ("oversight_requested", None)


async def test_the_dlps_is_refused_where_legal_advice_is_key__CMP_128(
    client: httpx.AsyncClient,
    ad: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_requested")
    key = assignment(holder=DLPS, legal_advice_key=True)
    refused(
        await client.post(_url(e, "oversight-assignment"), json=key, headers=ad),
        409,
        "oversight-conflict-of-interest",
    )
    ok = await client.post(
        _url(e, "oversight-assignment"), json=assignment(holder=DLPS), headers=ad
    )
    assert ok.json()["holder"] == DLPS


async def test_a_directory_that_is_down_is_a_503_and_nothing_is_assigned__CMP_128(
    client: httpx.AsyncClient,
    ad: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory_down: StaffDirectory,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_requested")
    refused(
        await client.post(_url(e, "oversight-assignment"), json=assignment(), headers=ad),
        503,
        "upstream-unavailable",
    )
    await session.refresh(e)
    assert (e.state.value, e.holder) == ("oversight_requested", None)


@pytest.mark.parametrize(
    "dates",
    [
        {"meeting_on": (TODAY + timedelta(days=1)).isoformat()},
        {"next_meeting_on": TODAY_ISO},
        {"meeting_on": "2026-09-01"},  # a month on is already past: the next meeting is needed
    ],
)
async def test_assignment_dates_are_in_order__CMP_127(
    client: httpx.AsyncClient,
    ad: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
    dates: dict[str, str],
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_requested")
    refused(
        await client.post(_url(e, "oversight-assignment"), json=assignment(**dates), headers=ad),
        422,
        "date-not-allowed",
    )


# --- CMP-115 -------------------------------------------------------------------------------------


async def test_under_oversight_a_new_rating_needs_the_holders_agreement__CMP_115(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    deputy: dict[str, str],
    auth_headers: Headers,
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_assigned")
    lower = assessment([], trigger="provisional_views")
    refused(await _assess(client, case_id, lower, cw), 409, "rating-locked")
    # The same rating needs nothing.
    assert (await _assess(client, case_id, assessment([high_risk()]), cw)).status_code == 201
    asked = await client.post(
        _url(e, "rating-change-requests"),
        json={"rating": "low", "explanation": "The claim was withdrawn"},
        headers=cw,
    )
    assert asked.status_code == 201, asked.text
    request = asked.json()
    decision = {"approve": True, "read_considered_approved": True}
    # Someone other than the holder cannot agree, not even another deputy.
    refused(
        await client.post(
            _url(e, f"rating-change-requests/{request['id']}/decision"),
            json=decision,
            headers=auth_headers("deputy_ombudsman", sub="deputy-2"),
        ),
        403,
        "not-the-designated-person",
    )
    # An approval must say the holder read, considered and approved it.
    refused(
        await client.post(
            _url(e, f"rating-change-requests/{request['id']}/decision"),
            json={"approve": True},
            headers=deputy,
        ),
        422,
    )
    agreed = await client.post(
        _url(e, f"rating-change-requests/{request['id']}/decision"), json=decision, headers=deputy
    )
    assert (agreed.json()["decision"], agreed.json()["used"]) == ("approved", False)
    # A different rating is still refused; the agreed one is recorded, once.
    medium = assessment(
        [high_risk(impact="moderate", likelihood="likely")], trigger="provisional_views"
    )
    refused(await _assess(client, case_id, medium, cw), 409, "rating-locked")
    assert (await _assess(client, case_id, lower, cw)).json()["rating"] == "low"
    e_read = await _escalation(client, case_id, cw)
    assert e_read["state"] == "oversight_assigned"  # oversight continues at the lower rating
    assert e_read["rating_change_requests"][0]["used"] is True
    refused(await _assess(client, case_id, assessment([high_risk()]), cw), 409, "rating-locked")


async def test_under_oversight_a_managers_override_is_locked_too__CMP_115(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    manager: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    await make_escalation(session, case_id=case_id, state="oversight_assigned")
    latest = (await client.get(f"/v1/risk/cases/{case_id}/rating", headers=cw)).json()
    asked = await ask_override(client, latest["assessment_id"], "medium", cw)
    decided = await decide_override(client, latest["assessment_id"], asked.json()["id"], manager)
    refused(decided, 409, "rating-locked")
    rating = (await client.get(f"/v1/risk/cases/{case_id}/rating", headers=cw)).json()
    assert (rating["rating"], rating["overridden"]) == ("high", False)


async def test_a_rating_change_is_asked_for_only_under_oversight__CMP_115(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    e = await make_escalation(session, case_id=case_id, state="plan_reviewed")
    got = await client.post(
        _url(e, "rating-change-requests"), json={"rating": "low", "explanation": "Why"}, headers=cw
    )
    refused(got, 409, "escalation-transition-not-allowed")


# --- CMP-129, CMP-130 ----------------------------------------------------------------------------


async def test_a_meeting_is_accompanied_by_a_manager_or_ad_and_its_notes_approved__CMP_129(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    deputy: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_assigned")
    meeting = {"kind": "meeting", "held_on": TODAY_ISO, "notes": "Planning: scope agreed"}
    refused(await client.post(_url(e, "records"), json=meeting, headers=cw), 422)
    alone = {**meeting, "accompanied_by": CW}  # a caseworker is not a manager or AD
    refused(
        await client.post(_url(e, "records"), json=alone, headers=cw), 422, "staff-not-eligible"
    )
    made = await client.post(
        _url(e, "records"), json={**meeting, "accompanied_by": MGR}, headers=cw
    )
    assert made.status_code == 201, made.text
    record = made.json()
    assert (record["accompanied_by_grade"], record["approved_by_holder"]) == (
        "operations_manager",
        False,
    )
    approved = await client.post(
        _url(e, f"records/{record['id']}/approval"),
        json={
            "approve": True,
            "read_considered_approved": True,
            "evidence": "Email of 2 November saved to the case",
        },
        headers=deputy,
    )
    assert approved.status_code == 200, approved.text
    got = approved.json()
    assert (got["approved_by_holder"], got["approval"]["decided_by"]) == (True, DEPUTY)
    assert got["approval_evidence"] == "Email of 2 November saved to the case"


async def test_a_decision_counts_only_once_the_holder_approved_it__CMP_130(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    deputy: dict[str, str],
    auth_headers: Headers,
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_assigned")
    body = {
        "kind": "decision",
        "held_on": TODAY_ISO,
        "notes": "Briefing paper considered",
        "decision": "Decline to investigate",
    }
    refused(await client.post(_url(e, "records"), json=body, headers=cw), 422)
    body["cover_note_document_id"] = str(uuid.uuid4())
    record = (await client.post(_url(e, "records"), json=body, headers=cw)).json()
    assert record["approved_by_holder"] is False
    # Another Ombudsman-level approver is not the holder: no artefact that counts.
    refused(
        await client.post(
            _url(e, f"records/{record['id']}/approval"),
            json={"approve": True, "read_considered_approved": True},
            headers=auth_headers("ombudsman", sub="ombudsman-1"),
        ),
        403,
        "not-the-designated-person",
    )
    read = await _escalation(client, case_id, cw)
    assert [r["approved_by_holder"] for r in read["records"]] == [False]
    await client.post(
        _url(e, f"records/{record['id']}/approval"),
        json={"approve": True, "read_considered_approved": True},
        headers=deputy,
    )
    read = await _escalation(client, case_id, cw)
    assert [r["approved_by_holder"] for r in read["records"]] == [True]


async def test_a_record_is_not_dated_in_the_future__CMP_129(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    directory: StaffDirectory,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_assigned")
    body = {
        "kind": "meeting",
        "held_on": (TODAY + timedelta(days=1)).isoformat(),
        "accompanied_by": MGR,
        "notes": "n",
    }
    refused(await client.post(_url(e, "records"), json=body, headers=cw), 422, "date-not-allowed")


# --- CMP-131 -------------------------------------------------------------------------------------


async def test_monthly_updates_are_due_before_each_meeting_and_flagged_when_missing__CMP_131(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
    clock: FixedClock,
) -> None:
    nxt = TODAY + timedelta(days=14)
    e = await make_escalation(
        session, case_id=case_id, state="oversight_assigned", next_meeting_on=nxt
    )
    url = "/v1/risk/work-queues/oversight-updates-due"

    def mine(page: dict[str, Any]) -> list[dict[str, Any]]:
        return [i for i in page["items"] if i["escalation_id"] == str(e.id)]

    assert mine((await client.get(url, params={"within_days": 7}, headers=cw)).json()) == []
    clock.advance(timedelta(days=13))  # the due day: due, not missing
    due = mine((await client.get(url, params={"within_days": 0}, headers=cw)).json())
    assert [(i["due_date"], i["missing"]) for i in due] == [("2026-11-15", False)]
    assert "ahead of the assurance meeting of 2026-11-16" in due[0]["explanation"]
    clock.advance(timedelta(days=1))  # the meeting day: the update is missing
    missing = mine((await client.get(url, params={"within_days": 0}, headers=cw)).json())
    assert [i["missing"] for i in missing] == [True]
    assert "Missing" in missing[0]["explanation"]
    assert (await _escalation(client, case_id, cw))["update_missing"] is True
    sent = await client.post(
        _url(e, "updates"), json={"summary": "Legal review continues"}, headers=cw
    )
    assert sent.status_code == 201, sent.text
    assert (sent.json()["late"], sent.json()["meeting_on"]) == (True, "2026-11-16")
    read = await _escalation(client, case_id, cw)
    assert (read["next_meeting_on"], read["next_update_due"], read["update_missing"]) == (
        "2026-12-16",
        "2026-12-15",
        False,
    )
    on_time = await client.post(
        _url(e, "updates"),
        json={"summary": "Report drafted", "next_meeting_on": "2027-01-11"},
        headers=cw,
    )
    assert on_time.json()["late"] is False
    assert (await _escalation(client, case_id, cw))["next_update_due"] == "2027-01-10"


async def test_updates_end_when_the_holder_agrees_or_the_work_is_complete__CMP_131(
    client: httpx.AsyncClient,
    cw: dict[str, str],
    deputy: dict[str, str],
    case_id: uuid.UUID,
    session: AsyncSession,
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_assigned")
    agreed = {"reason": "decision_maker_agreed", "note": "Quarterly is enough"}
    refused(
        await client.post(_url(e, "updates-ended"), json=agreed, headers=cw),
        403,
        "not-the-designated-person",
    )
    ended = await client.post(_url(e, "updates-ended"), json=agreed, headers=deputy)
    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert (body["updates_end_reason"], body["next_update_due"], body["rating_locked"]) == (
        "decision_maker_agreed",
        None,
        True,
    )
    refused(
        await client.post(_url(e, "updates"), json={"summary": "More"}, headers=cw),
        409,
        "oversight-updates-ended",
    )


async def test_work_complete_ends_the_oversight_and_its_lock__CMP_131_CMP_115(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, session: AsyncSession
) -> None:
    e = await make_escalation(session, case_id=case_id, state="oversight_assigned")
    done = {"reason": "work_complete", "note": "Final report issued"}
    got = (await client.post(_url(e, "updates-ended"), json=done, headers=cw)).json()
    assert (got["state"], got["rating_locked"], got["closed_reason"]) == (
        "oversight_ended",
        False,
        "Final report issued",
    )
    assert (await _assess(client, case_id, assessment([]), cw)).json()["rating"] == "low"


# --- XC-RSK-005 ----------------------------------------------------------------------------------


def threat(**extra: Any) -> dict[str, Any]:
    return high_risk(
        category="people",
        description="The complainant said they may harm themselves",
        risk_to="complainant",
        threat_of_harm=True,
        disclosure={"decision": "disclose", "reason": "Their advocate can support them"},
        **extra,
    )


async def test_a_high_risk_only_to_a_person_follows_the_people_mitigations__XC_RSK_005(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID
) -> None:
    got = (await _assess(client, case_id, assessment([threat()]), cw)).json()
    assert (got["rating"], got["high_risk_path"]) == ("high", "people_mitigations")
    refused(await client.get(f"/v1/risk/cases/{case_id}/escalation", headers=cw), 404)
    tasks = (await client.get(f"/v1/risk/cases/{case_id}/tasks", headers=cw)).json()
    assert [t["kind"] for t in tasks] == ["people_mitigations"]
    assert "XC-RSK-005" in tasks[0]["rule"]
    rating = (await client.get(f"/v1/risk/cases/{case_id}/rating", headers=cw)).json()
    assert rating["high_risk_path"] == "people_mitigations"


@pytest.mark.parametrize(
    "risks",
    [
        # Also a high risk to our casework.
        [threat(), high_risk()],
        # A People risk not to a person (e.g. to our staff handling it, recorded without risk_to).
        [high_risk(category="people", description="Staff safety at a visit")],
        # A high risk to the complainant that is not a People risk escalates (see the report).
        [high_risk(category="financial", risk_to="complainant")],
    ],
)
async def test_any_other_high_risk_escalates__XC_RSK_005(
    client: httpx.AsyncClient, cw: dict[str, str], case_id: uuid.UUID, risks: list[Any]
) -> None:
    extra: dict[str, Any] = {}
    if len(risks) > 1:
        extra["cumulative"] = {"common_root": False, "raised": False, "reason": "Unlinked"}
    got = (await _assess(client, case_id, assessment(risks, **extra), cw)).json()
    assert got["high_risk_path"] == "escalation"
    assert (await _escalation(client, case_id, cw))["state"] == "awaiting_manager"


async def test_an_unknown_escalation_is_a_404(
    client: httpx.AsyncClient, cw: dict[str, str], manager: dict[str, str]
) -> None:
    missing = str(uuid.uuid4())
    refused(await client.get(f"/v1/risk/escalations/{missing}", headers=cw), 404)
    refused(
        await client.post(_url(missing, "manager-decision"), json={"agree": True}, headers=manager),
        404,
        "risk-escalation-not-found",
    )

"""Special handling over HTTP: linked to lead (ASM-168: the connection, the lead's list of linked
cases, the decision gate) and exceptional prioritisation for investigation (ASM-169: only after
a line-manager discussion, audited)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.state import CaseStatus
from assessment_api.special_handling import service
from assessment_api.special_handling.models import InvestigationPriority, LeadLink
from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from tests.assessment.builders import make_staff
from tests.assessment.cases.builders import CW, OTHER_CW, make_case
from tests.assessment.special_handling.builders import (
    make_decline_form,
    make_lead_link,
    make_special_handling_ready,
)
from tests.helpers import NOW

Headers = Callable[..., dict[str, str]]
OTHER = "other reason to decline"
OM = "om-line-manager-1"


def problem(r: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = r.json()
    assert body["type"] == PROBLEM_TYPE_BASE + type_, body
    return body


async def link(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    lead_id: uuid.UUID,
    *,
    sub: str = CW,
) -> httpx.Response:
    body = {
        "lead_case_id": str(lead_id),
        "explanation": "The same error; the lead is investigated.",
    }
    return await client.post(
        f"/v1/cases/{case_id}/lead-link", json=body, headers=auth_headers("caseworker", sub=sub)
    )


async def _actions(session: AsyncSession, case_id: uuid.UUID) -> list[str]:
    rows = await session.scalars(
        select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    )
    return list(rows)


# --- Linked to lead (ASM-168) ----------------------------------------------------------------


async def test_a_case_is_connected_to_its_lead_and_listed_from_it__ASM_168(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    lead = await make_case(session, status=CaseStatus.proposed_to_investigate, owner=OTHER_CW)
    first = await make_case(session)
    second = await make_case(session)
    r = await link(client, auth_headers, first.id, lead.id)
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["case_id"], got["lead_case_id"], got["linked_by"]) == (
        str(first.id), str(lead.id), CW,
    )  # fmt: skip
    assert got["explanation"] == "The same error; the lead is investigated."
    assert r.headers["etag"] == '"1"'
    assert (await _actions(session, first.id))[-1] == "case.linked_to_lead"
    await make_lead_link(session, second, lead, linked_at=NOW + timedelta(minutes=1))

    page = await client.get(
        f"/v1/cases/{lead.id}/linked-cases", params={"limit": 1}, headers=auth_headers("auditor")
    )
    assert page.status_code == 200, page.text
    (one,) = page.json()["items"]
    assert (one["case_id"], one["reference"], one["status"]) == (
        str(first.id), first.reference, "further_consideration",
    )  # fmt: skip
    rest = await client.get(
        f"/v1/cases/{lead.id}/linked-cases",
        params={"limit": 1, "cursor": page.json()["next_cursor"]},
        headers=auth_headers("auditor"),
    )
    assert [i["case_id"] for i in rest.json()["items"]] == [str(second.id)]
    assert rest.json()["next_cursor"] is None
    read = await client.get(f"/v1/cases/{first.id}/lead-link", headers=auth_headers("auditor"))
    assert read.json() == got


async def test_the_lead_is_another_case_at_assessment__ASM_168(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    body = problem(await link(client, auth_headers, case.id, case.id), 422, "lead-case-invalid")
    assert body["requirement"] == "ASM-168"
    problem(await link(client, auth_headers, case.id, uuid.uuid4()), 422, "lead-case-invalid")
    assert await session.scalar(select(LeadLink.id)) is None


async def test_a_case_has_one_lead_and_a_lead_is_not_itself_linked__ASM_168(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    lead = await make_case(session, status=CaseStatus.proposed_to_investigate)
    linked = await make_case(session)
    await make_lead_link(session, linked, lead)
    problem(await link(client, auth_headers, linked.id, lead.id), 409, "lead-link-exists")
    case = await make_case(session)
    body = problem(await link(client, auth_headers, case.id, linked.id), 409, "lead-is-linked")
    assert body["lead_case_id"] == str(lead.id)


async def test_a_link_is_made_at_further_consideration_by_the_holder__ASM_168(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    lead = await make_case(session)
    closed = await make_case(session, status=CaseStatus.closed)
    problem(
        await link(client, auth_headers, closed.id, lead.id),
        409,
        "special-handling-not-at-further-consideration",
    )
    others = await make_case(session, owner=OTHER_CW)
    problem(await link(client, auth_headers, others.id, lead.id), 403, "not-case-owner")
    r = await client.get(f"/v1/cases/{lead.id}/lead-link", headers=auth_headers("auditor"))
    problem(r, 404, "lead-link-not-found")


async def test_a_link_made_in_error_is_removed_with_if_match_and_kept__ASM_168(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    lead = await make_case(session)
    case = await make_case(session)
    await make_lead_link(session, case, lead)
    url = f"/v1/cases/{case.id}/lead-link/removal"
    body = {"reason": "Linked to the wrong lead."}
    cw = auth_headers("caseworker", sub=CW)
    assert (await client.post(url, json=body, headers=cw)).status_code == 428
    assert (await client.post(url, json=body, headers=cw | {"If-Match": '"9"'})).status_code == 412
    r = await client.post(url, json=body, headers=cw | {"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert (r.json()["removed_by"], r.json()["removal_reason"]) == (CW, "Linked to the wrong lead.")
    listed = await client.get(f"/v1/cases/{lead.id}/linked-cases", headers=auth_headers("auditor"))
    assert listed.json()["items"] == []
    assert (await _actions(session, case.id))[-1] == "case.lead_link_removed"
    # Connected again, to the right lead.
    right = await make_case(session)
    assert (await link(client, auth_headers, case.id, right.id)).status_code == 201


async def test_decision_gaps_through_the_database__ASM_168(session: AsyncSession) -> None:
    lead = await make_case(session, status=CaseStatus.proposed_to_investigate)
    case = await make_case(session)

    # Nothing recorded: ready either way.
    assert await service.decision_gaps(session, case.id, proposing=False, closure_code=OTHER) == []
    assert await service.decision_gaps(session, case.id, proposing=True, closure_code=None) == []
    # The Decision Form explains the decline as linked to the lead: the link is missing.
    await make_decline_form(session, case)
    gaps = await service.decision_gaps(session, case.id, proposing=False, closure_code=OTHER)
    assert [r for r, _ in gaps] == ["ASM-168"]
    assert "connect the case" in gaps[0][1]
    # Connected: ready to decline as 'other reason to decline', not under another code, and not
    # to be proposed.
    await make_lead_link(session, case, lead)
    assert await service.decision_gaps(session, case.id, proposing=False, closure_code=OTHER) == []
    (gap,) = await service.decision_gaps(
        session, case.id, proposing=False, closure_code="premature"
    )
    assert gap[0] == "ASM-168"
    (gap,) = await service.decision_gaps(session, case.id, proposing=True, closure_code=None)
    assert "not proposed" in gap[1]


@pytest.mark.parametrize("proposing", [False, True])
async def test_the_ready_builder_leaves_no_gap__ASM_168(
    session: AsyncSession, proposing: bool
) -> None:
    lead = await make_case(session)
    case = await make_case(session)
    await make_decline_form(session, case)
    if proposing:
        await make_lead_link(session, case, lead)
    code = None if proposing else OTHER
    assert await service.decision_gaps(session, case.id, proposing=proposing, closure_code=code)
    case_id = case.id
    await make_special_handling_ready(session, case_id, proposing=proposing)
    session.expire_all()
    gaps = await service.decision_gaps(session, case_id, proposing=proposing, closure_code=code)
    assert gaps == []


# --- Exceptional prioritisation (ASM-169) ----------------------------------------------------

PRIORITY = {
    "reason": "The complainant has a terminal illness.",
    "line_manager_discussion": {
        "line_manager_id": OM,
        "discussed_at": (NOW - timedelta(hours=1)).isoformat(),
        "agreed": "Prioritise for investigation; propose this week.",
    },
}


async def prioritise(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(
        f"/v1/cases/{case_id}/investigation-priority",
        json=body,
        headers=auth_headers("caseworker", sub=CW),
    )


async def test_prioritised_after_a_line_manager_discussion_and_audited__ASM_169(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    await make_staff(session, OM, grade="operations_manager")
    case = await make_case(session)
    r = await prioritise(client, auth_headers, case.id, PRIORITY)
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["line_manager_id"], got["recorded_by"], got["reason"]) == (
        OM, CW, "The complainant has a terminal illness.",
    )  # fmt: skip
    assert got["agreed"] == "Prioritise for investigation; propose this week."
    entry = await session.scalar(
        select(AuditEntry).where(
            AuditEntry.case_id == case.id,
            AuditEntry.action == "case.prioritised_for_investigation",
        )
    )
    assert entry is not None
    assert entry.actor == CW
    assert entry.after is not None
    assert entry.after["line_manager_id"] == OM
    read = await client.get(
        f"/v1/cases/{case.id}/investigation-priority", headers=auth_headers("auditor")
    )
    assert read.json() == got
    problem(await prioritise(client, auth_headers, case.id, PRIORITY), 409,
            "investigation-priority-exists")  # fmt: skip


async def test_prioritisation_without_the_discussion_is_refused__ASM_169(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await prioritise(client, auth_headers, case.id, {"reason": PRIORITY["reason"]})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert await session.scalar(select(InvestigationPriority.id)) is None


@pytest.mark.parametrize(
    ("manager", "grade", "discussed", "problems"),
    [
        ("om-unknown", None, -1, ["manager_unknown"]),
        (CW, "operations_manager", -1, ["manager_is_caseworker"]),
        ("scw-peer-1", "senior_caseworker", -1, ["not_a_manager"]),
        (OM, "operations_manager", +1, ["discussed_after_recording"]),
    ],
)
async def test_the_discussion_is_with_a_line_manager_and_comes_first__ASM_169(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    manager: str,
    grade: str | None,
    discussed: int,
    problems: list[str],
) -> None:
    if grade is not None:
        await make_staff(session, manager, grade=grade)
    case = await make_case(session)
    body = {
        **PRIORITY,
        "line_manager_discussion": {
            **PRIORITY["line_manager_discussion"],  # type: ignore[dict-item]
            "line_manager_id": manager,
            "discussed_at": (NOW + timedelta(hours=discussed)).isoformat(),
        },
    }
    got = problem(
        await prioritise(client, auth_headers, case.id, body),
        422,
        "line-manager-discussion-invalid",
    )
    assert (got["requirement"], got["problems"]) == ("ASM-169", problems)
    assert await session.scalar(select(InvestigationPriority.id)) is None

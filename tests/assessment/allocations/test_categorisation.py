"""Categorisation after allocation: a category change needs the manager's approval (ASM-086,
ASM-088); 'complex & significant' needs a complex referral discussed with a manager and agreed
by the AD for complex teams (ASM-089); a possible systemic issue goes to the AD (ASM-087)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import httpx
import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import (
    AllocationDeadline,
    DeadlineKind,
    EntryStatus,
    QueueEntry,
)
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from shared.audit import AuditEntry
from shared.outbox.models import OutboxEvent
from tests.assessment.builders import make_entry, make_staff

Headers = Callable[..., dict[str, str]]
CW = "cw-cat-1"


@pytest.fixture(autouse=True)
async def empty_queue(session: AsyncSession) -> None:
    await session.execute(delete(QueueEntry))
    await session.flush()


async def allocated_entry(session: AsyncSession, category: str = "general") -> QueueEntry:
    """A case allocated to CW (in further consideration, held by CW), with its contact clock,
    built in the database."""
    entry = await make_entry(session, category=category, organisation_ids=[], allocated_to=CW)
    entry.allocated_team = "general-1"
    await session.flush()
    session.add(
        AllocationDeadline(
            id=uuid.uuid4(),
            entry_id=entry.id,
            case_id=entry.case_id,
            kind=DeadlineKind.post_allocation_contact,
            rule="ASM-099",
            starts_on=date(2026, 10, 5),
            due_date=date(2026, 10, 19),
        )
    )
    await session.flush()
    return entry


def url(entry: QueueEntry, tail: str = "category-changes") -> str:
    return f"/v1/allocation-queue/{entry.id}/{tail}"


def slug(r: httpx.Response) -> str:
    return str(r.json()["type"]).rsplit("/", 1)[-1]


async def test_category_change_needs_a_managers_approval__ASM_086(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await make_staff(session, CW)
    entry = await allocated_entry(session)
    me = auth_headers("caseworker", sub=CW)
    body = {"category": "senior caseworker", "reason": "Several organisations involved"}
    asked = await client.post(url(entry), json=body, headers=me)
    assert asked.status_code == 201, asked.text
    approval = asked.json()
    assert (approval["kind"], approval["decision"]) == ("category_change", None)
    await session.refresh(entry)
    assert entry.triage_category == "general"  # nothing changes before the manager decides
    decide = f"{url(entry)}/{approval['id']}/decision"
    ok = {"approve": True, "reason": "Agreed"}
    # not the caseworker, not another caseworker: the manager (XC-ROL-003 row 2.189)
    assert (await client.post(decide, json=ok, headers=me)).status_code == 403
    r = await client.post(decide, json=ok, headers=auth_headers("operations_manager", sub="om-1"))
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["entry"]["triage_category"], got["entry"]["status"]) == (
        "senior caseworker",
        "queued",
    )
    assert got["entry"]["allocated_to"] is None
    assert got["deadlines"][0]["cancelled_at"] is not None  # the next allocation starts its own
    # T25: the case itself goes back to the queue, held by nobody, in its new category.
    case = await session.get(Case, entry.case_id, populate_existing=True)
    assert case is not None
    assert (case.status, case.owner, case.triage_category) == (
        CaseStatus.awaiting_allocation,
        None,
        "senior caseworker",
    )
    again = await client.post(decide, json=ok, headers=auth_headers("operations_manager"))
    assert (again.status_code, slug(again)) == (409, "approval-already-decided")


async def test_a_refused_change_leaves_the_case_with_its_caseworker__ASM_088(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await make_staff(session, CW)
    entry = await allocated_entry(session)
    body = {"category": "senior caseworker", "reason": "New information about the harm"}
    asked = await client.post(url(entry), json=body, headers=auth_headers("caseworker", sub=CW))
    decide = f"{url(entry)}/{asked.json()['id']}/decision"
    no = {"approve": False, "reason": "Close to completion: keep it"}
    r = await client.post(decide, json=no, headers=auth_headers("operations_manager"))
    assert r.status_code == 200, r.text
    assert (r.json()["entry"]["status"], r.json()["entry"]["allocated_to"]) == ("allocated", CW)


async def test_only_the_allocated_caseworker_asks_and_only_for_a_new_category__ASM_086(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    entry = await allocated_entry(session)
    body = {"category": "senior caseworker", "reason": "Several organisations involved"}
    other = await client.post(url(entry), json=body, headers=auth_headers("caseworker", sub="x"))
    assert (other.status_code, slug(other)) == (403, "not-allocated-caseworker")
    same = {"category": "general", "reason": "No change really"}
    r = await client.post(url(entry), json=same, headers=auth_headers("caseworker", sub=CW))
    assert (r.status_code, slug(r)) == (422, "same-category")


async def test_complex_needs_an_agreed_complex_referral__ASM_089(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await make_staff(session, "om-1", grade="operations_manager", team=None)
    await make_staff(
        session, "ad-cx", grade="assistant_director", team=None,
        posts=["assistant_director_complex_teams"],
    )  # fmt: skip
    await make_staff(session, "ad-other", grade="assistant_director", team=None)
    entry = await allocated_entry(session)
    me = auth_headers("caseworker", sub=CW)
    bare = {"category": "complex & significant", "reason": "Systemic and several bodies"}
    assert (await client.post(url(entry), json=bare, headers=me)).status_code == 422
    wrong_ad = {**bare, "discussed_with": "om-1", "sent_to": "ad-other"}
    r = await client.post(url(entry), json=wrong_ad, headers=me)
    assert (r.status_code, slug(r)) == (422, "wrong-post-holder")
    not_manager = {**bare, "discussed_with": CW, "sent_to": "ad-cx"}
    await make_staff(session, CW)
    r = await client.post(url(entry), json=not_manager, headers=me)
    assert (r.status_code, slug(r)) == (422, "wrong-post-holder")
    referral = {**bare, "discussed_with": "om-1", "sent_to": "ad-cx"}
    asked = await client.post(url(entry), json=referral, headers=me)
    assert asked.status_code == 201, asked.text
    assert asked.json()["kind"] == "complex_referral"
    assert asked.json()["evidence"]["discussed_with"] == "om-1"
    decide = f"{url(entry)}/{asked.json()['id']}/decision"
    ok = {"approve": True, "reason": "Agreed: complex"}
    # A manager below AD cannot agree it; nor an AD it was not sent to.
    r = await client.post(decide, json=ok, headers=auth_headers("operations_manager", sub="om-1"))
    assert r.status_code == 403
    r = await client.post(decide, json=ok, headers=auth_headers("assistant_director", sub="ad-x"))
    assert (r.status_code, slug(r)) == (403, "not-the-referrals-ad")
    r = await client.post(decide, json=ok, headers=auth_headers("assistant_director", sub="ad-cx"))
    assert r.status_code == 200, r.text
    assert r.json()["entry"]["triage_category"] == "complex & significant"


async def test_a_new_request_supersedes_an_undecided_one__ASM_086(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    entry = await allocated_entry(session)
    me = auth_headers("caseworker", sub=CW)
    body = {"category": "senior caseworker", "reason": "First thoughts on it"}
    first = (await client.post(url(entry), json=body, headers=me)).json()
    await client.post(url(entry), json={**body, "reason": "Second thoughts"}, headers=me)
    decide = f"{url(entry)}/{first['id']}/decision"
    r = await client.post(
        decide,
        json={"approve": True, "reason": "Agreed"},
        headers=auth_headers("operations_manager"),
    )
    assert (r.status_code, slug(r)) == (409, "approval-already-decided")


async def test_a_systemic_issue_goes_to_the_ad__ASM_087(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await make_staff(
        session, "ad-sys", grade="assistant_director", team=None,
        posts=["assistant_director_complex_and_senior_teams"],
    )  # fmt: skip
    await make_staff(session, "ad-no", grade="assistant_director", team=None)
    entry = await allocated_entry(session)
    me = auth_headers("caseworker", sub=CW)
    body = {"sent_to": "ad-sys", "description": "Third case this year on one discharge process"}
    r = await client.post(url(entry, "systemic-issues"), json=body, headers=me)
    assert r.status_code == 201, r.text
    assert (r.json()["kind"], r.json()["assignee"]) == ("review_systemic_issue", "ad-sys")
    wrong = await client.post(
        url(entry, "systemic-issues"), json={**body, "sent_to": "ad-no"}, headers=me
    )
    assert (wrong.status_code, slug(wrong)) == (422, "wrong-post-holder")
    audit = await session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "allocation_task.created", AuditEntry.case_id == entry.case_id
        )
    )
    assert audit is not None
    assert audit.actor == CW


# --- requirements §E.2: each allocation act emits exactly one event ------------------------------


async def _events(
    session: AsyncSession, entry: QueueEntry, *, with_status: bool = False
) -> list[OutboxEvent]:
    """The allocation acts' events of the entry's case (and, ``with_status``, the case's
    ``assessment.case.status_changed``, which a requeue (T25) emits as well)."""
    rows = await session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.case_id == entry.case_id)
        .order_by(OutboxEvent.sequence)
    )
    return [e for e in rows if with_status or e.type != "assessment.case.status_changed"]


async def test_a_category_change_request_and_decision_each_emit_one_event__ASM_086(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await make_staff(session, CW)
    entry = await allocated_entry(session)
    me = auth_headers("caseworker", sub=CW)
    first = await client.post(
        url(entry), json={"category": "senior caseworker", "reason": "First"}, headers=me
    )
    body = {"category": "senior caseworker", "reason": "Several organisations involved"}
    asked = await client.post(url(entry), json=body, headers=me)
    assert asked.status_code == 201, asked.text
    events = await _events(session, entry)
    assert [e.type for e in events] == ["assessment.category_change.requested"] * 2
    payload = events[1].payload
    assert payload["approval_id"] == asked.json()["id"]
    assert (payload["from_category"], payload["to_category"]) == ("general", "senior caseworker")
    assert payload["superseded_approval_ids"] == [first.json()["id"]]
    assert "reason" not in payload  # ids and codes only: the reasons stay on the approval
    decide = f"{url(entry)}/{asked.json()['id']}/decision"
    r = await client.post(
        decide, json={"approve": True, "reason": "Agreed"},
        headers=auth_headers("operations_manager", sub="om-1"),
    )  # fmt: skip
    assert r.status_code == 200, r.text
    [decided] = [e for e in await _events(session, entry) if e.type.endswith(".decided")]
    assert decided.type == "assessment.category_change.decided"
    assert (decided.payload["decision"], decided.payload["decided_by"]) == ("approved", "om-1")
    assert decided.payload["requeued"] is True
    assert decided.actor == "om-1"


async def test_a_refused_change_emits_its_decision_and_requeues_nothing__ASM_088(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    entry = await allocated_entry(session)
    body = {"category": "senior caseworker", "reason": "New information about the harm"}
    asked = await client.post(url(entry), json=body, headers=auth_headers("caseworker", sub=CW))
    decide = f"{url(entry)}/{asked.json()['id']}/decision"
    no = {"approve": False, "reason": "Close to completion: keep it"}
    r = await client.post(decide, json=no, headers=auth_headers("operations_manager"))
    assert r.status_code == 200, r.text
    decided = [e for e in await _events(session, entry) if e.type.endswith(".decided")]
    assert [(e.payload["decision"], e.payload["requeued"]) for e in decided] == [("refused", False)]


async def _complex_staff(session: AsyncSession) -> None:
    await make_staff(session, "om-1", grade="operations_manager", team=None)
    await make_staff(
        session, "ad-cx", grade="assistant_director", team=None,
        posts=["assistant_director_complex_teams"],
    )  # fmt: skip


COMPLEX = {
    "category": "complex & significant",
    "reason": "Systemic and several bodies",
    "discussed_with": "om-1",
    "sent_to": "ad-cx",
}


async def test_a_complex_referral_and_the_ads_agreement_each_emit_one_event__ASM_089(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await _complex_staff(session)
    entry = await allocated_entry(session)
    asked = await client.post(url(entry), json=COMPLEX, headers=auth_headers("caseworker", sub=CW))
    assert asked.status_code == 201, asked.text
    [requested] = await _events(session, entry)
    assert requested.type == "assessment.complex_referral.requested"
    assert (requested.payload["discussed_with"], requested.payload["sent_to"]) == ("om-1", "ad-cx")
    assert requested.payload["to_category"] == "complex & significant"
    decide = f"{url(entry)}/{asked.json()['id']}/decision"
    ok = {"approve": True, "reason": "Agreed: complex"}
    refused = await client.post(decide, json=ok, headers=auth_headers("assistant_director"))
    assert refused.status_code == 403  # not the AD it was sent to: nothing emitted
    assert len(await _events(session, entry)) == 1
    r = await client.post(decide, json=ok, headers=auth_headers("assistant_director", sub="ad-cx"))
    assert r.status_code == 200, r.text
    _, decided = await _events(session, entry)
    assert decided.type == "assessment.complex_referral.decided"
    # T25: agreed, the case returns to the queue, which intake's register hears of.
    moves = [
        e.payload["status"]
        for e in await _events(session, entry, with_status=True)
        if e.type == "assessment.case.status_changed"
    ]
    assert moves[-1] == "awaiting_allocation"
    assert decided.payload["decision"] == "approved"
    assert (decided.payload["decided_by"], decided.payload["discussed_with"]) == ("ad-cx", "om-1")


async def test_a_complex_referral_names_active_post_holders__ASM_089(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await make_staff(session, "om-gone", grade="operations_manager", team=None, active=False)
    await _complex_staff(session)
    entry = await allocated_entry(session)
    me = auth_headers("caseworker", sub=CW)
    gone = {**COMPLEX, "discussed_with": "om-gone"}
    r = await client.post(url(entry), json=gone, headers=me)
    assert (r.status_code, slug(r)) == (422, "wrong-post-holder")
    assert await _events(session, entry) == []


async def test_a_referral_is_not_decided_once_the_case_left_its_caseworker__ASM_089(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await _complex_staff(session)
    entry = await allocated_entry(session)
    asked = await client.post(url(entry), json=COMPLEX, headers=auth_headers("caseworker", sub=CW))
    assert asked.status_code == 201, asked.text
    entry.status = EntryStatus.queued  # the case left its caseworker before the AD decided
    entry.allocated_to = None
    await session.flush()
    decide = f"{url(entry)}/{asked.json()['id']}/decision"
    ok = {"approve": True, "reason": "Agreed: complex"}
    r = await client.post(decide, json=ok, headers=auth_headers("assistant_director", sub="ad-cx"))
    assert (r.status_code, slug(r)) == (409, "entry-not-allocated")
    await session.refresh(entry)
    assert entry.triage_category == "general"
    assert [e.type for e in await _events(session, entry)] == [
        "assessment.complex_referral.requested"
    ]


async def test_a_systemic_issue_emits_one_event__ASM_087(
    client: httpx.AsyncClient, session: AsyncSession, auth_headers: Headers
) -> None:
    await make_staff(
        session, "ad-sys", grade="assistant_director", team=None,
        posts=["assistant_director_complex_and_senior_teams"],
    )  # fmt: skip
    entry = await allocated_entry(session)
    body = {"sent_to": "ad-sys", "description": "Third case this year on one discharge process"}
    r = await client.post(
        url(entry, "systemic-issues"), json=body, headers=auth_headers("caseworker", sub=CW)
    )
    assert r.status_code == 201, r.text
    [event] = await _events(session, entry)
    assert event.type == "assessment.systemic_issue.flagged"
    assert event.payload["task_id"] == r.json()["id"]
    assert (event.payload["sent_to"], event.payload["flagged_by"]) == ("ad-sys", CW)
    assert "description" not in event.payload  # no free text in the event

"""Investigation's record, opened at Milestone 1 by assessment's proposal to investigate
(INV-003, ¶3.102, ¶3.107, ¶4.4; C-15, ASM-158, ASM-161).

Proposals arrive the way production sends them: ``assessment.proposal.issued`` POSTed to
``/internal/events`` with assessment's service token.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from investigation_api.investigations.models import (
    CommentDeadline,
    Investigation,
    InvestigationOrganisation,
    MilestoneRecord,
)
from shared.audit import AuditEntry
from shared.http_api.problems import PROBLEM_JSON
from tests.investigation.builders import (
    COMMENTS_DUE,
    CW,
    M1,
    ORG,
    SECOND_TIER,
    envelope,
    make_investigation,
    proposal,
)

Headers = Callable[..., dict[str, str]]


async def deliver(
    client: httpx.AsyncClient, auth_headers: Headers, *events: dict[str, Any]
) -> list[str]:
    r = await client.post(
        "/internal/events",
        json={"events": list(events)},
        headers=auth_headers("service", sub="assessment-api"),
    )
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


def event(case_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    return envelope(case_id, proposal(**overrides)).model_dump(mode="json")


async def _count(session: AsyncSession, model: Any, case_id: uuid.UUID) -> int:
    column = model.id if model is Investigation else model.investigation_id
    return int(await session.scalar(select(func.count()).where(column == case_id)) or 0)


async def test_a_proposal_opens_the_investigation_at_milestone_1__INV_003(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    named, complainant, mp, component = (uuid.uuid4() for _ in range(4))
    sent = event(
        case_id,
        organisations=[
            {"organisation_id": ORG, "role": "organisation"},
            {"organisation_id": SECOND_TIER, "role": "second_tier"},
        ],
        named_person_ids=[named],
        parties=[
            {"person_id": complainant, "role": "complainant"},
            {"person_id": mp, "role": "mp"},
        ],
        component_ids=[component],
    )
    assert await deliver(client, auth_headers, sent) == ["processed"]

    r = await client.get(f"/v1/investigations/{case_id}", headers=auth_headers("caseworker"))
    assert r.status_code == 200, r.text
    got = r.json()
    assert r.headers["etag"].endswith('1"')
    assert (got["id"], got["reference"], got["status"]) == (
        str(case_id), sent["payload"]["reference"], "proposed_to_investigate",
    )  # fmt: skip
    assert got["proposal_id"] == sent["payload"]["proposal_id"]
    assert got["risk_assessment_id"] == sent["payload"]["risk_assessment_id"]
    assert (got["case_type"], got["jurisdiction"]) == ("complaint", "health")
    # INV-003 / §D.15: M1 'Investigation Allocated', dated the day the proposal was issued.
    assert got["milestones"] == [
        {
            "number": 1,
            "label": "Investigation Allocated",
            "completed_on": "2026-11-02",
            "recorded_by": CW,
        }
    ]
    # ¶3.102: the organisations tab, each with its part.
    assert got["organisations"] == [
        {"organisation_id": str(ORG), "role": "organisation"},
        {"organisation_id": str(SECOND_TIER), "role": "second_tier"},
    ]
    assert got["parties"] == [
        {"person_id": str(complainant), "role": "complainant"},
        {"person_id": str(mp), "role": "mp"},
    ]
    assert (got["named_person_ids"], got["component_ids"]) == ([str(named)], [str(component)])
    # ¶3.107: 'Case Allocated': the caseworker who carries on holds it.
    assert (got["owner"], got["team"], got["proposed_by"]) == (CW, "team-a", CW)

    # Audited as assessment, naming the event (DESIGN §2).
    audits = (
        await session.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        )
    ).all()
    reason = f"assessment.proposal.issued event {sent['id']}"
    assert [(a.action, a.actor, a.reason) for a in audits] == [
        ("investigation.opened", "assessment-api", reason),
        ("investigation.milestone_recorded", "assessment-api", reason),
    ]


async def test_each_recipient_keeps_its_own_comment_deadline__ASM_161_ASM_158(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    case_id = uuid.uuid4()
    named = uuid.uuid4()
    later = date(2026, 11, 23)  # one recipient's date was agreed later
    sent = event(
        case_id,
        named_person_ids=[named],
        comment_deadlines=[
            {"recipient_kind": "organisation", "recipient_id": ORG, "due_date": COMMENTS_DUE},
            {"recipient_kind": "named_person", "recipient_id": named, "due_date": later},
        ],
    )
    assert await deliver(client, auth_headers, sent) == ["processed"]
    got = (
        await client.get(f"/v1/investigations/{case_id}", headers=auth_headers("auditor"))
    ).json()
    deadlines = {(d["recipient_kind"], d["recipient_id"]): d for d in got["comment_deadlines"]}
    org = deadlines[("organisation", str(ORG))]
    assert (org["starts_on"], org["due_date"], org["effective_due_date"]) == (
        M1.isoformat(), "2026-11-16", "2026-11-16",
    )  # fmt: skip
    assert org["rule"].startswith("C-15")
    assert deadlines[("named_person", str(named))]["effective_due_date"] == "2026-11-23"
    # ASM-158: confirmation waits for the latest date in force.
    assert got["comments_close_on"] == "2026-11-23"


async def test_a_redelivered_or_repeated_proposal_opens_nothing_twice__INV_003(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    first = event(case_id)
    assert await deliver(client, auth_headers, first) == ["processed"]
    assert await deliver(client, auth_headers, first) == ["duplicate"]
    # Another proposal event for the same case: audited, but the record stays as it was.
    again = event(case_id)
    assert await deliver(client, auth_headers, again) == ["processed"]

    for model in (Investigation, InvestigationOrganisation, MilestoneRecord, CommentDeadline):
        assert await _count(session, model, case_id) == 1, model
    got = (
        await client.get(f"/v1/investigations/{case_id}", headers=auth_headers("caseworker"))
    ).json()
    assert got["proposal_id"] == first["payload"]["proposal_id"]
    assert got["version"] == 1
    actions = (
        await session.scalars(
            select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        )
    ).all()
    assert actions[-1] == "investigation.proposal_received_again"


async def test_milestone_1_is_recorded_once__INV_003(session: AsyncSession) -> None:
    case_id = await make_investigation(session)
    session.add(
        MilestoneRecord(
            id=uuid.uuid4(),
            investigation_id=case_id,
            number=1,
            label="Investigation Allocated",
            completed_on=M1,
            recorded_by="someone-else",
        )
    )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_only_assessment_proposes_and_a_broken_proposal_is_refused_by_id(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    forged = event(case_id) | {"source": "intake-api"}
    r = await client.post(
        "/internal/events",
        json={"events": [forged]},
        headers=auth_headers("service", sub="intake-api"),
    )
    assert r.status_code == 403, r.text
    assert r.json()["type"].endswith("forbidden-events")
    broken = event(case_id)
    broken["payload"]["organisations"] = [{"organisation_id": str(ORG), "role": "regulator"}]
    r = await client.post(
        "/internal/events",
        json={"events": [broken]},
        headers=auth_headers("service", sub="assessment-api"),
    )
    assert r.status_code == 422, r.text
    assert r.json()["invalid_event_ids"] == [broken["id"]]
    assert await _count(session, Investigation, case_id) == 0


async def test_an_unknown_case_has_no_investigation(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.get(f"/v1/investigations/{uuid.uuid4()}", headers=auth_headers("caseworker"))
    assert r.status_code == 404
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert r.json()["type"].endswith("investigation-not-found")


async def test_investigations_are_listed_newest_first_by_keyset(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    await session.execute(delete(Investigation))
    mine = [await make_investigation(session) for _ in range(3)]
    other = await make_investigation(session, case_allocated_to="cw-other", team=None)

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, "owner": CW}
        if cursor:
            params["cursor"] = cursor
        r = await client.get("/v1/investigations", params=params, headers=auth_headers("auditor"))
        assert r.status_code == 200, r.text
        seen += [i["id"] for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(str(c) for c in mine)
    assert str(other) not in seen
    everyone = await client.get("/v1/investigations", headers=auth_headers("caseworker"))
    assert len(everyone.json()["items"]) == 4


async def test_reading_investigations_needs_a_case_data_role(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.get("/v1/investigations", headers=auth_headers("integration"))
    assert r.status_code == 403
    r = await client.get(f"/v1/investigations/{uuid.uuid4()}", headers=auth_headers("integration"))
    assert r.status_code == 403

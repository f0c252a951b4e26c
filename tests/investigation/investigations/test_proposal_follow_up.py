"""What investigation's record takes from assessment's proposal after T35: the organisations
tab and 'Case Allocated' (ASM-171, ¶3.102, ¶3.107), and an extension agreed at assessment for
one recipient's comments (``assessment.proposal.comment_deadline_extended``; ASM-161, ASM-158),
delivered the way production sends them: POSTed to ``/internal/events`` with assessment's
service token."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from investigation_api.investigations.models import CommentDeadline, CommentExtension
from shared.events.contracts.assessment import ProposalCommentDeadlineExtendedV1
from shared.events.envelope import EventEnvelope
from tests.investigation.builders import COMMENTS_DUE, CW, ORG, SECOND_TIER
from tests.investigation.investigations.test_open_from_proposal import deliver, event

Headers = Callable[..., dict[str, str]]


def extended(
    case_id: uuid.UUID,
    proposal_id: str,
    recipient_kind: str,
    recipient_id: uuid.UUID,
    new_due_date: date,
    *,
    extension_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    payload = ProposalCommentDeadlineExtendedV1(
        proposal_id=uuid.UUID(proposal_id), recipient_kind=recipient_kind,
        recipient_id=recipient_id, original_due_date=COMMENTS_DUE, new_due_date=new_due_date,
        extension_id=extension_id or uuid.uuid4(), agreed_by=CW,
    )  # fmt: skip
    return EventEnvelope(
        id=uuid.uuid4(), type=payload.TYPE, version=payload.VERSION,
        occurred_at=datetime(2026, 11, 5, 10, tzinfo=UTC), source="assessment-api",
        case_id=case_id, sequence=2, actor=CW, payload=payload.model_dump(mode="json"),
    ).model_dump(mode="json")  # fmt: skip


async def test_the_organisations_tab_and_case_allocated_come_from_the_proposal__ASM_171(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    case_id = uuid.uuid4()
    contractor = uuid.uuid4()
    sent = event(
        case_id,
        organisations=[
            {"organisation_id": ORG, "role": "organisation"},
            {"organisation_id": contractor, "role": "contractor"},
            {"organisation_id": SECOND_TIER, "role": "second_tier"},
        ],
        case_allocated_to="cw-carries-on",
        team="team-b",
    )
    assert await deliver(client, auth_headers, sent) == ["processed"]
    got = (
        await client.get(f"/v1/investigations/{case_id}", headers=auth_headers("auditor"))
    ).json()
    # ¶3.102: the organisations to investigate on the organisations tab, in the proposal's order.
    assert got["organisations"] == [
        {"organisation_id": str(ORG), "role": "organisation"},
        {"organisation_id": str(contractor), "role": "contractor"},
        {"organisation_id": str(SECOND_TIER), "role": "second_tier"},
    ]
    # ¶3.107: 'Case Allocated' completed: the caseworker who carries on holds the record.
    assert (got["owner"], got["team"]) == ("cw-carries-on", "team-b")


async def test_an_extension_at_assessment_moves_that_recipients_date_here__ASM_161_ASM_158(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case_id = uuid.uuid4()
    party = uuid.uuid4()
    sent = event(
        case_id,
        parties=[{"person_id": party, "role": "complainant"}],
        comment_deadlines=[
            {"recipient_kind": "organisation", "recipient_id": ORG, "due_date": COMMENTS_DUE},
            {"recipient_kind": "party", "recipient_id": party, "due_date": COMMENTS_DUE},
        ],
    )
    assert await deliver(client, auth_headers, sent) == ["processed"]
    proposal_id = sent["payload"]["proposal_id"]
    ext_id = uuid.uuid4()
    moved = extended(case_id, proposal_id, "party", party, date(2026, 11, 23), extension_id=ext_id)
    assert await deliver(client, auth_headers, moved) == ["processed"]

    got = (
        await client.get(f"/v1/investigations/{case_id}", headers=auth_headers("auditor"))
    ).json()
    deadlines = {(d["recipient_kind"], d["recipient_id"]): d for d in got["comment_deadlines"]}
    mine = deadlines[("party", str(party))]
    assert (mine["due_date"], mine["effective_due_date"]) == ("2026-11-16", "2026-11-23")
    assert deadlines[("organisation", str(ORG))]["effective_due_date"] == "2026-11-16"
    assert got["comments_close_on"] == "2026-11-23"  # ASM-158: the latest date in force
    [stored] = await session.scalars(select(CommentExtension).where(CommentExtension.id == ext_id))
    assert (stored.new_due_date, stored.granted_by) == (date(2026, 11, 23), CW)

    # The same extension again (a replay at assessment) is stored once.
    again = extended(case_id, proposal_id, "party", party, date(2026, 11, 23), extension_id=ext_id)
    assert await deliver(client, auth_headers, again) == ["processed"]
    count = await session.scalars(
        select(CommentExtension.id)
        .join(CommentDeadline, CommentDeadline.id == CommentExtension.deadline_id)
        .where(CommentDeadline.investigation_id == case_id)
    )
    assert len(count.all()) == 1
    # A recipient this record does not have changes nothing.
    stranger = extended(case_id, proposal_id, "named_person", uuid.uuid4(), date(2026, 12, 1))
    assert await deliver(client, auth_headers, stranger) == ["processed"]
    got = (
        await client.get(f"/v1/investigations/{case_id}", headers=auth_headers("auditor"))
    ).json()
    assert got["comments_close_on"] == "2026-11-23"

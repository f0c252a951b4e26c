"""The proposal to investigate through HTTP (¶3.73–3.108): the plan prepared from the complaint
handlers and intake's real organisation register, the letters and C-15 deadlines issued with
T35 to every organisation, named person and party intake holds (compliance-api's risk guard
and intake-api are real apps in process), replies, one recipient's extension and the comment
window."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.components.rules import ComponentArea
from assessment_api.handlers.models import OrganisationOnCase
from assessment_api.handlers.rules import OrganisationRole, Scope
from assessment_api.proposals import service
from assessment_api.proposals.models import ProposalCommunication
from assessment_api.proposals.rules import RecipientKind
from intake_api.cases.models import Jurisdiction
from intake_api.organisations.models import (
    OrganisationJurisdiction,
    OrganisationKind,
    PvOptOut,
)
from intake_api.organisations.state import PvOptOutStatus
from shared.audit import AuditEntry
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.clock import FixedClock
from shared.config import DEV_ISSUER
from shared.errors import PROBLEM_TYPE_BASE
from shared.outbox.models import OutboxEvent
from tests.assessment.cases.builders import CW, make_case, make_ready_to_decide
from tests.assessment.cases.test_decisions import PROPOSAL, assess, decide
from tests.assessment.components.builders import DECLINED, make_component, organisation_on_case
from tests.assessment.handlers.builders import make_handlers
from tests.assessment.intake_peer import intake_case, intake_parties
from tests.assessment.proposals.builders import (
    make_issued,
    make_plan,
    make_proposals_ready,
    organisation_row,
)
from tests.intake.builders import make_organisation

Headers = Callable[..., dict[str, str]]


def _problem(r: httpx.Response, status: int, kind: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == f"{PROBLEM_TYPE_BASE}{kind}"


async def _actions(session: AsyncSession, case_id: uuid.UUID) -> list[str]:
    rows = await session.scalars(
        select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    )
    return list(rows)


PLAN_BODY: dict[str, Any] = {
    "scope": "How the department decided the claim in 2025",
    "injustice_claimed": "Lost entitlement and distress",
    "outcome_sought": "A fresh decision and an apology",
}


# ---------------------------------------------------------------------------------------------
# Prepared and issued, against intake's real register and parties


@pytest.mark.usefixtures("guarded")
async def test_a_proposal_is_prepared_and_issued_to_every_recipient__ASM_159_ASM_160_ASM_163_ASM_164_ASM_165_ASM_167_XC_COM_004(  # noqa: E501
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    async with with_intake() as s:
        dept = await make_organisation(
            s, name="Department for Examples", kind=OrganisationKind.government_department,
            principal_officer_title="Permanent Secretary", principal_officer_name="A. Example",
            focal_point_team="Ombudsman Liaison Team",
        )  # fmt: skip
        s.add(
            PvOptOut(
                organisation_id=dept.id, status=PvOptOutStatus.in_force,
                agreed_date=date(2025, 1, 6), document_reference="DOC-EXAMPLE-0001",
                reason="Agreed at the liaison meeting", recorded_by="cw-test",
                recorded_at=datetime(2025, 1, 6, 12, tzinfo=UTC),
            )
        )  # fmt: skip
        tier = await make_organisation(
            s, name="Example Adjudicator", kind=OrganisationKind.second_tier_complaint_handler,
            jurisdiction=OrganisationJurisdiction.parliamentary,
            principal_officer_title="Chief Executive", principal_officer_name="B. Example",
        )  # fmt: skip
        await s.commit()
    icase, people = await intake_case(with_intake, Jurisdiction.parliamentary, rep_authority=True)
    case = await make_case(
        session, case_id=icase.id, jurisdiction="parliamentary", organisation_ids=[dept.id]
    )
    # Only the second tier is complained about; it handles complaints on the department's
    # behalf (¶3.85), so the department must still be given the chance to comment.
    await make_handlers(
        session, case, scope=Scope.handler_only,
        organisations=((dept.id, OrganisationRole.original, None),
                       (tier.id, OrganisationRole.second_tier, True)),
    )  # fmt: skip
    body = {
        **PLAN_BODY,
        "organisations": [
            {"organisation_id": str(tier.id), "handles_complaints_on_behalf_of": str(dept.id)}
        ],
        "named_persons": [
            {"kind": "individual", "description": "the officer who decided the claim",
             "organisation_id": str(dept.id), "still_employed": True},
            {"kind": "individual", "description": "a former team leader",
             "organisation_id": str(dept.id), "still_employed": False,
             "tracing_steps": [
                 {"step": "asked_organisation", "on": "2026-10-20", "outcome": "Left in 2024",
                  "found": False},
                 {"step": "last_known_employer", "on": "2026-10-27",
                  "outcome": "No forwarding details", "found": False},
             ],
             "proceed_without": {
                 "reason": "Not traceable after two reasonable attempts",
                 "seriousness_considered": "Their part was minor: a single signature",
             }},
        ],
        "issues": [
            {"summary": "The decision on the claim", "proposed": True,
             "reason": "Indications of maladministration"},
            {"summary": "The tone of one call", "proposed": False,
             "reason": "No injustice is claimed from it"},
        ],
    }  # fmt: skip
    r = await client.post(
        f"/v1/cases/{case.id}/proposal/plan", json=body,
        headers={**auth_headers("caseworker", sub=CW), "Idempotency-Key": str(uuid.uuid4())},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    plan = r.json()
    assert (plan["gaps"], plan["ready"], plan["version"]) == ([], True, 1)
    d, t = plan["organisations"]
    assert (d["organisation_id"], d["part"], d["investigated"], d["basis"]) == (
        str(dept.id), "organisation", False, "legal",  # ASM-165: on whose behalf (Legal)
    )  # fmt: skip
    assert (t["organisation_id"], t["part"], t["investigated"], t["basis"]) == (
        str(tier.id), "second_tier", True, "legal",
    )  # fmt: skip
    # ASM-164: the named Principal Officer, copies to the liaison / focal point.
    assert d["addressee"] == "Principal Officer (Permanent Secretary)"
    assert d["copies"] == ["Ombudsman Liaison Team (liaison / focal point)"]
    assert t["addressee"] == "Principal Officer (Chief Executive)"
    assert d["pv_opt_out_reference"] == "DOC-EXAMPLE-0001"  # ASM-163, from intake's register
    assert d["source"].startswith("intake organisation register, version")
    first, gone = plan["named_persons"]
    assert (first["reachable"], gone["reachable"]) == (True, False)
    assert gone["proceed_without"]["decided_by"] == CW  # C-17: decided and recorded

    await assess(compliance, auth_headers, case.id, "propose")
    # The other gates of the proposal (the plan above is this test's own).
    await make_ready_to_decide(
        session, case, proposing=True, skip=frozenset({"proposals"}),
        parties=intake_parties(people),
    )  # fmt: skip
    # A second component, not proposed (ASM-160: the letter's issues are the components').
    await make_component(
        session, await organisation_on_case(session, case), area=ComponentArea.communication,
        decided=DECLINED | {"rationale": "No injustice is claimed from it"},
    )  # fmt: skip
    r = await decide(client, auth_headers, case.id, "proposal", PROPOSAL)
    assert r.status_code == 200, r.text

    got = (
        await client.get(f"/v1/cases/{case.id}/proposal", headers=auth_headers("auditor"))
    ).json()
    letters = {(x["recipient_kind"], x["recipient_id"]): x for x in got["letters"]}
    expected = {
        ("organisation", str(dept.id)), ("organisation", str(tier.id)),
        ("named_person", first["id"]),  # ASM-167: a letter for the named person…
        ("party", str(people["complainant"])), ("party", str(people["aggrieved"])),
        ("party", str(people["rep"])), ("party", str(people["mp"])),
    }  # fmt: skip
    assert set(letters) == expected  # …and none for the one we proceed without (¶3.95)
    dept_letter = letters[("organisation", str(dept.id))]
    assert any(p.startswith("ASM-163") for p in dept_letter["paragraphs"])
    assert "Scope: How the department decided the claim in 2025" in dept_letter["paragraphs"]
    assert any("comments on the allegations" in p for p in dept_letter["paragraphs"])
    assert dept_letter["recipients"][1] == {
        "person_id": None, "organisation_id": str(dept.id), "is_copy": True,
    }  # fmt: skip
    named_letter = letters[("named_person", first["id"])]
    assert named_letter["recipients"] == [
        {"person_id": None, "organisation_id": str(dept.id), "is_copy": False}
    ]
    assert any("asked to forward it" in p for p in named_letter["paragraphs"])
    assert any("your actions will specifically be investigated" in p
               for p in named_letter["paragraphs"])  # fmt: skip
    for who in ("complainant", "aggrieved", "rep", "mp"):
        paragraphs = letters[("party", str(people[who]))]["paragraphs"]
        assert any("has not yet started" in p for p in paragraphs)  # ASM-159(b)
    complainant = letters[("party", str(people["complainant"]))]["paragraphs"]
    assert any(  # ASM-160
        p.endswith("we do not propose to investigate, because other reason to decline: No "
                   "injustice is claimed from it")
        for p in complainant
    )  # fmt: skip
    assert not any("ASM-160" in p for p in letters[("party", str(people["mp"]))]["paragraphs"])
    # C-15: every recipient's ten working days from Monday 2 November 2026.
    assert {(x["recipient_kind"], x["recipient_id"]) for x in got["deadlines"]} == expected
    assert {x["due_date"] for x in got["deadlines"]} == {"2026-11-16"}
    assert got["window"] == {
        "latest_due_date": "2026-11-16", "all_replied": False, "closed": False,
        "reason": "waiting for comments",
    }  # fmt: skip

    [event] = await session.scalars(
        select(OutboxEvent).where(
            OutboxEvent.case_id == case.id, OutboxEvent.type == "assessment.proposal.issued"
        )
    )
    payload = event.payload
    assert payload["organisations"] == [
        {"organisation_id": str(dept.id), "role": "organisation"},
        {"organisation_id": str(tier.id), "role": "second_tier"},
    ]
    assert payload["named_person_ids"] == [first["id"], gone["id"]]
    assert sorted((p["role"], p["person_id"]) for p in payload["parties"]) == sorted(
        [("complainant", str(people["complainant"])), ("aggrieved", str(people["aggrieved"])),
         ("representative", str(people["rep"])), ("mp", str(people["mp"]))]
    )  # fmt: skip
    assert {(x["recipient_kind"], x["recipient_id"], x["due_date"])
            for x in payload["comment_deadlines"]} == {
        (k, i, "2026-11-16") for k, i in expected
    }  # fmt: skip
    actions = await _actions(session, case.id)
    assert actions.count("proposal.letter_issued") == 7
    assert actions.count("proposal.deadline_set") == 7


# ---------------------------------------------------------------------------------------------
# The plan: If-Match, what it refuses, what is missing


async def test_the_plan_is_saved_whole_under_if_match_with_its_gaps__ASM_162_ASM_166(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    async with with_intake() as s:
        trust = await make_organisation(s, kind=OrganisationKind.nhs_trust)
        practice = await make_organisation(
            s, name="Example Surgery", kind=OrganisationKind.family_health_service_provider
        )
        await s.commit()
    case = await make_case(session, organisation_ids=[trust.id, practice.id])
    cw = auth_headers("caseworker", sub=CW)
    url = f"/v1/cases/{case.id}/proposal/plan"
    r = await client.post(url, json=PLAN_BODY, headers=cw)
    assert r.status_code == 201, r.text
    etag = r.headers["etag"]
    t, p = r.json()["organisations"]
    # ASM-166: the trust's Chief Executive copied to complaints; the practice written to direct.
    assert (t["addressee"], t["copies"]) == (
        "Chief Executive", ["the complaints team or complaints manager (complaints)"],
    )  # fmt: skip
    assert (p["addressee"], p["copies"]) == ("the provider direct (e.g. the GP practice)", [])
    assert [g["requirement"] for g in r.json()["gaps"]] == ["ASM-162"]
    assert r.json()["ready"] is False
    assert await service.decision_gaps(session, case.id, proposing=True, closure_code=None) == [
        (g["requirement"], g["detail"]) for g in r.json()["gaps"]
    ]

    _problem(await client.post(url, json=PLAN_BODY, headers=cw), 409, "proposal-plan-exists")
    confirmed = {
        **PLAN_BODY,
        "organisations": [{"organisation_id": str(practice.id), "contract_type": "PMS/PDS"}],
    }
    _problem(await client.put(url, json=confirmed, headers=cw), 428, "if-match-required")
    stale = {**cw, "If-Match": '"99"'}
    assert (await client.put(url, json=confirmed, headers=stale)).status_code == 412
    r = await client.put(url, json=confirmed, headers={**cw, "If-Match": etag})
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["gaps"], r.json()["ready"]) == (2, [], True)
    assert r.json()["organisations"][1]["contract_type"] == "PMS/PDS"  # ASM-162 recorded
    assert (await _actions(session, case.id))[-2:] == [
        "proposal.plan_prepared",
        "proposal.plan_saved",
    ]

    stranger = {**PLAN_BODY, "organisations": [{"organisation_id": str(uuid.uuid4())}]}
    r = await client.put(url, json=stranger, headers={**cw, "If-Match": r.headers["etag"]})
    _problem(r, 422, "proposal-organisation-not-written-to")
    read = await client.get(url, headers=auth_headers("auditor"))
    assert (read.status_code, read.json()["version"]) == (200, 2)


async def test_a_plan_is_refused_off_further_consideration_or_for_an_unknown_body(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    cw = auth_headers("caseworker", sub=CW)
    moved = await make_case(session, status=CaseStatus.proposed_to_investigate)
    r = await client.post(f"/v1/cases/{moved.id}/proposal/plan", json=PLAN_BODY, headers=cw)
    _problem(r, 409, "proposal-plan-not-open")
    unknown = await make_case(session, organisation_ids=[uuid.uuid4()])
    r = await client.post(f"/v1/cases/{unknown.id}/proposal/plan", json=PLAN_BODY, headers=cw)
    _problem(r, 409, "proposal-organisation-not-in-register")
    r = await client.get(f"/v1/cases/{unknown.id}/proposal/plan", headers=cw)
    _problem(r, 404, "proposal-plan-not-found")
    r = await client.get(f"/v1/cases/{uuid.uuid4()}/proposal", headers=cw)
    _problem(r, 404, "case-not-found")
    r = await client.post(
        f"/v1/cases/{unknown.id}/proposal/plan", json={**PLAN_BODY, "scope": "  "}, headers=cw
    )
    assert r.status_code == 422


# ---------------------------------------------------------------------------------------------
# The gate


async def test_the_proposal_gate_lists_what_is_missing__ASM_159_ASM_162_ASM_165_ASM_167(
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    assert await service.decision_gaps(session, case.id, proposing=True, closure_code=None) == [
        ("ASM-159", "the proposal is not prepared (no proposal plan)")
    ]
    # A decline or a resolution is not gated by the proposal.
    assert (
        await service.decision_gaps(
            session, case.id, proposing=False, closure_code="other reason to decline"
        )
        == []
    )
    await make_proposals_ready(session, case.id, proposing=True)
    assert await service.decision_gaps(session, case.id, proposing=True, closure_code=None) == []

    other = await make_case(session)
    [org] = other.organisation_ids
    untraced: dict[str, Any] = {
        "id": str(uuid.uuid4()), "person_id": None, "kind": "individual", "description": "a nurse",
        "organisation_id": str(org), "clinician": True, "still_employed": False,
        "position": "Staff nurse", "professional_registration": "NMC-EXAMPLE",
        "details_not_established": None, "tracing_steps": [], "proceed_without": None,
    }  # fmt: skip
    await make_plan(
        session, other.id,
        organisations=[organisation_row(org, parliamentary=False,
                                        kind="family_health_service_provider")],
        named_persons=[untraced],
    )  # fmt: skip
    gaps = await service.decision_gaps(session, other.id, proposing=True, closure_code=None)
    assert [g[0] for g in gaps] == ["ASM-162", "ASM-167"]
    # An organisation added to the case after the plan was saved is not written to.
    await make_handlers(
        session, other, organisations=((org, OrganisationRole.original, None),
                                       (uuid.uuid4(), OrganisationRole.second_tier, True)),
    )  # fmt: skip
    gaps = await service.decision_gaps(session, other.id, proposing=True, closure_code=None)
    assert gaps[-1][0] == "ASM-165"
    assert await session.scalar(select(OrganisationOnCase.id).limit(1)) is not None


# ---------------------------------------------------------------------------------------------
# After issue: extensions for one recipient, replies, the window


async def test_an_extension_moves_only_that_recipients_date_and_the_window_waits__ASM_161_ASM_158(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await make_case(session, status=CaseStatus.proposed_to_investigate)
    [org] = case.organisation_ids
    named, party = uuid.uuid4(), uuid.uuid4()
    # Letters sent Thursday 3 April 2025: due Thursday 17 April (Good Friday not inside).
    proposal, rows = await make_issued(
        session, case, issued_on=date(2025, 4, 3),
        recipients=[(RecipientKind.organisation, org), (RecipientKind.named_person, named),
                    (RecipientKind.party, party)],
    )  # fmt: skip
    assert {r.due_date for r in rows} == {date(2025, 4, 17)}
    clock.set(datetime(2025, 4, 10, 9, 0, tzinfo=UTC))
    cw = auth_headers("caseworker", sub=CW)
    url = f"/v1/cases/{case.id}/proposal/deadlines/{rows[1].id}/extensions"
    ask = {"new_due_date": "2025-04-24", "reason": "Asked for a week more to find records"}
    r = await client.post(url, json=ask, headers=cw)
    assert r.status_code == 201, r.text
    got = {d["recipient_id"]: d for d in r.json()["deadlines"]}
    moved = got[str(named)]
    assert (moved["due_date"], moved["effective_due_date"]) == ("2025-04-17", "2025-04-24")
    [ext] = moved["extensions"]
    assert (ext["new_due_date"], ext["granted_by"], ext["reason"]) == (
        "2025-04-24", CW, "Asked for a week more to find records",
    )  # fmt: skip
    assert ext["agreed_at"] == "2025-04-10T09:00:00Z"
    for other in (org, party):
        assert got[str(other)]["effective_due_date"] == "2025-04-17"
    assert r.json()["window"]["latest_due_date"] == "2025-04-24"

    [event] = await session.scalars(
        select(OutboxEvent).where(
            OutboxEvent.case_id == case.id,
            OutboxEvent.type == "assessment.proposal.comment_deadline_extended",
        )
    )
    assert event.payload == {
        "proposal_id": str(proposal.id), "recipient_kind": "named_person",
        "recipient_id": str(named), "original_due_date": "2025-04-17",
        "new_due_date": "2025-04-24", "extension_id": ext["id"], "agreed_by": CW,
    }  # fmt: skip
    assert "proposal.deadline_extended" in await _actions(session, case.id)

    # ASM-158: the latest date counts: open on it, closed the day after.
    read = f"/v1/cases/{case.id}/proposal"
    clock.set(datetime(2025, 4, 18, 9, 0, tzinfo=UTC))
    assert (await client.get(read, headers=cw)).json()["window"]["closed"] is False
    clock.set(datetime(2025, 4, 24, 16, 0, tzinfo=UTC))
    assert (await client.get(read, headers=cw)).json()["window"]["closed"] is False
    clock.set(datetime(2025, 4, 25, 9, 0, tzinfo=UTC))
    window = (await client.get(read, headers=cw)).json()["window"]
    assert (window["closed"], window["reason"]) == (True, "the latest comment deadline has passed")
    closed = await service.comment_window(session, case.id, today=date(2025, 4, 25))
    assert closed.closed

    # The new date must be later than the date in force (the kit refuses it).
    not_later = {"new_due_date": "2025-04-17", "reason": "Same day again"}
    r = await client.post(
        f"/v1/cases/{case.id}/proposal/deadlines/{rows[0].id}/extensions", json=not_later,
        headers=cw,
    )  # fmt: skip
    _problem(r, 422, "extension-not-later")


async def test_the_window_closes_when_every_recipient_has_replied__ASM_158(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, clock: FixedClock
) -> None:
    case = await make_case(session, status=CaseStatus.proposed_to_investigate)
    [org] = case.organisation_ids
    party = uuid.uuid4()
    _, rows = await make_issued(
        session, case, issued_on=date(2025, 4, 3),
        recipients=[(RecipientKind.organisation, org), (RecipientKind.party, party)],
    )  # fmt: skip
    clock.set(datetime(2025, 4, 8, 9, 0, tzinfo=UTC))
    cw = auth_headers("caseworker", sub=CW)
    base = f"/v1/cases/{case.id}/proposal/deadlines"
    reply = {"received_at": "2025-04-07T10:00:00Z", "medium": "letter",
             "summary": "The trust's comments on the allegations"}  # fmt: skip
    r = await client.post(f"{base}/{rows[0].id}/replies", json=reply, headers=cw)
    assert r.status_code == 201, r.text
    assert r.json()["window"]["closed"] is False  # one of two replied
    _problem(
        await client.post(f"{base}/{rows[0].id}/replies", json=reply, headers=cw),
        409, "comment-already-received",
    )  # fmt: skip
    _problem(
        await client.post(
            f"{base}/{rows[0].id}/extensions",
            json={"new_due_date": "2025-04-30", "reason": "Too late to extend"}, headers=cw,
        ),
        409, "comment-already-received",
    )  # fmt: skip
    early = {**reply, "received_at": "2025-04-01T10:00:00Z"}
    _problem(
        await client.post(f"{base}/{rows[1].id}/replies", json=early, headers=cw),
        422, "comment-reply-before-issue",
    )  # fmt: skip
    _problem(
        await client.post(f"{base}/{uuid.uuid4()}/replies", json=reply, headers=cw),
        404, "comment-deadline-not-found",
    )  # fmt: skip
    r = await client.post(f"{base}/{rows[1].id}/replies", json=reply, headers=cw)
    assert r.status_code == 201, r.text
    window = r.json()["window"]
    assert (window["closed"], window["all_replied"]) == (True, True)  # before 17 April
    replies = await session.scalars(
        select(ProposalCommunication).where(
            ProposalCommunication.case_id == case.id, ProposalCommunication.direction == "inbound"
        )
    )
    # What a recipient tells us is scanned (XC-RSK-004).
    assert all(row.legal_scan is not None for row in replies)


@pytest.mark.usefixtures("guarded")
async def test_a_proposal_is_not_issued_when_intake_cannot_name_the_parties__ASM_159(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
    app: FastAPI,
    dev_keys_dir: Path,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=True)  # every gate of the proposal
    await assess(compliance, auth_headers, case.id, "propose")
    app.state.intake_client = ServiceClient(
        base_url="http://intake.down", audience="intake-api",
        tokens=DevServiceTokenProvider(
            keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="assessment-api"
        ),
        transport=httpx.MockTransport(lambda _: httpx.Response(500)),
    )  # fmt: skip
    r = await decide(client, auth_headers, case.id, "proposal", PROPOSAL)
    _problem(r, 503, "intake-unavailable")
    assert r.headers["retry-after"]
    status = await session.scalar(select(Case.status).where(Case.id == case.id))
    assert status is CaseStatus.further_consideration
    letters = await session.scalars(
        select(ProposalCommunication.id).where(ProposalCommunication.case_id == case.id)
    )
    assert letters.all() == []

"""The complaint summary, complaint components and organisation decisions over HTTP and real
PostgreSQL (ASM-105…108, ASM-114, ASM-116, ASM-117, ASM-126, ASM-176; ¶2.227–2.245,
¶2.265–2.271, ¶2.293, ¶3.119–3.124), and the gates contract's ``decision_gaps`` over the rows
(the decision routes call it once the lead adds it to the aggregator)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from assessment_api.cases.state import CaseStatus
from assessment_api.components import service
from assessment_api.components.models import ComplaintComponent, ComplaintSummary
from assessment_api.components.rules import ComponentArea, ComponentDecision, TimeLimitOutcome
from assessment_api.contact.models import FcContactAttempt
from assessment_api.handlers.models import OrganisationDecision
from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from tests.assessment.cases.builders import CW, make_case
from tests.assessment.components.builders import (
    DECLINED,
    ISSUE,
    OTHER_ISSUE,
    make_component,
    make_components_ready,
    make_organisation_decision,
    make_summary,
    organisation_on_case,
)
from tests.assessment.contact.builders import allocated_case

Headers = Callable[..., dict[str, str]]
OTHER_ORG = uuid.UUID("5c2d8e4a-1f3b-4a6c-9e7d-2b8f0c4d6a22")
DECLINE_CODE = "other reason to decline"
SUMMARY: dict[str, Any] = {
    "summary": "The practice missed the signs of an infection and the receptionist was rude.",
    "issues": [ISSUE, OTHER_ISSUE],
    "excluded_issues": [
        {
            "issue": "Car parking charges",
            "agreed_with_complainant": True,
            "agreed_on": "2026-11-02",
            "agreed_how": "telephone",
        },
        {
            "issue": "The practice's opening hours",
            "agreed_with_complainant": False,
            "proportionality": "A policy choice the complaint's injustice does not turn on.",
            "customer_service_impact": "Explained by phone; the complainant accepted it.",
        },
    ],
    "discussed_on": "2026-11-02",
    "complainant_told_on": "2026-11-02",
    "complainant_told_how": "letter",
}
PROPOSED = {"decision": "propose to investigate"}
FACTORS = [
    "organisation can do more (e.g. a local resolution meeting)",
    "relationship between complainant and organisation broken down",
    "too small in scale to send back",
    "events long ago, evidence at risk",
    "organisation already had several opportunities",
    "a more appropriate closure reason (e.g. ALR)",
]


def _type(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM_TYPE_BASE)


def _url(case_id: uuid.UUID, path: str = "") -> str:
    for own in ("/summary", "/precedents", "/organisation-decisions"):
        if path.startswith(own):
            return f"/v1/cases/{case_id}" + path.replace("/summary", "/complaint-summary", 1)
    return f"/v1/cases/{case_id}/components{path}"


async def _send(
    client: httpx.AsyncClient, auth_headers: Headers, method: str, url: str,
    body: Any = None, **headers: str,
) -> httpx.Response:  # fmt: skip
    extra = {k.replace("_", "-"): v for k, v in headers.items()}
    return await client.request(
        method, url, json=body, headers={**auth_headers("caseworker", sub=CW), **extra}
    )


def _component(org: uuid.UUID, area: str = "diagnosis", issues: list[str] | None = None) -> Any:
    return {
        "organisation_id": str(org),
        "area": area,
        "summary_description": "The GP did not recognise the signs of an infection on 3 March.",
        "issues": issues or [ISSUE],
    }


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _audits(session: AsyncSession, entity_type: str) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == entity_type).order_by(AuditEntry.id)
    )
    return list(rows)


# --- ASM-105: the complaint summary -----------------------------------------------------------


async def test_summary_with_issues_in_and_out_is_versioned_and_audited__ASM_105(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await _send(client, auth_headers, "POST", _url(case.id, "/summary"), SUMMARY)
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    assert r.json()["excluded_issues"][0]["agreed_with_complainant"] is True
    again = await _send(client, auth_headers, "POST", _url(case.id, "/summary"), SUMMARY)
    assert (again.status_code, _type(again)) == (409, "complaint-summary-exists")

    changed = {**SUMMARY, "issues": [ISSUE], "reason": "The complainant dropped the manner."}
    changed["excluded_issues"] = [
        *SUMMARY["excluded_issues"],
        {"issue": OTHER_ISSUE, "agreed_with_complainant": True, "agreed_on": "2026-11-03",
         "agreed_how": "email"},
    ]  # fmt: skip
    r = await _send(client, auth_headers, "PUT", _url(case.id, "/summary"), changed)
    assert (r.status_code, _type(r)) == (428, "if-match-required"), r.text
    r = await _send(client, auth_headers, "PUT", _url(case.id, "/summary"), changed, if_match='"9"')
    assert r.status_code == 412, r.text
    r = await _send(client, auth_headers, "PUT", _url(case.id, "/summary"), changed, if_match='"1"')
    assert r.status_code == 200, r.text
    assert (r.headers["etag"], r.json()["issues"]) == ('"2"', [ISSUE])
    audits = await _audits(session, "complaint_summary")
    assert [a.action for a in audits] == [
        "components.summary_recorded",
        "components.summary_saved",
    ]
    assert audits[1].before is not None
    assert audits[1].before["issues"] == [ISSUE, OTHER_ISSUE]
    assert audits[1].reason == "The complainant dropped the manner."


@pytest.mark.parametrize(
    "excluded",
    [
        {"issue": "Parking", "agreed_with_complainant": True},
        {"issue": "Parking", "agreed_with_complainant": False,
         "proportionality": "Minor next to the missed infection."},
        {"issue": ISSUE, "agreed_with_complainant": True, "agreed_on": "2026-11-02",
         "agreed_how": "telephone"},
    ],
)  # fmt: skip
async def test_issue_left_out_agreed_or_reasoned__ASM_105(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, excluded: Any
) -> None:
    case = await make_case(session)
    body = {**SUMMARY, "excluded_issues": [excluded]}
    r = await _send(client, auth_headers, "POST", _url(case.id, "/summary"), body)
    assert r.status_code == 422, r.text
    assert await _count(session, ComplaintSummary) == 0


async def test_issue_taken_out_while_a_component_covers_it__ASM_105(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_summary(session, case.id, issues=[ISSUE, OTHER_ISSUE])
    await make_component(session, await organisation_on_case(session, case), issues=[OTHER_ISSUE])
    body = {**SUMMARY, "issues": [ISSUE], "excluded_issues": []}
    r = await _send(client, auth_headers, "PUT", _url(case.id, "/summary"), body, if_match='"1"')
    assert (r.status_code, _type(r)) == (409, "issues-still-covered"), r.text
    assert r.json()["issues"] == [OTHER_ISSUE]


async def test_components_limited_to_the_summarys_issues__ASM_105(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    org = await organisation_on_case(session, case)
    r = await _send(client, auth_headers, "POST", _url(case.id), _component(org.organisation_id))
    assert (r.status_code, _type(r)) == (409, "complaint-summary-required"), r.text
    await make_summary(session, case.id)
    body = _component(org.organisation_id, issues=["Something never discussed"])
    r = await _send(client, auth_headers, "POST", _url(case.id), body)
    assert (r.status_code, _type(r)) == (409, "issue-not-in-summary"), r.text
    body = _component(org.organisation_id, issues=["missed INFECTION"])
    r = await _send(client, auth_headers, "POST", _url(case.id), body)
    assert r.status_code == 201, r.text
    assert r.json()["issues"] == [ISSUE]  # as the summary spells it


async def test_each_summary_issue_becomes_a_component_and_the_complainant_is_told__ASM_105(
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    assert ("ASM-105", "No complaint summary is recorded (¶2.227–2.232)") in (
        await service.decision_gaps(session, case.id, proposing=True, closure_code=None)
    )
    await make_summary(session, case.id, issues=[ISSUE, OTHER_ISSUE], told=False)
    org = await organisation_on_case(session, case)
    await make_component(session, org, decided={"decision": ComponentDecision.propose})
    await make_organisation_decision(session, org, "propose to investigate")
    gaps = await service.decision_gaps(session, case.id, proposing=True, closure_code=None)
    assert [g[0] for g in gaps] == ["ASM-105", "ASM-105"]
    assert "told" in gaps[0][1]
    assert OTHER_ISSUE in gaps[1][1]


# --- ASM-107: the conversation's notes and correspondence are kept ---------------------------


async def test_summary_discussion_notes_kept_and_scanned__ASM_107(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    allocated = await allocated_case(session, with_intake)
    case_id = allocated.case.id
    call = {
        "person_id": str(allocated.complainant), "channel": "telephone",
        "attempted_at": "2026-11-02T09:00:00Z", "outcome": "reached",
        "notes": "Agreed the summary: the infection and the receptionist. She mentioned a "
        "judicial review of the practice's decision.",
    }  # fmt: skip
    r = await client.post(
        f"/v1/cases/{case_id}/contact/attempts", json=call,
        headers=auth_headers("caseworker", sub=CW),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    attempt = await session.scalar(
        select(FcContactAttempt).where(FcContactAttempt.case_id == case_id)
    )
    assert attempt is not None
    unknown = {**SUMMARY, "discussion_attempt_id": str(uuid.uuid4())}
    r = await _send(client, auth_headers, "POST", _url(case_id, "/summary"), unknown)
    assert (r.status_code, _type(r)) == (404, "discussion-attempt-not-found"), r.text
    body = {**SUMMARY, "discussion_attempt_id": str(attempt.id)}
    r = await _send(client, auth_headers, "POST", _url(case_id, "/summary"), body)
    assert r.status_code == 201, r.text
    assert r.json()["discussion_attempt_id"] == str(attempt.id)
    # The conversation's notes are kept on the case, read by the kit's legal scan (XC-RSK-004).
    await session.refresh(attempt)
    assert attempt.notes is not None
    assert "receptionist" in attempt.notes
    assert attempt.legal_scan is not None
    assert "judicial_review" in attempt.legal_scan["terms"]


# --- ASM-108: components ----------------------------------------------------------------------


@pytest.mark.parametrize("description", [None, "", "   ", "MISSING"])
async def test_component_without_summary_description_cannot_be_saved__ASM_108(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, description: Any
) -> None:
    # Test (c).
    case = await make_case(session)
    await make_summary(session, case.id)
    org = await organisation_on_case(session, case)
    body = _component(org.organisation_id)
    if description == "MISSING":
        del body["summary_description"]
    else:
        body["summary_description"] = description
    r = await _send(client, auth_headers, "POST", _url(case.id), body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await _count(session, ComplaintComponent) == 0


async def test_one_component_per_area_per_organisation__ASM_108(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # Test (d): the same organisation and area twice is refused (a duplicate).
    case = await make_case(session, organisation_ids=[uuid.UUID(int=1), OTHER_ORG])
    await make_summary(session, case.id, issues=[ISSUE, OTHER_ISSUE])
    first = await organisation_on_case(session, case)
    await organisation_on_case(session, case, OTHER_ORG)
    r = await _send(
        client, auth_headers, "POST", _url(case.id), _component(first.organisation_id),
        idempotency_key="component-1",
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    assert r.headers["location"] == f"/v1/cases/{case.id}/components/{r.json()['id']}"
    replay = await _send(
        client, auth_headers, "POST", _url(case.id), _component(first.organisation_id),
        idempotency_key="component-1",
    )  # fmt: skip
    assert replay.json()["id"] == r.json()["id"]
    body = _component(first.organisation_id, issues=[OTHER_ISSUE])
    dup = await _send(client, auth_headers, "POST", _url(case.id), body)
    assert (dup.status_code, _type(dup)) == (409, "component-area-duplicate"), dup.text
    assert dup.json()["requirement"] == "ASM-108"
    other_area = _component(first.organisation_id, "communication", [OTHER_ISSUE])
    assert (await _send(client, auth_headers, "POST", _url(case.id), other_area)).status_code == 201
    other_org = await _send(client, auth_headers, "POST", _url(case.id), _component(OTHER_ORG))
    assert other_org.status_code == 201, other_org.text
    assert await _count(session, ComplaintComponent) == 3
    audits = await _audits(session, "complaint_component")
    assert {a.action for a in audits} == {"components.component_added"}
    assert len(audits) == 3


async def test_component_against_an_organisation_on_the_case__ASM_108(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_summary(session, case.id)
    r = await _send(client, auth_headers, "POST", _url(case.id), _component(OTHER_ORG))
    assert (r.status_code, _type(r)) == (404, "handlers-not-recorded"), r.text
    await organisation_on_case(session, case)
    r = await _send(client, auth_headers, "POST", _url(case.id), _component(OTHER_ORG))
    assert (r.status_code, _type(r)) == (404, "case-organisation-not-found"), r.text
    r = await _send(client, auth_headers, "POST", _url(uuid.uuid4()), _component(OTHER_ORG))
    assert r.status_code in (403, 404), r.text


async def test_no_decision_on_a_case_with_no_component__ASM_108(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # Test (a): no decision can be recorded on a case with 0 components.
    case = await make_case(session)
    await make_summary(session, case.id)
    org = await organisation_on_case(session, case)
    for proposing in (True, False):
        gaps = await service.decision_gaps(
            session, case.id, proposing=proposing, closure_code=DECLINE_CODE
        )
        assert ("ASM-108", "The case has no complaint component: at least one (¶2.239)") in gaps
    body = {"organisation_id": str(org.organisation_id), "rationale": "Nothing to decide."}
    r = await _send(client, auth_headers, "POST", _url(case.id, "/organisation-decisions"), body)
    assert (r.status_code, _type(r)) == (409, "organisation-decision-not-ready"), r.text
    assert (r.json()["requirement"], r.json()["problems"]) == ("ASM-108", ["no_components"])


async def test_decision_with_an_undecided_component_is_refused__ASM_108(
    session: AsyncSession,
) -> None:
    # Test (b): closing a case where any component has no decision is rejected.
    case = await make_case(session)
    await make_summary(session, case.id, issues=[ISSUE, OTHER_ISSUE])
    org = await organisation_on_case(session, case)
    await make_component(session, org, decided=DECLINED)
    undecided = await make_component(
        session, org, area=ComponentArea.communication, issues=[OTHER_ISSUE]
    )
    gaps = await service.decision_gaps(session, case.id, proposing=False, closure_code=DECLINE_CODE)
    detail = f"Component {undecided.id} (communication) has no decision (¶2.244)"
    assert gaps == [("ASM-108", detail)]


async def test_component_decision_recorded_with_why_and_evidence__ASM_108(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_summary(session, case.id)
    component = await make_component(session, await organisation_on_case(session, case))
    url = _url(case.id, f"/{component.id}/decision")
    bare = {"decision": "decline", "closure_code": DECLINE_CODE, "discretion": "general",
            "other_reason": "outcome not achievable"}  # fmt: skip
    r = await _send(client, auth_headers, "POST", url, bare)
    assert (r.status_code, _type(r)) == (422, "component-decision-invalid"), r.text
    assert r.json()["problems"] == [
        {"problem": "rationale_required", "requirement": "ASM-108"},
        {"problem": "material_evidence_required", "requirement": "ASM-108"},
    ]
    full = {**bare, "rationale": "The apology sought was given.", "material_evidence": ["DOC-1"]}
    r = await _send(client, auth_headers, "POST", url, full, if_match='"7"')
    assert r.status_code == 412, r.text
    r = await _send(client, auth_headers, "POST", url, full, if_match='"1"')
    assert r.status_code == 200, r.text
    assert (r.json()["decision"], r.json()["decided_by"], r.headers["etag"]) == (
        "decline",
        CW,
        '"2"',
    )
    [audit] = [
        a for a in await _audits(session, "complaint_component")
        if a.action == "components.component_decided"
    ]  # fmt: skip
    assert audit.after is not None
    assert audit.after["rationale"] == "The apology sought was given."
    r = await _send(client, auth_headers, "GET", _url(case.id, f"/{component.id}"))
    assert (r.status_code, r.json()["material_evidence"]) == (200, ["DOC-1"])
    r = await _send(client, auth_headers, "GET", _url(case.id, f"/{uuid.uuid4()}"))
    assert (r.status_code, _type(r)) == (404, "complaint-component-not-found")


# --- ASM-116, ASM-117: premature ----------------------------------------------------------------


async def test_premature_component_weighs_268_and_has_the_organisations_agreement__ASM_116(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_summary(session, case.id)
    component = await make_component(session, await organisation_on_case(session, case))
    url = _url(case.id, f"/{component.id}/decision")
    body: dict[str, Any] = {
        "decision": "premature", "closure_code": "Premature: local resolution ongoing",
        "discretion": "specific", "rationale": "The practice has offered a meeting.",
        "material_evidence": ["DOC-0002"],
        "premature_factors": [
            {"factor": f, "consideration": "Weighed against the offer of a meeting."}
            for f in FACTORS[:5]
        ],
        "sent_back_to_organisation": True, "organisation_agreed_to_respond": False,
        "complainant_told_time_limit": True,
    }  # fmt: skip
    r = await _send(client, auth_headers, "POST", url, body)
    assert (r.status_code, _type(r)) == (422, "component-decision-invalid"), r.text
    assert r.json()["problems"] == [
        {"problem": "premature_factors_not_weighed", "requirement": "ASM-116"},
        {"problem": "organisation_agreement_required", "requirement": "ASM-116"},
    ]
    body["premature_factors"].append({"factor": FACTORS[5], "consideration": "ALR unlikely."})
    body["organisation_agreed_to_respond"] = True
    r = await _send(client, auth_headers, "POST", url, body)
    assert r.status_code == 200, r.text
    assert len(r.json()["premature_factors"]) == 6
    assert r.json()["organisation_agreed_to_respond"] is True


async def test_premature_component_tells_the_complainant_the_time_limit__ASM_117(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_summary(session, case.id)
    component = await make_component(session, await organisation_on_case(session, case))
    body = {
        "decision": "premature", "closure_code": "premature", "discretion": "specific",
        "rationale": "Local resolution has not finished.", "material_evidence": ["DOC-0002"],
        "premature_factors": [{"factor": f, "consideration": "Weighed."} for f in FACTORS],
    }  # fmt: skip
    url = _url(case.id, f"/{component.id}/decision")
    r = await _send(client, auth_headers, "POST", url, body)
    assert r.json()["problems"] == [{"problem": "time_limit_not_told", "requirement": "ASM-117"}]
    told = {**body, "complainant_told_time_limit": True}
    r = await _send(client, auth_headers, "POST", url, told)
    assert r.status_code == 200, r.text
    assert r.json()["complainant_told_time_limit"] is True


# --- ASM-126: a component's own time-limit decision ---------------------------------------------


async def test_out_of_time_component_on_its_own_time_limit_decision__ASM_126(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_summary(session, case.id)
    component = await make_component(session, await organisation_on_case(session, case))
    decide = _url(case.id, f"/{component.id}/decision")
    body = {
        "decision": "out of time", "closure_code": "out of time", "discretion": "specific",
        "rationale": "The substance is out of time.", "material_evidence": ["DOC-0003"],
    }  # fmt: skip
    r = await _send(client, auth_headers, "POST", decide, body)
    assert r.json()["problems"] == [
        {"problem": "time_limit_decision_required", "requirement": "ASM-126"}
    ]
    patch = {
        "time_limit_outcome": "out of time, limit not set aside",
        "time_limit_rationale": "Aware in 2023; no reason given for the delay.",
    }
    one = _url(case.id, f"/{component.id}")
    r = await _send(client, auth_headers, "PATCH", one, patch)
    assert r.status_code == 428, r.text
    r = await _send(client, auth_headers, "PATCH", one, patch, if_match='"1"')
    assert r.status_code == 200, r.text
    assert r.json()["time_limit_outcome"] == "out of time, limit not set aside"
    r = await _send(client, auth_headers, "POST", decide, body)
    assert r.status_code == 200, r.text
    undo = {"time_limit_outcome": "out of time, limit set aside",
            "time_limit_rationale": "Reconsidered."}  # fmt: skip
    r = await _send(client, auth_headers, "PATCH", one, undo, if_match=r.headers["etag"])
    assert (r.status_code, _type(r)) == (422, "component-decision-invalid"), r.text
    stored = await session.scalar(
        select(ComplaintComponent.time_limit_outcome).where(ComplaintComponent.id == component.id)
    )
    assert stored is TimeLimitOutcome.not_set_aside


# --- ASM-176: organisation decisions -------------------------------------------------------------


async def _derive(
    client: httpx.AsyncClient, auth_headers: Headers, case_id: uuid.UUID, org: uuid.UUID,
    main_reason: str | None = None,
) -> httpx.Response:  # fmt: skip
    body: dict[str, Any] = {"organisation_id": str(org), "rationale": "As its components."}
    if main_reason is not None:
        body["main_reason"] = main_reason
    return await _send(client, auth_headers, "POST", _url(case_id, "/organisation-decisions"), body)


async def _recorded(session: AsyncSession, case_id: uuid.UUID) -> list[tuple[str, bool]]:
    rows = await session.scalars(
        select(OrganisationDecision)
        .where(OrganisationDecision.case_id == case_id)
        .execution_options(populate_existing=True)
    )
    return [(d.decision, d.investigate) for d in rows]


async def test_resolved_and_declined_components_make_resolution__ASM_176(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # Test (a).
    case = await make_case(session)
    await make_summary(session, case.id, issues=[ISSUE, OTHER_ISSUE])
    org = await organisation_on_case(session, case)
    await make_component(
        session, org, decided={"decision": ComponentDecision.resolved, "rationale": "Apology.",
                               "material_evidence": ["DOC-1"]},
    )  # fmt: skip
    await make_component(
        session, org, area=ComponentArea.communication, issues=[OTHER_ISSUE], decided=DECLINED
    )
    r = await _derive(client, auth_headers, case.id, org.organisation_id, DECLINE_CODE)
    assert r.status_code == 201, r.text
    assert await _recorded(session, case.id) == [("resolution", False)]
    [standing] = r.json()["organisations"]
    assert standing["derived_decision"] == standing["recorded_decision"] == "resolution"
    assert [a.action for a in await _audits(session, "organisation_decision")] == [
        "handlers.organisation_decided"
    ]
    gaps = await service.decision_gaps(session, case.id, proposing=False, closure_code="resolution")
    assert gaps == []


async def test_a_case_closes_as_a_resolution_on_a_resolved_component__ASM_176_ASM_156(
    session: AsyncSession,
) -> None:
    # T33: the case's code ('general discretion - resolution', 'premature - resolution') is not
    # a component's code; it needs a component the organisation's actions resolve (¶3.120).
    case = await make_case(session)
    await make_summary(session, case.id)
    org = await organisation_on_case(session, case)
    component = await make_component(session, org, decided=DECLINED)
    await make_organisation_decision(session, org, DECLINE_CODE)
    for code in ("general discretion - resolution", "premature - resolution"):
        gaps = await service.decision_gaps(session, case.id, proposing=False, closure_code=code)
        assert [r for r, _ in gaps] == ["ASM-176"]
        assert gaps[0][1].startswith("No component is resolved")
    component.decision = ComponentDecision.resolved
    component.closure_code = component.discretion = component.other_reason = None
    await session.flush()
    await make_organisation_decision(session, org, "resolution")
    for code in ("general discretion - resolution", "premature - resolution"):
        assert (
            await service.decision_gaps(session, case.id, proposing=False, closure_code=code) == []
        )
    read = await service.read_components(session, case.id)
    assert read.before_resolution == []


async def test_a_component_proposed_forces_propose_to_investigate__ASM_176(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # Test (b).
    case = await make_case(session)
    await make_summary(session, case.id, issues=[ISSUE, OTHER_ISSUE])
    org = await organisation_on_case(session, case)
    await make_component(session, org, decided={"decision": ComponentDecision.propose})
    await make_component(
        session, org, area=ComponentArea.communication, issues=[OTHER_ISSUE], decided=DECLINED
    )
    r = await _derive(client, auth_headers, case.id, org.organisation_id, DECLINE_CODE)
    assert r.status_code == 201, r.text
    assert await _recorded(session, case.id) == [("propose to investigate", True)]
    assert await service.decision_gaps(session, case.id, proposing=True, closure_code=None) == []
    gaps = await service.decision_gaps(session, case.id, proposing=False, closure_code=DECLINE_CODE)
    assert [g[0] for g in gaps] == ["ASM-176"]
    assert "proposal" in gaps[0][1]


async def test_no_organisation_decision_while_a_component_lacks_one__ASM_176(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # Test (c).
    case = await make_case(session)
    await make_summary(session, case.id, issues=[ISSUE, OTHER_ISSUE])
    org = await organisation_on_case(session, case)
    await make_component(session, org, decided={"decision": ComponentDecision.propose})
    await make_component(session, org, area=ComponentArea.communication, issues=[OTHER_ISSUE])
    r = await _derive(client, auth_headers, case.id, org.organisation_id)
    assert (r.status_code, _type(r)) == (409, "organisation-decision-not-ready"), r.text
    assert (r.json()["requirement"], r.json()["problems"]) == ("ASM-176", ["component_undecided"])
    assert await _recorded(session, case.id) == []


async def test_main_reason_and_an_organisation_decision_kept_up_to_date__ASM_176(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_summary(session, case.id, issues=[ISSUE, OTHER_ISSUE])
    org = await organisation_on_case(session, case)
    first = await make_component(session, org, decided=DECLINED)
    await make_component(
        session, org, area=ComponentArea.communication, issues=[OTHER_ISSUE],
        decided={**DECLINED, "closure_code": "organisation out of jurisdiction",
                 "discretion": None, "other_reason": None},
    )  # fmt: skip
    r = await _derive(client, auth_headers, case.id, org.organisation_id)
    assert r.json()["problems"] == ["main_reason_required"], r.text
    r = await _derive(client, auth_headers, case.id, org.organisation_id, "premature")
    assert r.json()["problems"] == ["main_reason_not_a_component_code"], r.text
    r = await _derive(client, auth_headers, case.id, org.organisation_id, DECLINE_CODE)
    assert r.status_code == 201, r.text
    assert await _recorded(session, case.id) == [(DECLINE_CODE, False)]
    assert (
        await service.decision_gaps(session, case.id, proposing=False, closure_code=DECLINE_CODE)
        == []
    )
    # ¶3.124: the overall closure code is one of the components' codes.
    gaps = await service.decision_gaps(session, case.id, proposing=False, closure_code="premature")
    assert [g[0] for g in gaps] == ["ASM-176"]
    assert "premature" in gaps[0][1]

    # A component's decision changes: the organisation decision is stale until brought up to date.
    r = await _send(client, auth_headers, "POST", _url(case.id, f"/{first.id}/decision"), PROPOSED)
    assert r.status_code == 200, r.text
    await session.refresh(first)  # the app changed the row in its own session
    gaps = await service.decision_gaps(session, case.id, proposing=True, closure_code=None)
    assert [g[0] for g in gaps] == ["ASM-176"]
    assert "'propose to investigate'" in gaps[0][1]
    r = await _derive(client, auth_headers, case.id, org.organisation_id)
    assert r.status_code == 201, r.text
    assert await _recorded(session, case.id) == [("propose to investigate", True)]
    actions = [a.action for a in await _audits(session, "organisation_decision")]
    assert actions == ["handlers.organisation_decided", "handlers.organisation_decision_updated"]
    assert await service.decision_gaps(session, case.id, proposing=True, closure_code=None) == []


async def test_organisation_decision_recorded_on_handlers_inconsistently_is_a_gap__ASM_176(
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    await make_summary(session, case.id)
    org = await organisation_on_case(session, case)
    await make_component(
        session, org, decided={"decision": ComponentDecision.resolved, "rationale": "Apology.",
                               "material_evidence": ["DOC-1"]},
    )  # fmt: skip
    await make_organisation_decision(session, org, DECLINE_CODE)
    gaps = await service.decision_gaps(session, case.id, proposing=False, closure_code="resolution")
    assert [g[0] for g in gaps] == ["ASM-176"]
    assert "'resolution'" in gaps[0][1]


# --- ASM-106: nothing left after the summary -----------------------------------------------------


async def test_nothing_left_after_the_summary_closes_as_other_reason_to_decline__ASM_106(
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    await make_summary(
        session, case.id, issues=[],
        excluded=[{"issue": ISSUE, "agreed_with_complainant": True, "agreed_on": "2026-11-02",
                   "agreed_how": "telephone"}],
    )  # fmt: skip
    # No component is needed (nothing continues), and the decline is 'other reason to decline'.
    ok = await service.decision_gaps(
        session, case.id, proposing=False, closure_code=DECLINE_CODE,
        other_reason="nothing left after agreeing the summary",
    )  # fmt: skip
    assert ok == []
    assert (
        await service.decision_gaps(session, case.id, proposing=False, closure_code=DECLINE_CODE)
        == []
    )
    for code, reason in (("premature", None), (DECLINE_CODE, "outcome not achievable")):
        gaps = await service.decision_gaps(
            session, case.id, proposing=False, closure_code=code, other_reason=reason
        )
        assert [g[0] for g in gaps] == ["ASM-106"]
    gaps = await service.decision_gaps(session, case.id, proposing=True, closure_code=None)
    assert [g[0] for g in gaps] == ["ASM-106"]


# --- The gates contract and what other domains ask -----------------------------------------------


@pytest.mark.parametrize("proposing", [True, False])
async def test_make_components_ready_leaves_no_gap__ASM_108_ASM_176(
    session: AsyncSession, proposing: bool
) -> None:
    case = await make_case(session)
    assert (
        await service.decision_gaps(
            session, case.id, proposing=proposing, closure_code=None if proposing else DECLINE_CODE
        )
        != []
    )
    await make_components_ready(session, case.id, proposing=proposing)
    assert (
        await service.decision_gaps(
            session, case.id, proposing=proposing, closure_code=None if proposing else DECLINE_CODE
        )
        == []
    )
    assert await service.decision_gaps(
        session, case.id, proposing=not proposing,
        closure_code=DECLINE_CODE if proposing else None,
    ) != []  # fmt: skip


async def test_proposal_issues_and_component_ids__ASM_108_ASM_176(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_summary(session, case.id, issues=[ISSUE, OTHER_ISSUE])
    org = await organisation_on_case(session, case)
    proposed = await make_component(session, org, decided={"decision": ComponentDecision.propose})
    declined = await make_component(
        session, org, area=ComponentArea.communication, issues=[OTHER_ISSUE], decided=DECLINED,
        recorded_at=datetime(2026, 11, 3, 11, tzinfo=UTC),
    )  # fmt: skip
    assert await service.component_ids(session, case.id) == [proposed.id, declined.id]
    issues = await service.proposal_issues(session, case.id)
    assert [(i.component_id, i.proposed, i.area) for i in issues] == [
        (proposed.id, True, "diagnosis"),
        (declined.id, False, "communication"),
    ]
    assert issues[0].reason is None
    assert issues[1].reason == f"{DECLINE_CODE}: {DECLINED['rationale']}"
    assert issues[1].organisation_id == org.organisation_id
    r = await _send(client, auth_headers, "GET", _url(case.id))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [c["id"] for c in body["components"]] == [str(proposed.id), str(declined.id)]
    assert body["before_proposal"] == [
        {"requirement": "ASM-176",
         "detail": f"Organisation {org.organisation_id} has no organisation decision (¶3.119)"}
    ]  # fmt: skip


# --- ASM-114: the precedent check ----------------------------------------------------------


async def test_precedent_query_covers_the_past_two_years__ASM_114(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    # The fixed clock is 2 November 2026: 23 months back is in, 25 months back is out.
    case = await make_case(session)
    other = await make_case(session)
    await make_summary(session, other.id)
    org = await organisation_on_case(session, other)
    recent = await make_component(session, org, recorded_at=datetime(2024, 12, 2, 12, tzinfo=UTC))
    await make_component(
        session, org, area=ComponentArea.delay, recorded_at=datetime(2024, 10, 2, 12, tzinfo=UTC)
    )
    latest = await make_component(
        session, org, area=ComponentArea.communication,
        recorded_at=datetime(2026, 10, 1, 12, tzinfo=UTC),
    )  # fmt: skip
    own = await organisation_on_case(session, case)
    await make_summary(session, case.id)
    await make_component(session, own)  # the case's own component is not a precedent
    r = await _send(client, auth_headers, "GET", _url(case.id, "/precedents?limit=1"))
    assert r.status_code == 200, r.text
    assert [i["id"] for i in r.json()["items"]] == [str(latest.id)]
    cursor = r.json()["next_cursor"]
    url = _url(case.id, f"/precedents?limit=5&cursor={cursor}")
    r = await _send(client, auth_headers, "GET", url)
    assert r.status_code == 200, r.text
    assert [i["id"] for i in r.json()["items"]] == [str(recent.id)]
    assert r.json()["next_cursor"] is None


# --- Only at further consideration ----------------------------------------------------------------


async def test_components_change_only_at_further_consideration__ASM_108(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.closed)
    r = await _send(client, auth_headers, "POST", _url(case.id, "/summary"), SUMMARY)
    assert (r.status_code, _type(r)) == (409, "components-not-at-further-consideration"), r.text
    assert await _count(session, ComplaintSummary) == 0
